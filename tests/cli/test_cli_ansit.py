"""`konvergensi ansit hotspots|lokus` on CSV and XLSX files, without a database."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from konvergensi.cli.ansit import ansit_app
from konvergensi_core.io.ansit_xlsx import SHEET
from tests.core.ansit.test_hotspots import CASES_1_3, KECAMATAN, PREVALENCE_1_2, PREVALENCE_1_4

runner = CliRunner()

HOTSPOT_KEYS = {
    "level",
    "margin",
    "problems",
    "mean_prevalence",
    "pooled_prevalence",
    "prevalence_threshold",
    "mean_cases",
    "cases_threshold",
    "recommendation",
    "separate_analysis",
    "special_attention",
    "units",
}
UNIT_KEYS = {
    "unit",
    "prevalence",
    "cases",
    "above_mean_prevalence",
    "significant_prevalence",
    "above_mean_cases",
    "significant_cases",
}
LOKUS_KEYS = {"rank", "desa", "prevalence", "cases", "low_coverage_count", "criteria", "eligible"}


def run(*args):
    return runner.invoke(ansit_app, [str(a) for a in args])


def gambar_csv(tmp_path: Path, prevalence=PREVALENCE_1_2, cases=CASES_1_3) -> Path:
    lines = ["Kecamatan;Jumlah Kasus;Prevalensi (%)"]
    lines += [
        f"{k};{c};{str(p).replace('.', ',')}" for k, c, p in zip(KECAMATAN, cases, prevalence, strict=True)
    ]
    path = tmp_path / "sebaran.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def lokus_xlsx(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["Daftar desa"])
    ws.append(["KODE DESA", "nama desa", "jumlah kasus", "balita diukur", "U01 Cakupan K4", "U02 TTD", "U03"])
    ws.append(["32.11.01.2001", "Cimungkal", 12, 100, 40, 55, 92])
    ws.append(["32.11.01.2002", "Sukamaju", 3, 100, 95, 91, 93])
    ws.append(["32.11.01.2003", "Mekar", 8, 40, 30, None, 60])
    ws.append(["32.11.01.2004", "Jaya", 1, 50, 65, 95, None])
    path = tmp_path / "lokus.xlsx"
    wb.save(path)
    return path


def test_hotspots_json_gives_the_guideline_conclusion_with_exactly_the_documented_keys(tmp_path):
    result = run("hotspots", gambar_csv(tmp_path), "--level", "kecamatan", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == HOTSPOT_KEYS and all(set(u) == UNIT_KEYS for u in data["units"])
    assert (data["level"], data["margin"], data["problems"]) == ("kecamatan", 0.5, [])
    assert (data["mean_prevalence"], data["prevalence_threshold"]) == (12, 18)
    assert (data["mean_cases"], data["cases_threshold"]) == (54, 81)
    assert data["recommendation"] == "khusus" and data["separate_analysis"] == ["Kecamatan 15"]
    assert data["special_attention"] == [f"Kecamatan {i}" for i in (8, 9, 12, 13, 14, 15)]


def test_hotspots_table_shows_means_thresholds_and_the_recommendation_in_indonesian(tmp_path):
    path = gambar_csv(tmp_path, prevalence=PREVALENCE_1_4, cases=[10] * 15)
    result = run("hotspots", path, "--level", "kecamatan")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Rata-rata prevalensi (angka kabupaten/kota): 23,0 %" in out
    assert "ambang signifikan: 34,5 %" in out and "7 wilayah di atas rata-rata, 0 signifikan" in out
    assert "Rekomendasi: Analisis situasi skala kabupaten/kota secara umum" in out
    header = out.splitlines()[2]
    assert header.startswith("Kecamatan") and "Prevalensi (%)" in header


def test_hotspots_margin_option_changes_the_threshold(tmp_path):
    result = run("hotspots", gambar_csv(tmp_path), "--margin", "0.25", "--format", "json")
    assert json.loads(result.stdout)["prevalence_threshold"] == 15


def test_hotspots_on_xlsx_per_puskesmas_notes_the_data_gap_for_aksi_6(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Puskesmas", "Kasus", "Diukur"])
    for name, cases, measured in (("PKM Wado", 10, 100), ("PKM Darmaraja", 40, 100), ("PKM Cisitu", 10, 200)):
        ws.append([name, cases, measured])
    path = tmp_path / "pkm.xlsx"
    wb.save(path)
    table = run("hotspots", path, "--level", "puskesmas")
    assert table.exit_code == 0, table.output
    assert "Catatan untuk Aksi 6" in table.stdout and "Prevalensi gabungan" in table.stdout
    data = json.loads(run("hotspots", path, "--level", "puskesmas", "--format", "json").stdout)
    assert data["pooled_prevalence"] == 15 and data["mean_prevalence"] == pytest.approx(55 / 3)


def test_hotspots_file_with_bad_values_exits_1_listing_every_problem_in_json(tmp_path):
    path = tmp_path / "buruk.csv"
    path.write_text("Desa;Kasus;Prevalensi\nA;x;10\nB;2;120\nA;1;1\n", encoding="utf-8")
    result = run("hotspots", path, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"level", "margin", "problems"}
    assert [(p["row"], p["column"]) for p in data["problems"]] == [
        (2, "Kasus"),
        (3, "Prevalensi"),
        (4, "Desa"),
    ]
    assert all(set(p) == {"row", "column", "value", "message", "severity"} for p in data["problems"])
    table = run("hotspots", path)
    assert (
        table.exit_code == 1 and "baris 2, kolom 'Kasus'" in table.stderr and "Traceback" not in table.output
    )


def test_lokus_json_from_xlsx_in_rank_order_with_three_criteria(tmp_path):
    result = run("lokus", lokus_xlsx(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(r) == LOKUS_KEYS for r in rows)
    assert [r["desa"] for r in rows] == ["32.11.01.2003", "32.11.01.2001", "32.11.01.2004", "32.11.01.2002"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    first = rows[0]
    assert first["prevalence"] == 20 and first["low_coverage_count"] == 2
    assert list(first["criteria"].values()) == [True, True, True] and first["eligible"] is True
    assert all(isinstance(v, bool) for r in rows for v in r["criteria"].values())


def test_lokus_top_marks_the_selected_desa_and_eligibility_all_narrows(tmp_path):
    path = lokus_xlsx(tmp_path)
    rows = json.loads(run("lokus", path, "--top", "1", "--format", "json").stdout)
    assert [r["selected"] for r in rows] == [True, False, False, False]
    strict = json.loads(run("lokus", path, "--eligibility", "all", "--format", "json").stdout)
    assert [r["eligible"] for r in strict] == [True, True, False, False]  # Mekar, Cimungkal: all three
    two = json.loads(run("lokus", path, "--eligibility", "2", "--format", "json").stdout)
    assert sum(r["eligible"] for r in two) >= sum(r["eligible"] for r in strict)


def test_lokus_share_and_budget_selection(tmp_path):
    path = tmp_path / "lokus.csv"
    path.write_text(
        "Desa;Kasus;Prevalensi;U01;Biaya\nA;9;30;10;50\nB;8;25;10;40\nC;7;20;10;30\nD;1;2;95;10\n",
        encoding="utf-8",
    )
    share = json.loads(run("lokus", path, "--share", "50", "--format", "json").stdout)
    assert [r["desa"] for r in share if r["selected"]] == ["A", "B"]
    budget = json.loads(run("lokus", path, "--budget", "100", "--format", "json").stdout)
    assert [r["desa"] for r in budget if r["selected"]] == ["A", "B"]  # C would make 120
    flat = json.loads(run("lokus", path, "--budget", "100", "--cost", "30", "--format", "json").stdout)
    assert [r["desa"] for r in flat if r["selected"]] == ["A", "B", "C"]
    table = run("lokus", path, "--budget", "100")
    assert "Lokus terpilih: 2 desa (anggaran 100, terpakai 90)" in table.stdout


def test_lokus_table_is_aligned_and_explains_the_criteria(tmp_path):
    result = run("lokus", lokus_xlsx(tmp_path), "--top", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["Peringkat", "Desa", "Nama"]
    assert "Mekar" in lines[2] and "Kriteria: 1 = prevalensi di atas rata-rata" in result.stdout
    assert "Lokus terpilih: 2 desa" in result.stdout


def test_lokus_xlsx_writes_the_prioritisation_matrix_and_needs_an_output(tmp_path):
    out = tmp_path / "matriks.xlsx"
    result = run("lokus", lokus_xlsx(tmp_path), "--format", "xlsx", "-o", out, "--top", "2")
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)[SHEET]
    assert ws["B2"].value == "32.11.01.2003" and ws["C2"].value == "Mekar" and ws.freeze_panes == "C2"
    missing = run("lokus", lokus_xlsx(tmp_path), "--format", "xlsx")
    assert missing.exit_code == 1 and "-o" in missing.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--eligibility", "some"],
        ["--eligibility", "4"],
        ["--top", "2", "--share", "10"],
        ["--share", "0"],
        ["--budget", "10"],  # no cost anywhere
        ["--format", "pdf"],
    ],
)
def test_lokus_bad_options_exit_1_with_a_message(tmp_path, args):
    result = run("lokus", lokus_xlsx(tmp_path), *args)
    assert result.exit_code == 1 and result.stderr.strip() and "Traceback" not in result.output


@pytest.mark.parametrize("args", [["--level", "provinsi"], ["--format", "xml"], ["--margin", "-1"]])
def test_hotspots_bad_options_exit_1_with_a_message(tmp_path, args):
    result = run("hotspots", gambar_csv(tmp_path), *args)
    assert result.exit_code == 1 and result.stderr.strip()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("data.xlsx", b"%PDF-1.4\n"),
        ("data.csv", b"\x00\x01\x02"),
    ],
)
@pytest.mark.parametrize("command", ["hotspots", "lokus"])
def test_a_non_spreadsheet_file_exits_1_with_a_message_and_no_traceback(tmp_path, name, content, command):
    path = tmp_path / name
    path.write_bytes(content)
    result = run(command, path)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # typer.Exit, not a crash
    assert "Traceback" not in result.output and result.stderr.strip()
    as_json = run(command, path, "--format", "json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["problems"][0]["message"]


def test_a_missing_file_exits_1(tmp_path):
    result = run("hotspots", tmp_path / "tidak-ada.csv")
    assert result.exit_code == 1 and "tidak ditemukan" in result.stderr


def test_messy_headers_are_recognised(tmp_path):
    path = tmp_path / "kacau.csv"
    path.write_text(
        "  NO. ;  Desa/Kelurahan ; JUMLAH_KASUS ; Jumlah Balita Diukur ; u01 - cakupan k4 ; catatan\n"
        " 1 ; Cimungkal ; 3 ; 30 ; 45 ; -\n 2 ; Sukamaju ; 1 ; 40 ; 95 ; ok\n",
        encoding="utf-8",
    )
    rows = json.loads(run("lokus", path, "--format", "json").stdout)
    assert [r["desa"] for r in rows] == ["Cimungkal", "Sukamaju"]
    assert rows[0]["prevalence"] == 10 and rows[0]["low_coverage_count"] == 1


def test_the_sub_app_runs_under_a_konvergensi_style_typer_without_a_database(tmp_path):
    code = (
        "import sys, typer\n"
        "from konvergensi.cli.ansit import ansit_app\n"
        "app = typer.Typer()\n"
        "app.add_typer(ansit_app, name='ansit')\n"
        "app(sys.argv[1:])\n"
    )
    env = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code, "ansit", "hotspots", str(gambar_csv(tmp_path)), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["recommendation"] == "khusus"
    assert (
        "django"
        not in subprocess.run(
            [sys.executable, "-c", "import sys, konvergensi.cli.ansit; print(' '.join(sys.modules))"],
            capture_output=True,
            text=True,
        ).stdout.split()
    )
