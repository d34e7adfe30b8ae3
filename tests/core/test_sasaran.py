"""Which data sasaran each indicator divides by (``konvergensi_core.sasaran``) and the aggregate-file
reader of data sasaran (``konvergensi_core.io.sasaran``)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from konvergensi_core import sasaran as rules
from konvergensi_core.indicators import DENOMINATOR_BOUND, load_catalogue
from konvergensi_core.io import sasaran as reader

DATA = Path(__file__).resolve().parents[2] / "src" / "konvergensi" / "data" / "indikator"
CATALOGUE = load_catalogue(DATA)
DESA = {"32.11.01.2001": "Cibeureum", "32.11.01.2002": "Sukamaju", "32.11.02.2001": "Tetangga"}


# --- the mapping ------------------------------------------------------------------------------


def test_every_indicator_of_both_sets_is_mapped_or_explicitly_none():
    codes = {d.kode for d in CATALOGUE}
    assert len([d for d in CATALOGUE if d.set == "2025"]) == 31
    assert set(rules.DENOMINATOR) == codes  # nothing missing, nothing invented
    for d in CATALOGUE:
        p = rules.DENOMINATOR[d.kode]
        if d.is_count:
            assert p is None, d.kode  # a count has no denominator
        if p is not None:
            assert p.field in rules.FIELD_NAMES, d.kode


def test_the_new_target_groups_are_the_denominators_of_their_2025_indicators():
    by_group = {d.kode: d.kelompok for d in CATALOGUE if d.set == "2025"}
    fields = {k: rules.DENOMINATOR[k].field for k in by_group if rules.DENOMINATOR[k]}
    assert {fields[k] for k, g in by_group.items() if g == "remaja_putri"} == {"remaja_putri"}
    assert {fields[k] for k, g in by_group.items() if g == "calon_pengantin"} == {"calon_pengantin"}
    assert fields["A05"] == "ibu_nifas" and fields["F01"] == fields["F02"] == "rumah_tangga"
    assert fields["F03"] == "penduduk" and fields["F05"] == "anak_0_17"
    assert rules.DENOMINATOR["C05"] is None and rules.DENOMINATOR["F06"] is None  # count; availability
    # Every 2025 indicator with a percentage and a desa population has a denominator.
    unmapped = {k for k in by_group if rules.DENOMINATOR[k] is None}
    assert unmapped == {"C05", "F06"}


def test_the_2018_bounds_of_before_are_kept():
    for kode, field in {"U01": "ibu_hamil", "U05": "balita", "U09": "baduta", "K03": "balita"}.items():
        assert DENOMINATOR_BOUND[kode] == field


def test_penyebut_text_says_whole_or_part():
    assert rules.penyebut("A02").text == "data sasaran ibu hamil"
    assert rules.penyebut("A01").text == "bagian dari data sasaran ibu hamil"


def test_bounds_follow_the_chain_of_groups_and_use_the_narrowest_filled_count():
    assert rules.bounds("B03") == ("anak_6_23", "baduta", "balita", "anak_0_17", "penduduk")
    assert rules.bounds("C05") == ()
    assert rules.bound_exceeded("B03", 90, {"anak_6_23": 80, "baduta": 100}) == ("anak_6_23", 80)
    assert rules.bound_exceeded("B03", 90, {"anak_6_23": None, "baduta": 100}) is None
    assert rules.bound_exceeded("B03", 120, {"baduta": 100}) == ("baduta", 100)  # fallback to the group
    assert rules.bound_exceeded("B03", 120, {}) is None
    assert rules.bound_exceeded("B03", None, {"baduta": 1}) is None


def test_consistency_finds_every_part_above_its_whole():
    assert rules.consistency({"baduta": 10, "balita": 20, "stunting": 3, "balita_diukur": 18}) == []
    wrong = rules.consistency({"stunting": 30, "balita_diukur": 20, "remaja_putri": 5, "penduduk": 4})
    assert {(p, w) for p, w, _m in wrong} == {("stunting", "balita_diukur"), ("remaja_putri", "penduduk")}
    (sum_rule,) = rules.consistency({"bayi_0_5": 30, "anak_6_23": 80, "baduta": 100})
    assert sum_rule[1] == "baduta" and "110" in sum_rule[2]


def test_feeds_lists_the_indicators_of_each_field():
    feeds = rules.feeds()
    assert feeds["remaja_putri"] == ["U11", "D01", "D02"]
    assert "B06" in feeds["baduta"] and feeds["sangat_pendek"] == []


# --- the aggregate-file reader ------------------------------------------------------------------


def write_csv(path: Path, rows: list[list], sep: str = ";") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=sep).writerows(rows)
    return path


def read(path, **kw):
    kw.setdefault("kabkota", "32.11")
    kw.setdefault("desa", DESA)
    return reader.read_sasaran(path, **kw)


def test_a_clean_csv_with_aliases_and_a_title_line(tmp_path):
    path = write_csv(tmp_path / "s.csv", [
        ["Rekap Dukcapil semester II"],
        ["No", "Kode Desa", "Nama Desa", "Jumlah Remaja Putri", "Catin", "JUMLAH RUMAH TANGGA", "Balita"],
        [1, "3211012001", "Cibeureum", "1.250", 30, 900, ""],
        [2, "32.11.01.2002", "Sukamaju", 80, "-", 700, 150],
        ["", "", "Jumlah", 1330, 30, 1600, 150],
    ])  # fmt: skip
    out = read(path)
    assert out.ok and out.problems == [] and out.header_row == 2
    assert out.columns == {"remaja_putri": "Jumlah Remaja Putri", "calon_pengantin": "Catin",
                           "rumah_tangga": "JUMLAH RUMAH TANGGA", "balita": "Balita"}  # fmt: skip
    assert [(r.desa, r.values, r.row) for r in out.rows] == [
        ("32.11.01.2001", {"remaja_putri": 1250, "calon_pengantin": 30, "rumah_tangga": 900}, 3),
        ("32.11.01.2002", {"remaja_putri": 80, "rumah_tangga": 700, "balita": 150}, 4),
    ]


def test_an_xlsx_is_read_from_its_sasaran_sheet(tmp_path):
    wb = Workbook()
    wb.active.title = "Catatan"
    ws = wb.create_sheet(reader.SHEET)
    ws.append(reader.template_header())
    ws.append(["3211012001", "Cibeureum", "Wado", 5000, 1400])
    wb.save(tmp_path / "s.xlsx")
    out = read(tmp_path / "s.xlsx")
    assert out.ok and out.sheet == "Sasaran"
    assert out.rows[0].values == {"penduduk": 5000, "jumlah_keluarga": 1400}


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (["3210012001", 5, 5], "Kode Desa", "tidak ada di kabupaten/kota 32.11"),
        (["12345", 5, 5], "Kode Desa", "Kode desa tidak sah"),
        (["", 5, 5], "Kode Desa", "Kode desa kosong"),
        (["3211022001", 5, 5], "Kode Desa", "di luar wilayah kerja Anda"),
        (["3211012002", 5, 5], "Kode Desa", "sudah diverifikasi camat dan terkunci"),
        (["3211012001", -3, 5], "Balita Diukur", "tidak boleh negatif"),
        (["3211012001", 2.5, 5], "Balita Diukur", "harus bilangan bulat"),
        (["3211012001", "banyak", 5], "Balita Diukur", "bukan angka"),
        (["3211012001", 10, 11], "Balita Stunting", "tidak boleh lebih dari balita diukur"),
    ],
)
def test_each_bad_row_is_named_by_row_and_column(tmp_path, row, column, fragment):
    path = write_csv(tmp_path / "s.csv", [["Kode Desa", "Balita Diukur", "Balita Stunting"], row])
    out = read(path, writable={"32.11.01.2001", "32.11.01.2002"}, locked={"32.11.01.2002"})
    assert not out.ok
    (problem,) = [p for p in out.problems if p.is_error]
    assert (problem.row, problem.column) == (2, column) and fragment in problem.message


def test_the_same_desa_twice_and_parts_checked_against_what_is_stored(tmp_path):
    path = write_csv(tmp_path / "s.csv", [["Kode Desa", "Balita Stunting"], ["3211012001", 40],
                                          ["32.11.01.2001", 1]])  # fmt: skip
    out = read(path, stored={"32.11.01.2001": {"balita_diukur": 30, "stunting": 5}})
    messages = {(p.row, p.column): p.message for p in out.problems}
    assert "tidak boleh lebih dari balita diukur (30)" in messages[(2, "Balita Stunting")]
    assert "sudah ada di baris 2" in messages[(3, "Kode Desa")]


def test_a_file_without_the_code_column_or_any_count_is_refused(tmp_path):
    out = read(write_csv(tmp_path / "a.csv", [["Desa", "Remaja Putri"], ["A", 1]]))
    assert not out.ok and "Kode Desa" in out.problems[0].message and out.problems[0].row is None
    out = read(write_csv(tmp_path / "b.csv", [["Kode Desa", "Remaja Putri"], ["3211012001", ""]]))
    assert not out.ok and "tidak berisi angka" in out.problems[0].message


def test_an_unknown_column_is_a_warning_only(tmp_path):
    out = read(write_csv(tmp_path / "s.csv", [["Kode Desa", "Remaja Putri", "Lansia"], ["3211012001", 9, 4]]))
    assert out.ok and len(out.rows) == 1
    (warning,) = out.problems
    assert warning.severity == "warning" and "Lansia" in warning.message


def test_diff_tells_new_changed_and_unchanged():
    rows = [reader.SasaranRow("a", {"penduduk": 1}, 2), reader.SasaranRow("b", {"penduduk": 2}, 3),
            reader.SasaranRow("c", {"penduduk": 3}, 4)]  # fmt: skip
    d = reader.diff(rows, {"b": {"penduduk": 2, "balita": 9}, "c": {"penduduk": 4}})
    assert [[r.desa for r in d[k]] for k in ("added", "changed", "unchanged")] == [["a"], ["c"], ["b"]]
