"""The Excel template of a district's budget lines (issue 15): download, fill, upload.

Sheets: ``Anggaran`` (two title lines, then the import columns of
``konvergensi_core.budget.COLUMNS`` in their order, pre-filled with the given lines — the round
trip: reading it back with ``read_budget_file`` gives the same lines — with drop-down lists for
Kategori, Sumber Dana, Langsung ke Sasaran and, when OPD names are given, Perangkat Daerah (a
warning only: a new OPD may be typed), and whole-number validation of the amounts); ``Petunjuk``
(how to fill it, the categories, sources, target groups, indicators and desa with their codes);
``Daftar`` (hidden: the lists the drop-downs read). Every text goes through ``safe_text``.

The export of a district's budget (``write_export``) is the same workbook with the lines, plus one
sheet per breakdown of ``konvergensi_core.budget.figures.breakdowns``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..budget.figures import Breakdown
from ..budget.lines import (
    CATEGORIES,
    CATEGORY_LABELS,
    COLUMNS,
    SOURCE_LABELS,
    SOURCES,
    STAGE_LABELS,
    TARGET_GROUP_LABELS,
    BudgetLine,
)
from .budget import SHEET
from .cells import safe_row, safe_text

HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
EMPTY_ROWS = 500  # rows below the lines that get the drop-downs
RUPIAH = "#,##0"
HEADER_FILL = PatternFill(fill_type="solid", start_color="1F4E78", end_color="1F4E78")
WIDTHS = {
    "code": 20,
    "name": 44,
    "opd": 30,
    "source": 16,
    "pagu": 18,
    "tw1": 16,
    "tw2": 16,
    "tw3": 16,
    "tw4": 16,
    "category": 14,
    "groups": 32,
    "indicators": 18,
    "locations": 26,
    "direct": 12,
}


def _row(line: BudgetLine) -> list[object]:
    return [
        line.code,
        line.name,
        line.opd,
        line.source,
        line.pagu,
        *line.realisasi,
        line.category,
        "; ".join(line.target_groups),
        "; ".join(line.indicators),
        "; ".join(line.locations),
        "ya" if line.direct else "tidak",
    ]


def _letter(role: str) -> str:
    return get_column_letter(list(COLUMNS).index(role) + 1)


def _list_range(ws, column: int, values: Sequence[str], title: str) -> str:
    ws.cell(row=1, column=column, value=title).font = Font(bold=True)
    for i, value in enumerate(values, start=2):
        ws.cell(row=i, column=column, value=safe_text(value))
    letter = get_column_letter(column)
    return f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${max(len(values) + 1, 2)}"


def write_template(
    out: Path | str | IO[bytes],
    *,
    kabkota_name: str,
    tahun: int,
    stage: str,
    lines: Sequence[BudgetLine] = (),
    opds: Sequence[str] = (),
    desa: Sequence[tuple[str, str]] = (),
    indicators: Sequence[tuple[str, str]] = (),
) -> None:
    """Write the template to ``out`` (a path or a binary stream). ``stage``: murni/perubahan;
    ``opds``: OPD names for the drop-down; ``desa`` and ``indicators``: (code, name) pairs listed
    in Petunjuk."""
    _template(
        kabkota_name=kabkota_name,
        tahun=tahun,
        stage=stage,
        lines=lines,
        opds=opds,
        desa=desa,
        indicators=indicators,
    ).save(out)


def write_export(
    out: Path | str | IO[bytes],
    *,
    kabkota_name: str,
    tahun: int,
    stage: str,
    lines: Sequence[BudgetLine],
    breakdowns: Sequence[Breakdown],
) -> None:
    """The "export of everything": the template's ``Anggaran`` sheet with the lines (as the template
    writes them, so the export can be uploaded again), then one sheet per breakdown (code, name, pagu,
    realisation, absorption, share of the total pagu; the note of the breakdown above the header),
    then ``Petunjuk``."""
    wb = _template(kabkota_name=kabkota_name, tahun=tahun, stage=stage, lines=lines)
    total = sum(line.pagu for line in lines)
    for index, part in enumerate(breakdowns, start=1):
        ws = wb.create_sheet(part.title[:31], index=index)
        ws.cell(row=1, column=1, value=safe_text(f"{part.title} — {kabkota_name}, tahun {tahun}, "
                                                 f"{STAGE_LABELS.get(stage, stage)}")).font = Font(bold=True)  # fmt: skip
        if part.note:
            ws.cell(row=2, column=1, value=safe_text(part.note)).font = Font(italic=True)
        for col, (text, width) in enumerate(BREAKDOWN_COLUMNS, start=1):
            cell = ws.cell(row=HEADER_ROW, column=col, value=text)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            ws.column_dimensions[get_column_letter(col)].width = width
        for r, row in enumerate(part.rows, start=FIRST_ROW):
            share = row.pagu / total if row.pagu is not None and total else None
            values = safe_row([row.code, row.name, row.pagu, row.realisasi, row.absorption, share])
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=col, value=value)
                if col in (3, 4):
                    cell.number_format = RUPIAH
                elif col in (5, 6):
                    cell.number_format = "0.0%"
                elif col == 1:
                    cell.number_format = "@"
        ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
    wb.properties.title = f"Ekspor anggaran stunting {kabkota_name} {tahun} {STAGE_LABELS.get(stage, stage)}"
    wb.save(out)


BREAKDOWN_COLUMNS = (("Kode", 20), ("Nama", 48), ("Pagu", 20), ("Realisasi", 20), ("Serapan", 10),
                     ("Porsi pagu", 12))  # fmt: skip


def _template(
    *,
    kabkota_name: str,
    tahun: int,
    stage: str,
    lines: Sequence[BudgetLine] = (),
    opds: Sequence[str] = (),
    desa: Sequence[tuple[str, str]] = (),
    indicators: Sequence[tuple[str, str]] = (),
) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    stage_label = STAGE_LABELS.get(stage, stage)
    ws.cell(
        row=1, column=1, value=safe_text(f"Penandaan anggaran percepatan penurunan stunting — {kabkota_name}")
    ).font = Font(bold=True, size=12)
    ws.cell(
        row=2,
        column=1,
        value=safe_text(
            f"Tahun {tahun}, {stage_label}. Isi satu baris per sub kegiatan, perangkat daerah dan "
            "sumber dana; petunjuk di lembar Petunjuk."
        ),
    ).font = Font(italic=True)
    for col, (role, text) in enumerate(COLUMNS.items(), start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS[role]
    for r, line in enumerate(lines, start=FIRST_ROW):
        for col, value in enumerate(safe_row(_row(line)), start=1):
            ws.cell(row=r, column=col, value=value)
    last = FIRST_ROW + len(lines) + EMPTY_ROWS - 1
    for role in ("pagu", "tw1", "tw2", "tw3", "tw4"):
        for r in range(FIRST_ROW, FIRST_ROW + len(lines)):
            ws[f"{_letter(role)}{r}"].number_format = RUPIAH
    for role in ("code", "indicators", "locations"):  # codes stay text (Excel would read 1.02 as a number)
        for r in range(FIRST_ROW, last + 1):
            ws[f"{_letter(role)}{r}"].number_format = "@"
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=3)

    lists = wb.create_sheet("Daftar")
    validations = [
        ("category", _list_range(lists, 1, CATEGORIES, "Kategori"), "stop"),
        ("source", _list_range(lists, 2, SOURCES, "Sumber Dana"), "stop"),
        ("direct", _list_range(lists, 3, ("ya", "tidak"), "Langsung ke Sasaran"), "stop"),
    ]
    if opds:
        validations.append(
            ("opd", _list_range(lists, 4, list(dict.fromkeys(opds)), "Perangkat Daerah"), "warning")
        )
    lists.sheet_state = "hidden"
    for role, formula, style in validations:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle=style)
        dv.error = f"Pilih {COLUMNS[role]} dari daftar."
        dv.errorTitle = COLUMNS[role]
        ws.add_data_validation(dv)
        dv.add(f"{_letter(role)}{FIRST_ROW}:{_letter(role)}{last}")
    amounts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    amounts.error = "Isi angka Rupiah tanpa desimal, tidak negatif."
    ws.add_data_validation(amounts)
    amounts.add(f"{_letter('pagu')}{FIRST_ROW}:{_letter('tw4')}{last}")

    help_ws = wb.create_sheet("Petunjuk")
    help_ws.column_dimensions["A"].width = 28
    help_ws.column_dimensions["B"].width = 70
    r = 1

    def put(*values: object, bold: bool = False) -> None:
        nonlocal r
        for col, value in enumerate(safe_row(values), start=1):
            cell = help_ws.cell(row=r, column=col, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if bold:
                cell.font = Font(bold=True)
        r += 1

    put("Cara mengisi lembar Anggaran", bold=True)
    rules = (
        (
            "Kode Sub Kegiatan",
            "kode nomenklatur Kepmendagri, bentuk U.BB.PP.K.KK.SSSS (mis. 1.02.02.2.02.0016)",
        ),
        ("Nama Sub Kegiatan", "nama sub kegiatan seperti dalam dokumen anggaran"),
        ("Perangkat Daerah", "OPD pelaksana; nama baru akan ditambahkan setelah pratinjau"),
        ("Sumber Dana", "salah satu dari daftar di bawah"),
        ("Pagu", "anggaran dalam Rupiah (angka, atau teks seperti Rp 1.250.000.000)"),
        (
            "Realisasi TW1–TW4",
            "belanja yang terjadi DALAM triwulan itu (bukan kumulatif); kosong bila belum dicatat; jumlah "
            "keempatnya tidak boleh melebihi pagu",
        ),
        ("Kategori", "spesifik, sensitif atau pendamping"),
        ("Kelompok Sasaran", "satu atau lebih dari daftar di bawah, dipisah titik koma (;)"),
        ("Indikator", "kode indikator yang didukung, dipisah titik koma (;)"),
        ("Lokasi", "kode desa, dipisah titik koma (;); kosong = seluruh kabupaten/kota"),
        ("Langsung ke Sasaran", "ya bila belanja langsung diterima oleh sasaran, selain itu tidak"),
    )
    for column, text in rules:
        put(column, text)
    put(
        "Satu baris",
        "satu sub kegiatan per perangkat daerah dan sumber dana; unggahan ulang untuk tahun dan tahap yang sama "
        "menggantikan seluruh baris sebelumnya.",
    )
    r += 1
    put("Kategori", "Arti", bold=True)
    for category in CATEGORIES:
        put(category, CATEGORY_LABELS[category])
    r += 1
    put("Sumber Dana", "Keterangan", bold=True)
    for source in SOURCES:
        put(source, SOURCE_LABELS[source])
    r += 1
    put("Kelompok Sasaran (kode)", "Nama", bold=True)
    for key, label in TARGET_GROUP_LABELS.items():
        put(key, label)
    if indicators:
        r += 1
        put("Indikator (kode)", "Nama", bold=True)
        for code, name in indicators:
            put(code, name)
    if desa:
        r += 1
        put("Desa (kode)", "Nama", bold=True)
        for code, name in desa:
            put(code, name)
    for col in (1,):
        for row in help_ws.iter_rows(min_row=1, max_row=r, min_col=col, max_col=col):
            for cell in row:
                cell.number_format = "@"
    wb.properties.title = f"Anggaran stunting {kabkota_name} {tahun} {stage_label}"
    return wb


__all__ = ["BREAKDOWN_COLUMNS", "write_export", "write_template"]
