"""The one problem shape (issue 12): from a reader's frame rows to Problem objects."""

from __future__ import annotations

from konvergensi_core.problems import COLUMNS, Problem, counts, file_problem, from_rows


def test_rows_of_a_problem_frame_become_problems_with_the_sheet_given():
    rows = [
        {"row": 7, "column": "Berat", "value": 125, "code": "weight_range", "message": "Berat tidak wajar",
         "severity": "error", "reject": True},
        {"row": 9, "column": "Tgl Ukur", "value": None, "code": "x", "message": "Tanggal kosong",
         "severity": "warning", "reject": False},
    ]  # fmt: skip
    first, second = from_rows(rows, sheet="Data")
    assert first == Problem("Data", 7, "Berat", "125", "Berat tidak wajar", "error", True)
    assert (second.value, second.severity, second.reject, second.is_error) == ("", "warning", False, False)
    assert counts([first, second]) == {"errors": 1, "warnings": 1}


def test_an_unknown_severity_is_an_error_and_a_file_problem_has_no_place():
    (p,) = from_rows([{"row": None, "message": "x", "severity": "fatal"}])
    assert p.severity == "error" and p.reject
    whole = file_problem("Berkas kosong.")
    assert (whole.row, whole.column, whole.is_error) == (None, "", True)
    assert tuple(whole.as_dict()) == COLUMNS
