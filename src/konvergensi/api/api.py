"""The REST API at ``/api/v1/`` (django-ninja): token auth, the web's scope and permission check, ETags.

Every endpoint reads ``request.scope``, built by :func:`konvergensi.accounts.scope.scope_for_user` for the
token's user — the same function the web uses — and limits its rows with
:func:`konvergensi.accounts.scope.scope_filter` and :func:`konvergensi.accounts.permissions.has_permission`.
There is no session or CSRF authentication: a request without a valid ``Bearer kvg_…`` token gets 401.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from ninja import NinjaAPI, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import scope_filter, scope_for_user

from . import tokens

DEFAULT_RATE = "600/min"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = tokens.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.scope = scope_for_user(found.user)  # type: ignore[attr-defined]
        if not request.scope.is_active:  # type: ignore[attr-defined]
            return None
        return found


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (``KONVERGENSI_API_RATE``, e.g. ``600/min``)."""

    scope = "api_token"

    def get_rate(self) -> str | None:
        return getattr(settings, "KONVERGENSI_API_RATE", DEFAULT_RATE) or None

    def allow_request(self, request: HttpRequest) -> bool:
        # The setting is read per request, so a changed rate applies without a restart of the API object.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        ident = f"t{auth.pk}" if auth is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class KonvergensiAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if request.method == "GET" and response.status_code == 200:
            response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
            response["Cache-Control"] = "private, no-cache"
            response["Vary"] = "Authorization"
            conditional = get_conditional_response(request, etag=response["ETag"], response=response)
            if conditional is not response:
                return conditional
        return response


api = KonvergensiAPI(
    title="Konvergensi API",
    version="1",
    description="Data Konvergensi (8 Aksi Konvergensi percepatan penurunan stunting) untuk sistem lain. "
    "Autentikasi: header `Authorization: Bearer kvg_…` (token pribadi dari halaman Keamanan akun).",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
)


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = 1
        page_size: int = 100

    def paginate_queryset(self, queryset, pagination: Input, **params):  # type: ignore[override]
        size = max(1, min(pagination.page_size, 500))
        page = max(1, min(pagination.page, 1_000_000))
        offset = (page - 1) * size
        return {"items": queryset[offset : offset + size], "count": self._items_count(queryset)}


def _prefix(qs, field: str, kode: str | None):
    """Rows whose region code at ``field`` is ``kode`` or inside it."""
    if not kode:
        return qs
    if field.endswith("_id"):  # pattern lookups on a foreign key's column: "fk__pk" reads the same column
        field = field[:-3] + "__pk"
    from django.db.models import Q

    return qs.filter(Q(**{field: kode}) | Q(**{f"{field}__startswith": kode + "."}))


# --- Regions ---------------------------------------------------------------------------------------

regions = Router(tags=["wilayah"])


class RegionOut(Schema):
    kode: str
    nama: str
    level: str
    jenis: str
    parent: str | None
    lat: float | None
    lng: float | None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_id


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
    return _prefix(qs, "kode", filters.kode).order_by("kode")


class ErrorOut(Schema):
    detail: str


@regions.get("/{kode}", response={200: RegionOut, 404: ErrorOut}, summary="Satu wilayah")
def region_detail(request, kode: str):
    from konvergensi.wilayah.models import Region

    region = scope_filter(Region.objects.filter(kode=kode), request.scope, "kode", purpose="region").first()
    if region is None:
        raise Http404
    return region


# --- Indicator catalogue ---------------------------------------------------------------------------

indicators = Router(tags=["indikator"])


class IndicatorOut(Schema):
    kode: str
    set: str
    nama: str
    nama_en: str
    definisi: str
    numerator: str
    denominator: str
    kelompok: str
    kelompok_label: str
    satuan: str
    target_nasional: float | None
    jenis_intervensi: str


@indicators.get("/", response=list[IndicatorOut], summary="Katalog indikator")
@paginate(Page)
def indicator_list(request, set: str | None = None):
    from konvergensi.indicators.models import Indicator

    qs = Indicator.objects.all()
    if set:
        qs = qs.filter(set=set)
    return qs.order_by("urutan", "kode")


# --- Coverage values -------------------------------------------------------------------------------

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
        allowed = [k for k in _districts(scope) if has_permission(scope, Permission.VIEW_KABKOTA, k)]
        qs = qs.filter(kabkota_id__in=allowed)
    qs = _prefix(qs, "desa_id", filters.kode)
    if filters.periode:
        qs = qs.filter(periode=filters.periode)
    if filters.tahun:
        qs = qs.filter(periode__startswith=str(filters.tahun))
    if filters.indikator:
        qs = qs.filter(indicator__kode=filters.indikator)
    return qs.order_by("desa_id", "indicator__urutan", "indicator__kode", "periode")


def _districts(scope) -> list[str]:
    from konvergensi.wilayah.models import Region

    return list(
        scope_filter(Region.objects.filter(level="kabkota"), scope, "kode").values_list("kode", flat=True)
    )


# --- Aksi cycle status -----------------------------------------------------------------------------

aksi = Router(tags=["aksi"])


class AksiOut(Schema):
    nomor: int
    nama: str
    status: str
    due_date: str | None
    opd: str | None


class SiklusOut(Schema):
    kabkota: str
    tahun: int
    aksi: list[AksiOut]


class SiklusFilter(Schema):
    kode: str | None = None
    tahun: int | None = None


def _siklus_out(s) -> dict:
    return {
        "kabkota": s.kabkota_id,
        "tahun": s.tahun,
        "aksi": [
            {
                "nomor": a.nomor,
                "nama": a.nama,
                "status": a.status,
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "opd": a.opd.singkatan if a.opd_id else None,
            }
            for a in s.aksi_set.all()
        ],
    }


@aksi.get("/", response=list[SiklusOut], summary="Status 8 aksi per kabupaten/kota dan tahun")
@paginate(Page)
def siklus_list(request, filters: Query[SiklusFilter]):
    from django.db.models import Prefetch

    from konvergensi.aksi.models import Aksi, Siklus

    scope = request.scope
    qs = scope_filter(Siklus.objects.all(), scope, "kabkota_id")
    qs = _prefix(qs, "kabkota_id", filters.kode)
    if filters.tahun:
        qs = qs.filter(tahun=filters.tahun)
    qs = qs.prefetch_related(
        Prefetch("aksi_set", queryset=Aksi.objects.select_related("opd").order_by("nomor"))
    )
    return [
        _siklus_out(s)
        for s in qs.order_by("kabkota_id", "-tahun")
        if has_permission(scope, Permission.VIEW_KABKOTA, s.kabkota_id)
    ]


# --- Published figures (the picture) -----------------------------------------------------------------

figures = Router(tags=["angka"])


class FigureOut(Schema):
    kode: str
    level: str
    parent: str
    key: str
    periode: str
    tahun: int
    numerator: int | None
    denominator: int | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    suppressed: bool
    source: str


class FigureFilter(Schema):
    kode: str | None = None
    parent: str | None = None
    key: str | None = None
    periode: str | None = None
    tahun: int | None = None


def _figure_out(r) -> dict:
    hidden = r.suppressed
    return {
        "kode": r.kode,
        "level": r.level,
        "parent": r.parent,
        "key": r.key,
        "periode": r.periode,
        "tahun": r.tahun,
        "numerator": None if hidden else r.numerator,
        "denominator": None if hidden else r.denominator,
        "value": None if hidden else r.value,
        "ci_low": None if hidden else r.ci_low,
        "ci_high": None if hidden else r.ci_high,
        "n": None if hidden else r.n,
        "suppressed": hidden,
        "source": r.source,
    }


@figures.get("/", response=list[FigureOut], summary="Angka wilayah (gambaran): prevalensi, cakupan, anggaran")
@paginate(Page)
def figure_list(request, filters: Query[FigureFilter]):
    from konvergensi.picture import selectors as picture
    from konvergensi.picture.models import RegionFigure

    scope = request.scope
    top = picture.area(scope)
    if top is None:
        return []
    qs = RegionFigure.objects.all()
    if top:  # not the nation: the reader's subtree only (the web's may_view / child_visible)
        qs = _prefix(qs, "kode", top)
    qs = _prefix(qs, "kode", filters.kode)
    if filters.parent is not None:
        qs = qs.filter(parent=filters.parent)
    if filters.key:
        qs = qs.filter(key=filters.key)
    if filters.periode:
        qs = qs.filter(periode=filters.periode)
    if filters.tahun:
        qs = qs.filter(tahun=filters.tahun)
    rows = qs.order_by("kode", "key", "periode")
    return [
        _figure_out(r)
        for r in rows
        if picture.child_visible(scope, r.kode) and picture.may_view(scope, r.kode)
    ]


api.add_router("/wilayah", regions)
api.add_router("/indikator", indicators)
api.add_router("/cakupan", coverage)
api.add_router("/aksi", aksi)
api.add_router("/angka", figures)
