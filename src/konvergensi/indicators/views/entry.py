"""Entering village data: completeness, data sasaran, the entry grid and its history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope
from konvergensi.aksi import locks
from konvergensi.web import flash_errors, int_from, kabkota_or_404, tahun_from
from konvergensi.wilayah.models import Region
from konvergensi_core import sasaran as sasaran_rules

from .. import sasaran_import, selectors, services
from ..models import (
    SASARAN_FIELDS,
    DataSasaran,
    DataValueHistory,
    Indicator,
    IndicatorSet,
)
from .common import indicators_shown, int_or_none, nav_page, periode_asked, set_asked

# --- the district's data hub: completeness ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def completeness(request, kode: str):
    kab = kabkota_or_404(request, kode)
    periode, set_ = periode_asked(request), set_asked(request)
    if request.method == "POST":
        # The district verifies an indicator's figures for the period after checking them with the OPD.
        indicator = get_object_or_404(Indicator, kode=request.POST.get("indikator", ""))
        try:
            n = services.values_verify(
                scope=request.scope, kabkota=kab, indicator=indicator, periode=periode, by=request.user
            )
        except ValidationError as exc:  # the year's data are locked (docs/aksi.md, "Kunci data")
            flash_errors(request, exc)
        else:
            messages.success(
                request,
                _("%(n)s angka %(kode)s periode %(periode)s diverifikasi.")
                % {"n": n, "kode": indicator.kode, "periode": periode},
            )
        return redirect(
            reverse("indicators:completeness", kwargs={"kode": kab.kode}) + f"?periode={periode}&set={set_}"
        )
    indicators = list(Indicator.objects.filter(set=set_))
    data = selectors.completeness(
        scope=request.scope, kabkota=kab, periode=periode, indicators=indicators, today=timezone.localdate()
    )
    tahun = int(periode[:4])
    return nav_page(
        request,
        "indicators/completeness.html",
        {
            "kab": kab,
            "periode": periode,
            "set": set_,
            "sets": IndicatorSet.choices,
            "data": data,
            "sasaran": selectors.sasaran_summary(scope=request.scope, kabkota=kab.kode, tahun=tahun),
            "tahun": tahun,
            "can_enter": services.allowed_indicators(request.scope, kab.kode) != set(),
            "can_manage": has_permission(request.scope, Permission.DATA_MANAGE, kab.kode),
            "kecamatan": selectors.visible_kecamatan(scope=request.scope, kabkota=kab.kode),
        },
    )


# --- data sasaran -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def sasaran(request, kode: str):
    kab = kabkota_or_404(request, kode)
    kecamatan_list = list(selectors.visible_kecamatan(scope=request.scope, kabkota=kab.kode))
    if not kecamatan_list:
        raise PermissionDenied
    kec_kode = request.GET.get("kec") or request.POST.get("kec") or kecamatan_list[0].kode
    kec = next((k for k in kecamatan_list if k.kode == kec_kode), None)
    if kec is None:
        raise Http404
    tahun = tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))
    back = reverse("indicators:sasaran", kwargs={"kode": kab.kode}) + f"?kec={kec.kode}&tahun={tahun}"
    if request.method == "POST":
        desa = get_object_or_404(Region, kode=request.POST.get("desa", ""), level="desa", parent=kec)
        row = DataSasaran.objects.filter(desa=desa, tahun=tahun).first()
        action = request.POST.get("action", "save")
        version = int_from(request.POST.get("version"))
        try:
            if action == "save":
                values = {f: int_or_none(request.POST.get(f)) for f in SASARAN_FIELDS}
                services.sasaran_save(
                    scope=request.scope,
                    desa=desa,
                    tahun=tahun,
                    values=values,
                    expected_version=version,
                    by=request.user,
                )
                messages.success(request, _("Data sasaran %(desa)s tersimpan.") % {"desa": desa.nama})
            elif row is None:
                raise ValidationError(_("Data sasaran desa ini belum diisi."))
            elif action == "verify":
                services.sasaran_verify(
                    scope=request.scope, row=row, expected_version=version, by=request.user
                )
                messages.success(request, _("%(desa)s diverifikasi dan dikunci.") % {"desa": desa.nama})
            elif action == "return":
                services.sasaran_return(
                    scope=request.scope,
                    row=row,
                    expected_version=version,
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                )
                messages.success(request, _("%(desa)s dikembalikan untuk diperbaiki.") % {"desa": desa.nama})
            elif action == "unlock":
                services.sasaran_unlock(
                    scope=request.scope,
                    row=row,
                    expected_version=version,
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                )
                messages.success(request, _("Kunci %(desa)s dibuka.") % {"desa": desa.nama})
            else:
                raise Http404
        except services.Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect(back + f"#d{desa.kode_angka}")
    rows = selectors.sasaran_rows(scope=request.scope, kabkota=kab.kode, kecamatan=kec.kode, tahun=tahun)
    # Which indicators each count is the denominator of (konvergensi_core.sasaran), in catalogue order.
    feeds = sasaran_rules.feeds(list(Indicator.objects.values_list("kode", flat=True)))
    can_edit = has_permission(request.scope, Permission.SASARAN_EDIT, kec.kode)
    can_verify = has_permission(request.scope, Permission.SASARAN_VERIFY, kec.kode)
    can_unlock = can_verify or has_permission(request.scope, Permission.DATA_MANAGE, kab.kode)
    return nav_page(
        request,
        "indicators/sasaran.html",
        {
            "kab": kab,
            "kec": kec,
            "kecamatan_list": kecamatan_list,
            "tahun": tahun,
            "rows": rows,
            "fields": [(f, DataSasaran._meta.get_field(f).verbose_name, feeds[f]) for f in SASARAN_FIELDS],
            "can_edit": can_edit,
            "can_import": sasaran_import.may_import(request.scope, kab.kode),
            "can_verify": can_verify,
            "can_unlock": can_unlock,
        },
    )


# --- the entry grid -----------------------------------------------------------------------------


@login_required_scope
def grid(request, kode: str):
    kab = kabkota_or_404(request, kode)
    periode, set_ = periode_asked(request), set_asked(request)
    indicators = indicators_shown(request, kab.kode, set_, only_allowed=True)
    kecamatan_list = list(selectors.visible_kecamatan(scope=request.scope, kabkota=kab.kode))
    kec_kode = request.GET.get("kec") or (kecamatan_list[0].kode if kecamatan_list else "")
    kec = next((k for k in kecamatan_list if k.kode == kec_kode), None)
    if kec is None:
        raise Http404
    rows = selectors.grid(
        scope=request.scope, kabkota=kab.kode, kecamatan=kec.kode, periode=periode, indicators=indicators
    )
    return nav_page(
        request,
        "indicators/grid.html",
        {
            "kab": kab,
            "kec": kec,
            "kecamatan_list": kecamatan_list,
            "periode": periode,
            "set": set_,
            "sets": IndicatorSet.choices,
            "indicators": indicators,
            "rows": rows,
            # Read-only while the year's Aksi 1 data are locked (the notice above the grid says why):
            # every save would be refused.
            "editable": bool(indicators)
            and services.allowed_indicators(request.scope, kab.kode) != set()
            and not locks.is_locked(kab.kode, int(periode[:4]), 1),
        },
    )


@require_POST
@login_required_scope
def cell_save(request, kode: str):
    """Save one cell of the grid (fetch from the page); JSON answer, 409 when someone else saved first."""
    kab = kabkota_or_404(request, kode)
    indicator = get_object_or_404(Indicator, kode=request.POST.get("indikator", ""))
    desa = get_object_or_404(Region, kode=request.POST.get("desa", ""), level="desa", parent__parent=kab)
    if not request.scope.covers(desa.kode, "region"):
        raise Http404
    try:
        value = services.value_set(
            scope=request.scope,
            indicator=indicator,
            desa=desa,
            periode=request.POST.get("periode", ""),
            numerator=int_or_none(request.POST.get("numerator")),
            denominator=int_or_none(request.POST.get("denominator")),
            expected_version=int(request.POST.get("version") or 0),
            by=request.user,
        )
    except services.Conflict as exc:
        current = exc.current
        return JsonResponse(
            {
                "ok": False,
                "conflict": True,
                "message": str(exc),
                "numerator": getattr(current, "numerator", None),
                "denominator": getattr(current, "denominator", None),
                "version": getattr(current, "version", 0),
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=400)
    except ValueError:
        return JsonResponse({"ok": False, "message": _("Permintaan tidak sah.")}, status=400)
    pct = (
        value
        and not indicator.is_count
        and value.denominator
        and round(100 * value.numerator / value.denominator, 1)
    )
    warning = (
        selectors.sasaran_warning(
            indicator=indicator, desa_kode=desa.kode, periode=value.periode, denominator=value.denominator
        )
        if value
        else ""
    )
    return JsonResponse(
        {
            "ok": True,
            "version": value.version if value else 0,
            "percent": pct or (0 if value and value.denominator else None),
            "warning": warning,
        }
    )


@login_required_scope
def history(request, kode: str):
    kab = kabkota_or_404(request, kode)
    qs = DataValueHistory.objects.filter(desa__kode__startswith=kab.kode + ".").select_related(
        "indicator", "desa", "by"
    )
    desa = request.GET.get("desa")
    if desa:
        qs = qs.filter(desa_id=desa)
    if request.GET.get("indikator"):
        qs = qs.filter(indicator__kode=request.GET["indikator"])
    if request.GET.get("periode"):
        qs = qs.filter(periode=request.GET["periode"])
    # Scoped in the query, before the limit: a kecamatan sees its own latest 500 changes.
    qs = qs.filter(desa__in=selectors.visible_desa(scope=request.scope, kabkota=kab.kode))
    return nav_page(request, "indicators/history.html", {"kab": kab, "rows": list(qs[:500])})
