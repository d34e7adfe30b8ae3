"""The per-person Excel template of the Skor Konvergensi Desa (Aksi 5), without NIK and without names.

One sheet per target group (``Ibu hamil``, ``Anak 0-23 bulan``): two title lines, then the header
row ``No | <umur> | <kode> <indikator> …`` and one row per target with Y / T / - per indicator
(a drop-down list). A sheet ``Petunjuk`` explains. The reader is
:func:`konvergensi_core.scorecard.read_people`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..scorecard import Indicator, SheetSpec

HEADER_ROW = 3
ROWS = 60  # rows prepared with numbers and drop-downs


def sheets(indicators: Sequence[Indicator]) -> list[SheetSpec]:
    """The sheets of the template for these (applicable) indicators."""
    return [
        SheetSpec("Ibu hamil", "ibu_hamil", "Usia kehamilan (bulan)", (0, 10), False,
                  tuple(i for i in indicators if i.group == "ibu_hamil")),
        SheetSpec("Anak 0-23 bulan", "anak_0_23", "Umur (bulan)", (0, 23), True,
                  tuple(i for i in indicators if i.group == "anak_0_23")),
    ]  # fmt: skip


def write_template(
    out: IO[bytes], *, desa_name: str, tahun: int, triwulan: int, indicators: Sequence[Indicator]
) -> None:
    wb = Workbook()
    info = wb.active
    info.title = "Petunjuk"
    lines = [
        f"Skor Konvergensi Desa {desa_name}, tahun {tahun} triwulan {triwulan}",
        "Satu baris per sasaran (ibu hamil; anak 0-23 bulan) menurut formulir KPM.",
        "JANGAN menulis NIK atau nama: cukup nomor urut dan umur.",
        "Per indikator isi Y (menerima layanan), T (tidak menerima) atau - (tidak berlaku bagi sasaran ini).",
        "Hanya jumlah per indikator yang disimpan; berkas dihapus setelah disimpan.",
    ]
    for r, text in enumerate(lines, start=1):
        info.cell(row=r, column=1, value=text).font = Font(bold=r == 1)
    info.column_dimensions["A"].width = 100
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for spec in sheets(indicators):
        ws = wb.create_sheet(spec.name)
        ws.cell(row=1, column=1, value=f"{spec.name} — {desa_name} — {tahun} TW{triwulan}").font = bold
        ws.cell(row=2, column=1, value="Isi Y / T / - per indikator. Tanpa NIK dan tanpa nama.")
        headers = ["No", spec.age_header] + [f"{i.code} {i.name}" for i in spec.indicators]
        for c, text in enumerate(headers, start=1):
            cell = ws.cell(row=HEADER_ROW, column=c, value=text)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(c)].width = 8 if c == 1 else 16
        ws.row_dimensions[HEADER_ROW].height = 75
        for n in range(1, ROWS + 1):
            ws.cell(row=HEADER_ROW + n, column=1, value=n)
        if spec.indicators:
            dv = DataValidation(type="list", formula1='"Y,T,-"', allow_blank=True)
            dv.error = "Isi Y, T atau -"
            ws.add_data_validation(dv)
            dv.add(f"C{HEADER_ROW + 1}:{get_column_letter(len(headers))}{HEADER_ROW + ROWS}")
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    wb.save(out)
