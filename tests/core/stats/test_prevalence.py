import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from konvergensi_core.stats import (
    digit_preference,
    prevalence,
    prevalence_by,
    wilson_interval,
    zscore_summary,
)
from konvergensi_core.stats.prevalence import _t_quantile


def test_wilson_matches_the_textbook_value():
    lo, hi = wilson_interval(20, 100)
    assert lo == pytest.approx(0.1333, abs=1e-4) and hi == pytest.approx(0.2888, abs=1e-4)


def test_census_prevalence_with_missing_records_excluded():
    cases = np.array([True] * 20 + [False] * 80 + [True] * 5)
    valid = np.array([True] * 100 + [False] * 5)
    p = prevalence(cases, valid)
    assert (p.n, p.cases, p.prevalence, p.method) == (100, 20.0, 0.2, "wilson")
    assert p.ci_low == pytest.approx(0.1333, abs=1e-4)


def test_zero_and_all_cases_and_empty():
    assert prevalence(np.zeros(50, bool)).ci_low == 0.0 and prevalence(np.zeros(50, bool)).ci_high > 0
    assert prevalence(np.ones(50, bool)).ci_high == 1.0
    assert np.isnan(prevalence(np.array([], bool)).prevalence)


def test_t_quantiles_match_tables():
    assert _t_quantile(0.975, 1) == pytest.approx(12.706, abs=1e-3)
    assert _t_quantile(0.975, 5) == pytest.approx(2.571, abs=1e-3)
    assert _t_quantile(0.975, 30) == pytest.approx(2.042, abs=1e-3)


def test_design_based_with_each_child_its_own_psu_is_close_to_the_simple_proportion():
    rng = np.random.default_rng(3)
    cases = rng.random(2000) < 0.25
    d = prevalence(cases, weights=np.ones(2000))
    s = prevalence(cases)
    assert d.method == "design" and d.prevalence == pytest.approx(s.prevalence)
    assert d.ci_low == pytest.approx(s.ci_low, abs=0.003) and d.ci_high == pytest.approx(s.ci_high, abs=0.003)


def test_design_effect_of_clustering_widens_the_interval():
    # 20 clusters of 50: whole clusters are either high or low -> strong clustering.
    cluster = np.repeat(np.arange(20), 50)
    cases = np.where(cluster % 2 == 0, np.arange(1000) % 10 < 4, np.arange(1000) % 10 < 1)
    clustered = prevalence(cases, cluster=cluster)
    simple = prevalence(cases)
    assert clustered.prevalence == pytest.approx(simple.prevalence)
    assert clustered.ci_high - clustered.ci_low > 1.5 * (simple.ci_high - simple.ci_low)


def test_prevalence_by_group_in_one_pass():
    groups = np.array([0, 0, 0, 1, 1, 2])
    cases = np.array([True, False, False, True, True, False])
    n, c, p, lo, hi = prevalence_by(groups, cases)
    assert n.tolist() == [3, 2, 1] and c.tolist() == [1, 2, 0]
    assert p[0] == pytest.approx(1 / 3) and lo[2] == 0.0


def test_zscore_summary_of_a_normal_sample():
    z = np.random.default_rng(1).normal(-1.2, 1.1, 50_000)
    s = zscore_summary(np.append(z, [np.nan, 9.0]), flags=np.append(np.zeros(50_000), [np.nan, 1]))
    assert s.n == 50_000 and s.mean == pytest.approx(-1.2, abs=0.02) and s.sd == pytest.approx(1.1, abs=0.02)
    assert abs(s.skewness) < 0.05 and abs(s.kurtosis) < 0.1


def test_digit_preference_score():
    uniform = np.arange(1000) / 10 + 5  # every last digit equally often
    assert digit_preference(uniform)[1] == pytest.approx(0.0)
    heaped = np.full(500, 12.0)
    counts, dps = digit_preference(heaped)
    assert counts[0] == 500 and dps == pytest.approx(100.0)


@given(st.lists(st.booleans(), min_size=1, max_size=200))
def test_interval_contains_the_estimate(values):
    p = prevalence(np.array(values))
    assert 0 <= p.ci_low <= p.prevalence <= p.ci_high <= 1
