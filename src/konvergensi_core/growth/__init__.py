"""Child growth: WHO 2006 z-scores (0–60 months), vectorised over columns."""

from .who2006 import OUTPUTS, round_decimal, round_half_up, rounded, zscores

__all__ = ["OUTPUTS", "round_decimal", "round_half_up", "rounded", "zscores"]
