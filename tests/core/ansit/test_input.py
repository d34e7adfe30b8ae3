"""Reading situation-analysis spreadsheets: CSV dialects, XLSX, messy headers, every bad value."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from konvergensi_core.ansit import Level
from konvergensi_core.io.ansit_input import parse_number, read_hotspot_file, read_lokus_file


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("12,5", False, (12.5, None)),
        ("12.5", False, (12.5, None)),
        ("12,5 %", False, (12.5, None)),
        ("1.250", True, (1250.0, None)),
        ("1.250", False, (1.25, None)),
        ("1.234,5", False, (1234.5, None)),
        ("1,234.5", False, (1234.5, None)),
        ("-", False, (None, None)),
        ("", False, (None, None)),
        ("  ", False, (None, None)),
        ("abc", False, (None, "bukan angka")),
        ("nan", False, (None, "bukan angka")),
        ("inf", False, (None, "bukan angka")),
        ("1,2,3", False, (None, "bukan angka")),
        (True, False, (None, "bukan angka")),
        (7, True, (7.0, None)),
    ],
)
def test_numbers_as_indonesian_spreadsheets_write_them(text, count, expected):
    assert parse_number(text, count=count) == expected


def test_semicolon_csv_with_bom_decimal_comma_and_indonesian_headers(tmp_path):
    path = write(
        tmp_path / "sebaran.csv",
        "\ufeffNo;Nama Kecamatan;Jumlah Kasus Stunting;Balita Diukur;Prevalensi (%)\n"
        "1;Wado;10;100;10,0\n2;Jatinunggal;30;200;\n3;Darmaraja;;;12,5\n",
    )
    data = read_hotspot_file(path, level="kecamatan")
    assert data.ok and data.problems == []
    assert data.level is Level.KECAMATAN
    assert data.units == ["Wado", "Jatinunggal", "Darmaraja"]
    assert data.cases == [10, 30, None] and data.measured == [100, 200, None]
    assert data.prevalence == [10.0, None, 12.5]
    assert data.rows == [2, 3, 4]
    assert data.columns["cases"] == "Jumlah Kasus Stunting"


def test_comma_csv_with_quoted_decimal_commas_and_upper_case_headers(tmp_path):
    path = write(tmp_path / "a.csv", 'DESA,KASUS,PERSEN\nCimungkal,3,"4,5"\nSukamaju,1,2\n')
    data = read_hotspot_file(path)
    assert data.ok and data.prevalence == [4.5, 2.0]


def test_an_unquoted_decimal_comma_in_a_comma_csv_is_reported_with_advice(tmp_path):
    path = write(tmp_path / "a.csv", "Desa,Kasus,Prevalensi\nCimungkal,3,4,5\n")
    data = read_hotspot_file(path)
    assert not data.ok and "titik koma" in data.problems[0].message and data.problems[0].row == 2


def test_every_bad_value_is_a_problem_with_row_column_and_value(tmp_path):
    path = write(
        tmp_path / "buruk.csv",
        "Desa;Kasus;Diukur;Prevalensi\n"
        "A;x;10;\n"  # row 2: not a number
        "B;-1;10;\n"  # row 3: negative
        "C;1;10;101\n"  # row 4: prevalence over 100 (and a disagreeing prevalence is a warning only)
        "D;20;10;\n"  # row 5: cases > measured
        "A;1;10;\n"  # row 6: duplicate
        "E;1,5;10;\n"  # row 7: not a whole number
        ";1;10;\n",  # row 8: no unit
    )
    data = read_hotspot_file(path)
    found = {(p.row, p.column, p.value): p.message for p in data.problems if p.severity == "error"}
    assert found[(2, "Kasus", "x")] == "bukan angka"
    assert found[(3, "Kasus", "-1")] == "tidak boleh negatif"
    assert "100 %" in found[(4, "Prevalensi", "101")]
    assert "lebih besar dari jumlah anak diukur" in found[(5, "Kasus", "20")]
    assert "pertama di baris 2" in found[(6, "Desa", "A")]
    assert "bilangan bulat" in found[(7, "Kasus", "1.5")]
    assert "kosong" in found[(8, "Desa", "")]
    assert not data.ok and data.units == ["A", "B", "C", "D", "E"]


def test_xlsx_with_a_title_row_numbers_and_a_total_row(tmp_path):
    path = xlsx(
        tmp_path / "sebaran.xlsx",
        [
            ["Data stunting Kabupaten Sumedang 2024"],
            [],
            ["Kode Desa", "Nama Desa", "Jumlah Kasus", "Jumlah Diukur", "Prevalensi"],
            ["32.11.01.2001", "Cimungkal", 4, 50, 8],
            ["32.11.01.2002", "Sukamaju", 10, 40, None],
            ["Jumlah", None, 14, 90, None],
        ],
    )
    data = read_hotspot_file(path)
    assert data.ok and data.units == ["32.11.01.2001", "32.11.01.2002"]
    assert data.names == ["Cimungkal", "Sukamaju"] and data.rows == [4, 5]
    assert any("total" in p.message and p.severity == "warning" for p in data.problems)


def test_the_unit_column_of_the_requested_level_is_preferred(tmp_path):
    path = write(tmp_path / "a.csv", "Kecamatan;Puskesmas;Kasus;Prevalensi\nWado;PKM Wado;3;4\n")
    assert read_hotspot_file(path, level="puskesmas").units == ["PKM Wado"]
    assert read_hotspot_file(path, level="kecamatan").units == ["Wado"]
    fallback = read_hotspot_file(path, level="desa")
    assert fallback.units == ["Wado"] and any(p.severity == "warning" for p in fallback.problems)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("gambar.png", b"\x89PNG\r\n\x1a\n\x00\x00", "tidak dikenal"),
        ("data.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "bukan CSV"),
        ("data.csv", "Desa;Kasus\nCimahi;1\n".encode("cp1252") + b"\xe9\n", "UTF-8"),
        ("data.xlsx", b"Desa;Kasus\n", "bukan Excel"),
        ("data.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
        ("kosong.csv", b"", "kosong"),
        ("judul.csv", b"Nama;Alamat\n", "tidak berisi data"),
        ("lain.csv", b"Umur;Berat\n1;2\n", "Kolom wilayah tidak ditemukan"),
    ],
)
def test_a_file_that_is_not_a_usable_spreadsheet_is_one_clear_problem(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    data = read_hotspot_file(path)
    assert not data.ok and message in data.problems[0].message


def test_a_missing_file_and_missing_figure_columns_are_problems(tmp_path):
    assert "tidak ditemukan" in read_hotspot_file(tmp_path / "tidak-ada.csv").problems[0].message
    data = read_hotspot_file(write(tmp_path / "a.csv", "Desa;Diukur\nA;10\n"))
    assert not data.ok and "kasus atau prevalensi" in data.problems[-1].message


def test_lokus_file_finds_indicator_columns_by_code_or_by_numbers(tmp_path):
    path = write(
        tmp_path / "lokus.csv",
        "No;Kode Desa;Desa;Kecamatan;Kasus;Prevalensi;U01 Cakupan K4;u02;Imunisasi dasar;Jumlah Balita;"
        "Keterangan;Biaya\n"
        "1;32.11.01.2001;Cimungkal;Wado;3;12,5;40;60;70,5;100;baik;5\n"
        "2;32.11.01.2002;Sukamaju;Wado;1;8;95;-;-3;120;;7\n",
    )
    data = read_lokus_file(path)
    assert list(data.coverage) == ["U01", "U02", "Imunisasi dasar"]
    assert data.indicator_labels["U01"] == "U01 Cakupan K4"
    assert data.coverage["U01"] == [40, 95] and data.coverage["U02"] == [60, None]
    assert data.coverage["Imunisasi dasar"] == [70.5, None]  # -3 is a problem
    assert data.cost == [5, 7] and data.units == ["32.11.01.2001", "32.11.01.2002"]
    errors = [(p.row, p.column) for p in data.problems if p.severity == "error"]
    assert errors == [(3, "Imunisasi dasar")]


def test_lokus_file_without_indicators_or_cases_warns_which_criteria_cannot_be_assessed(tmp_path):
    data = read_lokus_file(write(tmp_path / "a.csv", "Desa;Prevalensi\nA;10\n"))
    assert data.ok
    messages = " ".join(p.message for p in data.problems)
    assert "kriteria 3" in messages and "kriteria 2" in messages


cell = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
    st.sampled_from(["", "-", "12,5", "1.250", "1e5", "-4", "100,1", "nan", '"', ";", ","]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(["Desa", "Kasus", "Diukur", "Prevalensi", "U01", "Lain", ""]), min_size=1, max_size=6
    ),
    st.lists(st.lists(cell, max_size=7), max_size=6),
    st.sampled_from([";", ",", "\t"]),
)
def test_any_csv_content_gives_values_or_problems_never_an_exception(tmp_path, headers, rows, sep):
    text = sep.join(headers) + "\n" + "\n".join(sep.join(r) for r in rows)
    path = write(tmp_path / "acak.csv", text)
    for reader in (read_hotspot_file, read_lokus_file):
        data = reader(path)
        assert data.ok or data.problems
        assert len(data.units) == len(data.rows)
