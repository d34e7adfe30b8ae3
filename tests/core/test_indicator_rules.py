"""The pure rules of indicators and village data: categories, pooling, the template reader, the
safe streaming Excel reader."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from konvergensi_core import datadesa
from konvergensi_core.indicators import (
    DEFAULT_BANDS,
    Bands,
    Category,
    category,
    load_catalogue,
    opd_kind,
    percent,
    pooled,
)
from konvergensi_core.io.xlsx import XlsxRejected, check_xlsx, iter_sheet_rows, sheet_names

DATA = Path(__file__).resolve().parents[2] / "src" / "konvergensi" / "data" / "indikator"


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        (90.0, Category.HAMPIR_MEMADAI),  # "Memadai > 90 %": exactly 90 is not enough
        (90.0001, Category.MEMADAI),
        (100.0, Category.MEMADAI),
        (70.0, Category.HAMPIR_MEMADAI),
        (69.999, Category.RENDAH),
        (50.0, Category.RENDAH),
        (49.999, Category.SANGAT_RENDAH),
        (0.0, Category.SANGAT_RENDAH),
        (None, None),
    ],
)
def test_category_edges_on_both_sides(pct, expected):
    assert category(pct, DEFAULT_BANDS) == expected


def test_bands_are_configurable_and_must_be_ordered():
    bands = Bands(memadai=95, hampir=80, rendah=60)
    assert category(92, bands) == Category.HAMPIR_MEMADAI and category(79.9, bands) == Category.RENDAH
    with pytest.raises(ValueError):
        Bands(memadai=60, hampir=70, rendah=50)


def test_pooled_coverage_sums_and_skips_unreported():
    assert pooled([(1, 1), (10, 100), (None, 5), (3, None)]) == (11, 101, pytest.approx(100 * 11 / 101))
    assert percent(5, 0) is None and percent(None, 4) is None


def test_catalogue_files_give_both_sets():
    defs = load_catalogue(DATA)
    assert len([d for d in defs if d.set == "2018"]) == 28
    assert len([d for d in defs if d.set == "2025"]) == 31
    assert [d.kode for d in defs if d.is_count] == ["C05"]
    assert len({d.kode for d in defs}) == 59  # codes are unique across the sets


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("Dinas Kesehatan", "kesehatan"),
        ("Puskesmas", "puskesmas"),
        ("Dinas yang membidangi urusan keluarga berencana", "kb"),
        ("Dinas PPKB / Dinas Kesehatan", "kb"),
        ("Dinas PUPR / Perkim", "pu"),
        ("Dinas Dukcapil", "dukcapil"),
        ("Kemenag (KUA) / BKKBN", "kb"),
        ("Badan Urusan Lain", None),
    ],
)
def test_the_source_agency_is_recognised(source, kind):
    assert opd_kind(source) == kind


# --- the template reader ------------------------------------------------------------------------

INDICATORS = {d.kode: d for d in load_catalogue(DATA)}
DESA = {"32.11.01.2001": "Cimungkal", "32.11.01.2002": "Ganjarresik"}


def sheet(rows: list[list], periode="2025", kab="3211 Kabupaten Sumedang") -> list[tuple[int, tuple]]:
    head = [
        (1, ("Data cakupan",)),
        (2, ("Kabupaten/Kota", kab)),
        (3, ("Periode", periode)),
        (7, ("Kode Desa", "Desa/Kelurahan", "Kecamatan", "U01 Pembilang", "U01 Penyebut", "C05 Jumlah")),
    ]
    return head + [(8 + i, tuple(r)) for i, r in enumerate(rows)]


def parse(rows, **kw):
    return datadesa.parse_coverage(rows, kabkota="32.11", desa=DESA, indicators=INDICATORS, **kw)


def test_clean_rows_give_values_and_blank_pairs_mean_not_reported():
    out = parse(sheet([["3211012001", "", "", 3, 4, 0], ["32.11.01.2002", "", "", None, None, None]]))
    assert out.ok and out.periode == "2025" and out.kabkota == "32.11"
    assert [(v.desa, v.indicator, v.numerator, v.denominator, v.row) for v in out.values] == [
        ("32.11.01.2001", "U01", 3, 4, 8),
        ("32.11.01.2001", "C05", 0, None, 8),
    ]


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        ([5, 4, None], "D", "lebih besar dari penyebut"),
        ([-1, 4, None], "D", "tidak boleh negatif"),
        (["lima", 4, None], "D", "bukan angka"),
        ([3, None, None], "E", "penyebut wajib diisi"),
        ([None, 4, None], "D", "pembilang wajib diisi"),
        ([1.5, 4, None], "D", "harus bilangan bulat"),
        ([None, None, True], "F", "bukan angka"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(cells, column, fragment):
    out = parse(sheet([["3211012001", "", "", *cells]]))
    (problem,) = out.problems
    assert (problem.sheet, problem.row, problem.column) == ("Data", 8, column)
    assert fragment in problem.message and not out.values


def test_figures_larger_than_data_sasaran_are_a_warning_and_kept():
    rows = sheet([["3211012001", "", "", 10, 50, None]])
    out = parse(rows, sasaran={"32.11.01.2001": {"ibu_hamil": 49}})
    (warning,) = out.problems
    assert warning.message.startswith("U01: penyebut (50) lebih besar dari jumlah ibu hamil")
    assert (warning.row, warning.column, warning.severity, warning.reject) == (8, "E", "warning", False)
    assert out.ok and [(v.indicator, v.denominator) for v in out.values] == [("U01", 50)]
    assert parse(rows, sasaran={"32.11.01.2001": {"ibu_hamil": 50}}).problems == []
    assert parse(rows, sasaran={}).ok
    # The year of the sasaran is the period's: a function receives it.
    asked = []
    parse(rows, sasaran=lambda tahun: asked.append(tahun) or {})
    assert asked == [2025]


def test_header_block_problems():
    assert "Periode harus" in parse(sheet([], periode="2025-S3")).problems[0].message
    assert "bukan 32.11" in parse(sheet([], kab="3210 Majalengka")).problems[0].message
    assert "Kode Desa" in parse([(1, ("apa ini",))]).problems[0].message
    wrong_unit = [(3, ("Periode", "2025")), (7, ("Kode Desa", "C05 Pembilang"))]
    messages = [p.message for p in parse(wrong_unit).problems]
    assert any("C05 harus berjudul Jumlah" in m for m in messages) and any(
        "Tidak ada kolom" in m for m in messages
    )


# --- the programme-mapping sheet ----------------------------------------------------------------


def program_sheet(rows: list[list], tahun="2025") -> list[tuple[int, tuple]]:
    head = [
        (1, ("Pemetaan program",)),
        (2, ("Kabupaten/Kota", "3211 Kabupaten Sumedang")),
        (3, ("Tahun", tahun)),
        (7, ("Kode Desa", "Desa/Kelurahan", "Kecamatan", "U01 Cakupan bumil KEK", "U02 TTD")),
    ]
    return head + [(8 + i, tuple(r)) for i, r in enumerate(rows)]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("APBD Kab/Kota, Dana Desa", (True, ("apbd_kab", "dana_desa"), None)),
        ("dd; apbn", (True, ("dana_desa", "apbn"), None)),
        ("A.P.B.N + DAK", (True, ("apbn", "dak"), None)),
        ("ada", (True, (), None)),
        ("Tidak", (False, (), None)),
        ("-", (False, (), None)),
        ("", (None, (), None)),
        (None, (None, (), None)),
    ],
)
def test_funding_cells_as_officers_write_them(cell, expected):
    assert datadesa.parse_funding(cell) == expected


def test_an_unknown_funding_source_is_a_problem_naming_it():
    ada, sources, problem = datadesa.parse_funding("APBD Kab, Kementerian X")
    assert ada is None and sources == () and "Kementerian X" in problem


def test_program_sheet_gives_values_and_every_problem_with_its_cell():
    out = datadesa.parse_program(
        program_sheet(
            [
                ["3211012001", "", "", "APBD Kab/Kota", "tidak"],
                ["3211012002", "", "", "Bansos", None],
                ["3211012001", "", "", "ada", "ada"],  # the same desa again
                ["9999012001", "", "", "ada", ""],
            ]
        ),
        kabkota="32.11",
        desa=DESA,
        indicators=INDICATORS,
    )
    assert out.periode == "2025" and out.indicators == ["U01", "U02"]
    assert [(v.desa, v.indicator, v.ada, v.sumber) for v in out.values] == [
        ("32.11.01.2001", "U01", True, ("apbd_kab",)),
        ("32.11.01.2001", "U02", False, ()),
    ]
    assert [(p.row, p.column) for p in out.problems] == [(9, "D"), (10, "A"), (11, "A")]
    assert "Bansos" in out.problems[0].message and "baris 8" in out.problems[1].message


def test_program_sheet_refuses_other_opd_indicators_and_a_bad_year():
    out = datadesa.parse_program(
        program_sheet([["3211012001", "", "", "ada", "ada"]], tahun="2025-S1"),
        kabkota="32.11",
        desa=DESA,
        indicators=INDICATORS,
        allowed={"U01"},
    )
    messages = [p.message for p in out.problems]
    assert any("U02 bukan tanggung jawab" in m for m in messages)
    assert any(m.startswith("Tahun harus") for m in messages)


def test_program_diff_ignores_the_order_of_sources():
    v = datadesa.ProgramValue("32.11.01.2001", "U01", True, ("dak", "apbn"), 8)
    w = datadesa.ProgramValue("32.11.01.2002", "U01", False, (), 9)
    out = datadesa.diff_program([v, w], {("32.11.01.2001", "U01"): (True, ("apbn", "dak")),
                                         ("32.11.01.2002", "U01"): (True, ())})  # fmt: skip
    assert out["unchanged"] == [v] and out["changed"] == [w] and out["added"] == []


def test_diff_splits_new_changed_unchanged():
    values = parse(sheet([["3211012001", "", "", 3, 4, 1], ["3211012002", "", "", 1, 2, None]])).values
    current = {("32.11.01.2001", "U01"): (3, 4), ("32.11.01.2001", "C05"): (2, None)}
    split = datadesa.diff(values, current)
    assert [len(split[k]) for k in ("added", "changed", "unchanged")] == [1, 1, 1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=8), st.integers(-5, 10**7), st.floats(allow_nan=True)),
                         min_size=0, max_size=7), max_size=8))  # fmt: skip
def test_any_cell_content_gives_problems_never_exceptions(rows):
    out = parse(sheet(rows))
    for v in out.values:
        assert v.numerator >= 0 and (v.denominator is None or v.numerator <= v.denominator)
    assert all(p.message for p in out.problems)


# --- the safe Excel reader ----------------------------------------------------------------------


def workbook(rows: int = 3, sheets=("Data",)) -> bytes:
    wb = Workbook()
    wb.active.title = sheets[0]
    for name in sheets[1:]:
        wb.create_sheet(name)
    ws = wb[sheets[0]]
    for i in range(rows):
        ws.append([f"r{i}", i, i * 1.5])
    ws.append([])
    ws.append(["after a blank", 1, 2])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_real_workbook_streams_with_its_excel_row_numbers():
    content = workbook(rows=3, sheets=("Data", "Petunjuk"))
    assert sheet_names(io.BytesIO(content)) == ["Data", "Petunjuk"]
    rows = list(iter_sheet_rows(io.BytesIO(content), "Data"))
    assert [n for n, _ in rows] == [1, 2, 3, 5]
    assert rows[1][1] == ("r1", 1, 1.5)
    with pytest.raises(XlsxRejected, match="Lembar 'Lain' tidak ada. Lembar dalam berkas: Data, Petunjuk"):
        list(iter_sheet_rows(io.BytesIO(content), "Lain"))


def zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


PLAIN = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("data.xlsx", b"", "kosong"),
        ("data.xlsx", b"kode,desa\n1,2\n", "bukan arsip ZIP"),
        ("data.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("data.xlsm", b"PK\x03\x04", "makro"),
        ("data.csv", b"a,b", "bukan Excel .xlsx"),
        ("data.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "kata sandi"),
        ("data.xlsx", zip_with({**PLAIN, "xl/vbaProject.bin": b"x"}), "makro"),
        ("data.xlsx", zip_with({"[Content_Types].xml": b"<Types/>"}), "workbook tidak ada"),
        ("data.xlsx", zip_with({**PLAIN, "xl/worksheets/bomb.xml": b"\0" * (5 * 1024 * 1024)}), "zip bomb"),
        ("data.xlsx", workbook()[:900], "rusak atau tidak lengkap"),
    ],
)
def test_what_is_not_a_plain_xlsx_is_refused_with_a_message(name, content, fragment):
    with pytest.raises(XlsxRejected, match=fragment):
        check_xlsx(io.BytesIO(content), name=name)


def test_size_limit():
    with pytest.raises(XlsxRejected, match="terlalu besar"):
        check_xlsx(io.BytesIO(workbook()), name="a.xlsx", max_bytes=1000)


def big_workbook(rows: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    for i in range(rows):
        ws.append([f"32110120{i % 100:02d}", "Desa", "Kec", i, i + 1])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def peak_while_reading(content: bytes) -> int:
    tracemalloc.start()
    try:
        for _ in iter_sheet_rows(io.BytesIO(content), "Data"):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_100000_row_sheet_is_read_in_memory_that_does_not_grow_with_rows():
    assert sum(1 for _ in iter_sheet_rows(io.BytesIO(big_workbook(100_000)), "Data")) == 100_000
    # Bounded: four times the rows, (almost) the same peak of Python allocations. Loading the sheet
    # whole would grow about 4x (one openpyxl cell object per value).
    small, large = peak_while_reading(big_workbook(3_000)), peak_while_reading(big_workbook(12_000))
    assert large < 1.3 * small + 256 * 1024, (small, large)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.booleans())
def test_random_bytes_are_refused_never_crash(data, zip_magic):
    content = (b"PK\x03\x04" + data) if zip_magic else data
    try:
        list(iter_sheet_rows(io.BytesIO(content)))
    except XlsxRejected as exc:
        assert str(exc)


def test_xml_entity_tricks_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        with zipfile.ZipFile(io.BytesIO(workbook())) as real:
            for item in real.infolist():
                zf.writestr(item, real.read(item) if item.filename != "xl/sharedStrings.xml" else laughs)
        if "xl/sharedStrings.xml" not in zf.namelist():
            zf.writestr("xl/sharedStrings.xml", laughs)
    with pytest.raises(XlsxRejected, match="entitas XML yang tidak diizinkan"):
        list(iter_sheet_rows(io.BytesIO(out.getvalue())))


def test_no_two_indicators_of_a_set_share_a_name_and_the_copy_says_whose_it_is():
    from pathlib import Path

    from konvergensi_core.indicators import load_catalogue

    data = Path(__file__).resolve().parents[2] / "src" / "konvergensi" / "data" / "indikator"
    defs = load_catalogue(data)
    for set_ in {d.set for d in defs}:
        names = [d.nama for d in defs if d.set == set_]
        assert len(names) == len(set(names)), set_
    p05 = next(d for d in defs if d.kode == "P05")
    assert p05.nama.endswith("(sama dengan P01 di tabel sumber)") and "P01" in p05.nama_en
