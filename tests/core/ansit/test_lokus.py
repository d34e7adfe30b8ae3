"""Focus villages: the three criteria, eligibility, ranking and the selection of the number of lokus."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core.ansit import parse_eligibility, rank_lokus, select_lokus
from konvergensi_core.ansit.categories import Bands

U = [f"U{i:02d}" for i in range(1, 21)]


def by_desa(ranking):
    return {d.desa: d for d in ranking.desa}


def test_the_three_criteria_of_each_desa():
    ranking = rank_lokus(
        ["A", "B", "C", "D"],
        prevalence=[30, 10, 20, None],  # mean 20
        cases=[5, 40, 10, 25],  # mean 20
        coverage={"U01": [40, 95, 60, None], "U02": [30, 95, 95, None], "U03": [95, 20, 95, None]},
    )
    d = by_desa(ranking)
    assert ranking.mean_prevalence == 20 and ranking.mean_cases == 20
    assert d["A"].criteria.as_dict() == {
        "prevalence_above_mean": True,
        "cases_above_mean": False,
        "low_coverage_majority": True,  # 2 of 3 low
    }
    assert d["B"].criteria.as_dict() == {
        "prevalence_above_mean": False,
        "cases_above_mean": True,
        "low_coverage_majority": False,  # 1 of 3
    }
    assert d["C"].criteria.met == 0 and not d["C"].eligible  # exactly on the mean is not above
    assert d["D"].criteria.as_dict() == {
        "prevalence_above_mean": False,  # no prevalence: not met
        "cases_above_mean": True,
        "low_coverage_majority": False,  # no coverage data at all: not met
    }
    assert (d["A"].low_coverage_count, d["A"].coverage_count) == (2, 3)


def test_criterion_three_counts_over_the_indicators_with_data_for_the_desa():
    coverage = {code: [None, None, None] for code in U}  # 20 main indicators, mostly unreported
    for code in U[:3]:
        coverage[code] = [40, 40, None]  # desa X and Y: low on U01–U03
    coverage["U04"] = [95, 95, None]
    coverage["U05"] = [95, 95, 30]
    coverage["U06"] = [None, 95, None]
    ranking = rank_lokus(["X", "Y", "Z"], coverage=coverage)
    d = by_desa(ranking)
    # X: 3 low of 5 reported → majority, although 3 of 20 indicators only
    assert (d["X"].low_coverage_count, d["X"].coverage_count, d["X"].criteria.low_coverage_majority) == (
        3,
        5,
        True,
    )
    # Y: 3 of 6 is exactly half: not "more than 50 %"
    assert (d["Y"].low_coverage_count, d["Y"].coverage_count, d["Y"].criteria.low_coverage_majority) == (
        3,
        6,
        False,
    )
    # Z: its one reported indicator is low → 1 of 1
    assert d["Z"].criteria.low_coverage_majority is True


def test_low_coverage_follows_each_indicators_bands():
    strict = {"U01": Bands(memadai=98, hampir=95, rendah=90)}
    ranking = rank_lokus(["A"], coverage={"U01": [92], "U02": [92]}, bands=strict)
    assert ranking.desa[0].low_coverage_count == 1  # 92 is Rendah for U01, Memadai for U02


def test_eligibility_any_all_or_at_least_k():
    args = {
        "prevalence": [30, 30, 30, 1, 1],
        "cases": [50, 50, 1, 1, 1],
        "coverage": {"U01": [10, 90, 10, 10, 95]},
    }
    desa = ["all3", "two", "two_b", "one", "none"]
    eligible = {
        k: [d.desa for d in rank_lokus(desa, eligibility=k, **args).eligible] for k in ("any", 2, "all")
    }
    assert sorted(eligible["any"]) == ["all3", "one", "two", "two_b"]
    assert sorted(eligible[2]) == ["all3", "two", "two_b"]
    assert eligible["all"] == ["all3"]
    assert parse_eligibility("any") == 1 and parse_eligibility("ALL") == 3 and parse_eligibility("2") == 2
    for bad in ("0", "4", "some", 0, True, 2.5):
        with pytest.raises(ValueError):
            parse_eligibility(bad)


def test_ranking_by_low_coverage_then_prevalence_then_cases_then_code():
    ranking = rank_lokus(
        ["D5", "D4", "D3", "D2", "D1", "D6"],
        prevalence=[20, 20, 25, None, 20, 20],
        cases=[None, 10, 5, 99, 10, 30],
        coverage={"U01": [10, 10, 10, 10, 10, 95], "U02": [10, 10, 95, 95, 10, 95]},
    )
    order = [d.desa for d in ranking.desa]
    # two low: D5, D4, D1 (prevalence 20 each; cases None < known → D5 last; D4/D1 tie → code)
    # one low: D3 (prevalence 25), D2 (no prevalence → last); none low: D6
    assert order == ["D1", "D4", "D5", "D3", "D2", "D6"]
    assert [d.rank for d in ranking.desa] == [1, 2, 3, 4, 5, 6]


def test_selection_by_count_and_by_share_rounded_up():
    desa = [f"D{i:02d}" for i in range(1, 16)]
    ranking = rank_lokus(desa, prevalence=list(range(1, 16)), eligibility="any")
    eligible = [d.desa for d in ranking.eligible]
    assert len(eligible) == 7  # prevalence 9..15 are above the mean of 8
    top = select_lokus(ranking, count=3)
    assert [d.desa for d in top.selected] == eligible[:3] and top.selection.selected == 3
    share = select_lokus(ranking, share=0.2)  # 20 % of 15 = 3 exactly (not 4 by rounding noise)
    assert share.selection.target == 3 and len(share.selected) == 3
    ranking16 = rank_lokus([*desa, "D16"], prevalence=[*range(1, 16), 16])
    assert select_lokus(ranking16, share=0.2).selection.target == 4  # 3.2 rounded up
    assert len(select_lokus(ranking, count=50).selected) == 7  # never more than the eligible
    assert all(d.selected is False for d in select_lokus(ranking, count=0).desa)
    for bad in (
        {"count": -1},
        {"share": 0},
        {"share": 1.5},
        {"budget": -1, "cost": 1},
        {},
        {"count": 1, "share": 0.1},
    ):
        with pytest.raises(ValueError):
            select_lokus(ranking, **bad)
    with pytest.raises(ValueError):
        select_lokus(ranking, budget=10)  # no cost


def test_budget_selection_is_greedy_in_rank_order_and_stops_at_the_first_that_does_not_fit():
    ranking = rank_lokus(
        ["A", "B", "C", "D"], prevalence=[40, 30, 20, 10], coverage={"U01": [10, 10, 10, 10]}
    )
    costs = {"A": 50, "B": 40, "C": 5, "D": 1}
    chosen = select_lokus(ranking, budget=95, cost=costs)
    assert [d.desa for d in chosen.selected] == ["A", "B", "C"] and chosen.selection.total_cost == 95
    assert [d.desa for d in select_lokus(ranking, budget=80, cost=costs).selected] == ["A"]  # B does not fit
    unknown = select_lokus(ranking, budget=1000, cost={"A": 1, "C": 1})
    assert [d.desa for d in unknown.selected] == ["A"]
    assert any("tidak diketahui" in p.message and p.severity == "warning" for p in unknown.problems)
    flat = select_lokus(ranking, budget=25, cost=10)
    assert [d.desa for d in flat.selected] == ["A", "B"]


def test_json_rows_have_the_documented_keys_and_selected_only_after_a_selection():
    ranking = rank_lokus(["A", "B"], prevalence=[10, 20], cases=[1, 2], coverage={"U01": [10, 95]})
    row = ranking.as_list()[0]
    assert set(row) == {"rank", "desa", "prevalence", "cases", "low_coverage_count", "criteria", "eligible"}
    assert set(row["criteria"]) == {"prevalence_above_mean", "cases_above_mean", "low_coverage_majority"}
    assert "selected" in select_lokus(ranking, count=1).as_list()[0]


def test_bad_coverage_values_are_problems():
    ranking = rank_lokus(["A", "B", "C"], coverage={"U01": [-5, 120, "x"]}, prevalence=[1, 2, 3])
    messages = [(p.row, p.severity, p.message) for p in ranking.problems]
    assert (1, "error", "cakupan tidak boleh negatif") in messages
    assert any(row == 2 and sev == "warning" for row, sev, _ in messages)  # > 100 %: kept, flagged
    assert (3, "error", "bukan angka") in messages
    assert [d.coverage for d in ranking.desa if d.desa == "B"] == [(120.0,)]


# --- properties -------------------------------------------------------------------------------

maybe = st.one_of(st.none(), st.floats(min_value=0, max_value=100))
desa_rows = st.lists(
    st.tuples(
        maybe,
        st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
        st.lists(maybe, min_size=3, max_size=3),
    ),
    max_size=25,
)


def build(rows, names=None, eligibility="any"):
    names = names or [f"D{i:03d}" for i in range(len(rows))]
    return rank_lokus(
        names,
        prevalence=[r[0] for r in rows],
        cases=[r[1] for r in rows],
        coverage={code: [r[2][j] for r in rows] for j, code in enumerate(("U01", "U02", "U03"))},
        eligibility=eligibility,
    )


def key(d):
    missing_prev, missing_cases = d.prevalence is None, d.cases is None
    return (-d.low_coverage_count, missing_prev, -(d.prevalence or 0), missing_cases, -(d.cases or 0), d.desa)


@settings(max_examples=100, deadline=None)
@given(desa_rows)
def test_ranking_is_a_total_order_consistent_with_the_key(rows):
    ranking = build(rows)
    keys = [key(d) for d in ranking.desa]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert [d.rank for d in ranking.desa] == list(range(1, len(rows) + 1))


@settings(max_examples=100, deadline=None)
@given(desa_rows, st.randoms())
def test_permuting_the_input_rows_gives_the_same_ranking(rows, rnd):
    names = [f"D{i:03d}" for i in range(len(rows))]
    order = list(range(len(rows)))
    rnd.shuffle(order)
    forward = build(rows, names)
    shuffled = build([rows[i] for i in order], [names[i] for i in order])
    assert [d.as_dict() for d in forward.desa] == [d.as_dict() for d in shuffled.desa]


@settings(max_examples=100, deadline=None)
@given(desa_rows)
def test_eligibility_all_is_within_two_which_is_within_any(rows):
    sets = [{d.desa for d in build(rows, eligibility=k).eligible} for k in ("all", 2, "any")]
    assert sets[0] <= sets[1] <= sets[2]
    assert sets[2] == {d.desa for d in build(rows).desa if d.criteria.met >= 1}


@settings(max_examples=100, deadline=None)
@given(
    desa_rows,
    st.floats(min_value=0, max_value=1000),
    st.lists(st.floats(min_value=0, max_value=300), min_size=25, max_size=25),
)
def test_budget_selection_never_exceeds_the_budget_and_is_a_prefix_of_the_eligible_ranking(
    rows, budget, costs
):
    ranking = build(rows)
    cost = {d.desa: costs[i] for i, d in enumerate(ranking.desa)}
    chosen = select_lokus(ranking, budget=budget, cost=cost)
    picked = [d.desa for d in chosen.desa if d.selected]
    assert math.fsum(cost[d] for d in picked) <= budget
    assert picked == [d.desa for d in ranking.eligible][: len(picked)]
    rest = [d.desa for d in ranking.eligible][len(picked) :]
    if rest:  # it stopped because the next one did not fit
        assert math.fsum([*(cost[d] for d in picked), cost[rest[0]]]) > budget


anything = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.text(max_size=3),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.text(max_size=2), st.integers(), st.none()), anything, anything, anything, anything
        ),
        max_size=15,
    ),
    st.sampled_from(["any", "all", 2, 1]),
)
def test_any_input_values_give_a_ranking_or_problems_never_an_exception(rows, eligibility):
    ranking = rank_lokus(
        [r[0] for r in rows],
        prevalence=[r[1] for r in rows],
        cases=[r[2] for r in rows],
        measured=[r[3] for r in rows],
        coverage={"U01": [r[4] for r in rows]},
        eligibility=eligibility,
    )
    assert len({d.desa for d in ranking.desa}) == len(ranking.desa)
    select_lokus(ranking, share=0.5)
    select_lokus(ranking, budget=10, cost=3)
    ranking.as_list()


def test_numpy_arrays_are_accepted():
    ranking = rank_lokus(
        np.array(["A", "B"]), prevalence=np.array([5.0, np.nan]), coverage={"U01": np.array([10.0, 95.0])}
    )
    assert ranking.desa[0].desa == "A" and ranking.desa[1].prevalence is None
