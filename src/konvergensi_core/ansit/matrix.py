"""The prioritisation matrix of focus villages (Tabel 1.2 of the guideline): desa × main indicators,
each cell the coverage and its category, with the desa's prevalence and its category; rows in the
lokus ranking's order. A plain data structure: the web page and the Excel writer
(``konvergensi_core.io.ansit_xlsx``) both draw it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .categories import (
    CATEGORY_LABEL,
    DEFAULT_PREVALENCE_BANDS,
    Category,
    PrevalenceBands,
    PrevalenceCategory,
    category,
    prevalence_category,
)
from .lokus import LokusRanking


@dataclass(frozen=True)
class MatrixCell:
    indicator: str
    coverage: float | None  # percent; None = no data
    category: Category | None

    @property
    def low(self) -> bool:
        return self.category in (Category.RENDAH, Category.SANGAT_RENDAH)

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator,
            "coverage": None if self.coverage is None else round(self.coverage, 6),
            "category": self.category.value if self.category else None,
            "category_label": CATEGORY_LABEL[self.category] if self.category else None,
        }


@dataclass(frozen=True)
class MatrixRow:
    rank: int
    desa: str
    prevalence: float | None
    prevalence_category: PrevalenceCategory | None
    cells: tuple[MatrixCell, ...]
    low_coverage_count: int
    coverage_count: int
    eligible: bool
    selected: bool | None

    def as_dict(self) -> dict:
        return {
            "rank": self.rank,
            "desa": self.desa,
            "prevalence": None if self.prevalence is None else round(self.prevalence, 6),
            "prevalence_category": self.prevalence_category.value if self.prevalence_category else None,
            "prevalence_category_label": self.prevalence_category.label if self.prevalence_category else None,
            "cells": [c.as_dict() for c in self.cells],
            "low_coverage_count": self.low_coverage_count,
            "coverage_count": self.coverage_count,
            "eligible": self.eligible,
            "selected": self.selected,
        }


@dataclass(frozen=True)
class PrioritisationMatrix:
    indicators: tuple[str, ...]
    indicator_labels: dict[str, str]
    rows: tuple[MatrixRow, ...]
    prevalence_bands: PrevalenceBands

    def as_dict(self) -> dict:
        return {
            "indicators": [{"code": c, "label": self.indicator_labels.get(c, c)} for c in self.indicators],
            "rows": [r.as_dict() for r in self.rows],
        }


def prioritisation_matrix(
    ranking: LokusRanking, *, prevalence_bands: PrevalenceBands = DEFAULT_PREVALENCE_BANDS
) -> PrioritisationMatrix:
    """Tabel 1.2 from a lokus ranking (coverage categories by each indicator's bands)."""
    rows = []
    for d in ranking.desa:
        cells = tuple(
            MatrixCell(code, value, category(value, bands))
            for code, value, bands in zip(ranking.indicators, d.coverage, ranking.bands, strict=True)
        )
        rows.append(
            MatrixRow(
                rank=d.rank,
                desa=d.desa,
                prevalence=d.prevalence,
                prevalence_category=prevalence_category(d.prevalence, prevalence_bands),
                cells=cells,
                low_coverage_count=d.low_coverage_count,
                coverage_count=d.coverage_count,
                eligible=d.eligible,
                selected=d.selected,
            )
        )
    return PrioritisationMatrix(
        indicators=tuple(ranking.indicators),
        indicator_labels=dict(ranking.indicator_labels),
        rows=tuple(rows),
        prevalence_bands=prevalence_bands,
    )
