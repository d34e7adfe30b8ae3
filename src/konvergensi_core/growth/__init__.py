"""Child growth: WHO 2006 z-scores (0–60 months) and WHO 2007 (5–19 years), vectorised over columns."""

from .files import zscore_file
from .frame import zscores_frame
from .who2006 import OUTPUTS, age_days_between, round_decimal, round_half_up, rounded, zscores
from .who2007 import zscores_5_19

__all__ = [
    "OUTPUTS",
    "age_days_between",
    "round_decimal",
    "round_half_up",
    "rounded",
    "zscores",
    "zscore_file",
    "zscores_5_19",
    "zscores_frame",
]
