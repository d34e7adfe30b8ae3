"""WHO Child Growth Standards 2006 (0–60 months): z-scores as the WHO's own software computes them.

Columnar and vectorised: every function takes NumPy arrays (one element per child visit) and
returns arrays; the tables are looked up with integer gathers, never one object per child. The
rules reproduce the WHO R package *anthro* (``anthro_zscores``) exactly, including its
bookkeeping (see ``tests/core/growth/golden/README.md``):

* age: days rounded half up; months become days as round_half_up(months × 30.4375); nothing is
  computed from 60 months on;
* position: standing under 731 days adds 0.7 cm, lying from 731 days subtracts 0.7 cm; standing
  before 9 months is treated as an unknown position (``c9mo_flag``);
* weight-for-length under 731 days, weight-for-height from 731 days (position, then 87 cm, decide
  when age is missing), LMS interpolated between the 0.1 cm rows;
* the "restricted" LMS method beyond ±3 SD for weight-for-age, weight-for-length/height and
  BMI-for-age; oedema makes the weight-based z-scores missing;
* flags (biologically implausible values) are decided on the z rounded to 2 decimals.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

TABLES = Path(__file__).resolve().parent / "who"
DAYS_PER_MONTH = 30.4375
MAX_DAY = 1826
LYING, STANDING = 1, 2  # codes of ``measure`` / ``cmeasure``; 0 = unknown

OUTPUTS = (
    "csex",
    "clenhei",
    "cmeasure",
    "c9mo_flag",
    "cbmi",
    "zlen",
    "zwei",
    "zwfl",
    "zbmi",
    "flen",
    "fwei",
    "fwfl",
    "fbmi",
)


def round_half_up(x: np.ndarray, digits: int = 0) -> np.ndarray:
    """Round halves away from zero (as the WHO software does for ages), elementwise."""
    factor = 10.0**digits
    return np.sign(x) * np.floor(np.abs(x) * factor + 0.5) / factor


def round_decimal(x: np.ndarray, digits: int = 2) -> np.ndarray:
    """Round to ``digits`` decimals as R (≥ 4.0) does: the candidate nearest to x, ties to even.

    ``np.round`` scales by 10^digits first, which can cross a .5 boundary through the scaling's own
    rounding error; here both neighbours are formed and compared with x itself.
    """
    x = np.asarray(x, dtype=float)
    p = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * p
        lo = np.floor(scaled) / p
        hi = np.ceil(scaled) / p
        d_lo = x - lo
        d_hi = hi - x
        even_lo = np.fmod(np.floor(scaled), 2.0) == 0
        out = np.where(d_lo < d_hi, lo, np.where(d_hi < d_lo, hi, np.where(even_lo, lo, hi)))
    return np.where(np.isfinite(x), out, x)


def rounded(result: dict[str, np.ndarray], digits: int = 2) -> dict[str, np.ndarray]:
    """A copy of a :func:`zscores` result with the z-scores rounded as the WHO software reports them."""
    out = dict(result)
    for key in ("zlen", "zwei", "zwfl", "zbmi"):
        out[key] = round_decimal(result[key], digits)
    return out


@cache
def _table(name: str, key: str, n_keys: int, offset: float, step: float) -> np.ndarray:
    """LMS table as an array of shape (2 sexes, 3 [L, M, S], n_keys); NaN where absent."""
    raw = np.genfromtxt(TABLES / name, delimiter=",", names=True, dtype=None, encoding="utf-8")
    out = np.full((2, 3, n_keys), np.nan)
    idx = np.rint((raw[key].astype(float) - offset) / step).astype(int)
    sex = raw["sex"].astype(int) - 1
    out[sex, 0, idx] = raw["l"]
    out[sex, 1, idx] = raw["m"]
    out[sex, 2, idx] = raw["s"]
    out.setflags(write=False)
    return out


def _age_table(indicator: str) -> np.ndarray:
    return _table(f"who2006_{indicator}_by_day.csv", "age_days", MAX_DAY + 1, 0.0, 1.0)


def _wfl_table() -> np.ndarray:
    return _table("who2006_wfl_by_length.csv", "length_cm", 651, 45.0, 0.1)


def _wfh_table() -> np.ndarray:
    return _table("who2006_wfh_by_height.csv", "height_cm", 551, 65.0, 0.1)


def _lms_z(y: np.ndarray, lms: tuple[np.ndarray, np.ndarray, np.ndarray], restricted: bool) -> np.ndarray:
    """z = ((y/M)^L − 1)/(S·L); with ``restricted``, the WHO's linear extension beyond ±3 SD."""
    lam, mu, sig = lms
    with np.errstate(all="ignore"):
        z = (np.power(y / mu, lam) - 1.0) / (sig * lam)
        if restricted:
            hi = np.flatnonzero(z > 3.0)
            if hi.size:
                lh, mh, sh = lam[hi], mu[hi], sig[hi]
                sd3 = mh * np.power(1.0 + lh * sh * 3.0, 1.0 / lh)
                sd23 = sd3 - mh * np.power(1.0 + lh * sh * 2.0, 1.0 / lh)
                z[hi] = 3.0 + (y[hi] - sd3) / sd23
            lo = np.flatnonzero(z < -3.0)
            if lo.size:
                ll, ml, sl = lam[lo], mu[lo], sig[lo]
                sd3 = ml * np.power(1.0 + ll * sl * -3.0, 1.0 / ll)
                sd23 = ml * np.power(1.0 + ll * sl * -2.0, 1.0 / ll) - sd3
                z[lo] = -3.0 + (y[lo] - sd3) / sd23
    return z


def _z_where(
    ok: np.ndarray,
    y: np.ndarray,
    table: np.ndarray,
    sex_idx: np.ndarray,
    key_idx: np.ndarray,
    restricted: bool,
) -> np.ndarray:
    """z for the rows where ``ok``, NaN elsewhere (computed on that subset only)."""
    out = np.full(ok.shape[0], np.nan)
    rows = np.flatnonzero(ok)
    if rows.size:
        lms = table[sex_idx[rows], :, key_idx[rows]]
        out[rows] = _lms_z(y[rows], (lms[:, 0], lms[:, 1], lms[:, 2]), restricted)
    return out


def _z_interpolated(
    ok: np.ndarray, y: np.ndarray, x: np.ndarray, table: np.ndarray, first: float, sex_idx: np.ndarray
) -> np.ndarray:
    """z with LMS interpolated between the 0.1 cm rows of ``table`` (first row at ``first`` cm).

    The bracket is computed as the reference does, in floating point: the lower row is
    trunc(x·10)/10 and the upper row trunc(x·10 + 1)/10 (not "lower row + 1"). The two differ
    where x·10 lies one unit in the last place below 512 or 1024, i.e. for 51.199999999999996
    (51.9 cm lying from 731 days, minus 0.7) and 102.39999999999999 (103.1 cm): there the
    reference interpolates between 102.3 and 102.5 with a weight of almost 1, and so does this.
    """
    out = np.full(ok.shape[0], np.nan)
    rows = np.flatnonzero(ok)
    if not rows.size:
        return out
    xr = x[rows]
    scaled = xr * 10.0
    low_row = np.trunc(scaled)
    low = low_row / 10.0
    diff = (xr - low) / 0.1
    first_row = round(first * 10.0)
    lo_idx = low_row.astype(np.int64) - first_row
    # Beyond the last row (x at the table's end, where diff is 0) the upper row is not used.
    up_idx = np.minimum(np.trunc(scaled + 1.0).astype(np.int64) - first_row, table.shape[2] - 1)
    si = sex_idx[rows]
    a = table[si, :, lo_idx]
    b = table[si, :, up_idx]
    lerp = np.where((diff > 0.0)[:, None], a + diff[:, None] * (b - a), a)
    out[rows] = _lms_z(y[rows], (lerp[:, 0], lerp[:, 1], lerp[:, 2]), restricted=True)
    return out


def zscores(
    sex,
    age,
    weight,
    lenhei,
    measure=None,
    oedema=None,
    *,
    age_unit: str = "days",
    birth_date=None,
    visit_date=None,
    digits: int | None = None,
) -> dict[str, np.ndarray]:
    """WHO 2006 z-scores and flags for columns of child measurements (0–60 months).

    Parameters (equal-length 1-D arrays; NaN means missing):
        sex: 1 male, 2 female (anything else is missing).
        age: in days (``age_unit="days"``) or months (``"months"``); or None with
            ``birth_date`` and ``visit_date`` (datetime64 arrays or ISO date strings), whose
            difference in days is the age.
        weight: kg. lenhei: length or height in cm, as measured.
        measure: 1 lying (L), 2 standing (H), 0 unknown; None = all unknown.
        oedema: True where the child has bilateral pitting oedema; None = none.
        digits: None keeps the z-scores unrounded; N rounds them as the WHO software reports
            them (flags are always decided on the z rounded to 2 decimals).

    Returns a dict of arrays: ``csex``, ``clenhei`` (after the ±0.7 cm position rule),
    ``cmeasure`` (1 l, 2 h, 0 unknown), ``c9mo_flag`` (0/1), ``cbmi``, the z-scores
    ``zlen zwei zwfl zbmi`` and the flags ``flen fwei fwfl fbmi`` (1.0, 0.0, NaN when the z is missing).
    """
    if age is None:
        if birth_date is None or visit_date is None:
            raise ValueError("give age, or birth_date and visit_date")
        age, age_unit = age_days_between(birth_date, visit_date), "days"
    with np.errstate(all="ignore"):
        result = _zscores(sex, age, weight, lenhei, measure, oedema, age_unit=age_unit)
    return result if digits is None else rounded(result, digits)


def age_days_between(birth_date, visit_date) -> np.ndarray:
    """Age in whole days from two date columns; NaN where either is missing or birth is later."""
    try:
        birth = np.asarray(birth_date, dtype="datetime64[D]")
        visit = np.asarray(visit_date, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"birth_date and visit_date must be dates: {exc}") from None
    days = (visit - birth).astype("timedelta64[D]").astype(float)
    days[np.isnat(birth) | np.isnat(visit)] = np.nan
    with np.errstate(invalid="ignore"):
        days[days < 0] = np.nan
    return days


def _zscores(
    sex,
    age,
    weight,
    lenhei,
    measure=None,
    oedema=None,
    *,
    age_unit: str = "days",
) -> dict[str, np.ndarray]:
    """See :func:`zscores`."""
    if age_unit not in ("days", "months"):
        raise ValueError("age_unit must be 'days' or 'months'")
    sex = np.asarray(sex, dtype=float)
    n = sex.shape[0]
    age = np.asarray(age, dtype=float)
    weight = np.asarray(weight, dtype=float)
    lenhei = np.asarray(lenhei, dtype=float)
    measure = np.zeros(n, np.int8) if measure is None else np.asarray(measure, dtype=np.int8)
    oedema = np.zeros(n, bool) if oedema is None else np.asarray(oedema, dtype=bool)

    sex_ok = (sex == 1.0) | (sex == 2.0)
    sex_idx = np.where(sex_ok, sex, 1.0).astype(np.int64) - 1
    with np.errstate(invalid="ignore"):
        if age_unit == "months":
            age_days = round_half_up(age * DAYS_PER_MONTH)
            age_months = age
        else:
            age_days = round_half_up(age)
            age_months = age / DAYS_PER_MONTH
        age_known = np.isfinite(age_days) & (age_days >= 0)
        in_range = age_known & (age_months < 60.0)
        # 0–60 months only; rows aged 60 months or more get nothing at all.
        computable = sex_ok & (in_range | ~np.isfinite(age))

        lying = measure == LYING
        standing = measure == STANDING
        under_9mo = age_known & (age_months < 9.0)
        c9mo_flag = (standing & under_9mo).astype(np.int8)
        standing = standing & ~under_9mo
        cmeasure = np.where(lying, LYING, np.where(standing, STANDING, 0)).astype(np.int8)
        under_731 = age_known & (age_days < 731)
        from_731 = age_known & (age_days >= 731)
        clenhei = lenhei.copy()
        clenhei = np.where(under_731 & standing, lenhei + 0.7, clenhei)
        clenhei = np.where(from_731 & lying, lenhei - 0.7, clenhei)
        with np.errstate(divide="ignore"):
            cbmi = weight / np.square(clenhei / 100.0)

    day_idx = np.where(in_range, age_days, 0).astype(np.int64)
    by_age = sex_ok & in_range
    no_oedema = ~oedema
    with np.errstate(invalid="ignore"):
        # As the reference: a zero measurement gives no age-based z (weight 0 still gets a
        # weight-for-length z), an infinite BMI (length 0) gives an infinite, flagged zbmi.
        zlen = _z_where(
            by_age & (clenhei > 0), clenhei, _age_table("lhfa"), sex_idx, day_idx, restricted=False
        )
        zwei = _z_where(
            by_age & (weight > 0) & no_oedema, weight, _age_table("wfa"), sex_idx, day_idx, restricted=True
        )
        zbmi = _z_where(
            by_age & (cbmi > 0) & no_oedema, cbmi, _age_table("bfa"), sex_idx, day_idx, restricted=True
        )

        # Weight-for-length under 731 days, weight-for-height from 731 days; without age, the
        # measured position decides, and without that, 87 cm.
        use_wfl = np.where(
            age_known, age_days < 731, np.where(cmeasure != 0, cmeasure == LYING, clenhei < 87.0)
        )
        wfx_ok = computable & np.isfinite(clenhei) & np.isfinite(weight) & no_oedema
        wfl_ok = wfx_ok & use_wfl & (clenhei >= 45.0) & (clenhei <= 110.0)
        wfh_ok = wfx_ok & ~use_wfl & (clenhei >= 65.0) & (clenhei <= 120.0)
    zwfl = _z_interpolated(wfl_ok, weight, clenhei, _wfl_table(), 45.0, sex_idx)
    zwfh = _z_interpolated(wfh_ok, weight, clenhei, _wfh_table(), 65.0, sex_idx)
    zwfl = np.where(wfh_ok, zwfh, zwfl)

    def flag(z: np.ndarray, low: float, high: float) -> np.ndarray:
        # Decided on the z rounded to 2 decimals; rounding moves z by at most 0.005, so only
        # values within 0.01 of a limit need the (slower) exact rounding.
        with np.errstate(invalid="ignore"):
            f = (z < low) | (z > high)
            near = np.flatnonzero((np.abs(z - low) < 0.01) | (np.abs(z - high) < 0.01))
        if near.size:
            r = round_decimal(z[near], 2)
            f[near] = (r < low) | (r > high)
        out = f.astype(float)
        out[np.isnan(z)] = np.nan
        return out

    csex = np.where(sex_ok, sex, np.nan)
    return {
        "csex": csex,
        "clenhei": clenhei,
        "cmeasure": cmeasure,
        "c9mo_flag": c9mo_flag,
        "cbmi": cbmi,
        "zlen": zlen,
        "zwei": zwei,
        "zwfl": zwfl,
        "zbmi": zbmi,
        "flen": flag(zlen, -6.0, 6.0),
        "fwei": flag(zwei, -6.0, 5.0),
        "fwfl": flag(zwfl, -5.0, 5.0),
        "fbmi": flag(zbmi, -5.0, 5.0),
    }
