"""NIK checks: structure, the birth date with day + 40 for girls, severities, hash and mask."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core import kode
from konvergensi_core.nik import ERRORS, PROBLEMS, check_nik, nik_hash, nik_hash_one, nik_mask, nik_problem

BOY = "3211010101240001"  # Sumedang 32.11, kecamatan 01, born 01-01-24, serial 0001
GIRL = "3211014101240001"  # the same date + 40: a girl


def test_a_valid_nik_of_a_boy_has_no_problem():
    assert nik_problem(BOY, kabkota="32.11", birth_date=date(2024, 1, 1), sex=1) is None


def test_girls_have_forty_added_to_the_day_of_birth():
    assert nik_problem(GIRL, kabkota="32.11", birth_date=date(2024, 1, 1), sex=2) is None
    assert nik_problem(GIRL, birth_date=date(2024, 1, 1), sex=1) == "sex"
    assert nik_problem(BOY, birth_date=date(2024, 1, 1), sex=2) == "sex"
    # day 71 = the 31st for a girl; 72 does not exist
    assert nik_problem("3211017103240001", birth_date=date(2024, 3, 31), sex=2) is None
    assert nik_problem("3211017203240001") == "date"


def test_29_february_exists_only_in_leap_years_for_boys_and_girls():
    assert nik_problem("3211012902240001", birth_date=date(2024, 2, 29), sex=1) is None
    assert nik_problem("3211016902240001", birth_date=date(2024, 2, 29), sex=2) is None
    assert nik_problem("3211012902000001") is None  # 2000 was a leap year (and 19YY/20YY agree otherwise)
    assert nik_problem("3211012902230001") == "date"
    assert nik_problem("3211016902230001") == "date"


@pytest.mark.parametrize(
    "nik",
    [
        "3211010001240001",  # day 00
        "3211013201240001",  # day 32
        "3211014001240001",  # day 40 (a girl's day 0)
        "3211017201240001",  # day 72
        "3211010100240001",  # month 00
        "3211010113240001",  # month 13
        "3211013104240001",  # 31 April
        "3211017104240001",  # 31 April for a girl
        "3211013002240001",  # 30 February
    ],
)
def test_an_impossible_date_part_is_an_error_and_the_nik_is_not_used(nik):
    out = check_nik(pl.Series([nik]))
    assert out.row(0, named=True)["nik_problem"] == "date"
    assert out.item(0, "nik_severity") == "error"
    assert out.item(0, "nik") is None  # never stored, never matched
    assert "tanggal lahir di NIK tidak mungkin" in out.item(0, "nik_message")


def test_a_missing_nik_is_only_a_warning():
    out = check_nik(pl.Series([None, "", "  "], dtype=pl.String))
    assert out.get_column("nik_problem").to_list() == ["missing"] * 3
    assert out.get_column("nik_severity").to_list() == ["warning"] * 3
    assert out.get_column("nik").to_list() == [None] * 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("321101010124000", "tertulis 15 angka"),
        ("32110101012400011", "tertulis 17 angka"),
        ("3211O10101240001", "tanpa huruf"),  # a letter O
        ("3.21101E+15", "rusak oleh Excel"),
        ("3,21101E+15", "rusak oleh Excel"),
        ("-", "tertulis"),
    ],
)
def test_not_sixteen_digits_is_a_format_error(raw, message):
    out = check_nik(pl.Series([raw]))
    if raw == "-":  # a dash only: nothing left after cleaning
        assert out.item(0, "nik_problem") == "missing"
        return
    assert out.item(0, "nik_problem") == "format"
    assert message in out.item(0, "nik_message")
    assert out.item(0, "nik") is None


@pytest.mark.parametrize(
    "raw", ["'3211010101240001", " 3211 0101 0124 0001 ", "3211-0101-0124-0001", "3211010101240001.0"]
)
def test_what_spreadsheets_add_around_a_nik_is_cleaned(raw):
    out = check_nik(pl.Series([raw]))
    assert out.item(0, "nik") == BOY and out.item(0, "nik_problem") is None


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("9911010101240001", "kode wilayah 991101"),  # no province 99
        ("3200010101240001", "kode wilayah 320001"),  # kab/kota 00
        ("3211000101240001", "kode wilayah 321100"),  # kecamatan 00
        ("3211010101240000", "nomor urut 0000"),
        ("0000000000000000", "kode wilayah 000000"),
    ],
)
def test_an_impossible_region_or_serial_is_a_structure_error(nik, message):
    out = check_nik(pl.Series([nik]))
    assert out.item(0, "nik_problem") == "structure"
    assert message in out.item(0, "nik_message")
    assert out.item(0, "nik") is None


def test_a_nik_issued_in_another_district_is_a_warning_and_kept():
    out = check_nik(pl.Series(["3273010101240001"]), kabkota="3211")
    assert out.item(0, "nik_problem") == "region" and out.item(0, "nik_severity") == "warning"
    assert out.item(0, "nik") == "3273010101240001"
    assert "3273 (bukan 3211)" in out.item(0, "nik_message")


def test_a_birth_date_mismatch_is_a_warning_and_suspects_a_parents_nik():
    mother = "3211015505900003"  # a woman born 15-05-90
    out = check_nik(pl.Series([mother]), birth_date=pl.Series([date(2023, 7, 1)]), sex=pl.Series([1]))
    row = out.row(0, named=True)
    assert row["nik_problem"] == "birth_date" and row["nik_severity"] == "warning"
    assert row["nik"] == mother
    assert "(15-05-90)" in row["nik_message"] and "(01-07-23)" in row["nik_message"]
    assert "mungkin NIK orang tua" in row["nik_message"]


def test_the_most_serious_problem_is_reported_first():
    # wrong district, wrong date and wrong sex at once: the birth date comes first
    out = check_nik(
        pl.Series(["3273014101240001"]),
        kabkota="32.11",
        birth_date=pl.Series([date(2024, 1, 2)]),
        sex=pl.Series([1]),
    )
    assert out.item(0, "nik_problem") == "birth_date"


def test_every_code_has_a_severity_and_only_structural_ones_are_errors():
    assert set(PROBLEMS) == {"missing", "format", "structure", "date", "birth_date", "sex", "region"}
    assert set(ERRORS) == {"format", "structure", "date"}


def test_the_district_must_be_a_kabkota_code():
    with pytest.raises(kode.InvalidKode):
        check_nik(pl.Series([BOY]), kabkota="32")


def test_nik_hash_is_hmac_sha256_of_each_value_and_keeps_nulls():
    hashed = nik_hash(pl.Series("nik", [BOY, None, GIRL, BOY]), "rahasia")
    expected = hmac.new(b"rahasia", BOY.encode(), hashlib.sha256).hexdigest()
    assert hashed.to_list()[0] == expected == hashed.to_list()[3] == nik_hash_one(BOY, b"rahasia")
    assert hashed.to_list()[1] is None and hashed.to_list()[2] != expected
    assert nik_hash(pl.Series([BOY]), "lain").item() != expected  # another key, another hash
    long_key = b"k" * 100  # longer than the SHA-256 block
    assert (
        nik_hash(pl.Series([BOY]), long_key).item()
        == hmac.new(long_key, BOY.encode(), hashlib.sha256).hexdigest()
    )
    with pytest.raises(ValueError):
        nik_hash(pl.Series([BOY]), b"")


def test_the_mask_shows_only_the_district_and_the_serial():
    assert nik_mask(pl.Series([BOY, None])).to_list() == ["3211********0001", None]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(max_size=20), st.from_regex(r"\d{16}", fullmatch=True)), max_size=20
    )
)
def test_any_cell_gives_a_known_code_never_an_exception(values):
    out = check_nik(pl.Series(values, dtype=pl.String), kabkota="32.11")
    assert out.height == len(values)
    for row in out.iter_rows(named=True):
        assert row["nik_problem"] is None or row["nik_problem"] in PROBLEMS
        assert (row["nik_problem"] is None) == (row["nik_message"] is None)
        if row["nik"] is not None:
            assert len(row["nik"]) == 16 and row["nik"].isdigit()
