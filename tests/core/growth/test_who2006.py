"""The WHO 2006 engine against the WHO's own software (anthro), and its invariants."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core.growth import OUTPUTS, round_decimal, rounded, zscores

GOLDEN = Path(__file__).parent / "golden"
Z = ("zlen", "zwei", "zwfl", "zbmi")
FLAGS = {"zlen": "flen", "zwei": "fwei", "zwfl": "fwfl", "zbmi": "fbmi"}


def _num(values: list[str]) -> np.ndarray:
    return np.array([np.nan if v == "NA" else float(v) for v in values])


@pytest.fixture(scope="module")
def golden():
    with (GOLDEN / "inputs.csv").open() as fh:
        inputs = list(csv.DictReader(fh))
    with (GOLDEN / "expected.csv").open() as fh:
        expected = {r["id"]: r for r in csv.DictReader(fh)}
    ours: dict[str, dict] = {}
    for unit in ("days", "months"):
        rows = [r for r in inputs if r["age_unit"] == unit]
        out = zscores(
            _num([r["sex"] for r in rows]),
            _num([r["age"] for r in rows]),
            _num([r["weight"] for r in rows]),
            _num([r["lenhei"] for r in rows]),
            np.array([{"L": 1, "H": 2}.get(r["measure"], 0) for r in rows], dtype=np.int8),
            np.array([r["oedema"] == "y" for r in rows]),
            age_unit=unit,
        )
        two = rounded(out, 2)
        for i, r in enumerate(rows):
            ours[r["id"]] = {**{k: v[i] for k, v in out.items()}, **{k + "_2": two[k][i] for k in Z}}
    assert len(ours) == len(expected) == 5150
    return ours, expected


@pytest.mark.parametrize("z", Z)
def test_golden_z_scores_are_identical_to_anthro(golden, z):
    ours, expected = golden
    got = np.array([ours[i][z] for i in expected])
    want = _num([e[z + "_raw"] for e in expected.values()])
    assert np.array_equal(np.isnan(got), np.isnan(want)), "NA pattern differs"
    finite = np.isfinite(want)
    assert np.array_equal(got[~finite & ~np.isnan(want)], want[~finite & ~np.isnan(want)])  # +-Inf
    assert np.max(np.abs(got[finite] - want[finite])) <= 1e-9
    got2 = np.array([ours[i][z + "_2"] for i in expected])
    want2 = _num([e[z] for e in expected.values()])
    assert np.array_equal(got2, want2, equal_nan=True), "2-decimal values differ"


@pytest.mark.parametrize("z", Z)
def test_golden_flags_are_identical(golden, z):
    ours, expected = golden
    f = FLAGS[z]
    got = np.array([ours[i][f] for i in expected])
    want = _num([e[f] for e in expected.values()])
    assert np.array_equal(got, want, equal_nan=True)


def test_golden_bookkeeping_is_identical(golden):
    ours, expected = golden
    for key in ("clenhei", "cbmi"):
        got = np.array([ours[i][key] for i in expected])
        want = _num([e[key] for e in expected.values()])
        both = np.isfinite(want)
        assert np.array_equal(np.isnan(got), np.isnan(want)), key
        assert np.max(np.abs(got[both] - want[both])) <= 1e-9, key
    cmeasure = np.array([ours[i]["cmeasure"] for i in expected])
    assert np.array_equal(cmeasure, [{"l": 1, "h": 2, "NA": 0}[e["cmeasure"]] for e in expected.values()])
    c9 = np.array([ours[i]["c9mo_flag"] for i in expected])
    assert np.array_equal(c9, _num([e["c9mo_flag"] for e in expected.values()]))


def test_outputs_are_all_returned_with_the_input_length():
    out = zscores([1, 2], [100, 200], [8.0, 9.0], [70.0, 72.0], [1, 1], [False, False])
    assert set(out) == set(OUTPUTS) and all(v.shape == (2,) for v in out.values())


def test_the_position_rule_at_24_months():
    # 731 days measured lying: 0.7 cm off; 730 days measured standing: 0.7 cm on.
    out = zscores([1, 1], [731, 730], [12, 12], [85.0, 85.0], [1, 2])
    assert out["clenhei"].tolist() == pytest.approx([84.3, 85.7])


def test_standing_before_nine_months_is_an_unknown_position():
    out = zscores([2], [200], [7.0], [65.0], [2])
    assert out["c9mo_flag"][0] == 1 and out["cmeasure"][0] == 0 and out["clenhei"][0] == 65.0


def test_sixty_months_and_older_gets_nothing():
    out = zscores([1, 1], [1826, 1827], [18, 18], [108, 108], [2, 2])
    assert not np.isnan(out["zlen"][0]) and np.isnan(out["zlen"][1]) and np.isnan(out["zwfl"][1])


def test_oedema_removes_weight_based_scores_only():
    out = zscores([1], [400], [9.0], [75.0], [1], [True])
    assert not np.isnan(out["zlen"][0])
    assert np.isnan(out["zwei"][0]) and np.isnan(out["zwfl"][0]) and np.isnan(out["zbmi"][0])


def test_round_decimal_rounds_the_decimal_value_not_a_scaled_copy():
    x = np.array([2.675, -1.115, 0.125, 0.135, 5.005, -0.004, np.nan, np.inf])
    r = round_decimal(x, 2)
    assert r[:6].tolist() == [2.67, -1.11, 0.12, 0.14, 5.0, -0.0]
    assert np.isnan(r[6]) and np.isinf(r[7])


ages = st.floats(min_value=0, max_value=1825, allow_nan=False)
sexes = st.sampled_from([1, 2])


@settings(max_examples=200, deadline=None)
@given(sex=sexes, age=ages, a=st.floats(50, 115), b=st.floats(50, 115))
def test_length_for_age_rises_with_length(sex, age, a, b):
    lo, hi = sorted((a, b))
    out = zscores([sex, sex], [age, age], [np.nan, np.nan], [lo, hi], [1, 1] if age < 731 else [2, 2])
    assert out["zlen"][0] <= out["zlen"][1]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.tuples(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(),
            st.floats(),
            st.floats(),
            st.integers(-3, 5),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_input_values_never_raise_and_keep_the_length(values):
    cols = list(zip(*values, strict=True))
    out = zscores(
        np.array(cols[0]),
        np.array(cols[1]),
        np.array(cols[2]),
        np.array(cols[3]),
        np.array(cols[4], dtype=np.int8) % 3,
    )
    assert all(v.shape == (len(values),) for v in out.values())


@settings(max_examples=100, deadline=None)
@given(sex=sexes, age=ages, w=st.floats(2, 25), h=st.floats(50, 110))
def test_a_missing_input_gives_missing_outputs(sex, age, w, h):
    out = zscores(
        [sex, np.nan, sex, sex], [age, age, age, age], [w, w, np.nan, w], [h, h, h, np.nan], [0, 0, 0, 0]
    )
    assert np.isnan([out[z][1] for z in Z]).all()  # no sex: nothing
    assert np.isnan(out["zwei"][2]) and np.isnan(out["zwfl"][2]) and np.isnan(out["zbmi"][2])
    assert np.isnan(out["zlen"][3]) and np.isnan(out["zwfl"][3])
