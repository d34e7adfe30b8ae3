"""The eight aksi's status per district and year (``/aksi``), and a status transition through the aksi
app's own service (``POST /aksi/{kabkota}/{tahun}/{nomor}/transisi``)."""

from typing import Annotated, Literal

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import scope_filter

from ..base import ErrorOut, InvalidOut, Page, Tahun, attempt, districts, prefix

aksi = Router(tags=["aksi"])


class AksiOut(Schema):
    nomor: int
    nama: str
    status: str
    due_date: str | None
    opd: str | None
    version: int


class SiklusOut(Schema):
    kabkota: str
    tahun: int
    aksi: list[AksiOut]


class SiklusFilter(Schema):
    kode: str | None = None
    tahun: int | None = None


def _aksi_out(a) -> dict:
    return {
        "nomor": a.nomor,
        "nama": a.nama,
        "status": a.status,
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "opd": a.opd.singkatan if a.opd_id else None,
        "version": a.version,
    }


@aksi.get("/", response=list[SiklusOut], summary="Status 8 aksi per kabupaten/kota dan tahun")
@paginate(Page)
def siklus_list(request, filters: Query[SiklusFilter]):

    from konvergensi.aksi.models import Siklus

    scope = request.scope
    qs = scope_filter(Siklus.objects.all(), scope, "kabkota_id")
    qs = prefix(qs, "kabkota_id", filters.kode)
    if filters.tahun:
        qs = qs.filter(tahun=filters.tahun)
    if not scope.is_national:  # the web's per-district check, as a filter (a national user sees all)
        qs = qs.filter(kabkota_id__in=districts(scope))
    return _CyclePage(qs.order_by("kabkota_id", "-tahun"))


class _CyclePage:
    """The cycles of ``qs`` read one page at a time, as plain rows: the page's cycles, then their aksi
    in one query. Building every cycle of the nation with its eight aksi for each page of 100 cost
    160–200 ms of CPU a request with 514 districts; the page's ~900 model instances 43 ms more
    (bench/README.md, "Fifty users on the whole country")."""

    def __init__(self, qs) -> None:
        self._qs = qs

    def all(self):  # the paginator counts through it (``queryset.all().count()``)
        return self._qs

    def __getitem__(self, page: slice) -> list[dict]:
        from collections import defaultdict

        from konvergensi.aksi.models import Aksi
        from konvergensi_core.aksi import AKSI_BY_NOMOR

        cycles = list(self._qs[page].values_list("pk", "kabkota_id", "tahun"))
        aksi: dict[int, list[dict]] = defaultdict(list)
        rows = (
            Aksi.objects.filter(siklus_id__in=[c[0] for c in cycles])
            .order_by("nomor")
            .values_list("siklus_id", "nomor", "status", "due_date", "opd__singkatan", "version")
        )
        for siklus, nomor, status, due, opd, version in rows:
            aksi[siklus].append({"nomor": nomor, "nama": AKSI_BY_NOMOR[nomor].nama, "status": status,
                                 "due_date": due.isoformat() if due else None, "opd": opd, "version": version})  # fmt: skip
        return [{"kabkota": kabkota, "tahun": tahun, "aksi": aksi[pk]} for pk, kabkota, tahun in cycles]


Nomor = Annotated[int, Field(ge=1, le=8)]


class TransitionIn(Schema):
    """``start``/``submit`` (the district's operator), ``verify``/``request_revision``/``reopen`` (its
    province; the last two need ``reason``). ``version``: the aksi's version read."""

    move: Literal["start", "submit", "verify", "request_revision", "reopen"]
    version: int
    reason: str = ""


@aksi.post(
    "/{kabkota}/{tahun}/{nomor}/transisi",
    response={200: AksiOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut},
    summary="Ubah status satu aksi (ajukan, verifikasi, kembalikan …) dengan aturan yang sama dengan web",
)
def aksi_transition(request, kabkota: str, tahun: Tahun, nomor: Nomor, data: TransitionIn):
    from konvergensi.aksi import selectors, services
    from konvergensi_core import aksi as rules

    scope = request.scope
    siklus = selectors.siklus_get(scope=scope, kabkota_kode=kabkota, tahun=tahun)
    if siklus is None or not has_permission(scope, Permission.VIEW_KABKOTA, siklus.kabkota_id):
        raise Http404
    target = siklus.aksi_set.select_related("opd", "siklus").filter(nomor=nomor).first()
    if target is None:
        raise Http404
    move = rules.Move(data.move)

    def not_allowed_now() -> bool:  # the status does not allow this move: a conflict, not bad input
        target.refresh_from_db()
        try:
            rules.next_status(rules.Status(target.status), move)
        except rules.TransitionError:
            return True
        return False

    answer = attempt(
        lambda: services.aksi_move(
            scope=scope,
            aksi=target,
            move=move,
            expected_version=data.version,
            reason=data.reason,
            by=request.user,
        ),
        locked=not_allowed_now,
    )
    if answer.status_code != 200:
        return answer
    target.refresh_from_db()
    return _aksi_out(target)
