"""The command line never destroys its input, never leaves a half-written output, and with
``--format json`` prints one JSON document on every outcome (issue 11)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from konvergensi.cli import app
from tests.conftest import PDF_BYTES

runner = CliRunner()

CHILDREN = "No;JK;Usia (hari);Berat (kg);Tinggi\n1;L;400;9,5;76,2\n2;P;500;10,1;80,0\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "konvergensi", *args], capture_output=True, text=True)


def one_json(stdout: str):
    """Exactly one JSON document on stdout (json.loads refuses anything after it)."""
    return json.loads(stdout)


@pytest.fixture
def measurements(tmp_path) -> Path:
    path = tmp_path / "ukur.csv"
    path.write_text(CHILDREN, encoding="utf-8")
    return path


# --- zscore: the input is never the output, the output is replaced only on success ----------------


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "dotted"])
def test_zscore_refuses_to_write_over_its_input(tmp_path, measurements, how):
    before = measurements.read_bytes()
    output = {
        "same": measurements,
        "symlink": tmp_path / "tautan.csv",
        "hardlink": tmp_path / "keras.csv",
        "dotted": tmp_path / "." / "ukur.csv",
    }[how]
    if how == "symlink":
        output.symlink_to(measurements)
    elif how == "hardlink":
        os.link(measurements, output)
    result = run("zscore", str(measurements), "-o", str(output))
    assert result.returncode == 1, result.stdout
    assert "sama dengan berkas masukan" in result.stderr and "Traceback" not in result.stderr
    assert measurements.read_bytes() == before
    result = run("zscore", str(measurements), "-o", str(output), "--format", "json")
    assert result.returncode == 1
    assert (
        one_json(result.stdout)["ok"] is False
        and "sama dengan berkas masukan" in one_json(result.stdout)["error"]
    )
    assert measurements.read_bytes() == before


def test_a_failed_zscore_run_leaves_an_existing_output_untouched(tmp_path):
    output = tmp_path / "hasil.csv"
    output.write_text("hasil lama\n", encoding="utf-8")
    bad = tmp_path / "tanpa-kolom.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    result = run("zscore", str(bad), "-o", str(output))
    assert result.returncode == 1 and "Kolom wajib tidak ditemukan" in result.stderr
    assert output.read_text(encoding="utf-8") == "hasil lama\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hasil.csv", "tanpa-kolom.csv"]  # no temporary left


def test_a_successful_zscore_run_replaces_the_output_whole(tmp_path, measurements):
    output = tmp_path / "hasil.csv"
    output.write_text("hasil lama\n", encoding="utf-8")
    result = run("zscore", str(measurements), "-o", str(output), "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = one_json(result.stdout)
    assert summary["ok"] is True and summary["rows"] == 2 and summary["computed"] == 2
    frame = pl.read_csv(output, infer_schema=False)
    assert frame.height == 2 and "zlen" in frame.columns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hasil.csv", "ukur.csv"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["{pdf}", "-o", "{out}"], "tidak didukung"),
        (["{missing}", "-o", "{out}"], "tidak ditemukan"),
        (["{csv}", "-o", "{txt}"], ".csv, .parquet atau .xlsx"),
        (["{csv}", "-o", "{out}", "--age-unit", "weeks"], "--age-unit"),
        (["{csv}", "-o", "{out}", "--map", "tanpa-sama-dengan"], "--map"),
        (["{nocols}", "-o", "{out}"], "Kolom wajib tidak ditemukan"),
    ],
)
def test_zscore_json_is_one_document_on_every_failure(tmp_path, measurements, args, words):
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(PDF_BYTES)
    nocols = tmp_path / "tanpa.csv"
    nocols.write_text("a;b\n1;2\n", encoding="utf-8")
    paths = {"pdf": pdf, "missing": tmp_path / "tidak-ada.csv", "csv": measurements, "out": tmp_path / "h.csv",
             "txt": tmp_path / "h.txt", "nocols": nocols}  # fmt: skip
    result = run("zscore", *[a.format(**paths) for a in args], "--format", "json")
    assert result.returncode == 1, result.stdout
    doc = one_json(result.stdout)
    assert doc["ok"] is False and words in doc["error"], doc
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "h.csv").exists()


def test_usage_errors_are_json_too_when_json_is_asked(tmp_path, measurements):
    result = run("zscore", str(measurements), "--format", "json")  # no -o
    assert result.returncode == 2
    doc = one_json(result.stdout)
    assert doc["ok"] is False and "--output" in doc["error"]
    result = run(
        "zscore", str(measurements), "-o", str(tmp_path / "h.csv"), "--chunk-rows", "0", "--format=json"
    )
    assert result.returncode == 2 and one_json(result.stdout)["ok"] is False
    assert "Traceback" not in result.stderr


def test_kode_json_reports_a_bad_code_as_json():
    result = runner.invoke(app, ["kode", "12345", "--format", "json"])
    assert result.exit_code == 1
    doc = one_json(result.stdout)
    assert doc["ok"] is False and "tidak dikenal" in doc["error"]


# --- commands with a database ----------------------------------------------------------------------


@pytest.mark.django_db
def test_measurements_import_of_a_pdf_is_a_json_refusal_not_a_traceback(world, tmp_path):
    from konvergensi.imports.models import Import
    from konvergensi.measurements.models import MeasurementRound

    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(PDF_BYTES)
    result = runner.invoke(app, ["measurements", "import", str(pdf), "--kabkota", "32.11", "--round", "Maret 2026",
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 1, result.output
    doc = one_json(result.stdout)
    assert doc["ok"] is False and doc["problems"] and doc["problems"][0]["message"]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not MeasurementRound.objects.filter(nama="Maret 2026").exists()  # all or nothing
    assert not Import.objects.exists()
    text = runner.invoke(
        app, ["measurements", "import", str(pdf), "--kabkota", "32.11", "--round", "Maret 2026"]
    )
    assert text.exit_code == 1 and "DITOLAK" in text.output


@pytest.mark.django_db
def test_data_import_of_a_pdf_is_a_json_refusal(world, tmp_path):
    pdf = tmp_path / "x.xlsx"
    pdf.write_bytes(PDF_BYTES)
    result = runner.invoke(app, ["data", "import", str(pdf), "--kabkota", "32.11", "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = one_json(result.stdout)
    assert doc["ok"] is False and doc["problems"]


@pytest.mark.django_db
def test_measurements_summary_and_indicators_list_refuse_in_json(world):
    result = runner.invoke(app, ["measurements", "summary", "--kabkota", "32.11", "--round", "Tidak Ada", "--format",
                                 "json"])  # fmt: skip
    assert result.exit_code == 1
    assert one_json(result.stdout)["ok"] is False
    result = runner.invoke(
        app, ["measurements", "summary", "--kabkota", "99", "--round", "x", "--format", "json"]
    )
    assert result.exit_code == 1 and one_json(result.stdout)["ok"] is False
    result = runner.invoke(app, ["indicators", "list", "--set", "2019", "--format", "json"])
    assert result.exit_code == 1 and "--set" in one_json(result.stdout)["error"]


# --- ansit ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["ansit", "hotspots", "{missing}", "--format", "json"],
        ["ansit", "hotspots", "{pdf}", "--format", "json"],
        ["ansit", "hotspots", "{csv}", "--level", "rt", "--format", "json"],
        ["ansit", "hotspots", "{csv}", "--margin", "-1", "--format", "json"],
        ["ansit", "lokus", "{pdf}", "--format", "json"],
        ["ansit", "lokus", "{csv}", "--top", "2", "--share", "10", "--format", "json"],
        ["ansit", "lokus", "{csv}", "--eligibility", "lima", "--format", "json"],
        ["ansit", "hotspots", "{csv}", "-o", "{csv}", "--format", "json"],
    ],
)
def test_ansit_json_is_one_document_on_every_failure(tmp_path, args):
    csv_path = tmp_path / "sebaran.csv"
    csv_path.write_text("Kecamatan;Jumlah Kasus;Prevalensi (%)\nWado;10;12,5\nJati;20;15\n", encoding="utf-8")
    before = csv_path.read_bytes()
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(PDF_BYTES)
    paths = {"missing": tmp_path / "tidak-ada.csv", "pdf": pdf, "csv": csv_path}
    result = runner.invoke(app, [a.format(**paths) for a in args])
    assert result.exit_code == 1, result.output
    doc = one_json(result.stdout)  # the ansit refusal: the problems, at least one of them blocking
    assert [p for p in doc["problems"] if p["severity"] == "error" and p["message"]], doc
    assert csv_path.read_bytes() == before
