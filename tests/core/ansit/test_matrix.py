"""The prioritisation matrix (Tabel 1.2) as data and as a formatted Excel sheet."""

import io

from openpyxl import load_workbook

from konvergensi_core.ansit import PrevalenceCategory, prioritisation_matrix, rank_lokus, select_lokus
from konvergensi_core.ansit.categories import Category
from konvergensi_core.io.ansit_xlsx import (
    COVERAGE_FILL,
    NO_DATA_FILL,
    PREVALENCE_FILL,
    SHEET,
    write_matrix_xlsx,
)


def ranking():
    return select_lokus(
        rank_lokus(
            ["D1", "D2", "D3"],
            prevalence=[35, 12, 22],
            cases=[10, 3, 8],
            coverage={"U01": [40, 95, None], "U02": [60, 75, 91]},
            indicator_labels={"U01": "U01 Cakupan K4", "U02": "U02 TTD"},
        ),
        count=1,
    )


def test_matrix_rows_follow_the_ranking_with_categories_of_every_cell():
    matrix = prioritisation_matrix(ranking())
    assert [r.desa for r in matrix.rows] == ["D1", "D3", "D2"]
    first = matrix.rows[0]
    assert first.prevalence_category is PrevalenceCategory.SANGAT_TINGGI
    assert [c.category for c in first.cells] == [Category.SANGAT_RENDAH, Category.RENDAH]
    assert matrix.rows[1].cells[0].category is None and matrix.rows[1].cells[1].category is Category.MEMADAI
    assert matrix.rows[2].cells[1].category is Category.HAMPIR_MEMADAI
    assert first.selected is True and matrix.rows[1].selected is False
    data = matrix.as_dict()
    assert data["indicators"][0] == {"code": "U01", "label": "U01 Cakupan K4"}
    assert data["rows"][0]["cells"][0]["category_label"] == "Sangat Rendah"


def color(cell):
    return cell.fill.start_color.rgb[-6:]


def test_excel_sheet_is_coloured_by_category_with_a_frozen_header_and_a_legend():
    buffer = io.BytesIO()
    write_matrix_xlsx(prioritisation_matrix(ranking()), buffer, names={"D1": "Cimungkal"})
    buffer.seek(0)
    wb = load_workbook(buffer)
    ws = wb[SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["Peringkat", "Desa", "Nama Desa", "Prevalensi (%)", "Kategori Prevalensi"]
    assert headers[5:7] == ["U01", "U02"] and "Terpilih Lokus" in headers
    assert ws.freeze_panes == "C2"
    assert [ws.cell(row=r, column=2).value for r in (2, 3, 4)] == ["D1", "D3", "D2"]
    assert ws["C2"].value == "Cimungkal"
    assert color(ws["D2"]) == PREVALENCE_FILL[PrevalenceCategory.SANGAT_TINGGI]
    assert color(ws["F2"]) == COVERAGE_FILL[Category.SANGAT_RENDAH]
    assert color(ws["G2"]) == COVERAGE_FILL[Category.RENDAH]
    assert color(ws["F3"]) == NO_DATA_FILL and ws["F3"].value is None
    assert color(ws["G3"]) == COVERAGE_FILL[Category.MEMADAI]
    assert COVERAGE_FILL[Category.MEMADAI] == "63BE7B" and COVERAGE_FILL[Category.SANGAT_RENDAH] == "F8696B"
    texts = [c.value for row in ws.iter_rows(min_row=5) for c in row if isinstance(c.value, str)]
    assert "Keterangan" in texts and "Cakupan Memadai (> 90 %)" in texts
    assert any(t.startswith("Prevalensi Sangat Tinggi") for t in texts)
    assert [c.value for c in wb["Indikator"]["B"]][1:] == ["U01 Cakupan K4", "U02 TTD"]


def test_an_empty_ranking_still_writes_a_valid_workbook(tmp_path):
    path = tmp_path / "kosong.xlsx"
    write_matrix_xlsx(prioritisation_matrix(rank_lokus([])), path)
    assert load_workbook(path)[SHEET]["A1"].value == "Peringkat"
