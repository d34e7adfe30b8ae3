"""Weight-for-length/height: the 0.1 cm bracket chosen exactly as the reference (R anthro) chooses it.

anthro takes the lower row trunc(x·10)/10 and the upper row trunc(x·10 + 1)/10 in floating point,
after the ±0.7 cm position rule, and joins them to the table by value. Where x·10 is the largest
double below 512 or 1024, x·10 + 1 rounds up to the next integer, so the upper row is two rows
above the lower one, not one. The cases here are computed by a plain scalar transcription of the
reference's formula (no NumPy, the tables read again from their CSV) and the engine must equal it.
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from konvergensi_core.growth import zscores
from konvergensi_core.growth.who2006 import TABLES

# The only lengths (cm, after the position rule) where the two brackets differ; see below.
QUIRKS = (51.199999999999996, 102.39999999999999)
FACTORS = (0.7, 0.95, 1.1, 1.4)  # weight / median: beyond −3 SD, near the median, beyond +3 SD


def _read(name: str, key: str) -> dict[tuple[int, str], tuple[float, float, float]]:
    with (TABLES / name).open() as fh:
        return {
            (int(r["sex"]), format(float(r[key]), ".15g")): (float(r["l"]), float(r["m"]), float(r["s"]))
            for r in csv.DictReader(fh)
        }


WFL = _read("who2006_wfl_by_length.csv", "length_cm")
WFH = _read("who2006_wfh_by_height.csv", "height_cm")


def _reference_bracket(x: float) -> tuple[float, float, float]:
    """low, upp and diff as anthro computes them."""
    return math.trunc(x * 10) / 10, math.trunc(x * 10 + 1) / 10, (x - math.trunc(x * 10) / 10) / 0.1


def _plus_one_bracket_differs(x: float) -> bool:
    return math.trunc(x * 10 + 1) != math.trunc(x * 10) + 1


def _adjusted_z(y: float, lam: float, mu: float, sig: float) -> float:
    def sd(k: float) -> float:
        return mu * (1 + lam * sig * k) ** (1 / lam)

    z = ((y / mu) ** lam - 1) / (sig * lam)
    if z > 3:
        return 3 + (y - sd(3)) / (sd(3) - sd(2))
    if z < -3:
        return -3 + (y - sd(-3)) / (sd(-2) - sd(-3))
    return z


def reference_zwfl(sex: int, age_days: float, weight: float, lenhei: float, measure: str | None) -> float:
    """zwfl of one child as anthro computes it (age over 9 months, no oedema)."""
    x = lenhei
    known = not math.isnan(age_days)
    if known and age_days < 731 and measure == "h":
        x = lenhei + 0.7
    if known and age_days >= 731 and measure == "l":
        x = lenhei - 0.7
    if known:
        lying = age_days < 731
    elif measure is not None:
        lying = measure == "l"
    else:
        lying = x < 87
    table, first, last = (WFL, 45, 110) if lying else (WFH, 65, 120)
    if not first <= x <= last:
        return math.nan
    low, upp, diff = _reference_bracket(x)
    a = table[(sex, format(low, ".15g"))]
    if diff > 0:
        b = table[(sex, format(upp, ".15g"))]
        lms = tuple(ai + diff * (bi - ai) for ai, bi in zip(a, b, strict=True))
    else:
        lms = a
    return _adjusted_z(weight, *lms)


def _median(sex: int, x: float) -> float:
    low = format(max(45.0, min(120.0, math.trunc(x * 10) / 10)), ".15g")
    return (WFL.get((sex, low)) or WFH[(sex, low)])[1]


# (age in days, measure): each route to a table, with and without the ±0.7 cm shift.
ROUTES = (
    (400.0, "l"),  # weight-for-length, no shift
    (400.0, "h"),  # weight-for-length, +0.7
    (800.0, "h"),  # weight-for-height, no shift
    (800.0, "l"),  # weight-for-height, −0.7
    (math.nan, "l"),  # no age: position decides
    (math.nan, "h"),
    (math.nan, None),  # no age, no position: 87 cm decides
)


def _engine(cases):
    sex, age, weight, lenhei, measure = zip(*cases, strict=True)
    out = zscores(
        np.array(sex, float),
        np.array(age, float),
        np.array(weight, float),
        np.array(lenhei, float),
        np.array([{"l": 1, "h": 2}.get(m, 0) for m in measure], dtype=np.int8),
    )
    return out["zwfl"]


def _check(cases) -> np.ndarray:
    got = _engine(cases)
    want = np.array([reference_zwfl(*c) for c in cases])
    assert np.array_equal(np.isnan(got), np.isnan(want)), "NA pattern differs"
    both = ~np.isnan(want)
    assert np.all(np.abs(got[both] - want[both]) <= 1e-12)
    return got


def test_the_brackets_differ_only_one_ulp_below_512_and_1024():
    # Every length of the tables' span at 0.001 cm, as measured and after the ±0.7 cm rule.
    measured = [float(f"{i / 1000:.3f}") for i in range(44_000, 121_001)]
    differing = {
        x for m in measured for x in (m, m + 0.7, m - 0.7) if 45 <= x <= 120 and _plus_one_bracket_differs(x)
    }
    assert differing == set(QUIRKS)
    assert QUIRKS == (51.9 - 0.7, 103.1 - 0.7)
    # And no other double near them: x·10 is the largest double below 512 resp. 1024.
    for q in QUIRKS:
        x = q
        for _ in range(50):
            x = math.nextafter(x, 0)
        for _ in range(100):
            assert _plus_one_bracket_differs(x) == (x in QUIRKS)
            x = math.nextafter(x, 200)
    assert [q * 10 for q in QUIRKS] == [math.nextafter(512, 0), math.nextafter(1024, 0)]


@pytest.mark.parametrize("quirk", QUIRKS)
def test_golden_cases_around_each_length_where_the_brackets_differ(quirk):
    around = [quirk]
    for direction in (0.0, 200.0):
        x = quirk
        for _ in range(3):
            x = math.nextafter(x, direction)
            around.append(x)
    around += [round(quirk, 1), round(quirk, 1) + 0.7, round(quirk, 1) - 0.7]
    cases = [
        (sex, age, factor * _median(sex, x), x, measure)
        for x in around
        for sex in (1, 2)
        for factor in FACTORS
        for age, measure in ROUTES
    ]
    _check(cases)
    # Measured as a child would be: 0.7 cm more, lying, from 24 months (51.2 cm is below the
    # weight-for-height table, so only 102.4 cm gets a z there).
    measured = round(quirk + 0.7, 1)
    got = _check([(sex, 800.0, f * _median(sex, quirk), measured, "l") for sex in (1, 2) for f in FACTORS])
    assert np.isfinite(got).all() == (quirk > 65)


def test_at_102_39999999999999_the_reference_reads_almost_the_102_5_row():
    # 103.1 cm lying at 800 days: the reference interpolates 102.3 → 102.5 with weight ≈ 1,
    # so the z is (to 1e-11) the one at exactly 102.5 cm, and clearly not the one at 102.4 cm.
    w = 16.0
    got = _engine([(1, 800.0, w, 103.1, "l"), (1, 800.0, w, 102.5, "h"), (1, 800.0, w, 102.4, "h")])
    assert got[0] == pytest.approx(got[1], abs=1e-11)
    assert abs(got[0] - got[2]) > 1e-3


def test_every_length_of_both_tables_at_0_01_cm_equals_the_reference():
    cases = []
    for i in range(4_430, 12_071):  # 44.30–120.70 cm, so that ±0.7 covers both tables' spans
        x = float(f"{i / 100:.2f}")
        sex = 1 + i % 2
        factor = FACTORS[(i // 2) % len(FACTORS)]
        for age, measure in ROUTES:
            cases.append((sex, age, factor * _median(sex, x), x, measure))
    got = _check(cases)
    assert np.isfinite(got).sum() > 40_000
