from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render

from konvergensi.accounts.permissions import login_required_scope
from konvergensi.formats import activate_region
from konvergensi.web import attachment

from .models import Job


def _job_or_404(request, pk) -> Job:
    """A job is visible to whoever started it, while it is still within their scope."""
    job = Job.objects.filter(pk=pk, created_by=request.user).first()
    if job is None or not (request.scope.is_national or request.scope.covers(job.region_kode or None)):
        raise Http404
    if job.region_kode:  # the work of one region: its zone (WIB/WITA/WIT), whoever started it
        activate_region(job.region_kode)
    return job


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
