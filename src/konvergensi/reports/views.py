"""Start a document in the background: any registered kind, for a district the reader may read it of."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from konvergensi.accounts.permissions import Permission, login_required_scope, require
from konvergensi.jobs import services as job_services
from konvergensi.web import kabkota_or_404

from . import registry
from .tasks import JOB_KIND, report_task


@require_POST
@login_required_scope
def start(request, key: str, kode: str):
    kind = registry.get(key)
    if kind is None:
        raise Http404
    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission(kind.permission), kab.kode)
    fmt = request.POST.get("fmt", "pdf")
    if fmt not in registry.FORMATS:
        raise Http404
    tahun_text = request.POST.get("tahun", "")
    tahun = int(tahun_text) if tahun_text.isdigit() and 2000 <= int(tahun_text) <= 2100 else None
    job = job_services.job_create(
        kind=JOB_KIND,
        title=_("%(label)s %(kab)s (%(fmt)s)") % {"label": kind.label, "kab": kab.nama, "fmt": fmt.upper()},
        region_kode=kab.kode,
        params={"kind": kind.key, "tahun": tahun, "fmt": fmt},
        by=request.user,
    )
    transaction.on_commit(lambda: report_task.enqueue(str(job.pk)))
    return redirect("jobs:detail", pk=job.pk)
