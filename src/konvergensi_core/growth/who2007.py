"""WHO Reference 2007 (5–19 years) as WHO AnthroPlus computes it, vectorised.

The rules of the WHO's R package *anthroplus* (``anthroplus_zscores``), checked row by row against
it in ``tests/core/growth/golden2007/``:

* height-for-age and BMI-for-age for 60 ≤ age ≤ 228 months, weight-for-age for 60 ≤ age ≤ 120
  months (the tables start at 60 months, so a child of 60.5 months gets all three);
* the LMS values are interpolated linearly between the rows ``trunc(age)`` and ``trunc(age + 1)``
  on the exact age in months (both computed in floating point, as the reference does);
* weight-for-age and BMI-for-age use the restricted method beyond ±3 SD (as WHO 2006),
  height-for-age the plain LMS;
* oedema makes zwfa and zbfa missing (a missing oedema counts as none);
* a measurement of 0 is computed as the reference computes it (e.g. height 0 gives a very low,
  flagged zhfa); a negative one, which the reference refuses, gives a missing z;
* flags are decided on the z rounded to 2 decimals: |zhfa| > 6, zwfa < −6 or > 5, |zbfa| > 5.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .who2006 import TABLES, _lms_z, round_decimal

FIRST_MONTH = 60


@cache
def _table(indicator: str, last_month: int) -> np.ndarray:
    raw = np.genfromtxt(TABLES / f"who2007_{indicator}_by_month.csv", delimiter=",", names=True)
    out = np.full((2, 3, last_month - FIRST_MONTH + 1), np.nan)
    idx = raw["age_months"].astype(int) - FIRST_MONTH
    sex = raw["sex"].astype(int) - 1
    for j, key in enumerate(("l", "m", "s")):
        out[sex, j, idx] = raw[key]
    out.setflags(write=False)
    return out


def _z(ok, y, table, sex_idx, age_months, restricted):
    """z for the rows where ``ok`` (NaN elsewhere), LMS interpolated as the reference does."""
    out = np.full(ok.shape[0], np.nan)
    rows = np.flatnonzero(ok)
    if not rows.size:
        return out
    age = age_months[rows]
    low = np.trunc(age)
    upp = np.trunc(age + 1.0)
    diff = age - low
    lo = low.astype(np.int64) - FIRST_MONTH
    hi = np.minimum(upp.astype(np.int64) - FIRST_MONTH, table.shape[2] - 1)
    si = sex_idx[rows]
    a = table[si, :, lo]
    b = table[si, :, hi]
    lms = np.where((diff > 0.0)[:, None], a + diff[:, None] * (b - a), a)
    out[rows] = _lms_z(y[rows], (lms[:, 0], lms[:, 1], lms[:, 2]), restricted)
    return out


def zscores_5_19(sex, age_months, weight, height, oedema=None) -> dict[str, np.ndarray]:
    """z-scores for school-age children and adolescents: ``zhfa``, ``zwfa``, ``zbfa``, ``cbmi``
    and flags ``fhfa``, ``fwfa``, ``fbfa`` (NaN where the z is missing)."""
    with np.errstate(all="ignore"):
        sex = np.asarray(sex, dtype=float)
        age = np.asarray(age_months, dtype=float)
        weight = np.asarray(weight, dtype=float)
        height = np.asarray(height, dtype=float)
        oedema = np.zeros(sex.shape, bool) if oedema is None else np.asarray(oedema, dtype=bool)
        sex_ok = (sex == 1) | (sex == 2)
        sex_idx = np.where(sex_ok, sex, 1).astype(np.int64) - 1
        cbmi = weight / np.square(height / 100.0)
        span = sex_ok & (age >= 60) & (age <= 228)
        zhfa = _z(span & (height >= 0), height, _table("hfa", 229), sex_idx, age, restricted=False)
        zwfa = _z(
            span & (age <= 120) & (weight >= 0) & ~oedema,
            weight,
            _table("wfa", 121),
            sex_idx,
            age,
            restricted=True,
        )
        zbfa = _z(
            span & (cbmi >= 0) & (height >= 0) & ~oedema,
            cbmi,
            _table("bfa", 229),
            sex_idx,
            age,
            restricted=True,
        )

        def flag(z, low, high):
            r = round_decimal(z, 2)
            f = ((r < low) | (r > high)).astype(float)
            f[np.isnan(z)] = np.nan
            return f

        return {
            "cbmi": cbmi,
            "zhfa": zhfa,
            "zwfa": zwfa,
            "zbfa": zbfa,
            "fhfa": flag(zhfa, -6, 6),
            "fwfa": flag(zwfa, -6, 5),
            "fbfa": flag(zbfa, -5, 5),
        }
