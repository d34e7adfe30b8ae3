"""Reads of regions, puskesmas and OPD, always within the reader's scope."""

from __future__ import annotations

from functools import cache

from django.db.models import Count, Prefetch, QuerySet

from konvergensi.accounts.scope import Scope, scope_filter

from .models import OPD, Level, Puskesmas, Region


def region_get(*, kode: str) -> Region | None:
    return Region.objects.filter(kode=kode).first()


def region_counts() -> dict[str, int]:
    counts = dict(Region.objects.values_list("level").annotate(n=Count("kode")).values_list("level", "n"))
    return {level.value: counts.get(level.value, 0) for level in Level}


def region_ancestors(*, kode: str) -> list[Region]:
    """All ancestors in one query, from the code prefix (no recursion)."""
    from konvergensi_core.kode import ancestors

    return list(Region.objects.filter(kode__in=ancestors(kode)).order_by("kode"))


def region_children(*, scope: Scope, kode: str | None) -> QuerySet[Region]:
    """The children of ``kode`` (provinces when None) that the scope may see."""
    qs = Region.objects.filter(parent_id=kode) if kode else Region.objects.filter(level=Level.PROVINSI)
    return scope_filter(qs, scope, "kode", purpose="region")


def kecamatan_with_desa(*, scope: Scope, kabkota_kode: str) -> list[Region]:
    """The district's kecamatan, each with ``.desa_list``, limited to the desa the scope sees."""
    desa = scope_filter(
        Region.objects.filter(level=Level.DESA, parent__parent_id=kabkota_kode),
        scope,
        "kode",
        purpose="region",
    ).select_related("parent")
    by_kecamatan: dict[str, Region] = {}
    for d in desa.order_by("kode"):
        kec = by_kecamatan.setdefault(d.parent_id, d.parent)
        kec.__dict__.setdefault("desa_list", []).append(d)
    return list(by_kecamatan.values())


def puskesmas_list(*, scope: Scope, kabkota_kode: str) -> QuerySet[Puskesmas]:
    qs = Puskesmas.objects.filter(kabkota_id=kabkota_kode).select_related("kecamatan")
    qs = scope_filter(qs, scope, "kabkota_id", purpose="district")
    return qs.prefetch_related(Prefetch("desa", queryset=Region.objects.order_by("kode")))


def opd_list(*, scope: Scope, kabkota_kode: str) -> QuerySet[OPD]:
    return scope_filter(OPD.objects.filter(kabkota_id=kabkota_kode), scope, "kabkota_id", purpose="district")


@cache
def _kecamatan_by_kabkota() -> dict[str, list[dict]]:
    """Every kecamatan boundary (data/batas/kecamatan.geojson), grouped by its kab/kota, read once."""
    import json

    from .services import DATA_DIR

    with (DATA_DIR / "batas" / "kecamatan.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    out: dict[str, list[dict]] = {}
    for f in features:
        out.setdefault(f["properties"]["kode_induk"], []).append(f)
    return out


def kecamatan_features(*, kabkota: str) -> list[dict]:
    """GeoJSON features (official code in ``properties.kode``) of the kecamatan of one district.

    Boundaries are public data: callers decide who sees what is drawn on them."""
    return _kecamatan_by_kabkota().get(kabkota, [])
