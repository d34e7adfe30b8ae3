"""Measurement rounds (``/pengukuran``) and their aggregates (``/pengukuran/{id}/agregat``).

Never a child row: only counts and rates per unit (district, kecamatan, desa), suppressed.

* A published round: its current publication's frozen snapshot (``publication.selectors``, as the
  DHIS2/FHIR exports read it) — the suppressed figures the public pages show.
* A round not published yet (a reader of the district, as the web's round page): the aggregates of the
  measurements the reader sees (``measurements.selectors.round_frame`` with their scope), passed through
  the same small-cell suppression as a publication (``konvergensi_core.suppression.suppress`` with the
  round's ``min_cell``): a unit with fewer children measured shows nothing, 1–4 cases show nothing.
"""

import math

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from konvergensi.accounts.scope import scope_filter

from ..base import ErrorOut, Page, Tahun, districts, prefix

rounds = Router(tags=["pengukuran"])

COUNTS = ("measured", "stunted", "severely_stunted", "wasted", "underweight", "overweight")
RATES = ("stunted", "severely_stunted", "wasted", "underweight", "overweight")


class RoundOut(Schema):
    id: int
    kabkota: str
    nama: str
    tanggal_mulai: str
    tanggal_selesai: str
    tahun: int
    status: str
    min_cell: int
    dipublikasikan: bool
    measured: int | None  # children measured in the whole district (for a reader who sees all of it)


class RoundFilter(Schema):
    kode: str | None = None
    tahun: Tahun | None = None
    status: str | None = None


def _round_out(rnd, totals: dict | None, whole: bool) -> dict:
    from konvergensi.measurements.models import RoundStatus

    return {
        "id": rnd.pk,
        "kabkota": rnd.kabkota_id,
        "nama": rnd.nama,
        "tanggal_mulai": rnd.tanggal_mulai.isoformat(),
        "tanggal_selesai": rnd.tanggal_selesai.isoformat(),
        "tahun": rnd.tahun,
        "status": rnd.status,
        "min_cell": rnd.min_cell,
        "dipublikasikan": rnd.status == RoundStatus.DIPUBLIKASIKAN,
        "measured": (totals or {}).get("measured", 0) if whole else None,
    }


def _sees_whole(scope, kabkota: str) -> bool:
    return scope.covers(kabkota, "region")


@rounds.get("/", response=list[RoundOut], summary="Putaran pengukuran per kabupaten/kota")
@paginate(Page)
def round_list(request, filters: Query[RoundFilter]):
    from konvergensi.measurements import selectors
    from konvergensi.measurements.models import MeasurementRound

    scope = request.scope
    qs = scope_filter(MeasurementRound.objects.all(), scope, "kabkota_id")
    qs = qs.filter(kabkota_id__in=districts(scope))
    qs = prefix(qs, "kabkota_id", filters.kode[:5] if filters.kode else None)
    if filters.tahun:
        qs = qs.filter(tanggal_mulai__year=filters.tahun)
    if filters.status:
        qs = qs.filter(status=filters.status)
    found = list(qs.order_by("kabkota_id", "-tanggal_mulai", "-pk"))
    totals = selectors.round_totals([r.pk for r in found]) if found else {}
    return [_round_out(r, totals.get(r.pk), _sees_whole(scope, r.kabkota_id)) for r in found]


class UnitOut(Schema):
    kode: str
    nama: str
    level: str
    parent: str | None
    hidden: bool
    measured: int | None
    stunted: int | None
    severely_stunted: int | None
    wasted: int | None
    underweight: int | None
    overweight: int | None
    stunted_prevalence: float | None
    stunted_ci_low: float | None
    stunted_ci_high: float | None
    stunted_n: int | None
    severely_stunted_prevalence: float | None
    severely_stunted_ci_low: float | None
    severely_stunted_ci_high: float | None
    severely_stunted_n: int | None
    wasted_prevalence: float | None
    wasted_ci_low: float | None
    wasted_ci_high: float | None
    wasted_n: int | None
    underweight_prevalence: float | None
    underweight_ci_low: float | None
    underweight_ci_high: float | None
    underweight_n: int | None
    overweight_prevalence: float | None
    overweight_ci_low: float | None
    overweight_ci_high: float | None
    overweight_n: int | None


class AggregateOut(Schema):
    round: RoundOut
    sumber: str  # "publikasi": the published snapshot; "putaran": the round's data, suppressed alike
    published_at: str | None
    units: list[UnitOut]


def _number(value, kind=float):
    if value is None:
        return None
    value = kind(value)
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _unit(r: dict, names: dict[str, str]) -> dict:
    """One unit, from a snapshot row or a suppressed table row (the same keys)."""
    out = {
        "kode": r["kode"],
        "nama": r.get("nama") or names.get(r["kode"], r["kode"]),
        "level": r["level"],
        "parent": r.get("parent"),
        "hidden": bool(r.get("hidden", r.get("suppressed_measured"))),
    }
    for m in COUNTS:
        out[m] = _number(r.get(m), int)
    for m in RATES:
        out[f"{m}_prevalence"] = _number(r.get(f"{m}_prevalence"))
        out[f"{m}_ci_low"] = _number(r.get(f"{m}_ci_low"))
        out[f"{m}_ci_high"] = _number(r.get(f"{m}_ci_high"))
        out[f"{m}_n"] = _number(r.get(f"{m}_n"), int)
    return out


def _published_units(pub) -> list[dict]:
    data = pub.data or {}
    rows = [data.get("district") or {}, *(data.get("kecamatan") or []), *(data.get("desa") or [])]
    return [_unit(r, {}) for r in rows if r.get("kode")]


def _round_units(scope, rnd) -> list[dict]:
    from konvergensi.measurements import selectors
    from konvergensi.wilayah.models import Region
    from konvergensi_core.aggregates import hierarchy_table
    from konvergensi_core.suppression import suppress

    frame = selectors.round_frame(round_id=rnd.pk, scope=scope)
    if not frame.height:
        return []
    table = suppress(hierarchy_table(frame), min_n=rnd.min_cell)
    kab = rnd.kabkota_id
    names = dict(Region.objects.filter(kode__startswith=kab + ".").values_list("kode", "nama"))
    names[kab] = rnd.kabkota.nama
    # A reader of part of the district gets the units inside their area only (not a "district" total
    # that would be theirs under the district's name).
    return [
        _unit(r, names)
        for r in table.iter_rows(named=True)
        if r["kode"] and scope.covers(r["kode"], "region")
    ]


@rounds.get(
    "/{round_id}/agregat",
    response={200: AggregateOut, 404: ErrorOut},
    summary="Agregat satu putaran (tersupresi; tanpa data anak)",
)
def round_aggregate(request, round_id: int):
    from konvergensi.measurements import selectors
    from konvergensi.measurements.models import RoundStatus
    from konvergensi.publication.selectors import publication_current_for_round

    scope = request.scope
    rnd = selectors.round_get(scope=scope, pk=round_id) if 0 < round_id < 2**63 else None
    if rnd is None:  # another district's round, or none: not found (round_get: the web's VIEW_KABKOTA)
        raise Http404
    whole = _sees_whole(scope, rnd.kabkota_id)
    totals = selectors.round_totals([rnd.pk]).get(rnd.pk) if whole else None
    pub = publication_current_for_round(rnd) if rnd.status == RoundStatus.DIPUBLIKASIKAN else None
    if pub is not None:
        units, source, at = _published_units(pub), "publikasi", pub.published_at.isoformat()
    else:
        units, source, at = _round_units(scope, rnd), "putaran", None
    return {
        "round": _round_out(rnd, totals, whole),
        "sumber": source,
        "published_at": at,
        "units": units,
    }
