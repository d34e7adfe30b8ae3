"""What every resource of the REST API shares: token authentication, throttling, the API class with
ETags, pagination, the region-prefix filter, and the answer to a refused write.

Every endpoint reads ``request.scope``, built by :func:`konvergensi.accounts.scope.scope_for_user` for the
token's user — the same function the web uses — and limits its rows with
:func:`konvergensi.accounts.scope.scope_filter` and :func:`konvergensi.accounts.permissions.has_permission`
(or an app's ``selectors``, which use them).
"""

import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle
from pydantic import Field

from konvergensi import concurrency
from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import scope_filter, scope_for_user, subtree_filter

from . import tokens

DEFAULT_RATE = "600/min"

# A year filter or path part: bounded, so no query is made with a date the database cannot hold.
Tahun = Annotated[int, Field(ge=2000, le=2100)]


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kvg_…``. A bearer token is no cookie: django-ninja checks no CSRF token
    for it (only for cookie-based authentication), so a write needs none."""

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


NO_NUL = "^[^\\u0000]*$"  # any text without a NUL character


class KonvergensiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The view's name (``region_list``), the same as its URL name."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *args, **kwargs):
        """The schema, with every text parameter declared free of NUL characters: the site refuses them
        with 400 before any view (``accounts.middleware.RejectNulMiddleware``; PostgreSQL cannot hold them)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for param in operation.get("parameters", []) if isinstance(operation, dict) else []:
                    spec = param.get("schema", {})
                    for option in [spec, *spec.get("anyOf", [])]:
                        if (
                            option.get("type") == "string"
                            and "pattern" not in option
                            and "format" not in option
                        ):
                            option["pattern"] = NO_NUL
        return schema

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


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = 1
        page_size: int = 100

    def paginate_queryset(self, queryset, pagination: Input, **params):  # type: ignore[override]
        size = max(1, min(pagination.page_size, 500))
        page = max(1, min(pagination.page, 1_000_000))
        offset = (page - 1) * size
        return {"items": queryset[offset : offset + size], "count": self._items_count(queryset)}


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    """422: the service's Indonesian message, or the request's field errors (django-ninja's list)."""

    detail: str | list[dict[str, Any]]


def prefix(qs, field: str, kode: str | None):
    """Rows whose region code at ``field`` is ``kode`` or inside it (no ``kode``: every row)."""
    if not kode:
        return qs
    return subtree_filter(qs, field, kode)


def in_prefix(code: str | None, kode: str | None) -> bool:
    """``code`` is ``kode`` or inside it (no ``kode``: everything)."""
    from konvergensi_core import kode as kode_rules

    return not kode or (code is not None and kode_rules.contains(kode, code))


def districts(scope, kode: str | None = None, permission: Permission = Permission.VIEW_KABKOTA) -> list[str]:
    """The codes of the districts in ``scope`` (inside ``kode`` when given, or the district ``kode``
    lies in) for which ``scope`` holds ``permission`` — the web's per-district check."""
    from konvergensi.wilayah.models import Region

    qs = scope_filter(Region.objects.filter(level="kabkota"), scope, "kode")
    if kode:
        qs = qs.filter(Q(kode=kode[:5]) | Q(kode__startswith=kode + "."))
    return [
        k for k in qs.order_by("kode").values_list("kode", flat=True) if has_permission(scope, permission, k)
    ]


def refused(exc: Exception) -> tuple[int, dict]:
    """The answer to a write the service refused: 409 (someone else saved first), 403 (the role may
    not), 422 (the web's validation message, in Indonesian)."""
    if isinstance(exc, concurrency.Conflict):
        return 409, {"detail": str(exc)}
    if isinstance(exc, PermissionDenied):
        return 403, {"detail": str(exc) or _("Peran Anda tidak berwenang melakukan perubahan ini.")}
    if isinstance(exc, ValidationError):
        return 422, {"detail": " ".join(str(m) for m in exc.messages)}
    raise exc


def attempt(call: Callable[[], Any], *, locked: Callable[[], bool] = lambda: False) -> Status:
    """Run a write service: ``Status(200, its result)`` or the refusal's status and body. A validation error while
    the approval lock (``aksi.locks``) holds the data answers 409, like any state the writer cannot
    change by fixing the request."""
    try:
        return Status(200, call())
    except (concurrency.Conflict, PermissionDenied, ValidationError) as exc:
        status, body = refused(exc)
        if status == 422 and locked():
            status = 409
        return Status(status, body)


def install_handlers(api: NinjaAPI) -> None:
    """A refusal a service raises outside :func:`attempt` is a 403/422, never a server error."""

    def handler(request, exc):
        status, body = refused(exc)
        return api.create_response(request, body, status=status)

    api.add_exception_handler(PermissionDenied, handler)
    api.add_exception_handler(ValidationError, handler)
