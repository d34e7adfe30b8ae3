"""Aksi 2 plans (``/rencana``): each plan version with the rows the reader sees (``plans.selectors``:
every row for the district's operator, OPD, province and nation; the rows reaching their area for the
others, as the web's plan page)."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ..base import Page, Tahun, districts

plans = Router(tags=["rencana"])


class PlanRowOut(Schema):
    no: str
    group: int
    code: str
    activity: str
    indicator_code: str
    indicator: str
    baseline: str
    target: str
    unit: str
    locations: list[str]
    budget: int | None
    source: str
    opd: str | None
    schedule: str
    row_class: str


class PlanOut(Schema):
    id: int
    kabkota: str
    tahun: int
    versi: int
    stage: str
    terbaru: bool
    created_at: str
    rows: list[PlanRowOut]


class PlanFilter(Schema):
    kode: str | None = None
    tahun: Tahun | None = None


def _plan_out(scope, plan) -> dict:
    from konvergensi.plans import selectors

    rows = selectors.rows_of(plan)
    numbers = selectors.numbering(rows)
    return {
        "id": plan.pk,
        "kabkota": plan.kabkota_id,
        "tahun": plan.tahun,
        "versi": plan.number,
        "stage": plan.stage,
        "terbaru": selectors.is_latest(plan),
        "created_at": plan.created_at.isoformat(),
        "rows": [
            {
                "no": numbers.get(r.pk, ""),
                "group": r.group,
                "code": r.code,
                "activity": r.activity,
                "indicator_code": r.indicator_code,
                "indicator": r.indicator,
                "baseline": r.baseline,
                "target": r.target,
                "unit": r.unit,
                "locations": [str(x) for x in r.locations or []],
                "budget": r.budget,
                "source": r.source,
                "opd": r.opd.singkatan if r.opd_id else None,
                "schedule": r.schedule,
                "row_class": r.row_class,
            }
            for r in selectors.visible_rows(scope=scope, plan=plan, rows=rows)
        ],
    }


@plans.get("/", response=list[PlanOut], summary="Rencana kegiatan (Aksi 2) per kabupaten/kota dan tahun")
@paginate(Page)
def plan_list(request, filters: Query[PlanFilter]):
    from konvergensi.plans import selectors

    scope = request.scope
    return [
        _plan_out(scope, plan)
        for kab in districts(scope, filters.kode)
        for plan in selectors.plan_list(scope=scope, kabkota=kab, tahun=filters.tahun)
    ]
