"""The review document (report kind ``reviu``): every section with its sentence (the team's edit, else
the generated one) and its table, then the recommendations for next year's RKPD; PDF (WeasyPrint, the
common reports layer) and Word (python-docx). A stored review prints its snapshot; without one the
sections are assembled from the current figures (marked as such on the cover)."""

from __future__ import annotations

from django.utils import timezone

from konvergensi.formats import date_text
from konvergensi.wilayah.models import Region

from . import selectors
from .models import Review, Status

FORMATS = ("pdf", "docx")


def filename(kab: Region, tahun: int, fmt: str) -> str:
    return f"reviu-kinerja-{kab.nama.lower().replace(' ', '-')}-{tahun}.{fmt}"


def data(kab: Region, tahun: int, review: Review | None = None) -> dict:
    """What the document shows, from ``review``'s snapshot or, without one, assembled now."""
    if review is not None:
        sections = [
            {"title": s.title, "text": s.text, "table": s.table, "available": s.available}
            for s in selectors.sections_of(review)
        ]
        recommendations = [r.text for r in review.recommendations.all()]
        state = (
            f"Final, {date_text(timezone.localtime(review.finalized_at).date())}"
            if review.status == Status.FINAL and review.finalized_at
            else "Draf"
        )
        built = review.built_at
    else:
        assembled = selectors.assemble(kab.kode, tahun)
        sections = [
            {
                "title": a.title,
                "text": a.text,
                "table": {
                    "headers": list(a.figures.table.headers),
                    "rows": [list(r) for r in a.figures.table.rows],
                }
                if a.figures.table
                else None,
                "available": a.figures.available,
            }
            for a in assembled
        ]
        recommendations = [t for a in assembled for t in a.recommendations]
        state = "Disusun otomatis dari data terkini (belum disusun tim)"
        built = timezone.now()
    for i, s in enumerate(sections, 1):
        s["no"] = i
    return {
        "kab": kab,
        "tahun": tahun,
        "title": f"Reviu Kinerja Tahunan {tahun}",
        "subtitle": f"Aksi Konvergensi 8 · {kab.nama}",
        "state": state,
        "built": date_text(timezone.localtime(built).date()) if built else "",
        "sections": sections,
        "recommendations": recommendations,
        "footer": f"Reviu kinerja tahunan {kab.nama} {tahun}",
    }


def _pdf(facts: dict) -> bytes:
    from konvergensi.reports import render

    return render.pdf("reviews/review_pdf.html", facts, kabkota=facts["kab"], title=facts["footer"])


def _docx(facts: dict) -> bytes:
    from konvergensi.reports import render

    doc = render.docx_document()
    doc.sections[0].footer.paragraphs[0].text = facts["footer"]
    render.docx_para(doc, facts["title"], size=16, bold=True)
    render.docx_para(doc, facts["subtitle"], size=11)
    render.docx_para(doc, f"Status: {facts['state']} · disusun {facts['built']}", size=9, italic=True)
    for s in facts["sections"]:
        render.docx_para(doc, f"{s['no']}. {s['title']}", size=12, bold=True, space_after=3)
        render.docx_para(doc, s["text"])
        table = s["table"]
        if table and table["rows"]:
            t = render.docx_table(doc, table["headers"], rows=len(table["rows"]) + 1, header_fill="1F4E78",
                                  repeat_header=True)  # fmt: skip
            for r, row in enumerate(table["rows"], 1):
                for c, value in enumerate(row):
                    render.docx_write(t.rows[r].cells[c], str(value), size=8.5)
    render.docx_para(doc, f"Rekomendasi untuk RKPD {facts['tahun'] + 1}", size=12, bold=True, space_after=3)
    if facts["recommendations"]:
        for text in facts["recommendations"]:
            render.docx_para(doc, text, style="List Number")
    else:
        render.docx_para(doc, "Belum ada rekomendasi.", italic=True)
    return render.save(doc)


def render_review(kab: Region, tahun: int, fmt: str, review: Review | None = None) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format: {fmt}")
    facts = data(kab, tahun, review)
    return _pdf(facts) if fmt == "pdf" else _docx(facts)


def review_pdf(review: Review) -> bytes:
    return render_review(review.kabkota, review.tahun, "pdf", review)


def _latest_year(kabkota: str) -> int:
    """Without ``--year`` and without a stored review: the district's latest cycle year, else this year."""
    from konvergensi.aksi.models import Siklus

    siklus = Siklus.objects.filter(kabkota_id=kabkota).order_by("-tahun").first()
    return siklus.tahun if siklus else timezone.localdate().year


def report_build(kabkota: str, year: int | None, fmt: str) -> tuple[bytes, str]:
    """The ``reviu`` report kind: the stored review of ``year`` (None: the latest stored), else the
    sections assembled now from the current figures."""
    from konvergensi.reports.registry import NothingToReport

    kab = Region.objects.filter(kode=kabkota, level="kabkota").first()
    if kab is None:
        raise NothingToReport(f"Kabupaten/kota {kabkota} belum dimuat.")
    reviews = Review.objects.filter(kabkota_id=kabkota).select_related("kabkota")
    review = (reviews.filter(tahun=year) if year is not None else reviews).order_by("-tahun").first()
    tahun = review.tahun if review else (year or _latest_year(kabkota))
    return render_review(kab, tahun, fmt, review), filename(kab, tahun, fmt)
