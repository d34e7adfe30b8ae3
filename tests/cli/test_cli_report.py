"""`konvergensi report KIND --kabkota KODE [--year N] -o FILE`: real documents through the registry
of the reports layer (the plan fixture of tests/plans, the situation analysis of tests/ansit), the
format from the suffix, and one Indonesian line — never a traceback — when there is nothing to
report (exit 1) or the command is wrong (exit 2)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from typer.testing import CliRunner

from konvergensi.cli import app
from tests.ansit.test_ansit import confirm_lokus, make_analysis, seed
from tests.conftest import KAB, ensure_catalogue
from tests.plans.test_documents import plan  # noqa: F401  (the fixture: a plan of four rows, 2026)

runner = CliRunner()


def report(*args: str):
    return runner.invoke(app, ["report", *args])


def pdf_text(path) -> str:
    assert path.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed for this test"
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    return lines[0]


def test_rencana_as_pdf_is_the_plan_on_the_shared_base(plan, tmp_path):  # noqa: F811
    out = tmp_path / "rencana.pdf"
    result = report("rencana", "--kabkota", "3211", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "rencana-kegiatan-3211-2026-v1.pdf" in result.stdout
    text = pdf_text(out)
    assert "Tabel 2.2. Rencana Kegiatan Peningkatan Integrasi" in text and "Rp 1.500.000.000" in text
    assert "Provinsi Jawa Barat · Kabupaten Sumedang" in text  # the district header of the base
    assert "Halaman 1 dari" in text and "Tim Penyusun Rencana Kegiatan" in text


def test_rencana_as_word_follows_the_suffix(plan, tmp_path):  # noqa: F811
    out = tmp_path / "rencana.DOCX"
    result = report("rencana", "--kabkota", KAB, "--year", "2026", "-o", str(out))
    assert result.exit_code == 0, result.output
    doc = Document(io.BytesIO(out.read_bytes()))
    assert len(doc.tables) == 2
    assert doc.tables[0].rows[0].cells[1].text == "Masalah yang dihadapi"


def test_a_year_without_a_plan_is_one_line_and_exit_1(plan, tmp_path):  # noqa: F811
    out = tmp_path / "rencana.pdf"
    result = report("rencana", "--kabkota", KAB, "--year", "2030", "-o", str(out))
    assert result.exit_code == 1
    assert one_line(result) == "Kabupaten Sumedang belum mempunyai rencana kegiatan 2030."
    assert not out.exists()


def test_ansit_is_the_situation_analysis_document(world, tmp_path):
    ensure_catalogue()
    seed()
    confirm_lokus(world, make_analysis(world))
    out = tmp_path / "ansit.pdf"
    result = report("ansit", "--kabkota", KAB, "-o", str(out))
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    assert "Analisis Situasi Program Penurunan Stunting" in text and "Desa Lokasi Fokus (Lokus)" in text
    assert (
        "Provinsi Jawa Barat · Kabupaten Sumedang" in text
        and "Analisis Situasi Kabupaten Sumedang 2026" in text
    )
    word = tmp_path / "ansit.docx"
    assert report("ansit", "--kabkota", KAB, "--year", "2026", "-o", str(word)).exit_code == 0
    body = "\n".join(p.text for p in Document(io.BytesIO(word.read_bytes())).paragraphs)
    assert "Analisis Situasi Program Penurunan Stunting" in body and "{{" not in body


@pytest.mark.parametrize(
    ("kind", "name", "line"),
    [
        ("ansit", "a.pdf", "Kabupaten Sumedang belum mempunyai analisis situasi."),
        ("publikasi", "p.pdf", "Kabupaten Sumedang belum mempunyai putaran pengukuran yang dipublikasikan."),
        ("publikasi", "p.docx", "Publikasi angka stunting hanya tersedia sebagai PDF."),
        ("rencana", "r.docx", "Kabupaten Sumedang belum mempunyai rencana kegiatan."),
    ],
)
def test_nothing_to_report_is_its_one_line_and_exit_1(world, tmp_path, kind, name, line):
    result = report(kind, "--kabkota", KAB, "-o", str(tmp_path / name))
    assert result.exit_code == 1
    assert one_line(result) == line
    assert not (tmp_path / name).exists()


def test_an_unknown_kind_lists_the_known_ones_and_exits_2(world, tmp_path):
    result = report("laporan", "--kabkota", KAB, "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    line = one_line(result)
    assert "Jenis dokumen tidak dikenal: 'laporan'" in line
    assert "ansit" in line and "publikasi" in line and "rencana" in line


@pytest.mark.parametrize("name", ["rencana.xlsx", "rencana"])
def test_a_suffix_other_than_pdf_or_docx_is_refused_with_exit_2(tmp_path, name):
    result = report("rencana", "--kabkota", KAB, "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert "Akhiran berkas -o harus .pdf atau .docx" in one_line(result)


def test_a_bad_or_unloaded_district_is_one_line(world, tmp_path):
    bad = report("rencana", "--kabkota", "32", "-o", str(tmp_path / "x.pdf"))
    assert bad.exit_code == 2 and one_line(bad) == "Galat: 32 bukan kode kabupaten/kota."
    unloaded = report("rencana", "--kabkota", "91.01", "-o", str(tmp_path / "x.pdf"))
    assert unloaded.exit_code == 1 and "belum dimuat" in one_line(unloaded)


def test_provinsi_is_only_for_the_province_documents_and_excludes_kabkota(world, tmp_path):
    out = str(tmp_path / "x.pdf")
    both = report("penilaian", "--kabkota", KAB, "--provinsi", "32", "-o", out)
    neither = report("penilaian", "-o", out)
    for result in (both, neither):
        assert result.exit_code == 2
        assert one_line(result) == "Galat: Sebutkan tepat satu: --kabkota KODE atau --provinsi KODE."
    district_only = report("rencana", "--provinsi", "32", "-o", out)
    assert district_only.exit_code == 2 and "per provinsi: penilaian" in one_line(district_only)
    not_a_province = report("penilaian", "--provinsi", KAB, "-o", out)
    assert not_a_province.exit_code == 2 and one_line(not_a_province) == f"Galat: {KAB} bukan kode provinsi."
    nothing = report("penilaian", "--provinsi", "32", "-o", out)
    assert nothing.exit_code == 1 and "belum mempunyai hasil penilaian kinerja" in one_line(nothing)
    assert not (tmp_path / "x.pdf").exists()
