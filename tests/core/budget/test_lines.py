"""The words of budget tagging: sources, categories, target groups, stages, yes/no (issue 15)."""

from dataclasses import replace

import pytest

from konvergensi_core.budget import (
    CATEGORIES,
    SOURCES,
    STAGES,
    TARGET_GROUP_LABELS,
    TARGET_GROUPS,
    BudgetLine,
    parse_category,
    parse_source,
    parse_stage,
    parse_target_groups,
    parse_yes_no,
)


def test_the_issue_spellings_are_the_canonical_values():
    assert SOURCES == (
        "PAD",
        "DAU",
        "DBH",
        "DAK fisik",
        "DAK non-fisik",
        "DID",
        "Dana Desa",
        "APBD provinsi",
        "lainnya",
    )
    assert CATEGORIES == ("spesifik", "sensitif", "pendamping")
    assert TARGET_GROUPS == (
        "remaja_putri",
        "catin",
        "ibu_hamil",
        "ibu_nifas_menyusui",
        "baduta",
        "balita",
        "keluarga",
    )
    assert set(TARGET_GROUP_LABELS) == set(TARGET_GROUPS)
    assert STAGES == ("murni", "perubahan")


@pytest.mark.parametrize("source", SOURCES)
def test_every_source_reads_back_whatever_the_case_spacing_or_hyphens(source):
    assert parse_source(source) == source
    assert parse_source(f"  {source.upper()} ") == source
    assert parse_source(source.replace(" ", "-").lower()) == source
    assert parse_source(source.replace("-", " ")) == source


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("BOK", "DAK non-fisik"),
        ("bokb", "DAK non-fisik"),
        ("BOP PAUD", "DAK non-fisik"),
        ("DAK Non Fisik", "DAK non-fisik"),
        ("DAK NONFISIK", "DAK non-fisik"),
        ("DAK Fisik", "DAK fisik"),
        ("dak-fisik", "DAK fisik"),
        ("APBD Prov", "APBD provinsi"),
        ("APBD Propinsi", "APBD provinsi"),
        ("DD", "Dana Desa"),
        ("Pendapatan Asli Daerah", "PAD"),
        ("DBH-CHT", "DBH"),
        ("Insentif Fiskal", "DID"),
        ("CSR", "lainnya"),
    ],
)
def test_source_synonyms(text, source):
    assert parse_source(text) == source


@pytest.mark.parametrize("text", ["", None, "APBD", "APBN", "uang", "DAK"])
def test_unknown_or_ambiguous_sources_are_none(text):
    assert parse_source(text) is None


def test_categories():
    assert parse_category("Spesifik") == "spesifik"
    assert parse_category("intervensi SENSITIF") == "sensitif"
    assert parse_category(" pendamping ") == "pendamping"
    assert parse_category("penting") is None
    assert parse_category("") is None


def test_target_groups_by_key_or_label_in_canonical_order_with_unknown_parts():
    groups, unknown = parse_target_groups("Balita; ibu hamil;IBU_HAMIL ; remaja putri;lansia;;")
    assert groups == ("remaja_putri", "ibu_hamil", "balita")
    assert unknown == ["lansia"]
    for key, label in TARGET_GROUP_LABELS.items():
        assert parse_target_groups(label) == ((key,), [])
        assert parse_target_groups(key.upper()) == ((key,), [])
    assert parse_target_groups(None) == ((), [])
    assert parse_target_groups("") == ((), [])


def test_stages_and_yes_no():
    assert parse_stage("Murni") == "murni"
    assert parse_stage("APBD-P") == "perubahan"
    assert parse_stage("x") is None
    assert [parse_yes_no(v) for v in ("ya", "YA", "Tidak", "y", "n", True, 0, 1)] == [
        True,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
    ]
    assert parse_yes_no("mungkin") is None
    assert parse_yes_no(2) is None


def test_line_key_realised_and_compared_values():
    line = BudgetLine(
        code="1.02.02. 2.02.0016",
        name="Pemberian  PMT",
        opd="Dinas Kesehatan,",
        source="DAK non-fisik",
        pagu=100,
        realisasi=(10, None, 5, None),
        category="spesifik",
        target_groups=("balita",),
        indicators=("U01",),
        locations=(),
        direct=True,
        sheet="Anggaran",
        row=4,
    )
    assert line.key == ("1.02.02.2.02.0016", "dinas kesehatan", "DAK non-fisik")
    assert line.realised == 15
    assert line.realised_until(1) == 10
    assert line.realised_until(2) == 10
    moved = replace(line, sheet="", row=9, opd="DINAS KESEHATAN", name="Pemberian PMT")
    assert moved.values == line.values
    changed = replace(line, realisasi=(10, 1, 5, None))
    assert changed.values != line.values
