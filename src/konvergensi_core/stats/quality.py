"""Data quality of anthropometric data (WHO-UNICEF 2019 recommendations), vectorised."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ZSummary:
    n: int
    mean: float
    sd: float
    skewness: float
    kurtosis: float  # excess kurtosis (0 for a normal distribution)


def zscore_summary(z, flags=None) -> ZSummary:
    """Mean, SD (n − 1), skewness and excess kurtosis of z, without missing and flagged values."""
    z = np.asarray(z, dtype=float)
    keep = np.isfinite(z)
    if flags is not None:
        keep &= np.asarray(flags, dtype=float) != 1
    x = z[keep]
    n = x.size
    if n < 2:
        return ZSummary(n, float(x.mean()) if n else float("nan"), float("nan"), float("nan"), float("nan"))
    mean = float(x.mean())
    sd = float(x.std(ddof=1))
    m2 = float(((x - mean) ** 2).mean())
    skew = float(((x - mean) ** 3).mean() / m2**1.5) if m2 > 0 else float("nan")
    kurt = float(((x - mean) ** 4).mean() / m2**2 - 3) if m2 > 0 else float("nan")
    return ZSummary(n, mean, sd, skew, kurt)


def digit_preference(values) -> tuple[np.ndarray, float]:
    """Counts of the last (first decimal) digit 0–9 and the digit preference score.

    DPS = 100 · sqrt(χ² / (n · 9)) against a uniform distribution (WHO-UNICEF 2019): 0 when every
    digit is equally frequent, 100 when all values end in the same digit.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    digits = np.rint(np.abs(v) * 10).astype(np.int64) % 10
    counts = np.bincount(digits, minlength=10)
    n = counts.sum()
    if n == 0:
        return counts, float("nan")
    expected = n / 10
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    return counts, 100 * float(np.sqrt(chi2 / (n * 9)))


def share_missing(z) -> float:
    """Proportion (0–1) of records without this z-score."""
    z = np.asarray(z, dtype=float)
    return float(np.isnan(z).mean()) if z.size else float("nan")


def share_flagged(flags) -> float:
    """Proportion (0–1) of computed z-scores flagged as implausible (flag 1 among flags 0/1)."""
    f = np.asarray(flags, dtype=float)
    known = np.isfinite(f)
    return float((f[known] == 1).mean()) if known.any() else float("nan")


@dataclass(frozen=True)
class AgeHeaping:
    counts: np.ndarray  # children per completed month of age, 0–59
    whole_year_ratio: float  # share at 12, 24, 36, 48 months ÷ the share expected (4/60); 1 = none
    half_year_ratio: float  # share at 6, 18, 30, 42, 54 months ÷ the share expected (5/60)


def age_heaping(age_months) -> AgeHeaping:
    """Heaping of ages on whole and half years (ages reported rather than computed from dates).

    Children are counted per completed month 0–59; with no heaping every month holds about 1/60
    of them, so a ratio of 1.5 means half again as many children at whole years as expected.
    """
    a = np.asarray(age_months, dtype=float)
    a = a[np.isfinite(a) & (a >= 0) & (a < 60)]
    counts = np.bincount(np.floor(a).astype(np.int64), minlength=60)[:60]
    n = counts.sum()
    if n == 0:
        return AgeHeaping(counts, float("nan"), float("nan"))
    whole = counts[[12, 24, 36, 48]].sum() / n / (4 / 60)
    half = counts[[6, 18, 30, 42, 54]].sum() / n / (5 / 60)
    return AgeHeaping(counts, float(whole), float(half))


@dataclass(frozen=True)
class SexRatio:
    boys: int
    girls: int
    ratio: float  # boys per girl
    p_value: float  # two-sided test of an equal share of boys and girls (normal approximation)


def sex_ratio(sex) -> SexRatio:
    """Boys per girl, and whether the imbalance is beyond chance (WHO-UNICEF 2019 check)."""
    s = np.asarray(sex, dtype=float)
    boys = int((s == 1).sum())
    girls = int((s == 2).sum())
    n = boys + girls
    if n == 0:
        return SexRatio(0, 0, float("nan"), float("nan"))
    z = (boys - n / 2) / np.sqrt(n / 4)
    p = float(math.erfc(abs(z) / math.sqrt(2)))
    return SexRatio(boys, girls, boys / girls if girls else float("inf"), p)


@dataclass(frozen=True)
class IndexQuality:
    n: int  # records
    missing: float  # share without a z-score
    flagged: float  # share of computed z-scores flagged implausible
    summary: ZSummary  # of the unflagged z-scores


def quality_report(result: dict, *, age_months=None, weight=None, lenhei=None) -> dict:
    """The data-quality measures of one round of measurements, from a z-score result.

    ``result`` is a :func:`konvergensi_core.growth.zscores` result; weight and length/height (as
    measured) give the digit preference, the age in months the heaping, ``csex`` the sex ratio.
    """
    report: dict = {}
    for z, f in (("zlen", "flen"), ("zwei", "fwei"), ("zwfl", "fwfl"), ("zbmi", "fbmi")):
        report[z] = IndexQuality(
            int(np.asarray(result[z]).size),
            share_missing(result[z]),
            share_flagged(result[f]),
            zscore_summary(result[z], result[f]),
        )
    if weight is not None:
        report["weight_digits"] = digit_preference(weight)
    if lenhei is not None:
        report["lenhei_digits"] = digit_preference(lenhei)
    if age_months is not None:
        report["age_heaping"] = age_heaping(age_months)
    report["sex_ratio"] = sex_ratio(result["csex"])
    return report
