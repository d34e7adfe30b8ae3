"""The landing page of each role ("Beranda"): where you are, what to do next.

The base app draws the page and knows the reader's place (region, kab/kota, OPD, puskesmas); what
each domain app has to say there (the cycle's progress and the aksi to do, the newest measurement
round, …) comes from the panels the domain apps register from their ``AppConfig.ready()``, the way
``konvergensi.staging`` and ``konvergensi.aksi.work`` collect theirs. ``accounts`` never imports a
domain app: it asks the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.shortcuts import redirect, render
from django.utils import timezone

from konvergensi.wilayah import selectors as wilayah_selectors
from konvergensi.wilayah.models import OPD, Level, Puskesmas, Region

from .models import Role
from .scope import Scope, scope_filter


@dataclass(frozen=True)
class HomeRequest:
    """What a panel is asked for: the reader, their region and kab/kota (None above a district),
    the cycle year and today."""

    scope: Scope
    region: Region | None
    kabkota: Region | None
    tahun: int
    today: dt.date


@dataclass(frozen=True)
class HomePanel:
    """A domain app's part of the home page: ``context(request)`` gives the template's variables
    (an empty dict when the panel has nothing for this reader)."""

    key: str
    context: Callable[[HomeRequest], dict]


_PANELS: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> None:
    """Add (or replace, by key) a panel; called from a domain app's ``AppConfig.ready()``."""
    _PANELS[panel.key] = panel


def panels() -> list[HomePanel]:
    return list(_PANELS.values())


def panels_context(request: HomeRequest) -> dict:
    """The variables every registered panel gives for this reader, in registration order."""
    context: dict = {}
    for panel in _PANELS.values():
        context.update(panel.context(request))
    return context


def _place_context(scope: Scope, region: Region | None) -> dict:
    """The reader's own place, from the base apps: OPD, puskesmas and its desa, the kecamatan's desa."""
    context: dict = {}
    if scope.role == Role.OPD:
        context["opd"] = OPD.objects.filter(pk=scope.opd_id).first()
    if scope.role == Role.PUSKESMAS:
        context["puskesmas"] = Puskesmas.objects.filter(pk=scope.puskesmas_id).first()
        context["desa_served"] = scope_filter(
            Region.objects.filter(level=Level.DESA), scope, "kode", purpose="region"
        )
    if scope.role == Role.KECAMATAN:
        context["desa_in_kecamatan"] = Region.objects.filter(parent_id=scope.kode)
    return context


def home(request):
    """The landing page of each role: where you are, what to do next."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    scope = request.scope
    if not scope.is_active:
        return render(request, "accounts/no_membership.html", status=403)
    today = timezone.localdate()
    region = wilayah_selectors.region_get(kode=scope.kode) if scope.kode else None
    kabkota = wilayah_selectors.region_get(kode=scope.kabkota_kode) if scope.kabkota_kode else None
    asked = HomeRequest(scope=scope, region=region, kabkota=kabkota, tahun=today.year, today=today)
    context: dict = {"tahun": asked.tahun, "role": scope.role, "region": region}
    if kabkota is not None:
        context["kabkota"] = kabkota
    context.update(_place_context(scope, region))
    context.update(panels_context(asked))
    return render(request, "accounts/home.html", context)
