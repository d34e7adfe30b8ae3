"""e-PPGBM exports: header recognition, every row check with its row, column and message, z-scores."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from konvergensi_core.eppgbm import FIELDS, parse_export, recognise_headers
from konvergensi_core.growth import categories as cat
from konvergensi_core.growth import zscores

TODAY = date(2025, 9, 1)
HEADERS = (
    "No NIK Nama JK|Tgl Lahir|BB Lahir|TB Lahir|Nama Ortu|Prov|Kab/Kota|Kec|Pukesmas|Desa/Kel|Posyandu|RT|RW|"
    "Alamat|Usia Saat Ukur|Tanggal Pengukuran|Berat|Tinggi|Cara Ukur|LiLA|Lingkar Kepala|BB/U|ZS BB/U|TB/U|"
    "ZS TB/U|BB/TB|ZS BB/TB|Naik Berat Badan"
)
EXPORT_HEADERS = ["No", "NIK", "Nama", "JK", *HEADERS.split("|")[1:]]
GOOD = {
    "No": "1",
    "NIK": "3211011505230001",
    "Nama": "ANAK SATU",
    "JK": "L",
    "Tgl Lahir": "2023-05-15",
    "BB Lahir": "3,1",
    "TB Lahir": "49",
    "Nama Ortu": "IBU SATU",
    "Prov": "JAWA BARAT",
    "Kab/Kota": "SUMEDANG",
    "Kec": "WADO",
    "Pukesmas": "WADO",
    "Desa/Kel": "CIMUNGKAL",
    "Posyandu": "MAWAR",
    "RT": "001",
    "RW": "002",
    "Alamat": "DUSUN SATU",
    "Usia Saat Ukur": "2 Tahun - 3 Bulan - 0 Hari",
    "Tanggal Pengukuran": "2025-08-15",
    "Berat": "11,2",
    "Tinggi": "84,5",
    "Cara Ukur": "Berdiri",
    "LiLA": "14,5",
    "Lingkar Kepala": "47",
    "BB/U": "Berat Badan Normal",
    "ZS BB/U": "-0,9",
    "TB/U": "Pendek",
    "ZS TB/U": "-2,1",
    "BB/TB": "Gizi Baik",
    "ZS BB/TB": "0,1",
    "Naik Berat Badan": "N",
}


def export(*changes: dict) -> pl.DataFrame:
    """One good row per change, each changed as given (None = empty cell)."""
    rows = [{**GOOD, **change} for change in changes]
    return pl.DataFrame(
        {h: [None if r[h] is None else str(r[h]) for r in rows] for h in EXPORT_HEADERS},
        schema=dict.fromkeys(EXPORT_HEADERS, pl.String),
    )


def parse(*changes: dict, **kwargs):
    return parse_export(export(*changes), kabkota="32.11", today=TODAY, **kwargs)


def problems_of(parsed, row: int = 2) -> list[tuple[str, str, str, str]]:
    p = parsed.problems.filter(pl.col("row") == row)
    return [(r["code"], r["column"], r["value"], r["severity"]) for r in p.iter_rows(named=True)]


def message(parsed, code: str) -> str:
    return parsed.problems.filter(pl.col("code") == code).item(0, "message")


# ---- headers ----------------------------------------------------------------------------------


def test_every_column_of_the_export_is_recognised_in_any_order():
    shuffled = EXPORT_HEADERS.copy()
    random.Random(7).shuffle(shuffled)
    columns = recognise_headers(shuffled)
    assert columns.unknown == ()
    f = columns.fields
    assert f["nik"] == "NIK" and f["nama"] == "Nama" and f["sex"] == "JK" and f["birth_date"] == "Tgl Lahir"
    assert (
        f["birth_weight"] == "BB Lahir" and f["birth_length"] == "TB Lahir" and f["nama_ortu"] == "Nama Ortu"
    )
    assert f["provinsi"] == "Prov" and f["kabkota"] == "Kab/Kota" and f["kecamatan"] == "Kec"
    assert f["puskesmas"] == "Pukesmas" and f["desa"] == "Desa/Kel" and f["posyandu"] == "Posyandu"
    assert f["rt"] == "RT" and f["rw"] == "RW" and f["alamat"] == "Alamat" and f["age"] == "Usia Saat Ukur"
    assert f["visit_date"] == "Tanggal Pengukuran" and f["weight"] == "Berat" and f["lenhei"] == "Tinggi"
    assert f["measure"] == "Cara Ukur" and f["lila"] == "LiLA" and f["head_circumference"] == "Lingkar Kepala"
    assert f["weight_gain"] == "Naik Berat Badan" and f["zs_bbu"] == "ZS BB/U" and f["status_bbu"] == "BB/U"
    assert f["zs_tbu"] == "ZS TB/U" and f["zs_bbtb"] == "ZS BB/TB" and f["status_bbtb"] == "BB/TB"
    assert "No" not in f.values()  # known and ignored


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Tgl. Lahir", "birth_date"),
        ("TANGGAL LAHIR", "birth_date"),
        ("Tgl_Lahir", "birth_date"),
        ("tanggal_lahir", "birth_date"),
        ("Desa/Kelurahan", "desa"),
        ("Kelurahan/Desa", "desa"),
        ("DESA / KEL.", "desa"),
        ("Nama Anak", "nama"),
        ("Nama Balita", "nama"),
        ("NAMA ORANG TUA", "nama_ortu"),
        ("Jenis Kelamin (L/P)", "sex"),
        ("Berat (kg)", "weight"),
        ("BB (Kg)", "weight"),
        ("Tinggi Badan (cm)", "lenhei"),
        ("TB/PB", "lenhei"),
        ("Tgl. Pengukuran", "visit_date"),
        ("Tanggal Pengukran", "visit_date"),  # a typo: by similarity
        ("Kecamatan", "kecamatan"),
        ("Puskesmas", "puskesmas"),
        ("Umur (bulan)", "age"),
        ("Lingkar Lengan Atas", "lila"),
        ("Kode Desa", "desa_kode"),
    ],
)
def test_spelling_variants_of_a_header_are_recognised(header, field):
    assert recognise_headers([header]).fields == {field: header}


def test_look_alike_headers_are_not_confused():
    f = recognise_headers(
        ["BB/U", "ZS BB/U", "BB Lahir", "TB Lahir", "TB/U", "BB/TB", "Berat", "Tinggi"]
    ).fields
    assert f["weight"] == "Berat" and f["lenhei"] == "Tinggi"
    assert f["birth_weight"] == "BB Lahir" and f["birth_length"] == "TB Lahir"
    assert f["status_bbu"] == "BB/U" and f["zs_bbu"] == "ZS BB/U"


def test_an_age_in_days_is_told_by_its_header():
    assert recognise_headers(["Usia (hari)"]).age_unit == "days"
    assert recognise_headers(["Usia (bulan)"]).age_unit == "months"


def test_a_saved_mapping_wins_and_can_ignore_a_column():
    columns = recognise_headers(
        ["Kolom A", "Berat", "Timbangan"], {"Kolom A": "nik", "Berat": None, "Timbangan": "weight"}
    )
    assert columns.fields == {"nik": "Kolom A", "weight": "Timbangan"}
    with pytest.raises(ValueError, match="unknown field"):
        recognise_headers(["Kolom A"], {"Kolom A": "berat"})


def test_unknown_headers_are_listed_for_the_user():
    assert recognise_headers(["Berat", "Catatan Kader", "Hobi"]).unknown == ("Catatan Kader", "Hobi")


# ---- a good row -------------------------------------------------------------------------------


def test_a_good_row_is_accepted_with_typed_values_and_the_engines_zscores():
    parsed = parse({})
    assert parsed.problems.height == 0 and parsed.file_problems == []
    row = parsed.rows.row(0, named=True)
    assert row["row"] == 2 and row["accepted"] is True
    assert row["nik"] == "3211011505230001" and row["nama"] == "ANAK SATU" and row["sex"] == 1
    assert row["birth_date"] == date(2023, 5, 15) and row["visit_date"] == date(2025, 8, 15)
    assert row["age_days"] == (date(2025, 8, 15) - date(2023, 5, 15)).days
    assert row["weight"] == 11.2 and row["lenhei"] == 84.5 and row["measure"] == 2 and row["oedema"] is False
    assert row["lila"] == 14.5 and row["head_circumference"] == 47 and row["birth_weight"] == 3.1
    assert (row["kecamatan"], row["puskesmas"], row["desa"], row["posyandu"]) == (
        "WADO",
        "WADO",
        "CIMUNGKAL",
        "MAWAR",
    )
    assert (row["rt"], row["rw"], row["alamat"], row["nama_ortu"]) == ("001", "002", "DUSUN SATU", "IBU SATU")
    ref = zscores(
        np.array([1.0]),
        np.array([float(row["age_days"])]),
        np.array([11.2]),
        np.array([84.5]),
        np.array([2], np.int8),
    )
    for key in ("zlen", "zwei", "zwfl", "zbmi"):
        assert row[key] == pytest.approx(ref[key][0], abs=1e-12)
    assert row["flen"] is False and row["valid_len"] is True
    assert row["stunted"] == bool(ref["zlen"][0] < -2) and row["underweight"] == bool(ref["zwei"][0] < -2)
    assert (
        row["tbu"] == cat.TBU[cat.tbu(ref["zlen"])[0]] and row["bbtb"] == cat.BBTB[cat.bbtb(ref["zwfl"])[0]]
    )


def test_dates_are_read_in_the_ways_indonesian_files_write_them():
    parsed = parse(
        {"Tgl Lahir": "15/05/2023"},
        {"Tgl Lahir": "15-05-2023"},
        {"Tgl Lahir": "15.05.2023"},
        {"Tgl Lahir": "15 Mei 2023"},
        {"Tgl Lahir": "15-Mei-2023"},
        {"Tgl Lahir": "2023/05/15"},
        {"Tgl Lahir": "45061"},  # Excel serial number
        {"Tgl Lahir": "2023-05-15 00:00:00"},
        {"Tanggal Pengukuran": "15 Agustus 2025"},
    )
    assert parsed.rows.get_column("birth_date").to_list() == [date(2023, 5, 15)] * 9
    assert parsed.rows.get_column("visit_date").to_list()[-1] == date(2025, 8, 15)
    assert parsed.problems.height == 0


def test_the_age_at_visit_is_used_only_without_a_birth_date():
    parsed = parse(
        {"Tgl Lahir": None, "NIK": None, "Usia Saat Ukur": "2 Tahun - 3 Bulan - 0 Hari"},
        {"Tgl Lahir": None, "NIK": None, "Usia Saat Ukur": "27"},  # months
        {"Usia Saat Ukur": "garbage"},  # ignored: the dates decide
    )
    ages = parsed.rows.get_column("age_days").to_list()
    assert ages[0] == round(2 * 365.25 + 3 * 30.4375) and ages[1] == round(27 * 30.4375)
    assert ages[2] == (date(2025, 8, 15) - date(2023, 5, 15)).days
    assert parsed.rows.get_column("accepted").to_list() == [True, True, True]


# ---- every rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code", "column", "text"),
    [
        ({"JK": None}, "sex_missing", "JK", "Jenis kelamin kosong"),
        ({"JK": "X"}, "sex_unknown", "JK", "tulis L (laki-laki) atau P (perempuan)"),
        ({"Tgl Lahir": None, "Usia Saat Ukur": None}, "birth_missing", "Tgl Lahir", "Tanggal lahir kosong"),
        ({"Tgl Lahir": "31/02/2023"}, "birth_unreadable", "Tgl Lahir", "Tanggal lahir tidak dapat dibaca"),
        (
            {"Tgl Lahir": None, "Usia Saat Ukur": "dua tahun"},
            "age_unreadable",
            "Usia Saat Ukur",
            "Usia saat ukur tidak dapat dibaca",
        ),
        ({"Tanggal Pengukuran": None}, "visit_missing", "Tanggal Pengukuran", "Tanggal pengukuran kosong"),
        ({"Tanggal Pengukuran": "kemarin"}, "visit_unreadable", "Tanggal Pengukuran", "tidak dapat dibaca"),
        (
            {"Tgl Lahir": "2025-08-16"},
            "birth_after_visit",
            "Tgl Lahir",
            "Tanggal lahir 16-08-2025 setelah tanggal pengukuran 15-08-2025",
        ),
        (
            {"Tanggal Pengukuran": "2025-09-02"},
            "visit_future",
            "Tanggal Pengukuran",
            "Tanggal pengukuran 02-09-2025 belum terjadi (hari ini 01-09-2025)",
        ),
        (
            {"Tgl Lahir": "2020-08-14"},
            "age_out_of_scope",
            "Tgl Lahir",
            "Usia saat ukur 60 bulan: di luar sasaran balita",
        ),
        (
            {"Berat": None, "Tinggi": None},
            "measurement_missing",
            "Berat",
            "Berat dan tinggi/panjang badan kosong",
        ),
        ({"Berat": "sebelas"}, "weight_unreadable", "Berat", "Berat bukan angka"),
        (
            {"Berat": "0,4"},
            "weight_range",
            "Berat",
            "Berat 0,4 kg tidak mungkin untuk balita (harus 0,5–60 kg)",
        ),
        ({"Berat": "61"}, "weight_range", "Berat", "Berat 61 kg tidak mungkin"),
        ({"Tinggi": "tinggi"}, "lenhei_unreadable", "Tinggi", "Tinggi/panjang badan bukan angka"),
        (
            {"Tinggi": "29,9"},
            "lenhei_range",
            "Tinggi",
            "Tinggi/panjang badan 29,9 cm tidak mungkin untuk balita (harus 30–150 cm)",
        ),
        ({"Tinggi": "151"}, "lenhei_range", "Tinggi", "151 cm tidak mungkin"),
        ({"Desa/Kel": None}, "desa_missing", "Desa/Kel", "Desa/kelurahan kosong"),
    ],
)
def test_each_error_rejects_the_row_with_its_column_and_message(change, code, column, text):
    parsed = parse({}, change)
    assert parsed.rows.get_column("accepted").to_list() == [True, False]
    found = parsed.problems.filter(pl.col("code") == code)
    assert found.height == 1
    p = found.row(0, named=True)
    assert p["row"] == 3 and p["column"] == column and p["severity"] == "error" and p["reject"] is True
    assert text in p["message"]
    raw = next(iter(change.values()))
    if len(change) == 1:
        assert p["value"] == (raw or "")
    rejected = parsed.rows.row(1, named=True)
    assert rejected["zlen"] is None and rejected["stunted"] is False and rejected["valid_len"] is False


@pytest.mark.parametrize(
    ("change", "code", "column", "text"),
    [
        ({"Berat": None}, "weight_missing", "Berat", "hanya TB/U yang dihitung"),
        ({"Tinggi": None}, "lenhei_missing", "Tinggi", "hanya BB/U yang dihitung"),
        ({"Cara Ukur": "jongkok"}, "measure_unknown", "Cara Ukur", "posisi dianggap tidak diketahui"),
        ({"Nama": None}, "name_missing", "Nama", "Nama anak kosong"),
        ({"LiLA": "45"}, "lila_range", "LiLA", "LiLA 45 cm tidak wajar (harus 5–35 cm): tidak disimpan"),
        ({"LiLA": "x"}, "lila_range", "LiLA", "LiLA bukan angka"),
        ({"Lingkar Kepala": "5"}, "head_range", "Lingkar Kepala", "Lingkar kepala 5 cm tidak wajar"),
        ({"BB Lahir": "31"}, "birth_weight_range", "BB Lahir", "Berat lahir 31 kg tidak wajar"),
        ({"TB Lahir": "490"}, "birth_length_range", "TB Lahir", "Panjang lahir 490 cm tidak wajar"),
        ({"NIK": None}, "nik_missing", "NIK", "NIK kosong"),
        ({"NIK": "3273011505230001"}, "nik_region", "NIK", "bukan 3211"),
        ({"NIK": "3211015505230001"}, "nik_sex", "NIK", "NIK menunjukkan perempuan"),
        ({"NIK": "3211011605230001"}, "nik_birth_date", "NIK", "(16-05-23)"),
    ],
)
def test_each_warning_keeps_the_row(change, code, column, text):
    parsed = parse(change)
    assert parsed.rows.item(0, "accepted") is True
    p = parsed.problems.filter(pl.col("code") == code).row(0, named=True)
    assert p["row"] == 2 and p["column"] == column and p["severity"] == "warning" and p["reject"] is False
    assert text in p["message"]


def test_an_implausible_optional_value_is_dropped_not_stored():
    row = parse({"LiLA": "45", "Lingkar Kepala": "5"}).rows.row(0, named=True)
    assert row["lila"] is None and row["head_circumference"] is None


def test_an_invalid_nik_is_an_error_on_the_nik_only_and_the_child_is_kept():
    parsed = parse({"NIK": "3211013505230001"})  # 35 May
    p = parsed.problems.row(0, named=True)
    assert (p["code"], p["column"], p["severity"], p["reject"]) == ("nik_date", "NIK", "error", False)
    row = parsed.rows.row(0, named=True)
    assert row["accepted"] is True and row["nik"] is None and row["zlen"] is not None


def test_who_flags_are_warnings_and_the_flagged_index_is_left_out():
    parsed = parse({"Tinggi": "45"})  # 45 cm at 27 months: far below −6 SD
    p = parsed.problems.filter(pl.col("code") == "flag_len").row(0, named=True)
    assert p["row"] == 2 and p["column"] == "Tinggi" and p["value"] == "45" and p["severity"] == "warning"
    assert "Z-score TB/U" in p["message"] and "di luar batas WHO (−6 s.d. +6)" in p["message"]
    row = parsed.rows.row(0, named=True)
    assert (
        row["accepted"] is True
        and row["flen"] is True
        and row["valid_len"] is False
        and row["stunted"] is False
    )
    assert row["tbu"] is None


def test_standing_before_nine_months_is_a_warning():
    parsed = parse({"Tgl Lahir": "2025-03-01", "Berat": "7", "Tinggi": "66", "Cara Ukur": "Berdiri"})
    assert ("standing_under_9mo", "Cara Ukur", "Berdiri", "warning") in problems_of(parsed)


def test_an_age_at_visit_of_five_years_or_more_is_out_of_scope_too():
    parsed = parse({"Tgl Lahir": None, "NIK": None, "Usia Saat Ukur": "5 Tahun - 0 Bulan - 1 Hari"})
    p = parsed.problems.filter(pl.col("code") == "age_out_of_scope").row(0, named=True)
    assert (
        p["column"] == "Usia Saat Ukur" and p["value"] == "5 Tahun - 0 Bulan - 1 Hari" and p["reject"] is True
    )
    assert parsed.rows.item(0, "accepted") is False


def test_several_problems_of_one_row_are_all_reported():
    parsed = parse({"JK": None, "Berat": "600", "Desa/Kel": None})
    codes = {c for c, *_ in problems_of(parsed)}
    assert {"sex_missing", "weight_range", "desa_missing"} <= codes


def test_a_missing_required_column_rejects_every_row_with_one_problem():
    frame = export({}, {}).drop("JK")
    parsed = parse_export(frame, kabkota="32.11", today=TODAY)
    assert parsed.file_problems == ["Kolom JK tidak ditemukan"]
    first = parsed.problems.row(0, named=True)
    assert first["row"] is None and first["code"] == "column_missing" and first["reject"] is True
    assert parsed.rows.get_column("accepted").to_list() == [False, False]


def test_empty_rows_are_dropped_and_row_numbers_follow_the_file():
    frame = export({}, dict.fromkeys(EXPORT_HEADERS), {"JK": None})
    parsed = parse_export(frame, kabkota="32.11", today=TODAY, first_row=1002)
    assert parsed.empty_rows == 1
    assert parsed.rows.get_column("row").to_list() == [1002, 1004]
    assert parsed.problems.get_column("row").to_list() == [1004]


def test_numbers_stored_as_numbers_are_read_too():
    frame = export({}).with_columns(
        pl.col("Berat").str.replace(",", ".").cast(pl.Float64),
        pl.col("NIK").cast(pl.Int64).cast(pl.Float64),
        pl.col("Tgl Lahir").str.to_date(),
    )
    row = parse_export(frame, kabkota="32.11", today=TODAY).rows.row(0, named=True)
    assert (
        row["weight"] == 11.2 and row["nik"] == "3211011505230001" and row["birth_date"] == date(2023, 5, 15)
    )


def test_with_a_key_only_the_hash_and_mask_identify_the_child():
    row = parse({}, nik_key=b"rahasia").rows.row(0, named=True)
    assert len(row["nik_hash"]) == 64 and row["nik_masked"] == "3211********0001"


def test_problems_come_sorted_by_row():
    parsed = parse({"JK": "X"}, {}, {"Berat": "abc", "JK": None})
    rows = parsed.problems.get_column("row").to_list()
    assert rows == sorted(rows)


# ---- never an exception -----------------------------------------------------------------------

cell = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "L", "P", "2023-05-15", "15/05/2023", "45061", "-1", "1e309", "nan", "inf", "9,5", "0", "—"]
    ),
    st.from_regex(r"\d{16}", fullmatch=True),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries(dict.fromkeys(EXPORT_HEADERS, cell)), min_size=1, max_size=6))
def test_any_cell_contents_give_problems_never_an_exception(rows):
    frame = pl.DataFrame(rows, schema=dict.fromkeys(EXPORT_HEADERS, pl.String))
    parsed = parse_export(frame, kabkota="32.11", today=TODAY)
    assert parsed.rows.height + parsed.empty_rows == frame.height
    rejected = set(parsed.problems.filter(pl.col("reject")).get_column("row").to_list())
    for row in parsed.rows.iter_rows(named=True):
        assert row["accepted"] is (row["row"] not in rejected)
        if row["accepted"]:
            assert 0.5 <= (row["weight"] or 1) <= 60 and 30 <= (row["lenhei"] or 50) <= 150
            assert row["sex"] in (1, 2) and row["visit_date"] <= TODAY and 0 <= row["age_days"] < 1827
    assert set(parsed.problems.get_column("severity").to_list()) <= {"error", "warning"}
    assert parsed.problems.get_column("message").null_count() == 0


def test_every_field_is_known():
    assert len(FIELDS) == len(set(FIELDS))
