"""Pages of Aksi 4: the district's register (its Perbup/Perwali, the desa coverage and its map) and a
desa's register (its Perdes/Perkades and APBDes allocations for stunting)."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.web import attachment, attempt, kabkota_or_404, region_or_404, tahun_from

from . import selectors, services
from .models import Regulation, RegulationKind, Status, VillageKind

MAP_CATEGORY = {"lengkap": "memadai", "kurang": "sangat_rendah", "lain": None}  # colours of peta-desa.js


def _tahun(request) -> int:
    return tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _home_url(kabkota: str, tahun: int) -> str:
    return reverse("regulations:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"


def _desa_url(desa: str, tahun: int) -> str:
    return reverse("regulations:desa", kwargs={"kode": desa}) + f"?tahun={tahun}"


def _regulation(request, pk: int) -> Regulation:
    reg = selectors.regulation_get(scope=request.scope, pk=pk)
    if reg is None:
        raise Http404
    require(request.scope, Permission.VIEW_KABKOTA, reg.kabkota_id)
    activate_region(reg.kabkota_id)
    return reg


def _desa(request, kode: str):
    desa = region_or_404(kode, "desa")
    require(request.scope, Permission.REGULATION_READ, desa.kode)
    activate_region(desa.kode[:5])
    return desa


# --- the district -------------------------------------------------------------------------------------


@require_GET
@login_required_scope
def home(request, kode: str):
    kab = kabkota_or_404(request, kode)
    activate_region(kab.kode)
    tahun = _tahun(request)
    scope = request.scope
    regulations = list(selectors.regulation_list(scope=scope, kabkota=kab.kode))
    current = selectors.current_regulation(scope=scope, kabkota=kab.kode, tahun=tahun)
    cover = selectors.coverage(scope=scope, kabkota=kab.kode, tahun=tahun)
    labels = {
        "lengkap": _("desa lokus dengan Perdes/Perkades dan APBDes"),
        "kurang": _("desa lokus yang belum lengkap"),
        "lain": _("desa lain"),
    }
    points = [
        {
            "kode": r.kode,
            "nama": r.nama,
            "lat": r.lat,
            "lng": r.lng,
            "value": None,
            "category": MAP_CATEGORY[r.group],
            "tip": f"{r.nama}: {labels[r.group]}",
        }
        for r in cover.rows
    ]
    return render(
        request,
        "regulations/home.html",
        {
            "kab": kab,
            "tahun": tahun,
            "regulations": [
                {
                    "reg": r,
                    "steps": list(r.steps.all()),
                    "next": services.next_status(r),
                    "next_label": Status(services.next_status(r)).label if services.next_status(r) else "",
                }
                for r in regulations
            ],
            "current": current,
            "cover": cover,
            "listed": [r for r in cover.rows if r.lokus or r.regulation or r.allocation],
            "rest": [r for r in cover.rows if not (r.lokus or r.regulation or r.allocation)],
            "points": points,
            "n_points": sum(p["lat"] is not None for p in points),
            "can_manage": has_permission(scope, Permission.REGULATION_MANAGE, kab.kode),
            "whole": has_permission(scope, Permission.REGULATION_READ, kab.kode),
            "kinds": RegulationKind.choices,
            "today": timezone.localdate().isoformat(),
        },
    )


@require_POST
@login_required_scope
def regulation_add(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = _tahun(request)
    require(request.scope, Permission.REGULATION_MANAGE, kab.kode)
    attempt(
        request,
        lambda: services.regulation_create(
            scope=request.scope,
            kabkota=kab,
            kind=request.POST.get("kind", ""),
            number=request.POST.get("number", ""),
            title=request.POST.get("title", ""),
            date=_date(request.POST.get("date")),
            upload=request.FILES.get("file"),
            by=request.user,
        ),
        _("Rancangan peraturan dicatat."),
    )
    return redirect(_home_url(kab.kode, tahun))


@require_POST
@login_required_scope
def regulation_step(request, pk: int):
    reg = _regulation(request, pk)
    tahun = _tahun(request)
    require(request.scope, Permission.REGULATION_MANAGE, reg.kabkota_id)
    status = request.POST.get("status", "")
    label = dict(Status.choices).get(status, status)
    attempt(
        request,
        lambda: services.regulation_step(
            scope=request.scope,
            reg=reg,
            status=status,
            date=_date(request.POST.get("date")),
            number=request.POST.get("number", ""),
            upload=request.FILES.get("file"),
            by=request.user,
        ),
        _("Status peraturan dicatat: %(status)s.") % {"status": label},
    )
    return redirect(_home_url(reg.kabkota_id, tahun))


@require_POST
@login_required_scope
def regulation_document(request, pk: int):
    reg = _regulation(request, pk)
    tahun = _tahun(request)
    require(request.scope, Permission.REGULATION_MANAGE, reg.kabkota_id)
    attempt(
        request,
        lambda: services.regulation_document(
            scope=request.scope, reg=reg, upload=request.FILES.get("file"), by=request.user
        ),
        _("Dokumen peraturan diunggah."),
    )
    return redirect(_home_url(reg.kabkota_id, tahun))


@require_GET
@login_required_scope
def regulation_file(request, pk: int):
    reg = _regulation(request, pk)
    if not reg.file:
        raise Http404
    return attachment(FileResponse(reg.file.open("rb")), reg.original_name or "peraturan")


# --- a desa -------------------------------------------------------------------------------------------


@require_GET
@login_required_scope
def desa(request, kode: str):
    region = _desa(request, kode)
    tahun = _tahun(request)
    scope = request.scope
    kab = region_or_404(region.kode[:5], "kabkota")
    return render(
        request,
        "regulations/desa.html",
        {
            "kab": kab,
            "desa": region,
            "kecamatan": region.parent,
            "tahun": tahun,
            "regulations": list(selectors.village_regulations(scope=scope, desa=region.kode)),
            "allocations": list(selectors.allocations(scope=scope, desa=region.kode)),
            "can_edit": has_permission(scope, Permission.REGULATION_DESA, region.kode),
            "kinds": VillageKind.choices,
            "today": timezone.localdate().isoformat(),
        },
    )


@require_POST
@login_required_scope
def village_add(request, kode: str):
    region = _desa(request, kode)
    tahun = _tahun(request)
    require(request.scope, Permission.REGULATION_DESA, region.kode)
    attempt(
        request,
        lambda: services.village_regulation_add(
            scope=request.scope,
            desa=region,
            kind=request.POST.get("kind", ""),
            number=request.POST.get("number", ""),
            date=_date(request.POST.get("date")),
            title=request.POST.get("title", ""),
            upload=request.FILES.get("file"),
            by=request.user,
        ),
        _("Peraturan desa dicatat."),
    )
    return redirect(_desa_url(region.kode, tahun))


@require_POST
@login_required_scope
def allocation_add(request, kode: str):
    region = _desa(request, kode)
    tahun = _tahun(request)
    require(request.scope, Permission.REGULATION_DESA, region.kode)
    attempt(
        request,
        lambda: services.allocation_add(
            scope=request.scope,
            desa=region,
            tahun=request.POST.get("tahun_anggaran") or tahun,
            amount=request.POST.get("amount", ""),
            purpose=request.POST.get("purpose", ""),
            by=request.user,
        ),
        _("Alokasi APBDes dicatat."),
    )
    return redirect(_desa_url(region.kode, tahun))


@require_GET
@login_required_scope
def village_file(request, pk: int):
    reg = selectors.village_regulation_get(scope=request.scope, pk=pk)
    if reg is None or not reg.file:
        raise Http404
    require(request.scope, Permission.REGULATION_READ, reg.desa_id)
    return attachment(FileResponse(reg.file.open("rb")), reg.original_name or "peraturan-desa")


@require_POST
@login_required_scope
def village_delete(request, pk: int):
    reg = selectors.village_regulation_get(scope=request.scope, pk=pk)
    if reg is None:
        raise Http404
    require(request.scope, Permission.REGULATION_DESA, reg.desa_id)
    attempt(request, lambda: services.village_regulation_delete(scope=request.scope, reg=reg, by=request.user),
            _("Peraturan desa dihapus."))  # fmt: skip
    return redirect(_desa_url(reg.desa_id, _tahun(request)))


@require_POST
@login_required_scope
def allocation_delete(request, pk: int):
    row = selectors.allocation_get(scope=request.scope, pk=pk)
    if row is None:
        raise Http404
    require(request.scope, Permission.REGULATION_DESA, row.desa_id)
    attempt(request, lambda: services.allocation_delete(scope=request.scope, row=row, by=request.user),
            _("Alokasi APBDes dihapus."))  # fmt: skip
    return redirect(_desa_url(row.desa_id, _tahun(request)))
