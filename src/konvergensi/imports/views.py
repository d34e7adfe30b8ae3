"""The pipeline's pages: the preview with the problems, the problems as Excel, "Simpan", "Batal".

An import is seen only by the person who uploaded it (it may hold personal data), and only while
their role still allows the importer: anyone else gets a 404, as if it did not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from konvergensi.accounts.permissions import login_required_scope
from konvergensi.formats import activate_region
from konvergensi.jobs import services as job_services
from konvergensi.web import flash_errors, xlsx_response

from . import services
from .models import LOCKED, Import, ImportStatus

PREVIEW_PROBLEMS = 500


def mine(request, pk) -> Import:
    imp = Import.objects.select_related("kabkota").filter(pk=pk, created_by=request.user).first()
    if imp is None:
        raise Http404
    try:
        kind = services.kind_of(imp)
    except KeyError:
        raise Http404 from None
    if not kind.may_use(request.scope, imp):
        raise Http404
    activate_region(imp.kabkota_id)  # times in the district's zone (WIB/WITA/WIT), for every reader
    return imp


def _translated(message: str) -> str:
    """A stored problem message in the reader's language when the catalogue has it, else as it is
    (never ``gettext("")``, which is the catalogue's header)."""
    return _(message) if message else message


def start_check(request, imp: Import):
    """Check a staged import: in the background with a progress page for the importers of large
    files, at once for the others; then the preview."""
    kind = services.kind_of(imp)
    if not kind.check_in_background:
        try:
            services.check(imp, scope=request.scope)
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect("imports:detail", pk=imp.pk)
    from .tasks import check_task

    job = job_services.job_create(
        kind=kind.job_kinds[0],
        title=_("Memeriksa %(name)s") % {"name": imp.original_name},
        region_kode=imp.kabkota_id,
        params={"import": str(imp.pk), "next": reverse("imports:detail", kwargs={"pk": imp.pk})},
        by=request.user,
    )
    if not services.restage(imp):  # committed meanwhile: it never goes back
        job_services.job_fail(job=job, message=_("Impor ini sudah disimpan atau sedang disimpan."))
        messages.error(
            request, _("Impor ini sudah disimpan atau sedang disimpan; tidak dapat diperiksa ulang.")
        )
        return redirect("imports:detail", pk=imp.pk)
    transaction.on_commit(lambda: check_task.enqueue(str(job.pk)))
    return redirect("jobs:detail", pk=job.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required_scope
def detail(request, pk):
    imp = mine(request, pk)
    kind = services.kind_of(imp)
    if request.method == "POST":
        if imp.status in LOCKED:  # a committed import never goes back to checking
            messages.error(
                request, _("Impor ini sudah disimpan atau sedang disimpan; tidak dapat diperiksa ulang.")
            )
            return redirect("imports:detail", pk=imp.pk)
        response = kind.answer(request, imp)
        if response is None:
            return redirect("imports:detail", pk=imp.pk)
        return response
    summary = imp.summary or {}
    counts = summary.get("counts", {})
    shown = services.problems(imp, limit=PREVIEW_PROBLEMS) if imp.status not in LOCKED else []
    # The core writes its problems in Indonesian; its fixed sentences are in the catalogue
    # (e.g. measurements/problem_messages.py), so they are shown in the reader's language.
    for p in shown:
        p.message = _translated(p.message)
    if summary.get("file_problems"):
        summary = {**summary, "file_problems": [_translated(m) for m in summary["file_problems"]]}
    return render(
        request,
        "imports/detail.html",
        {
            "imp": imp,
            "kind": kind,
            "kab": imp.kabkota,
            "summary": summary,
            "counts": counts,
            "details": summary.get("details", {}),
            "problems": shown,
            "show_sheet": any(p.sheet for p in shown),
            "more_problems": max(0, counts.get("problems", 0) - len(shown)),
            "more_notes": max(0, counts.get("notes", 0) - len(summary.get("notes", []))),
            "ready": services.ready(imp),
            "back_url": kind.back_url(imp),
            "done_url": kind.done_url(imp),
            "preview_template": kind.preview_template,
            **kind.preview_context(imp),
        },
    )


@never_cache
@login_required_scope
def problems(request, pk):
    """Every problem of the last check as an Excel sheet (sheet, row, column, value, message,
    severity)."""
    imp = mine(request, pk)
    return xlsx_response(services.problems_xlsx(imp), f"masalah-impor-{imp.kind}.xlsx")


@require_POST
@login_required_scope
def commit(request, pk):
    imp = mine(request, pk)
    kind = services.kind_of(imp)
    if imp.status == ImportStatus.COMMITTED:
        messages.info(request, _("Impor ini sudah disimpan."))
        return redirect(kind.done_url(imp))
    if imp.status == ImportStatus.COMMITTING:
        messages.info(request, _("Impor ini sedang disimpan."))
        return redirect("imports:detail", pk=imp.pk)
    if not services.ready(imp):
        messages.error(request, _("Berkas belum siap disimpan: periksa dan perbaiki dulu."))
        return redirect("imports:detail", pk=imp.pk)
    try:  # one commit, however many times "Simpan" is pressed at once
        services.claim(imp)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("imports:detail", pk=imp.pk)
    if kind.commit_in_background(imp):
        from .tasks import commit_task

        job = job_services.job_create(
            kind=kind.job_kinds[1],
            title=_("Menyimpan %(name)s") % {"name": imp.original_name},
            region_kode=imp.kabkota_id,
            params={"import": str(imp.pk), "next": kind.done_url(imp)},
            by=request.user,
        )
        transaction.on_commit(lambda: commit_task.enqueue(str(job.pk)))
        return redirect("jobs:detail", pk=job.pk)
    try:
        counts = services.commit(imp, scope=request.scope, by=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("imports:detail", pk=imp.pk)
    messages.success(request, kind.done_message(counts))
    return redirect(kind.done_url(imp))


@require_POST
@login_required_scope
def cancel(request, pk):
    """ "Batal": the uploaded file and everything prepared from it are deleted at once."""
    imp = mine(request, pk)
    kind = services.kind_of(imp)
    if services.cancel(imp, by=request.user):
        messages.success(request, _("Impor dibatalkan; berkasnya sudah dihapus."))
        return redirect(kind.back_url(imp))
    messages.info(request, _("Impor ini sudah disimpan atau sedang disimpan; tidak dapat dibatalkan."))
    return redirect(kind.done_url(imp))
