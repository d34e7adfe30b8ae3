from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from konvergensi.accounts.permissions import Permission, login_required_scope, require
from konvergensi.web import attachment, region_or_404, tahun_from

from . import services
from .models import Job


def _job_or_404(request, pk) -> Job:
    """A job is visible to whoever started it, while it is still within their scope."""
    job = Job.objects.filter(pk=pk, created_by=request.user).first()
    if job is None or not (request.scope.is_national or request.scope.covers(job.region_kode or None)):
        raise Http404
    return job


@require_POST
@login_required_scope
def export_pantau(request):
    kode = request.POST.get("kode", "")
    tahun = tahun_from(request.POST.get("tahun"))
    if kode:
        region = region_or_404(kode, "provinsi")
        require(request.scope, Permission.VIEW_PROVINCE, region.kode)
        title = _("Rekap Pantau Aksi %(nama)s %(tahun)s") % {"nama": region.nama, "tahun": tahun}
    else:
        require(request.scope, Permission.VIEW_NATIONAL)
        title = _("Rekap Pantau Aksi nasional %(tahun)s") % {"tahun": tahun}
    job = services.export_pantau_start(
        scope=request.scope, region_kode=kode, tahun=tahun, title=title, by=request.user
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required_scope
def job_detail(request, pk):
    job = _job_or_404(request, pk)
    template = "jobs/job_detail.html#progress" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job})


@login_required_scope
def job_download(request, pk):
    job = _job_or_404(request, pk)
    if not job.result_file:
        raise Http404
    return attachment(FileResponse(job.result_file.open("rb"), as_attachment=True), job.result_name)
