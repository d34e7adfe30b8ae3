"""Aksi 1 (analisis situasi) analysis core: stunting distribution and hotspots, prevalence and
coverage categories, focus-village (lokus) criteria, ranking and selection, and the
prioritisation matrix of Tabel 1.2. Pure Python + NumPy; never imports Django.

Modules: ``hotspots`` (Gambar 1.2–1.4, the three-way recommendation, the data-gap notes),
``categories``, ``lokus``, ``matrix``, ``recommendations`` (programme gaps and recommendation
drafts), ``units`` (pooled figures of an area, unit labels → codes), ``problems`` (the value checks
shared with the file reader ``konvergensi_core.io.ansit_input``).
"""

from .categories import (
    DEFAULT_PREVALENCE_BANDS,
    PREVALENCE_LABEL,
    PrevalenceBands,
    PrevalenceCategory,
    low_coverage,
    prevalence_category,
)
from .hotspots import (
    DATA_SOURCE_LABEL,
    DEFAULT_MARGIN,
    LEVEL_LABEL,
    RECOMMENDATION_LABEL,
    DataSource,
    HotspotResult,
    HotspotUnit,
    Level,
    Recommendation,
    analyse_hotspots,
    coarse_coverage,
    data_gap_notes,
)
from .lokus import Criteria, LokusDesa, LokusRanking, Selection, parse_eligibility, rank_lokus, select_lokus
from .matrix import MatrixCell, MatrixRow, PrioritisationMatrix, prioritisation_matrix
from .problems import Problem, has_errors

__all__ = [
    "DATA_SOURCE_LABEL",
    "DEFAULT_MARGIN",
    "DEFAULT_PREVALENCE_BANDS",
    "LEVEL_LABEL",
    "PREVALENCE_LABEL",
    "RECOMMENDATION_LABEL",
    "Criteria",
    "DataSource",
    "HotspotResult",
    "HotspotUnit",
    "Level",
    "LokusDesa",
    "LokusRanking",
    "MatrixCell",
    "MatrixRow",
    "PrevalenceBands",
    "PrevalenceCategory",
    "PrioritisationMatrix",
    "Problem",
    "Recommendation",
    "Selection",
    "analyse_hotspots",
    "coarse_coverage",
    "data_gap_notes",
    "has_errors",
    "low_coverage",
    "parse_eligibility",
    "prevalence_category",
    "prioritisation_matrix",
    "rank_lokus",
    "select_lokus",
]
