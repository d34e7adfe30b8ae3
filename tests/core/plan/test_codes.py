"""Codes, names, classes, groups and funding sources of a plan (issue 14)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from konvergensi_core.plan import (
    FUNDING_LABELS,
    GROUPS,
    FundingSource,
    RowClass,
    is_subkegiatan_code,
    normalize_code,
    normalize_name,
    parse_adjustments,
    parse_funding_source,
    parse_group,
    parse_row_class,
)


def test_groups_are_the_guidelines_four():
    assert list(GROUPS) == [1, 2, 3, 4]
    assert GROUPS[1] == "Perbaikan alokasi program/anggaran untuk meningkatkan integrasi"
    assert GROUPS[4].startswith("Penguatan koordinasi antar program")


@pytest.mark.parametrize(
    "code, ok",
    [
        ("1.02.02.2.02.0016", True),
        (" 1.02.02. 2.02.0016 ", True),
        ("X.XX.01.2.01.0001", True),
        ("1.02.02.2.02.16", True),  # Permendagri 90/2019
        ("1.02.02.2.02", False),  # a kegiatan, not a sub-kegiatan
        ("1.02", False),
        ("1.02.02.2.02.00161", False),
        ("abc", False),
        ("", False),
    ],
)
def test_subkegiatan_code_shape(code, ok):
    assert is_subkegiatan_code(code) is ok


def test_normalize_code_removes_every_space():
    assert normalize_code(" 1.02.02 .2.02.\t0016\n") == "1.02.02.2.02.0016"
    assert normalize_code(None) == ""


def test_normalize_name():
    assert normalize_name("  Dinas  Kesehatan, P2KB. ") == "dinas kesehatan p2kb"
    assert normalize_name("PEMBERIAN Makanan-Tambahan") == "pemberian makanan tambahan"
    assert normalize_name(None) == ""


@given(st.text(max_size=30))
def test_normalize_name_is_idempotent_and_ignores_case_and_spacing(text):
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert normalize_name("  " + text.upper().replace(" ", "   ") + " ") == normalize_name(text.upper())


@pytest.mark.parametrize(
    "text, source",
    [
        ("APBD Kabupaten", FundingSource.APBD_KABKOTA),
        ("apbd kab/kota", FundingSource.APBD_KABKOTA),
        ("APBD", FundingSource.APBD_KABKOTA),
        ("APBD Provinsi", FundingSource.APBD_PROV),
        ("apbd-prov", FundingSource.APBD_PROV),
        ("APBN", FundingSource.APBN),
        ("DAK Fisik", FundingSource.DAK_FISIK),
        ("DAK Non Fisik", FundingSource.DAK_NONFISIK),
        ("dak non-fisik", FundingSource.DAK_NONFISIK),
        ("BOK", FundingSource.DAK_NONFISIK),
        ("BOKB", FundingSource.DAK_NONFISIK),
        ("Dana  Desa", FundingSource.DANA_DESA),
        ("CSR", FundingSource.LAINNYA),
        ("lainnya", FundingSource.LAINNYA),
        ("dak_nonfisik", FundingSource.DAK_NONFISIK),
        ("", None),
        ("DAK", None),
        ("uang kas", None),
    ],
)
def test_funding_sources(text, source):
    assert parse_funding_source(text) == source


def test_every_funding_label_and_value_is_recognised():
    for source, label in FUNDING_LABELS.items():
        assert parse_funding_source(label) is source
        assert parse_funding_source(source.value.upper()) is source


def test_row_classes_from_values_and_labels():
    for cls in RowClass:
        assert parse_row_class(cls.value) is cls
        assert parse_row_class(cls.value.replace("_", " ").upper()) is cls
    assert parse_row_class("Kegiatan baru yang memerlukan alokasi anggaran") is RowClass.BARU_DENGAN_ANGGARAN
    assert parse_row_class("Kegiatan yang sudah ada namun perlu penyesuaian") is RowClass.DISESUAIKAN
    assert parse_row_class("entah") is None
    assert parse_row_class("") is None


@pytest.mark.parametrize(
    "value, group",
    [
        (1, 1),
        (4.0, 4),
        ("2", 2),
        ("Kelompok 3", 3),
        (GROUPS[2], 2),
        (f"1 {GROUPS[1]}", 1),
        (5, None),
        ("1.1", None),
        ("x", None),
        (True, None),
    ],
)
def test_groups(value, group):
    assert parse_group(value) == group


def test_adjustments():
    assert parse_adjustments("Anggaran; target kinerja") == (("target", "anggaran"), [])
    assert parse_adjustments("lokasi, manajemen") == (("lokus", "penyampaian"), [])
    assert parse_adjustments("target; cuaca") == (("target",), ["cuaca"])
    assert parse_adjustments(None) == ((), [])
