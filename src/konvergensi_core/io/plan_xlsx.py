"""The integration matrices of a plan (Aksi 2) as a formatted workbook, laid out like the guideline.

Sheets: ``Tabel 2.4`` (Matriks Pemantauan Integrasi Rencana Kegiatan: Renja OPD, RKPD) and
``Tabel 2.5`` (Matriks Pemantauan Integrasi Anggaran: KUA-PPAS, APBD, APBD-P), each written when
one of its documents was given (Tabel 2.4 also when none was): the plan's columns (No, Kode Sub
Kegiatan, Program/Kegiatan, Indikator Kinerja, Target Kinerja, Satuan, Lokasi, Anggaran, Sumber
Dana, OPD), then per document Target Kinerja, Lokasi, Anggaran and Status (green masuk, amber
sebagian, red tidak masuk; the reason in the cell's comment); ``Di luar rencana`` (the document
lines no plan row matched) and ``Ringkasan`` (per document: number and rupiah of each status).
Every text goes through ``safe_text``.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..plan.matching import DOCUMENTS, STATUS_LABELS, TABLE_2_4, TABLE_2_5, Integration, Status
from .cells import safe_row, safe_text

STATUS_FILL = {Status.MASUK: "C6EFCE", Status.SEBAGIAN: "FFEB9C", Status.TIDAK_MASUK: "FFC7CE"}
HEADER_FILL = "1F4E78"
PLAN_FILL = "DDEBF7"
DOC_FILL = "FCE4D6"
RUPIAH = "#,##0"
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
PLAN_HEADERS = (
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
)
DOC_HEADERS = ("Target Kinerja", "Lokasi", "Anggaran", "Status")
SHEETS = (
    ("Tabel 2.4", "Tabel 2.4. Matriks Pemantauan Integrasi Rencana Kegiatan", TABLE_2_4),
    ("Tabel 2.5", "Tabel 2.5. Matriks Pemantauan Integrasi Anggaran Rencana Kegiatan", TABLE_2_5),
)
WIDTHS = {"No": 6, "Kode Sub Kegiatan": 20, "Program/Kegiatan": 40, "Indikator Kinerja": 28, "OPD": 24}


def _fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


def _header(cell, color: str = HEADER_FILL, font_color: str = "FFFFFF") -> None:
    cell.font = Font(bold=True, color=font_color)
    cell.fill = _fill(color)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.border = BORDER


def _target(text: str, unit: str) -> str:
    return f"{text} {unit}".strip()


def _matrix(
    wb: Workbook, integration: Integration, name: str, heading: str, keys: list[str], title: str
) -> None:
    ws = wb.create_sheet(name)
    ws.cell(row=1, column=1, value=safe_text(heading)).font = Font(bold=True, size=12)
    if title:
        ws.cell(row=2, column=1, value=safe_text(title)).font = Font(italic=True)
    group_row, head_row = 3, 4
    width = len(PLAN_HEADERS)
    ws.cell(row=group_row, column=1, value="Rencana Kegiatan")
    ws.merge_cells(start_row=group_row, start_column=1, end_row=group_row, end_column=width)
    _header(ws.cell(row=group_row, column=1), PLAN_FILL, "000000")
    for i, key in enumerate(keys):
        start = width + 1 + i * len(DOC_HEADERS)
        ws.cell(row=group_row, column=start, value=DOCUMENTS.get(key, key))
        ws.merge_cells(start_row=group_row, start_column=start, end_row=group_row, end_column=start + 3)
        _header(ws.cell(row=group_row, column=start), DOC_FILL, "000000")
    headers = list(PLAN_HEADERS) + list(DOC_HEADERS) * len(keys)
    for col, text in enumerate(headers, start=1):
        ws.cell(row=head_row, column=col, value=text)
        _header(ws.cell(row=head_row, column=col))
    r = head_row
    for item in integration.rows:
        r += 1
        row = item.row
        values: list[object] = [
            row.no,
            row.code,
            row.activity,
            row.indicator,
            row.target,
            row.unit,
            "; ".join(row.locations),
            row.budget,
            row.source,
            row.opd,
        ]
        for key in keys:
            match = item.documents[key]
            lines = integration.doc_lines(key, match)
            targets = dict.fromkeys(_target(d.target, d.unit) for d in lines if d.target.strip())
            locations = dict.fromkeys(loc for d in lines for loc in d.locations)
            values += ["; ".join(targets), "; ".join(locations), match.pagu, STATUS_LABELS[match.status]]
        for col, value in enumerate(safe_row(values), start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.cell(row=r, column=8).number_format = RUPIAH
        for i, key in enumerate(keys):
            match = item.documents[key]
            start = width + 1 + i * len(DOC_HEADERS)
            ws.cell(row=r, column=start + 2).number_format = RUPIAH
            status = ws.cell(row=r, column=start + 3)
            status.fill = _fill(STATUS_FILL[match.status])
            status.alignment = Alignment(horizontal="center", vertical="top")
            if match.reason and match.status is not Status.MASUK:
                status.comment = Comment(match.reason, "Konvergensi")
    r += 1
    ws.cell(row=r, column=3, value="Total").font = Font(bold=True)
    total = ws.cell(row=r, column=8, value=sum(item.row.budget or 0 for item in integration.rows))
    total.font, total.number_format = Font(bold=True), RUPIAH
    for i, key in enumerate(keys):
        cell = ws.cell(row=r, column=width + 3 + i * len(DOC_HEADERS), value=integration.summary[key]["pagu"])
        cell.font, cell.number_format = Font(bold=True), RUPIAH
    legend = r + 2
    ws.cell(row=legend, column=2, value="Keterangan status").font = Font(bold=True)
    explain = {
        Status.MASUK: "ditemukan, pagu ≥ anggaran rencana, semua lokasi rencana ada",
        Status.SEBAGIAN: "ditemukan, tetapi pagu di bawah anggaran rencana atau ada lokasi yang tidak ada",
        Status.TIDAK_MASUK: "tidak ditemukan dalam dokumen",
    }
    for i, status in enumerate(Status):
        ws.cell(row=legend + 1 + i, column=1).fill = _fill(STATUS_FILL[status])
        ws.cell(row=legend + 1 + i, column=2, value=f"{STATUS_LABELS[status]}: {explain[status]}")
    ws.freeze_panes = ws.cell(row=head_row + 1, column=4)
    for col, text in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(text, 16)
    ws.row_dimensions[head_row].height = 30


def write_integration_xlsx(integration: Integration, out: Path | str | IO[bytes], *, title: str = "") -> None:
    """Write the matrices, the unplanned lines and the summary to ``out`` (a path or a stream)."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    keys = integration.document_keys
    for name, heading, table in SHEETS:
        chosen = [k for k in keys if k in table]
        if name == "Tabel 2.4":
            chosen += [k for k in keys if k not in TABLE_2_4 and k not in TABLE_2_5]
            if not keys:
                chosen = []
            elif not chosen:
                continue
        elif not chosen:
            continue
        _matrix(wb, integration, name, heading, chosen, title)

    ws = wb.create_sheet("Di luar rencana")
    ws.cell(row=1, column=1, value="Baris dokumen yang tidak ada dalam rencana kegiatan").font = Font(
        bold=True
    )
    headers = [
        "Dokumen",
        "Kode Sub Kegiatan",
        "Nama Sub Kegiatan",
        "Perangkat Daerah",
        "Indikator",
        "Target",
        "Satuan",
        "Lokasi",
        "Pagu",
        "Lembar",
        "Baris",
    ]
    for col, text in enumerate(headers, start=1):
        ws.cell(row=3, column=col, value=text)
        _header(ws.cell(row=3, column=col))
    r = 3
    for key, lines in integration.unplanned.items():
        for d in lines:
            r += 1
            values = [
                DOCUMENTS.get(key, key),
                d.code,
                d.name,
                d.opd,
                d.indicator,
                d.target,
                d.unit,
                "; ".join(d.locations),
                d.pagu,
                d.sheet,
                d.row,
            ]
            for col, value in enumerate(safe_row(values), start=1):
                ws.cell(row=r, column=col, value=value).border = BORDER
            ws.cell(row=r, column=9).number_format = RUPIAH
    if r == 3:
        ws.cell(row=4, column=1, value="Tidak ada: setiap baris dokumen ada dalam rencana.")
    for col, width in enumerate((12, 20, 40, 24, 28, 12, 10, 24, 16, 12, 8), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A4"

    ws = wb.create_sheet("Ringkasan")
    ws.cell(row=1, column=1, value=safe_text(title or "Ringkasan integrasi rencana kegiatan")).font = Font(
        bold=True
    )
    headers = ["Dokumen"]
    for status in Status:
        headers += [f"{STATUS_LABELS[status]} (kegiatan)", f"{STATUS_LABELS[status]} (anggaran rencana)"]
    headers += ["Pagu ditemukan", "Di luar rencana (baris)", "Di luar rencana (pagu)"]
    for col, text in enumerate(headers, start=1):
        ws.cell(row=3, column=col, value=text)
        _header(ws.cell(row=3, column=col))
    for r, key in enumerate(keys, start=4):
        s = integration.summary[key]
        line: list[object] = [DOCUMENTS.get(key, key)]
        for status in Status:
            line += [s[status.value], s[f"budget_{status.value}"]]
        line += [s["pagu"], s["unplanned"], s["unplanned_pagu"]]
        for col, value in enumerate(safe_row(line), start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.border = BORDER
            if col in (3, 5, 7, 8, 10):  # rupiah; the others are counts
                cell.number_format = RUPIAH
        for i, status in enumerate(Status):
            ws.cell(row=r, column=2 + 2 * i).fill = _fill(STATUS_FILL[status])
    ws.column_dimensions["A"].width = 14
    for col in range(2, len(headers) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 18
    if title:
        wb.properties.title = title
    wb.save(out)
