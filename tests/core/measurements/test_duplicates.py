"""The same child twice in a round, and what re-importing a file changes."""

from __future__ import annotations

from datetime import date

import polars as pl

from konvergensi_core.duplicates import child_key_expr, duplicate_problems, import_actions, mark_duplicates

BASE = {
    "accepted": True,
    "nik_hash": None,
    "nama": "Siti Aminah",
    "birth_date": date(2023, 5, 15),
    "sex": 2,
    "desa_kode": "32.11.01.2001",
    "visit_date": date(2025, 8, 15),
    "age_days": 823,
    "weight": 10.5,
    "lenhei": 82.0,
    "measure": 2,
    "oedema": False,
}


def rows(*changes: dict) -> pl.DataFrame:
    data = [{**BASE, "row": i + 2, **c} for i, c in enumerate(changes)]
    frame = pl.DataFrame(data, schema_overrides={"nik_hash": pl.String, "nama": pl.String})
    return frame.with_columns(child_key=child_key_expr())


def test_the_same_nik_twice_keeps_the_latest_visit():
    marked = mark_duplicates(
        rows(
            {"nik_hash": "h1", "visit_date": date(2025, 8, 20), "weight": 10.9},
            {"nik_hash": "h1", "visit_date": date(2025, 8, 5), "nama": "SITI"},  # another spelling: same NIK
            {"nik_hash": "h2"},
        )
    )
    assert marked.get_column("duplicate").to_list() == [False, True, False]
    assert marked.get_column("kept_row").to_list() == [None, 2, None]


def test_a_tie_on_the_visit_date_keeps_the_last_row_of_the_file():
    marked = mark_duplicates(rows({"nik_hash": "h1"}, {"nik_hash": "h1"}, {"nik_hash": "h1"}))
    assert marked.get_column("duplicate").to_list() == [True, True, False]
    assert marked.get_column("kept_row").to_list() == [4, 4, None]


def test_without_nik_the_child_is_name_birth_date_sex_and_desa():
    marked = mark_duplicates(
        rows(
            {"nama": "SITI  AMINAH", "visit_date": date(2025, 8, 1)},
            {"nama": "siti aminah."},  # the same child, later
            {"nama": "Siti Aminah", "desa_kode": "32.11.01.2002"},  # another desa: another child
            {"nama": "Siti Aminah", "sex": 1},  # another sex: another child
            {"nama": "Siti Aminah", "birth_date": date(2023, 5, 16)},  # another birthday
        )
    )
    assert marked.get_column("duplicate").to_list() == [True, False, False, False, False]
    assert marked.item(0, "kept_row") == 3


def test_a_nik_and_a_name_are_never_the_same_key():
    keyed = rows({"nik_hash": "h1"}, {})
    assert keyed.get_column("child_key").to_list()[0] == "nik:h1"
    assert (
        keyed.get_column("child_key").to_list()[1].startswith("anak:siti aminah|2023-05-15|2|32.11.01.2001")
    )
    assert mark_duplicates(keyed).get_column("duplicate").to_list() == [False, False]


def test_a_row_without_name_is_known_by_its_content_so_a_reimport_finds_it():
    keyed = rows({"nama": None}, {"nama": None, "weight": 11.0})
    keys = keyed.get_column("child_key").to_list()
    assert keys[0].startswith("baris:") and keys[0] != keys[1]


def test_rejected_rows_take_no_part():
    marked = mark_duplicates(rows({"nik_hash": "h1"}, {"nik_hash": "h1", "accepted": False}))
    assert marked.get_column("duplicate").to_list() == [False, False]


def test_a_duplicate_is_rejected_with_a_warning_naming_the_kept_row():
    marked = mark_duplicates(
        rows(
            {"nik_hash": "h1", "visit_date": date(2025, 8, 1)},
            {"nik_hash": "h1"},
            {"nik_hash": "h2"},
            {"nik_hash": "h2"},
        )
    )
    problems = duplicate_problems(marked)
    assert problems.get_column("row").to_list() == [2, 4]
    assert problems.get_column("severity").to_list() == ["warning", "warning"]
    assert problems.get_column("reject").to_list() == [True, True]
    assert problems.item(0, "message") == (
        "Anak yang sama tercatat lagi di baris 3 dengan tanggal ukur lebih baru (15-08-2025): baris itu yang dipakai"
    )
    assert "baris 5 dengan tanggal ukur yang sama" in problems.item(1, "message")


def test_reimporting_the_same_file_changes_nothing():
    first = mark_duplicates(rows({"nik_hash": "h1"}, {"nik_hash": "h2", "weight": 12.25}, {}))
    stored = import_actions(first, first.clear())  # an empty round: everything is new
    assert stored.get_column("action").to_list() == ["add", "add", "add"]
    again = import_actions(first, first)
    assert again.get_column("action").to_list() == ["unchanged", "unchanged", "unchanged"]


def test_a_changed_measurement_replaces_the_stored_one():
    stored = mark_duplicates(rows({"nik_hash": "h1"}, {"nik_hash": "h2"}, {"nik_hash": "h3"}))
    incoming = mark_duplicates(
        rows(
            {"nik_hash": "h1", "weight": 10.6},  # weighed again
            {"nik_hash": "h2", "weight": 10.5000001},  # the same to 3 decimals
            {"nik_hash": "h3", "measure": 1},
            {"nik_hash": "h4"},  # a new child
            {"nik_hash": "h5", "accepted": False},
        )
    )
    actions = import_actions(incoming, stored.with_columns(pl.col("weight").cast(pl.Float32)))
    assert actions.get_column("action").to_list() == ["replace", "unchanged", "replace", "add", "reject"]


def test_a_duplicate_row_is_rejected_on_reimport():
    marked = mark_duplicates(rows({"nik_hash": "h1"}, {"nik_hash": "h1"}))
    assert import_actions(marked, marked).get_column("action").to_list() == ["reject", "unchanged"]


def test_a_stored_child_missing_from_the_file_is_left_alone():
    stored = rows({"nik_hash": "h1"}, {"nik_hash": "h2"})
    actions = import_actions(mark_duplicates(rows({"nik_hash": "h1"})), stored)
    assert actions.height == 1 and actions.item(0, "action") == "unchanged"
