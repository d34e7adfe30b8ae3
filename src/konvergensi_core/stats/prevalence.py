"""Prevalence with 95 % confidence intervals.

* A census of children (routine data: every child measured is counted) gets the Wilson score
  interval, which stays inside [0, 1] and behaves for small counts.
* A survey (weights, clusters, strata given) gets the design-based estimate the WHO analysis uses
  (anthro: R ``survey``, ``svyciprop(method = "logit")`` on the valid records of the whole design,
  ``survey.lonely.psu = "adjust"``): the weighted proportion, its variance by Taylor linearisation
  with PSUs within strata (with-replacement approximation), a logit-transformed interval and a t
  quantile with #PSU − #strata degrees of freedom. The design is the whole survey: the valid
  records are a domain of it, so a PSU without a valid record still counts (with a total of 0)
  and the degrees of freedom are those of the whole design; a stratum with a single PSU adds
  that PSU's total squared (centred on the mean of all PSUs, which is 0 here). Checked against R
  in ``tests/core/stats/golden_prevalence/`` (R's estimate comes from an iterative fit stopped at
  a relative deviance change of 1e-8, so the two agree to about 1e-9, not to the last digit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Prevalence:
    n: int  # records in the denominator
    cases: float  # weighted when weights are given
    prevalence: float  # proportion, 0–1 (NaN when n = 0)
    ci_low: float
    ci_high: float
    method: str  # "wilson" or "design"


def wilson_interval(cases: np.ndarray | float, n: np.ndarray | float, z: float = Z95):
    """Wilson score interval for cases/n (arrays allowed); NaN where n = 0."""
    cases = np.asarray(cases, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = cases / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lo = np.where(cases == 0, 0.0, np.clip(centre - half, 0, 1))
        hi = np.where(cases == n, 1.0, np.clip(centre + half, 0, 1))
        # guard the estimate against rounding in the bounds
        return np.minimum(lo, p), np.maximum(hi, p)


def _t_quantile(q: float, df: int) -> float:
    """Student-t quantile by bisection on the CDF (regularised incomplete beta by continued fraction)."""
    if df <= 0:
        return float("nan")

    def cdf(t: float) -> float:
        x = df / (df + t * t)
        tail = 0.5 * _betainc(df / 2, 0.5, x)
        return 1 - tail if t > 0 else tail

    lo, hi = -1000.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if cdf(mid) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _normal_quantile(q: float) -> float:
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) (Numerical Recipes' continued fraction)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1) / (a + b + 2):
        return 1.0 - _betainc(b, a, 1 - x)
    f, c, d = 1.0, 1.0, 0.0
    for i in range(300):
        m = i // 2
        if i == 0:
            num = 1.0
        elif i % 2 == 0:
            num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        else:
            num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + num * d
        d = 1 / (d if abs(d) > 1e-300 else 1e-300)
        c = 1 + num / (c if abs(c) > 1e-300 else 1e-300)
        f *= c * d
        if abs(1 - c * d) < 1e-15:
            break
    return front * (f - 1) / a


def prevalence(
    cases, valid=None, *, weights=None, cluster=None, strata=None, level: float = 0.95
) -> Prevalence:
    """Prevalence of ``cases`` among ``valid`` records (both boolean arrays)."""
    cases = np.asarray(cases, dtype=bool)
    valid = np.ones(cases.shape, bool) if valid is None else np.asarray(valid, dtype=bool)
    y = cases[valid].astype(float)
    n = int(valid.sum())
    if n == 0:
        return Prevalence(0, 0.0, float("nan"), float("nan"), float("nan"), "wilson")
    if weights is None and cluster is None and strata is None:
        z = Z95 if level == 0.95 else _normal_quantile(0.5 + level / 2)
        lo, hi = wilson_interval(y.sum(), n, z)
        return Prevalence(n, float(y.sum()), float(y.mean()), float(lo), float(hi), "wilson")
    # The design is the whole survey; the valid records are a domain of it (weight 0 elsewhere).
    size = cases.shape[0]
    w_all = np.ones(size) if weights is None else np.asarray(weights, dtype=float)
    w = np.where(valid, w_all, 0.0)
    psu = np.arange(size) if cluster is None else np.asarray(cluster)
    st = np.zeros(size, dtype=np.int64) if strata is None else np.asarray(strata)
    yd = (cases & valid).astype(float)
    total_w = w.sum()
    p = float((w * yd).sum() / total_w)
    # Linearised variable of the ratio estimator (0 outside the domain), totalled per PSU within stratum.
    u = w * (yd - p) / total_w
    _, st_idx = np.unique(st, return_inverse=True)
    keys = np.stack([st_idx.ravel(), np.unique(psu, return_inverse=True)[1].ravel()], axis=1)
    uniq, psu_idx = np.unique(keys, axis=0, return_inverse=True)
    psu_total = np.bincount(psu_idx.ravel(), weights=u, minlength=len(uniq))
    psu_stratum = uniq[:, 0]
    centre = float(psu_total.sum()) / len(uniq)  # lonely PSUs ("adjust"): the mean of all PSUs
    variance = 0.0
    for h in np.unique(psu_stratum):
        totals = psu_total[psu_stratum == h]
        nh = totals.size
        if nh > 1:
            variance += nh / (nh - 1) * float(((totals - totals.mean()) ** 2).sum())
        else:
            variance += float((totals[0] - centre) ** 2)
    df = len(uniq) - len(np.unique(psu_stratum))
    t = _t_quantile(0.5 + level / 2, df)
    if p <= 0 or p >= 1 or variance <= 0:
        lo = hi = p
    else:
        se_logit = math.sqrt(variance) / (p * (1 - p))
        logit = math.log(p / (1 - p))
        lo = 1 / (1 + math.exp(-(logit - t * se_logit)))
        hi = 1 / (1 + math.exp(-(logit + t * se_logit)))
    return Prevalence(n, float((w * yd).sum()), p, lo, hi, "design")


def prevalence_by(groups, cases, valid=None, *, n_groups: int | None = None):
    """Census prevalence per group code (0..k−1) in one pass: (n, cases, p, ci_low, ci_high) arrays."""
    groups = np.asarray(groups, dtype=np.int64)
    cases = np.asarray(cases, dtype=bool)
    valid = np.ones(cases.shape, bool) if valid is None else np.asarray(valid, dtype=bool)
    k = int(n_groups if n_groups is not None else (groups.max(initial=-1) + 1))
    n = np.bincount(groups[valid], minlength=k).astype(float)
    c = np.bincount(groups[valid & cases], minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = c / n
    lo, hi = wilson_interval(c, n)
    return n, c, p, lo, hi
