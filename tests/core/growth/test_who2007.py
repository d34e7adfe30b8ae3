"""The WHO 2007 engine (5–19 years) against the WHO's own software (anthroplus), and its invariants."""

import csv
import hashlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core.growth import round_decimal
from konvergensi_core.growth.who2007 import _table, zscores_5_19

GOLDEN = Path(__file__).parent / "golden2007"
Z = ("zhfa", "zwfa", "zbfa")
FLAGS = {"zhfa": "fhfa", "zwfa": "fwfa", "zbfa": "fbfa"}


def _num(values) -> np.ndarray:
    return np.array([np.nan if v == "NA" else float(v) for v in values])


def test_golden_files_are_the_ones_checked_in():
    for line in (GOLDEN / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((GOLDEN / name).read_bytes()).hexdigest() == digest, name


@pytest.fixture(scope="module")
def golden():
    with (GOLDEN / "inputs.csv").open() as fh:
        inputs = list(csv.DictReader(fh))
    with (GOLDEN / "expected.csv").open() as fh:
        expected = list(csv.DictReader(fh))
    assert [r["id"] for r in inputs] == [e["id"] for e in expected] and len(inputs) == 3000
    out = zscores_5_19(
        _num([r["sex"] for r in inputs]),
        _num([r["age_months"] for r in inputs]),
        _num([r["weight"] for r in inputs]),
        _num([r["height"] for r in inputs]),
        np.array([r["oedema"] == "y" for r in inputs]),
    )
    return out, expected


@pytest.mark.parametrize("z", Z)
def test_golden_z_scores_are_identical_to_anthroplus(golden, z):
    out, expected = golden
    got = out[z]
    want = _num([e[z + "_raw"] for e in expected])
    assert np.array_equal(np.isnan(got), np.isnan(want)), "NA pattern differs"
    both = ~np.isnan(want)
    assert np.max(np.abs(got[both] - want[both])) <= 1e-9
    want2 = _num([e[z] for e in expected])
    assert np.array_equal(round_decimal(got, 2), want2, equal_nan=True), "2-decimal values differ"


@pytest.mark.parametrize("z", Z)
def test_golden_flags_are_identical(golden, z):
    out, expected = golden
    f = FLAGS[z]
    assert np.array_equal(out[f], _num([e[f] for e in expected]), equal_nan=True)


def test_golden_bmi_is_identical(golden):
    out, expected = golden
    want = _num([e["cbmi"] for e in expected])
    assert np.array_equal(np.isnan(out["cbmi"]), np.isnan(want))
    both = ~np.isnan(want)
    assert np.max(np.abs(out["cbmi"][both] - want[both])) <= 1e-9


def test_golden_covers_the_first_months_of_the_range():
    with (GOLDEN / "inputs.csv").open() as fh:
        ages = _num([r["age_months"] for r in csv.DictReader(fh)])
    assert np.sum((ages >= 60) & (ages < 61)) >= 30 and np.sum(ages == 60) > 0


def test_all_three_indices_from_60_months_as_anthroplus():
    # A child of 60.5 months is too old for WHO 2006 and used to get nothing from WHO 2007 either.
    out = zscores_5_19([1, 2, 1, 1], [60.0, 60.5, 59.99, 120.0], [18.0, 18.0, 18.0, 30.0], [110.0] * 4)
    for z in Z:
        assert np.isfinite(out[z][:2]).all() and np.isnan(out[z][2])
    assert np.isfinite(out["zwfa"][3])  # 120 months is the last weight-for-age month
    lms = _table("hfa", 229)[0, :, 0]  # boys, 60 months: the first row
    assert zscores_5_19([1], [60.0], [np.nan], [sd(lms, -2)])["zhfa"][0] == pytest.approx(-2.0, abs=1e-12)


def test_upper_row_is_trunc_of_age_plus_one_in_floating_point():
    # Just below 64 months, age + 1 rounds up to 65 in floating point, so the reference
    # interpolates between 63 and 65 months (with weight ≈ 1): the z equals the one at 65 months.
    age = np.nextafter(64.0, 0.0)
    assert np.trunc(age + 1.0) == 65.0 and np.trunc(age) + 1 == 64.0
    out = zscores_5_19([1, 1, 1], [age, 65.0, 64.0], [20.0] * 3, [112.0] * 3)
    assert out["zhfa"][0] == pytest.approx(out["zhfa"][1], abs=1e-12)
    assert out["zhfa"][0] != pytest.approx(out["zhfa"][2], abs=1e-6)


def test_zero_measurements_are_computed_as_the_reference_does():
    # anthroplus accepts 0 (it refuses negatives): height 0 gives ((0/M)^1 − 1)/S, weight 0 the
    # restricted z below −3 SD, BMI of height 0 is infinite; all flagged. Negatives give missing.
    lms = _table("hfa", 229)[0, :, 100 - 60]
    out = zscores_5_19([1, 1, 1], [100.0] * 3, [0.0, 25.0, -1.0], [130.0, 0.0, -130.0])
    assert out["zhfa"][1] == pytest.approx(-1.0 / lms[2]) and out["fhfa"][1] == 1.0
    assert np.isfinite(out["zwfa"][0]) and out["zwfa"][0] < -6 and out["fwfa"][0] == 1.0
    assert out["zbfa"][1] == np.inf and out["fbfa"][1] == 1.0
    assert np.isnan(out["zwfa"][2]) and np.isnan(out["zhfa"][2]) and np.isnan(out["zbfa"][2])


def sd(lms, k):
    lam, mu, sig = lms
    return mu * (1 + lam * sig * k) ** (1 / lam)


def test_at_a_whole_month_the_median_is_zero_and_sd2_is_two():
    lms = _table("hfa", 229)[1, :, 144 - 60]  # girls, 12 years
    out = zscores_5_19([2, 2], [144, 144], [np.nan, np.nan], [lms[1], sd(lms, 2)])
    assert out["zhfa"].tolist() == pytest.approx([0.0, 2.0])


def test_lms_is_interpolated_on_the_exact_age():
    t = _table("bfa", 229)[0]
    lms = tuple(t[:, 100 - 60] + 0.5 * (t[:, 101 - 60] - t[:, 100 - 60]))
    bmi = lms[1]
    h = 140.0
    w = bmi * (h / 100) ** 2
    out = zscores_5_19([1], [100.5], [w], [h])
    assert out["zbfa"][0] == pytest.approx(0.0, abs=1e-12)


def test_restricted_method_beyond_three_sd_for_weight():
    lms = _table("wfa", 121)[0, :, 96 - 60]
    sd3, sd2 = sd(lms, 3), sd(lms, 2)
    out = zscores_5_19([1], [96], [sd3 + (sd3 - sd2)], [130.0])
    assert out["zwfa"][0] == pytest.approx(4.0)


def test_age_ranges_and_flags():
    out = zscores_5_19([1, 1, 1, 1], [60.5, 130, 130, 229], [20, 30, 30, 50], [110, 140, 80, 170])
    assert not np.isnan(out["zhfa"][0]) and np.isnan(out["zhfa"][3])
    assert np.isnan(out["zwfa"][1])  # weight-for-age stops at 120 months
    assert out["fhfa"][2] == 1.0 and out["fhfa"][1] == 0.0
    assert np.isnan(out["fwfa"][1])


@settings(max_examples=150, deadline=None)
@given(sex=st.sampled_from([1, 2]), age=st.floats(61, 228), a=st.floats(90, 200), b=st.floats(90, 200))
def test_height_for_age_rises_with_height(sex, age, a, b):
    lo, hi = sorted((a, b))
    out = zscores_5_19([sex, sex], [age, age], [np.nan, np.nan], [lo, hi])
    assert out["zhfa"][0] <= out["zhfa"][1]


@given(st.lists(st.tuples(st.floats(), st.floats(), st.floats(), st.floats()), min_size=1, max_size=10))
def test_any_values_never_raise(rows):
    cols = [np.array(c) for c in zip(*rows, strict=True)]
    out = zscores_5_19(*cols)
    assert all(v.shape == (len(rows),) for v in out.values())
