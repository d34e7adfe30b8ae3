import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core.growth.who2007 import _table, zscores_5_19


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
    assert np.isnan(out["zhfa"][0]) and np.isnan(out["zhfa"][3])
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
