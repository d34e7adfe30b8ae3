"""The Aksi 2 readers: a Tabel 2.3 plan and the planning/budgeting documents (issue 14)."""

import csv
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from konvergensi_core.io.plan import read_budget_document, read_plan_sheet
from konvergensi_core.plan import GROUPS, RowClass
from konvergensi_core.problems import Problem

PLAN_HEADER = [
    "No",
    "Kode Sub Kegiatan",
    "Program/Kegiatan",
    "Indikator Kinerja",
    "Baseline",
    "Target Kinerja",
    "Satuan",
    "Lokasi",
    "Anggaran",
    "Sumber Pendanaan",
    "OPD",
    "Jadwal",
]


def xlsx(path: Path, rows, sheet="Rencana") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def csv_file(path: Path, rows, delimiter=";", encoding="utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def errors(problems):
    return [p for p in problems if p.is_error]


def test_plan_sheet_with_title_lines_messy_headers_and_totals(tmp_path):
    header = [
        "  no ",
        "KODE SUB  KEGIATAN",
        "program / kegiatan",
        "Indikator Kinerja",
        "Baseline",
        "target kinerja",
    ]
    header += [
        "Satuan",
        "LOKASI",
        "Anggaran (Rp)",
        "Sumber Dana",
        "OPD Penanggung Jawab",
        "Jadwal Pelaksanaan",
    ]
    header += ["Kelompok", "Kelas"]
    rows = [
        ["Tabel 2.3. Rencana Program dan Kegiatan Intervensi Penurunan Stunting Terintegrasi"],
        ["TAHUN ANGGARAN 2026"],
        header,
        [
            "1",
            "1.02.02.2.02.0016",
            "PMT balita",
            "U01",
            40,
            80,
            "%",
            "Desa A; Desa B ;",
            "Rp 1.250.000.000,00",
        ]
        + ["APBD Kab", "Dinas Kesehatan", "Jan–Des", 1, "tetap"],
        ["2", None, "Pelatihan kader", "U02", None, 100, "orang", None, 0, None, "DPMD", "Mar", "4"]
        + ["Kegiatan baru tanpa anggaran"],
        ["3", "", "Forum koordinasi", "", "", "", "", "", 2500000, "", "Bappeda", "", GROUPS[4], ""],
        [None, None, "Sub total 1", None, None, None, None, None, 1252500000],
        [None, None, "Total", None, None, None, None, None, 1252500000],
    ]
    plan, problems = read_plan_sheet(xlsx(tmp_path / "rencana.xlsx", rows))
    assert errors(problems) == []
    assert [r.no for r in plan] == ["1", "2", "3"]
    first = plan[0]
    assert (first.code, first.activity, first.budget, first.locations) == (
        "1.02.02.2.02.0016",
        "PMT balita",
        1_250_000_000,
        ("Desa A", "Desa B"),
    )
    assert (
        first.indicator,
        first.baseline,
        first.target,
        first.unit,
        first.source,
        first.opd,
        first.schedule,
    ) == (
        "U01",
        "40",
        "80",
        "%",
        "APBD Kab",
        "Dinas Kesehatan",
        "Jan–Des",
    )
    assert (first.group, first.row_class) == (1, "tetap")
    assert (plan[1].code, plan[1].budget, plan[1].locations, plan[1].group, plan[1].row_class) == (
        "",
        0,
        (),
        4,
        RowClass.BARU_TANPA_ANGGARAN.value,
    )
    assert plan[2].group == 4 and plan[2].row_class == ""


def test_group_heading_lines_give_their_group(tmp_path):
    rows = [
        PLAN_HEADER,
        ["1", "", GROUPS[1]],
        ["1.1", "", "PMT", "", "", "80", "", "", 100, "", "Dinkes", ""],
        ["2", "", GROUPS[2]],
        ["2.1", "", "Kader", "", "", "10", "", "", 0, "", "DPMD", ""],
    ]
    plan, problems = read_plan_sheet(csv_file(tmp_path / "rencana.csv", rows))
    assert errors(problems) == []
    assert [(r.no, r.group) for r in plan] == [("1.1", 1), ("2.1", 2)]


def test_plan_bad_cells_are_problems_with_sheet_row_and_column(tmp_path):
    rows = [
        ["Judul"],
        PLAN_HEADER + ["Kelompok", "Kelas"],
        ["1", "", "PMT", "", "", "80", "", "", "satu juta", "", "Dinkes", "", "7", "entah"],
        ["2", "1.02", "Kader", "", "", "10", "", "", "-5", "", "DPMD", "", "", ""],
        ["3", "", "", "U01", "", "10", "", "", "", "", "DPMD", "", "", ""],
    ]
    plan, problems = read_plan_sheet(xlsx(tmp_path / "rencana.xlsx", rows, sheet="Tabel 2.3"))
    found = {(p.sheet, p.row, p.column, p.value, p.severity) for p in problems}
    assert ("Tabel 2.3", 3, "Anggaran", "satu juta", "error") in found
    assert ("Tabel 2.3", 3, "Kelompok", "7", "error") in found
    assert ("Tabel 2.3", 3, "Kelas", "entah", "error") in found
    assert ("Tabel 2.3", 4, "Anggaran", "-5", "error") in found
    assert ("Tabel 2.3", 4, "Kode Sub Kegiatan", "1.02", "warning") in found
    assert ("Tabel 2.3", 5, "Program/Kegiatan", "", "error") in found
    negative = next(p for p in problems if p.value == "-5")
    assert negative.message == "anggaran tidak boleh negatif"
    assert [r.no for r in plan] == ["1", "2"] and plan[0].budget is None


def test_plan_without_activity_column_is_refused_with_the_columns_named(tmp_path):
    plan, problems = read_plan_sheet(csv_file(tmp_path / "x.csv", [["Nama", "Umur"], ["a", 1]]))
    assert plan == [] and len(problems) == 1
    p = problems[0]
    assert p.row is None and p.is_error and "Program/Kegiatan" in p.message and "Nama, Umur" in p.message


def test_unreadable_files_are_problems_not_exceptions(tmp_path):
    for path, words in [
        (tmp_path / "missing.xlsx", "tidak ditemukan"),
        (tmp_path / "empty.csv", "kosong"),
        (tmp_path / "x.pdf", ".pdf"),
        (tmp_path / "bad.xlsx", "Excel"),
    ]:
        if path.name == "empty.csv":
            path.write_bytes(b"")
        elif path.name in ("x.pdf", "bad.xlsx"):
            path.write_bytes(b"not a spreadsheet at all")
        rows, problems = read_plan_sheet(path)
        assert rows == [] and len(errors(problems)) == 1 and words in problems[0].message, path
        rows2, problems2 = read_budget_document(path, document="renja")
        assert rows2 == [] and errors(problems2)


DOC_ROWS = [
    ["PEMERINTAH KABUPATEN CONTOH"],
    ["RENCANA KERJA PERANGKAT DAERAH TAHUN 2026"],
    [],
    ["Pagu Indikatif (Rp)", "SKPD", "Sub Kegiatan", "Kode", "Tolok Ukur", "Target", "Satuan", "Lokasi"],
    [
        "Rp 2.000.000.000,00",
        "Dinas Kesehatan",
        "Program Pemenuhan Upaya Kesehatan",
        "1.02.02",
        "",
        "",
        "",
        "",
    ],
    [
        "1.250.000.000",
        "Dinas Kesehatan",
        "PMT Balita",
        "1.02.02.2.02.0016",
        "balita",
        "80",
        "%",
        "Desa A; Desa B",
    ],
    [750000000, "Dinas Kesehatan", "Lain", "1.02.02.2.02.0017", "", "", "", ""],
    [2000000000, "", "Jumlah", "", "", "", "", ""],
]


def test_budget_document_sipd_synonyms_title_lines_parent_lines_and_totals(tmp_path):
    for path in (
        xlsx(tmp_path / "renja.xlsx", DOC_ROWS, sheet="Renja"),
        csv_file(tmp_path / "renja.csv", DOC_ROWS, ","),
    ):
        lines, problems = read_budget_document(path, document="renja")
        assert errors(problems) == [], path
        assert [(d.code, d.name, d.opd, d.pagu, d.row) for d in lines] == [
            ("1.02.02.2.02.0016", "PMT Balita", "Dinas Kesehatan", 1_250_000_000, 6),
            ("1.02.02.2.02.0017", "Lain", "Dinas Kesehatan", 750_000_000, 7),
        ], path
        assert (lines[0].indicator, lines[0].target, lines[0].unit, lines[0].locations) == (
            "balita",
            "80",
            "%",
            ("Desa A", "Desa B"),
        )
        assert lines[0].sheet == ("Renja" if path.suffix == ".xlsx" else "")


def test_budget_document_csv_in_windows_encoding(tmp_path):
    rows = [
        ["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Perangkat Daerah", "Pagu"],
        ["", "Penyuluhan gizi – ibu", "Dinkes", "1.000"],
    ]
    lines, problems = read_budget_document(
        csv_file(tmp_path / "a.csv", rows, encoding="cp1252"), document="apbd"
    )
    assert errors(problems) == [] and lines[0].name == "Penyuluhan gizi – ibu" and lines[0].pagu == 1000


def test_budget_document_bad_pagu_and_missing_columns(tmp_path):
    rows = [
        ["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Pagu"],
        ["1.02.02.2.02.0016", "PMT", "banyak"],
        ["", "", "", ""],
    ]
    lines, problems = read_budget_document(csv_file(tmp_path / "a.csv", rows), document="apbd")
    assert [(p.sheet, p.row, p.column, p.value) for p in errors(problems)] == [("", 2, "Pagu", "banyak")]
    assert lines[0].pagu is None
    lines, problems = read_budget_document(
        csv_file(tmp_path / "b.csv", [["Kode", "Nama"], ["1", "x"]]), document="apbd"
    )
    assert lines == [] and "APBD" in problems[0].message and "pagu" in problems[0].message


CELL = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["Rp 1.000,00", "1,250", "-", "Total", "1.02.02.2.02.0016", ";;", "=1+1"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=1, max_size=9), max_size=6), st.booleans())
def test_any_cell_content_gives_problems_never_an_exception(tmp_path, body, as_xlsx):
    rows = [PLAN_HEADER, *body]
    doc = [["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Perangkat Daerah", "Pagu", "Lokasi"], *body]
    if as_xlsx:
        clean = [
            [c if not isinstance(c, str) else "".join(ch for ch in c if ch.isprintable()) for c in r]
            for r in rows
        ]
        plan_path = xlsx(tmp_path / "p.xlsx", clean)
        doc_path = xlsx(tmp_path / "d.xlsx", [doc[0], *clean[1:]])
    else:
        plan_path = csv_file(tmp_path / "p.csv", rows)
        doc_path = csv_file(tmp_path / "d.csv", doc)
    for reader in (read_plan_sheet, lambda p: read_budget_document(p, document="rkpd")):
        for path in (plan_path, doc_path):
            out, problems = reader(path)
            assert all(isinstance(p, Problem) and p.message for p in problems)
            assert all(p.row is None or p.row >= 1 for p in problems)
