from __future__ import annotations

import json
from functools import cache

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods

from konvergensi.accounts.permissions import (
    Permission,
    has_permission,
    login_required_scope,
    require,
)
from konvergensi.web import flash_errors, region_or_404

from . import selectors, services
from .forms import OPDForm, PuskesmasForm
from .models import Level, Region


@login_required_scope
def region_detail(request, kode: str):
    """A district's regions: kecamatan and desa with codes, puskesmas with their desa, OPD."""
    region = region_or_404(kode, Level.KABKOTA)
    require(request.scope, Permission.VIEW_KABKOTA, region.kode)
    kecamatan = selectors.kecamatan_with_desa(scope=request.scope, kabkota_kode=region.kode)
    return render(
        request,
        "wilayah/region_detail.html",
        {
            "region": region,
            "ancestors": selectors.region_ancestors(kode=region.kode),
            "kecamatan": kecamatan,
            "desa_total": sum(len(k.desa_list) for k in kecamatan),
            "puskesmas": selectors.puskesmas_list(scope=request.scope, kabkota_kode=region.kode),
            "opd": selectors.opd_list(scope=request.scope, kabkota_kode=region.kode),
            "can_manage_opd": has_permission(request.scope, Permission.MANAGE_OPD, region.kode),
            "opd_form": OPDForm(),
            "puskesmas_form": PuskesmasForm(kecamatan_list=kecamatan),
        },
    )


@require_http_methods(["POST"])
@login_required_scope
def opd_create(request, kode: str):
    region = region_or_404(kode, Level.KABKOTA)
    require(request.scope, Permission.MANAGE_OPD, region.kode)
    form = OPDForm(request.POST)
    if form.is_valid():
        try:
            services.opd_create(kabkota=region, by=request.user, **form.cleaned_data)
            messages.success(request, _("OPD ditambahkan."))
        except IntegrityError:
            messages.error(request, _("OPD dengan singkatan itu sudah ada."))
    else:
        messages.error(request, _("Isi singkatan dan nama OPD."))
    return redirect("wilayah:detail", kode=region.kode)


@require_http_methods(["POST"])
@login_required_scope
def puskesmas_create(request, kode: str):
    region = region_or_404(kode, Level.KABKOTA)
    require(request.scope, Permission.MANAGE_OPD, region.kode)
    kecamatan = selectors.kecamatan_with_desa(scope=request.scope, kabkota_kode=region.kode)
    form = PuskesmasForm(request.POST, kecamatan_list=kecamatan)
    back = reverse("wilayah:detail", kwargs={"kode": region.kode}) + "#puskesmas"
    if not form.is_valid():
        flash_errors(request, form.errors)
        return redirect(back)
    data = form.cleaned_data
    try:
        services.puskesmas_create(
            kode=data["kode"],
            nama=data["nama"],
            kecamatan=Region.objects.get(kode=data["kecamatan"]),
            desa=list(Region.objects.filter(kode__in=data["desa"])),
            by=request.user,
        )
        messages.success(request, _("Puskesmas %(nama)s ditambahkan.") % {"nama": data["nama"]})
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect(back)


@cache
def _features(level: str) -> list[dict]:
    path = services.DATA_DIR / "batas" / f"{level}.geojson"
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _geojson_response(features: list[dict]) -> HttpResponse:
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@gzip_page
@login_required_scope
def geojson_national(request):
    require(request.scope, Permission.VIEW_NATIONAL)
    return _geojson_response(_features("provinsi"))


@gzip_page
@login_required_scope
def geojson_province(request, kode: str):
    """Official kab/kota boundaries of one province (Kepmendagri 2025 codes)."""
    region = selectors.region_get(kode=kode)
    if region is None or region.level != Level.PROVINSI:
        raise Http404
    require(request.scope, Permission.VIEW_PROVINCE, region.kode)
    return _geojson_response(
        [f for f in _features("kabkota") if f["properties"]["kode_induk"] == region.kode]
    )
