"""Reads of the picture: who may see which region, the stored figures of a region's children
(one indexed query per parent: O(children)), the periods available and a region's trend."""

from __future__ import annotations

from konvergensi.accounts.models import Role
from konvergensi.accounts.scope import Scope
from konvergensi.wilayah.models import Region
from konvergensi_core.numbers import id_count, id_number

from . import layers
from .models import RegionFigure
from .services import BUDGET_KEY

HIDDEN = "disembunyikan"
DISTRICT_ROLES = (Role.OPERATOR, Role.OPD, Role.PUSKESMAS)


def area(scope: Scope) -> str | None:
    """The region code whose subtree the reader may see ("" = the nation, None = nothing)."""
    if not scope.is_active:
        return None
    if scope.is_national:
        return ""
    if scope.role == Role.PROVINSI:
        return scope.provinsi_kode
    if scope.role in DISTRICT_ROLES:
        return scope.kabkota_kode
    if scope.role == Role.KECAMATAN:
        return scope.kode
    if scope.role == Role.DESA and scope.kode:
        return scope.kode[:8]  # the page of its kecamatan, showing only its own desa
    return None


def home_kode(scope: Scope) -> str | None:
    return area(scope)


def may_view(scope: Scope, kode: str) -> bool:
    top = area(scope)
    if top is None:
        return False
    return top == "" or kode == top or kode.startswith(top + ".")


def child_visible(scope: Scope, kode: str) -> bool:
    if scope.role == Role.DESA:
        return kode == scope.kode
    top = area(scope)
    return top is not None and (top == "" or kode == top or kode.startswith(top + "."))


def children(*, scope: Scope, parent: str, key: str, periode: str) -> list[RegionFigure]:
    qs = (
        RegionFigure.objects.filter(parent=parent, key=key, periode=periode).exclude(kode="").order_by("kode")
    )
    return [r for r in qs if child_visible(scope, r.kode) and may_view(scope, parent)]


def figure(*, kode: str, key: str, periode: str) -> RegionFigure | None:
    return RegionFigure.objects.filter(kode=kode, key=key, periode=periode).first()


def periodes(*, parent: str, key: str) -> list[str]:
    qs = RegionFigure.objects.filter(parent=parent, key=key).exclude(kode="")
    return sorted(set(qs.values_list("periode", flat=True).distinct()), reverse=True)


def trend(*, kode: str, key: str) -> list[RegionFigure]:
    return list(RegionFigure.objects.filter(kode=kode, key=key).order_by("periode"))


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{id_number(value, 1)} %"


def layer_value(r: RegionFigure) -> layers.LayerValue:
    if r.suppressed:
        return layers.LayerValue(None, HIDDEN)
    detail = ""
    if r.ci_low is not None and r.ci_high is not None:
        detail = f"({id_number(r.ci_low, 1)}–{id_number(r.ci_high, 1)})"
    if r.key == BUDGET_KEY:
        detail = f"Rp {id_count(r.numerator)} / Rp {id_count(r.denominator)}"
    elif r.n is not None:
        detail = f"{detail} n={id_count(r.n)}".strip()
    return layers.LayerValue(r.value, percent_text(r.value), detail=detail)


def regions(codes: list[str]) -> dict[str, Region]:
    return {r.kode: r for r in Region.objects.filter(kode__in=codes)}


def child_regions(parent: str) -> list[Region]:
    if parent == "":
        return list(Region.objects.filter(level="provinsi").order_by("kode"))
    return list(Region.objects.filter(parent_id=parent).order_by("kode"))
