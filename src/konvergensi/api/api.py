"""The REST API at ``/api/v1/`` (django-ninja): token auth, the web's scope and permission check, ETags.

Every endpoint reads ``request.scope``, built by :func:`konvergensi.accounts.scope.scope_for_user` for the
token's user — the same function the web uses — and limits its rows with
:func:`konvergensi.accounts.scope.scope_filter` and :func:`konvergensi.accounts.permissions.has_permission`
(or an app's ``selectors``). There is no session or CSRF authentication: a request without a valid
``Bearer kvg_…`` token gets 401. Writes call the web's own service functions (same validation, approval
lock, audit). The shared pieces are in :mod:`.base`, one router per resource in :mod:`.routers`.
"""

from .base import (  # noqa: F401  (re-exported: older imports of konvergensi.api.api)
    DEFAULT_RATE,
    ErrorOut,
    KonvergensiAPI,
    Page,
    TokenAuth,
    TokenRateThrottle,
    install_handlers,
)
from .base import prefix as _prefix  # noqa: F401
from .routers.aksi import aksi
from .routers.anggaran import budget
from .routers.angka import figures
from .routers.ansit import ansit
from .routers.cakupan import coverage
from .routers.indikator import indicators
from .routers.pengukuran import rounds
from .routers.penilaian import assessments
from .routers.rencana import plans
from .routers.sasaran import sasaran
from .routers.wilayah import opd, puskesmas, regions

api = KonvergensiAPI(
    title="Konvergensi API",
    version="1",
    description="Data Konvergensi (8 Aksi Konvergensi percepatan penurunan stunting) untuk sistem lain. "
    "Autentikasi: header `Authorization: Bearer kvg_…` (token pribadi dari halaman Keamanan akun).",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
)
install_handlers(api)

api.add_router("/wilayah", regions)
api.add_router("/opd", opd)
api.add_router("/puskesmas", puskesmas)
api.add_router("/indikator", indicators)
api.add_router("/cakupan", coverage)
api.add_router("/sasaran", sasaran)
api.add_router("/aksi", aksi)
api.add_router("/angka", figures)
api.add_router("/pengukuran", rounds)
api.add_router("/ansit", ansit)
api.add_router("/rencana", plans)
api.add_router("/anggaran", budget)
api.add_router("/penilaian", assessments)
