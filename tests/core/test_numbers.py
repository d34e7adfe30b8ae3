"""The one Indonesian number formatter (konvergensi_core.numbers): thousands ".", decimals ","."""

from __future__ import annotations

import math

import pytest

from konvergensi_core.numbers import id_count, id_number, id_percent


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (1234567.891, 1, "1.234.567,9"),
        (1234567.891, 2, "1.234.567,89"),
        (1234567.891, 0, "1.234.568"),
        (12.5, 1, "12,5"),
        (0.05, 2, "0,05"),
        (-1234.5, 1, "-1.234,5"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
    ],
)
def test_thousands_with_a_dot_and_decimals_with_a_comma(value, digits, expected):
    assert id_number(value, digits) == expected


@pytest.mark.parametrize("missing", [None, math.nan, math.inf, -math.inf])
def test_a_missing_or_impossible_number_is_a_dash(missing):
    assert id_number(missing) == "–"
    assert id_number(missing, missing="—") == "—"


def test_counts_and_percentages():
    assert id_count(1234567) == "1.234.567"
    assert id_count(None) == "–"
    assert id_percent(0.2134) == "21,3 %"
    assert id_percent(0.2134, 2) == "21,34 %"
    assert id_percent(None) == "–"
    assert id_percent(math.nan) == "–"


def test_the_old_copies_now_use_the_one_formatter():
    from konvergensi_core import suppression
    from konvergensi_core.ansit import problems, recommendations

    assert problems.id_number(1234567.891) == "1.234.567,9"
    assert recommendations.num_text(1181) == "1.181,0"
    assert suppression._format_count(1234567) == "1.234.567"
    assert suppression._format_percent(0.2134) == "21,3"
