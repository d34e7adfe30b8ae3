"""Design-based prevalence against R ``survey`` as the WHO's anthro uses it (golden_prevalence/)."""

from __future__ import annotations

import csv
import hashlib
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

from konvergensi_core.stats import prevalence
from konvergensi_core.stats.prevalence import _t_quantile

GOLDEN = Path(__file__).parent / "golden_prevalence"
# R's estimate is expit(coef) of an IRLS fit stopped at a relative deviance change of 1e-8, so it
# is off the exact weighted proportion by up to 1.6e-9 on this set; everything else is exact.
TOLERANCE = 2e-9


def test_golden_files_are_the_ones_checked_in():
    for line in (GOLDEN / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((GOLDEN / name).read_bytes()).hexdigest() == digest, name


def _surveys():
    by_survey = defaultdict(list)
    with (GOLDEN / "survey.csv").open() as fh:
        for r in csv.DictReader(fh):
            by_survey[r["sid"]].append(r)
    with (GOLDEN / "expected.csv").open() as fh:
        expected = list(csv.DictReader(fh))
    assert len(expected) == 30 and sum(len(v) for v in by_survey.values()) == 36_043
    for e in expected:
        rows = by_survey[e["sid"]]
        yield (
            e,
            {
                "cases": np.array([r["y"] == "1" for r in rows]),
                "valid": np.array([r["valid"] == "1" for r in rows]),
                "weights": np.array([float(r["w"]) for r in rows]),
                "cluster": np.array([r["cluster"] for r in rows]),
                "strata": np.array([int(r["strata"]) for r in rows]),
            },
        )


def test_golden_design_based_prevalence_equals_r_survey():
    worst = 0.0
    for expected, d in _surveys():
        p = prevalence(d["cases"], d["valid"], weights=d["weights"], cluster=d["cluster"], strata=d["strata"])
        assert p.method == "design" and p.n == int(d["valid"].sum())
        got = np.array([p.prevalence, p.ci_low, p.ci_high])
        want = np.array([float(expected[k]) for k in ("p", "lo", "hi")])
        worst = max(worst, float(np.max(np.abs(got - want))))
    assert worst <= TOLERANCE


def _linearised(cases, valid, weights, cluster, strata):
    """A plain transcription of the domain estimate (loops, no NumPy vector tricks)."""
    n = len(cases)
    wsum = sum(weights[i] for i in range(n) if valid[i])
    p = sum(weights[i] for i in range(n) if valid[i] and cases[i]) / wsum
    totals: dict = defaultdict(float)
    for i in range(n):
        totals[(strata[i], cluster[i])] += weights[i] * (cases[i] - p) / wsum if valid[i] else 0.0
    by_stratum: dict = defaultdict(list)
    for (h, _), t in totals.items():
        by_stratum[h].append(t)
    var = 0.0
    for ts in by_stratum.values():
        if len(ts) == 1:
            var += ts[0] ** 2
        else:
            mean = sum(ts) / len(ts)
            var += len(ts) / (len(ts) - 1) * sum((t - mean) ** 2 for t in ts)
    df = len(totals) - len(by_stratum)
    tq = sps.t.ppf(0.975, df)
    se = math.sqrt(var) / (p * (1 - p))
    logit = math.log(p / (1 - p))
    return p, 1 / (1 + math.exp(-(logit - tq * se))), 1 / (1 + math.exp(-(logit + tq * se)))


def test_a_psu_without_valid_records_still_counts_in_the_design():
    # Valid records are a domain of the whole survey: the PSU whose children all have invalid
    # z-scores still counts (a total of 0) in its stratum and in the degrees of freedom.
    rng = np.random.default_rng(7)
    strata = np.repeat([0, 0, 0, 1, 1, 1, 2], 20)
    cluster = np.repeat(np.arange(7), 20)
    cases = rng.random(140) < 0.3
    valid = rng.random(140) < 0.9
    valid[cluster == 2] = False  # no valid record in this PSU
    weights = rng.uniform(0.5, 2.0, 140)
    p = prevalence(cases, valid, weights=weights, cluster=cluster, strata=strata)
    want = _linearised(cases, valid, weights, cluster, strata)  # stratum 2 has a single PSU
    assert (p.prevalence, p.ci_low, p.ci_high) == pytest.approx(want, abs=1e-12)
    dropped = prevalence(cases[valid], weights=weights[valid], cluster=cluster[valid], strata=strata[valid])
    assert p.prevalence == pytest.approx(dropped.prevalence, abs=1e-15)
    assert abs(p.ci_high - dropped.ci_high) > 1e-4  # dropping the PSU is not the same design


def test_t_quantile_for_any_degrees_of_freedom():
    # Large surveys have more than 1,000 PSUs; the normal quantile is not the t quantile there.
    for df in (1, 2, 7, 30, 118, 999, 1001, 2_500, 50_000):
        assert _t_quantile(0.975, df) == pytest.approx(sps.t.ppf(0.975, df), abs=1e-9)
