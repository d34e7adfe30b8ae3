import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from konvergensi_core.growth import categories as c
from konvergensi_core.growth import zscores

EPS = 1e-9


@pytest.mark.parametrize(
    ("z", "label"),
    [
        (-3 - EPS, "berat badan sangat kurang"),
        (-3.0, "berat badan kurang"),
        (-2 - EPS, "berat badan kurang"),
        (-2.0, "berat badan normal"),
        (1.0, "berat badan normal"),
        (1 + EPS, "risiko berat badan lebih"),
    ],
)
def test_bbu_cut_offs(z, label):
    assert c.labels(c.bbu([z]), c.BBU)[0] == label


@pytest.mark.parametrize(
    ("z", "label"),
    [
        (-3 - EPS, "sangat pendek"),
        (-3.0, "pendek"),
        (-2 - EPS, "pendek"),
        (-2.0, "normal"),
        (3.0, "normal"),
        (3 + EPS, "tinggi"),
    ],
)
def test_tbu_cut_offs(z, label):
    assert c.labels(c.tbu([z]), c.TBU)[0] == label


@pytest.mark.parametrize(
    ("z", "label"),
    [
        (-3 - EPS, "gizi buruk"),
        (-3.0, "gizi kurang"),
        (-2 - EPS, "gizi kurang"),
        (-2.0, "gizi baik"),
        (1.0, "gizi baik"),
        (1 + EPS, "berisiko gizi lebih"),
        (2.0, "berisiko gizi lebih"),
        (2 + EPS, "gizi lebih"),
        (3.0, "gizi lebih"),
        (3 + EPS, "obesitas"),
    ],
)
def test_bbtb_and_imtu_cut_offs(z, label):
    assert c.labels(c.bbtb([z]), c.BBTB)[0] == label
    assert c.labels(c.imtu([z]), c.BBTB)[0] == label


@pytest.mark.parametrize(
    ("z", "label"),
    [
        (-3 - EPS, "gizi buruk"),
        (-3.0, "gizi kurang"),
        (-2.0, "gizi baik"),
        (1.0, "gizi baik"),
        (1 + EPS, "gizi lebih"),
        (2.0, "gizi lebih"),
        (2 + EPS, "obesitas"),
    ],
)
def test_imtu_5_to_18_cut_offs(z, label):
    assert c.labels(c.imtu_5_18([z]), c.IMTU_5_18)[0] == label


def test_missing_and_flagged_records_have_no_category():
    codes = c.tbu([np.nan, -2.5, -7.0], flags=[np.nan, 0, 1])
    assert codes.tolist() == [-1, 1, -1]
    assert c.labels(codes, c.TBU).tolist() == ["", "pendek", ""]


def test_indicators_exclude_missing_and_flagged_from_numerator_and_denominator():
    res = zscores(
        [1, 1, 1, 1], [400, 400, 400, np.nan], [9.0, 5.0, 9.0, 9.0], [70.0, 70.0, 30.0, 75.0], [1, 1, 1, 1]
    )
    ind = c.indicators(res)
    assert ind["stunted"][0] and ind["valid_len"][0]  # 70 cm at 13 months is below -2 SD
    assert not ind["valid_len"][3] and not ind["stunted"][3]  # no age
    assert ind["underweight"][1]


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30))
def test_any_values_give_one_code_each(values):
    for fn, names in ((c.bbu, c.BBU), (c.tbu, c.TBU), (c.bbtb, c.BBTB), (c.imtu_5_18, c.IMTU_5_18)):
        codes = fn(values)
        assert (
            codes.shape == (len(values),)
            and codes.min(initial=-1) >= -1
            and codes.max(initial=0) < len(names)
        )
