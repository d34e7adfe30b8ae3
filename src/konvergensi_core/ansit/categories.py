"""Categories of the prioritisation matrix (Tabel 1.2): prevalence and coverage.

Coverage categories are those of ``konvergensi_core.indicators`` (re-exported here, not copied):
Memadai > 90 % (the guideline's only fixed edge), Hampir Memadai, Rendah, Sangat Rendah by the
indicator's configurable :class:`Bands`; "low coverage" (cakupan kurang) = Rendah or Sangat Rendah.

Prevalence categories (the four colours of Tabel 1.2's legend; the guideline gives no edges, these
are our defaults, configurable): Sangat Tinggi ≥ 30 %, Tinggi 20–< 30 %, Rendah 10–< 20 %,
Sangat Rendah < 10 %.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ..indicators import CATEGORY_LABEL, DEFAULT_BANDS, LOW, Bands, Category, category, percent, pooled

__all__ = [
    "CATEGORY_LABEL",
    "DEFAULT_BANDS",
    "DEFAULT_PREVALENCE_BANDS",
    "LOW",
    "PREVALENCE_LABEL",
    "Bands",
    "Category",
    "PrevalenceBands",
    "PrevalenceCategory",
    "bands_for",
    "category",
    "low_coverage",
    "percent",
    "pooled",
    "prevalence_category",
]


class PrevalenceCategory(StrEnum):
    SANGAT_TINGGI = "sangat_tinggi"
    TINGGI = "tinggi"
    RENDAH = "rendah"
    SANGAT_RENDAH = "sangat_rendah"

    @property
    def label(self) -> str:
        return PREVALENCE_LABEL[self]


PREVALENCE_LABEL = {
    PrevalenceCategory.SANGAT_TINGGI: "Sangat Tinggi",
    PrevalenceCategory.TINGGI: "Tinggi",
    PrevalenceCategory.RENDAH: "Rendah",
    PrevalenceCategory.SANGAT_RENDAH: "Sangat Rendah",
}


@dataclass(frozen=True)
class PrevalenceBands:
    """Lower edges in percent, each inclusive: Sangat Tinggi from ``sangat_tinggi``, Tinggi from
    ``tinggi`` below it, Rendah from ``rendah`` below ``tinggi``, Sangat Rendah below ``rendah``."""

    sangat_tinggi: float = 30.0
    tinggi: float = 20.0
    rendah: float = 10.0

    def __post_init__(self) -> None:
        values = (self.rendah, self.tinggi, self.sangat_tinggi)
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in values) or not (
            0 <= self.rendah <= self.tinggi <= self.sangat_tinggi <= 100
        ):
            raise ValueError("batas kategori prevalensi harus 0 ≤ rendah ≤ tinggi ≤ sangat tinggi ≤ 100")


DEFAULT_PREVALENCE_BANDS = PrevalenceBands()


def prevalence_category(
    pct: float | None, bands: PrevalenceBands = DEFAULT_PREVALENCE_BANDS
) -> PrevalenceCategory | None:
    if pct is None or not math.isfinite(pct):
        return None
    if pct >= bands.sangat_tinggi:
        return PrevalenceCategory.SANGAT_TINGGI
    if pct >= bands.tinggi:
        return PrevalenceCategory.TINGGI
    if pct >= bands.rendah:
        return PrevalenceCategory.RENDAH
    return PrevalenceCategory.SANGAT_RENDAH


def bands_for(indicators: list[str], bands: Bands | Mapping[str, Bands] | None) -> list[Bands]:
    """The bands of each indicator: one set for all, a mapping code → bands (the default for codes
    it does not name), or the default."""
    if bands is None:
        return [DEFAULT_BANDS] * len(indicators)
    if isinstance(bands, Bands):
        return [bands] * len(indicators)
    return [bands.get(code, DEFAULT_BANDS) for code in indicators]


def low_coverage(coverage: np.ndarray, bands: list[Bands]) -> np.ndarray:
    """Boolean matrix (desa × indicator): coverage is Rendah or Sangat Rendah, i.e. below the
    indicator's Hampir Memadai edge — the same as ``category(pct, bands) in LOW`` for every cell
    (a property test holds them together); False where there is no data."""
    if coverage.ndim != 2 or coverage.shape[1] == 0:
        return np.zeros(coverage.shape, dtype=bool)
    edges = np.array([b.hampir for b in bands], dtype=float)
    with np.errstate(invalid="ignore"):
        return ~np.isnan(coverage) & (coverage < edges[np.newaxis, :])
