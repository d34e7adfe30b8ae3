"""Regions (``/wilayah``), OPD (``/opd``) and puskesmas (``/puskesmas``) of the token's scope."""

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from konvergensi.accounts.scope import scope_filter

from ..base import ErrorOut, Page, districts, in_prefix, prefix

regions = Router(tags=["wilayah"])


class EarlierCodeOut(Schema):
    edisi: str  # permendagri_58_2021 or kepmendagri_100.1.1-6117_2022
    kode: str


class RegionOut(Schema):
    kode: str
    nama: str
    level: str
    jenis: str
    parent: str | None
    lat: float | None
    lng: float | None
    kode_lama: list[EarlierCodeOut]  # the code crosswalk: this region's codes in older Kemendagri editions

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_kode_lama(obj) -> list[dict]:
        from konvergensi_core import crosswalk

        return [{"edisi": e, "kode": k} for e, k in crosswalk.load().earlier_codes(obj.kode)]


class RegionFilter(Schema):
    level: str | None = None
    parent: str | None = None
    kode: str | None = None


@regions.get("/", response=list[RegionOut], summary="Daftar wilayah dalam cakupan token")
@paginate(Page)
def region_list(request, filters: Query[RegionFilter]):
    from konvergensi.wilayah.models import Region

    qs = scope_filter(Region.objects.all(), request.scope, "kode", purpose="region")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    return prefix(qs, "kode", filters.kode).order_by("kode")


@regions.get("/{kode}", response={200: RegionOut, 404: ErrorOut}, summary="Satu wilayah")
def region_detail(request, kode: str):
    from konvergensi.wilayah.models import Region

    region = scope_filter(Region.objects.filter(kode=kode), request.scope, "kode", purpose="region").first()
    if region is None:
        raise Http404
    return region


# --- OPD --------------------------------------------------------------------------------------------

opd = Router(tags=["opd"])


class OpdOut(Schema):
    id: int
    kabkota: str
    singkatan: str
    nama: str

    @staticmethod
    def resolve_kabkota(obj) -> str:
        return obj.kabkota_id


class DistrictFilter(Schema):
    kode: str | None = None


@opd.get("/", response=list[OpdOut], summary="OPD (perangkat daerah) kabupaten/kota dalam cakupan token")
@paginate(Page)
def opd_list(request, filters: Query[DistrictFilter]):
    from konvergensi.wilayah.models import OPD

    # The web's district pages: every member of a district sees its OPD, the province its districts.
    qs = scope_filter(OPD.objects.all(), request.scope, "kabkota_id")
    qs = qs.filter(kabkota_id__in=districts(request.scope, filters.kode))
    return qs.order_by("kabkota_id", "singkatan")


# --- Puskesmas -----------------------------------------------------------------------------------------

puskesmas = Router(tags=["puskesmas"])


class PuskesmasOut(Schema):
    kode: str
    nama: str
    kabkota: str
    kecamatan: str
    desa: list[str]


@puskesmas.get("/", response=list[PuskesmasOut], summary="Puskesmas dan desa wilayah kerjanya")
@paginate(Page)
def puskesmas_list(request, filters: Query[DistrictFilter]):
    from konvergensi.wilayah.models import Puskesmas

    scope = request.scope
    qs = scope_filter(Puskesmas.objects.all(), scope, "kabkota_id")
    qs = qs.filter(kabkota_id__in=districts(scope, filters.kode)).prefetch_related("desa")
    out = []
    for p in qs.order_by("kabkota_id", "kecamatan_id", "nama"):
        if not (in_prefix(p.kecamatan_id, filters.kode) or in_prefix(filters.kode, p.kecamatan_id)):
            continue
        out.append(
            {
                "kode": p.kode,
                "nama": p.nama,
                "kabkota": p.kabkota_id,
                "kecamatan": p.kecamatan_id,
                "desa": sorted(d.kode for d in p.desa.all()),
            }
        )
    return out
