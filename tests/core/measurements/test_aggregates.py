"""Aggregates per unit with Wilson CIs, breakdowns, the additive hierarchy, and data-quality verdicts."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from konvergensi_core.aggregates import (
    AGE_GROUPS,
    QualityThresholds,
    age_group_expr,
    aggregate,
    breakdowns,
    hierarchy_table,
    quality_by,
)
from konvergensi_core.stats import age_heaping, digit_preference, sex_ratio, wilson_interval, zscore_summary

# Six children in two desa, written out by hand.
SMALL = pl.DataFrame(
    {
        "desa_kode": ["32.11.01.2001"] * 4 + ["32.11.02.2001"] * 2,
        "sex": [1, 2, 1, 2, 1, 1],
        "age_days": [100, 200, 400, 1000, 1500, 30],
        "stunted": [True, False, True, False, False, False],
        "severely_stunted": [True, False, False, False, False, False],
        "valid_len": [True, True, True, True, True, False],  # the last one flagged
        "wasted": [False, False, False, True, False, False],
        "overweight": [False, True, False, False, False, False],
        "valid_wfl": [True, True, True, True, False, True],
        "underweight": [True, False, False, False, False, False],
        "valid_wei": [True] * 6,
    }
)


def test_counts_and_prevalence_per_unit_equal_the_hand_count():
    out = aggregate(SMALL, "desa_kode")
    a, b = out.row(0, named=True), out.row(1, named=True)
    assert a["desa_kode"] == "32.11.01.2001" and a["measured"] == 4
    assert (a["stunted"], a["stunted_n"], a["stunted_prevalence"]) == (2, 4, 0.5)
    assert (a["severely_stunted"], a["wasted"], a["overweight"], a["wasted_n"]) == (1, 1, 1, 4)
    assert (a["underweight"], a["underweight_n"]) == (1, 4)
    assert (b["measured"], b["stunted"], b["stunted_n"], b["wasted_n"]) == (2, 0, 1, 1)
    assert b["stunted_prevalence"] == 0.0


def test_the_confidence_interval_is_wilsons():
    out = aggregate(SMALL, "desa_kode")
    lo, hi = wilson_interval(out["stunted"].to_numpy(), out["stunted_n"].to_numpy())
    assert out["stunted_ci_low"].to_list() == pytest.approx(lo.tolist())
    assert out["stunted_ci_high"].to_list() == pytest.approx(hi.tolist())
    assert out.item(1, "stunted_ci_low") == 0.0  # no case: the interval starts at 0


def test_an_index_without_valid_records_has_no_prevalence():
    out = aggregate(SMALL.with_columns(valid_wfl=pl.lit(False)))
    assert out.item(0, "wasted_n") == 0 and out.item(0, "wasted_prevalence") is None
    assert out.item(0, "wasted_ci_low") is None


def test_the_whole_frame_is_one_row_without_units():
    out = aggregate(SMALL)
    assert out.height == 1 and out.item(0, "measured") == 6 and out.item(0, "stunted") == 2


def test_age_groups_follow_completed_months():
    frame = pl.DataFrame({"age_days": [0, 182, 183, 365, 366, 730, 731, 1826, 1830, -1, None]})
    groups = frame.select(age_group_expr()).to_series().to_list()
    assert groups == ["0–5", "0–5", "6–11", "6–11", "12–23", "12–23", "24–59", "24–59", None, None, None]
    assert AGE_GROUPS == ("0–5", "6–11", "12–23", "24–59")


def test_breakdowns_by_age_group_and_by_sex_add_up_to_the_unit():
    parts = breakdowns(SMALL, "desa_kode")
    by_age = parts["age_group"].filter(pl.col("desa_kode") == "32.11.01.2001")
    assert dict(zip(by_age["age_group"].cast(pl.String), by_age["measured"], strict=True)) == {
        "0–5": 1,
        "6–11": 1,
        "12–23": 1,
        "24–59": 1,
    }
    by_sex = parts["sex"]
    assert by_sex.filter(pl.col("sex") == 1)["measured"].sum() == 4
    assert by_sex["stunted"].sum() == aggregate(SMALL)["stunted"].item()


def test_the_hierarchy_table_is_additive_from_desa_to_district():
    h = hierarchy_table(SMALL)
    assert set(h["level"]) == {"desa", "kecamatan", "kabkota"}
    rows = {r["kode"]: r for r in h.iter_rows(named=True)}
    assert rows["32.11"]["parent"] is None and rows["32.11.01"]["parent"] == "32.11"
    assert rows["32.11.01.2001"]["parent"] == "32.11.01"
    assert (
        rows["32.11"]["measured"] == 6
        and rows["32.11.01"]["measured"] == 4
        and rows["32.11.02"]["measured"] == 2
    )
    assert rows["32.11"]["stunted"] == rows["32.11.01"]["stunted"] + rows["32.11.02"]["stunted"]


# ---- data quality -----------------------------------------------------------------------------


def children(
    n: int, *, seed: int = 1, sd: float = 1.0, weight=None, lenhei=None, flagged: float = 0.0, boys=None
) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    z = {k: rng.normal(-0.5, sd, n) for k in ("zlen", "zwei", "zwfl")}
    flags = rng.random(n) < flagged
    age_months = rng.uniform(0, 60, n)
    return pl.DataFrame(
        {
            "posyandu": ["Mawar"] * n,
            **z,
            **{f"f{k[1:]}": flags for k in z},
            "weight": weight if weight is not None else np.round(rng.uniform(3, 20, n), 1),
            "lenhei": lenhei if lenhei is not None else np.round(rng.uniform(50, 110, n), 1),
            "age_months": age_months,
            "sex": boys if boys is not None else rng.integers(1, 3, n),
        }
    )


def test_good_data_is_judged_good():
    q = quality_by(children(300), "posyandu").row(0, named=True)
    assert q["level"] == "baik" and q["verdict"] == "Baik" and q["issues"] == []


def test_too_few_children_are_not_judged():
    q = quality_by(children(29), "posyandu").row(0, named=True)
    assert q["level"] == "sedikit" and q["verdict"] == "Data terlalu sedikit untuk dinilai (< 30 anak)"


def test_a_wide_spread_of_z_scores_needs_attention():
    q = quality_by(children(300, sd=1.6), "posyandu").row(0, named=True)
    assert q["level"] == "perhatian"
    assert q["verdict"].startswith("Perlu perhatian: SD z-score TB/U 1,")
    assert "(di luar 0,8–1,2 WHO)" in q["verdict"]


def test_weights_rounded_to_whole_and_half_kilos_need_retraining():
    rng = np.random.default_rng(2)
    weight = rng.integers(6, 18, 200) + rng.choice([0.0, 0.5], 200)
    q = quality_by(children(200, weight=weight), "posyandu").row(0, named=True)
    assert q["level"] == "pelatihan"
    assert "Perlu pelatihan ulang: preferensi angka desimal berat tinggi (0 dan 5; skor " in q["verdict"]
    assert q["digits_weight"] == [0, 5]


def test_honest_digits_in_a_small_posyandu_are_not_flagged_by_chance():
    q = quality_by(children(30, seed=11), "posyandu").row(0, named=True)
    assert q["dps_weight"] > 10  # the score alone is high at n = 30 ...
    assert q["level"] != "pelatihan"  # ... but not significant


def test_many_flagged_z_scores_need_retraining():
    q = quality_by(children(300, flagged=0.08), "posyandu").row(0, named=True)
    assert q["level"] == "pelatihan" and "z-score TB/U di luar batas WHO (> 5 %)" in q["verdict"]


def test_an_unlikely_sex_ratio_needs_attention():
    q = quality_by(children(300, boys=np.array([1] * 200 + [2] * 100)), "posyandu").row(0, named=True)
    assert "rasio laki-laki/perempuan 2,00 tidak wajar" in q["verdict"]


def test_ages_heaped_on_whole_years_need_attention():
    frame = children(300)
    heaped = frame.with_columns(
        age_months=pl.when(pl.int_range(pl.len()) < 100).then(24.2).otherwise(pl.col("age_months"))
    )
    q = quality_by(heaped, "posyandu").row(0, named=True)
    assert q["whole_year_ratio"] > 1.5 and "usia menumpuk" in q["verdict"]


def test_thresholds_can_be_changed():
    q = quality_by(children(300, sd=1.6), "posyandu", QualityThresholds(sd_high=2.0)).row(0, named=True)
    assert q["level"] == "baik"


def test_the_measures_equal_those_of_the_stats_quality_functions():
    frame = pl.concat(
        [
            children(120, seed=3).with_columns(posyandu=pl.lit("A")),
            children(80, seed=4).with_columns(posyandu=pl.lit("B")),
        ]
    )
    q = quality_by(frame, "posyandu")
    for name in ("A", "B"):
        group = frame.filter(pl.col("posyandu") == name)
        row = q.filter(pl.col("posyandu") == name).row(0, named=True)
        flags = group["flen"].cast(pl.Float64).to_numpy()
        assert row["sd_zlen"] == pytest.approx(zscore_summary(group["zlen"].to_numpy(), flags).sd)
        assert row["dps_weight"] == pytest.approx(digit_preference(group["weight"].to_numpy())[1])
        assert row["dps_lenhei"] == pytest.approx(digit_preference(group["lenhei"].to_numpy())[1])
        assert row["whole_year_ratio"] == pytest.approx(
            age_heaping(group["age_months"].to_numpy()).whole_year_ratio
        )
        ratio = sex_ratio(group["sex"].to_numpy())
        assert row["sex_ratio"] == pytest.approx(ratio.ratio) and row["sex_ratio_p"] == pytest.approx(
            ratio.p_value
        )


def test_quality_is_judged_per_group():
    frame = pl.concat(
        [children(300).with_columns(posyandu=pl.lit("A")), children(10).with_columns(posyandu=pl.lit("B"))]
    )
    q = quality_by(frame, ["posyandu"])
    assert q["posyandu"].to_list() == ["A", "B"] and q["level"].to_list() == ["baik", "sedikit"]
