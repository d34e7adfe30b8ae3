"""`konvergensi assessment score|template` on real files, without a database (issue 18)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from konvergensi.cli import app

runner = CliRunner()

RUBRIK = {
    "Indikator": [
        ["Kode", "Aksi", "Tahap", "Bobot", "Uraian", "Kriteria A"],
        ["1.1", 1, "dokumen", 2, "Desa lokus", "100 % lokus tinggi"],
        ["1.2", 1, "dokumen", 1, "Cakupan", None],
        ["2.1", 2, "panel", 1, "Paparan", None],
    ],
    "Huruf": [["Huruf", "Poin"], ["A", 4], ["B", 3], ["C", 2], ["D", 1], ["E", 0]],
    "Tahap": [["Tahap", "Bobot"], ["dokumen", 3], ["panel", 1]],
    "Kelas": [["Kelas", "Skor Minimum"], ["Bertumbuh", 0], ["Berkembang", 50], ["Berdaya", 75]],
}
NILAI = """Kabkota,Kode,Penilai,Huruf
32.73,1.1,Ani,B
32.73,2.1,Budi,C
3204,1.1,Ani,A
32.04,1.1,Budi,B
32.04,1.2,Ani,C
32.04,2.1,Ani,A
32.05,1.1,Ani,D
"""


def files(tmp_path: Path, nilai: str = NILAI, **sheets) -> tuple[Path, Path]:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in {**RUBRIK, **sheets}.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    rubrik = tmp_path / "RUBRIK.xlsx"
    wb.save(rubrik)
    path = tmp_path / "NILAI.csv"
    path.write_text(nilai, encoding="utf-8")
    return rubrik, path


def run(*args):
    return runner.invoke(app, ["assessment", *[str(a) for a in args]])


def test_json_in_rank_order_with_hand_computed_scores(tmp_path):
    rubrik, nilai = files(tmp_path)
    result = run("score", rubrik, nilai, "--format", "json")
    assert result.exit_code == 0, result.output
    # 32.04: dokumen (2×3,5 + 1×2)/3 = 3 → 75; panel 4 → 100; total (3×75 + 100)/4 = 81,25
    # 32.73: dokumen (2×3 + 0)/3 = 2 → 50 (1.2 missing); panel 2 → 50; total 50 (exactly Berkembang)
    # 32.05: dokumen (2×1)/3 → 16,666…; panel 0; total 3×(50/3)/4 = 12,5
    assert json.loads(result.stdout) == [
        {
            "kabkota": "32.04",
            "score_document": 75.0,
            "score_panel": 100.0,
            "score": 81.25,
            "class": "Berdaya",
            "rank": 1,
            "missing": [],
        },
        {
            "kabkota": "32.73",
            "score_document": 50.0,
            "score_panel": 50.0,
            "score": 50.0,
            "class": "Berkembang",
            "rank": 2,
            "missing": ["1.2"],
        },
        {
            "kabkota": "32.05",
            "score_document": 16.67,
            "score_panel": 0.0,
            "score": 12.5,
            "class": "Bertumbuh",
            "rank": 3,
            "missing": ["1.2", "2.1"],
        },
    ]


def test_json_is_the_default_and_ties_go_by_code(tmp_path):
    nilai = "Kabkota,Kode,Penilai,Huruf\n32.73,1.1,Ani,A\n32.01,1.1,Ani,A\n"
    rubrik, path = files(tmp_path, nilai)
    result = run("score", rubrik, path)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["kabkota"], r["rank"], r["score"]) for r in rows] == [("32.01", 1, 50.0), ("32.73", 2, 50.0)]


def test_table_is_readable(tmp_path):
    rubrik, nilai = files(tmp_path)
    result = run("score", rubrik, nilai, "--format", "table")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["Peringkat", "Kode"]
    assert (
        "32.04" in lines[2]
        and "Kabupaten Bandung" in lines[2]
        and "81,25" in lines[2]
        and "Berdaya" in lines[2]
    )
    assert "32.05" in lines[4] and "16,67" in lines[4] and "1.2, 2.1" in lines[4]


def test_xlsx_written_and_opened_back(tmp_path):
    rubrik, nilai = files(tmp_path)
    out = tmp_path / "hasil.xlsx"
    result = run("score", rubrik, nilai, "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    rows = [r for r in load_workbook(out)["Peringkat"].values if r and r[0] is not None]
    assert rows[1][:7] == (
        "Peringkat",
        "Kode Kab/Kota",
        "Kabupaten/Kota",
        "Skor Dokumen",
        "Skor Panel",
        "Skor",
        "Kelas",
    )
    assert [r[1] for r in rows[2:]] == ["32.04", "32.73", "32.05"]
    assert rows[2][5] == 81.25 and rows[2][6] == "Berdaya"


def test_problems_json_and_exit_1(tmp_path):
    bad = "Kabkota,Kode,Penilai,Huruf\n32.04,1.1,Ani,F\n32.04,9.9,Ani,A\n99.99,1.1,Ani,A\n32.04,1.2,,A\n"
    rubrik, nilai = files(tmp_path, bad)
    result = run("score", rubrik, nilai, "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    got = {(p["row"], p["column"], p["value"]) for p in payload["problems"]}
    assert got == {(2, "Huruf", "F"), (3, "Kode", "9.9"), (4, "Kabkota", "99.99"), (5, "Penilai", "")}
    for p in payload["problems"]:
        assert set(p) == {"file", "sheet", "row", "column", "value", "message"}
        assert p["file"] == str(nilai) and p["message"]


def test_rubric_problems_json(tmp_path):
    rubrik, nilai = files(tmp_path, Tahap=[["Tahap", "Bobot"], ["dokumen", 3], ["lapangan", 1]])
    result = run("score", rubrik, nilai, "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert {(p["file"], p["sheet"], p["row"], p["column"], p["value"]) for p in problems} == {
        (str(rubrik), "Tahap", 3, "Tahap", "lapangan"),
        (str(rubrik), "Indikator", 4, "Tahap", "panel"),  # panel now has no weight
    }


def test_missing_and_corrupt_files_are_problems_not_tracebacks(tmp_path):
    rubrik, nilai = files(tmp_path)
    corrupt = tmp_path / "rusak.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    cases = [
        (tmp_path / "tidak-ada.xlsx", nilai, "tidak ditemukan"),
        (corrupt, nilai, "Excel"),
        (rubrik, tmp_path / "tidak-ada.csv", "tidak ditemukan"),
    ]
    for r, n, words in cases:
        result = run("score", r, n, "--format", "json")
        assert result.exit_code == 1, result.output
        payload = json.loads(result.stdout)
        assert payload["ok"] is False and words in payload["problems"][0]["message"], payload
        assert "Traceback" not in result.output
    table = run("score", tmp_path / "tidak-ada.xlsx", nilai, "--format", "table")
    assert table.exit_code == 1 and "tidak ditemukan" in table.stderr and "Berkas ditolak" in table.stderr


def test_usage_errors_exit_2(tmp_path):
    rubrik, nilai = files(tmp_path)
    assert run("score", rubrik, nilai, "--format", "xlsx").exit_code == 2
    assert run("score", rubrik, nilai, "--format", "csv").exit_code == 2
    same = run("score", rubrik, nilai, "--format", "json", "-o", nilai)
    assert same.exit_code == 2 and json.loads(same.stdout)["ok"] is False
    assert nilai.read_text(encoding="utf-8") == NILAI


def test_template_writes_the_default_rubric_that_score_reads(tmp_path):
    out = tmp_path / "RUBRIK.xlsx"
    result = run("template", "-o", out)
    assert result.exit_code == 0, result.output
    assert "24 indikator" in result.stdout
    wb = load_workbook(out)
    assert wb.sheetnames == ["Indikator", "Huruf", "Tahap", "Kelas"]
    nilai = tmp_path / "NILAI.csv"
    nilai.write_text("Kabkota,Kode,Penilai,Huruf\n32.04,1.1,Ani,A\n32.04,1.3,Ani,A\n", encoding="utf-8")
    scored = run("score", out, nilai)
    assert scored.exit_code == 0, scored.output
    [row] = json.loads(scored.stdout)
    # default: equal weights, 16 document and 8 panel indicators, stages 60/40, A = 100
    assert (row["score_document"], row["score_panel"], row["score"]) == (6.25, 12.5, 8.75)
    assert len(row["missing"]) == 22
    assert run("template", "-o", tmp_path / "rubrik.csv").exit_code == 2


def test_runs_without_settings_or_database(tmp_path):
    rubrik, nilai = files(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "KONVERGENSI", "DATABASE"))}
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "konvergensi",
            "assessment",
            "score",
            str(rubrik),
            str(nilai),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert [r["kabkota"] for r in json.loads(out.stdout)] == ["32.04", "32.73", "32.05"]
