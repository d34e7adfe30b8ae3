"""The budget reader and the Excel template (issue 15)."""

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from konvergensi_core.budget import CATEGORIES, COLUMNS, SOURCES, TARGET_GROUPS, BudgetLine, summary, validate
from konvergensi_core.io.budget import read_budget, read_budget_file
from konvergensi_core.io.budget_xlsx import write_template

HEADER = list(COLUMNS.values())
GOOD = [
    "1.02.02.2.02.0016",
    "Pemberian Makanan Tambahan",
    "Dinas Kesehatan",
    "BOK",
    "Rp 1.250.000.000,00",
    "100.000.000",
    "",
    "250000000",
    "",
    "Spesifik",
    "Ibu hamil; balita",
    "U01; U02",
    "3211010001; 3211010002",
    "ya",
]


def xlsx(path: Path, rows, sheet="Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def csv_file(path: Path, rows, delimiter=";") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def errors(problems):
    return [p for p in problems if p.is_error]


def test_template_columns_with_title_lines_and_rupiah_text(tmp_path):
    path = csv_file(tmp_path / "a.csv", [["Anggaran stunting 2026"], [], HEADER, GOOD])
    lines, problems = read_budget_file(path)
    assert problems == []
    (line,) = lines
    assert line == BudgetLine(
        code="1.02.02.2.02.0016",
        name="Pemberian Makanan Tambahan",
        opd="Dinas Kesehatan",
        source="DAK non-fisik",
        pagu=1_250_000_000,
        realisasi=(100_000_000, None, 250_000_000, None),
        category="spesifik",
        target_groups=("ibu_hamil", "balita"),
        indicators=("U01", "U02"),
        locations=("3211010001", "3211010002"),
        direct=True,
        sheet="",
        row=4,  # the empty line counts, as a spreadsheet shows it
    )


def test_messy_headers_in_any_order_and_sipd_synonyms(tmp_path):
    header = [
        "SKPD",
        "Pagu Anggaran (Rp)",
        "KODE  SUB KEGIATAN",
        "Sub Kegiatan",
        "sumber-dana",
        "Realisasi TW I",
        "Triwulan 2",
        "realisasi tw3 (rp)",
        "Q4",
        "kategori intervensi",
        "Kelompok Sasaran",
        "Langsung ke Sasaran?",
    ]
    row = [
        "Dinas PUPR",
        1000,
        "1.03.03.2.01.0005",
        "Air minum",
        "DAK Fisik",
        100,
        200,
        300,
        400,
        "sensitif",
        "keluarga",
        "tidak",
    ]
    path = xlsx(tmp_path / "sipd.xlsx", [["Laporan SIPD"], header, row])
    read = read_budget(path)
    assert errors(read.problems) == []
    (line,) = read.lines
    assert (line.opd, line.pagu, line.realisasi, line.source, line.direct) == (
        "Dinas PUPR",
        1000,
        (100, 200, 300, 400),
        "DAK fisik",
        False,
    )
    assert line.locations == () and line.row == 3 and line.sheet == "Sheet1"
    assert read.columns["tw1"] == "Realisasi TW I" and read.columns["pagu"] == "Pagu Anggaran (Rp)"
    absent = [p for p in read.problems if not p.is_error]
    assert len(absent) == 1 and "Indikator" in absent[0].message and "Lokasi" in absent[0].message


def test_sipd_hierarchy_and_total_lines_are_skipped(tmp_path):
    rows = [
        ["Kode", "Uraian", "SKPD", "Sumber Dana", "Anggaran", "Kategori"],
        ["1.02.02", "Program Pemenuhan Upaya Kesehatan", "Dinas Kesehatan", "", "3.000", ""],
        ["1.02.02.2.02", "Kegiatan …", "Dinas Kesehatan", "", "3.000", ""],
        ["1.02.02.2.02.0016", "PMT", "Dinas Kesehatan", "DAU", "1.000", "spesifik"],
        ["1.02.02.2.02.0017", "Posyandu", "Dinas Kesehatan", "DAU", "2.000", "spesifik"],
        ["", "Jumlah", "", "", "3.000", ""],
    ]
    lines, problems = read_budget_file(csv_file(tmp_path / "h.csv", rows, delimiter=","))
    assert errors(problems) == []
    assert [x.pagu for x in lines] == [1000, 2000]


def test_every_refusal_names_row_column_and_says_why_in_indonesian(tmp_path):
    def row(**changes):
        values = dict(zip(COLUMNS, GOOD, strict=True))
        values.update(changes)
        return list(values.values())

    rows = [
        HEADER,
        row(code="1.02.02.16"),  # 2
        row(category="penting"),  # 3
        row(groups="balita; lansia"),  # 4
        row(source="APBN"),  # 5
        row(pagu="-5"),  # 6
        row(tw2="(1.000)"),  # 7
        row(pagu="1.000", tw1="600", tw3="500"),  # 8: TW1+TW3 > pagu
        row(pagu="satu juta"),  # 9
        row(name=""),  # 10
        row(pagu=""),  # 11
        row(direct="mungkin"),  # 12
        row(opd="", category=""),  # 13: two problems
        GOOD,  # 14
    ]
    lines, problems = read_budget_file(csv_file(tmp_path / "bad.csv", rows))
    assert [x.row for x in lines] == [14]
    found = [(p.row, p.column) for p in problems]
    assert found == [
        (2, "Kode Sub Kegiatan"),
        (3, "Kategori"),
        (4, "Kelompok Sasaran"),
        (5, "Sumber Dana"),
        (6, "Pagu"),
        (7, "Realisasi TW2"),
        (8, "Realisasi TW3"),
        (9, "Pagu"),
        (10, "Nama Sub Kegiatan"),
        (11, "Pagu"),
        (12, "Langsung ke Sasaran"),
        (13, "Perangkat Daerah"),
        (13, "Kategori"),
    ]
    assert all(p.is_error and p.reject and p.sheet == "" for p in problems)
    by_row = {p.row: p for p in problems}
    assert "U.BB.PP.K.KK.SSSS" in by_row[2].message
    assert "lansia" in by_row[4].message and "remaja_putri" in by_row[4].message
    assert "DAK non-fisik" in by_row[5].message
    assert by_row[6].message == "anggaran tidak boleh negatif"
    assert by_row[7].message == "realisasi tidak boleh negatif"
    assert "melebihi pagu" in by_row[8].message and "Rp 1.100" in by_row[8].message
    assert "bukan nilai Rupiah" in by_row[9].message
    assert by_row[11].message == "Pagu kosong"
    assert by_row[10].value == ""


def test_a_file_without_the_required_columns_is_refused_whole(tmp_path):
    path = csv_file(tmp_path / "x.csv", [["Nama", "Umur"], ["a", "1"]])
    lines, problems = read_budget_file(path)
    assert lines == [] and len(problems) == 1
    assert (
        problems[0].row is None
        and "Kode Sub Kegiatan" in problems[0].message
        and "Nama, Umur" in problems[0].message
    )
    path = csv_file(
        tmp_path / "y.csv", [["Kode Sub Kegiatan", "Pagu", "SKPD"], ["1.02.02.2.02.0016", "5", "D"]]
    )
    lines, problems = read_budget_file(path)
    assert lines == [] and "Nama Sub Kegiatan, Sumber Dana" in problems[0].message


def test_missing_or_odd_files_are_problems_not_exceptions(tmp_path):
    assert read_budget_file(tmp_path / "none.csv")[1][0].message.startswith("Berkas tidak ditemukan")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    assert read_budget_file(tmp_path / "x.pdf")[0] == []
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    lines, problems = read_budget_file(tmp_path / "bad.xlsx")
    assert lines == [] and problems and "Excel" in problems[0].message


def test_the_catalogue_category_fills_an_empty_kategori(tmp_path):
    rows = [HEADER[:5], ["1.02.02.2.02.0016", "PMT", "Dinkes", "PAD", "10"]]
    path = csv_file(tmp_path / "c.csv", rows)
    assert [p.column for p in errors(read_budget_file(path)[1])] == ["Kategori"]
    read = read_budget(path, categories={"1.02.02.2.02.0016": "sensitif"})
    assert errors(read.problems) == [] and read.lines[0].category == "sensitif"


def test_reader_and_validate_together_name_the_file_columns(tmp_path):
    header = [*HEADER[:12], "Lokasi Desa", HEADER[13]]
    rows = [header, GOOD, GOOD]
    read = read_budget(csv_file(tmp_path / "d.csv", rows))
    problems = validate(read.lines, desa_codes=["3211010001"], columns=read.columns)
    assert [(p.row, p.column) for p in problems] == [
        (2, "Lokasi Desa"),
        (3, "Lokasi Desa"),
        (3, "Kode Sub Kegiatan"),
    ]


# --- the template --------------------------------------------------------------------------------

LINES = [
    BudgetLine(
        code="1.02.02.2.02.0016",
        name="Pemberian Makanan Tambahan",
        opd="Dinas Kesehatan",
        source="DAK non-fisik",
        pagu=1_250_000_000,
        realisasi=(100_000_000, None, 0, None),
        category="spesifik",
        target_groups=("ibu_hamil", "balita"),
        indicators=("U01",),
        locations=("3211010001", "3211010002"),
        direct=True,
    ),
    BudgetLine(
        code="2.08.02.2.01.0003",
        name="Kampanye 1000 HPK",
        opd="DP2KB",
        source="PAD",
        pagu=0,
        realisasi=(None, None, None, None),
        category="pendamping",
        target_groups=(),
        indicators=(),
        locations=(),
        direct=False,
    ),
]


def _stripped(lines):
    return [x.values for x in lines]


def test_template_round_trip_lists_and_instructions(tmp_path):
    out = tmp_path / "t.xlsx"
    write_template(
        out,
        kabkota_name="Kabupaten Sumedang",
        tahun=2026,
        stage="perubahan",
        lines=LINES,
        opds=["Dinas Kesehatan", "DP2KB"],
        desa=[("3211010001", "Cimungkal")],
        indicators=[("U01", "Cakupan ibu hamil KEK mendapat PMT")],
    )
    lines, problems = read_budget_file(out)
    assert problems == []
    assert _stripped(lines) == _stripped(LINES)
    assert [x.row for x in lines] == [4, 5] and lines[0].sheet == "Anggaran"

    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Anggaran" and "Petunjuk" in wb.sheetnames
    ws = wb["Anggaran"]
    assert [c.value for c in ws[3]] == HEADER
    assert "APBD perubahan" in ws["A2"].value and "Sumedang" in ws["A1"].value
    formulas = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert set(formulas) >= {"C", "D", "J", "N"}  # OPD, Sumber Dana, Kategori, Langsung ke Sasaran
    daftar = wb["Daftar"]
    assert daftar.sheet_state == "hidden"
    listed = lambda col: [c.value for c in daftar[col][1:] if c.value is not None]  # noqa: E731
    assert listed("A") == list(CATEGORIES) and listed("B") == list(SOURCES)
    assert listed("C") == ["ya", "tidak"] and listed("D") == ["Dinas Kesehatan", "DP2KB"]
    help_text = [c.value for row in wb["Petunjuk"].iter_rows() for c in row if c.value]
    for expected in [*TARGET_GROUPS, "3211010001", "Cimungkal", "U01", *SOURCES]:
        assert expected in help_text


def test_empty_template_reads_as_nothing_to_import(tmp_path):
    buffer = io.BytesIO()
    write_template(buffer, kabkota_name="Kota X", tahun=2026, stage="murni")
    out = tmp_path / "e.xlsx"
    out.write_bytes(buffer.getvalue())
    lines, problems = read_budget_file(out)
    assert lines == [] and len(problems) == 1 and "tidak berisi baris anggaran" in problems[0].message


text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789().,/", min_size=1, max_size=40
).filter(lambda s: s.strip())


@st.composite
def budget_lines(draw):
    pagu = draw(st.integers(0, 10**14))
    quarters, left = [], pagu
    for _ in range(4):
        q = draw(st.none() | st.integers(0, left))
        left -= q or 0
        quarters.append(q)
    return BudgetLine(
        code=f"{draw(st.integers(1, 9))}.0{draw(st.integers(1, 9))}.02.2.02.{draw(st.integers(1, 9999)):04d}",
        name=" ".join(draw(names).split()),
        opd=" ".join(draw(names).split()),
        source=draw(st.sampled_from(SOURCES)),
        pagu=pagu,
        realisasi=tuple(quarters),
        category=draw(st.sampled_from(CATEGORIES)),
        target_groups=tuple(g for g in TARGET_GROUPS if g in draw(st.sets(st.sampled_from(TARGET_GROUPS)))),
        indicators=tuple(draw(st.lists(st.sampled_from(["U01", "U02", "S10"]), unique=True))),
        locations=tuple(
            draw(st.lists(st.from_regex(r"32110[12]000[1-9]", fullmatch=True), unique=True, max_size=3))
        ),
        direct=draw(st.booleans()),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(budget_lines(), min_size=1, max_size=8))
def test_any_lines_survive_the_template_round_trip(tmp_path, lines):
    out = tmp_path / "rt.xlsx"
    write_template(out, kabkota_name="K", tahun=2026, stage="murni", lines=lines)
    got, problems = read_budget_file(out)
    assert problems == []
    assert _stripped(got) == _stripped(lines)
    assert summary(got) == summary(lines)


cells = st.one_of(
    text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=6))
def test_no_cell_makes_the_reader_raise(tmp_path, rows):
    path = xlsx(tmp_path / "any.xlsx", [HEADER, *[[v if v is not None else "" for v in r] for r in rows]])
    lines, problems = read_budget_file(path)
    for p in problems:
        assert p.message and (p.row is None or p.row >= 2)
    for line in lines:
        assert line.pagu >= 0 and line.realised <= line.pagu and line.category in CATEGORIES
    csv_path = csv_file(
        tmp_path / "any.csv", [HEADER, *[["" if v is None else str(v) for v in r] for r in rows]]
    )
    read_budget_file(csv_path)
