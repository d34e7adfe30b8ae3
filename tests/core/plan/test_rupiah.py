"""Rupiah amounts as typed (issue 14)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from konvergensi_core.numbers import id_count
from konvergensi_core.plan import format_rupiah, parse_rupiah
from konvergensi_core.plan.rupiah import AMBIGUOUS, NEGATIVE, NOT_RUPIAH


@pytest.mark.parametrize(
    "value, amount",
    [
        (1250000000, 1250000000),
        (1250000000.0, 1250000000),
        (12.5, 13),
        ("1.250.000.000", 1250000000),
        ("Rp 1.250.000.000,00", 1250000000),
        ("Rp1.250.000.000", 1250000000),
        ("rp. 1.250.000,-", 1250000),
        ("IDR 1.250.000", 1250000),
        ("1250000000", 1250000000),
        ("1,250,000,000", 1250000000),
        ("1,250,000.00", 1250000),
        ("1.250", 1250),
        ("1.250.000,50", 1250001),
        ("1250000.5", 1250001),
        ("0", 0),
        (" 7 500 ", 7500),
    ],
)
def test_amounts(value, amount):
    assert parse_rupiah(value) == (amount, None)


@pytest.mark.parametrize("value", [None, "", "  ", "-", "—", "N/A"])
def test_empty(value):
    assert parse_rupiah(value) == (None, None)


@pytest.mark.parametrize(
    "value, reason",
    [
        ("-5", NEGATIVE),
        (-5, NEGATIVE),
        ("(5.000)", NEGATIVE),
        ("Rp -1.000", NEGATIVE),
        ("satu juta", NOT_RUPIAH),
        ("Rp", NOT_RUPIAH),
        (True, NOT_RUPIAH),
        (float("nan"), NOT_RUPIAH),
        (float("inf"), NOT_RUPIAH),
        ("1,250", AMBIGUOUS),
        ("1.250.000.000.5", AMBIGUOUS),
    ],
)
def test_refused(value, reason):
    assert parse_rupiah(value) == (None, reason)


@given(st.integers(min_value=0, max_value=10**15))
def test_round_trip_of_the_indonesian_form(amount):
    assert parse_rupiah(f"Rp {id_count(amount)},00") == (amount, None)
    assert parse_rupiah(id_count(amount)) == (amount, None)
    assert parse_rupiah(format_rupiah(amount)) == (amount, None)


@given(st.one_of(st.text(max_size=25), st.floats(), st.integers(), st.none(), st.booleans()))
def test_never_raises_and_gives_an_amount_or_a_reason(value):
    amount, reason = parse_rupiah(value)
    assert amount is None or (isinstance(amount, int) and amount >= 0 and reason is None)
    assert reason is None or amount is None


def test_absurd_amounts_are_refused():
    from konvergensi_core.plan.rupiah import MAX_RUPIAH, TOO_LARGE

    assert parse_rupiah(1e28) == (None, TOO_LARGE)
    assert parse_rupiah("9" * 40) == (None, TOO_LARGE)
    assert parse_rupiah(MAX_RUPIAH) == (MAX_RUPIAH, None)
