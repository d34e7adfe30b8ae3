"""``as_float_array``: plain numbers (None, floats, ints: what the app passes) take a path without a
check per value; it must give the same array and the same problems as the value-by-value rules."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from konvergensi_core.ansit.problems import Problem, as_float_array, value_text

PLAIN = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.just(10**400),  # too large for a float: "bukan angka"
)
OTHER = st.one_of(
    st.booleans(), st.text(max_size=3), st.just(b"1"), st.just(np.float32(2.5)), st.just(np.int64(7))
)


def reference(values: list, n: int) -> tuple[list[float], list[Problem]]:
    """The documented rules, one value at a time."""
    out, problems = [math.nan] * n, []
    for i, value in enumerate(values[:n]):
        if value is None:
            continue
        try:
            if isinstance(value, bool | str | bytes):
                raise ValueError
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            problems.append(Problem(i + 1, "c", value_text(value), "bukan angka"))
            continue
        if math.isinf(number):
            problems.append(Problem(i + 1, "c", value_text(value), "bukan angka"))
        elif not math.isnan(number):
            out[i] = number
    if len(values) != n:
        problems.append(
            Problem(None, "c", "", f"jumlah nilai ({len(values)}) tidak sama dengan jumlah wilayah ({n})")
        )
    return out, problems


@given(st.lists(PLAIN, max_size=30), st.lists(OTHER, max_size=2), st.integers(min_value=-2, max_value=2))
def test_plain_and_mixed_values_follow_the_same_rules(plain, other, extra):
    for values in (plain, plain + other):  # plain only: the fast path; with others: value by value
        n = max(0, len(values) + extra)
        problems: list[Problem] = []
        got = as_float_array(values, n, column="c", rows=list(range(1, n + 1)), problems=problems)
        want, want_problems = reference(values, n)
        assert got.shape == (n,)
        assert np.array_equal(got, np.array(want, dtype=float), equal_nan=True)
        assert problems == want_problems


def test_infinity_among_plain_numbers_is_reported_where_it_is():
    problems: list[Problem] = []
    got = as_float_array([1, None, math.inf, 2.5, -math.inf], 5, column="U01", rows=[7, 8, 9, 10, 11],
                         problems=problems)  # fmt: skip
    assert np.array_equal(got, [1.0, np.nan, np.nan, 2.5, np.nan], equal_nan=True)
    assert [(p.row, p.column, p.value) for p in problems] == [(9, "U01", "inf"), (11, "U01", "-inf")]
