"""The indicator catalogue, an indicator's page, and who fills which indicator (the OPD assignments)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.web import flash_errors, int_from, kabkota_or_404
from konvergensi.wilayah.models import OPD

from .. import selectors, services
from ..models import (
    Assignment,
    Indicator,
    IndicatorSet,
)
from .common import decimal_value

# --- the catalogue ------------------------------------------------------------------------------


@login_required_scope
def catalogue(request):
    set_ = request.GET.get("set") or ""
    rows = selectors.catalogue(
        set_ if set_ in IndicatorSet.values else None, request.GET.get("q", "").strip()[:100]
    )
    return render(
        request,
        "indicators/catalogue.html",
        {"indicators": rows.prefetch_related("bands"), "set": set_, "q": request.GET.get("q", "")},
    )


@require_http_methods(["GET", "POST"])
@login_required_scope
def indicator_detail(request, kode: str):
    indicator = get_object_or_404(Indicator, kode=kode)
    can_edit = has_permission(request.scope, Permission.CATALOGUE_EDIT)
    if request.method == "POST":
        require(request.scope, Permission.CATALOGUE_EDIT)
        try:
            if request.POST.get("form") == "band":
                tahun = int_from(request.POST.get("tahun"))
                if tahun and not 2018 <= tahun <= 2100:
                    raise ValidationError(_("Tahun tidak sah."))
                services.band_set(
                    scope=request.scope,
                    indicator=indicator,
                    tahun=tahun,
                    memadai=decimal_value(request.POST.get("memadai")),
                    hampir=decimal_value(request.POST.get("hampir")),
                    rendah=decimal_value(request.POST.get("rendah")),
                    by=request.user,
                )
            else:
                changes = {
                    f: request.POST.get(f, "").strip()
                    for f in ("nama", "definisi", "numerator", "denominator", "opd_sumber", "catatan")
                }
                if not changes["nama"]:
                    raise ValidationError(_("Nama indikator wajib diisi."))
                target = request.POST.get("target_nasional", "").strip()
                changes["target_nasional"] = decimal_value(target) if target else None
                services.indicator_update(
                    scope=request.scope, indicator=indicator, changes=changes, by=request.user
                )
            messages.success(request, _("Tersimpan."))
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect("indicators:detail", kode=indicator.kode)
    return render(
        request,
        "indicators/indicator_detail.html",
        {"indicator": indicator, "bands": indicator.bands.all(), "can_edit": can_edit},
    )


# --- who fills what, and the programme mapping ---------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def assignments(request, kode: str):
    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission.DATA_MANAGE, kab.kode)
    opds = list(OPD.objects.filter(kabkota=kab))
    if request.method == "POST":
        if request.POST.get("action") == "auto":
            n = services.assignments_auto(kab)
            messages.success(request, _("%(n)s indikator ditugaskan otomatis.") % {"n": n})
        else:
            indicator = get_object_or_404(Indicator, kode=request.POST.get("indikator", ""))
            opd_id = request.POST.get("opd")
            opd = next((o for o in opds if str(o.pk) == opd_id), None)
            if opd_id and opd is None:
                raise Http404
            services.assignment_set(
                scope=request.scope, kabkota=kab, indicator=indicator, opd=opd, by=request.user
            )
            messages.success(request, _("Penugasan %(kode)s tersimpan.") % {"kode": indicator.kode})
        return redirect("indicators:assignments", kode=kab.kode)
    current = dict(Assignment.objects.filter(kabkota=kab).values_list("indicator_id", "opd_id"))
    return render(
        request,
        "indicators/assignments.html",
        {"kab": kab, "opds": opds, "rows": [(i, current.get(i.pk)) for i in Indicator.objects.all()]},
    )
