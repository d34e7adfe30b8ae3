"""`konvergensi plan integration` on real CSV and XLSX files, without a database (issue 14)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from konvergensi.cli import app

runner = CliRunner()
CODE = "1.02.02.2.02.0016"
PLAN = [
    ["Tabel 2.3. Rencana Program dan Kegiatan Intervensi Penurunan Stunting Terintegrasi"],
    ["Kabupaten Contoh, Tahun Anggaran 2026"],
    [
        "No",
        "Kode Sub Kegiatan",
        "Program/Kegiatan",
        "Indikator Kinerja",
        "Baseline",
        "Target Kinerja",
        "Satuan",
    ]
    + ["Lokasi", "Anggaran", "Sumber Pendanaan", "OPD", "Jadwal", "Kelompok", "Kelas"],
    ["1", CODE, "Pemberian Makanan Tambahan", "U01", "40", "80", "%", "Desa A; Desa B", "Rp 1.250.000.000,00"]
    + ["APBD Kab", "Dinas Kesehatan", "Jan-Des", 1, "tetap"],
    [
        "2",
        "",
        "Pelatihan Kader",
        "U02",
        "",
        "100",
        "orang",
        "",
        0,
        "",
        "DPMD",
        "Mar",
        4,
        "baru_tanpa_anggaran",
    ],
    ["3", "1.02.02.2.02.0020", "Sanitasi", "", "", "10", "unit", "", "5.000.000", "DAK Fisik", "Dinas PU", ""]
    + [2, "baru_dengan_anggaran"],
    [None, None, "Total", None, None, None, None, None, 1_255_000_000],
]
DOC_HEADER = [
    "Kode Sub Kegiatan",
    "Nama Sub Kegiatan",
    "Perangkat Daerah",
    "Indikator",
    "Target",
    "Satuan",
    "Lokasi",
]
RENJA = [
    ["RENJA OPD 2026"],
    DOC_HEADER + ["Pagu Indikatif"],
    [CODE, "Pemberian Makanan Tambahan", "Dinas Kesehatan", "Balita", "80", "%", "Desa A", "800.000.000"],
    [CODE, "Pemberian Makanan Tambahan", "Dinas Kesehatan", "Balita", "80", "%", "Desa C", 100_000_000],
    ["", "pelatihan  KADER", "dpmd", "Kader", "100", "orang", "", 0],
    ["1.02.02.2.02.0099", "Belanja Lain", "Dinas Kesehatan", "", "", "", "", "50.000.000"],
]
APBD = [
    DOC_HEADER + ["Pagu"],
    [CODE, "PMT", "Dinas Kesehatan", "", "", "", "", "Rp 1.300.000.000,00"],
    ["1.02.02.2.02.0020", "Sanitasi", "Dinas PU", "", "", "", "", 5_000_000],
]


def xlsx(path: Path, rows, sheet="Sheet") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def files(tmp_path):
    return (
        xlsx(tmp_path / "rencana.xlsx", PLAN, "Tabel 2.3"),
        xlsx(tmp_path / "renja.xlsx", RENJA, "Renja"),
        xlsx(tmp_path / "apbd.xlsx", APBD, "APBD"),
    )


def run(*args):
    return runner.invoke(app, ["plan", "integration", *[str(a) for a in args]])


def test_json_has_the_issues_shape(tmp_path):
    plan, renja, apbd = files(tmp_path)
    result = run(plan, "--document", f"apbd={apbd}", "--document", f"renja={renja}", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert [r["no"] for r in data["rows"]] == ["1", "2", "3"]
    assert data["rows"][0] == {
        "no": "1",
        "code": CODE,
        "activity": "Pemberian Makanan Tambahan",
        "opd": "Dinas Kesehatan",
        "budget": 1_250_000_000,
        "documents": {
            "renja": {"status": "sebagian", "pagu": 900_000_000, "missing_locations": ["Desa B"]},
            "apbd": {"status": "masuk", "pagu": 1_300_000_000, "missing_locations": []},
        },
    }
    assert data["rows"][1]["documents"] == {
        "renja": {"status": "masuk", "pagu": 0, "missing_locations": []},
        "apbd": {"status": "tidak_masuk", "pagu": None, "missing_locations": []},
    }
    assert data["unplanned"] == {
        "renja": [{"code": "1.02.02.2.02.0099", "name": "Belanja Lain", "pagu": 50_000_000}],
        "apbd": [],
    }
    assert data["summary"] == {
        "renja": {"masuk": 1, "sebagian": 1, "tidak_masuk": 1},
        "apbd": {"masuk": 2, "sebagian": 0, "tidak_masuk": 1},
    }
    assert data["budgets"]["apbd"]["masuk"] == 1_255_000_000


def test_table_is_readable(tmp_path):
    plan, renja, _ = files(tmp_path)
    result = run(plan, "-d", f"renja={renja}")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Renja OPD" in out and "Sebagian" in out and "Tidak masuk" in out
    assert "pagu Rp 900.000.000 di bawah anggaran rencana Rp 1.250.000.000; lokasi tidak ada: Desa B" in out
    assert "di luar rencana: 1.02.02.2.02.0099 Belanja Lain" in out


def test_xlsx_opened_back(tmp_path):
    plan, renja, apbd = files(tmp_path)
    out = tmp_path / "matriks.xlsx"
    result = run(
        plan,
        "-d",
        f"renja={renja}",
        "-d",
        f"apbd={apbd}",
        "--format",
        "xlsx",
        "-o",
        out,
        "--title",
        "Kab. Contoh 2026",
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Tabel 2.4", "Tabel 2.5", "Di luar rencana", "Ringkasan"]
    ws = wb["Tabel 2.4"]
    assert ws["A1"].value.startswith("Tabel 2.4") and ws["A2"].value == "Kab. Contoh 2026"
    assert ws.cell(row=3, column=11).value == "Renja OPD"
    headers = [c.value for c in ws[4]]
    assert headers[:10] == [
        "No",
        "Kode Sub Kegiatan",
        "Program/Kegiatan",
        "Indikator Kinerja",
        "Target Kinerja",
        "Satuan",
        "Lokasi",
        "Anggaran",
        "Sumber Dana",
        "OPD",
    ]
    assert headers[10:] == ["Target Kinerja", "Lokasi", "Anggaran", "Status"]
    first = [c.value for c in ws[5]]
    assert first[7] == 1_250_000_000 and first[10:] == ["80 %", "Desa A; Desa C", 900_000_000, "Sebagian"]
    status = ws.cell(row=5, column=14)
    assert status.fill.start_color.rgb.endswith("FFEB9C") and "Desa B" in status.comment.text
    assert ws.cell(row=7, column=14).value == "Tidak masuk" and ws.cell(
        row=7, column=14
    ).fill.start_color.rgb.endswith("FFC7CE")
    t25 = wb["Tabel 2.5"]
    assert t25.cell(row=3, column=11).value == "APBD" and t25.cell(row=5, column=14).value == "Masuk"
    assert t25.cell(row=5, column=14).fill.start_color.rgb.endswith("C6EFCE")
    unplanned = [[c.value for c in r] for r in wb["Di luar rencana"].iter_rows(min_row=4)]
    assert (
        unplanned[0][:3] == ["Renja OPD", "1.02.02.2.02.0099", "Belanja Lain"]
        and unplanned[0][8] == 50_000_000
    )
    summary = [[c.value for c in r] for r in wb["Ringkasan"].iter_rows(min_row=4)]
    assert summary[0][:7] == ["Renja OPD", 1, 0, 1, 1_250_000_000, 1, 5_000_000]
    assert summary[1][:3] == ["APBD", 2, 1_255_000_000]


def test_refused_file_gives_problems_and_exit_1(tmp_path):
    plan, renja, _ = files(tmp_path)
    bad = xlsx(
        tmp_path / "apbd.xlsx",
        [DOC_HEADER + ["Pagu"], [CODE, "PMT", "Dinkes", "", "", "", "", "seribu"]],
        "APBD",
    )
    result = run(plan, "-d", f"renja={renja}", "-d", f"apbd={bad}", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == {
        "ok": False,
        "problems": [
            {
                "file": str(bad),
                "sheet": "APBD",
                "row": 2,
                "column": "Pagu",
                "value": "seribu",
                "message": "bukan nilai Rupiah; tulis mis. 1.250.000.000 atau Rp 1.250.000.000,00",
            }
        ],
    }
    table = run(plan, "-d", f"apbd={bad}")
    assert table.exit_code == 1 and "baris 2" in table.stderr and "Berkas ditolak" in table.stderr
    assert "Traceback" not in table.output


def test_usage_errors_are_one_line_and_exit_2(tmp_path):
    plan, renja, _ = files(tmp_path)
    cases = [
        (["-d", "renja"], "NAMA=BERKAS"),
        (["-d", f"sipd={renja}"], "Dokumen tidak dikenal: 'sipd'"),
        (["-d", f"renja={renja}", "-d", f"RENJA={renja}"], "dua kali"),
        (["-d", f"rkpd={tmp_path / 'tidak-ada.xlsx'}"], "tidak ditemukan"),
        (["--format", "xlsx"], "-o"),
        (["--format", "pdf"], "--format"),
    ]
    for extra, words in cases:
        result = run(plan, *extra)
        assert result.exit_code == 2, (extra, result.output)
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.output
    missing = run(tmp_path / "tidak-ada.xlsx", "--format", "json")
    assert missing.exit_code == 2 and json.loads(missing.stdout)["ok"] is False


def test_runs_without_settings_or_database(tmp_path):
    plan, renja, _ = files(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "KONVERGENSI", "DATABASE"))}
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "konvergensi",
            "plan",
            "integration",
            str(plan),
            "--document",
            f"renja={renja}",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["summary"] == {"renja": {"masuk": 1, "sebagian": 1, "tidak_masuk": 1}}
