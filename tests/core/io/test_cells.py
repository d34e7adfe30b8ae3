"""Safe cell text (OWASP formula injection): one rule for every spreadsheet we write."""

import csv
import datetime as dt
import io
import zipfile

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from konvergensi_core.io.cells import safe_frame, safe_row, safe_text
from konvergensi_core.io.writers import TableWriter

ATTACKS = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def formula_cells(xlsx: bytes) -> list[str]:
    """The ``<f>`` elements of every sheet of a workbook (none means no cell is a formula)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return [n for n in sheets if b"<f>" in zf.read(n) or b"<f " in zf.read(n)]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_that_starts_like_a_formula_is_quoted(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["Anak A", "", "Budi=Ani", "a-b", "-2,3", "+62812", "-1.5", 0, -2.5, -3, None, dt.date(2026, 1, 1)],
)
def test_ordinary_text_and_numbers_are_unchanged(value):
    assert safe_text(value) == value and type(safe_text(value)) is type(value)


def test_openpyxl_writes_quoted_text_as_text_not_a_formula():
    for write_only in (False, True):
        wb = Workbook(write_only=write_only)
        ws = wb.active if not write_only else wb.create_sheet("x")
        ws.append(safe_row(ATTACKS))
        buffer = io.BytesIO()
        wb.save(buffer)
        assert formula_cells(buffer.getvalue()) == []
        cells = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows(values_only=True))
        assert list(cells) == ["'" + a for a in ATTACKS]


def test_without_the_rule_openpyxl_would_write_a_formula():
    # The hazard the rule exists for: a plain str starting with "=" becomes an <f> element.
    wb = Workbook()
    wb.active.append([ATTACKS[0]])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert formula_cells(buffer.getvalue()) != []


def test_a_frame_gets_the_same_rule_in_text_columns_and_names():
    frame = pl.DataFrame({"nama": [*ATTACKS, "Anak", "-2,3", None], "z": [-1.0] * (len(ATTACKS) + 3)})
    frame = frame.rename({"z": "=z"})
    out = safe_frame(frame)
    assert out.columns == ["nama", "'=z"]
    assert out["nama"].to_list() == ["'" + a for a in ATTACKS] + ["Anak", "-2,3", None]
    assert out["'=z"].to_list() == [-1.0] * (len(ATTACKS) + 3)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_zscore_writer_quotes_formulas_from_the_input(tmp_path, suffix):
    import numpy as np

    path = tmp_path / f"hasil.{suffix}"
    chunk = pl.DataFrame({"Nama": ATTACKS[:2], "=Kolom": ["x", "y"]})
    with TableWriter(path) as writer:
        writer.write(chunk, {"zlen": np.array([-2.5, np.nan])})
    if suffix == "csv":
        rows = list(csv.reader(path.open(encoding="utf-8")))
        assert rows[0] == ["Nama", "'=Kolom", "zlen"]
        assert [r[0] for r in rows[1:]] == ["'" + a for a in ATTACKS[:2]]
        assert rows[1][2] == "-2.5"
    else:
        content = path.read_bytes()
        assert formula_cells(content) == []
        rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
        assert rows[0] == ("Nama", "'=Kolom", "zlen")
        assert [r[0] for r in rows[1:]] == ["'" + a for a in ATTACKS[:2]]
        assert rows[1][2] == -2.5
