"""Aksi 2 — the plan of activities (Tabel 2.2, 2.3) and its integration into the planning and
budgeting documents (Tabel 2.4, 2.5): pure rules, called by the web app and the CLI.

The modules: ``codes`` (groups, classes, funding sources, how codes and names compare), ``rupiah``
(amounts as typed), ``rows`` (PlanRow, DocRow), ``matching`` (Tabel 2.4/2.5 statuses), ``checks``
(the plan's checks and totals). The readers are in ``konvergensi_core.io.plan``, the workbook in
``konvergensi_core.io.plan_xlsx``.
"""

from .checks import CHECK_CODES, Check, Totals, plan_checks, totals
from .codes import (
    ADJUSTMENT_LABELS,
    ADJUSTMENTS,
    CLASS_LABELS,
    FUNDING_LABELS,
    GROUPS,
    FundingSource,
    RowClass,
    is_subkegiatan_code,
    normalize_code,
    normalize_name,
    parse_adjustments,
    parse_funding_source,
    parse_group,
    parse_row_class,
)
from .matching import (
    DOCUMENTS,
    STATUS_LABELS,
    TABLE_2_4,
    TABLE_2_5,
    Integration,
    IntegrationRow,
    Match,
    Status,
    integration,
    match_document,
)
from .rows import DocRow, PlanRow
from .rupiah import format_rupiah, parse_rupiah

__all__ = [
    "ADJUSTMENTS",
    "ADJUSTMENT_LABELS",
    "CHECK_CODES",
    "CLASS_LABELS",
    "DOCUMENTS",
    "FUNDING_LABELS",
    "GROUPS",
    "STATUS_LABELS",
    "TABLE_2_4",
    "TABLE_2_5",
    "Check",
    "DocRow",
    "FundingSource",
    "Integration",
    "IntegrationRow",
    "Match",
    "PlanRow",
    "RowClass",
    "Status",
    "Totals",
    "format_rupiah",
    "integration",
    "is_subkegiatan_code",
    "match_document",
    "normalize_code",
    "normalize_name",
    "parse_adjustments",
    "parse_funding_source",
    "parse_group",
    "parse_row_class",
    "parse_rupiah",
    "plan_checks",
    "totals",
]
