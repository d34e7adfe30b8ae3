"""The plan's documents: Tabel 2.2 and 2.3 as Excel (read back by the plan reader), PDF and Word; the
integration matrices as Excel."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from konvergensi.plans import documents, selectors
from konvergensi.plans.models import BudgetDocument, Plan, PlanRow, Stage, StageRecord
from konvergensi.wilayah.models import Region
from konvergensi_core.io.plan import read_plan_sheet
from tests.conftest import DESA, KAB, KEC, OTHER_KEC

PMT = 1_250_000_000
KELAS = 250_000_000


@pytest.fixture
def plan(world):
    plan = Plan.objects.create(kabkota_id=KAB, tahun=2026, created_by=world.user("operator"))
    opd = world.opd
    add = [
        {"group": 1, "masalah": "Cakupan PMT balita gizi kurang rendah di desa lokus",
         "rekomendasi": "Perluas PMT lokal", "code": "1.02.02.2.02.0016",
         "activity": "Pemberian makanan tambahan lokal bagi balita",
         "indicator": "Cakupan balita gizi kurang mendapat PMT", "baseline": "40", "target": "90", "unit": "%",
         "locations": [DESA, OTHER_KEC], "budget": PMT, "source": "apbd_kabkota", "opd": opd["Dinkes"],
         "schedule": "Januari–Desember 2026", "row_class": "baru_dengan_anggaran"},
        {"group": 1, "activity": "Kelas ibu hamil di desa lokus", "target": "12", "unit": "kali",
         "locations": [KEC], "budget": KELAS, "source": "dana_desa", "opd": opd["DPMD"],
         "schedule": "Triwulan II", "row_class": "disesuaikan", "adjustments": ["lokus"]},
        {"group": 3, "masalah": "Data e-PPGBM tidak lengkap", "activity": "Pelatihan entri data e-PPGBM",
         "budget": None, "opd": opd["Dinkes"], "row_class": "baru_tanpa_anggaran"},
        {"group": 4, "activity": "Rapat koordinasi TPPS triwulanan", "budget": 0, "opd": opd["Bappeda"],
         "source": "apbd_kabkota", "row_class": "tetap"},
    ]  # fmt: skip
    for i, fields in enumerate(add):
        PlanRow.objects.create(plan=plan, urutan=i, **fields)
    return plan


def test_filename_names_the_district_year_and_version(plan):
    assert documents.filename(plan, "pdf") == "rencana-kegiatan-3211-2026-v1.pdf"
    assert documents.filename(plan, "docx") == "rencana-kegiatan-3211-2026-v1.docx"
    assert documents.filename(plan, "integrasi") == "integrasi-rencana-kegiatan-3211-2026-v1.xlsx"
    with pytest.raises(ValueError):
        documents.filename(plan, "exe")


def _header_row(ws) -> int:
    return next(r for r in range(1, 20) if ws.cell(r, 1).value == "No")


def test_the_workbook_has_tabel_2_3_first_with_the_upload_columns(plan):
    wb = load_workbook(io.BytesIO(documents.plan_xlsx(plan)))
    assert wb.sheetnames == ["Tabel 2.3", "Tabel 2.2"]
    ws = wb["Tabel 2.3"]
    head = _header_row(ws)
    titles = [ws.cell(r, 1).value for r in range(1, head)]
    assert "TAHUN ANGGARAN 2026" in titles and "KABUPATEN/KOTA: KABUPATEN SUMEDANG" in titles
    assert [c.value for c in ws[head]] == [
        "No", "Kode Sub Kegiatan", "Program/Kegiatan", "Indikator Kinerja", "Baseline", "Target Kinerja",
        "Satuan", "Lokasi", "Anggaran", "Sumber Pendanaan", "OPD", "Jadwal", "Kelompok", "Kelas",
    ]  # fmt: skip
    first = {h.value: c for h, c in zip(ws[head], ws[head + 1], strict=True)}
    assert first["No"].value == "1.1"
    assert first["Anggaran"].value == PMT and "Rp" in first["Anggaran"].number_format
    assert first["OPD"].value == "Dinas Kesehatan"
    assert first["Sumber Pendanaan"].value == "APBD Kabupaten/Kota"
    desa, kec = Region.objects.get(kode=DESA).nama, Region.objects.get(kode=OTHER_KEC).nama
    # Jatinunggal is a kecamatan and a desa: the kecamatan is written so that it leads back to itself.
    assert first["Lokasi"].value == f"{desa}; Kecamatan {kec}"
    assert first["Kelas"].value == "Kegiatan baru dengan alokasi anggaran"
    numbers = [ws.cell(r, 1).value for r in range(head + 1, head + 5)]
    assert numbers == ["1.1", "1.2", "3.1", "4.1"]
    total = ws[head + 5]
    assert total[2].value == "Total" and total[8].value == PMT + KELAS
    # Columns wide enough to read the activity, places and amounts.
    assert ws.column_dimensions["C"].width >= 40 and ws.column_dimensions["I"].width >= 16


def test_tabel_2_2_has_every_group_its_subtotal_and_the_total(plan):
    ws = load_workbook(io.BytesIO(documents.plan_xlsx(plan)))["Tabel 2.2"]
    head = _header_row(ws)
    assert [c.value for c in ws[head]] == [
        "No", "Masalah yang dihadapi", "Rekomendasi kegiatan", "Target kinerja", "Lokasi", "Anggaran",
        "OPD penanggung jawab", "Waktu penyelesaian",
    ]  # fmt: skip
    lines = [[c.value for c in row] for row in ws.iter_rows(min_row=head + 1)]
    labels = [line[1] for line in lines if line[0] in ("1", "2", "3", "4")]
    assert labels[0].startswith("Perbaikan alokasi program/anggaran") and len(labels) == 4
    sums = {line[2]: line[5] for line in lines if line[2] and str(line[2]).startswith(("Sub total", "Total"))}
    assert sums == {"Sub total 1": PMT + KELAS, "Sub total 2": 0, "Sub total 3": 0, "Sub total 4": 0,
                    "Total": PMT + KELAS}  # fmt: skip
    row = next(line for line in lines if line[0] == "1.1")
    assert row[1] == "Cakupan PMT balita gizi kurang rendah di desa lokus" and row[2] == "Perluas PMT lokal"
    assert row[3] == "90 %" and row[5] == PMT and row[6] == "Dinas Kesehatan"
    # A row without its own recommendation text shows the activity.
    assert next(line for line in lines if line[0] == "1.2")[2] == "Kelas ibu hamil di desa lokus"


def test_the_workbook_reads_back_into_the_same_rows(plan, tmp_path):
    path = tmp_path / "rencana.xlsx"
    path.write_bytes(documents.plan_xlsx(plan))
    rows, problems = read_plan_sheet(path)
    assert not [p for p in problems if p.is_error], problems
    stored = selectors.rows_of(plan)
    nos = selectors.numbering(stored)
    resolve = selectors.resolver(KAB)
    assert len(rows) == len(stored)
    for read, row in zip(rows, stored, strict=True):
        assert read.no == nos[row.pk]
        assert read.activity == row.activity and read.code == row.code
        assert read.budget == row.budget  # 0 stays 0, no budget stays empty
        assert read.opd == (row.opd.nama if row.opd else "")
        assert [resolve(loc) for loc in read.locations] == row.locations
        assert read.group == row.group and read.row_class == row.row_class
        assert (read.target, read.unit, read.schedule) == (row.target, row.unit, row.schedule)
        assert read.source == (documents.rules.Totals.source_label(row.source) if row.source else "")
        assert documents.rules.parse_funding_source(read.source) == (row.source or None)


def test_a_place_whose_name_leads_elsewhere_is_written_as_its_code(plan):
    """Two desa of the district with one name: the name would not lead back, so the code is written."""
    desa = Region.objects.get(kode=DESA)
    twin = Region.objects.filter(level="desa", kode__startswith=KAB + ".").exclude(kode=DESA).first()
    twin.nama = desa.nama
    twin.save(update_fields=["nama"])
    ws = load_workbook(io.BytesIO(documents.plan_xlsx(plan)))["Tabel 2.3"]
    head = _header_row(ws)
    assert ws.cell(head + 1, 8).value.split("; ")[0] == DESA


def _pdf_text(pdf: bytes, tmp_path) -> str:
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "rencana.pdf"
    path.write_bytes(pdf)
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed for this test"
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def test_the_pdf_has_both_tables_amounts_subtotals_and_the_signature(plan, tmp_path):
    StageRecord.objects.create(plan=plan, stage=Stage.DRAF, date=dt.date(2026, 3, 2))
    text = _pdf_text(documents.plan_pdf(plan), tmp_path)
    flat = " ".join(text.split())
    assert "Tabel 2.2. Rencana Kegiatan Peningkatan Integrasi" in flat
    assert "Tabel 2.3. Rencana Program dan Kegiatan" in flat
    words = set(flat.split())
    for header in ("Masalah yang dihadapi", "Rekomendasi kegiatan", "OPD penanggung jawab", "Waktu penyelesaian",
                   "Program/Kegiatan", "Indikator kinerja", "Sumber pendanaan", "Jadwal pelaksanaan"):  # fmt: skip
        assert set(header.split()) <= words, header  # a header may wrap in its narrow column
    assert "Kabupaten Sumedang" in flat and "TAHUN ANGGARAN 2026" in flat
    assert "Rp 1.250.000.000" in flat and "Sub total 1" in flat
    assert "Rp 1.500.000.000" in flat  # the subtotal of group 1 and the total
    assert "Kelas ibu hamil di desa lokus" in flat and "Rp 250.000.000" in flat
    assert "Tim Penyusun Rencana Kegiatan" in flat and "Tanggal: Sumedang, 2 Mar 2026" in flat
    assert "versi 1" in flat and "Rancangan" in flat  # the footer


def test_the_word_document_has_both_tables(plan):
    doc = Document(io.BytesIO(documents.plan_docx(plan)))
    assert len(doc.tables) == 2
    t22 = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    t23 = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert t22[0][1] == "Masalah yang dihadapi"
    assert not any("{%" in cell or "{{" in cell for row in t22 + t23 for cell in row)
    first = next(row for row in t22 if row[0] == "1.1")
    assert first[2] == "Perluas PMT lokal" and first[5] == "Rp 1.250.000.000"
    subtotals = {row[1]: row[5] for row in t22 if row[1].startswith(("Sub total", "Total"))}
    assert subtotals == {"Sub total 1": "Rp 1.500.000.000", "Sub total 2": "Rp 0", "Sub total 3": "Rp 0",
                         "Sub total 4": "Rp 0", "Total": "Rp 1.500.000.000"}  # fmt: skip
    assert [row[0] for row in t23[1:-1]] == ["1.1", "1.2", "3.1", "4.1"]
    assert "Pelatihan entri data e-PPGBM" in t23[3][1] and t23[-1][6] == "Rp 1.500.000.000"
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Tim Penyusun Rencana Kegiatan" in body and "Kabupaten Sumedang" in body


def test_an_empty_plan_still_makes_its_documents(world, tmp_path):
    plan = Plan.objects.create(kabkota_id=KAB, tahun=2027)
    text = " ".join(_pdf_text(documents.plan_pdf(plan), tmp_path).split())
    assert "Sub total 4" in text and "Total Rp 0" in text
    ws = load_workbook(io.BytesIO(documents.plan_xlsx(plan)))["Tabel 2.3"]
    assert ws.cell(_header_row(ws) + 1, 3).value == "Total"
    assert len(Document(io.BytesIO(documents.plan_docx(plan))).tables) == 2


def test_the_integration_workbook_matches_the_plan_against_the_documents(plan):
    BudgetDocument.objects.create(
        kabkota_id=KAB, tahun=2026, kind="apbd", original_name="apbd.xlsx", n_rows=1, total_pagu=PMT,
        rows=[{"code": "1.02.02.2.02.0016", "name": "Pemberian makanan tambahan", "opd": "Dinas Kesehatan",
               "indicator": "", "target": "", "unit": "", "locations": [], "pagu": PMT, "sheet": "APBD", "row": 2}],
    )  # fmt: skip
    wb = load_workbook(io.BytesIO(documents.integration_xlsx(plan)))
    cells = [
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    assert "Pemberian makanan tambahan lokal bagi balita" in cells
    assert any(c.lower() == "masuk" for c in cells)
