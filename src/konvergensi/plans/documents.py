"""The plan's documents (Aksi 2), in Indonesian: Tabel 2.2 (Rencana Kegiatan Peningkatan Integrasi)
and Tabel 2.3 (Rencana Program dan Kegiatan) as a formatted Excel workbook, a PDF (WeasyPrint, from
``plans/plan_pdf.html``, A4 landscape) and an editable Word document (docxtpl on the template of
:mod:`docx_template`), and the integration matrices (Tabel 2.4 and 2.5) as Excel.

The workbook's first sheet "Tabel 2.3" is also the plan's upload form: it has the columns that
``konvergensi_core.io.plan.read_plan_sheet`` reads (No, Kode Sub Kegiatan, Program/Kegiatan, …,
Jadwal, Kelompok, Kelas), places written by name (by code where the name would not lead back to one
place), OPD by name, funding sources by label and the amounts as numbers, so a plan downloaded,
edited offline and uploaded again gives the same rows. Every amount is written as a number, never
as a formula (the reader refuses formulas without a stored value).

All three draw on :func:`facts`, one set of plain values, so the tables say the same everywhere.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone, translation

from konvergensi.formats import date_text, region_time_zone
from konvergensi.reports import render
from konvergensi.wilayah.models import Region
from konvergensi_core import plan as rules
from konvergensi_core.io.cells import safe_text

from . import selectors
from .models import Plan, PlanRow, Stage

TITLE_2_2 = "Tabel 2.2. Rencana Kegiatan Peningkatan Integrasi Intervensi Penurunan Stunting"
TITLE_2_3 = "Tabel 2.3. Rencana Program dan Kegiatan Intervensi Penurunan Stunting Terintegrasi"
SHEET_2_3 = "Tabel 2.3"
SHEET_2_2 = "Tabel 2.2"
# The Tabel 2.3 sheet's columns, as the reader (and the CLI) expects them, then Kelompok and Kelas.
COLUMNS_2_3 = (
    "No",
    "Kode Sub Kegiatan",
    "Program/Kegiatan",
    "Indikator Kinerja",
    "Baseline",
    "Target Kinerja",
    "Satuan",
    "Lokasi",
    "Anggaran",
    "Sumber Pendanaan",
    "OPD",
    "Jadwal",
    "Kelompok",
    "Kelas",
)
WIDTHS_2_3 = (7, 20, 42, 30, 11, 12, 10, 30, 19, 22, 30, 16, 10, 34)
COLUMNS_2_2 = (
    "No",
    "Masalah yang dihadapi",
    "Rekomendasi kegiatan",
    "Target kinerja",
    "Lokasi",
    "Anggaran",
    "OPD penanggung jawab",
    "Waktu penyelesaian",
)
WIDTHS_2_2 = (7, 40, 44, 18, 30, 19, 30, 18)
RUPIAH_FORMAT = '"Rp" #,##0'
FORMATS = ("pdf", "docx", "xlsx", "integrasi")
SIGNATORY = "Tim Penyusun Rencana Kegiatan"


def filename(plan: Plan, fmt: str) -> str:
    """``rencana-kegiatan-3211-2026-v1.pdf`` (``.docx``, ``.xlsx``); ``integrasi`` names the
    matrices' workbook ``integrasi-rencana-kegiatan-3211-2026-v1.xlsx``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format: {fmt}")
    stem = f"rencana-kegiatan-{plan.kabkota_id.replace('.', '')}-{plan.tahun}-v{plan.number}"
    return f"integrasi-{stem}.xlsx" if fmt == "integrasi" else f"{stem}.{fmt}"


# --- the facts -----------------------------------------------------------------------------------------


def _target(row: PlanRow) -> str:
    return " ".join(x for x in (row.target.strip(), row.unit.strip()) if x)


def _place_text(plan: Plan) -> tuple[dict[str, str], dict[str, str]]:
    """(code → what the workbook writes for it, code → what the PDF and Word show). The workbook
    writes the name, else "Kecamatan X"/"Desa X", else the code: the first that leads back to this
    one place when the workbook is uploaded again, whatever the uploader's language."""
    regions = selectors.places(plan.kabkota_id)
    resolvers = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            resolvers.append(selectors.resolver(plan.kabkota_id))
    written, shown = {}, {}
    for kode, region in regions.items():
        level = "Kecamatan" if region.level == "kecamatan" else "Desa"
        candidates = (region.nama, f"{level} {region.nama}")
        written[kode] = next((c for c in candidates if all(r(c) == kode for r in resolvers)), kode)
        shown[kode] = f"Kec. {region.nama}" if region.level == "kecamatan" else region.nama
    return written, shown


def _town(kab: Region) -> str:
    """Where the team signs: the district's name without "Kabupaten"/"Kota"."""
    for prefix in ("Kabupaten ", "Kota ", "KABUPATEN ", "KOTA "):
        if kab.nama.startswith(prefix):
            return kab.nama[len(prefix) :]
    return kab.nama


def facts(plan: Plan, rows: Sequence[PlanRow] | None = None) -> dict:
    """Everything the three documents show, as plain values (amounts as numbers and as text)."""
    rows = selectors.rows_of(plan) if rows is None else list(rows)
    kab = plan.kabkota
    provinsi = Region.objects.filter(kode=kab.kode[:2]).first()
    nos = selectors.numbering(rows)
    written, names = _place_text(plan)
    core = selectors.core_rows(rows)
    sums = rules.totals(core)
    with translation.override("id"):
        stage = str(Stage(plan.stage).label)
        record = plan.stages.filter(stage=plan.stage).order_by("-date").first()
        with region_time_zone(plan.kabkota_id):
            generated = date_text(timezone.now())
            signed = date_text(record.date) if record else generated

    def amount(value: int | None) -> str:
        return rules.format_rupiah(value) if value is not None else ""

    lines = []
    for row, core_row in zip(rows, core, strict=True):
        places = [written.get(code, code) for code in row.locations]
        lines.append(
            {
                "no": nos[row.pk],
                "group": row.group,
                "code": row.code,
                "activity": row.activity,
                "masalah": row.masalah,
                "rekomendasi": row.rekomendasi or row.activity,
                "indicator": row.indicator,
                "baseline": row.baseline,
                "target": row.target,
                "unit": row.unit,
                "target_text": _target(row),
                "locations": places,
                "lokasi": "; ".join(places),
                "lokasi_text": ", ".join(names.get(code, code) for code in row.locations),
                "budget": row.budget,
                "anggaran": amount(row.budget),
                "source": rules.Totals.source_label(row.source) if row.source else "",
                "opd": core_row.opd,
                "schedule": row.schedule,
                "kelas": rules.Totals.class_label(row.row_class) if row.row_class else "",
            }
        )
    groups = []
    for number, label in rules.GROUPS.items():
        subtotal = sums.by_group.get(number, 0)
        groups.append(
            {
                "number": number,
                "label": label,
                "rows": [line for line in lines if line["group"] == number],
                "subtotal": subtotal,
                "subtotal_text": rules.format_rupiah(subtotal),
            }
        )
    kab_upper = kab.nama.upper()
    footer = f"Rencana Kegiatan {kab.nama} {plan.tahun} · versi {plan.number} · tahap: {stage}"
    return {
        "kab": kab.nama,
        "kab_upper": kab_upper,
        "kab_kode": kab.kode,
        "provinsi": provinsi.nama if provinsi else "",
        "tahun": plan.tahun,
        "number": plan.number,
        "stage": stage,
        "frozen": plan.frozen,
        "generated": generated,
        "subtitle": f"Versi {plan.number} · tahap: {stage} · dibuat {generated} dengan Konvergensi",
        "footer": footer,
        "title_2_2": TITLE_2_2,
        "title_2_3": TITLE_2_3,
        "tahun_line": f"TAHUN ANGGARAN {plan.tahun}",
        "kab_line": f"KABUPATEN/KOTA: {kab_upper}",
        "groups": groups,
        "rows": lines,
        "total": sums.total,
        "total_text": rules.format_rupiah(sums.total),
        "sign_line": f"Tanggal: {_town(kab)}, {signed}",
        "signatory": SIGNATORY,
        "signatures": [render.Signature(role=SIGNATORY, above=f"Tanggal: {_town(kab)}, {signed}")],
    }


# --- Excel -----------------------------------------------------------------------------------------------


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="BFBFBF")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "head_font": Font(bold=True, color="FFFFFF"),
        "head_fill": PatternFill("solid", start_color="1F4E78", end_color="1F4E78"),
        "group_fill": PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7"),
        "total_fill": PatternFill("solid", start_color="EEF3F8", end_color="EEF3F8"),
        "bold": Font(bold=True),
        "title": Font(bold=True, size=13),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }


def _titles(ws, lines: Sequence[str], styles) -> None:
    for i, text in enumerate(lines):
        cell = ws.cell(row=i + 1, column=1, value=safe_text(text))
        cell.font = styles["title"] if i == 0 else styles["bold"]


def _header_row(ws, row: int, headers: Sequence[str], widths: Sequence[int], styles) -> None:
    from openpyxl.utils import get_column_letter

    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = styles["head_font"]
        cell.fill = styles["head_fill"]
        cell.alignment = styles["center"]
        cell.border = styles["border"]
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _data_row(ws, row: int, values: Sequence, styles, *, money: int, fill=None, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=safe_text(value))
        cell.border = styles["border"]
        cell.alignment = styles["wrap"]
        if col == money:
            cell.number_format = RUPIAH_FORMAT
        if fill is not None:
            cell.fill = fill
        if bold:
            cell.font = styles["bold"]


def plan_xlsx(plan: Plan) -> bytes:
    """The workbook: "Tabel 2.3" (the upload form, first) and "Tabel 2.2" (by group, with subtotals)."""
    from openpyxl import Workbook

    data = facts(plan)
    styles = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_2_3
    _titles(ws, (data["title_2_3"], data["tahun_line"], data["kab_line"], data["subtitle"]), styles)
    header = 6
    _header_row(ws, header, COLUMNS_2_3, WIDTHS_2_3, styles)
    money = COLUMNS_2_3.index("Anggaran") + 1
    r = header
    for line in data["rows"]:
        r += 1
        _data_row(
            ws,
            r,
            [
                line["no"],
                line["code"],
                line["activity"],
                line["indicator"],
                line["baseline"],
                line["target"],
                line["unit"],
                line["lokasi"],
                line["budget"],
                line["source"],
                line["opd"],
                line["schedule"],
                line["group"],
                line["kelas"],
            ],
            styles,
            money=money,
        )
    r += 1
    total = [""] * len(COLUMNS_2_3)
    total[COLUMNS_2_3.index("Program/Kegiatan")] = "Total"
    total[money - 1] = data["total"]
    _data_row(ws, r, total, styles, money=money, fill=styles["total_fill"], bold=True)
    ws.auto_filter.ref = f"A{header}:{ws.cell(row=max(r - 1, header), column=len(COLUMNS_2_3)).coordinate}"
    # The signature at the bottom right, in the Kelas column: a line with nothing under Program/Kegiatan
    # and the other columns the reader takes is skipped when the sheet is uploaded again.
    r += 2
    sign = len(COLUMNS_2_3)
    ws.cell(row=r, column=sign, value=safe_text(data["sign_line"]))
    ws.cell(row=r + 1, column=sign, value=data["signatory"]).font = styles["bold"]
    ws.cell(row=r + 4, column=sign, value="(……………………………………………)")
    ws.print_title_rows = f"{header}:{header}"
    _landscape(ws)

    ws2 = wb.create_sheet(SHEET_2_2)
    _titles(ws2, (data["title_2_2"], data["tahun_line"], data["kab_line"], data["subtitle"]), styles)
    _header_row(ws2, header, COLUMNS_2_2, WIDTHS_2_2, styles)
    money = COLUMNS_2_2.index("Anggaran") + 1
    r = header
    for group in data["groups"]:
        r += 1
        _data_row(
            ws2,
            r,
            [str(group["number"]), group["label"]],
            styles,
            money=0,
            fill=styles["group_fill"],
            bold=True,
        )
        ws2.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(COLUMNS_2_2))
        for line in group["rows"]:
            r += 1
            values = [line["no"], line["masalah"], line["rekomendasi"], line["target_text"], line["lokasi"],
                      line["budget"], line["opd"], line["schedule"]]  # fmt: skip
            _data_row(ws2, r, values, styles, money=money)
        r += 1
        subtotal = ["", "", f"Sub total {group['number']}", "", "", group["subtotal"], "", ""]
        _data_row(ws2, r, subtotal, styles, money=money, fill=styles["total_fill"], bold=True)
    r += 1
    _data_row(ws2, r, ["", "", "Total", "", "", data["total"], "", ""], styles, money=money,
              fill=styles["total_fill"], bold=True)  # fmt: skip
    ws2.print_title_rows = f"{header}:{header}"
    _landscape(ws2)
    wb.properties.title = f"Rencana Kegiatan {data['kab']} {data['tahun']} versi {data['number']}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _landscape(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def integration_xlsx(plan: Plan) -> bytes:
    """Tabel 2.4 and 2.5: the plan matched against the year's documents, laid out by the core's
    ``write_integration_xlsx``."""
    from konvergensi_core.io.plan_xlsx import write_integration_xlsx

    buffer = io.BytesIO()
    kab = plan.kabkota
    write_integration_xlsx(
        selectors.integration(plan),
        buffer,
        title=f"Matriks integrasi rencana kegiatan {kab.nama} {plan.tahun} versi {plan.number}",
    )
    return buffer.getvalue()


# --- PDF and Word ------------------------------------------------------------------------------------------


def plan_pdf(plan: Plan) -> bytes:
    """Tabel 2.2 and 2.3 on the shared PDF base (A4 landscape, the district's header, the footer)."""
    data = facts(plan)
    return render.pdf("plans/plan_pdf.html", data, kabkota=plan.kabkota, title=data["footer"],
                      orientation="landscape")  # fmt: skip


def plan_docx(plan: Plan) -> bytes:
    from docxtpl import DocxTemplate

    from .docx_template import build

    data = facts(plan)
    tpl = DocxTemplate(build())
    tpl.render({k: v for k, v in data.items() if k != "signatures"}, autoescape=True)
    return render.save(tpl)


# --- konvergensi report rencana ----------------------------------------------------------------------------


def report_build(kabkota: str, year: int | None, fmt: str) -> tuple[bytes, str]:
    """The ``rencana`` report kind: the latest version of the district's plan of ``year`` (None: of
    its latest year) as PDF or Word."""
    from konvergensi.reports.registry import NothingToReport

    plans = Plan.objects.filter(kabkota_id=kabkota).select_related("kabkota")
    if year is not None:
        plans = plans.filter(tahun=year)
    plan = plans.order_by("-tahun", "-number").first()
    if plan is None:
        region = Region.objects.filter(kode=kabkota).first()
        name = region.nama if region else kabkota
        raise NothingToReport(f"{name} belum mempunyai rencana kegiatan{f' {year}' if year else ''}.")
    content = plan_pdf(plan) if fmt == "pdf" else plan_docx(plan)
    return content, filename(plan, fmt)
