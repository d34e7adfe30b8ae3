"""Reads of the rembuk, always within the reader's scope.

The district rembuk is read by the district's operator and OPD, the province and the nation
(``Permission.REMBUK_READ`` on the district); a kecamatan rembuk by those and by its own kecamatan.
"""

from __future__ import annotations

from django.db.models import QuerySet

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope, scope_filter

from .models import AgreedChange, Level, Rembuk


def may_read(scope: Scope, rembuk: Rembuk) -> bool:
    return has_permission(scope, Permission.REMBUK_READ, rembuk.region_id)


def may_edit(scope: Scope, rembuk: Rembuk) -> bool:
    if rembuk.is_kabkota:
        return has_permission(scope, Permission.REMBUK_MANAGE, rembuk.kabkota_id)
    return has_permission(scope, Permission.REMBUK_KECAMATAN, rembuk.region_id)


def rembuk_list(*, scope: Scope, kabkota: str, tahun: int | None = None) -> list[Rembuk]:
    """The district's rembuk of the year the reader may read (a kecamatan: its own)."""
    qs = scope_filter(Rembuk.objects.filter(kabkota_id=kabkota), scope, "kabkota_id").select_related("region")
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    return [r for r in qs.order_by("level", "region__nama", "date", "id") if may_read(scope, r)]


def rembuk_get(*, scope: Scope, pk: int) -> Rembuk | None:
    qs = Rembuk.objects.select_related("kabkota", "region", "plan")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def district(kabkota: str, tahun: int) -> Rembuk | None:
    """The district rembuk of the year (not scoped: for rules and documents)."""
    return (
        Rembuk.objects.select_related("kabkota", "region", "plan")
        .filter(kabkota_id=kabkota, tahun=tahun, level=Level.KABKOTA)
        .first()
    )


def is_second_year(rembuk: Rembuk) -> bool:
    """The appreciation session (agenda e) starts with the second year of rembuk of the same region."""
    return Rembuk.objects.filter(region_id=rembuk.region_id, tahun__lt=rembuk.tahun).exists()


def plan_of(rembuk: Rembuk):
    """The Aksi 2 plan presented: the one recorded when the rembuk was held, else the year's current."""
    if not rembuk.is_kabkota:
        return None
    if rembuk.plan_id:
        return rembuk.plan
    from konvergensi.plans.models import Plan

    return Plan.objects.filter(kabkota_id=rembuk.kabkota_id, tahun=rembuk.tahun).order_by("-number").first()


def ansit_document(*, scope: Scope, rembuk: Rembuk):
    """The newest finished Aksi 1 situation-analysis document of the district and year."""
    from konvergensi.ansit import selectors as ansit_selectors
    from konvergensi.ansit.models import DocumentStatus

    return (
        ansit_selectors.document_list(scope=scope, kabkota=rembuk.kabkota_id, tahun=rembuk.tahun)
        .filter(status=DocumentStatus.SELESAI)
        .order_by("-created_at", "-id")
        .first()
    )


def changes_of(rembuk: Rembuk) -> dict[int, AgreedChange]:
    """The agreed change of each plan row (row id → change)."""
    return {c.row_id: c for c in rembuk.changes.select_related("row")}


def changes_for_plan(plan) -> list[AgreedChange]:
    """The changes agreed at the year's district rembuk for the rows of ``plan`` (or of the rows they
    came from: a new version keeps each row's key), in the plan's order — what the plan's
    finalisation takes up."""
    return list(
        AgreedChange.objects.filter(
            rembuk__kabkota_id=plan.kabkota_id,
            rembuk__tahun=plan.tahun,
            rembuk__level=Level.KABKOTA,
            row__key__in=plan.rows.values("key"),
        )
        .select_related("row", "row__opd", "rembuk")
        .order_by("row__group", "row__urutan", "id")
    )


def held_and_signed(kabkota: str, tahun: int) -> bool:
    return (
        Rembuk.objects.filter(kabkota_id=kabkota, tahun=tahun, level=Level.KABKOTA, held__isnull=False)
        .exclude(signed_file="")
        .exists()
    )


def published(kabkota: str) -> QuerySet[Rembuk]:
    """The district's signed commitments it chose to publish, newest year first (public page)."""
    return (
        Rembuk.objects.filter(kabkota_id=kabkota, level=Level.KABKOTA, published__isnull=False)
        .exclude(signed_file="")
        .order_by("-tahun")
    )
