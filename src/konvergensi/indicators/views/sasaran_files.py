"""Data sasaran from an aggregate file: the upload page (into the import pipeline) and its template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from konvergensi.accounts.permissions import login_required_scope
from konvergensi.web import flash_errors, kabkota_or_404, tahun_from, xlsx_response
from konvergensi_core.sasaran import FIELDS

from .. import excel, selectors
from .. import sasaran_import as kind
from ..models import DataSasaran
from .common import nav_page


@require_http_methods(["GET", "POST"])
@login_required_scope
def sasaran_import(request, kode: str):
    """GET: what the file holds, the template, the form. POST: the file goes into the pipeline
    (refused at once if unreadable), is checked and shown on the pipeline's preview page."""
    from konvergensi.imports import services as pipeline
    from konvergensi.imports.views import start_check

    kab = kabkota_or_404(request, kode)
    if not kind.may_import(request.scope, kab.kode):
        raise PermissionDenied
    tahun = tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))
    back = reverse("indicators:sasaran-import", kwargs={"kode": kab.kode}) + f"?tahun={tahun}"
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            messages.error(request, _("Pilih berkas (.xlsx atau .csv) yang akan diunggah."))
            return redirect(back)
        try:
            imp = pipeline.stage(kind=kind.KIND_INSTANCE, kabkota=kab.kode, params={"tahun": tahun},
                                 upload=file, by=request.user)  # fmt: skip
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect(back)
        return start_check(request, imp)
    return nav_page(
        request,
        "indicators/sasaran_import.html",
        {
            "kab": kab,
            "tahun": tahun,
            "fields": [(f, DataSasaran._meta.get_field(f.name).verbose_name) for f in FIELDS],
        },
    )


@login_required_scope
def sasaran_template(request, kode: str):
    """The desa the user may write, with what is stored for the year (a kecamatan: its own desa)."""
    kab = kabkota_or_404(request, kode)
    if not kind.may_import(request.scope, kab.kode):
        raise PermissionDenied
    tahun = tahun_from(request.GET.get("tahun"))
    visible = list(selectors.visible_desa(scope=request.scope, kabkota=kab.kode))
    mine = kind.writable(request.scope, {d.kode: d.nama for d in visible})
    desa = [d for d in visible if d.kode in mine]
    stored = {s.desa_id: s for s in DataSasaran.objects.filter(desa__in=desa, tahun=tahun)}
    return xlsx_response(
        excel.sasaran_template(kabkota=kab, tahun=tahun, desa=desa, stored=stored),
        f"templat-sasaran-{kab.kode_angka}-{tahun}.xlsx",
    )
