"""Budget tagging in Chromium: the operator downloads the template, uploads it filled with mistakes, reads
each mistake by row and column, uploads the corrected file, saves it, reads the district's figures; the
province then sees the district beside its neighbours. Every page is watched for CSP violations, script
errors and 5xx."""

from __future__ import annotations

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from konvergensi.budget.models import BudgetLine
from tests.conftest import ensure_catalogue

from .conftest import KAB
from .test_aksi_flow import TIMEOUT, expect_success, login

pytestmark = pytest.mark.browser

LINES = [
    ("1.02.02.2.02.0016", "Gizi masyarakat", "Dinas Kesehatan", "DAK non-fisik", "Rp 1.250.000.000", 300_000_000,
     "spesifik", "balita; baduta", "C03", "ya"),
    ("1.03.03.2.01.0007", "SPAM perdesaan", "Dinas Pekerjaan Umum dan Penataan Ruang", "DAU", 2_000_000_000, 0,
     "sensitif", "keluarga", "F01", "tidak"),
]  # fmt: skip


def fill(path, lines) -> None:
    wb = load_workbook(path)
    ws = wb["Anggaran"]
    head = next(r for r in ws.iter_rows() if any(c.value == "Kode Sub Kegiatan" for c in r))
    cols = {c.value: c.column for c in head}
    for i, (code, name, opd, source, pagu, tw1, category, groups, indicators, direct) in enumerate(lines):
        row = head[0].row + 1 + i
        for header, value in (("Kode Sub Kegiatan", code), ("Nama Sub Kegiatan", name), ("Perangkat Daerah", opd),
                              ("Sumber Dana", source), ("Pagu", pagu), ("Realisasi TW1", tw1), ("Kategori", category),
                              ("Kelompok Sasaran", groups), ("Indikator", indicators),
                              ("Langsung ke Sasaran", direct)):  # fmt: skip
            ws.cell(row, cols[header], value)
    wb.save(path)


def test_template_mistakes_fixed_dashboard_and_province(accounts, new_page, problems, shots, tmp_path):
    ensure_catalogue()
    tahun = timezone.localdate().year
    page = new_page()
    login(page, accounts.operator.username, accounts.password)
    page.goto(f"/pantau/kabkota/{KAB}/?tahun={tahun}")
    page.get_by_role("link", name="Anggaran stunting").click()
    expect(page.locator("h1")).to_contain_text("Anggaran penurunan stunting", timeout=TIMEOUT)
    page.locator(".subnav a", has_text="Baris anggaran").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh templat Excel").click()
    path = tmp_path / "anggaran.xlsx"
    download.value.save_as(path)
    wrong = [list(line) for line in LINES]
    wrong[0][6] = "penting"  # no such category
    wrong[1][5] = 3_000_000_000  # realisation above the pagu
    fill(path, wrong)
    page.locator('#unggah input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("h2", has_text="Belum dapat disimpan")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("table.problems")).to_contain_text("Kategori")
    expect(page.locator("table.problems")).to_contain_text("Realisasi TW1")
    expect(page.locator("#commit")).to_have_count(0)
    shots(page, "60-anggaran-salah")
    assert not BudgetLine.objects.exists()

    page.locator("#cancel").click()
    fill(path, LINES)
    page.goto(f"/anggaran/{KAB}/baris/?tahun={tahun}")
    page.locator('#unggah input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("h2", has_text="Siap disimpan")).to_be_visible(timeout=TIMEOUT)
    page.locator("#commit").click()
    expect_success(page, "Anggaran disimpan: 2 baru")
    expect(page.locator("#pagu")).to_have_text("Rp 3.250.000.000")
    expect(page.locator("#direct-share")).to_have_text("38,5 %")
    shots(page, "61-anggaran-ringkasan")
    assert BudgetLine.objects.count() == 2

    province = new_page()
    login(province, accounts.provinsi.username, accounts.password)
    province.goto(f"/pantau/provinsi/32/?tahun={tahun}")
    province.get_by_role("link", name="Anggaran stunting kabupaten/kota").click()
    expect(province.locator("#districts")).to_contain_text("Kabupaten Sumedang", timeout=TIMEOUT)
    expect(province.locator("#districts")).to_contain_text("Rp 3.250.000.000")
    shots(province, "62-anggaran-provinsi")

    assert not problems.csp, problems.csp
    assert not problems.js_errors, problems.js_errors
    assert not problems.console_errors, problems.console_errors
    assert not problems.server_errors, problems.server_errors
