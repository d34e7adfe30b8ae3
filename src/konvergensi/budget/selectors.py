"""Reads of the budget lines, within the reader's scope, and their figures by the core's rules."""

from __future__ import annotations

from django.db.models import QuerySet

from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.wilayah.models import Region
from konvergensi_core import budget as rules

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


def summary(kabkota: str, tahun: int, stage: str) -> dict:
    qs = BudgetLine.objects.filter(kabkota_id=kabkota, tahun=tahun, stage=stage).select_related("opd")
    return rules.summary(core_lines(qs), lokus=lokus_of(kabkota, tahun))


def desa_of(kabkota: str) -> dict[str, str]:
    return dict(
        Region.objects.filter(level="desa", kode__startswith=kabkota + ".").values_list("kode", "nama")
    )


def indicator_codes() -> dict[str, str]:
    """The 2025 catalogue, whose codes budget lines support."""
    from konvergensi.indicators.models import Indicator

    return dict(Indicator.objects.filter(set="2025").values_list("kode", "nama"))


def plan_coverage(kabkota: str, tahun: int, stage: str) -> tuple[list, list]:
    """The lines of the year's Aksi 2 plan with and without a budget line of the same sub-kegiatan code."""
    from konvergensi.plans.models import Plan

    plan = Plan.objects.filter(kabkota_id=kabkota, tahun=tahun).order_by("-number").first()
    if plan is None:
        return [], []
    codes = {
        rules_code(c)
        for c in BudgetLine.objects.filter(kabkota_id=kabkota, tahun=tahun, stage=stage).values_list(
            "code", flat=True
        )
    }
    with_line, without = [], []
    for row in plan.rows.select_related("opd").order_by("group", "urutan", "id"):
        (with_line if row.code and rules_code(row.code) in codes else without).append(row)
    return with_line, without


def rules_code(code: str) -> str:
    from konvergensi_core.plan import normalize_code

    return normalize_code(code)
