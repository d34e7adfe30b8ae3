"""Statistics for reports: prevalence with confidence intervals, z-score summaries, data quality."""

from .prevalence import Prevalence, prevalence, prevalence_by, wilson_interval
from .quality import digit_preference, zscore_summary

__all__ = [
    "Prevalence",
    "digit_preference",
    "prevalence",
    "prevalence_by",
    "wilson_interval",
    "zscore_summary",
]
