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

Speed: the columns are cut into blocks of :data:`BLOCK` rows that stay in a core's cache; each
block is computed with whole-block NumPy operations and 1-D gathers from flat tables (L, M, S·L
and, for the age tables, the ±3 SD lines of the restricted method, precomputed with the same
expressions as per record), and written into preallocated outputs. Long columns are spread over a
thread pool (NumPy releases the GIL); the blocks are independent, so the number of threads never
changes a result (tested bit for bit). The method and the measurements: ``bench/README.md``.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
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


# --- The engine: flat tables, one block kernel, a thread pool --------------------------------

BLOCK = 1 << 15  # rows per block: its ~40 temporary columns stay in the core's cache
PARALLEL_MIN_ROWS = 200_000  # shorter inputs run in the calling thread
MAX_THREADS = 8
_AGE_KEYS = MAX_DAY + 1


@dataclass(frozen=True)
class _AgeFlat:
    """An age table laid out for 1-D gathers: entry ``sex_idx·1827 + day``, NaN at :attr:`nan`.

    ``sl`` is S·L; ``sd3_hi, sd23_hi, sd3_lo, sd23_lo`` are the restricted method's 3 SD line and
    the distance between the 2 and 3 SD lines above and below, computed with the expressions (and
    the same NumPy kernels) :func:`_lms_z` applies per record, so a gather gives the same double.
    ``unit_l``: every L is exactly 1 (length-for-age), so (y/M)^L is y/M itself.
    """

    l: np.ndarray  # noqa: E741 (the LMS method's own name)
    m: np.ndarray
    sl: np.ndarray
    sd3_hi: np.ndarray
    sd23_hi: np.ndarray
    sd3_lo: np.ndarray
    sd23_lo: np.ndarray
    unit_l: bool
    nan: int


@dataclass(frozen=True)
class _WfxFlat:
    """Weight-for-length (45–110 cm) and weight-for-height (65–120 cm) as one flat table per
    parameter: per sex the 651 length rows and a copy of the last, then the 551 height rows and a
    copy of the last; NaN at :attr:`nan`. The copy is the "upper row" of a length at the table's
    very end (its weight is 0, so any finite row would do; the reference clamps to the last row).
    ``const_l``: L is the same on every row of each sex's length and height parts, so the
    interpolated L is the gathered one (a + d·0 = a)."""

    l: np.ndarray  # noqa: E741
    m: np.ndarray
    s: np.ndarray
    const_l: bool
    nan: int


_WFL_ROWS, _WFH_ROWS = 651, 551
_WFX_PER_SEX = _WFL_ROWS + 1 + _WFH_ROWS + 1
# Table position = trunc(cm·10) + base: base −450 for lengths (row 0 = 45.0 cm), 652 − 650 for
# heights (row 0 = 65.0 cm), plus _WFX_PER_SEX for girls.
_WFL_BASE, _WFH_BASE = -450.0, float(_WFL_ROWS + 1 - 650)


def _flat(values: np.ndarray) -> np.ndarray:
    out = np.ascontiguousarray(np.append(values, np.nan))
    out.setflags(write=False)
    return out


@cache
def _age_flat(indicator: str) -> _AgeFlat:
    table = _age_table(indicator)
    lam, mu, sig = (np.ascontiguousarray(table[:, k, :].reshape(-1)) for k in range(3))
    with np.errstate(all="ignore"):
        sl = sig * lam
        sd3_hi = mu * np.power(1.0 + lam * sig * 3.0, 1.0 / lam)
        sd23_hi = sd3_hi - mu * np.power(1.0 + lam * sig * 2.0, 1.0 / lam)
        sd3_lo = mu * np.power(1.0 + lam * sig * -3.0, 1.0 / lam)
        sd23_lo = mu * np.power(1.0 + lam * sig * -2.0, 1.0 / lam) - sd3_lo
    return _AgeFlat(
        l=_flat(lam),
        m=_flat(mu),
        sl=_flat(sl),
        sd3_hi=_flat(sd3_hi),
        sd23_hi=_flat(sd23_hi),
        sd3_lo=_flat(sd3_lo),
        sd23_lo=_flat(sd23_lo),
        unit_l=bool(np.all(lam[np.isfinite(lam)] == 1.0)),
        nan=lam.size,
    )


@cache
def _wfx_flat() -> _WfxFlat:
    wfl, wfh = _wfl_table(), _wfh_table()
    parts = [
        np.concatenate([wfl[sex, k], wfl[sex, k, -1:], wfh[sex, k], wfh[sex, k, -1:]])
        for k in range(3)
        for sex in range(2)
    ]
    lam, mu, sig = (np.concatenate(parts[2 * k : 2 * k + 2]) for k in range(3))
    const_l = all(np.unique(t[sex, 0]).size == 1 for t in (wfl, wfh) for sex in range(2))
    return _WfxFlat(l=_flat(lam), m=_flat(mu), s=_flat(sig), const_l=const_l, nan=lam.size)


def _restrict(
    z: np.ndarray, y: np.ndarray, lam: np.ndarray, mu: np.ndarray, sl: np.ndarray, ext: np.ndarray
) -> None:
    """The restricted method beyond ±3 SD on the rows ``ext`` of z, from each row's own LMS
    (interpolated weight-for-length/height): the arithmetic of :func:`_lms_z`."""
    ze = z[ext]
    hi = ze > 3.0
    lh, mh, lsh = lam[ext], mu[ext], sl[ext]
    inv = 1.0 / lh
    sd3 = mh * np.power(1.0 + lsh * np.where(hi, 3.0, -3.0), inv)
    sd2 = mh * np.power(1.0 + lsh * np.where(hi, 2.0, -2.0), inv)
    sd23 = np.where(hi, sd3 - sd2, sd2 - sd3)
    z[ext] = np.where(hi, 3.0, -3.0) + (y[ext] - sd3) / sd23


def _z_age(y: np.ndarray, idx: np.ndarray, t: _AgeFlat, restricted: bool, out: np.ndarray) -> None:
    """z of y against an age table at the flat positions ``idx`` (NaN position: NaN), into ``out``."""
    mu = np.take(t.m, idx)
    sl = np.take(t.sl, idx)
    np.divide(y, mu, out=out)
    if not t.unit_l:
        np.power(out, np.take(t.l, idx), out=out)
    np.subtract(out, 1.0, out=out)
    np.divide(out, sl, out=out)
    if restricted:
        ext = np.flatnonzero(np.abs(out) > 3.0)
        if ext.size:
            ze = out[ext]
            ie = idx[ext]
            hi = ze > 3.0
            sd3 = np.where(hi, np.take(t.sd3_hi, ie), np.take(t.sd3_lo, ie))
            sd23 = np.where(hi, np.take(t.sd23_hi, ie), np.take(t.sd23_lo, ie))
            out[ext] = np.where(hi, 3.0, -3.0) + (y[ext] - sd3) / sd23


def _set_missing(z: np.ndarray, bad: np.ndarray, rows: np.ndarray | None = None) -> None:
    """NaN in z where ``bad`` and at ``rows``."""
    z[np.flatnonzero(bad)] = np.nan
    if rows is not None and rows.size:
        z[rows] = np.nan


def _flag(z: np.ndarray, low: float, high: float, out: np.ndarray) -> None:
    """1.0 where z rounded to 2 decimals is outside [low, high], 0.0 inside, NaN where z is NaN.

    Rounding moves z by at most 0.005, so the rows 0.01 or more from both limits are decided by
    their distance from the middle; the others, and the NaN, on the exactly rounded z."""
    centre, half = (low + high) / 2.0, (high - low) / 2.0
    d = np.subtract(z, centre)
    np.abs(d, out=d)
    np.subtract(d, half, out=d)
    np.greater(d, 0.0, out=out)
    np.abs(d, out=d)
    fix = np.flatnonzero(np.logical_not(np.greater_equal(d, 0.01)))  # near a limit, or NaN
    if fix.size:
        zf = z[fix]
        f = np.full(fix.size, np.nan)
        near = np.flatnonzero(~np.isnan(zf))
        if near.size:
            r = round_decimal(zf[near], 2)
            f[near] = (r < low) | (r > high)
        out[fix] = f


_Columns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]


def _block(cols: _Columns, out: dict[str, np.ndarray], start: int, stop: int, months: bool) -> None:
    """Every output for the rows start:stop, written into ``out`` (whole preallocated columns)."""
    sl_ = slice(start, stop)
    sex, age, weight, lenhei, measure = (c[sl_] for c in cols[:5])
    oedema = None if cols[5] is None else cols[5][sl_]
    o = {k: v[sl_] for k, v in out.items()}

    sex_ok = sex == 1.0
    sex_ok |= sex == 2.0
    all_sex = bool(sex_ok.all())
    np.copyto(o["csex"], sex)
    if not all_sex:
        np.copyto(o["csex"], np.nan, where=~sex_ok)
    girl = np.subtract(sex, 1.0)  # 0 boy, 1 girl (other values: rows without a sex, not looked up)

    # Age in days, rounded half up (round_half_up with 0 digits: |x| + 0.5 floored, x's sign).
    x = np.multiply(age, DAYS_PER_MONTH) if months else age
    age_days = np.abs(x)
    age_days += 0.5
    np.floor(age_days, out=age_days)
    np.copysign(age_days, x, out=age_days)
    age_months = age if months else np.divide(age, DAYS_PER_MONTH)
    age_known = np.isfinite(age_days)
    age_known &= age_days >= 0.0
    in_range = age_months < 60.0
    in_range &= age_known
    # 0–60 months only; rows aged 60 months or more get nothing at all.
    computable = ~np.isfinite(age)
    computable |= in_range
    computable &= sex_ok

    # Position: standing before 9 months is an unknown position; ±0.7 cm across 731 days.
    lying = measure == LYING
    standing = measure == STANDING
    under_9mo = age_months < 9.0
    under_9mo &= age_known
    c9 = standing & under_9mo
    np.copyto(o["c9mo_flag"], c9)
    standing &= ~under_9mo
    cm = o["cmeasure"]
    np.copyto(cm, standing)
    cm <<= 1
    cm |= lying.view(np.int8)
    under_731 = age_days < 731.0
    under_731 &= age_known
    from_731 = age_days >= 731.0
    from_731 &= age_known
    # clenhei = lenhei − shift, shift 0.7 lying from 731 days, −0.7 standing under 731 days, else
    # +0.0 (x − 0.0 is x, even −0.0): the same doubles as adding or subtracting 0.7 where needed.
    shift = (lying & from_731).view(np.int8) - (standing & under_731).view(np.int8)
    shift = shift.astype(float)
    shift *= 0.7
    clenhei = o["clenhei"]
    np.subtract(lenhei, shift, out=clenhei)
    cbmi = o["cbmi"]
    np.divide(clenhei, 100.0, out=cbmi)
    np.square(cbmi, out=cbmi)
    np.divide(weight, cbmi, out=cbmi)

    # The three age-based z-scores: one flat position per row (NaN position without sex or age).
    # As the reference: a zero measurement gives no age-based z (weight 0 still gets a
    # weight-for-length z), an infinite BMI (length 0) gives an infinite, flagged zbmi.
    pos = np.multiply(girl, float(_AGE_KEYS))
    pos += age_days
    by_age = sex_ok & in_range
    if not by_age.all():
        np.copyto(pos, float(2 * _AGE_KEYS), where=~by_age)
    idx = pos.astype(np.intp)
    # The rows whose measurement is not positive, or with oedema (weight-based), are computed
    # with the others and then set missing: cheaper than masking every row's input.
    oedema_rows = None if oedema is None else np.flatnonzero(oedema)
    _z_age(clenhei, idx, _age_flat("lhfa"), False, o["zlen"])
    _set_missing(o["zlen"], clenhei <= 0.0)
    _z_age(weight, idx, _age_flat("wfa"), True, o["zwei"])
    _set_missing(o["zwei"], weight <= 0.0, oedema_rows)
    _z_age(cbmi, idx, _age_flat("bfa"), True, o["zbmi"])
    _set_missing(o["zbmi"], cbmi <= 0.0, oedema_rows)

    # Weight-for-length under 731 days, weight-for-height from 731 days; without age, the
    # measured position decides, and without that, 87 cm.
    use_wfl = under_731
    if not age_known.all():
        unknown = lying | (~standing & (clenhei < 87.0))
        use_wfl = np.where(age_known, under_731, unknown)
    ok = computable & np.isfinite(weight)
    if oedema is not None:
        ok &= ~oedema
    wfl = use_wfl.view(np.int8).astype(float)  # 1.0 weight-for-length, 0.0 weight-for-height
    bound = np.multiply(wfl, -20.0)
    bound += 65.0  # 45 or 65 cm
    ok &= clenhei >= bound
    np.multiply(wfl, -10.0, out=bound)
    bound += 120.0  # 110 or 120 cm
    ok &= clenhei <= bound
    # LMS interpolated between the 0.1 cm rows, the bracket as the reference computes it in
    # floating point: lower row trunc(x·10)/10, upper row trunc(x·10 + 1)/10 (not "lower + 1";
    # they differ for 51.199999999999996 and 102.39999999999999, see tests/core/growth/
    # test_wfl_bracket.py). Beyond the last row (x at the table's end, diff 0) the upper row is
    # not used. The weight max(diff, 0) gives a + 0·(b − a) = a exactly where diff ≤ 0.
    t = _wfx_flat()
    scaled = clenhei * 10.0
    low_row = np.trunc(scaled)
    diff = np.divide(low_row, 10.0)
    np.subtract(clenhei, diff, out=diff)
    np.divide(diff, 0.1, out=diff)
    np.maximum(diff, 0.0, out=diff)
    base = np.multiply(wfl, _WFL_BASE - _WFH_BASE)
    base += _WFH_BASE
    np.multiply(girl, float(_WFX_PER_SEX), out=bound)
    base += bound
    scaled += 1.0
    np.trunc(scaled, out=scaled)
    scaled += base
    low_row += base
    if not ok.all():
        not_ok = ~ok
        np.copyto(low_row, float(t.nan), where=not_ok)
        np.copyto(scaled, float(t.nan), where=not_ok)
    lo = low_row.astype(np.intp)
    up = scaled.astype(np.intp)

    def lerp(table: np.ndarray) -> np.ndarray:
        a = np.take(table, lo)
        b = np.take(table, up)
        b -= a
        b *= diff
        b += a
        return b

    lam = np.take(t.l, lo) if t.const_l else lerp(t.l)
    mu = lerp(t.m)
    sl = lerp(t.s)
    sl *= lam
    z = o["zwfl"]
    np.divide(weight, mu, out=z)
    np.power(z, lam, out=z)
    z -= 1.0
    z /= sl
    ext = np.flatnonzero(np.abs(z) > 3.0)
    if ext.size:
        _restrict(z, weight, lam, mu, sl, ext)

    _flag(o["zlen"], -6.0, 6.0, o["flen"])
    _flag(o["zwei"], -6.0, 5.0, o["fwei"])
    _flag(o["zwfl"], -5.0, 5.0, o["fwfl"])
    _flag(o["zbmi"], -5.0, 5.0, o["fbmi"])


_POOL: ThreadPoolExecutor | None = None
_POOL_SIZE = 0
_POOL_LOCK = threading.Lock()


def _pool(workers: int) -> ThreadPoolExecutor:
    """The module's thread pool, created on first use (and enlarged if more workers are asked)."""
    global _POOL, _POOL_SIZE
    with _POOL_LOCK:
        if _POOL is None or workers > _POOL_SIZE:
            old = _POOL
            _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="zscores")
            _POOL_SIZE = workers
            if old is not None:
                old.shutdown(wait=False)
        return _POOL


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: start a new pool when needed."""
    global _POOL, _POOL_SIZE
    _POOL, _POOL_SIZE = None, 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def default_threads(n: int) -> int:
    """Threads for n rows: 1 under :data:`PARALLEL_MIN_ROWS`, else the CPUs (at most MAX_THREADS)."""
    if n < PARALLEL_MIN_ROWS:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_THREADS))


def _column(x, n: int, dtype) -> np.ndarray:
    return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=dtype), (n,)))


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
    threads: int | None = None,
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
        threads: how many threads share the rows; None = the CPUs (at most ``MAX_THREADS``),
            and 1 for fewer than ``PARALLEL_MIN_ROWS`` rows. It never changes a result.

    Returns a dict of arrays: ``csex``, ``clenhei`` (after the ±0.7 cm position rule),
    ``cmeasure`` (1 l, 2 h, 0 unknown), ``c9mo_flag`` (0/1), ``cbmi``, the z-scores
    ``zlen zwei zwfl zbmi`` and the flags ``flen fwei fwfl fbmi`` (1.0, 0.0, NaN when the z is missing).
    """
    if age is None:
        if birth_date is None or visit_date is None:
            raise ValueError("give age, or birth_date and visit_date")
        age, age_unit = age_days_between(birth_date, visit_date), "days"
    result = _zscores(sex, age, weight, lenhei, measure, oedema, age_unit=age_unit, threads=threads)
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
    threads: int | None = 1,
) -> dict[str, np.ndarray]:
    """See :func:`zscores`: the columns as contiguous arrays, the outputs preallocated, the
    blocks of :data:`BLOCK` rows computed by ``threads`` threads (the caller's among them)."""
    if age_unit not in ("days", "months"):
        raise ValueError("age_unit must be 'days' or 'months'")
    with np.errstate(all="ignore"):  # e.g. a NaN position cast to int8, as before
        sex = np.asarray(sex, dtype=float)
        n = sex.shape[0]
        cols: _Columns = (
            _column(sex, n, float),
            _column(age, n, float),
            _column(weight, n, float),
            _column(lenhei, n, float),
            np.zeros(n, np.int8) if measure is None else _column(measure, n, np.int8),
            None if oedema is None else _column(oedema, n, bool),
        )
    ints = ("cmeasure", "c9mo_flag")
    out = {k: np.empty(n, np.int8 if k in ints else float) for k in OUTPUTS}
    months = age_unit == "months"
    blocks = iter(range(0, n, BLOCK))
    lock = threading.Lock()

    def work() -> None:
        with np.errstate(all="ignore"):
            while True:
                with lock:
                    start = next(blocks, None)
                if start is None:
                    return
                _block(cols, out, start, min(start + BLOCK, n), months)

    threads = default_threads(n) if threads is None else max(1, int(threads))
    threads = min(threads, -(-n // BLOCK))
    for indicator in ("lhfa", "wfa", "bfa"):  # the tables, loaded once before any thread
        _age_flat(indicator)
    _wfx_flat()
    futures: list[Future] = []
    if threads > 1:
        pool = _pool(threads - 1)
        futures = [pool.submit(work) for _ in range(threads - 1)]
    try:
        work()
    finally:
        # A helper that has not started (the pool busy elsewhere) has nothing left to do.
        for future in futures:
            if not future.cancel():
                future.result()
    return out
