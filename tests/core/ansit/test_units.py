"""Units of an Aksi 1 analysis (``konvergensi_core.ansit.units``): pooled figures of an area and
a file's unit labels → unit codes. Pure: no Django, no database."""

import math

import pytest

from konvergensi_core.ansit.units import (
    AMBIGUOUS,
    REPEATED,
    UNKNOWN,
    LabelMatch,
    Pooled,
    Unit,
    UnitLookup,
    UnitMatch,
    kecamatan_areas,
    pool,
    pool_area,
    puskesmas_areas,
)


def test_an_area_with_every_desa_measured_sums_cases_and_children_measured():
    assert pool([(3.0, 30.0), (2.0, 20.0)]) == Pooled(5.0, 50.0, None)


def test_when_only_some_desa_have_children_measured_the_prevalence_is_pooled_over_those():
    p = pool([(3.0, 30.0), (2.0, None), (1.0, 0.0), (4.0, 10.0)])
    # All cases count (10); the rate comes from the two desa with both: (3 + 4) / (30 + 10).
    assert (p.cases, p.measured) == (10.0, None) and math.isclose(p.prevalence, 17.5)


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ([], Pooled(None, None, None)),
        ([(None, 40.0), (None, None)], Pooled(None, None, None)),  # measured but no cases: no data
        ([(2.0, None), (1.0, 0.0)], Pooled(3.0, None, None)),  # cases only
        ([(None, 40.0), (2.0, 20.0)], Pooled(2.0, 20.0, None)),  # a desa without cases is left out
    ],
)
def test_pooled_figures_without_a_rate(figures, expected):
    assert pool(figures) == expected


DESA = [
    Unit("32.11.01.2001", "Cimungkal", ("3211012001",)),
    Unit("32.11.01.2002", "Suka Maju", ("3211012002",)),
    Unit("32.11.02.2001", "Sukamaju", ("3211022001",)),
    Unit("32.11.02.2002", "Tanjungsari", ("3211022002",)),
    Unit("32.11.03.2001", "Cibeusi", ("3211032001",)),
    Unit("32.11.04.2001", "Cibeusi", ("3211042001",)),
]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("32.11.01.2001", UnitMatch("32.11.01.2001")),  # the official code
        (" 3211022002 ", UnitMatch("32.11.02.2002")),  # digits only, with spaces around
        ("CIMUNGKAL", UnitMatch("32.11.01.2001")),  # the name, any case
        ("suka   maju", UnitMatch("32.11.01.2002")),  # exact name first: "Suka Maju", not "Sukamaju"
        ("SUKAMAJU", UnitMatch("32.11.02.2001")),
        ("Ds. Tandjungsari", UnitMatch("32.11.02.2002")),  # spelling key: "Ds." dropped, old spelling
        ("Desa Cimungkal", UnitMatch("32.11.01.2001")),
        ("Soekamadjoe", UnitMatch(None, ambiguous=True)),  # key of both "Suka Maju" and "Sukamaju"
        ("Cibeusi", UnitMatch(None, ambiguous=True)),  # two desa of that name: the file must give the code
        ("Cikaramas", UnitMatch(None)),
        ("32.11.09.2001", UnitMatch(None)),
        ("", UnitMatch(None)),
    ],
)
def test_desa_labels(label, expected):
    assert UnitLookup(DESA, level="desa").match(label) == expected


def test_puskesmas_labels_with_or_without_the_word_puskesmas():
    lookup = UnitLookup(
        [Unit("P3211010101", "Puskesmas Wado"), Unit("P3211020201", "UPTD Puskesmas Jatinunggal")],
        level="puskesmas",
    )
    assert lookup.names == {"P3211010101": "Puskesmas Wado", "P3211020201": "UPTD Puskesmas Jatinunggal"}
    assert lookup.match("p3211010101") == UnitMatch("P3211010101")
    assert lookup.match("Wado") == UnitMatch("P3211010101")
    assert lookup.match("PKM Wado") == UnitMatch("P3211010101")  # spelling key: "pkm" dropped
    assert lookup.match("jatinunggal") == UnitMatch("P3211020201")
    assert lookup.match("Puskesmas Cibugel") == UnitMatch(None)


def test_kecamatan_labels_drop_the_word_kecamatan():
    lookup = UnitLookup(
        [Unit("32.11.01", "Wado", ("321101",)), Unit("32.11.02", "Jatinunggal")], level="kecamatan"
    )
    assert lookup.match("Kec. Wado") == UnitMatch("32.11.01")
    assert lookup.match("321101") == UnitMatch("32.11.01")
    assert lookup.match("Kecamatan Jati Nunggal") == UnitMatch("32.11.02")


def test_the_labels_of_a_file_each_name_one_unit_or_say_why_not():
    found = UnitLookup(DESA, level="desa").match_labels(
        ["Cimungkal", "Cibeusi", "Cikaramas", "3211012001", "Tanjungsari"]
    )
    assert found == [
        LabelMatch("Cimungkal", "32.11.01.2001"),
        LabelMatch("Cibeusi", None, AMBIGUOUS),
        LabelMatch("Cikaramas", None, UNKNOWN),
        LabelMatch("3211012001", None, REPEATED),  # Cimungkal again, by its code: the first row counts
        LabelMatch("Tanjungsari", "32.11.02.2002"),
    ]


def test_an_area_pools_the_figures_of_its_own_desa_only():
    figures = {"a": (3.0, 30.0), "b": (2.0, 20.0), "c": (9.0, 10.0)}
    assert pool_area(["a", "b", "x"], figures) == Pooled(5.0, 50.0, None)  # "c" is not a member, "x" has none
    assert pool_area([], figures) == Pooled(None, None, None)


def test_kecamatan_areas_follow_the_desa_codes():
    desa = ["32.11.02.2001", "32.11.01.2002", "32.11.01.2001"]
    assert kecamatan_areas(desa) == {
        "32.11.02": ["32.11.02.2001"],
        "32.11.01": ["32.11.01.2002", "32.11.01.2001"],
    }


def test_a_desa_served_by_two_puskesmas_counts_in_the_first_only():
    desa = ["32.11.01.2001", "32.11.01.2002", "32.11.02.2001", "32.11.02.2002"]
    areas, unserved = puskesmas_areas(
        [
            ("P1", "Wado", ["32.11.01.2002", "32.11.01.2001"]),
            ("P2", "Jatinunggal", ["32.11.01.2002", "32.11.02.2001"]),
        ],
        desa,
    )
    assert areas == [
        ("P1", "Wado", ["32.11.01.2001", "32.11.01.2002"]),
        ("P2", "Jatinunggal", ["32.11.02.2001"]),
    ]
    assert unserved == ["32.11.02.2002"]
