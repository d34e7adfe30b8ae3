"""The penilaian kinerja files (issue 18): RUBRIK.xlsx, NILAI.csv/.xlsx, the default rubric."""

from __future__ import annotations

import io
import zipfile
from fractions import Fraction as F
from pathlib import Path

import pytest
from openpyxl import Workbook

from konvergensi_core.assessment import STAGES, Grade, score
from konvergensi_core.io.assessment import (
    load_default_rubric,
    read_grades,
    read_rubric,
    write_results_xlsx,
    write_rubric_xlsx,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "src" / "konvergensi" / "data" / "penilaian"

INDIKATOR = [
    ["Kode", "Aksi", "Tahap", "Bobot", "Uraian", "Kriteria A", "Kriteria B"],
    ["1.1", 1, "dokumen", 2, "Desa lokus", "100 % lokus tinggi", "≥ 75 %"],
    ["1.2", 1, "Dokumen", "1,5", "Cakupan", None, None],
    ["2.1", 2, "panel", 1, "Paparan", None, None],
]
HURUF = [["Huruf", "Poin"], ["A", 4], ["B", 3], ["C", 2], ["D", 1], ["E", 0]]
TAHAP = [["Tahap", "Bobot"], ["dokumen", "60%"], ["panel", 40]]
KELAS = [["Kelas", "Skor Minimum"], ["Berdaya", 75], ["Bertumbuh", 0], ["Berkembang", 50]]


def workbook(path: Path, **sheets) -> Path:
    data = {"Indikator": INDIKATOR, "Huruf": HURUF, "Tahap": TAHAP, "Kelas": KELAS, **sheets}
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in data.items():
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def csv_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_a_good_rubric(tmp_path):
    rubric, problems = read_rubric(workbook(tmp_path / "RUBRIK.xlsx"))
    assert problems == []
    assert rubric is not None
    assert [(i.kode, i.aksi, i.tahap, i.bobot) for i in rubric.indicators] == [
        ("1.1", 1, "dokumen", F(2)),
        ("1.2", 1, "dokumen", F(3, 2)),
        ("2.1", 2, "panel", F(1)),
    ]
    assert rubric.indicators[0].kriteria == {"A": "100 % lokus tinggi", "B": "≥ 75 %"}
    assert rubric.indicators[1].kriteria == {}
    assert rubric.letters == {"A": F(4), "B": F(3), "C": F(2), "D": F(1), "E": F(0)}
    assert rubric.stages == {"dokumen": F(60), "panel": F(40)}
    assert rubric.classes == (("Bertumbuh", F(0)), ("Berkembang", F(50)), ("Berdaya", F(75)))


def _one(problems, column):
    found = [p for p in problems if p.column == column]
    assert found, problems
    return found[0]


@pytest.mark.parametrize(
    ("sheet", "rows", "row", "column", "value", "words"),
    [
        ("Indikator", [INDIKATOR[0], ["1.1", 1, "dokumen", 0, "x"]], 2, "Bobot", "0", "lebih dari 0"),
        (
            "Indikator",
            [INDIKATOR[0], ["1.1", 1, "lapangan", 1, "x"]],
            2,
            "Tahap",
            "lapangan",
            "tidak dikenal",
        ),
        ("Indikator", [INDIKATOR[0], ["1.1", 9, "dokumen", 1, "x"]], 2, "Aksi", "9", "1 sampai 8"),
        ("Indikator", [INDIKATOR[0], ["1.1", 1, "dokumen", "satu", "x"]], 2, "Bobot", "satu", "bukan angka"),
        ("Indikator", [INDIKATOR[0], INDIKATOR[1], INDIKATOR[1]], 3, "Kode", "1.1", "sudah ada di baris 2"),
        ("Indikator", [INDIKATOR[0], [None, 1, "dokumen", 1, "x"]], 2, "Kode", "", "kosong"),
        (
            "Indikator",
            [[*INDIKATOR[0][:5], "Kriteria Z"], INDIKATOR[1][:5]],
            1,
            "Kriteria Z",
            "Kriteria Z",
            "huruf Z",
        ),
        ("Huruf", [HURUF[0], ["A", 4], ["a", 3]], 3, "Huruf", "A", "sudah ada di baris 2"),
        ("Huruf", [HURUF[0], ["A", -1]], 2, "Poin", "-1", "negatif"),
        ("Tahap", [TAHAP[0], ["dokumen", 1], ["lapangan", 1]], 3, "Tahap", "lapangan", "tidak dikenal"),
        (
            "Kelas",
            [KELAS[0], ["Berdaya", 75], ["Berkembang", 75]],
            3,
            "Skor Minimum",
            "75",
            "sama dengan kelas",
        ),
        ("Kelas", [KELAS[0], ["Berdaya", 120]], 2, "Skor Minimum", "120", "0 sampai 100"),
    ],
)
def test_rubric_problems_name_sheet_row_column_value(tmp_path, sheet, rows, row, column, value, words):
    rubric, problems = read_rubric(workbook(tmp_path / "RUBRIK.xlsx", **{sheet: rows}))
    assert rubric is None
    p = _one(problems, column)
    assert (p.sheet, p.row, p.value) == (sheet, row, value), problems
    assert words in p.message


def test_stage_without_weight_is_refused_on_the_indicator_row(tmp_path):
    rubric, problems = read_rubric(workbook(tmp_path / "R.xlsx", Tahap=[TAHAP[0], ["dokumen", 1]]))
    assert rubric is None
    p = _one(problems, "Tahap")
    assert (p.sheet, p.row, p.value) == ("Indikator", 4, "panel") and "belum diberi bobot" in p.message


def test_missing_sheet_and_missing_columns(tmp_path):
    rubric, problems = read_rubric(workbook(tmp_path / "R.xlsx", Kelas=None))
    assert rubric is None and "Lembar Kelas tidak ada" in problems[0].message
    rubric, problems = read_rubric(workbook(tmp_path / "S.xlsx", Huruf=[["Nama", "Nilai angka"], ["A", 1]]))
    assert rubric is None
    assert problems[0].sheet == "Huruf" and "Huruf, Poin" in problems[0].message


def test_unsafe_or_wrong_files_are_problems_not_exceptions(tmp_path):
    good = workbook(tmp_path / "R.xlsx")
    macro = tmp_path / "M.xlsx"
    macro.write_bytes(good.read_bytes())
    with zipfile.ZipFile(macro, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"evil")
    junk = csv_file(tmp_path / "J.xlsx", "bukan excel")
    for path, words in [
        (macro, "makro"),
        (junk, "bukan Excel"),
        (tmp_path / "none.xlsx", "tidak ditemukan"),
        (csv_file(tmp_path / "R.csv", "Kode\n"), ".xlsx"),
    ]:
        rubric, problems = read_rubric(path)
        assert rubric is None and len(problems) == 1 and words in problems[0].message, (path, problems)
        assert problems[0].row is None


@pytest.fixture
def rubric(tmp_path):
    found, problems = read_rubric(workbook(tmp_path / "RUBRIK.xlsx"))
    assert problems == []
    return found


def test_reads_grades_normalising_codes_and_letters(tmp_path, rubric):
    path = csv_file(
        tmp_path / "NILAI.csv",
        "Nilai penilaian kinerja 2025\nKabkota;Kode;Penilai;Huruf\n3204;1.1;Ani;a\n32.04;1.1;Budi; B \n32.73;2.1;Ani;C\n",
    )
    grades, problems = read_grades(path, rubric, {"32.04", "32.73"})
    assert problems == []
    assert grades == [
        Grade("32.04", "1.1", "Ani", "A"),
        Grade("32.04", "1.1", "Budi", "B"),
        Grade("32.73", "2.1", "Ani", "C"),
    ]


def test_grade_problems_are_all_reported_and_nothing_is_kept(tmp_path, rubric):
    path = csv_file(
        tmp_path / "NILAI.csv",
        "Kabkota,Kode,Penilai,Huruf\n"
        "32.04,1.1,Ani,A\n"  # good, but the file is refused as a whole
        "32.04,1.1,ani,B\n"  # 3: same assessor again
        "99.99,1.1,Ani,A\n"  # 4: not an official district
        "32.04.01,1.1,Ani,A\n"  # 5: a kecamatan
        "32.04,9.9,Ani,A\n"  # 6: unknown indicator
        "32.04,1.2,Ani,F\n"  # 7: unknown letter
        "32.04,1.2,,A\n",  # 8: empty assessor
    )
    grades, problems = read_grades(path, rubric, {"32.04", "32.73"})
    assert grades == []
    where = {(p.row, p.column, p.value) for p in problems}
    assert where == {
        (3, "Penilai", "ani"),
        (4, "Kabkota", "99.99"),
        (5, "Kabkota", "32.04.01"),
        (6, "Kode", "9.9"),
        (7, "Huruf", "F"),
        (8, "Penilai", ""),
    }
    messages = {p.row: p.message for p in problems}
    assert (
        "baris 2" in messages[3] and "daftar resmi" in messages[4] and "tidak ada dalam rubrik" in messages[6]
    )
    assert "pilih A, B, C, D, E" in messages[7] and "kosong" in messages[8]


def test_without_an_official_list_any_district_code_is_accepted(tmp_path, rubric):
    path = csv_file(tmp_path / "NILAI.csv", "Kabkota,Kode,Penilai,Huruf\n99.99,1.1,Ani,A\n")
    grades, problems = read_grades(path, rubric)
    assert problems == [] and grades == [Grade("99.99", "1.1", "Ani", "A")]


def test_grades_from_xlsx_and_missing_columns(tmp_path, rubric):
    wb = Workbook()
    ws = wb.active
    ws.title = "Nilai"
    ws.append(["Kabkota", "Kode", "Penilai", "Huruf"])
    ws.append([3204, "1.1", "Ani", "A"])
    wb.save(tmp_path / "NILAI.xlsx")
    grades, problems = read_grades(tmp_path / "NILAI.xlsx", rubric)
    assert problems == [] and grades == [Grade("32.04", "1.1", "Ani", "A")]
    path = csv_file(tmp_path / "bad.csv", "Kabkota,Kode,Nilai angka\n32.04,1.1,90\n")
    grades, problems = read_grades(path, rubric)
    assert grades == [] and "Kabkota, Kode, Penilai, Huruf" in problems[0].message


def test_default_rubric_is_complete_and_usable():
    rubric = load_default_rubric(DEFAULT)
    assert len(rubric.indicators) == 24
    assert {i.aksi for i in rubric.indicators} == set(range(1, 9))
    assert {i.tahap for i in rubric.indicators} == set(STAGES)
    assert all(set(i.kriteria) == {"A", "B", "C", "D", "E"} for i in rubric.indicators)
    assert rubric.letters == {"A": F(100), "B": F(75), "C": F(50), "D": F(25), "E": F(0)}
    assert [name for name, _ in rubric.classes] == ["Bertumbuh", "Berkembang", "Berdaya"]


def test_rubric_workbook_round_trip(tmp_path):
    rubric = load_default_rubric(DEFAULT)
    path = tmp_path / "RUBRIK.xlsx"
    path.write_bytes(write_rubric_xlsx(rubric))
    again, problems = read_rubric(path)
    assert problems == [] and again == rubric


def test_results_workbook(tmp_path, rubric):
    from openpyxl import load_workbook

    results = score(rubric, [Grade("32.04", "1.1", "Ani", "A")], ["32.73"])
    wb = load_workbook(io.BytesIO(write_results_xlsx(results, {"32.04": "Kabupaten Bandung"})))
    rows = list(wb["Peringkat"].values)
    assert rows[0][:3] == ("Peringkat", "Kode Kab/Kota", "Kabupaten/Kota")
    assert rows[1][:7] == (1, "32.04", "Kabupaten Bandung", 57.14, 0, 34.29, "Bertumbuh")
    assert rows[2][1] == "32.73" and rows[2][7] == "1.1, 1.2, 2.1"
