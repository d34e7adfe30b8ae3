"""Pages of Aksi 8: the district's annual review of a year (sections with numbers, tables and the
sentence the team may edit, the recommendations), its document, finalising and attaching to Aksi 8."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from konvergensi.accounts.permissions import login_required_scope
from konvergensi.formats import activate_region
from konvergensi.web import attachment, attempt, int_from, kabkota_or_404, tahun_from

from . import documents, selectors, services
from .models import Recommendation, Review

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _review(request, pk: int) -> Review:
    review = selectors.review_get(scope=request.scope, pk=pk)
    if review is None:
        raise Http404
    activate_region(review.kabkota_id)
    return review


def _manage(request, review: Review) -> None:
    if not selectors.may_manage(request.scope, review.kabkota_id):
        raise PermissionDenied


def _back(review: Review, anchor: str = "") -> str:
    return reverse("reviews:home", kwargs={"kode": review.kabkota_id}) + f"?tahun={review.tahun}{anchor}"


def _version(request) -> int:
    return int_from(request.POST.get("version"))


@require_GET
@login_required_scope
def home(request, kode: str):
    kab = kabkota_or_404(request, kode)
    if not selectors.may_read(request.scope, kab.kode):
        raise PermissionDenied
    tahun = tahun_from(request.GET.get("tahun"))
    activate_region(kab.kode)
    review = selectors.review_for(scope=request.scope, kabkota=kab.kode, tahun=tahun)
    manage = selectors.may_manage(request.scope, kab.kode)
    context = {
        "kab": kab,
        "tahun": tahun,
        "review": review,
        "sections": selectors.sections_of(review) if review else [],
        "recommendations": list(review.recommendations.all()) if review else [],
        "manage": manage,
        "editable": manage and review is not None and not review.frozen,
    }
    return render(request, "reviews/home.html", context)


@require_POST
@login_required_scope
def build(request, kode: str):
    kab = kabkota_or_404(request, kode)
    if not selectors.may_manage(request.scope, kab.kode):
        raise PermissionDenied
    tahun = tahun_from(request.POST.get("tahun"))
    version = request.POST.get("version")
    attempt(
        request,
        lambda: services.review_build(
            scope=request.scope,
            kabkota=kab,
            tahun=tahun,
            by=request.user,
            expected_version=int_from(version) if version else None,
        ),  # fmt: skip
        _("Reviu disusun dari data terkini."),
    )
    return redirect(reverse("reviews:home", kwargs={"kode": kab.kode}) + f"?tahun={tahun}")


@require_POST
@login_required_scope
def sentence(request, pk: int, key: str):
    review = _review(request, pk)
    _manage(request, review)
    section = review.sections.filter(key=key).first()
    if section is None:
        raise Http404
    attempt(
        request,
        lambda: services.sentence_edit(
            scope=request.scope,
            section=section,
            text=request.POST.get("sentence", ""),
            expected_version=_version(request),
            by=request.user,
        ),  # fmt: skip
        _("Kalimat disimpan."),
    )
    if request.htmx:
        review.refresh_from_db()
        section.refresh_from_db()
        context = {"review": review, "s": section, "editable": not review.frozen}
        return render(request, "reviews/home.html#section", context)
    return redirect(_back(review, f"#bagian-{key}"))


@require_POST
@login_required_scope
def recommendation_add(request, pk: int):
    review = _review(request, pk)
    _manage(request, review)
    attempt(
        request,
        lambda: services.recommendation_add(
            scope=request.scope,
            review=review,
            text=request.POST.get("text", ""),
            expected_version=_version(request),
            by=request.user,
        ),  # fmt: skip
        _("Rekomendasi ditambahkan."),
    )
    return redirect(_back(review, "#rekomendasi"))


def _recommendation(request, pk: int) -> Recommendation:
    rec = Recommendation.objects.filter(pk=pk).first()
    if rec is None:
        raise Http404
    rec.review = _review(request, rec.review_id)
    _manage(request, rec.review)
    return rec


@require_POST
@login_required_scope
def recommendation_edit(request, pk: int):
    rec = _recommendation(request, pk)
    attempt(
        request,
        lambda: services.recommendation_edit(
            scope=request.scope,
            rec=rec,
            text=request.POST.get("text", ""),
            expected_version=_version(request),
            by=request.user,
        ),  # fmt: skip
        _("Rekomendasi disimpan."),
    )
    return redirect(_back(rec.review, "#rekomendasi"))


@require_POST
@login_required_scope
def recommendation_delete(request, pk: int):
    rec = _recommendation(request, pk)
    review = rec.review
    attempt(
        request,
        lambda: services.recommendation_delete(
            scope=request.scope, rec=rec, expected_version=_version(request), by=request.user
        ),  # fmt: skip
        _("Rekomendasi dihapus."),
    )
    return redirect(_back(review, "#rekomendasi"))


@require_POST
@login_required_scope
def finalize(request, pk: int):
    review = _review(request, pk)
    _manage(request, review)
    attempt(
        request,
        lambda: services.review_finalize(
            scope=request.scope, review=review, expected_version=_version(request), by=request.user
        ),  # fmt: skip
        _("Reviu final. Reviu tidak dapat diubah lagi."),
    )
    return redirect(_back(review))


@require_POST
@login_required_scope
def attach(request, pk: int):
    review = _review(request, pk)
    _manage(request, review)
    attempt(
        request,
        lambda: services.review_attach(scope=request.scope, review=review, by=request.user),
        _("Dokumen reviu dilampirkan ke Aksi 8."),
    )
    return redirect(_back(review))


@require_GET
@login_required_scope
def document(request, pk: int, fmt: str):
    review = _review(request, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    content = documents.render_review(review.kabkota, review.tahun, fmt, review)
    return attachment(content, documents.filename(review.kabkota, review.tahun, fmt), CONTENT_TYPES[fmt])
