"""Prevalence categories of the prioritisation matrix, and low coverage by the indicator bands."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core import indicators
from konvergensi_core.ansit import categories
from konvergensi_core.ansit.categories import (
    LOW,
    Bands,
    PrevalenceBands,
    PrevalenceCategory,
    bands_for,
    category,
    low_coverage,
    prevalence_category,
)


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        (30.0, PrevalenceCategory.SANGAT_TINGGI),
        (29.999, PrevalenceCategory.TINGGI),
        (20.0, PrevalenceCategory.TINGGI),
        (19.999, PrevalenceCategory.RENDAH),
        (10.0, PrevalenceCategory.RENDAH),
        (9.999, PrevalenceCategory.SANGAT_RENDAH),
        (0.0, PrevalenceCategory.SANGAT_RENDAH),
        (100.0, PrevalenceCategory.SANGAT_TINGGI),
        (None, None),
        (float("nan"), None),
    ],
)
def test_prevalence_category_edges_on_both_sides(pct, expected):
    assert prevalence_category(pct) == expected


def test_prevalence_bands_are_configurable_and_must_be_ordered():
    bands = PrevalenceBands(sangat_tinggi=40, tinggi=25, rendah=15)
    assert prevalence_category(35, bands) is PrevalenceCategory.TINGGI
    assert prevalence_category(14.9, bands) is PrevalenceCategory.SANGAT_RENDAH
    for bad in ({"tinggi": 35}, {"rendah": -1}, {"sangat_tinggi": 101}, {"rendah": float("nan")}):
        with pytest.raises(ValueError):
            PrevalenceBands(**bad)


def test_prevalence_labels_are_indonesian():
    assert [c.label for c in PrevalenceCategory] == ["Sangat Tinggi", "Tinggi", "Rendah", "Sangat Rendah"]


def test_coverage_categories_are_the_indicator_module_ones_not_a_copy():
    assert categories.Bands is indicators.Bands and categories.category is indicators.category
    assert categories.LOW is indicators.LOW and categories.pooled is indicators.pooled


def test_bands_can_be_one_set_or_per_indicator_with_the_default_for_the_rest():
    strict = Bands(memadai=95, hampir=85, rendah=60)
    assert bands_for(["U01", "U02"], strict) == [strict, strict]
    assert bands_for(["U01", "U02"], {"U02": strict}) == [indicators.DEFAULT_BANDS, strict]
    assert bands_for(["U01"], None) == [indicators.DEFAULT_BANDS]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=120)), min_size=1, max_size=8),
    st.tuples(st.floats(0, 100), st.floats(0, 100), st.floats(0, 100)).map(sorted),
)
def test_vectorised_low_coverage_agrees_with_the_category_of_every_cell(values, edges):
    bands = Bands(rendah=edges[0], hampir=edges[1], memadai=edges[2])
    matrix = np.array([[np.nan if v is None else v for v in values]])
    low = low_coverage(matrix, [bands] * len(values))
    assert low[0].tolist() == [category(v, bands) in LOW if v is not None else False for v in values]


def test_low_coverage_of_no_indicators_is_an_empty_matrix():
    assert low_coverage(np.zeros((3, 0)), []).shape == (3, 0)
