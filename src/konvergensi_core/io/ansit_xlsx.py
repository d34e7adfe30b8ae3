"""The prioritisation matrix of focus villages (Tabel 1.2) as a formatted Excel sheet.

One sheet ``Matriks Prioritisasi``: a header row (frozen, with the Peringkat/Desa columns) in
Indonesian, one row per desa in the lokus ranking's order, the coverage of each main indicator
coloured by its category (Memadai green, Hampir Memadai yellow, Rendah orange, Sangat Rendah red,
no data grey) and the prevalence coloured by its category (Sangat Tinggi red … Sangat Rendah
green), then the legend under the table, as in the guideline. A second sheet ``Indikator`` lists
the indicator codes with their full column headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..ansit.categories import CATEGORY_LABEL, PREVALENCE_LABEL, Category, PrevalenceCategory
from ..ansit.matrix import PrioritisationMatrix
from .cells import safe_row, safe_text

SHEET = "Matriks Prioritisasi"
COVERAGE_FILL = {
    Category.MEMADAI: "63BE7B",  # green
    Category.HAMPIR_MEMADAI: "FFEB84",  # yellow
    Category.RENDAH: "F4A460",  # orange
    Category.SANGAT_RENDAH: "F8696B",  # red
}
PREVALENCE_FILL = {
    PrevalenceCategory.SANGAT_TINGGI: "F8696B",
    PrevalenceCategory.TINGGI: "F4A460",
    PrevalenceCategory.RENDAH: "FFEB84",
    PrevalenceCategory.SANGAT_RENDAH: "63BE7B",
}
NO_DATA_FILL = "D9D9D9"
HEADER_FILL = "1F4E78"
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Ya" if value else "Tidak")


def write_matrix_xlsx(
    matrix: PrioritisationMatrix,
    target: Path | str | IO[bytes],
    *,
    title: str | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """Write ``matrix`` to ``target`` (a path or a binary stream). ``names``: desa code → name, for
    a "Nama Desa" column when the units are codes; ``title``: the workbook's title property."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    bands = matrix.prevalence_bands
    fixed = (
        ["Peringkat", "Desa"] + (["Nama Desa"] if names else []) + ["Prevalensi (%)", "Kategori Prevalensi"]
    )
    tail = ["Indikator Cakupan Rendah", "Indikator Berdata", "Memenuhi Kriteria", "Terpilih Lokus"]
    headers = fixed + list(matrix.indicators) + tail
    header_font = Font(bold=True, color="FFFFFF")
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col, value=safe_text(text))
        cell.font = header_font
        cell.fill = _fill(HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    first_indicator = len(fixed) + 1
    prevalence_col = fixed.index("Prevalensi (%)") + 1

    for r, row in enumerate(matrix.rows, start=2):
        values: list[object] = [row.rank, row.desa] + ([names.get(row.desa, "")] if names else [])
        values += [
            row.prevalence,
            row.prevalence_category.label if row.prevalence_category else "Tidak ada data",
        ]
        for col, value in enumerate(safe_row(values), start=1):
            ws.cell(row=r, column=col, value=value).border = BORDER
        prevalence_cells = (ws.cell(row=r, column=prevalence_col), ws.cell(row=r, column=prevalence_col + 1))
        color = PREVALENCE_FILL[row.prevalence_category] if row.prevalence_category else NO_DATA_FILL
        for cell in prevalence_cells:
            cell.fill = _fill(color)
        prevalence_cells[0].number_format = "0.0"
        for offset, item in enumerate(row.cells):
            cell = ws.cell(row=r, column=first_indicator + offset, value=item.coverage)
            cell.fill = _fill(COVERAGE_FILL[item.category] if item.category else NO_DATA_FILL)
            cell.number_format = "0.0"
            cell.alignment = Alignment(horizontal="center")
            cell.border = BORDER
        after = first_indicator + len(row.cells)
        for offset, value in enumerate(
            [row.low_coverage_count, row.coverage_count, _yes_no(row.eligible), _yes_no(row.selected)]
        ):
            cell = ws.cell(row=r, column=after + offset, value=value)
            cell.alignment = Alignment(horizontal="center")
            cell.border = BORDER

    legend = len(matrix.rows) + 3
    ws.cell(row=legend, column=2, value="Keterangan").font = Font(bold=True)
    line = legend + 1
    ws.cell(row=line, column=2, value="Prevalensi stunting").font = Font(italic=True)
    for i, (cat, color) in enumerate(PREVALENCE_FILL.items()):
        text = f"Prevalensi {PREVALENCE_LABEL[cat]} ({_prevalence_range(cat, bands)})"
        ws.cell(row=line + 1 + i, column=1).fill = _fill(color)
        ws.cell(row=line + 1 + i, column=2, value=text)
    line += len(PREVALENCE_FILL) + 2
    ws.cell(row=line, column=2, value="Cakupan intervensi").font = Font(italic=True)
    coverage_order = (Category.SANGAT_RENDAH, Category.RENDAH, Category.HAMPIR_MEMADAI, Category.MEMADAI)
    for i, coverage in enumerate(coverage_order):
        text = f"Cakupan {CATEGORY_LABEL[coverage]}" + (" (> 90 %)" if coverage is Category.MEMADAI else "")
        ws.cell(row=line + 1 + i, column=1).fill = _fill(COVERAGE_FILL[coverage])
        ws.cell(row=line + 1 + i, column=2, value=text)
    ws.cell(row=line + 5, column=1).fill = _fill(NO_DATA_FILL)
    ws.cell(row=line + 5, column=2, value="Tidak ada data")
    ws.cell(
        row=line + 7,
        column=2,
        value="Cakupan rendah = Rendah atau Sangat Rendah menurut batas kategori tiap indikator.",
    )

    ws.freeze_panes = ws.cell(row=2, column=3)  # header row and the Peringkat/Desa columns
    ws.row_dimensions[1].height = 32
    widths = {1: 10, 2: 18}
    for col in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(
            col, 12 if col < first_indicator else 8
        )
    for offset in range(len(tail)):
        ws.column_dimensions[get_column_letter(first_indicator + len(matrix.indicators) + offset)].width = 14
    ws.column_dimensions[get_column_letter(prevalence_col + 1)].width = 16
    if names:
        ws.column_dimensions["C"].width = 24

    info = wb.create_sheet("Indikator")
    info.append(["Kode", "Indikator (judul kolom)"])
    for cell in info[1]:
        cell.font = Font(bold=True)
    for code in matrix.indicators:
        info.append(safe_row([code, matrix.indicator_labels.get(code, code)]))
    info.column_dimensions["A"].width = 10
    info.column_dimensions["B"].width = 70
    if title:
        wb.properties.title = title  # a document property, never a cell
    wb.save(target)


def _prevalence_range(cat: PrevalenceCategory, bands) -> str:
    def pct(x: float) -> str:
        return f"{x:g}".replace(".", ",") + " %"

    if cat is PrevalenceCategory.SANGAT_TINGGI:
        return f"≥ {pct(bands.sangat_tinggi)}"
    if cat is PrevalenceCategory.TINGGI:
        return f"{pct(bands.tinggi)} – < {pct(bands.sangat_tinggi)}"
    if cat is PrevalenceCategory.RENDAH:
        return f"{pct(bands.rendah)} – < {pct(bands.tinggi)}"
    return f"< {pct(bands.rendah)}"
