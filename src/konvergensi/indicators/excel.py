"""Excel out: the coverage template (read back by konvergensi_core.datadesa) and the exports."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from konvergensi.formats import zone as zone_of
from konvergensi.wilayah.models import Region
from konvergensi_core import datadesa
from konvergensi_core.indicators import CATEGORY_LABEL, category, percent
from konvergensi_core.io.cells import safe_row, safe_text

from .models import SASARAN_FIELDS, DataSasaran, DataValue, Indicator, ProgramMapping

HEAD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
CATEGORY_FILL = {
    "memadai": "C6EFCE",
    "hampir_memadai": "FFEB9C",
    "rendah": "F8CBAD",
    "sangat_rendah": "FF9999",
}


def template(*, kabkota: Region, periode: str, indicators: list[Indicator], opd_label: str) -> bytes:
    """The district's desa × the given indicators, pre-filled with what is stored for the period."""
    wb = Workbook()
    ws = wb.active
    ws.title = datadesa.SHEET
    ws["A1"] = f"Data cakupan intervensi per desa – {kabkota.nama}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"], ws["B2"] = "Kabupaten/Kota", safe_text(f"{kabkota.kode} {kabkota.nama}")
    ws["A3"], ws["B3"] = "Periode", periode
    ws["A4"], ws["B4"] = "OPD", safe_text(opd_label)
    ws["B3"].fill = PatternFill("solid", fgColor="FFF2CC")
    ws["C3"] = "← tahun (2026) atau semester (2026-S1 / 2026-S2)"
    header = ["Kode Desa", "Desa/Kelurahan", "Kecamatan"]
    col = len(header) + 1
    for ind in indicators:
        span = 1 if ind.is_count else 2
        cell = ws.cell(datadesa.HEADER_ROW - 1, col, safe_text(f"{ind.kode} {ind.nama}"))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(
            f"Pembilang: {ind.numerator}\nPenyebut: {ind.denominator or '-'}\nSumber: {ind.opd_sumber}",
            "Konvergensi",
        )
        if span == 2:
            ws.merge_cells(
                start_row=datadesa.HEADER_ROW - 1,
                start_column=col,
                end_row=datadesa.HEADER_ROW - 1,
                end_column=col + 1,
            )
            header += [f"{ind.kode} Pembilang", f"{ind.kode} Penyebut"]
        else:
            header.append(f"{ind.kode} Jumlah")
        col += span
    for i, text in enumerate(header, start=1):
        cell = ws.cell(datadesa.HEADER_ROW, i, safe_text(text))
        cell.font = HEAD
        cell.fill = HEAD_FILL
    ws.row_dimensions[datadesa.HEADER_ROW - 1].height = 60
    stored = {
        (v.desa_id, v.indicator_id): v
        for v in DataValue.objects.filter(kabkota=kabkota, periode=periode, indicator__in=indicators)
    }
    kecamatan = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    row = datadesa.HEADER_ROW + 1
    for desa in Region.objects.filter(level="desa", kode__startswith=kabkota.kode + ".").order_by("kode"):
        ws.cell(row, 1, safe_text(desa.kode_angka))
        ws.cell(row, 2, safe_text(desa.nama))
        ws.cell(row, 3, safe_text(kecamatan.get(desa.kode[:8], "")))
        for c in (1, 2, 3):
            ws.cell(row, c).fill = LOCKED_FILL
        col = 4
        for ind in indicators:
            v = stored.get((desa.kode, ind.pk))
            if v is not None:
                ws.cell(row, col, v.numerator)
                if not ind.is_count:
                    ws.cell(row, col + 1, v.denominator)
            col += 1 if ind.is_count else 2
        row += 1
    last = max(row - 1, datadesa.HEADER_ROW + 1)
    if len(header) > 3:
        rule = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            error="Isi bilangan bulat 0 atau lebih.", errorTitle="Angka tidak sah", showErrorMessage=True,
        )  # fmt: skip
        rule.add(f"D{datadesa.HEADER_ROW + 1}:{get_column_letter(len(header))}{last}")
        ws.add_data_validation(rule)
    ws.freeze_panes = ws.cell(datadesa.HEADER_ROW + 1, 4)
    ws.column_dimensions["A"].width = 13
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 18
    for i in range(4, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 12

    guide = wb.create_sheet("Petunjuk")
    for line in (
        ["Cara mengisi"],
        [
            "1. Isi pembilang dan penyebut tiap indikator untuk setiap desa, sebagai bilangan bulat (orang, keluarga, desa)."
        ],
        ["2. Biarkan kosong bila data belum ada: sel kosong tidak mengubah data yang tersimpan."],
        ["3. Jangan mengubah kolom Kode Desa dan judul kolom (baris 7). Urutan baris boleh diubah."],
        [
            "4. Pembilang tidak boleh lebih besar dari penyebut; penyebut tidak boleh melebihi data sasaran desa."
        ],
        [
            "5. Unggah berkas ini kembali di Konvergensi: semua masalah ditampilkan sekaligus sebelum disimpan."
        ],
    ):
        guide.append(line)
    guide["A1"].font = HEAD
    guide.column_dimensions["A"].width = 110

    defs = wb.create_sheet("Indikator")
    defs.append(
        ["Kode", "Indikator", "Definisi operasional", "Pembilang", "Penyebut", "Satuan", "Sumber data"]
    )
    for cell in defs[1]:
        cell.font = HEAD
    for ind in indicators:
        defs.append(
            safe_row(
                [ind.kode, ind.nama, ind.definisi, ind.numerator, ind.denominator, ind.satuan, ind.opd_sumber]
            )
        )
    for letter, width in zip("ABCDEFG", (7, 50, 50, 40, 40, 9, 24), strict=True):
        defs.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


FUNDING_LABEL = {
    "apbn": "APBN",
    "apbd_prov": "APBD Prov",
    "apbd_kab": "APBD Kab/Kota",
    "dak": "DAK",
    "dana_desa": "Dana Desa",
    "lainnya": "Lainnya",
}


def funding_text(ada: bool, sumber: list[str]) -> str:
    """A programme cell as the template writes it (read back by ``datadesa.parse_funding``)."""
    if not ada:
        return "tidak"
    return ", ".join(FUNDING_LABEL.get(s, s) for s in sumber) or "ada"


def program_template(*, kabkota: Region, tahun: int, indicators: list[Indicator]) -> bytes:
    """Desa × indicators: whether each desa has the programme behind the indicator, and who funds it."""
    wb = Workbook()
    ws = wb.active
    ws.title = datadesa.PROGRAM_SHEET
    ws["A1"] = f"Pemetaan program per desa – {kabkota.nama}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"], ws["B2"] = "Kabupaten/Kota", safe_text(f"{kabkota.kode} {kabkota.nama}")
    ws["A3"], ws["B3"] = "Tahun", str(tahun)
    ws["B3"].fill = PatternFill("solid", fgColor="FFF2CC")
    ws["A4"] = (
        "Isi tiap sel: sumber dana dipisah koma (APBN, APBD Prov, APBD Kab/Kota, DAK, Dana Desa, Lainnya), "
        "'ada' bila program ada tanpa keterangan sumber, 'tidak' bila tidak ada; kosong = belum dilaporkan."
    )
    header = ["Kode Desa", "Desa/Kelurahan", "Kecamatan"] + [f"{i.kode} {i.nama}" for i in indicators]
    for col, text in enumerate(header, start=1):
        cell = ws.cell(datadesa.HEADER_ROW, col, safe_text(text))
        cell.font = HEAD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[datadesa.HEADER_ROW].height = 75
    stored = {
        (p.desa_id, p.indicator_id): p
        for p in ProgramMapping.objects.filter(kabkota=kabkota, tahun=tahun, indicator__in=indicators)
    }
    kecamatan = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    row = datadesa.HEADER_ROW + 1
    for desa in Region.objects.filter(level="desa", kode__startswith=kabkota.kode + ".").order_by("kode"):
        ws.cell(row, 1, safe_text(desa.kode_angka))
        ws.cell(row, 2, safe_text(desa.nama))
        ws.cell(row, 3, safe_text(kecamatan.get(desa.kode[:8], "")))
        for c in (1, 2, 3):
            ws.cell(row, c).fill = LOCKED_FILL
        for col, ind in enumerate(indicators, start=4):
            p = stored.get((desa.kode, ind.pk))
            if p is not None:
                ws.cell(row, col, safe_text(funding_text(p.ada, p.sumber)))
        row += 1
    ws.freeze_panes = ws.cell(datadesa.HEADER_ROW + 1, 4)
    for letter, width in (("A", 13), ("B", 26), ("C", 18)):
        ws.column_dimensions[letter].width = width
    for i in range(4, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 18
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SASARAN_HEADER = [
    "tahun",
    "kode_kecamatan",
    "kecamatan",
    "kode_desa",
    "desa",
    *SASARAN_FIELDS,
    "status",
    "alasan",
]
PROGRAM_HEADER = ["tahun", "kode_kecamatan", "kecamatan", "kode_desa", "desa", "kode_indikator", "indikator",
                  "program_ada", "sumber_dana"]  # fmt: skip


def sasaran_rows(*, kabkota: Region, tahun: int, desa_codes: set[str]):
    kecamatan = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    qs = DataSasaran.objects.filter(desa_id__in=desa_codes, tahun=tahun).select_related("desa")
    for s in qs.order_by("desa_id").iterator(chunk_size=2000):
        yield [
            tahun,
            s.desa_id[:8],
            kecamatan.get(s.desa_id[:8], ""),
            s.desa_id,
            s.desa.nama,
            *(getattr(s, f) for f in SASARAN_FIELDS),
            s.status,
            s.alasan,
        ]


def program_rows(*, kabkota: Region, tahun: int, desa_codes: set[str]):
    kecamatan = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    qs = (
        ProgramMapping.objects.filter(kabkota=kabkota, tahun=tahun, desa_id__in=desa_codes)
        .select_related("desa", "indicator")
        .order_by("desa_id", "indicator__urutan")
    )
    for p in qs.iterator(chunk_size=2000):
        yield [
            tahun,
            p.desa_id[:8],
            kecamatan.get(p.desa_id[:8], ""),
            p.desa_id,
            p.desa.nama,
            p.indicator.kode,
            p.indicator.nama,
            "ya" if p.ada else "tidak",
            ", ".join(FUNDING_LABEL.get(x, x) for x in p.sumber),
        ]


EXPORT_HEADER = [
    "periode",
    "kode_kecamatan",
    "kecamatan",
    "kode_desa",
    "desa",
    "kode_indikator",
    "indikator",
    "pembilang",
    "penyebut",
    "persen",
    "kategori",
    "status",
    "diubah",
]


def export_rows(*, kabkota: Region, periode: str, bands: dict, desa_codes: set[str] | None = None):
    kecamatan = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    zone = zone_of(kabkota.kode)
    qs = (
        DataValue.objects.filter(kabkota=kabkota, periode=periode)
        .select_related("desa", "indicator")
        .order_by("desa_id", "indicator__urutan")
    )
    if desa_codes is not None:
        qs = qs.filter(desa_id__in=desa_codes)
    for v in qs.iterator(chunk_size=2000):
        pct = None if v.indicator.is_count else percent(v.numerator, v.denominator)
        cat = category(pct, bands[v.indicator_id]) if pct is not None else None
        yield [
            periode,
            v.desa.kode[:8],
            kecamatan.get(v.desa.kode[:8], ""),
            v.desa.kode,
            v.desa.nama,
            v.indicator.kode,
            v.indicator.nama,
            v.numerator,
            v.denominator,
            round(pct, 1) if pct is not None else None,
            CATEGORY_LABEL[cat] if cat else "",
            v.status,
            v.updated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),  # the district's WIB/WITA/WIT
        ]


def export_xlsx(sheets: list[tuple[str, list[str], object]]) -> bytes:
    """One workbook, a sheet per (title, header, rows)."""
    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(safe_row(header))
        for row in rows:
            ws.append(safe_row(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(safe_row(header))
    out.writerows(safe_row(row) for row in rows)
    return buffer.getvalue()


def problems_xlsx(problems: list[datadesa.Problem]) -> bytes:
    """The problems of an upload as a sheet the officer can work through."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Masalah"
    ws.append(["Lembar", "Baris", "Kolom", "Nilai", "Masalah"])
    for cell in ws[1]:
        cell.font = HEAD
    for p in problems:
        ws.append(safe_row([p.sheet, p.row, p.column, p.value, p.message]))
    ws.column_dimensions["E"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


__all__ = [
    "CATEGORY_FILL",
    "export_csv",
    "export_rows",
    "export_xlsx",
    "funding_text",
    "problems_xlsx",
    "program_rows",
    "program_template",
    "sasaran_rows",
    "template",
]


def sasaran_template(
    *, kabkota: Region, tahun: int, desa: list[Region], stored: dict[str, DataSasaran]
) -> bytes:
    """The aggregate data sasaran file (read back by ``konvergensi_core.io.sasaran``): the given desa
    with what is stored for the year; a verified (locked) desa is greyed and marked."""
    from konvergensi_core.io import sasaran as reader
    from konvergensi_core.sasaran import FIELDS

    wb = Workbook()
    ws = wb.active
    ws.title = reader.SHEET
    ws["A1"] = safe_text(f"Data sasaran per desa – {kabkota.nama} – tahun {tahun}")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        "Satu baris per desa; kolom 'Kode Desa' wajib. Sel kosong = tidak dilaporkan (angka tersimpan tetap). "
        "Desa yang sudah diverifikasi camat (abu-abu) tidak dapat diubah lewat berkas."
    )
    header = reader.template_header()
    for i, text in enumerate(header, start=1):
        cell = ws.cell(3, i, text)
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i > 3:
            f = FIELDS[i - 4]
            cell.comment = Comment(f"{f.label} (sumber lazim: {f.source})", "Konvergensi")
    kecamatan = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    for r, d in enumerate(desa, start=4):
        row = stored.get(d.kode)
        values = [d.kode, d.nama, kecamatan.get(d.kode[:8], ""),
                  *((getattr(row, f.name) if row else None) for f in FIELDS)]  # fmt: skip
        for c, value in enumerate(safe_row(values), start=1):
            cell = ws.cell(r, c, value)
            if row is not None and row.locked:
                cell.fill = LOCKED_FILL
    ws.freeze_panes = ws.cell(4, 4)
    for letter, width in (("A", 15), ("B", 26), ("C", 18)):
        ws.column_dimensions[letter].width = width
    for i in range(4, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 14
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
