"""Data quality of anthropometric data (WHO-UNICEF 2019 recommendations), vectorised."""

from __future__ import annotations

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
