"""Data sasaran per desa and year (``/sasaran``): read, and write one desa's counts through the web
form's service (``indicators.services.sasaran_save``: the same validation, approval lock and audit)."""

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import create_model

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import scope_filter
from konvergensi.indicators.models import SASARAN_FIELDS

from ..base import ErrorOut, InvalidOut, Page, Tahun, attempt, districts, prefix

sasaran = Router(tags=["sasaran"])

_COUNTS = dict.fromkeys(SASARAN_FIELDS, (int | None, None))

# The counts of a desa (konvergensi_core.sasaran's fields, in the form's order), each empty or a number.
SasaranCounts = create_model("SasaranCounts", __base__=Schema, **_COUNTS)  # type: ignore[call-overload]


class SasaranOut(SasaranCounts):  # type: ignore[valid-type,misc]
    desa: str
    kabkota: str
    tahun: int
    status: str
    version: int
    updated_at: str


class SasaranIn(SasaranCounts):  # type: ignore[valid-type,misc]
    """Every count of the desa, as the web form sends them (one left out is saved empty), and the
    ``version`` read (0 for a desa without data sasaran yet): someone else's save in between is a 409."""

    version: int


class SasaranFilter(Schema):
    kode: str | None = None
    tahun: Tahun | None = None
    status: str | None = None


def _out(row) -> dict:
    return {
        "desa": row.desa_id,
        "kabkota": row.desa_id[:5],
        "tahun": row.tahun,
        "status": row.status,
        "version": row.version,
        "updated_at": row.updated_at.isoformat(),
        **{f: getattr(row, f) for f in SASARAN_FIELDS},
    }


@sasaran.get("/", response=list[SasaranOut], summary="Data sasaran per desa dan tahun")
@paginate(Page)
def sasaran_list(request, filters: Query[SasaranFilter]):
    from konvergensi.indicators.models import DataSasaran

    scope = request.scope
    # The web's data sasaran page: the desa the reader sees (scope_filter "region") of the districts
    # they may open.
    qs = scope_filter(DataSasaran.objects.all(), scope, "desa_id", purpose="region")
    allowed = districts(scope)
    qs = qs.filter(desa__parent__parent_id__in=allowed)
    qs = prefix(qs, "desa_id", filters.kode)
    if filters.tahun:
        qs = qs.filter(tahun=filters.tahun)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [_out(r) for r in qs.order_by("desa_id", "-tahun")]


@sasaran.put(
    "/{desa}/{tahun}",
    response={200: SasaranOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut},
    summary="Simpan data sasaran satu desa untuk satu tahun (seperti formulir data sasaran)",
)
def sasaran_put(request, desa: str, tahun: Tahun, data: SasaranIn):
    from konvergensi.aksi import locks
    from konvergensi.indicators import services
    from konvergensi.indicators.models import DataSasaran
    from konvergensi.wilayah.models import Region

    scope = request.scope
    region = Region.objects.filter(kode=desa, level="desa").first()
    if (
        region is None
        or not scope.covers(region.kode, "region")
        or not has_permission(scope, Permission.VIEW_KABKOTA, region.kode[:5])
    ):
        raise Http404
    values = {f: getattr(data, f) for f in SASARAN_FIELDS}

    def locked() -> bool:  # the approval lock of Aksi 1, or the camat's verification of this desa
        row = DataSasaran.objects.filter(desa=region, tahun=tahun).first()
        return locks.is_locked(region.kode[:5], tahun, 1) or (row is not None and row.locked)

    return attempt(
        lambda: _out(
            services.sasaran_save(
                scope=scope,
                desa=region,
                tahun=tahun,
                values=values,
                expected_version=data.version,
                by=request.user,
            )
        ),
        locked=locked,
    )
