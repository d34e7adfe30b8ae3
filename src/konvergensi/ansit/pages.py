"""What each Aksi 1 page shows: the context of its template, read through the selectors.

Kept apart from ``views`` so the views stay short; nothing here writes.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.formats import datetime_text
from konvergensi.wilayah.models import Region
from konvergensi.wilayah.selectors import kecamatan_features
from konvergensi_core.ansit import PREVALENCE_LABEL, PrevalenceCategory, prevalence_category
from konvergensi_core.ansit import recommendations as rules
from konvergensi_core.indicators import CATEGORY_LABEL, Category
from konvergensi_core.numbers import id_number

from . import charts, selectors
from .models import (
    DataSource,
    Decision,
    DocumentStatus,
    Level,
    RecommendationStatus,
    ReviewKind,
)
from .templatetags import ansit_tags as tags

PREVALENCE_CLASS = {
    PrevalenceCategory.SANGAT_TINGGI: "prev-sangat_tinggi",
    PrevalenceCategory.TINGGI: "prev-tinggi",
    PrevalenceCategory.RENDAH: "prev-rendah",
    PrevalenceCategory.SANGAT_RENDAH: "prev-sangat_rendah",
}
CHART_LABEL = {"prevalence": "Prevalensi stunting per wilayah", "cases": "Jumlah kasus stunting per wilayah"}
ELIGIBILITY_CHOICES = (
    ("any", gettext_lazy("salah satu kriteria (bawaan)")),
    ("2", gettext_lazy("minimal 2 kriteria")),
    ("all", gettext_lazy("ketiga kriteria")),
)


def _kecamatan_names(kabkota: str) -> dict[str, str]:
    return dict(Region.objects.filter(parent_id=kabkota, level="kecamatan").values_list("kode", "nama"))


# --- overview ------------------------------------------------------------------------------------


def home_context(*, request, kab: Region, tahun: int) -> dict:
    from konvergensi.aksi import selectors as aksi_selectors

    scope = request.scope
    analyses = list(
        selectors.analysis_list(scope=scope, kabkota=kab.kode, tahun=tahun).defer(*selectors.ANALYSIS_TABLES)
    )
    current = selectors.analysis_current(scope=scope, kabkota=kab.kode, tahun=tahun)
    lokus = selectors.lokus_confirmed(kab.kode, tahun, scope=scope)
    reviews = list(selectors.review_list(scope=scope, kabkota=kab.kode, tahun=tahun))
    recs = list(selectors.recommendation_list(scope=scope, kabkota=kab.kode, tahun=tahun))
    kabkota_view = has_permission(scope, Permission.VIEW_KABKOTA, kab.kode)
    docs = (
        list(selectors.document_list(scope=scope, kabkota=kab.kode, tahun=tahun)[:3]) if kabkota_view else []
    )
    siklus = aksi_selectors.siklus_get(scope=scope, kabkota_kode=kab.kode, tahun=tahun)
    aksi1 = siklus.aksi_set.filter(nomor=1).first() if siklus else None
    done_docs = [d for d in docs if d.status == DocumentStatus.SELESAI]
    attached = any(d.evidence_id for d in docs)
    can_edit = has_permission(scope, Permission.ANSIT_EDIT, kab.kode)
    year = f"?tahun={tahun}"
    steps = [
        {
            "n": 1,
            "title": _("Sebaran stunting"),
            "done": bool(current and current.decision),
            "status": (
                _("Belum ada analisis")
                if current is None
                else _("Keputusan: %(d)s") % {"d": current.get_decision_display()}
                if current.decision
                else _("Hasil menunggu konfirmasi tim")
            ),
            "url": reverse("ansit:analysis-detail", kwargs={"pk": current.pk})
            if current
            else reverse("ansit:analysis-create", kwargs={"kode": kab.kode}) + year,
            "action": _("Buka hasil") if current else _("Buat analisis"),
        },
        {
            "n": 2,
            "title": _("Cakupan layanan dan ketersediaan program"),
            "done": bool(current and current.decision),
            "status": _("Dihitung dari data cakupan dan pemetaan program periode %(p)s")
            % {"p": current.periode}
            if current
            else _("Menunggu analisis sebaran"),
            "url": reverse("ansit:coverage", kwargs={"pk": current.pk}) if current else "",
            "action": _("Lihat kesenjangan"),
        },
        {
            "n": 3,
            "title": _("Desa lokasi fokus (lokus)"),
            "done": lokus is not None,
            "status": _("%(n)s desa dikonfirmasi") % {"n": lokus.entries.count()}
            if lokus
            else _("Belum dikonfirmasi"),
            "url": reverse("ansit:lokus", kwargs={"pk": (lokus.analysis_id if lokus else current.pk)})
            if (lokus or current)
            else "",
            "action": _("Pilih dan konfirmasi") if not lokus else _("Lihat daftar"),
        },
        {
            "n": 4,
            "title": _("Matriks prioritisasi (Tabel 1.2)"),
            "done": lokus is not None,
            "status": _("Desa × indikator utama, diurutkan menurut peringkat"),
            "url": reverse("ansit:matrix", kwargs={"pk": (lokus.analysis_id if lokus else current.pk)})
            if (lokus or current)
            else "",
            "action": _("Buka matriks"),
        },
        {
            "n": 5,
            "title": _("Reviu penyampaian layanan dan koordinasi"),
            "done": bool(reviews),
            "status": _("%(n)s reviu") % {"n": len(reviews)},
            "url": reverse("ansit:reviews", kwargs={"kode": kab.kode}) + year,
            "action": _("Isi reviu"),
        },
        {
            "n": 6,
            "title": _("Rekomendasi"),
            "done": any(r.status == RecommendationStatus.DIKONFIRMASI for r in recs),
            "status": _("%(c)s dikonfirmasi, %(d)s draf")
            % {
                "c": sum(r.status == RecommendationStatus.DIKONFIRMASI for r in recs),
                "d": sum(r.status == RecommendationStatus.DRAF for r in recs),
            },
            "url": reverse("ansit:recommendations", kwargs={"kode": kab.kode}) + year,
            "action": _("Susun dan konfirmasi"),
        },
        {
            "n": 7,
            "title": _("Dokumen analisis situasi"),
            "done": bool(done_docs),
            "status": _("Terakhir dibuat %(d)s") % {"d": datetime_text(done_docs[0].finished_at)}
            if done_docs
            else _("Belum dibuat"),
            "url": reverse("ansit:documents", kwargs={"kode": kab.kode}) + year if kabkota_view else "",
            "action": _("Buat / unduh"),
        },
        {
            "n": 8,
            "title": _("Ajukan Aksi 1 ke provinsi"),
            "done": bool(aksi1 and aksi1.status in ("diajukan", "diverifikasi")),
            "status": aksi1.get_status_display() if aksi1 else _("Siklus %(t)s belum dibuka") % {"t": tahun},
            "url": reverse("aksi:detail", kwargs={"pk": aksi1.pk}) if aksi1 else "",
            "action": _("Buka Aksi 1"),
        },
    ]
    next_step = next((s for s in steps if not s["done"] and s["url"]), None)
    if next_step and next_step["n"] == 8 and not attached:
        next_step = steps[6]
    return {
        "kab": kab,
        "tahun": tahun,
        "analyses": analyses,
        "current": current,
        "lokus": lokus,
        "steps": steps,
        "next_step": next_step,
        "can_edit": can_edit,
        "kabkota_view": kabkota_view,
        "notes": selectors.note_list(scope=scope, kabkota=kab.kode, tahun=tahun).count(),
        "aksi1": aksi1,
    }


# --- the distribution ---------------------------------------------------------------------------------


def _bars(rows, measure: str) -> list[charts.Bar]:
    out = []
    for r in rows:
        value = r.prevalence if measure == "prevalence" else r.cases
        if value is None:
            continue
        significant = r.significant_prevalence if measure == "prevalence" else r.significant_cases
        above = r.above_mean_prevalence if measure == "prevalence" else r.above_mean_cases
        out.append(charts.Bar(r.nama, value, bool(significant), bool(above)))
    return out


def distribution_charts(dist: selectors.Distribution, *, rows=None, level_label: str) -> dict:
    """The two Gambar-1.2/1.3-like figures (matplotlib Figure objects) of a distribution."""
    rows = dist.rows if rows is None else rows
    result = dist.result
    out = {}
    figures = (
        ("prevalence", result.mean_prevalence, result.prevalence_threshold, True),
        ("cases", result.mean_cases, result.cases_threshold, False),
    )
    titles = {
        "prevalence": (_("Prevalensi stunting per %(level)s"), _("Prevalensi (%)")),
        "cases": (_("Jumlah kasus stunting per %(level)s"), _("Jumlah kasus")),
    }
    for key, mean, threshold, percent in figures:
        bars = _bars(rows, key)
        if bars:
            title, ylabel = titles[key]
            out[key] = charts.bar_chart(
                bars,
                mean=mean,
                threshold=threshold,
                margin=result.margin,
                title=title % {"level": level_label.lower()},
                ylabel=ylabel,
                percent=percent,
            )
    return out


def map_data(dist: selectors.Distribution) -> dict:
    """Polygons of the district's kecamatan and the desa points, with the status of each unit the
    reader may see (others are drawn without a status)."""
    analysis = dist.analysis
    seen = {r.kode: r for r in dist.rows}
    features = [
        {
            "type": "Feature",
            "geometry": f["geometry"],
            "properties": {"kode": f["properties"]["kode"], "nama": f["properties"]["nama"]},
        }
        for f in kecamatan_features(kabkota=analysis.kabkota_id)
    ]
    polygon_status = None
    points = []
    if analysis.level == Level.KECAMATAN:
        polygon_status = {k: r.status for k, r in seen.items()}
        for f in features:
            row = seen.get(f["properties"]["kode"])
            f["properties"]["status"] = row.status if row else "none"
            f["properties"]["value"] = (
                id_number(row.prevalence) + " %" if row and row.prevalence is not None else "–"
            )
    else:
        unit_of = {}
        for r in dist.rows:
            for d in r.desa or (r.kode,):
                unit_of[d] = r
        for d in Region.objects.filter(kode__in=list(unit_of), lat__isnull=False, lng__isnull=False):
            r = unit_of[d.kode]
            points.append(
                {
                    "kode": d.kode,
                    "nama": d.nama if analysis.level == Level.DESA else f"{d.nama} ({r.nama})",
                    "lat": d.lat,
                    "lng": d.lng,
                    "status": r.status,
                    "value": id_number(r.prevalence) + " %" if r.prevalence is not None else "–",
                }
            )
    return {"features": features, "polygon_status": polygon_status, "points": points}


def map_figure(dist: selectors.Distribution, title: str):
    data = map_data(dist)
    return charts.map_figure(
        data["features"],
        polygon_status=data["polygon_status"],
        points=[charts.Point(p["lng"], p["lat"], p["status"]) for p in data["points"]],
        title=title,
    )


def _chart_svgs(dist: selectors.Distribution, level_label: str) -> dict[str, str]:
    """The two charts as inline SVG, drawn once per distinct content: the key is a digest of exactly what
    they draw (the reader's rows, the means and thresholds, the language), so a reader never gets a chart
    of rows they may not see, and matplotlib (~0.2 s) runs only when the figures change."""
    import hashlib

    from django.core.cache import cache
    from django.utils.translation import get_language

    result = dist.result
    content = repr((
        [(r.nama, r.prevalence, r.cases, r.significant_prevalence, r.significant_cases, r.above_mean_prevalence,
          r.above_mean_cases) for r in dist.rows],
        result.mean_prevalence, result.prevalence_threshold, result.mean_cases, result.cases_threshold,
        result.margin, level_label, get_language(), CHART_LABEL,
    ))  # fmt: skip
    key = "ansit-charts:" + hashlib.sha256(content.encode()).hexdigest()
    svgs = cache.get(key)
    if svgs is None:
        figures = distribution_charts(dist, level_label=level_label)
        svgs = {
            k: charts.svg_inline(fig, label=CHART_LABEL.get(k, k), prefix=f"c-{k}")
            for k, fig in figures.items()
        }
        cache.set(key, svgs, timeout=7 * 24 * 3600)
    return svgs


def analysis_context(*, request, analysis) -> dict:
    dist = selectors.distribution(scope=request.scope, analysis=analysis)
    level_label = str(Level(analysis.level).label)
    chart_svg = _chart_svgs(dist, level_label)
    result = dist.result
    counts = result.counts()
    can_edit = has_permission(request.scope, Permission.ANSIT_EDIT, analysis.kabkota_id)
    source = DataSource(analysis.data_source)
    others = [
        a
        for a in selectors.analysis_list(
            scope=request.scope, kabkota=analysis.kabkota_id, tahun=analysis.tahun
        ).defer(*selectors.ANALYSIS_TABLES)
        if a.pk != analysis.pk
    ]
    return {
        "kab": analysis.kabkota,
        "tahun": analysis.tahun,
        "analysis": analysis,
        "dist": dist,
        "result": result,
        "counts": counts,
        "level_label": level_label,
        "charts": chart_svg,
        "map": map_data(dist),
        "source_is_proxy": source in (DataSource.BBLR, DataSource.BUMIL_KEK),
        "source_is_ideal": source == DataSource.BADUTA,
        "decisions": Decision.choices,
        "computed": Decision(result.recommendation.value),
        "current_decision": analysis.decision or result.recommendation.value,
        "can_edit": can_edit,
        "notes": analysis.notes.all(),
        "others": others,
        "margin_pct": round(float(analysis.margin) * 100),
        "warnings": analysis.warnings[:50],
    }


# --- coverage and programmes ---------------------------------------------------------------------------


def coverage_context(*, request, analysis, visible: set[str] | None) -> dict:
    cov = selectors.coverage(analysis=analysis)
    desa = selectors.kabkota_desa(analysis.kabkota_id)
    codes = [d.kode for d in desa]
    hotspot = selectors.hotspot_desa(analysis)
    availability = selectors.programmes(analysis=analysis, indicators=cov.indicators)
    gaps = rules.programme_gaps(availability, desa=codes, hotspot=hotspot)
    names = {d.kode: d.nama for d in desa}
    kec_names = _kecamatan_names(analysis.kabkota_id)
    shown = [d for d in desa if visible is None or d.kode in visible]
    kecamatan = sorted({d.kode[:8] for d in shown})
    kec = request.GET.get("kec") or (kecamatan[0] if kecamatan else "")
    if kec not in kecamatan:
        kec = kecamatan[0] if kecamatan else ""
    table = []
    for d in shown:
        if d.kode[:8] != kec:
            continue
        cells = []
        for ind in cov.indicators:
            value = cov.values.get(ind.kode, {}).get(d.kode)
            cat = cov.category(ind.kode, d.kode)
            cells.append((value, cat.value if cat else "none"))
        table.append((d, d.kode in hotspot, cells))
    ranking = [
        r
        for r in rules.completeness_ranking(availability, desa=codes, hotspot=hotspot)
        if visible is None or r.desa in visible
    ]
    has_programmes = any(g.present or g.absent for g in gaps)
    return {
        "kab": analysis.kabkota,
        "tahun": analysis.tahun,
        "analysis": analysis,
        "cov": cov,
        "summaries": cov.summaries,
        "gaps": gaps,
        "has_programmes": has_programmes,
        "table": table,
        "kecamatan": [(k, kec_names.get(k, k)) for k in kecamatan],
        "kec": kec,
        "ranking": [(r, names.get(r.desa, r.desa), kec_names.get(r.desa[:8], "")) for r in ranking[:30]],
        "hotspot_count": len(hotspot),
        "n_desa": len(desa),
        "category_label": CATEGORY_LABEL,
    }


# --- lokus and the matrix -----------------------------------------------------------------------------


def _confirmed_settings(analysis) -> selectors.LokusSettings | None:
    lokus = selectors.lokus_confirmed(analysis.kabkota_id, analysis.tahun)
    if lokus is not None and lokus.analysis_id == analysis.pk:
        return selectors.LokusSettings.of(lokus)
    return None


def matrix_settings(request, analysis) -> selectors.LokusSettings:
    default = _confirmed_settings(analysis) or selectors.LokusSettings()
    if any(k in request.GET for k in ("kelayakan", "metode", "nilai", "biaya")):
        settings, _errors = selectors.lokus_settings_from(request.GET, default)
        return settings
    return default


def _settings_form(settings: selectors.LokusSettings) -> dict:
    value = settings.value * 100 if settings.method == "share" else settings.value
    return {
        "kelayakan": settings.eligibility,
        "metode": settings.method,
        "nilai": f"{value:g}" if settings.method != "budget" else f"{value:.0f}",
        "biaya": "" if settings.cost is None else f"{settings.cost:.0f}",
    }


def ranking_rows_html(rows) -> str:
    """The rows of the lokus page's ranking table, ``(LokusDesa, nama, kecamatan)`` each: every desa
    of the district (852 in Aceh Utara). Written here with the template's own filters and escaping,
    the same HTML the template loop gave (a test holds them together), in a few ms instead of ~0.2 s."""
    yes = conditional_escape(_("ya"))
    badge = '<span class="badge s-diverifikasi">' + conditional_escape(_("lokus")) + "</span>"
    out = []
    for d, nama, kec in rows:
        c = d.criteria
        name = conditional_escape(nama)
        crit = "".join(
            '<td class="crit ' + ("on" if met else "off") + '">' + tags.mark(met) + "</td>"
            for met in (c.prevalence_above_mean, c.cases_above_mean, c.low_coverage_majority)
        )
        out.append(
            ('<tr class="selected"' if d.selected else "<tr")
            + f' data-desa="{conditional_escape(d.desa)}"><td>{d.rank}</td>'
            + (f"<td><strong>{name}</strong></td>" if d.selected else f"<td>{name}</td>")
            + f"<td>{conditional_escape(kec)}</td><td>{conditional_escape(tags.id_number(d.prevalence))}</td>"
            + f"<td>{conditional_escape(tags.id_number(d.cases, 0))}</td>"
            + f"<td>{d.low_coverage_count}/{d.coverage_count}</td>\n{crit}"
            + f"<td>{yes if d.eligible else '–'}</td><td>{badge if d.selected else ''}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


def lokus_context(*, request, analysis, visible: set[str] | None) -> dict:
    default = _confirmed_settings(analysis) or selectors.LokusSettings()
    settings, errors = selectors.lokus_settings_from(request.GET, default)
    cov = selectors.coverage(analysis=analysis)
    ranking = selectors.lokus_ranking(analysis=analysis, settings=settings, cov=cov)
    names = {d.kode: d.nama for d in selectors.kabkota_desa(analysis.kabkota_id)}
    kec_names = _kecamatan_names(analysis.kabkota_id)
    rows = [
        (d, names.get(d.desa, d.desa), kec_names.get(d.desa[:8], ""))
        for d in ranking.desa
        if visible is None or d.desa in visible
    ]
    confirmed = selectors.lokus_confirmed(analysis.kabkota_id, analysis.tahun, scope=request.scope)
    figures = selectors.desa_figures(analysis)
    return {
        "kab": analysis.kabkota,
        "tahun": analysis.tahun,
        "analysis": analysis,
        "ranking": ranking,
        "rows": rows,
        "rows_html": ranking_rows_html(rows),
        "settings": settings,
        "form": _settings_form(settings),
        "errors": errors,
        "eligibility_choices": ELIGIBILITY_CHOICES,
        "n_selected": len(ranking.selected),
        "n_eligible": len(ranking.eligible),
        "n_indicators": len(ranking.indicators),
        "confirmed": confirmed,
        "confirmed_here": confirmed is not None and confirmed.analysis_id == analysis.pk,
        "history": selectors.lokus_history(
            scope=request.scope, kabkota=analysis.kabkota_id, tahun=analysis.tahun
        ),
        "can_edit": has_permission(request.scope, Permission.ANSIT_EDIT, analysis.kabkota_id),
        "figures_label": analysis.desa_units_label or analysis.source_label,
        "desa_with_figures": sum(
            1 for f in figures.values() if f.get("cases") is not None or f.get("prevalence") is not None
        ),
        "problems": list(ranking.problems)[:50],
        "query": request.GET.urlencode(),
    }


def matrix_context(*, request, analysis, visible: set[str] | None) -> dict:
    settings = matrix_settings(request, analysis)
    ranking = selectors.lokus_ranking(analysis=analysis, settings=settings)
    m = selectors.matrix(ranking=ranking, visible=visible, bands=analysis.bands)
    show_all = request.GET.get("semua") == "1"
    rows = [r for r in m.rows if show_all or r.eligible or r.selected]
    names = {d.kode: d.nama for d in selectors.kabkota_desa(analysis.kabkota_id)}
    kec_names = _kecamatan_names(analysis.kabkota_id)
    table = []
    for r in rows:
        cat = r.prevalence_category
        table.append(
            {
                "row": r,
                "nama": names.get(r.desa, r.desa),
                "kecamatan": kec_names.get(r.desa[:8], ""),
                "prev_class": PREVALENCE_CLASS.get(cat, "cat-none") if cat else "cat-none",
                "prev_label": cat.label if cat else _("tanpa data"),
                "cells": [(c.coverage, c.category.value if c.category else "none") for c in r.cells],
            }
        )
    query = request.GET.copy()
    query.pop("semua", None)
    return {
        "kab": analysis.kabkota,
        "tahun": analysis.tahun,
        "analysis": analysis,
        "matrix": m,
        "table": table,
        "show_all": show_all,
        "hidden": len(m.rows) - len(rows),
        "settings": settings,
        "settings_text": settings.method_text(),
        "query": query.urlencode(),
        "from_confirmed": _confirmed_settings(analysis) is not None
        and not any(k in request.GET for k in ("kelayakan", "metode", "nilai", "biaya")),
        "prevalence_legend": [(PREVALENCE_CLASS[c], PREVALENCE_LABEL[c]) for c in PrevalenceCategory],
        "coverage_legend": [
            (c.value, CATEGORY_LABEL[c])
            for c in (Category.SANGAT_RENDAH, Category.RENDAH, Category.HAMPIR_MEMADAI, Category.MEMADAI)
        ],
        "bands": m.prevalence_bands,
        "prevalence_category": prevalence_category,
    }


# --- documents ------------------------------------------------------------------------------------------


def documents_context(*, request, kab: Region, tahun: int) -> dict:
    from konvergensi.aksi import selectors as aksi_selectors

    scope = request.scope
    docs = list(selectors.document_list(scope=scope, kabkota=kab.kode, tahun=tahun))
    siklus = aksi_selectors.siklus_get(scope=scope, kabkota_kode=kab.kode, tahun=tahun)
    aksi1 = siklus.aksi_set.filter(nomor=1).first() if siklus else None
    return {
        "kab": kab,
        "tahun": tahun,
        "docs": docs,
        "analyses": list(
            selectors.analysis_list(scope=scope, kabkota=kab.kode, tahun=tahun).defer(
                *selectors.ANALYSIS_TABLES
            )
        ),
        "current": selectors.analysis_current(scope=scope, kabkota=kab.kode, tahun=tahun),
        "lokus": selectors.lokus_confirmed(kab.kode, tahun, scope=scope),
        "aksi1": aksi1,
        "can_attach": aksi1 is not None and aksi1.status not in ("diverifikasi",),
        "can_edit": has_permission(scope, Permission.ANSIT_EDIT, kab.kode),
        "review_kinds": ReviewKind.choices,
    }
