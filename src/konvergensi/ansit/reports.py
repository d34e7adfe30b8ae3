"""The situation-analysis document: one set of facts drawn into a PDF (WeasyPrint, from an HTML
template, charts and map as SVG), an editable Word document (docxtpl on the template of
:mod:`docx_template`, charts and map as PNG) and the Excel annexes. In Indonesian.

Built by the background task ``konvergensi.ansit.tasks.document_build``; the facts are read with
the scope of the person who asked for the document (the district operator: the whole district).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils import timezone

from konvergensi.accounts.scope import Scope, scope_for_user
from konvergensi.formats import date_text, region_time_zone
from konvergensi.reports import render
from konvergensi.wilayah.models import Region
from konvergensi_core.ansit import PrevalenceCategory
from konvergensi_core.ansit import recommendations as rules
from konvergensi_core.indicators import CATEGORY_LABEL, Category
from konvergensi_core.io.ansit_xlsx import COVERAGE_FILL, NO_DATA_FILL, PREVALENCE_FILL, write_matrix_xlsx
from konvergensi_core.numbers import id_count, id_number

from . import charts, excel, pages, selectors
from .models import (
    AnsitDocument,
    DataSource,
    Decision,
    DocumentStatus,
    Effectiveness,
    Frequency,
    Level,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Review,
    ReviewKind,
    YesNo,
)
from .questions import fgd_questions

STEPS = 6
MAX_UNITS_IN_TEXT = 40  # longer unit tables go to the Excel annex; the text lists the units above the mean
MAX_MATRIX_ROWS = 40


def _yes(value: bool | None) -> str:
    return "–" if value is None else ("ya" if value else "tidak")


def _date(value) -> str:
    """The platform's date format; a moment as the date it is in the active zone, which
    :func:`build` sets to the district's (WIB/WITA/WIT)."""
    return date_text(value)


def facts(doc: AnsitDocument, *, scope: Scope | None = None) -> dict:
    """Everything the three outputs show, as plain values, read with ``scope`` (default: the scope
    of the person who asked for the document)."""
    analysis = doc.analysis
    kab = analysis.kabkota
    provinsi = Region.objects.filter(kode=kab.kode[:2]).first()
    scope = scope if scope is not None else scope_for_user(doc.created_by)
    dist = selectors.distribution(scope=scope, analysis=analysis)
    result = dist.result
    level_label = str(Level(analysis.level).label)
    counts = result.counts()
    names = {d.kode: d.nama for d in selectors.kabkota_desa(kab.kode)}
    kec_names = dict(Region.objects.filter(parent_id=kab.kode, level="kecamatan").values_list("kode", "nama"))
    author = doc.created_by.get_full_name() if doc.created_by else ""

    stats = [
        {"label": f"Jumlah {level_label.lower()} (berdata)", "value": f"{len(result.units)} ({dist.with_data})"},
        {"label": "Prevalensi kabupaten/kota (rata-rata prevalensi wilayah, pedoman)", "value": id_number(result.mean_prevalence) + " %"},
        {"label": "Prevalensi gabungan (total kasus ÷ total diukur)", "value": id_number(result.pooled_prevalence) + (" %" if result.pooled_prevalence is not None else "")},
        {"label": f"Ambang signifikan prevalensi (> {round(result.margin * 100)} % di atas rata-rata)", "value": id_number(result.prevalence_threshold) + " %"},
        {"label": f"{level_label} di atas rata-rata / signifikan (prevalensi)", "value": f"{counts['above_mean_prevalence']} / {counts['significant_prevalence']}"},
        {"label": f"Rata-rata kasus per {level_label.lower()}", "value": id_number(result.mean_cases)},
        {"label": "Ambang signifikan jumlah kasus", "value": id_number(result.cases_threshold)},
        {"label": f"{level_label} di atas rata-rata / signifikan (kasus)", "value": f"{counts['above_mean_cases']} / {counts['significant_cases']}"},
    ]  # fmt: skip
    computed = Decision(result.recommendation.value)
    decision = Decision(analysis.decision) if analysis.decision else None
    if decision is None:
        decision_text = (
            f"Rekomendasi perhitungan: {computed.label}. Keputusan tim belum dikonfirmasi di Konvergensi."
        )
    elif decision == computed:
        decision_text = f"Tim mengonfirmasi rekomendasi perhitungan: {decision.label}."
    else:
        decision_text = (
            f"Rekomendasi perhitungan: {computed.label}. Tim memutuskan lain: {decision.label}. "
            f"Alasan: {analysis.decision_reason}"
        )
    if dist.separate:
        decision_text += f" Calon analisis situasi tersendiri: {rules.names_text(dist.separate, 20)}."
    if dist.special:
        decision_text += f" Wilayah yang memerlukan perhatian khusus: {rules.names_text(dist.special, 30)}."
    if analysis.decided_by:
        decision_text += (
            f" (Diputuskan {_date(analysis.decided_at)} oleh {analysis.decided_by.get_full_name()}.)"
        )

    def unit_row(r):
        return {
            "kode": r.kode,
            "nama": r.nama,
            "cases": id_count(r.cases),
            "measured": id_count(r.measured),
            "prevalence": id_number(r.prevalence),
            "above": ", ".join(
                x for x, f in (("prevalensi", r.above_mean_prevalence), ("kasus", r.above_mean_cases)) if f
            )
            or "–",
            "significant": ", ".join(
                x for x, f in (("prevalensi", r.significant_prevalence), ("kasus", r.significant_cases)) if f
            )
            or "–",
            "status": r.status,
        }

    units = [unit_row(r) for r in dist.all_rows]
    if len(units) <= MAX_UNITS_IN_TEXT:
        units_shown, units_note = units, ""
    else:
        units_shown = [u for u in units if u["status"] in ("both", "either", "above")][
            : MAX_UNITS_IN_TEXT * 2
        ]
        units_note = (
            f"Tabel di bawah memuat {len(units_shown)} dari {len(units)} {level_label.lower()} (yang di atas "
            "rata-rata); tabel lengkap ada di lampiran Excel (lembar Sebaran per Wilayah)."
        )

    cov = selectors.coverage(analysis=analysis)
    n_desa = len(names)
    coverage_rows = []
    for s in cov.summaries:
        cat = s.category
        coverage_rows.append(
            {
                "code": s.indicator.kode,
                "name": s.indicator.nama,
                "with_data": f"{s.with_data}/{n_desa}",
                "low": f"{s.low} ({id_number(s.low_share, 0)} %)" if s.with_data else "–",
                "pct": id_number(s.percent) + " %" if s.percent is not None else "–",
                "category": CATEGORY_LABEL[cat] if cat else "tanpa data",
                "cls": cat.value if cat else "none",
                "color": COVERAGE_FILL.get(cat, NO_DATA_FILL) if cat else NO_DATA_FILL,
            }
        )
    hotspot = selectors.hotspot_desa(analysis, result)
    availability = selectors.programmes(analysis=analysis, indicators=cov.indicators)
    gaps = rules.programme_gaps(availability, desa=list(names), hotspot=hotspot)
    gap_rows = [
        {
            "code": g.code,
            "name": g.name,
            "present": f"{g.present}/{g.total}",
            "missing_most": "ya" if g.missing_in_most else "tidak",
            "hotspot": f"{len(g.hotspot_without)}/{g.hotspot_total}" if g.hotspot_total else "–",
            "sources": ", ".join(f"{label} ({v})" for label, v in g.top_sources()) or "–",
        }
        for g in gaps
        if g.present or g.absent
    ]

    lokus = doc.lokus_list
    settings = (
        selectors.LokusSettings.of(lokus)
        if lokus is not None and lokus.analysis_id == analysis.pk
        else selectors.LokusSettings()
    )
    ranking = selectors.lokus_ranking(analysis=analysis, settings=settings, cov=cov)
    if lokus is not None:
        entries = list(lokus.entries.order_by("rank"))
        lokus_rows = [
            {
                "rank": e.rank,
                "kode": e.desa_id,
                "nama": names.get(e.desa_id, e.desa_id),
                "kecamatan": kec_names.get(e.desa_id[:8], ""),
                "prevalence": id_number(e.prevalence),
                "cases": id_count(e.cases),
                "low": f"{e.low_coverage_count}/{e.coverage_count}",
                "criteria": " ".join(
                    "✓" if f else "–"
                    for f in (e.prevalence_above_mean, e.cases_above_mean, e.low_coverage_majority)
                ),
            }
            for e in entries
        ]
        who = lokus.confirmed_by.get_full_name() if lokus.confirmed_by else ""
        lokus_settings = selectors.LokusSettings.of(lokus)
        lokus_text = (
            f"{len(entries)} desa lokus dikonfirmasi {_date(lokus.confirmed_at)}"
            + (f" oleh {who}" if who else "")
            + f", dari {lokus.n_eligible} desa yang memenuhi kriteria ({lokus.n_desa} desa). Kriteria (pedoman): "
            "(1) prevalensi stunting di atas rata-rata; (2) jumlah kasus di atas rata-rata; (3) lebih dari 50 % "
            "indikator utama bercakupan kurang. Urutan: jumlah indikator utama bercakupan rendah, prevalensi, "
            f"jumlah kasus. Jumlah lokus: {lokus_settings.method_text()}."
        )
        lokus_codes = [e.desa_id for e in entries]
    else:
        lokus_rows, lokus_codes = [], []
        lokus_text = (
            "Daftar desa lokus belum dikonfirmasi kabupaten/kota. Pilih dan konfirmasi di halaman Lokus, lalu "
            "buat dokumen ini lagi."
        )
    matrix = selectors.matrix(ranking=ranking, visible=None, bands=analysis.bands)
    wanted = set(lokus_codes)
    matrix_rows_src = (
        [r for r in matrix.rows if r.desa in wanted] if wanted else [r for r in matrix.rows if r.eligible]
    )
    matrix_rows_src = matrix_rows_src[:MAX_MATRIX_ROWS]
    matrix_rows = []
    for r in matrix_rows_src:
        cat = r.prevalence_category
        matrix_rows.append(
            {
                "rank": r.rank,
                "nama": names.get(r.desa, r.desa),
                "prev": (id_number(r.prevalence) + " % · " + cat.label) if cat else "tanpa data",
                "prev_class": pages.PREVALENCE_CLASS.get(cat, "cat-none") if cat else "cat-none",
                "prev_color": PREVALENCE_FILL.get(cat, NO_DATA_FILL) if cat else NO_DATA_FILL,
                "cells": [
                    (
                        id_number(c.coverage, 0) if c.coverage is not None else "",
                        c.category.value if c.category else "none",
                    )
                    for c in r.cells
                ],
                "low_codes": ", ".join(c.indicator for c in r.cells if c.low) or "–",
            }
        )
    matrix_text = (
        f"Desa {'lokus' if wanted else 'yang memenuhi kriteria'} × {len(matrix.indicators)} indikator utama, "
        "sel diwarnai menurut kategori cakupan, kolom desa menurut kategori prevalensi, diurutkan menurut "
        "peringkat. Matriks lengkap berwarna seluruh desa ada di lampiran Excel (lembar Matriks Prioritisasi)."
    )

    reviews = []
    for r in (
        Review.objects.filter(kabkota=kab, tahun=analysis.tahun).select_related("opd").order_by("kind", "id")
    ):
        lines = []
        for q in fgd_questions(r.kind):
            a = (r.answers or {}).get(q.key, {})
            status = YesNo(a["status"]).label if a.get("status") else "belum dijawab"
            lines.append(f"{q.text} — {status}" + (f": {a['catatan']}" if a.get("catatan") else ""))
        if r.is_coordination:
            for label, value in (
                ("Tingkat", r.tingkat),
                ("Penanggung jawab", r.penanggung_jawab),
                ("Agenda", r.agenda),
                ("Frekuensi", Frequency(r.frekuensi).label if r.frekuensi else ""),
                ("Rencana kerja", YesNo(r.rencana_kerja).label if r.rencana_kerja else ""),
                ("Biaya operasional", YesNo(r.biaya_operasional).label if r.biaya_operasional else ""),
                ("Efektivitas", Effectiveness(r.efektivitas).label if r.efektivitas else ""),
            ):
                lines.append(f"{label}: {value or '–'}")
        if r.catatan:
            lines.append(f"Temuan: {r.catatan}")
        if r.usulan:
            lines.append(f"Usulan tim: {r.usulan}")
        reviews.append(
            {
                "heading": f"{ReviewKind(r.kind).label}: {r.judul}",
                "meta": " · ".join(
                    x
                    for x in (
                        r.opd.nama if r.opd else "",
                        _date(r.tanggal),
                        f"Peserta: {r.peserta}" if r.peserta else "",
                    )
                    if x
                ),
                "lines": [str(line) for line in lines],
            }
        )

    recs = list(
        Recommendation.objects.filter(kabkota=kab, tahun=analysis.tahun).exclude(
            status=RecommendationStatus.DITOLAK
        )
    )
    rec_groups = []
    for value, label in RecommendationKind.choices:
        items = [
            {
                "text": r.text,
                "evidence": r.evidence or "–",
                "status": "dikonfirmasi" if r.status == RecommendationStatus.DIKONFIRMASI else "draf",
            }
            for r in recs
            if r.kind == value
        ]
        if items:
            rec_groups.append({"label": str(label), "entries": items})
    n_confirmed = sum(1 for r in recs if r.status == RecommendationStatus.DIKONFIRMASI)
    notes = [n.text for n in analysis.notes.all()]
    source = DataSource(analysis.data_source)
    intro = (
        f"Dokumen ini adalah hasil Aksi Integrasi 1 (Analisis Situasi) {kab.nama}"
        + (f", {provinsi.nama}" if provinsi else "")
        + f", siklus {analysis.tahun}: sebaran prevalensi stunting, ketersediaan program dan kesenjangan "
        "cakupan layanan, desa lokasi fokus, reviu penyampaian layanan dan koordinasi, serta rekomendasi "
        "sebagai bahan Rencana Kegiatan (Aksi 2) dan Rembuk Stunting (Aksi 3)."
    )
    data_text = (
        f"Data stunting: {source.label}; sumber: {analysis.source_label}; tingkat {level_label.lower()}. "
        f"Data cakupan dan pemetaan program: periode {analysis.periode}. "
        f"Batas signifikan: lebih dari {round(result.margin * 100)} % di atas rata-rata."
        + (
            " Data yang dipakai adalah proksi, bukan data stunting."
            if source in (DataSource.BBLR, DataSource.BUMIL_KEK)
            else ""
        )
    )
    return {
        "kab": kab.nama,
        "kab_kode": kab.kode,
        "provinsi": provinsi.nama if provinsi else "",
        "tahun": analysis.tahun,
        "generated": _date(timezone.now()),
        "author": author,
        "subtitle": f"Dibuat {_date(timezone.now())}"
        + (f" oleh {author}" if author else "")
        + " dengan Konvergensi. Dokumen Word ini dapat disunting.",
        "intro": intro,
        "data_text": data_text,
        "level_label": level_label,
        "stats": stats,
        "decision_text": decision_text,
        "units": units,
        "units_shown": units_shown,
        "units_note": units_note,
        "caption_prevalence": f"Prevalensi stunting per {level_label.lower()}, garis putus-putus = rata-rata, garis titik = ambang signifikan.",
        "caption_cases": f"Jumlah kasus stunting per {level_label.lower()}, dengan rata-rata dan ambang signifikan.",
        "caption_map": "Peta sebaran menurut status wilayah (batas kecamatan Kepmendagri 2025, disederhanakan).",
        "coverage": coverage_rows,
        "coverage_text": (
            f"Cakupan {len(cov.indicators)} indikator utama per desa periode {analysis.periode} (pembilang ÷ penyebut). "
            "Kategori: Memadai > 90 % (pedoman); Hampir Memadai, Rendah dan Sangat Rendah menurut batas tiap indikator. "
            "Cakupan kurang = Rendah atau Sangat Rendah."
        ),
        "gaps": gap_rows,
        "programme_text": (
            f"Ketersediaan program per indikator utama tahun {analysis.data_tahun} di {n_desa} desa; "
            f"{len(hotspot)} desa berada di wilayah yang signifikan di atas rata-rata (hotspot)."
            if gap_rows
            else "Pemetaan program belum diisi untuk tahun ini (Data desa › Pemetaan program)."
        ),
        "lokus_text": lokus_text,
        "lokus_rows": lokus_rows,
        "matrix_text": matrix_text,
        "matrix_indicators": list(matrix.indicators),
        "matrix_rows": matrix_rows,
        "reviews": reviews,
        "reviews_text": (
            f"{len(reviews)} reviu dengan pertanyaan kunci pedoman."
            if reviews
            else "Belum ada reviu yang dicatat."
        ),
        "rec_groups": rec_groups,
        "recommendations_text": (
            f"{n_confirmed} dari {len(recs)} rekomendasi telah dikonfirmasi tim; setiap rekomendasi disertai "
            "temuan yang mendasarinya."
            if len(recs)
            else "Rekomendasi belum disusun."
        ),
        "notes": notes or ["Tidak ada catatan kekurangan data."],
        "annex_text": (
            "Lampiran Excel: Matriks Prioritisasi (Tabel 1.2, berwarna), Indikator, Daftar Lokus, "
            "Sebaran per Wilayah, Cakupan Indikator, Kesenjangan Program, Rekomendasi, Catatan Aksi 6."
        ),
        "_dist": dist,
        "_ranking": ranking,
        "_matrix": matrix,
        "_names": names,
        "_kec_names": kec_names,
        "prevalence_legend": [(pages.PREVALENCE_CLASS[c], c.label) for c in PrevalenceCategory],
        "coverage_legend": [
            (c.value, CATEGORY_LABEL[c])
            for c in (Category.SANGAT_RENDAH, Category.RENDAH, Category.HAMPIR_MEMADAI, Category.MEMADAI)
        ],
    }


def figures(data: dict) -> dict:
    dist = data["_dist"]
    out = pages.distribution_charts(dist, rows=dist.all_rows, level_label=data["level_label"])
    out["map"] = pages.map_figure(dist, f"Sebaran stunting {data['kab']} {data['tahun']}")
    return out


def render_pdf(data: dict, svgs: dict[str, str]) -> bytes:
    """The PDF on the shared base (A4, the district's header, the footer with the title)."""
    return render.pdf("ansit/document.html", {**data, "svg": svgs}, kabkota=data["kab_kode"],
                      title=f"Analisis Situasi {data['kab']} {data['tahun']}")  # fmt: skip


def render_docx(data: dict, pngs: dict[str, bytes]) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from .docx_template import build

    tpl = DocxTemplate(build())

    def image(key: str, width: int = 165):
        return InlineImage(tpl, io.BytesIO(pngs[key]), width=Mm(width)) if key in pngs else ""

    context = {k: v for k, v in data.items() if not k.startswith("_")}
    context |= {
        "chart_prevalence": image("prevalence"),
        "chart_cases": image("cases"),
        "map_image": image("map", 140),
        "lokus_rows": data["lokus_rows"]
        or [
            {
                "rank": "",
                "nama": "belum dikonfirmasi",
                "kecamatan": "",
                "prevalence": "",
                "cases": "",
                "low": "",
                "criteria": "",
            }
        ],
        "matrix_rows": [r | {"prev_color": r["prev_color"]} for r in data["matrix_rows"]]
        or [{"rank": "", "nama": "–", "prev": "", "prev_color": NO_DATA_FILL, "low_codes": ""}],
        "units_shown": data["units_shown"]
        or [{"nama": "–", "cases": "", "measured": "", "prevalence": "", "above": "", "significant": ""}],
        "coverage": data["coverage"]
        or [
            {
                "code": "",
                "name": "tanpa data",
                "with_data": "",
                "low": "",
                "pct": "",
                "category": "",
                "color": NO_DATA_FILL,
            }
        ],
        "gaps": data["gaps"]
        or [
            {
                "code": "",
                "name": "belum ada pemetaan program",
                "present": "",
                "missing_most": "",
                "hotspot": "",
                "sources": "",
            }
        ],
    }
    tpl.render(context, autoescape=True)
    render.docx_order_cell_shading(tpl.docx)
    return render.save(tpl)


def render_xlsx(data: dict) -> bytes:
    names, kec_names = data["_names"], data["_kec_names"]
    matrix = data["_matrix"]
    buffer = io.BytesIO()
    write_matrix_xlsx(
        matrix,
        buffer,
        title=f"Lampiran analisis situasi {data['kab']} {data['tahun']}",
        names={r.desa: names.get(r.desa, "") for r in matrix.rows},
    )
    ranking = data["_ranking"]
    lokus_sheet = (
        [
            [e["rank"], e["kode"], e["nama"], e["kecamatan"], e["prevalence"], e["cases"], e["low"], e["criteria"]]
            for e in data["lokus_rows"]
        ]
        if data["lokus_rows"]
        else [
            [d.rank, d.desa, names.get(d.desa, ""), kec_names.get(d.desa[:8], ""), d.prevalence, d.cases,
             d.low_coverage_count, "usulan (belum dikonfirmasi)"]
            for d in ranking.selected
        ]
    )  # fmt: skip
    rec_rows = [
        [g["label"], r["text"], r["evidence"], r["status"]] for g in data["rec_groups"] for r in g["entries"]
    ]
    sheets = [
        (
            "Daftar Lokus",
            ["Peringkat", "Kode Desa", "Desa", "Kecamatan", "Prevalensi (%)", "Kasus", "Indikator rendah", "Kriteria 1–3"],
            lokus_sheet,
            (10, 16, 24, 20, 14, 10, 16, 16),
        ),
        (
            "Sebaran per Wilayah",
            ["Kode", "Wilayah", "Kasus", "Diukur", "Prevalensi (%)", "Di atas rata-rata", "Signifikan"],
            [[u["kode"], u["nama"], u["cases"], u["measured"], u["prevalence"], u["above"], u["significant"]] for u in data["units"]],
            (16, 28, 10, 10, 14, 20, 20),
        ),
        (
            "Cakupan Indikator",
            ["Kode", "Indikator", "Desa berdata", "Cakupan rendah", "Cakupan kabupaten", "Kategori"],
            [[c["code"], c["name"], c["with_data"], c["low"], c["pct"], c["category"]] for c in data["coverage"]],
            (8, 60, 14, 16, 16, 16),
        ),
        (
            "Kesenjangan Program",
            ["Kode", "Program (indikator)", "Desa dengan program", "Sebagian besar desa tanpa", "Hotspot tanpa", "Sumber dana"],
            [[g["code"], g["name"], g["present"], g["missing_most"], g["hotspot"], g["sources"]] for g in data["gaps"]],
            (8, 60, 16, 18, 14, 40),
        ),
        ("Rekomendasi", ["Jenis", "Rekomendasi", "Dasar temuan", "Status"], rec_rows, (30, 80, 80, 14)),
        ("Catatan Aksi 6", ["Catatan"], [[n] for n in data["notes"]], (120,)),
    ]  # fmt: skip
    return excel.annex_workbook(matrix_bytes=buffer.getvalue(), sheets=sheets)


def build(doc: AnsitDocument, progress: Callable[[int, str], None]) -> None:
    """Draw the three files of ``doc`` and store them; ``progress(done, message)`` of STEPS.

    Dates in the district's time zone: the worker has no request to take it from."""
    with region_time_zone(doc.analysis.kabkota_id):
        _build(doc, progress)


def _build(doc: AnsitDocument, progress: Callable[[int, str], None]) -> None:
    progress(0, "Mengumpulkan data analisis…")
    data = facts(doc)
    progress(1, "Menggambar grafik dan peta…")
    figs = figures(data)
    svgs = {k: charts.svg_inline(f, label=k, prefix=f"doc-{k}") for k, f in figs.items()}
    pngs = {k: charts.png(f) for k, f in figs.items()}
    progress(2, "Menyusun PDF…")
    pdf = render_pdf(data, svgs)
    progress(3, "Menyusun dokumen Word…")
    docx = render_docx(data, pngs)
    progress(4, "Menyusun lampiran Excel…")
    xlsx = render_xlsx(data)
    progress(5, "Menyimpan…")
    doc.pdf.save(doc.filename("pdf"), ContentFile(pdf), save=False)
    doc.docx.save(doc.filename("docx"), ContentFile(docx), save=False)
    doc.xlsx.save(doc.filename("xlsx"), ContentFile(xlsx), save=False)
    doc.status = DocumentStatus.SELESAI
    doc.finished_at = timezone.now()
    doc.save(update_fields=["pdf", "docx", "xlsx", "status", "finished_at"])


# --- konvergensi report ansit -------------------------------------------------------------------------------


def report_build(kabkota: str, year: int | None, fmt: str) -> tuple[bytes, str]:
    """The ``ansit`` report kind: the situation-analysis document of the district's analysis of
    ``year`` (None: of its latest year) — the one its confirmed lokus list came from, else the latest
    — as PDF or Word, read with the district operator's scope, drawn now (not the stored one)."""
    from konvergensi.reports.registry import NothingToReport

    from .models import Analysis

    scope = Scope(role="operator", kode=kabkota)  # the command line reads as the district operator
    if year is None:
        year = (
            Analysis.objects.filter(kabkota_id=kabkota)
            .order_by("-tahun")
            .values_list("tahun", flat=True)
            .first()
        )
    analysis = selectors.analysis_current(scope=scope, kabkota=kabkota, tahun=year) if year else None
    if analysis is None:
        region = Region.objects.filter(kode=kabkota).first()
        name = region.nama if region else kabkota
        raise NothingToReport(f"{name} belum mempunyai analisis situasi{f' {year}' if year else ''}.")
    doc = AnsitDocument(kabkota_id=kabkota, tahun=analysis.tahun, analysis=analysis,
                        lokus_list=selectors.lokus_confirmed(kabkota, analysis.tahun))  # fmt: skip
    with region_time_zone(kabkota):
        data = facts(doc, scope=scope)
        figs = figures(data)
        if fmt == "pdf":
            content = render_pdf(
                data, {k: charts.svg_inline(f, label=k, prefix=f"doc-{k}") for k, f in figs.items()}
            )
        else:
            content = render_docx(data, {k: charts.png(f) for k, f in figs.items()})
    return content, f"analisis-situasi-{kabkota.replace('.', '')}-{analysis.tahun}.{fmt}"
