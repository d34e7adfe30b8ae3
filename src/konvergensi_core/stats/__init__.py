"""Statistics for reports: prevalence with confidence intervals, z-score summaries, data quality."""

from .prevalence import Prevalence, prevalence, prevalence_by, wilson_interval
from .quality import (
    AgeHeaping,
    IndexQuality,
    SexRatio,
    age_heaping,
    digit_preference,
    quality_report,
    sex_ratio,
    share_flagged,
    share_missing,
    zscore_summary,
)

__all__ = [
    "AgeHeaping",
    "IndexQuality",
    "Prevalence",
    "SexRatio",
    "age_heaping",
    "digit_preference",
    "prevalence",
    "prevalence_by",
    "quality_report",
    "sex_ratio",
    "share_flagged",
    "share_missing",
    "wilson_interval",
    "zscore_summary",
]
