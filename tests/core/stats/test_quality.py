"""Data-quality measures: missing and flagged shares, age heaping, sex ratio, the whole report."""

from __future__ import annotations

import numpy as np
import pytest

from konvergensi_core.growth import zscores
from konvergensi_core.stats import age_heaping, quality_report, sex_ratio, share_flagged, share_missing


def test_missing_and_flagged_shares():
    z = np.array([0.1, np.nan, -7.0, 1.0])
    f = np.array([0.0, np.nan, 1.0, 0.0])
    assert share_missing(z) == 0.25
    assert share_flagged(f) == pytest.approx(1 / 3)  # among computed z-scores only
    assert np.isnan(share_flagged(np.array([np.nan])))


def test_age_heaping_detects_ages_rounded_to_whole_years():
    rng = np.random.default_rng(7)
    honest = rng.uniform(0, 60, 60_000)
    assert age_heaping(honest).whole_year_ratio == pytest.approx(1.0, abs=0.1)
    # A third of the ages reported as whole years, as happens when mothers are asked "how old".
    heaped = honest.copy()
    heaped[:20_000] = rng.choice([12.0, 24.0, 36.0, 48.0], 20_000)
    h = age_heaping(heaped)
    assert h.whole_year_ratio > 4
    assert h.half_year_ratio < 1  # the heap came from elsewhere
    assert h.counts.sum() == 60_000 and h.counts.shape == (60,)
    assert np.isnan(age_heaping(np.array([np.nan, 70.0])).whole_year_ratio)


def test_sex_ratio_and_its_test():
    balanced = sex_ratio(np.array([1, 2] * 500 + [np.nan]))
    assert balanced.boys == balanced.girls == 500 and balanced.ratio == 1.0 and balanced.p_value == 1.0
    skewed = sex_ratio(np.array([1] * 600 + [2] * 400))
    assert skewed.ratio == 1.5 and skewed.p_value < 1e-9


def test_quality_report_of_a_round_with_a_bad_scale():
    rng = np.random.default_rng(3)
    n = 5_000
    age = rng.uniform(24, 30, n)  # a narrow band, so plausible values are easy to draw
    sex = rng.integers(1, 3, n).astype(float)
    lenhei = np.round(rng.normal(89, 3.5, n), 1)
    weight = np.round(rng.normal(12.5, 1.4, n), 0)  # a scale showing whole kilograms
    weight[:50] = np.nan
    lenhei[50:60] = 400.0  # typed in mm
    result = zscores(sex, age, weight, lenhei, age_unit="months")
    report = quality_report(result, age_months=age, weight=weight, lenhei=lenhei)
    assert report["zwei"].missing == pytest.approx(50 / n)
    assert report["zlen"].flagged == pytest.approx(10 / n)
    assert report["zlen"].summary.n == n - 10
    assert report["weight_digits"][1] == pytest.approx(100.0)  # every weight ends in .0
    assert report["lenhei_digits"][1] < 20
    assert report["sex_ratio"].boys + report["sex_ratio"].girls == n
    assert report["age_heaping"].whole_year_ratio == pytest.approx(60 / 4 * (1 / 6), abs=0.3)  # 24 of 24–29
