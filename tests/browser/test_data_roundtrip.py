"""Coverage data through the browser: the Excel round trip with a file containing errors, then
corrected, and the keyboard grid that saves a cell without reloading the page.

The Sumedang operator downloads the template, fills it in Excel (openpyxl stands in for Excel),
with two mistakes; the upload lists both with sheet, row and column and saves nothing; the corrected
file shows a preview and is committed; the grid then shows the values and saves an edit in place.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from konvergensi.indicators.models import DataValue
from konvergensi_core import datadesa
from tests.conftest import ensure_catalogue

from .conftest import KAB
from .test_aksi_flow import TIMEOUT, login

pytestmark = pytest.mark.browser

DESA_ROW = "3211012001"  # Cimungkal, Wado: the first desa of the template


def fill(path, edits: dict[str, object]) -> bytes:
    wb = load_workbook(path)
    ws = wb[datadesa.SHEET]
    header = [c.value for c in ws[datadesa.HEADER_ROW]]
    row = next(r for r in range(datadesa.HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == DESA_ROW)
    for column, value in edits.items():
        ws.cell(row, header.index(column) + 1, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excel_round_trip_with_errors_then_corrected_and_grid_edit(
    accounts, new_page, problems, shots, tmp_path
):
    ensure_catalogue()
    page = new_page()
    login(page, accounts.operator.username, accounts.password)
    page.goto(f"/data/{KAB}/unggah/")
    expect(page.locator("h1")).to_contain_text("Excel", timeout=TIMEOUT)
    page.locator('input[name="periode"]').fill("2025")
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh templat Excel").click()
    template = tmp_path / "templat.xlsx"
    download.value.save_as(template)
    assert download.value.suggested_filename.startswith("templat-cakupan-3211-2025")

    # Two mistakes: more served than targeted, and a word where a number belongs.
    wrong = tmp_path / "isi-salah.xlsx"
    wrong.write_bytes(
        fill(template, {"U01 Pembilang": 15, "U01 Penyebut": 10, "U02 Pembilang": "dua", "U02 Penyebut": 9})
    )
    page.locator('input[name="file"]').set_input_files(str(wrong))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("#problem-count")).to_have_text("2", timeout=TIMEOUT)
    table = page.locator("table.problems")
    expect(table).to_contain_text("pembilang (15) lebih besar dari penyebut (10)")
    expect(table).to_contain_text("bukan angka")
    expect(table.locator("tr", has_text="lebih besar").locator("td").nth(2)).to_have_text("D")
    expect(page.locator("#commit")).to_have_count(0)
    shots(page, "20-unggah-bermasalah")
    with page.expect_download() as report:
        page.get_by_role("link", name=re.compile("Unduh daftar masalah")).click()
    rows = list(
        load_workbook(io.BytesIO(report.value.path().read_bytes())).active.iter_rows(values_only=True)
    )
    assert len(rows) == 3 and rows[1][0] == "Data"
    assert not DataValue.objects.exists()

    # Corrected and uploaded again: a preview, then one click saves all.
    right = tmp_path / "isi-benar.xlsx"
    right.write_bytes(
        fill(template, {"U01 Pembilang": 8, "U01 Penyebut": 10, "U02 Pembilang": 7, "U02 Penyebut": 9})
    )
    page.goto(f"/data/{KAB}/unggah/")
    page.locator('form[enctype] input[name="file"]').set_input_files(str(right))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("#problem-count")).to_have_text("0", timeout=TIMEOUT)
    expect(page.locator(".card.next")).to_contain_text("2 nilai baru")
    shots(page, "21-unggah-pratinjau")
    page.locator("#commit").click()
    expect(page.locator(".messages .msg-success")).to_contain_text("2 baru", timeout=TIMEOUT)
    assert DataValue.objects.get(desa_id="32.11.01.2001", indicator__kode="U01").numerator == 8

    # The grid shows the saved figures and saves an edit in place, with the percentage.
    page.goto(f"/data/{KAB}/isi/?kec=32.11.01&periode=2025&set=2018")
    cell = page.locator('td.cellpair[data-desa="32.11.01.2001"][data-indikator="U01"]')
    expect(cell.locator("input.num")).to_have_value("8", timeout=TIMEOUT)
    cell.locator("input.num").fill("9")
    cell.locator("input.num").press("Enter")
    expect(cell).to_have_class(re.compile("saved"), timeout=TIMEOUT)
    expect(cell.locator(".pct")).to_have_text("90%")
    shots(page, "22-grid")
    value = DataValue.objects.get(desa_id="32.11.01.2001", indicator__kode="U01")
    assert (value.numerator, value.version) == (9, 2)
    assert not problems.csp and not problems.js_errors and not problems.server_errors, problems
