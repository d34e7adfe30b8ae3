"""Stunting distribution and hotspots, against the guideline's worked examples (seed 000, Gambar
1.2–1.4 and their "Penjelasan"). The figures are bar charts without numbers: the data sets below
are built to agree with every number and name the text states."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core.ansit import (
    DATA_SOURCE_LABEL,
    DataSource,
    Level,
    Recommendation,
    analyse_hotspots,
    coarse_coverage,
    data_gap_notes,
)

KECAMATAN = [f"Kecamatan {i}" for i in range(1, 16)]
# Gambar 1.2: mean 12 %, threshold 18 %; 5 above the mean (8, 9, 13, 14, 15), of which 3 above 18 %
# (13, 14, 15). Kecamatan 6 sits exactly on the mean and Kecamatan 9 exactly on the threshold.
PREVALENCE_1_2 = [8, 9, 7, 10, 5, 12, 8, 14, 18, 9, 7, 6, 20, 22, 25]
# Gambar 1.3: mean 54 cases, threshold 81; 5 above the mean (8, 9, 12, 14, 15), 4 above 81
# (8, 9, 12, 15) — so that 1.2 + 1.3 give the text's conclusion: Kecamatan 15 significant on both,
# Kecamatan 8, 9, 12, 13, 14 and 15 significant on one or the other. Kecamatan 14 is exactly on 81.
CASES_1_3 = [30, 40, 25, 54, 20, 35, 30, 90, 85, 45, 30, 100, 25, 81, 120]
# Gambar 1.4: mean 23 %, threshold 34.5 % (the text rounds it to 35 %); 7 above the mean, none
# significantly above.
PREVALENCE_1_4 = [20, 18, 15, 22, 19, 17, 21, 14, 25, 26, 28, 30, 32, 34, 24]


def names(result, flag):
    return [u.unit for u in result.units if getattr(u, flag)]


def test_gambar_1_2_mean_of_kecamatan_prevalences_is_the_district_rate_with_threshold_18():
    result = analyse_hotspots(KECAMATAN, prevalence=PREVALENCE_1_2)
    assert result.mean_prevalence == 12 and result.prevalence_threshold == 18
    assert result.pooled_prevalence is None  # no children measured given
    assert names(result, "above_mean_prevalence") == [f"Kecamatan {i}" for i in (8, 9, 13, 14, 15)]
    assert names(result, "significant_prevalence") == ["Kecamatan 13", "Kecamatan 14", "Kecamatan 15"]


def test_gambar_1_2_alone_names_its_three_kecamatan_candidates_for_a_separate_analysis():
    # "Ketiga kecamatan ini menjadi calon wilayah yang mendapatkan Analisis Situasi tersendiri"
    result = analyse_hotspots(KECAMATAN, prevalence=PREVALENCE_1_2)
    assert result.recommendation is Recommendation.KHUSUS
    assert result.separate_analysis == ["Kecamatan 13", "Kecamatan 14", "Kecamatan 15"]


def test_gambar_1_3_mean_54_cases_threshold_81_and_five_kecamatan_above():
    result = analyse_hotspots(KECAMATAN, cases=CASES_1_3)
    assert result.mean_cases == 54 and result.cases_threshold == 81
    assert names(result, "above_mean_cases") == [f"Kecamatan {i}" for i in (8, 9, 12, 14, 15)]
    assert names(result, "significant_cases") == [f"Kecamatan {i}" for i in (8, 9, 12, 15)]
    assert result.mean_prevalence is None and all(u.significant_prevalence is None for u in result.units)


def test_gambar_1_2_and_1_3_together_single_out_kecamatan_15_and_six_for_special_attention():
    result = analyse_hotspots(KECAMATAN, prevalence=PREVALENCE_1_2, cases=CASES_1_3)
    assert result.recommendation is Recommendation.KHUSUS
    assert result.separate_analysis == ["Kecamatan 15"]
    # the guideline's list includes Kecamatan 15 itself
    assert result.special_attention == [f"Kecamatan {i}" for i in (8, 9, 12, 13, 14, 15)]
    assert result.counts() == {
        "above_mean_prevalence": 5,
        "significant_prevalence": 3,
        "above_mean_cases": 5,
        "significant_cases": 4,
    }


def test_gambar_1_4_mean_23_seven_above_none_significant_means_a_general_analysis():
    result = analyse_hotspots(KECAMATAN, prevalence=PREVALENCE_1_4)
    assert result.mean_prevalence == 23
    assert result.prevalence_threshold == pytest.approx(34.5)  # "> 35 %" in the text, rounded
    assert len(names(result, "above_mean_prevalence")) == 7
    assert names(result, "significant_prevalence") == []
    assert result.recommendation is Recommendation.UMUM
    assert result.separate_analysis == [] and result.special_attention == []


def test_a_unit_exactly_at_one_and_a_half_times_the_mean_is_not_significant_just_above_is():
    at = analyse_hotspots(["a", "b", "c", "d"], prevalence=[6, 12, 12, 18])  # mean 12, threshold 18
    assert at.prevalence_threshold == 18
    assert [u.significant_prevalence for u in at.units] == [False, False, False, False]
    assert at.units[3].above_mean_prevalence is True
    # 1/7, 1/7, 2/7: the third is exactly 1.5 × the mean, but in floating point 28.571428571428573
    # is above 1.5 × 19.047619047619047 = 28.57142857142857; rounding must not make it significant
    noisy = analyse_hotspots(["a", "b", "c"], cases=[1, 1, 2], measured=[7, 7, 7])
    assert noisy.units[2].prevalence > 1.5 * noisy.mean_prevalence  # the float trap is real
    assert noisy.units[2].above_mean_prevalence and not noisy.units[2].significant_prevalence
    just = analyse_hotspots(["a", "b", "c", "d"], prevalence=[6, 12, 12, 18.0001])
    assert just.units[3].significant_prevalence is True
    cases = analyse_hotspots(["a", "b"], cases=[0, 3])  # mean 1.5, threshold 2.25
    assert cases.units[1].significant_cases is True
    at_cases = analyse_hotspots(["a", "b", "c"], cases=[1, 1, 4])  # mean 2, threshold 3: 4 > 3
    assert at_cases.units[2].significant_cases is True
    equal = analyse_hotspots(["a", "b", "c", "d"], cases=[2, 2, 2, 6])  # mean 3, threshold 4.5
    assert equal.units[3].significant_cases is True and equal.units[0].above_mean_cases is False


def test_the_margin_is_configurable_and_must_be_a_non_negative_number():
    result = analyse_hotspots(KECAMATAN, prevalence=PREVALENCE_1_2, margin=0.25)  # threshold 15
    assert result.prevalence_threshold == 15
    assert names(result, "significant_prevalence") == [f"Kecamatan {i}" for i in (9, 13, 14, 15)]
    for bad in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            analyse_hotspots(["a"], prevalence=[1], margin=bad)


def test_prevalence_is_computed_from_cases_and_measured_and_pooled_beside_the_mean():
    result = analyse_hotspots(["a", "b", "c"], cases=[10, 30, 5], measured=[100, 100, 200])
    assert [u.prevalence for u in result.units] == [10, 30, 2.5]
    assert result.mean_prevalence == pytest.approx(42.5 / 3)
    assert result.pooled_prevalence == pytest.approx(100 * 45 / 400)


def test_a_given_prevalence_wins_and_cases_measured_only_fill_the_gaps():
    result = analyse_hotspots(["a", "b"], prevalence=[12, None], cases=[10, 20], measured=[100, 100])
    assert [u.prevalence for u in result.units] == [12, 20]
    assert any(p.severity == "warning" and p.row == 1 for p in result.problems)  # 12 ≠ 10/100


def test_units_without_prevalence_stay_out_of_the_mean_and_have_no_prevalence_flags():
    result = analyse_hotspots(
        ["a", "b", "c", "d"],
        prevalence=[10, None, 20, None],
        cases=[6, 0, None, 3],
        measured=[None, 0, 50, None],
    )
    assert result.mean_prevalence == 15  # b: zero measured gives no prevalence; d: nothing to compute it
    b, c, d = result.units[1], result.units[2], result.units[3]
    assert b.prevalence is None and b.above_mean_prevalence is None and b.significant_prevalence is None
    assert c.cases is None and c.above_mean_cases is None  # c is out of the cases mean
    assert result.mean_cases == 3 and result.units[0].above_mean_cases is True and d.above_mean_cases is False
    assert result.problems == []
    # pooled only when every unit used in the mean has cases and measured
    assert result.pooled_prevalence is None


def test_when_both_measures_exist_a_unit_missing_one_is_special_attention_not_separate():
    result = analyse_hotspots(["a", "b", "c", "d"], prevalence=[6, 6, 6, 30], cases=[10, 10, 10, None])
    assert result.recommendation is Recommendation.PERHATIAN_KHUSUS
    assert result.separate_analysis == [] and result.special_attention == ["d"]


def test_some_units_on_both_and_others_on_one_fill_both_lists_and_recommend_separate():
    result = analyse_hotspots(["a", "b", "c", "d", "e"], prevalence=[5, 5, 5, 30, 30], cases=[5, 5, 5, 50, 2])
    assert result.separate_analysis == ["d"] and result.special_attention == ["d", "e"]
    assert result.recommendation is Recommendation.KHUSUS


def test_json_shape_has_exactly_the_documented_keys():
    data = analyse_hotspots(KECAMATAN, prevalence=PREVALENCE_1_2, cases=CASES_1_3).as_dict()
    assert set(data) == {
        "mean_prevalence",
        "pooled_prevalence",
        "prevalence_threshold",
        "mean_cases",
        "cases_threshold",
        "recommendation",
        "separate_analysis",
        "special_attention",
        "units",
    }
    assert data["recommendation"] == "khusus"
    assert set(data["units"][0]) == {
        "unit",
        "prevalence",
        "cases",
        "above_mean_prevalence",
        "significant_prevalence",
        "above_mean_cases",
        "significant_cases",
    }


def test_bad_numbers_become_problems_never_exceptions():
    result = analyse_hotspots(
        ["a", "b", "c", "c", "", "e", "f"],
        prevalence=[-1, 101, "x", 10, 5, float("inf"), 20],
        cases=[5, 5, 5, 5, 5, 50, 2.5],
        measured=[10, 10, 10, 10, 10, 40, 10],
    )
    messages = {(p.row, p.message.split(" (")[0]) for p in result.problems}
    assert (1, "tidak boleh negatif") in messages
    assert (2, "prevalensi tidak mungkin lebih dari 100 %") in messages
    assert (3, "bukan angka") in messages
    assert (6, "bukan angka") in messages
    assert (6, "jumlah kasus lebih besar dari jumlah anak diukur") in messages
    assert (7, "harus bilangan bulat") in messages
    assert any(p.row == 4 and "lebih dari sekali" in p.message for p in result.problems)
    assert any(p.row == 5 and "kosong" in p.message for p in result.problems)
    assert [u.unit for u in result.units] == ["a", "b", "c", "e", "f"]


def test_nothing_to_analyse_gives_a_general_analysis_and_no_means():
    result = analyse_hotspots([])
    assert result.mean_prevalence is None and result.mean_cases is None
    assert result.recommendation is Recommendation.UMUM and result.units == []


numbers = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=3), numbers, numbers, numbers), max_size=12),
    st.floats(min_value=0, max_value=5),
)
def test_any_values_give_a_result_or_problems_never_an_exception(rows, margin):
    units = [r[0] for r in rows]
    result = analyse_hotspots(
        units,
        prevalence=[r[1] for r in rows],
        cases=[r[2] for r in rows],
        measured=[r[3] for r in rows],
        margin=margin,
    )
    for u in result.units:
        assert u.prevalence is None or 0 <= u.prevalence <= 100
        assert u.cases is None or (u.cases >= 0 and float(u.cases).is_integer())
    for value in (result.mean_prevalence, result.pooled_prevalence, result.mean_cases):
        assert value is None or math.isfinite(value)
    if result.separate_analysis:
        assert result.recommendation is Recommendation.KHUSUS
    assert set(result.separate_analysis) <= set(result.special_attention)
    result.as_dict()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=30), st.randoms())
def test_row_order_never_changes_the_analysis(values, rnd):
    units = [f"u{i}" for i in range(len(values))]
    forward = analyse_hotspots(units, prevalence=values)
    order = list(range(len(values)))
    rnd.shuffle(order)
    shuffled = analyse_hotspots([units[i] for i in order], prevalence=[values[i] for i in order])
    assert forward.mean_prevalence == shuffled.mean_prevalence
    flags = {u.unit: (u.above_mean_prevalence, u.significant_prevalence) for u in forward.units}
    assert flags == {u.unit: (u.above_mean_prevalence, u.significant_prevalence) for u in shuffled.units}


def test_data_sources_are_ordered_from_the_ideal_with_indonesian_labels():
    assert list(DataSource)[0] is DataSource.BADUTA
    assert [s.value for s in DataSource] == [
        "baduta",
        "balita_3_6_bulan",
        "balita_1_tahun",
        "balita_puskesmas",
        "bblr",
        "bumil_kek",
    ]
    assert set(DATA_SOURCE_LABEL) == set(DataSource)
    assert "BBLR" in DataSource.BBLR.label and DataSource.BUMIL_KEK.is_proxy
    assert not DataSource.BALITA_1_TAHUN.is_proxy


def test_data_only_per_puskesmas_or_from_proxies_leaves_a_note_for_aksi_6():
    assert data_gap_notes(Level.DESA, DataSource.BADUTA) == []
    assert any("Aksi 6" in n and "desa" in n for n in data_gap_notes("puskesmas"))
    assert any("Aksi 7" in n for n in data_gap_notes("kecamatan", "bblr"))
    assert data_gap_notes("desa", "balita_1_tahun")


def test_coverage_reported_for_a_few_desa_per_kecamatan_is_a_coarse_data_gap():
    # A district of 10 kecamatan and 100 desa: 10 desa with data looks like one value per kecamatan.
    filled = {"U01": 10, "U02": 0, "U03": 11, "U04": 1, "U05": 100}
    assert coarse_coverage(filled, n_kecamatan=10, n_desa=100) == ["U01", "U04"]
    # A tiny district (4 kecamatan, 6 desa): 3 desa of 6 is half of them, not a few per kecamatan.
    assert coarse_coverage({"U01": 3, "U02": 2}, n_kecamatan=4, n_desa=6) == ["U02"]


def test_arrays_are_accepted_as_well_as_lists():
    result = analyse_hotspots(
        np.array(["a", "b"]), prevalence=np.array([10.0, np.nan]), cases=np.array([1, 2])
    )
    assert result.units[1].prevalence is None and result.mean_cases == 1.5
