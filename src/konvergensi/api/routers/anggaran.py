"""Budget lines (``/anggaran``) and the district's budget summary (``/anggaran/ringkasan``), through
``budget.selectors``, for the readers the web's budget pages allow (``BUDGET_KABKOTA``: the district's
operator and OPD, its province, the nation)."""

from typing import Any

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from konvergensi.accounts.permissions import Permission

from ..base import Page, Tahun, districts

budget = Router(tags=["anggaran"])


class BudgetLineOut(Schema):
    id: int
    kabkota: str
    tahun: int
    tahap: str
    code: str
    name: str
    opd: str
    source: str
    category: str
    pagu: int
    realisasi_tw1: int | None
    realisasi_tw2: int | None
    realisasi_tw3: int | None
    realisasi_tw4: int | None
    target_groups: list[str]
    indicators: list[str]
    locations: list[str]
    direct: bool


class BudgetFilter(Schema):
    kode: str | None = None
    tahun: Tahun | None = None
    tahap: str = "murni"


def _years(kabkota: str, tahun: int | None, tahap: str) -> list[int]:
    from konvergensi.budget.models import BudgetLine

    qs = BudgetLine.objects.filter(kabkota_id=kabkota, stage=tahap)
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    return sorted(set(qs.values_list("tahun", flat=True)), reverse=True)


@budget.get("/", response=list[BudgetLineOut], summary="Baris anggaran (sub kegiatan) per kabupaten/kota")
@paginate(Page)
def budget_line_list(request, filters: Query[BudgetFilter]):
    from konvergensi.budget import selectors

    scope = request.scope
    out = []
    for kab in districts(scope, filters.kode, Permission.BUDGET_KABKOTA):
        for tahun in _years(kab, filters.tahun, filters.tahap):
            for line in selectors.lines(scope=scope, kabkota=kab, tahun=tahun, stage=filters.tahap):
                out.append(
                    {
                        "id": line.pk,
                        "kabkota": line.kabkota_id,
                        "tahun": line.tahun,
                        "tahap": line.stage,
                        "code": line.code,
                        "name": line.name,
                        "opd": line.opd.singkatan,
                        "source": line.source,
                        "category": line.category,
                        "pagu": line.pagu,
                        "realisasi_tw1": line.realisasi_tw1,
                        "realisasi_tw2": line.realisasi_tw2,
                        "realisasi_tw3": line.realisasi_tw3,
                        "realisasi_tw4": line.realisasi_tw4,
                        "target_groups": [str(x) for x in line.target_groups or []],
                        "indicators": [str(x) for x in line.indicators or []],
                        "locations": [str(x) for x in line.locations or []],
                        "direct": line.direct,
                    }
                )
    return out


class BudgetSummaryOut(Schema):
    kabkota: str
    tahun: int
    tahap: str
    pagu: int
    realisasi: int
    absorption: float | None
    by_category: dict[str, dict[str, Any]]
    by_source: dict[str, dict[str, Any]]
    by_opd: dict[str, dict[str, Any]]
    by_target_group: dict[str, dict[str, Any]]
    direct_to_target: dict[str, Any]
    lokus: dict[str, Any]


@budget.get(
    "/ringkasan",
    response=list[BudgetSummaryOut],
    summary="Ringkasan anggaran per kabupaten/kota dan tahun (pagu, realisasi, serapan, per kategori …)",
)
@paginate(Page)
def budget_summary(request, filters: Query[BudgetFilter]):
    from konvergensi.budget import selectors

    scope = request.scope
    out = []
    for kab in districts(scope, filters.kode, Permission.BUDGET_KABKOTA):
        for tahun in _years(kab, filters.tahun, filters.tahap):
            data = selectors.summary(kab, tahun, filters.tahap)
            out.append(
                {
                    "kabkota": kab,
                    "tahun": tahun,
                    "tahap": filters.tahap,
                    **{k: data[k] for k in BudgetSummaryOut.model_fields if k in data},
                }
            )
    return out
