"""Assessments (``/penilaian``): the results (score, class, rank) of published rounds, through
``assessment.selectors`` (the nation all, a province its districts, a district's operator and OPD their
own once published — as the web)."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from konvergensi.accounts.scope import scope_filter

from ..base import Page, Tahun, prefix

assessments = Router(tags=["penilaian"])


class ResultOut(Schema):
    round: int
    round_nama: str
    provinsi: str
    tahun: int
    published: str
    kabkota: str
    score: float | None
    score_document: float | None
    score_panel: float | None
    kelas: str
    rank: int | None


class ResultFilter(Schema):
    kode: str | None = None
    tahun: Tahun | None = None


def _float(value) -> float | None:
    return float(value) if value is not None else None


@assessments.get("/", response=list[ResultOut], summary="Hasil penilaian kinerja yang sudah diterbitkan")
@paginate(Page)
def assessment_list(request, filters: Query[ResultFilter]):
    from konvergensi.assessment import selectors
    from konvergensi.assessment.models import RoundDistrict

    scope = request.scope
    qs = RoundDistrict.objects.filter(round__published__isnull=False).select_related("round")
    qs = prefix(
        scope_filter(qs, scope, "kabkota_id"), "kabkota_id", filters.kode[:5] if filters.kode else None
    )
    if filters.tahun:
        qs = qs.filter(round__tahun=filters.tahun)
    return [
        {
            "round": d.round_id,
            "round_nama": d.round.nama,
            "provinsi": d.round.provinsi_id,
            "tahun": d.round.tahun,
            "published": d.round.published.isoformat(),
            "kabkota": d.kabkota_id,
            "score": _float(d.score),
            "score_document": _float(d.score_document),
            "score_panel": _float(d.score_panel),
            "kelas": d.kelas,
            "rank": d.rank,
        }
        for d in qs.order_by("-round__tahun", "round__provinsi_id", "rank", "kabkota_id")
        if selectors.may_read_district(scope, d)
    ]
