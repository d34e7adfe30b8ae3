"""Excel files of Aksi 1: the upload template of the stunting distribution, and the annexes of the
situation-analysis document (the Tabel 1.2 matrix from ``konvergensi_core.io.ansit_xlsx`` plus the
lokus list, the unit table, coverage, programme gaps, recommendations and the Aksi 6 notes)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from konvergensi.wilayah.models import Puskesmas, Region
from konvergensi_core.io.cells import safe_row, safe_text

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="1F4E78", end_color="1F4E78")

UNIT_HEADERS = {
    "desa": ("Kode Desa", "Nama Desa"),
    "kecamatan": ("Kode Kecamatan", "Kecamatan"),
    "puskesmas": ("Kode Puskesmas", "Puskesmas"),
}


def _header(ws, values: Sequence[str], widths: Sequence[int] | None = None) -> None:
    ws.append(safe_row(values))
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for i, w in enumerate(widths or (), start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = w
    ws.freeze_panes = "A2"


def upload_template(*, kabkota: Region, level: str) -> bytes:
    """The district's units (codes and names) with empty figures, headers the reader recognises."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sebaran"
    code, name = UNIT_HEADERS[level]
    _header(ws, [code, name, "Jumlah Kasus", "Jumlah Diukur", "Prevalensi (%)"], (18, 30, 14, 14, 16))
    if level == "puskesmas":
        units = [(p.kode, p.nama) for p in Puskesmas.objects.filter(kabkota=kabkota).order_by("kode")]
    else:
        units = list(
            Region.objects.filter(level=level, kode__startswith=kabkota.kode + ".").values_list(
                "kode", "nama"
            )
        )
    for kode, nama in units:
        ws.append([safe_text(kode), safe_text(nama), None, None, None])
    info = wb.create_sheet("Petunjuk")
    for line in (
        f"Templat sebaran stunting {kabkota.nama}, per {level}.",
        "Isi Jumlah Kasus (anak stunting) dan Jumlah Diukur (anak yang diukur) per baris;",
        "atau Prevalensi (%) bila hanya prevalensi yang ada. Kosongkan bila tidak ada data.",
        "Jangan mengubah kode wilayah. Baris Total/Jumlah diabaikan.",
        "Unggah di Analisis situasi › Analisis baru › Berkas CSV/XLSX.",
    ):
        info.append([safe_text(line)])
    info.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence], widths=None) -> None:
    ws = wb.create_sheet(title[:31])
    _header(ws, headers, widths)
    for row in rows:
        ws.append(safe_row(row))


def annex_workbook(
    *, matrix_bytes: bytes, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence], Sequence[int]]]
) -> bytes:
    """The matrix workbook (its own formatted sheets first) with the other annex sheets added."""
    wb = load_workbook(io.BytesIO(matrix_bytes))
    for title, headers, rows, widths in sheets:
        _sheet(wb, title, headers, rows, widths)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
