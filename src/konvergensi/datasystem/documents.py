"""The Aksi 6 document of a district's year, in Indonesian: the data-management system as the stored
data show it (completeness and timeliness per OPD and indicator, level of detail, the data sasaran,
the Aksi 1 notes, the e-PPGBM quality verdict of Aksi 7) and the improvement plan — a PDF
(WeasyPrint, ``datasystem/document_pdf.html``) and a Word document (python-docx through the common
helpers of ``reports.render``). Both draw on :func:`facts`.

:func:`report_build` is the entry point of the report layer (kind "datakelola")."""

from __future__ import annotations

from django.utils import timezone

from konvergensi.formats import long_date
from konvergensi.wilayah.models import Region
from konvergensi_core import datasystem as core
from konvergensi_core.numbers import id_count, id_percent

from . import selectors
from .models import Action, GapKind, Status

FORMATS = ("pdf", "docx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TITLE = "SISTEM MANAJEMEN DATA STUNTING DAN RENCANA PERBAIKAN (AKSI 6)"


def filename(kabkota: str, tahun: int, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format: {fmt}")
    return f"aksi6-sistem-manajemen-data-{kabkota.replace('.', '')}-{tahun}.{fmt}"


def _town(kab: Region) -> str:
    for prefix in ("Kabupaten ", "Kota "):
        if kab.nama.startswith(prefix):
            return kab.nama[len(prefix) :]
    return kab.nama


def _level(row) -> str:
    text = selectors.level_label(row.level)
    return text + (" (dicatat)" if row.recorded else "")


def facts(kabkota: str, tahun: int) -> dict:
    """Everything the two documents show, as plain Indonesian text."""
    kab = Region.objects.get(kode=kabkota)
    provinsi = Region.objects.filter(kode=kab.kode[:2]).first()
    today = timezone.localdate()
    ov = selectors.overview(kab, tahun)
    start, end = ov.start_end
    notes = selectors.notes(kabkota, tahun)
    quality = selectors.quality(kabkota)
    stunting = selectors.stunting_level(kabkota, tahun)
    actions = list(
        Action.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related("opd").order_by("tenggat", "id")
    )
    counts = core.plan_counts(((a.status, a.tenggat) for a in actions), today)
    labels = [f"Smt {p[-1]}" if "-S" in p else "Tahun" for p in ov.periods]
    opd_rows = [
        {"label": r.label, "n": r.n_indicators, "cells": [id_percent(c.share) for c in r.cells],
         "on_time": id_percent(r.on_time_share)}
        for r in ov.by_opd
    ]  # fmt: skip
    ind_rows = [
        {"kode": r.indicator.kode, "nama": r.indicator.nama, "opd": r.opd.singkatan if r.opd else "–",
         "cells": [id_percent(c.share) for c in r.cells], "on_time": id_percent(r.on_time_share),
         "level": _level(r), "gap": r.low_completeness or r.late or core.needs_attention(r.level)}
        for r in ov.rows
    ]  # fmt: skip
    plan = []
    for n, a in enumerate(actions, 1):
        overdue = core.is_overdue(a.status, a.tenggat, today)
        status = str(Status(a.status).label)
        if a.status == Status.SELESAI and a.done:
            status += f" ({long_date(a.done)})"
        if overdue:
            status += " – melewati tenggat"
        plan.append({
            "no": n, "kind": str(GapKind(a.gap_kind).label), "gap": a.gap, "uraian": a.uraian,
            "opd": a.opd.singkatan, "tenggat": long_date(a.tenggat), "status": status, "overdue": overdue,
            "note": a.status_note,
        })  # fmt: skip
    total_share = [id_percent(c.share) for c in ov.totals]
    summary = [
        f"{kab.nama} mempunyai {id_count(ov.n_desa)} desa/kelurahan di {ov.n_kecamatan} kecamatan. "
        f"Data cakupan layanan tahun {tahun} dinilai untuk {len(ov.rows)} indikator "
        f"(set indikator {ov.set}).",
        (
            "Kelengkapan data desa (bagian sel desa × indikator yang terisi): "
            + "; ".join(
                f"{selectors.period_label(c.periode).lower()} {id_percent(c.share)}"
                for c in ov.totals
                if c.filled
            )
            + "."
        )
        if ov.entered
        else f"Belum ada data desa yang terisi untuk tahun {tahun}.",
        f"Ketepatan waktu: {id_percent(ov.on_time_share)} data masuk paling lambat {ov.days} hari setelah "
        f"akhir periodenya ({id_count(ov.on_time)} dari {id_count(ov.entered)} data).",
        f"Data sasaran {tahun}: {id_count(ov.sasaran['filled'])} desa terisi "
        f"({id_percent(ov.sasaran['filled_share'])}), {id_count(ov.sasaran['verified'])} diverifikasi camat "
        f"({id_percent(ov.sasaran['verified_share'])}).",
    ]
    if stunting:
        summary.append(
            f"Data stunting analisis situasi (Aksi 1) tersedia pada tingkat {stunting['label'].lower()} "
            f"({stunting['data_source']})."
        )
    summary.append(core.review_sentence(counts, start, end, tahun))
    quality_facts = None
    if quality:
        quality_facts = {
            "round": quality["round"].nama,
            "children": id_count(quality["children"]),
            "level": str(quality["area"]["level_label"]),
            "verdict": quality["area"]["verdict"],
            "desa_levels": [(str(label), n) for _k, label, n, _b in quality["desa_levels"]],
            "posyandu_levels": [(str(label), n) for _k, label, n, _b in quality["posyandu_levels"]],
            "flagged": [
                f"{r['desa']} ({r['kecamatan']}): {r['verdict']}" for r in quality["desa_flagged"][:15]
            ],
            "more": max(0, len(quality["desa_flagged"]) - 15),
        }
    return {
        "government": f"PEMERINTAH {kab.nama.upper()}",
        "kab": kab.nama,
        "provinsi": provinsi.nama if provinsi else "",
        "tahun": tahun,
        "title": TITLE,
        "summary": summary,
        "periods": labels,
        "opd_rows": opd_rows,
        "ind_rows": ind_rows,
        "total_share": total_share,
        "total_on_time": id_percent(ov.on_time_share),
        "days": ov.days,
        "notes": [{"kind": n.get_kind_display(), "text": n.text} for n in notes],
        "quality": quality_facts,
        "plan": plan,
        "counts": counts,
        "sign_line": f"{_town(kab)}, {long_date(today)}",
        "footer": f"Sistem manajemen data (Aksi 6) {kab.nama} {tahun} · dibuat dengan Konvergensi",
    }


def document_pdf(kabkota: str, tahun: int) -> bytes:
    from konvergensi.reports import render as reports

    data = facts(kabkota, tahun)
    data["signatures"] = [reports.Signature(role="Penanggung jawab Aksi 6", above=data["sign_line"])]
    return reports.pdf("datasystem/document_pdf.html", data, kabkota=kabkota, title=data["footer"])


def document_docx(kabkota: str, tahun: int) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from konvergensi.reports import render as r

    data = facts(kabkota, tahun)
    doc = r.docx_document(size=10)
    doc.sections[0].footer.paragraphs[0].text = data["footer"]
    r.docx_para(doc, data["government"], size=13, bold=True, center=True, space_after=0)
    if data["provinsi"]:
        r.docx_para(doc, f"PROVINSI {data['provinsi'].upper()}", size=11, bold=True, center=True)
    r.docx_para(doc, data["title"], size=12, bold=True, center=True, space_after=0)
    r.docx_para(doc, f"TAHUN {data['tahun']}", size=11, bold=True, center=True)

    r.docx_para(doc, "1. Ringkasan", size=11, bold=True)
    for text in data["summary"]:
        r.docx_para(doc, text, space_after=3)

    r.docx_para(doc, "2. Kelengkapan dan ketepatan waktu per OPD", size=11, bold=True)
    headers = ["OPD", "Indikator", *data["periods"], "Tepat waktu"]
    table = r.docx_table(
        doc, headers, rows=1 + len(data["opd_rows"]) + 1, header_fill="1F4E78", repeat_header=True
    )
    for i, row in enumerate(data["opd_rows"], 1):
        for j, text in enumerate([row["label"], str(row["n"]), *row["cells"], row["on_time"]]):
            r.docx_write(table.rows[i].cells[j], text, size=8.5, right=j > 0)
    last = table.rows[-1].cells
    for j, text in enumerate(["Total", "", *data["total_share"], data["total_on_time"]]):
        r.docx_write(last[j], text, size=8.5, bold=True, right=j > 0)

    r.docx_para(doc, "")
    r.docx_para(doc, "3. Kelengkapan, ketepatan waktu dan tingkat rincian per indikator", size=11, bold=True)
    headers = ["Kode", "Indikator", "OPD", *data["periods"], "Tepat waktu", "Tingkat rincian"]
    table = r.docx_table(doc, headers, rows=1 + len(data["ind_rows"]), size=7.5, header_fill="1F4E78",
                         repeat_header=True)  # fmt: skip
    for i, row in enumerate(data["ind_rows"], 1):
        values = [row["kode"], row["nama"], row["opd"], *row["cells"], row["on_time"], row["level"]]
        for j, text in enumerate(values):
            r.docx_write(table.rows[i].cells[j], text, size=7.5, right=3 <= j < 3 + len(data["periods"]) + 1,
                         color="B42318" if row["gap"] and j == 0 else None)  # fmt: skip

    r.docx_para(doc, "")
    r.docx_para(doc, "4. Catatan kesenjangan data dari analisis situasi (Aksi 1)", size=11, bold=True)
    for note in data["notes"]:
        r.docx_para(doc, f"{note['kind']}: {note['text']}", style="List Bullet")
    if not data["notes"]:
        r.docx_para(doc, "Belum ada catatan dari analisis situasi tahun ini.", italic=True)

    r.docx_para(doc, "5. Kualitas data pengukuran anak e-PPGBM (Aksi 7)", size=11, bold=True)
    q = data["quality"]
    if q:
        r.docx_para(doc, f"Putaran {q['round']} ({q['children']} anak): {q['level']}. {q['verdict']}")
        r.docx_para(doc, "Desa: " + "; ".join(f"{label} {n}" for label, n in q["desa_levels"]))
        r.docx_para(doc, "Posyandu: " + "; ".join(f"{label} {n}" for label, n in q["posyandu_levels"]))
        for text in q["flagged"]:
            r.docx_para(doc, text, style="List Bullet")
        if q["more"]:
            r.docx_para(doc, f"… dan {q['more']} desa lainnya.", italic=True)
    else:
        r.docx_para(doc, "Belum ada putaran pengukuran dengan data.", italic=True)

    r.docx_para(doc, "6. Rencana perbaikan sistem manajemen data", size=11, bold=True)
    headers = ["No", "Kesenjangan", "Uraian tindakan", "OPD", "Tenggat", "Status"]
    table = r.docx_table(doc, headers, rows=1 + max(1, len(data["plan"])), size=8, header_fill="0B6E4F",
                         repeat_header=True)  # fmt: skip
    for i, row in enumerate(data["plan"], 1):
        status = row["status"] + (f" — {row['note']}" if row["note"] else "")
        values = [
            str(row["no"]),
            f"{row['kind']}: {row['gap']}",
            row["uraian"],
            row["opd"],
            row["tenggat"],
            status,
        ]
        for j, text in enumerate(values):
            r.docx_write(
                table.rows[i].cells[j], text, size=8, color="B42318" if row["overdue"] and j == 5 else None
            )
    if not data["plan"]:
        r.docx_write(table.rows[1].cells[1], "Belum ada rencana perbaikan.", size=8)

    r.docx_para(doc, "")
    p = r.docx_para(doc, data["sign_line"])
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    r.docx_signatures(doc, [r.Signature(role="Penanggung jawab Aksi 6")], indent=110)
    return r.save(doc)


RENDER = {"pdf": document_pdf, "docx": document_docx}


def build(kabkota: str, tahun: int, fmt: str) -> tuple[bytes, str]:
    if fmt not in RENDER:
        raise ValueError(f"unknown format: {fmt}")
    return RENDER[fmt](kabkota, tahun), filename(kabkota, tahun, fmt)


def report_build(kabkota: str, tahun: int | None, fmt: str) -> tuple[bytes, str]:
    """`konvergensi report datakelola`: the Aksi 6 document of ``tahun`` (None: the latest year with
    an improvement plan), or the one line saying the district has no plan."""
    from konvergensi.reports.registry import NothingToReport

    if fmt not in FORMATS:
        raise NothingToReport(f"Format „{fmt}” tidak dikenal: pilih pdf atau docx.")
    region = Region.objects.filter(kode=kabkota).first()
    name = region.nama if region else f"Kabupaten/kota {kabkota}"
    if tahun is None:
        tahun = (
            Action.objects.filter(kabkota_id=kabkota)
            .exclude(status=Status.BATAL)
            .order_by("-tahun")
            .values_list("tahun", flat=True)
            .first()
        )
        if tahun is None:
            raise NothingToReport(f"{name} belum mempunyai rencana perbaikan sistem manajemen data.")
    if region is None or not selectors.plan_exists(kabkota, tahun):
        raise NothingToReport(f"{name} belum mempunyai rencana perbaikan sistem manajemen data {tahun}.")
    return build(kabkota, tahun, fmt)
