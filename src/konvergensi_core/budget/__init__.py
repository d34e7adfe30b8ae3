"""Budget tagging and tracking (issue 15): which APBD sub-kegiatan support stunting reduction, their
pagu and realisation per quarter, their tags (category, target groups, indicators, locations, direct
spending), and the totals and shares the district, province and nation see. Pure rules, called by
the web app (``konvergensi.budget``) and the CLI (``konvergensi budget``).

Modules: ``lines`` (the words and ``BudgetLine``), ``rules`` (validate, diff, summary, flags). The
reader is ``konvergensi_core.io.budget``, the Excel template ``konvergensi_core.io.budget_xlsx``.
"""

from .lines import (
    CATEGORIES,
    CATEGORY_LABELS,
    COLUMNS,
    QUARTERS,
    SOURCE_LABELS,
    SOURCES,
    STAGE_LABELS,
    STAGES,
    TARGET_GROUP_LABELS,
    TARGET_GROUPS,
    BudgetLine,
    parse_category,
    parse_source,
    parse_stage,
    parse_target_group,
    parse_target_groups,
    parse_yes_no,
)
from .rules import (
    FLAG_CODES,
    SERAPAN_RENDAH_TW3,
    TANPA_REALISASI,
    Diff,
    Flag,
    absorption,
    diff,
    flags,
    split_evenly,
    summary,
    validate,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "COLUMNS",
    "FLAG_CODES",
    "QUARTERS",
    "SERAPAN_RENDAH_TW3",
    "SOURCES",
    "SOURCE_LABELS",
    "STAGES",
    "STAGE_LABELS",
    "TANPA_REALISASI",
    "TARGET_GROUPS",
    "TARGET_GROUP_LABELS",
    "BudgetLine",
    "Diff",
    "Flag",
    "absorption",
    "diff",
    "flags",
    "parse_category",
    "parse_source",
    "parse_stage",
    "parse_target_group",
    "parse_target_groups",
    "parse_yes_no",
    "split_evenly",
    "summary",
    "validate",
]
