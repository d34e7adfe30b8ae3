"""The assessment document of a district (report kind ``penilaian``): its newest published result
of a year — class, score per stage, rank in the province's round, each indicator's letters and notes,
the province's supervision notes and recommendations and the district's responses — as PDF
(WeasyPrint, ``assessment/penilaian_pdf.html``) or Word (python-docx). Only published rounds: a
district's grades never leave the province before publication."""

from __future__ import annotations

from konvergensi.reports import render
from konvergensi.wilayah.models import Region
from konvergensi_core.assessment import display

from .models import RoundDistrict
from .scoring import frac

TITLE = "HASIL PENILAIAN KINERJA AKSI KONVERGENSI PERCEPATAN PENURUNAN STUNTING"


class NoResult(LookupError):
    pass


def result_of(kabkota: str, tahun: int | None) -> RoundDistrict:
    qs = RoundDistrict.objects.filter(kabkota_id=kabkota, round__published__isnull=False).select_related(
        "round", "round__provinsi", "round__rubric", "kabkota"
    )
    if tahun is not None:
        qs = qs.filter(round__tahun=tahun)
    d = qs.order_by("-round__tahun", "-round__published").first()
    if d is None:
        kab = Region.objects.filter(kode=kabkota).first()
        name = kab.nama if kab else kabkota
        raise NoResult(
            f"{name} belum mempunyai hasil penilaian kinerja yang diterbitkan"
            + (f" tahun {tahun}." if tahun else ".")
        )
    return d


def facts(d: RoundDistrict) -> dict:
    from . import selectors

    grades = selectors.grades_of(d)
    responses = list(d.responses.select_related("indicator"))
    rows = []
    for ind in d.round.rubric.indicators.all():
        mine = [g for g in grades if g.indicator_id == ind.pk]
        rows.append({
            "kode": ind.kode, "uraian": ind.uraian, "tahap": ind.get_tahap_display(),
            "huruf": ", ".join(g.huruf for g in mine) or "–",
            "catatan": " · ".join(g.note for g in mine if g.note),
            "tanggapan": " · ".join(r.text for r in responses if r.indicator_id == ind.pk),
        })  # fmt: skip
    n = d.round.districts.count()
    return {
        "title": TITLE, "kab": d.kabkota, "tahun": d.round.tahun, "round": d.round, "d": d, "rows": rows,
        "n_districts": n, "score": display(frac(d.score)), "score_document": display(frac(d.score_document)),
        "score_panel": display(frac(d.score_panel)),
        "overall": [r.text for r in responses if r.indicator_id is None],
    }  # fmt: skip


def filename(d: RoundDistrict, fmt: str) -> str:
    return f"penilaian-kinerja-{d.kabkota_id.replace('.', '')}-{d.round.tahun}.{fmt}"


def pdf(d: RoundDistrict) -> bytes:
    return render.pdf(
        "assessment/penilaian_pdf.html", facts(d), kabkota=d.kabkota, title="Hasil penilaian kinerja"
    )


def docx(d: RoundDistrict) -> bytes:
    f = facts(d)
    doc = render.docx_document()
    render.docx_para(doc, render.district_line(d.kabkota), size=9, center=True)
    render.docx_para(doc, TITLE, bold=True, center=True, size=12)
    render.docx_para(
        doc, f"{d.kabkota.nama} · {f['round'].nama} · TAHUN {f['tahun']}", bold=True, center=True
    )
    render.docx_para(
        doc,
        f"Kelas: {d.kelas or '–'} · Skor: {f['score']} · Peringkat {d.rank} dari {f['n_districts']}",
        bold=True,
    )
    render.docx_para(doc, f"Penilaian dokumen {f['score_document']} · Presentasi panel {f['score_panel']}"
                     + (f" · Tidak dinilai (dihitung 0): {', '.join(d.missing)}" if d.missing else ""))  # fmt: skip
    headers = ("Kode", "Indikator", "Tahap", "Huruf", "Catatan penilai", "Tanggapan")
    table = render.docx_table(
        doc, headers, rows=len(f["rows"]) + 1, widths=(12, 55, 20, 14, 45, 34), repeat_header=True
    )
    for r, row in enumerate(f["rows"], start=1):
        for c, key in enumerate(("kode", "uraian", "tahap", "huruf", "catatan", "tanggapan")):
            render.docx_write(table.rows[r].cells[c], row[key], size=8)
    render.docx_para(doc, "Catatan pembinaan", bold=True)
    render.docx_para(doc, d.supervision or "–")
    render.docx_para(doc, "Rekomendasi", bold=True)
    render.docx_para(doc, d.recommendations or "–")
    if f["overall"]:
        render.docx_para(doc, "Tanggapan kabupaten/kota", bold=True)
        for text in f["overall"]:
            render.docx_para(doc, text)
    return render.save(doc)


def build(kabkota: str, tahun: int | None, fmt: str) -> tuple[bytes, str]:
    d = result_of(kabkota, tahun)
    content = pdf(d) if fmt == "pdf" else docx(d)
    return content, filename(d, fmt)


def report_build(kabkota: str, tahun: int | None, fmt: str) -> tuple[bytes, str]:
    """`konvergensi report penilaian`: the district's published assessment, or the one line saying there is none."""
    from konvergensi.reports.registry import NothingToReport

    try:
        return build(kabkota, tahun, fmt)
    except NoResult as exc:
        raise NothingToReport(str(exc)) from None


# --- the province's ranking (``konvergensi report penilaian --provinsi KODE``) ---------------------------


def province_facts(provinsi: str, tahun: int | None) -> dict:
    """The newest published results of a province's districts in ``tahun`` (else its newest year with
    any), in rank order: what the province's ranking document shows."""
    region = Region.objects.filter(kode=provinsi, level="provinsi").first()
    name = region.nama if region else provinsi
    qs = RoundDistrict.objects.filter(round__provinsi_id=provinsi, round__published__isnull=False)
    if tahun is None:
        tahun = qs.order_by("-round__tahun").values_list("round__tahun", flat=True).first()
    newest: dict[str, RoundDistrict] = {}
    if tahun is not None:
        rows = qs.filter(round__tahun=tahun).select_related("kabkota", "round")
        for d in rows.order_by("kabkota_id", "-round__published", "-round_id"):
            newest.setdefault(d.kabkota_id, d)
    if not newest:
        raise NoResult(
            f"Provinsi {name} belum mempunyai hasil penilaian kinerja yang diterbitkan"
            + (f" tahun {tahun}." if tahun else ".")
        )
    ranked = sorted(newest.values(), key=lambda d: (-(d.score or 0), d.kabkota_id))
    counts: dict[str, int] = {}
    for d in ranked:
        counts[d.kelas or "–"] = counts.get(d.kelas or "–", 0) + 1
    rows = [
        {"rank": i, "kode": d.kabkota_id, "nama": d.kabkota.nama, "kelas": d.kelas or "–",
         "score": display(frac(d.score)), "score_document": display(frac(d.score_document)),
         "score_panel": display(frac(d.score_panel)), "missing": len(d.missing or [])}
        for i, d in enumerate(ranked, start=1)
    ]  # fmt: skip
    return {"title": TITLE, "provinsi": region, "nama": name, "tahun": tahun, "rows": rows, "counts": counts}


def province_build(provinsi: str, tahun: int | None, fmt: str) -> tuple[bytes, str]:
    f = province_facts(provinsi, tahun)
    name = f"penilaian-kinerja-provinsi-{provinsi}-{f['tahun']}.{fmt}"
    if fmt == "pdf":
        return render.pdf("assessment/penilaian_provinsi_pdf.html", f, title="Hasil penilaian kinerja"), name
    doc = render.docx_document()
    render.docx_para(doc, TITLE, bold=True, center=True, size=12)
    render.docx_para(doc, f"PROVINSI {f['nama'].upper()} · TAHUN {f['tahun']}", bold=True, center=True)
    render.docx_para(doc, " · ".join(f"{k}: {n}" for k, n in f["counts"].items()))
    headers = ("Peringkat", "Kode", "Kabupaten/kota", "Dokumen", "Panel", "Skor", "Kelas", "Belum dinilai")
    keys = ("rank", "kode", "nama", "score_document", "score_panel", "score", "kelas", "missing")
    table = render.docx_table(
        doc, headers, rows=len(f["rows"]) + 1, widths=(16, 16, 50, 20, 20, 18, 26, 20), repeat_header=True
    )
    for r, row in enumerate(f["rows"], start=1):
        for c, key in enumerate(keys):
            render.docx_write(table.rows[r].cells[c], str(row[key]), size=8)
    return render.save(doc), name


def report_build_province(provinsi: str, tahun: int | None, fmt: str) -> tuple[bytes, str]:
    """`konvergensi report penilaian --provinsi KODE`: the province's ranking of its districts."""
    from konvergensi.reports.registry import NothingToReport

    try:
        return province_build(provinsi, tahun, fmt)
    except NoResult as exc:
        raise NothingToReport(str(exc)) from None
