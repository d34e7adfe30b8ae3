"""Reads of the budget lines, within the reader's scope, and their figures by the core's rules."""

from __future__ import annotations

from collections.abc import Collection
from itertools import groupby

from django.db.models import QuerySet

from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.wilayah.models import Region
from konvergensi_core import budget as rules
from konvergensi_core.budget import figures
from konvergensi_core.plan import normalize_code

from .models import BudgetLine


def lines(*, scope: Scope, kabkota: str, tahun: int, stage: str) -> QuerySet[BudgetLine]:
    qs = BudgetLine.objects.filter(kabkota_id=kabkota, tahun=tahun, stage=stage).select_related("opd")
    return scope_filter(qs, scope, "kabkota_id").order_by("opd__singkatan", "code", "source")


def line_get(*, scope: Scope, pk: int) -> BudgetLine | None:
    qs = BudgetLine.objects.select_related("opd", "kabkota")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def core_line(line: BudgetLine) -> rules.BudgetLine:
    return rules.BudgetLine(
        code=line.code,
        name=line.name,
        opd=line.opd.nama,
        source=line.source,
        pagu=line.pagu,
        realisasi=line.realisasi,
        category=line.category,
        target_groups=tuple(line.target_groups),
        indicators=tuple(line.indicators),
        locations=tuple(line.locations),
        direct=line.direct,
    )


def core_lines(qs) -> list[rules.BudgetLine]:
    return [core_line(x) for x in qs]


def lokus_of(kabkota: str, tahun: int) -> list[str]:
    """The district's confirmed lokus desa of the year (Aksi 1); empty when none is confirmed."""
    from konvergensi.ansit.selectors import lokus_confirmed

    lokus = lokus_confirmed(kabkota, tahun)
    return lokus.desa_codes() if lokus else []


def summary(kabkota: str, tahun: int, stage: str, *, lines: list[rules.BudgetLine] | None = None) -> dict:
    """The district's figures (``lines``: its core lines when the caller has read them already)."""
    if lines is None:
        qs = BudgetLine.objects.filter(kabkota_id=kabkota, tahun=tahun, stage=stage).select_related("opd")
        lines = core_lines(qs)
    return rules.summary(lines, lokus=lokus_of(kabkota, tahun))


def desa_of(kabkota: str) -> dict[str, str]:
    return dict(
        Region.objects.filter(level="desa", kode__startswith=kabkota + ".").values_list("kode", "nama")
    )


def indicator_codes() -> dict[str, str]:
    """The 2025 catalogue, whose codes budget lines support."""
    from konvergensi.indicators.models import Indicator

    return dict(Indicator.objects.filter(set="2025").values_list("kode", "nama"))


def plan_coverage(*, scope: Scope, kabkota: str, tahun: int, codes: list[str]) -> tuple[list, list]:
    """The activities of the year's Aksi 2 plan with and without a budget line of the same sub-kegiatan
    code (``codes``: the codes of the district's budget lines)."""
    from konvergensi.plans import selectors as plan_selectors

    plan = plan_selectors.plan_current(scope=scope, kabkota=kabkota, tahun=tahun)
    if plan is None:
        return [], []
    budgeted = {normalize_code(c) for c in codes}
    with_line, without = [], []
    for row in plan_selectors.rows_of(plan):
        (with_line if row.code and normalize_code(row.code) in budgeted else without).append(row)
    return with_line, without


# --- above the district: the map measures of many districts at once ----------------------------------


def lokus_by_district(kabkotas: Collection[str] | None, tahun: int) -> dict[str, list[str]]:
    """The confirmed lokus desa of the year per district (one query; all districts when ``kabkotas``
    is None) — what :func:`lokus_of` gives one district."""
    from konvergensi.ansit.models import LokusDesa, LokusStatus

    qs = LokusDesa.objects.filter(lokus_list__tahun=tahun, lokus_list__status=LokusStatus.DIKONFIRMASI)
    if kabkotas is not None:
        qs = qs.filter(lokus_list__kabkota_id__in=list(kabkotas))
    out: dict[str, list[str]] = {}
    for kabkota, desa in qs.order_by("lokus_list__kabkota_id", "rank").values_list(
        "lokus_list__kabkota_id", "desa_id"
    ):
        out.setdefault(kabkota, []).append(desa)
    return out


def district_figures(*, tahun: int, stage: str, kabkotas: Collection[str] | None = None) -> dict[str, dict]:
    """Per district with lines of (year, stage) — of ``kabkotas``, or of the whole country when None —
    the map measures of its :func:`summary` (``figures.region_figures``: pagu, realisasi, absorption,
    lokus and direct shares and the amounts behind them). Two queries whatever the number of districts."""
    qs = (
        BudgetLine.objects.filter(tahun=tahun, stage=stage).select_related("opd").order_by("kabkota_id", "pk")
    )
    if kabkotas is not None:
        qs = qs.filter(kabkota_id__in=list(kabkotas))
    lokus = lokus_by_district(kabkotas, tahun)
    return {
        kabkota: figures.region_figures(rules.summary(core_lines(group), lokus=lokus.get(kabkota, ())))
        for kabkota, group in groupby(qs.iterator(chunk_size=5000), key=lambda line: line.kabkota_id)
    }


def province_figures(*, tahun: int, stage: str) -> tuple[dict[str, dict], dict[str, dict]]:
    """The nation: (per province with tagged districts its combined figures, per district its figures)."""
    districts = district_figures(tahun=tahun, stage=stage)
    parent = dict(Region.objects.filter(kode__in=list(districts)).values_list("kode", "parent_id"))
    per_province: dict[str, list[dict]] = {}
    for kode, f in districts.items():
        per_province.setdefault(parent[kode], []).append(f)
    return {kode: figures.combine(fs) for kode, fs in sorted(per_province.items())}, districts
