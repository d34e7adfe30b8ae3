"""Aksi 1, situation analysis (``/ansit``): the analyses per district and year with their results per
unit, and the confirmed lokus list (``/ansit/lokus``) — through ``ansit.selectors``, which limit a reader
of part of the district to the units of their area (as the web's analysis page)."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ..base import Page, Tahun, districts

ansit = Router(tags=["ansit"])


class UnitResultOut(Schema):
    kode: str
    nama: str
    cases: float | None
    measured: float | None
    prevalence: float | None
    above_mean_prevalence: bool | None
    significant_prevalence: bool | None
    above_mean_cases: bool | None
    significant_cases: bool | None
    status: str  # both | either | above | below | none (significantly above on both measures, …)


class AnalysisOut(Schema):
    id: int
    kabkota: str
    tahun: int
    periode: str
    level: str
    input_source: str
    data_source: str
    indicator_set: str
    recommendation: str | None
    decision: str
    created_at: str
    restricted: bool  # the reader sees part of the district only
    units: list[UnitResultOut]


class YearFilter(Schema):
    kode: str | None = None
    tahun: Tahun | None = None


def _analysis_out(scope, analysis) -> dict:
    from konvergensi.ansit import selectors

    dist = selectors.distribution(scope=scope, analysis=analysis)
    return {
        "id": analysis.pk,
        "kabkota": analysis.kabkota_id,
        "tahun": analysis.tahun,
        "periode": analysis.periode,
        "level": analysis.level,
        "input_source": analysis.input_source,
        "data_source": analysis.data_source,
        "indicator_set": analysis.indicator_set,
        "recommendation": (analysis.summary or {}).get("recommendation"),
        "decision": analysis.decision,
        "created_at": analysis.created_at.isoformat(),
        "restricted": dist.restricted,
        "units": [
            {
                "kode": r.kode,
                "nama": r.nama,
                "cases": r.cases,
                "measured": r.measured,
                "prevalence": r.prevalence,
                "above_mean_prevalence": r.above_mean_prevalence,
                "significant_prevalence": r.significant_prevalence,
                "above_mean_cases": r.above_mean_cases,
                "significant_cases": r.significant_cases,
                "status": r.status,
            }
            for r in dist.rows
        ],
    }


@ansit.get("/", response=list[AnalysisOut], summary="Analisis sebaran stunting (Aksi 1) per kabupaten/kota")
@paginate(Page)
def analysis_list(request, filters: Query[YearFilter]):
    from konvergensi.ansit import selectors

    scope = request.scope
    out = []
    for kab in districts(scope, filters.kode):
        for analysis in selectors.analysis_list(scope=scope, kabkota=kab, tahun=filters.tahun):
            out.append(_analysis_out(scope, analysis))
    return out


class LokusDesaOut(Schema):
    kode: str
    nama: str
    rank: int
    prevalence: float | None
    cases: float | None
    alasan: list[str]  # prevalensi_di_atas_rata_rata, kasus_di_atas_rata_rata, cakupan_rendah


class LokusOut(Schema):
    kabkota: str
    tahun: int
    analysis: int
    confirmed_at: str
    desa: list[LokusDesaOut]


REASONS = (
    ("prevalence_above_mean", "prevalensi_di_atas_rata_rata"),
    ("cases_above_mean", "kasus_di_atas_rata_rata"),
    ("low_coverage_majority", "cakupan_rendah"),
)


@ansit.get(
    "/lokus", response=list[LokusOut], summary="Desa lokus yang dikonfirmasi per kabupaten/kota dan tahun"
)
@paginate(Page)
def lokus_list(request, filters: Query[YearFilter]):
    from konvergensi.ansit import selectors
    from konvergensi.ansit.models import LokusList, LokusStatus
    from konvergensi.wilayah.models import Region

    scope = request.scope
    out = []
    for kab in districts(scope, filters.kode):
        years = LokusList.objects.filter(kabkota_id=kab, status=LokusStatus.DIKONFIRMASI)
        if filters.tahun:
            years = years.filter(tahun=filters.tahun)
        for tahun in sorted(set(years.values_list("tahun", flat=True)), reverse=True):
            lokus = selectors.lokus_confirmed(kab, tahun, scope=scope)
            if lokus is None:
                continue
            entries = list(lokus.entries.order_by("rank"))
            if not selectors.sees_whole_kabkota(scope, kab):  # as the web's matrix: the reader's desa only
                visible = selectors.visible_desa_codes(scope=scope, kabkota=kab)
                entries = [e for e in entries if e.desa_id in visible]
            names = dict(
                Region.objects.filter(kode__in=[e.desa_id for e in entries]).values_list("kode", "nama")
            )
            out.append(
                {
                    "kabkota": kab,
                    "tahun": tahun,
                    "analysis": lokus.analysis_id,
                    "confirmed_at": lokus.confirmed_at.isoformat(),
                    "desa": [
                        {
                            "kode": e.desa_id,
                            "nama": names.get(e.desa_id, e.desa_id),
                            "rank": e.rank,
                            "prevalence": e.prevalence,
                            "cases": e.cases,
                            "alasan": [label for field, label in REASONS if getattr(e, field)],
                        }
                        for e in entries
                    ],
                }
            )
    return out
