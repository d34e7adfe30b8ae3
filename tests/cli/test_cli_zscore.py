"""`konvergensi zscore` on CSV, XLSX and Parquet, against the WHO golden values."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

GOLDEN = Path(__file__).parent.parent / "core" / "growth" / "golden"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "konvergensi", *args], capture_output=True, text=True)


@pytest.fixture
def golden_rows():
    with (GOLDEN / "inputs.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["case"] == "typical_days"][:50]
    with (GOLDEN / "expected.csv").open() as fh:
        expected = {r["id"]: r for r in csv.DictReader(fh)}
    return rows, expected


def messy_frame(rows) -> pl.DataFrame:
    """Golden inputs under e-PPGBM-like headers and spellings."""
    return pl.DataFrame(
        {
            "No": [r["id"] for r in rows],
            "JK": [{"1": "L", "2": "P"}[r["sex"]] for r in rows],
            "Usia (hari)": [r["age"] for r in rows],
            "Berat (kg)": [r["weight"].replace(".", ",") for r in rows],
            "Tinggi": [r["lenhei"] for r in rows],
            "Cara Ukur": [{"L": "terlentang", "H": "berdiri"}.get(r["measure"], "") for r in rows],
        }
    )


def check(out: pl.DataFrame, expected, rows):
    """Every input row is in the output, once, and its z-scores are WHO's: an empty or header-only output,
    a missing row or a column of blanks fails."""
    assert sorted(str(n) for n in out["No"]) == sorted(r["id"] for r in rows), "not every input row came out"
    computed = 0
    for row in out.iter_rows(named=True):
        e = expected[str(row["No"])]
        for z in ("zlen", "zwei", "zwfl", "zbmi"):
            want = None if e[z] == "NA" else float(e[z])
            got = row[z]
            assert (got is None and want is None) or float(got) == want, (row["No"], z, got, want)
            computed += got is not None
    assert computed > 0, "no z-score was computed"


def test_csv_in_csv_out_with_rounding_and_a_json_summary(tmp_path, golden_rows):
    rows, expected = golden_rows
    src = tmp_path / "ukur.csv"
    messy_frame(rows).write_csv(src, separator=";")
    result = run("zscore", str(src), "-o", str(tmp_path / "hasil.csv"), "--round", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["rows"] == 50 and summary["computed"] == 50 and summary["problems"] == {}
    check(pl.read_csv(tmp_path / "hasil.csv", infer_schema=False), expected, rows)


def test_xlsx_in_parquet_out(tmp_path, golden_rows):
    rows, expected = golden_rows
    wb = Workbook()
    ws = wb.active
    frame = messy_frame(rows)
    ws.append(frame.columns)
    for r in frame.iter_rows():
        ws.append(list(r))
    wb.save(tmp_path / "ukur.xlsx")
    result = run("zscore", str(tmp_path / "ukur.xlsx"), "-o", str(tmp_path / "hasil.parquet"), "--round", "2")
    assert result.returncode == 0, result.stderr
    assert "50 baris, 50 dihitung" in result.stdout
    check(pl.read_parquet(tmp_path / "hasil.parquet"), expected, rows)


def test_parquet_in_xlsx_out_with_a_column_map(tmp_path, golden_rows):
    rows, expected = golden_rows
    frame = messy_frame(rows).rename({"Usia (hari)": "Umur Anak"})
    frame.write_parquet(tmp_path / "ukur.parquet")
    result = run(
        "zscore",
        str(tmp_path / "ukur.parquet"),
        "-o",
        str(tmp_path / "hasil.xlsx"),
        "--map",
        "Umur Anak=age",
        "--round",
        "2",
    )
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(tmp_path / "hasil.xlsx", read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    check(pl.DataFrame(values[1:], schema=list(values[0]), orient="row"), expected, rows)


def test_months_and_unrounded_values(tmp_path):
    src = tmp_path / "bulan.csv"
    src.write_text("sex,age,weight,lenhei,measure\n1,12,9.6,75.7,L\n")
    result = run("zscore", str(src), "-o", str(tmp_path / "out.csv"), "--age-unit", "months")
    assert result.returncode == 0
    z = float(pl.read_csv(tmp_path / "out.csv")["zlen"][0])
    assert abs(z) < 0.5 and z != round(z, 2)


def test_missing_columns_and_bad_files_give_a_message_not_a_traceback(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("nama,alamat\nA,B\n")
    result = run("zscore", str(src), "-o", str(tmp_path / "o.csv"))
    assert (
        result.returncode == 1
        and "Kolom wajib tidak ditemukan" in result.stderr
        and "Traceback" not in result.stderr
    )
    (tmp_path / "rusak.xlsx").write_bytes(b"not a zip")
    result = run("zscore", str(tmp_path / "rusak.xlsx"), "-o", str(tmp_path / "o.csv"))
    assert (
        result.returncode == 1 and "tidak dapat dibaca" in result.stderr and "Traceback" not in result.stderr
    )
    result = run("zscore", str(src), "-o", str(tmp_path / "o.docx"))
    assert result.returncode == 1 and ".csv, .parquet atau .xlsx" in result.stderr


def test_progress_bar_counts_to_the_file_total_in_chunks(tmp_path, golden_rows):
    rows, _ = golden_rows
    src = tmp_path / "besar.csv"
    messy_frame(rows * 40).write_csv(src)  # 2,000 rows read 500 at a time
    done = run("zscore", str(src), "-o", str(tmp_path / "o.parquet"), "--progress", "--chunk-rows", "500")
    assert done.returncode == 0, done.stderr
    frames = done.stderr.split("\r")
    assert "[##############################] 100%  2.000 baris" in frames[-1]
    assert any(" 25%  500 baris" in f for f in frames), frames
    assert "2000 baris, 2000 dihitung" in done.stdout
    quiet = run("zscore", str(src), "-o", str(tmp_path / "p.parquet"))  # not a terminal: no bar
    assert quiet.returncode == 0 and "baris" not in quiet.stderr
