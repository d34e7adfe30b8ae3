"""Coverage values per desa (``/cakupan``): read, and write one cell through the web grid's service."""

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import scope_filter

from ..base import ErrorOut, InvalidOut, Page, attempt, districts, prefix

coverage = Router(tags=["cakupan"])


class ValueOut(Schema):
    indikator: str
    desa: str
    kabkota: str
    periode: str
    numerator: int
    denominator: int | None
    status: str
    updated_at: str

    @staticmethod
    def resolve_indikator(obj) -> str:
        return obj.indicator.kode

    @staticmethod
    def resolve_desa(obj) -> str:
        return obj.desa_id

    @staticmethod
    def resolve_kabkota(obj) -> str:
        return obj.kabkota_id

    @staticmethod
    def resolve_updated_at(obj) -> str:
        return obj.updated_at.isoformat()


class ValueFilter(Schema):
    kode: str | None = None
    periode: str | None = None
    tahun: int | None = None
    indikator: str | None = None


@coverage.get("/", response=list[ValueOut], summary="Angka cakupan indikator per desa")
@paginate(Page)
def value_list(request, filters: Query[ValueFilter]):
    from konvergensi.indicators.models import DataValue

    scope = request.scope
    qs = scope_filter(DataValue.objects.select_related("indicator"), scope, "desa_id", purpose="region")
    # The same check as the web's district pages, per district in the result.
    if not scope.is_national:
        qs = qs.filter(kabkota_id__in=districts(scope))
    # The desa's code range alone: with the 514 districts' values, adding the same rows' district
    # (kabkota_id = …) made PostgreSQL multiply the two selectivities as if independent, expect 2 rows
    # instead of 112,178 and join them to the indicators by a nested loop: 0.9 s for Kabupaten Aceh
    # Utara's first page, 1 ms without it (bench/README.md, "The whole country at small").
    qs = prefix(qs, "desa_id", filters.kode)
    if filters.periode:
        qs = qs.filter(periode=filters.periode)
    if filters.tahun:
        year = str(filters.tahun)  # a year's periods, as the table's check allows them
        qs = qs.filter(periode__in=[year, f"{year}-S1", f"{year}-S2"])
    if filters.indikator:
        qs = qs.filter(indicator__kode=filters.indikator)
    return qs.order_by("desa_id", "indicator__urutan", "indicator__kode", "periode")


class ValueIn(Schema):
    """One cell, as the entry grid saves it: both numbers empty deletes the value."""

    numerator: int | None = None
    denominator: int | None = None
    version: int = 0  # the version read (0 for an empty cell): someone else's save in between is a 409


class ValueWriteOut(Schema):
    indikator: str
    desa: str
    periode: str
    numerator: int | None
    denominator: int | None
    status: str | None
    version: int


@coverage.put(
    "/{desa}/{periode}/{indikator}",
    response={200: ValueWriteOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut},
    summary="Simpan angka cakupan satu indikator satu desa (seperti grid isian)",
)
def value_put(request, desa: str, periode: str, indikator: str, data: ValueIn):
    from konvergensi.aksi import locks
    from konvergensi.indicators import services
    from konvergensi.indicators.models import Indicator
    from konvergensi.wilayah.models import Region

    scope = request.scope
    region = Region.objects.filter(kode=desa, level="desa").first()
    indicator = Indicator.objects.filter(kode=indikator).first()
    # As the web grid: a desa outside the reader's area or district does not exist for them.
    if (
        region is None
        or indicator is None
        or not scope.covers(region.kode, "region")
        or not has_permission(scope, Permission.VIEW_KABKOTA, region.kode[:5])
    ):
        raise Http404
    answer = attempt(
        lambda: services.value_set(
            scope=scope,
            indicator=indicator,
            desa=region,
            periode=periode,
            numerator=data.numerator,
            denominator=data.denominator,
            expected_version=data.version,
            by=request.user,
            source="api",
        ),
        locked=lambda: periode[:4].isdigit() and locks.is_locked(region.kode[:5], int(periode[:4]), 1),
    )
    if answer.status_code != 200:
        return answer
    result = answer.value
    return {
        "indikator": indicator.kode,
        "desa": region.kode,
        "periode": periode,
        "numerator": result.numerator if result else None,
        "denominator": result.denominator if result else None,
        "status": result.status if result else None,
        "version": result.version if result else 0,
    }
