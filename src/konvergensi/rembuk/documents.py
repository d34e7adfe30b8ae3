"""The berita acara kesepakatan rencana kegiatan of a rembuk, with its naskah komitmen, in Indonesian:
a PDF (WeasyPrint, from ``rembuk/berita_acara_pdf.html``, A4) and an editable Word document
(python-docx): the district's header, the event, the commitment, the agreed plan table (the Aksi 2
plan's rows: activity, location, budget, OPD, and the change agreed at the rembuk) and a signature
block for every named signatory. Both draw on :func:`facts`.

:func:`berita_acara` is the entry point of the report layer (kind "rembuk").
"""

from __future__ import annotations

import io

from konvergensi.formats import long_date, weekday
from konvergensi.wilayah.models import Region
from konvergensi_core.plan import format_rupiah

from . import selectors
from .models import Agenda, Category, Rembuk, SignatoryRole

FORMATS = ("pdf", "docx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TITLE = "BERITA ACARA KESEPAKATAN RENCANA KEGIATAN INTERVENSI PENURUNAN STUNTING TERINTEGRASI"


class NoRembuk(LookupError):
    """The district has no held rembuk of the year: nothing to put in a berita acara."""


def filename(rembuk: Rembuk, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format: {fmt}")
    return f"berita-acara-rembuk-{rembuk.region_id.replace('.', '')}-{rembuk.tahun}.{fmt}"


def _town(kab: Region) -> str:
    for prefix in ("Kabupaten ", "Kota "):
        if kab.nama.startswith(prefix):
            return kab.nama[len(prefix) :]
    return kab.nama


def _government(kab: Region) -> str:
    return f"PEMERINTAH {kab.nama.upper()}"


def plan_lines(rembuk: Rembuk) -> list[dict]:
    """The agreed plan table: the Aksi 2 plan's rows (a kecamatan rembuk: those reaching the kecamatan)."""
    from konvergensi.plans import selectors as plan_selectors

    plan = selectors.plan_of(rembuk)
    if plan is None and not rembuk.is_kabkota:
        from konvergensi.plans.models import Plan

        plan = (
            Plan.objects.filter(kabkota_id=rembuk.kabkota_id, tahun=rembuk.tahun).order_by("-number").first()
        )
    if plan is None:
        return []
    rows = plan_selectors.rows_of(plan)
    if not rembuk.is_kabkota:
        prefix = rembuk.region_id
        rows = [r for r in rows if any(loc == prefix or loc.startswith(prefix + ".") for loc in r.locations)]
    nos = plan_selectors.numbering(plan_selectors.rows_of(plan))
    names = plan_selectors.place_names(rembuk.kabkota_id)
    changes = selectors.changes_of(rembuk) if rembuk.is_kabkota else {}
    lines = []
    for r in rows:
        places = [names.get(k, k) for k in r.locations]
        lokasi = ", ".join(places[:8]) + (f" dan {len(places) - 8} lainnya" if len(places) > 8 else "")
        lines.append({
            "no": nos.get(r.pk, ""), "activity": r.activity, "code": r.code, "lokasi": lokasi or "Seluruh wilayah",
            "anggaran": format_rupiah(r.budget) if r.budget is not None else "–", "budget": r.budget or 0,
            "opd": r.opd.nama if r.opd else "–", "change": changes[r.pk].text if r.pk in changes else "",
        })  # fmt: skip
    return lines


def facts(rembuk: Rembuk) -> dict:
    """Everything the two documents show, as plain Indonesian text."""
    kab = rembuk.kabkota
    region = rembuk.region
    provinsi = Region.objects.filter(kode=kab.kode[:2]).first()
    date = rembuk.held or rembuk.date
    agenda_labels = dict(Agenda.choices)
    participants = [
        {"label": str(dict(Category.choices)[p.category]), "count": p.count, "note": p.note}
        for p in rembuk.participants.all()
        if p.count
    ]
    signatories = [
        {"role": str(SignatoryRole(s.role).label), "name": s.name, "position": s.position or str(SignatoryRole(s.role).label)}
        for s in rembuk.signatories.all()
    ]  # fmt: skip
    lines = plan_lines(rembuk)
    plan = selectors.plan_of(rembuk)
    forum = (
        f"Rembuk Stunting {region.nama}" if rembuk.is_kabkota else f"Rembuk Stunting Kecamatan {region.nama}"
    )
    opening = (
        f"Pada hari ini, {weekday(date)} tanggal {long_date(date)}, bertempat di {rembuk.place or '…'}, "
        f"telah dilaksanakan {forum} Tahun {rembuk.tahun}. Para pihak yang bertanda tangan di bawah ini "
        "menyepakati rencana kegiatan intervensi penurunan stunting terintegrasi sebagaimana tercantum "
        "dalam berita acara ini, untuk dimuat dalam RKPD dan Renja OPD tahun berikutnya."
        if date
        else f"{forum} Tahun {rembuk.tahun} (tanggal belum ditetapkan)."
    )
    return {
        "government": _government(kab),
        "kab": kab.nama,
        "provinsi": provinsi.nama if provinsi else "",
        "region": region.nama if rembuk.is_kabkota else f"Kecamatan {region.nama}, {kab.nama}",
        "tahun": rembuk.tahun,
        "title": TITLE,
        "forum": forum,
        "opening": opening,
        "date_text": long_date(date),
        "place": rembuk.place,
        "agenda": [f"{a}. {agenda_labels[a]}" for a in rembuk.agenda if a in agenda_labels],
        "agenda_notes": rembuk.agenda_notes,
        "speakers": [s.strip() for s in rembuk.speakers.splitlines() if s.strip()],
        "tpk": [s.strip() for s in rembuk.tpk.splitlines() if s.strip()],
        "participants": participants,
        "n_participants": sum(p["count"] for p in participants),
        "commitment": [p.strip() for p in rembuk.commitment.splitlines() if p.strip()],
        "plan_title": f"Rencana kegiatan yang disepakati (Aksi 2, versi {plan.number})" if plan else
                      "Rencana kegiatan yang disepakati",
        "lines": lines,
        "total_text": format_rupiah(sum(line["budget"] for line in lines)),
        "any_change": any(line["change"] for line in lines),
        "signatories": signatories,
        "sign_line": f"{_town(kab) if rembuk.is_kabkota else region.nama}, {long_date(date)}",
        "footer": f"Berita acara {forum} {rembuk.tahun} · dibuat dengan Konvergensi",
    }  # fmt: skip


def berita_acara_pdf(rembuk: Rembuk) -> bytes:
    from konvergensi.reports import render as reports

    data = facts(rembuk)
    data["signatures"] = [reports.Signature(role=s["position"], name=s["name"]) for s in data["signatories"]]
    return reports.pdf("rembuk/berita_acara_pdf.html", data, kabkota=rembuk.kabkota, title=data["footer"])


def berita_acara_docx(rembuk: Rembuk) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    data = facts(rembuk)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10.5)
    section.footer.paragraphs[0].text = data["footer"]

    def para(text: str, *, size: float = 10.5, bold: bool = False, center: bool = False, style=None):
        p = doc.add_paragraph(style=style)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(3)
        return p

    def cell(c, text: str, *, bold: bool = False, size: float = 9, center: bool = False) -> None:
        c.text = ""
        p = c.paragraphs[0]
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    para(data["government"], size=13, bold=True, center=True)
    if data["provinsi"]:
        para(f"PROVINSI {data['provinsi'].upper()}", size=11, bold=True, center=True)
    para("")
    para(data["title"], size=12, bold=True, center=True)
    para(f"{data['forum'].upper()} TAHUN {data['tahun']}", size=11, bold=True, center=True)
    para(data["opening"])
    para("Agenda acara:", bold=True)
    for item in data["agenda"]:
        para(item, style="List Bullet")
    if data["speakers"]:
        para("Narasumber:", bold=True)
        for item in data["speakers"]:
            para(item, style="List Bullet")
    para(f"Peserta yang hadir: {data['n_participants']} orang.", bold=True)
    for p in data["participants"]:
        para(f"{p['label']}: {p['count']}" + (f" ({p['note']})" if p["note"] else ""), style="List Bullet")

    para("")
    para("NASKAH KOMITMEN", size=11, bold=True, center=True)
    for text in data["commitment"]:
        para(text)

    para("")
    para(data["plan_title"].upper(), size=11, bold=True, center=True)
    headers = ["No", "Kegiatan", "Lokasi", "Anggaran", "OPD"] + (
        ["Perubahan disepakati"] if data["any_change"] else []
    )
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in zip(table.rows[0].cells, headers, strict=True):
        cell(c, text, bold=True, center=True)
    for line in data["lines"]:
        values = [line["no"], line["activity"], line["lokasi"], line["anggaran"], line["opd"]]
        if data["any_change"]:
            values.append(line["change"] or "–")
        for c, text in zip(table.add_row().cells, values, strict=True):
            cell(c, text)
    if not data["lines"]:
        row = table.add_row().cells
        cell(row[1], "Belum ada rencana kegiatan (Aksi 2) tahun ini.")
    total = table.add_row().cells
    cell(total[1], "Total", bold=True)
    cell(total[3], data["total_text"], bold=True)

    para("")
    para(data["sign_line"], center=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    para("Yang bertanda tangan:", bold=True)
    sigs = data["signatories"]
    per_row = 3
    grid = doc.add_table(rows=(len(sigs) + per_row - 1) // per_row, cols=per_row)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, sig in enumerate(sigs):
        c = grid.rows[i // per_row].cells[i % per_row]
        c.text = ""
        p = c.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(sig["position"])
        run.font.size = Pt(9)
        for _blank in range(3):
            c.add_paragraph("")
        name = c.add_paragraph()
        name.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = name.add_run(sig["name"])
        r.bold = r.underline = True
        r.font.size = Pt(9.5)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


RENDER = {"pdf": berita_acara_pdf, "docx": berita_acara_docx}


def render(rembuk: Rembuk, fmt: str) -> bytes:
    if fmt not in RENDER:
        raise ValueError(f"unknown format: {fmt}")
    return RENDER[fmt](rembuk)


def berita_acara(kabkota: str, tahun: int | None, fmt: str) -> tuple[bytes, str]:
    """The district rembuk's berita acara of ``tahun`` (None: the newest held one) as (bytes, file
    name). Raises :class:`NoRembuk` with a one-line Indonesian message when there is none held."""
    from .models import Level

    if fmt not in FORMATS:
        raise ValueError(f"Format „{fmt}” tidak dikenal: pilih pdf atau docx.")
    qs = Rembuk.objects.select_related("kabkota", "region", "plan").filter(
        kabkota_id=kabkota, level=Level.KABKOTA, held__isnull=False
    )
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    rembuk = qs.order_by("-tahun").first()
    if rembuk is None:
        year = f" tahun {tahun}" if tahun is not None else ""
        region = Region.objects.filter(kode=kabkota).first()
        name = region.nama if region else f"Kabupaten/kota {kabkota}"
        raise NoRembuk(f"{name} belum mencatat rembuk stunting yang terlaksana{year}.")
    return render(rembuk, fmt), filename(rembuk, fmt)


def report_build(kabkota: str, tahun: int | None, fmt: str) -> tuple[bytes, str]:
    """`konvergensi report rembuk`: the berita acara, or the one line saying there is none."""
    from konvergensi.reports.registry import NothingToReport

    try:
        return berita_acara(kabkota, tahun, fmt)
    except NoRembuk as exc:
        raise NothingToReport(str(exc)) from None
