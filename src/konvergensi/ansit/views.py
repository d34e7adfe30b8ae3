"""Pages of the situation analysis (Aksi 1). Short views: the work is in selectors and services."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.indicators.selectors import default_periode
from konvergensi.web import (
    XLSX,
    attachment,
    attempt,
    flash_errors,
    int_from,
    kabkota_or_404,
    tahun_from,
    xlsx_response,
)
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core.io.ansit_xlsx import write_matrix_xlsx

from . import excel, pages, selectors, services
from .models import (
    DataSource,
    DocumentStatus,
    Effectiveness,
    Frequency,
    IndicatorSetChoice,
    InputSource,
    Level,
    RecommendationKind,
    RecommendationStatus,
    ReviewKind,
    YesNo,
)
from .questions import COORDINATION_PURPOSE, fgd_questions

DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX,
}


def _tahun(request) -> int:
    return tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))


def _kabkota_to_edit(request, kode: str) -> tuple[Region, int]:
    """The district of the URL, which the user must be allowed to edit, and the cycle year."""
    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission.ANSIT_EDIT, kab.kode)
    return kab, _tahun(request)


def _year_url(name: str, kode: str, tahun: int, anchor: str = "") -> str:
    """A district page of the app for one cycle year."""
    return reverse(name, kwargs={"kode": kode}) + f"?tahun={tahun}" + anchor


def _by_kind(rows: list, kinds) -> list[tuple[str, str, list]]:
    """(kind, label, its rows) for every kind of ``kinds`` (a TextChoices), in its order."""
    return [(value, label, [r for r in rows if r.kind == value]) for value, label in kinds.choices]


def _analysis(request, pk: int):
    analysis = selectors.analysis_get(scope=request.scope, pk=pk)
    if analysis is None:
        raise Http404
    require(request.scope, Permission.VIEW_KABKOTA, analysis.kabkota_id)
    activate_region(analysis.kabkota_id)  # times in the district's zone (WIB/WITA/WIT), for every reader
    return analysis


def _can_edit(request, kabkota: str) -> bool:
    return has_permission(request.scope, Permission.ANSIT_EDIT, kabkota)


def _visible(request, kabkota: str) -> set[str] | None:
    """The desa a reader sees; None when they see the whole district."""
    if selectors.sees_whole_kabkota(request.scope, kabkota):
        return None
    return selectors.visible_desa_codes(scope=request.scope, kabkota=kabkota)


def _analysis_page(request, pk: int, context_of, template: str):
    """A page of one analysis that readers see limited to their desa (coverage, lokus, matrix)."""
    analysis = _analysis(request, pk)
    context = context_of(request=request, analysis=analysis, visible=_visible(request, analysis.kabkota_id))
    return render(request, template, context)


# --- overview ------------------------------------------------------------------------------------


@login_required_scope
def home(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = _tahun(request)
    context = pages.home_context(request=request, kab=kab, tahun=tahun)
    return render(request, "ansit/home.html", context)


# --- the distribution analysis ---------------------------------------------------------------------


def _create_context(request, kab: Region, tahun: int, **extra) -> dict:
    from konvergensi.measurements.selectors import rounds_for

    data = request.POST if request.method == "POST" else request.GET
    return {
        "kab": kab,
        "tahun": tahun,
        "periode": data.get("periode") or default_periode(timezone.localdate()),
        "levels": Level.choices,
        "sources": InputSource.choices,
        "data_sources": DataSource.choices,
        "indicator_sets": IndicatorSetChoice.choices,
        "rounds": list(rounds_for(scope=request.scope, kabkota=kab.kode)[:24]),
        "form": {
            "input_source": data.get("input_source", InputSource.SASARAN),
            "level": data.get("level", Level.DESA),
            "data_source": data.get("data_source", ""),
            "margin": data.get("margin", "50"),
            "prev_sangat_tinggi": data.get("prev_sangat_tinggi", "30"),
            "prev_tinggi": data.get("prev_tinggi", "20"),
            "prev_rendah": data.get("prev_rendah", "10"),
            "indicator_set": data.get("indicator_set", IndicatorSetChoice.S2018),
            "round": data.get("round", ""),
        },
        **extra,
    }


def _prevalence_bands(post) -> dict[str, float] | None:
    """The three lower edges (%) of the prevalence categories from the form; None = the defaults."""
    out = {}
    for key in ("sangat_tinggi", "tinggi", "rendah"):
        text = (post.get(f"prev_{key}") or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            out[key] = float(text)
        except ValueError:
            raise ValidationError(
                {"prevalence_bands": _("Isi batas kategori prevalensi dalam persen, mis. 30, 20 dan 10.")}
            ) from None
    return out


def _margin(text: str | None) -> float:
    raw = (text or "50").strip().replace(",", ".").rstrip("%").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ValidationError({"margin": _("Isi batas signifikan dalam persen, mis. 50.")}) from None
    return value / 100


DEFAULT_DATA_SOURCE = {
    InputSource.SASARAN: DataSource.BALITA_1_TAHUN,
    InputSource.ROUND: DataSource.BALITA_3_6_BULAN,
    InputSource.UPLOAD: DataSource.BADUTA,
}


@require_http_methods(["GET", "POST"])
@login_required_scope
def analysis_create(request, kode: str):
    kab, tahun = _kabkota_to_edit(request, kode)
    if request.method == "GET":
        return render(request, "ansit/analysis_create.html", _create_context(request, kab, tahun))
    source = request.POST.get("input_source", "")
    try:
        margin = _margin(request.POST.get("margin"))
        round_id = (int_from(request.POST.get("round")) or None) if source == InputSource.ROUND else None
        analysis = services.analysis_create(
            scope=request.scope,
            kabkota=kab,
            tahun=tahun,
            periode=(request.POST.get("periode") or "").strip(),
            level=request.POST.get("level", ""),
            input_source=source,
            data_source=request.POST.get("data_source") or DEFAULT_DATA_SOURCE.get(source, ""),
            margin=margin,
            prevalence_bands=_prevalence_bands(request.POST),
            indicator_set=request.POST.get("indicator_set", "2018"),
            round_id=round_id,
            upload=request.FILES.get("file"),
            by=request.user,
        )
    except services.FileProblems as exc:
        context = _create_context(
            request, kab, tahun, problems=exc.problems[:500], more=max(0, len(exc.problems) - 500)
        )
        return render(request, "ansit/analysis_create.html", context)
    except ValidationError as exc:
        errors = exc.messages
        return render(
            request, "ansit/analysis_create.html", _create_context(request, kab, tahun, errors=errors)
        )
    messages.success(
        request, _("Analisis sebaran stunting tersimpan. Periksa hasilnya lalu konfirmasi keputusannya.")
    )
    return redirect("ansit:analysis-detail", pk=analysis.pk)


@login_required_scope
def template_download(request, kode: str):
    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission.ANSIT_EDIT, kab.kode)
    level = request.GET.get("level", Level.DESA)
    if level not in Level.values:
        raise Http404
    content = excel.upload_template(kabkota=kab, level=level)
    return xlsx_response(content, f"templat-sebaran-{kab.kode_angka}-{level}.xlsx")


@login_required_scope
def analysis_detail(request, pk: int):
    analysis = _analysis(request, pk)
    context = pages.analysis_context(request=request, analysis=analysis)
    return render(request, "ansit/analysis_detail.html", context)


@require_POST
@login_required_scope
def analysis_decide(request, pk: int):
    analysis = _analysis(request, pk)
    require(request.scope, Permission.ANSIT_EDIT, analysis.kabkota_id)
    attempt(
        request,
        lambda: services.analysis_decide(
            scope=request.scope,
            analysis=analysis,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            expected_version=int_from(request.POST.get("version")),
            by=request.user,
        ),
        _("Keputusan tersimpan. Lanjutkan dengan cakupan layanan dan ketersediaan program."),
    )
    return redirect(reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk}) + "#keputusan")


# --- coverage, programmes ------------------------------------------------------------------------


@login_required_scope
def coverage(request, pk: int):
    return _analysis_page(request, pk, pages.coverage_context, "ansit/coverage.html")


# --- lokus and the matrix ---------------------------------------------------------------------------


@login_required_scope
def lokus(request, pk: int):
    return _analysis_page(request, pk, pages.lokus_context, "ansit/lokus.html")


@require_POST
@login_required_scope
def lokus_confirm(request, pk: int):
    analysis = _analysis(request, pk)
    require(request.scope, Permission.ANSIT_EDIT, analysis.kabkota_id)
    settings, errors = selectors.lokus_settings_from(request.POST)
    back = reverse("ansit:lokus", kwargs={"pk": analysis.pk})
    if errors:
        for e in errors:
            messages.error(request, e)
        return redirect(back)
    try:
        confirmed = services.lokus_confirm(
            scope=request.scope,
            analysis=analysis,
            settings=settings,
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except services.Conflict as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(back + "?" + request.POST.urlencode())
    messages.success(
        request,
        _("Daftar %(n)s desa lokus dikonfirmasi. Langkah berikutnya: matriks prioritisasi dan rekomendasi.")
        % {"n": confirmed.entries.count()},
    )
    return redirect(back)


@login_required_scope
def matrix(request, pk: int):
    return _analysis_page(request, pk, pages.matrix_context, "ansit/matrix.html")


@login_required_scope
def matrix_xlsx(request, pk: int):
    analysis = _analysis(request, pk)
    visible = _visible(request, analysis.kabkota_id)
    settings = pages.matrix_settings(request, analysis)
    ranking = selectors.lokus_ranking(analysis=analysis, settings=settings)
    m = selectors.matrix(ranking=ranking, visible=visible, bands=analysis.bands)
    names = {d.kode: d.nama for d in selectors.kabkota_desa(analysis.kabkota_id)}
    buffer = io.BytesIO()
    write_matrix_xlsx(
        m,
        buffer,
        title=f"Matriks Prioritisasi Desa Lokus {analysis.kabkota.nama} {analysis.tahun}",
        names={r.desa: names.get(r.desa, "") for r in m.rows},
    )
    return xlsx_response(
        buffer.getvalue(), f"matriks-prioritisasi-{analysis.kabkota.kode_angka}-{analysis.tahun}.xlsx"
    )


# --- reviews ------------------------------------------------------------------------------------------


def _review_input(request) -> services.ReviewInput:
    from django.utils.dateparse import parse_date

    data = request.POST
    tanggal = (data.get("tanggal") or "").strip()
    parsed = None
    if tanggal:
        try:
            parsed = parse_date(tanggal)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({"tanggal": _("Tanggal harus berformat TTTT-BB-HH.")})
    opd = (data.get("opd") or "").strip()
    answers = {}
    for kind in ("fgd_opd", "fgd_penyedia"):
        for q in fgd_questions(kind):
            if f"{q.key}-status" in data or f"{q.key}-catatan" in data:
                answers[q.key] = {
                    "status": data.get(f"{q.key}-status", ""),
                    "catatan": data.get(f"{q.key}-catatan", ""),
                }
    return services.ReviewInput(
        **{name: data.get(name, "") for name in services.REVIEW_FORM_FIELDS},
        opd_id=int_from(opd) if opd else None,
        tanggal=parsed,
        answers=answers,
    )


@require_http_methods(["GET", "POST"])
@login_required_scope
def reviews(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = _tahun(request)
    if request.method == "POST":
        require(request.scope, Permission.ANSIT_REVIEW, kab.kode)
        try:
            review = services.review_create(
                scope=request.scope,
                kabkota=kab,
                tahun=tahun,
                kind=request.POST.get("kind", ""),
                data=_review_input(request),
                by=request.user,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect(_year_url("ansit:reviews", kab.kode, tahun))
        messages.success(request, _("Reviu dibuat. Isi jawaban pertanyaan kunci di bawah."))
        return redirect("ansit:review-detail", pk=review.pk)
    rows = list(selectors.review_list(scope=request.scope, kabkota=kab.kode, tahun=tahun))
    return render(
        request,
        "ansit/reviews.html",
        {
            "kab": kab,
            "tahun": tahun,
            "groups": _by_kind(rows, ReviewKind),
            "kinds": ReviewKind.choices,
            "can_add": has_permission(request.scope, Permission.ANSIT_REVIEW, kab.kode),
            "can_edit": _can_edit(request, kab.kode),
            "opds": list(OPD.objects.filter(kabkota=kab)),
            "current_analysis": selectors.analysis_current(
                scope=request.scope, kabkota=kab.kode, tahun=tahun
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required_scope
def review_detail(request, pk: int):
    review = selectors.review_get(scope=request.scope, pk=pk)
    if review is None:
        raise Http404
    require(request.scope, Permission.VIEW_KABKOTA, review.kabkota_id)
    activate_region(review.kabkota_id)  # times in the district's zone (WIB/WITA/WIT), for every reader
    may_edit = services.may_edit_review(request.scope, review)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        attempt(
            request,
            lambda: services.review_update(
                scope=request.scope,
                review=review,
                data=_review_input(request),
                expected_version=int_from(request.POST.get("version")),
                by=request.user,
            ),
            _("Jawaban reviu tersimpan. Rekomendasi dapat disusun ulang dari temuan ini."),
        )
        return redirect("ansit:review-detail", pk=review.pk)
    questions = [
        (q, (review.answers or {}).get(q.key, {"status": "", "catatan": ""}))
        for q in fgd_questions(review.kind)
    ]
    return render(
        request,
        "ansit/review_detail.html",
        {
            "kab": review.kabkota,
            "review": review,
            "tahun": review.tahun,
            "questions": questions,
            "purpose": COORDINATION_PURPOSE.get(review.kind, ""),
            "may_edit": may_edit,
            "may_comment": has_permission(request.scope, Permission.ANSIT_REVIEW, review.kabkota_id),
            "is_operator": _can_edit(request, review.kabkota_id),
            "opds": list(OPD.objects.filter(kabkota_id=review.kabkota_id)),
            "statuses": YesNo.choices,
            "frequencies": Frequency.choices,
            "effectiveness": Effectiveness.choices,
            "comments": review.comments.select_related("author"),
        },
    )


@require_POST
@login_required_scope
def review_comment(request, pk: int):
    review = selectors.review_get(scope=request.scope, pk=pk)
    if review is None:
        raise Http404
    attempt(
        request,
        lambda: services.review_comment_add(
            scope=request.scope, review=review, body=request.POST.get("body", ""), by=request.user
        ),
        _("Komentar tersimpan."),
    )
    return redirect(reverse("ansit:review-detail", kwargs={"pk": review.pk}) + "#komentar")


# --- recommendations ------------------------------------------------------------------------------------


@login_required_scope
def recommendations(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = _tahun(request)
    rows = list(selectors.recommendation_list(scope=request.scope, kabkota=kab.kode, tahun=tahun))
    current = selectors.analysis_current(scope=request.scope, kabkota=kab.kode, tahun=tahun)
    return render(
        request,
        "ansit/recommendations.html",
        {
            "kab": kab,
            "tahun": tahun,
            "groups": _by_kind(rows, RecommendationKind),
            "total": len(rows),
            "confirmed": sum(r.status == RecommendationStatus.DIKONFIRMASI for r in rows),
            "drafts": sum(r.status == RecommendationStatus.DRAF for r in rows),
            "kinds": RecommendationKind.choices,
            "statuses": RecommendationStatus.choices,
            "can_edit": _can_edit(request, kab.kode),
            "analysis": current,
            "current_analysis": current,
            "lokus": selectors.lokus_confirmed(kab.kode, tahun, scope=request.scope),
        },
    )


@require_POST
@login_required_scope
def recommendations_generate(request, kode: str):
    kab, tahun = _kabkota_to_edit(request, kode)
    attempt(
        request,
        lambda: services.recommendations_generate(
            scope=request.scope, kabkota=kab, tahun=tahun, by=request.user
        ),
        lambda counts: (
            _(
                "Draf disusun: %(added)s baru, %(updated)s diperbarui, %(kept)s yang sudah disunting atau "
                "dikonfirmasi tidak diubah, %(removed)s draf lama dihapus. Periksa, sunting lalu konfirmasi."
            )
            % counts
        ),
    )
    return redirect(_year_url("ansit:recommendations", kab.kode, tahun))


@require_POST
@login_required_scope
def recommendation_add(request, kode: str):
    kab, tahun = _kabkota_to_edit(request, kode)
    attempt(
        request,
        lambda: services.recommendation_add(
            scope=request.scope,
            kabkota=kab,
            tahun=tahun,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            evidence=request.POST.get("evidence", ""),
            by=request.user,
        ),
        _("Rekomendasi ditambahkan."),
    )
    return redirect(_year_url("ansit:recommendations", kab.kode, tahun))


@require_POST
@login_required_scope
def recommendation_update(request, pk: int):
    rec = selectors.recommendation_get(scope=request.scope, pk=pk)
    if rec is None:
        raise Http404
    require(request.scope, Permission.ANSIT_EDIT, rec.kabkota_id)
    attempt(
        request,
        lambda: services.recommendation_update(
            scope=request.scope,
            rec=rec,
            text=request.POST.get("text", rec.text),
            status=request.POST.get("status", rec.status),
            expected_version=int_from(request.POST.get("version")),
            by=request.user,
        ),
        _("Rekomendasi tersimpan."),
    )
    return redirect(_year_url("ansit:recommendations", rec.kabkota_id, rec.tahun, f"#r{rec.pk}"))


# --- documents ---------------------------------------------------------------------------------------------


@login_required_scope
def documents(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = _tahun(request)
    return render(
        request, "ansit/documents.html", pages.documents_context(request=request, kab=kab, tahun=tahun)
    )


@require_POST
@login_required_scope
def document_start(request, kode: str):
    kab, tahun = _kabkota_to_edit(request, kode)
    pk = int_from(request.POST.get("analysis"))
    analysis = (
        selectors.analysis_get(scope=request.scope, pk=pk)
        if pk
        else selectors.analysis_current(scope=request.scope, kabkota=kab.kode, tahun=tahun)
    )
    if analysis is None or analysis.kabkota_id != kab.kode:
        messages.error(request, _("Buat analisis sebaran stunting tahun ini dulu."))
        return redirect(_year_url("ansit:home", kab.kode, tahun))
    doc = services.document_start(scope=request.scope, analysis=analysis, by=request.user)
    return redirect("jobs:detail", pk=doc.job_id)


@login_required_scope
def document_download(request, pk: int, fmt: str):
    doc = selectors.document_get(scope=request.scope, pk=pk)
    if doc is None or fmt not in DOCUMENT_TYPES:
        raise Http404
    # The district's document, like the Aksi 1 evidence it becomes: every member of the district,
    # the province and the nation (aggregate figures only, no personal data).
    require(request.scope, Permission.VIEW_KABKOTA, doc.kabkota_id)
    field = getattr(doc, fmt)
    if doc.status != DocumentStatus.SELESAI or not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return attachment(FileResponse(handle, content_type=DOCUMENT_TYPES[fmt]), doc.filename(fmt))


@require_POST
@login_required_scope
def document_attach(request, pk: int):
    doc = selectors.document_get(scope=request.scope, pk=pk)
    if doc is None:
        raise Http404
    require(request.scope, Permission.ANSIT_EDIT, doc.kabkota_id)
    try:
        evidence = services.document_attach(scope=request.scope, document=doc, by=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(_year_url("ansit:documents", doc.kabkota_id, doc.tahun))
    messages.success(
        request,
        _("Dokumen dilampirkan sebagai bukti Aksi 1. Periksa lalu ajukan Aksi 1 ke provinsi di halaman ini."),
    )
    return redirect("aksi:detail", pk=evidence.aksi_id)


# --- Aksi 6 notes ------------------------------------------------------------------------------------------


@login_required_scope
def notes(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = request.GET.get("tahun")
    year = tahun_from(tahun) if tahun else None
    rows = list(selectors.note_list(scope=request.scope, kabkota=kab.kode, tahun=year))
    groups: dict = {}
    for note in rows:
        groups.setdefault(note.analysis, []).append(note)
    return render(
        request,
        "ansit/notes.html",
        {
            "kab": kab,
            "tahun": year,
            "groups": list(groups.items()),
            "count": len(rows),
            "current_analysis": (
                selectors.analysis_current(scope=request.scope, kabkota=kab.kode, tahun=year)
                if year
                else None
            ),
        },
    )
