"""Stunting distribution (sebaran stunting) and hotspots: Aksi 1, step 2 of the 2018 guideline.

The guideline's definitions (seed 000, "Cara analisis sebaran stunting" and the explanations of
Gambar 1.2–1.4), which this module follows to the letter:

* The district rate ("angka stunting kabupaten/kota") is the **mean of the unit prevalences**
  (all desa, or all kecamatan, or all puskesmas areas), not the pooled rate. The pooled rate
  (total cases / total measured) is given beside it when it can be computed.
* A unit is *above the mean* when its prevalence (or case count) is strictly greater than the
  mean, and *significantly above* when it exceeds the mean by more than the margin (default 50 %):
  value > (1 + margin) × mean, strictly (12 % mean → threshold 18 %; 18 % itself is not significant).
  The same is done for case counts against the mean number of cases per unit.
* The decision (three options of "Rekomendasi keputusan"):

  - ``separate_analysis``: units significantly above on **both** prevalence and cases — candidates
    for a separate (khusus) situation analysis (Gambar 1.2 + 1.3: Kecamatan 15).
  - ``special_attention``: units significantly above on **either** measure — the list of units
    needing special attention in the district-wide analysis. As in the guideline's own example
    (Kecamatan 8, 9, 12, 13, 14 *and 15*), it includes the units of ``separate_analysis``.
  - ``recommendation``: the strongest option that applies — ``khusus`` when ``separate_analysis``
    is not empty, else ``perhatian_khusus`` when ``special_attention`` is not empty, else ``umum``
    (a general district-level analysis only, Gambar 1.4). Both lists are always filled as far as
    they apply, whatever the recommendation.

  When the data set has only one of the two measures (no unit has a case count, or no unit has a
  prevalence), "both" means that measure alone: Gambar 1.2's explanation, from prevalence only,
  names its three significant kecamatan candidates for a separate analysis. When both measures are
  in the data set, a unit missing one of them cannot be significant on both.

Missing data: a unit without a prevalence (none given, and no cases/measured with measured > 0 to
compute it) takes part in neither the prevalence mean nor the prevalence flags (they are None);
a unit without cases is left out of the cases mean and flags likewise. A given prevalence is used
as given; cases/measured only fills in where it is missing. Prevalences are in percent (0–100).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from .problems import Problem, above, clean_units, effective_prevalence, mean

DEFAULT_MARGIN = 0.5


class Level(StrEnum):
    """The units the stunting data are broken down by."""

    DESA = "desa"
    KECAMATAN = "kecamatan"
    PUSKESMAS = "puskesmas"


LEVEL_LABEL = {
    Level.DESA: "Desa/Kelurahan",
    Level.KECAMATAN: "Kecamatan",
    Level.PUSKESMAS: "Wilayah Puskesmas",
}


class DataSource(StrEnum):
    """The stunting data used, from the most to the least wanted (the guideline's order)."""

    BADUTA = "baduta"
    BALITA_3_6_BULAN = "balita_3_6_bulan"
    BALITA_1_TAHUN = "balita_1_tahun"
    BALITA_PUSKESMAS = "balita_puskesmas"
    BBLR = "bblr"
    BUMIL_KEK = "bumil_kek"

    @property
    def label(self) -> str:
        return DATA_SOURCE_LABEL[self]

    @property
    def is_proxy(self) -> bool:
        """BBLR and bumil KEK stand in for stunting data that do not exist yet."""
        return self in (DataSource.BBLR, DataSource.BUMIL_KEK)


DATA_SOURCE_LABEL = {
    DataSource.BADUTA: "Kasus/prevalensi stunting baduta (0–23 bulan), satu tahun terakhir",
    DataSource.BALITA_3_6_BULAN: "Kasus/prevalensi stunting balita (0–59 bulan), 3–6 bulan terakhir",
    DataSource.BALITA_1_TAHUN: "Kasus/prevalensi stunting balita, satu tahun terakhir",
    DataSource.BALITA_PUSKESMAS: "Kasus/prevalensi stunting balita per wilayah puskesmas",
    DataSource.BBLR: "Proksi: kasus/prevalensi Berat Bayi Lahir Rendah (BBLR)",
    DataSource.BUMIL_KEK: "Proksi: kasus/prevalensi ibu hamil Kurang Energi Kronis (KEK)",
}
DATA_SOURCE_ORDER = tuple(DataSource)  # preference: index 0 is the ideal


def data_gap_notes(level: Level | str, source: DataSource | str | None = None) -> list[str]:
    """Notes for the person responsible for Aksi 6 (data management), as the guideline asks, when
    the data are not the ideal ones (baduta, per desa/kecamatan)."""
    level = Level(level)
    source = DataSource(source) if source is not None else None
    notes: list[str] = []
    if level is Level.PUSKESMAS or source is DataSource.BALITA_PUSKESMAS:
        notes.append(
            "Data stunting hanya tersedia per wilayah puskesmas: Aksi 6 perlu memprioritaskan "
            "penyediaan data yang lebih rinci di tingkat desa/kelurahan."
        )
    if source is not None and source.is_proxy:
        notes.append(
            f"Data stunting belum tersedia ({source.label}): Dinas Kesehatan memasukkan pengukuran "
            "(Aksi 7) ke rencana aksinya; Aksi 6 mencatat kekurangan data ini."
        )
    elif source is not None and source is not DataSource.BADUTA:
        notes.append(f"Data baduta belum tersedia; dipakai: {source.label}. Catatan untuk Aksi 6.")
    return notes


def coarse_coverage(filled: Mapping[str, int], *, n_kecamatan: int, n_desa: int) -> list[str]:
    """The indicators (in the order given) whose coverage data stop at a few desa per kecamatan, so
    were probably reported per puskesmas or kecamatan, a gap for Aksi 6: data for at least one desa,
    for no more desa than the district has kecamatan, and for fewer than half of its desa.
    ``filled`` maps each indicator to the number of desa with a value."""
    return [code for code, n in filled.items() if 0 < n <= n_kecamatan and n < 0.5 * n_desa]


class Recommendation(StrEnum):
    KHUSUS = "khusus"
    PERHATIAN_KHUSUS = "perhatian_khusus"
    UMUM = "umum"

    @property
    def label(self) -> str:
        return RECOMMENDATION_LABEL[self]


RECOMMENDATION_LABEL = {
    Recommendation.KHUSUS: "Analisis situasi tersendiri (khusus) pada wilayah tertentu",
    Recommendation.PERHATIAN_KHUSUS: (
        "Daftar wilayah yang memerlukan perhatian khusus dalam analisis situasi skala kabupaten/kota"
    ),
    Recommendation.UMUM: "Analisis situasi skala kabupaten/kota secara umum",
}


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _json(value: float | None) -> float | None:
    """Rounded to 6 decimals for JSON (no float noise such as 12.000000000000002)."""
    return None if value is None else round(value, 6)


@dataclass(frozen=True)
class HotspotUnit:
    unit: str
    prevalence: float | None  # percent
    cases: float | None
    measured: float | None
    above_mean_prevalence: bool | None  # None: no prevalence for this unit
    significant_prevalence: bool | None
    above_mean_cases: bool | None  # None: no case count for this unit
    significant_cases: bool | None

    def as_dict(self) -> dict:
        return {
            "unit": self.unit,
            "prevalence": _json(self.prevalence),
            "cases": _json(self.cases),
            "above_mean_prevalence": self.above_mean_prevalence,
            "significant_prevalence": self.significant_prevalence,
            "above_mean_cases": self.above_mean_cases,
            "significant_cases": self.significant_cases,
        }


@dataclass(frozen=True)
class HotspotResult:
    margin: float
    mean_prevalence: float | None
    pooled_prevalence: float | None
    prevalence_threshold: float | None
    mean_cases: float | None
    cases_threshold: float | None
    recommendation: Recommendation
    separate_analysis: list[str]
    special_attention: list[str]
    units: list[HotspotUnit]
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many units are above the mean / significantly above, per measure."""
        return {
            "above_mean_prevalence": sum(bool(u.above_mean_prevalence) for u in self.units),
            "significant_prevalence": sum(bool(u.significant_prevalence) for u in self.units),
            "above_mean_cases": sum(bool(u.above_mean_cases) for u in self.units),
            "significant_cases": sum(bool(u.significant_cases) for u in self.units),
        }

    def as_dict(self) -> dict:
        """The JSON shape (problems are not part of it; the caller adds them)."""
        return {
            "mean_prevalence": _json(self.mean_prevalence),
            "pooled_prevalence": _json(self.pooled_prevalence),
            "prevalence_threshold": _json(self.prevalence_threshold),
            "mean_cases": _json(self.mean_cases),
            "cases_threshold": _json(self.cases_threshold),
            "recommendation": self.recommendation.value,
            "separate_analysis": list(self.separate_analysis),
            "special_attention": list(self.special_attention),
            "units": [u.as_dict() for u in self.units],
        }


def _flags(values: np.ndarray, reference: float | None, threshold: float | None):
    known = ~np.isnan(values)
    return known, above(values, reference), above(values, threshold)


def analyse_hotspots(
    units: Sequence[object],
    *,
    cases: Sequence[object] | np.ndarray | None = None,
    measured: Sequence[object] | np.ndarray | None = None,
    prevalence: Sequence[object] | np.ndarray | None = None,
    margin: float = DEFAULT_MARGIN,
    rows: Sequence[int | None] | None = None,
    columns: dict[str, str] | None = None,
) -> HotspotResult:
    """The distribution analysis of the module docstring for one set of units.

    ``units``: codes or names; ``cases``, ``measured``, ``prevalence`` (percent): one value per unit
    (None/NaN = missing), any of them may be left out. Bad values never raise: they are dropped and
    reported in ``result.problems`` (see ``problems.clean_units``). ``margin`` is the share above
    the mean that counts as significant (0.5 = 50 %); an invalid margin is a programming error
    (ValueError), the command line checks it first.
    """
    if not (isinstance(margin, int | float) and math.isfinite(margin) and margin >= 0):
        raise ValueError("margin harus angka ≥ 0 (0,5 = 50 % di atas rata-rata)")
    data = clean_units(
        units, cases=cases, measured=measured, prevalence=prevalence, rows=rows, columns=columns
    )
    prev = effective_prevalence(data.prevalence, data.cases, data.measured)
    count = data.cases

    mean_prev = mean(prev)
    prev_threshold = None if mean_prev is None else (1 + margin) * mean_prev
    mean_count = mean(count)
    count_threshold = None if mean_count is None else (1 + margin) * mean_count

    used = ~np.isnan(prev)
    pooled = None
    if used.any() and not (np.isnan(data.cases[used]).any() or np.isnan(data.measured[used]).any()):
        total_measured = math.fsum(data.measured[used].tolist())
        if total_measured > 0:
            pooled = 100.0 * math.fsum(data.cases[used].tolist()) / total_measured

    has_prev, above_prev, sig_prev = _flags(prev, mean_prev, prev_threshold)
    has_count, above_count, sig_count = _flags(count, mean_count, count_threshold)

    prevalence_available, cases_available = bool(has_prev.any()), bool(has_count.any())
    either = sig_prev | sig_count
    if prevalence_available and cases_available:
        both = sig_prev & sig_count
    elif prevalence_available:
        both = sig_prev
    else:
        both = sig_count  # all False when neither measure is available

    names = data.units
    separate = [names[i] for i in np.flatnonzero(both)]
    special = [names[i] for i in np.flatnonzero(either)]
    if separate:
        recommendation = Recommendation.KHUSUS
    elif special:
        recommendation = Recommendation.PERHATIAN_KHUSUS
    else:
        recommendation = Recommendation.UMUM

    result_units = [
        HotspotUnit(
            unit=names[i],
            prevalence=_number(prev[i]),
            cases=_number(count[i]),
            measured=_number(data.measured[i]),
            above_mean_prevalence=bool(above_prev[i]) if has_prev[i] else None,
            significant_prevalence=bool(sig_prev[i]) if has_prev[i] else None,
            above_mean_cases=bool(above_count[i]) if has_count[i] else None,
            significant_cases=bool(sig_count[i]) if has_count[i] else None,
        )
        for i in range(len(names))
    ]
    return HotspotResult(
        margin=float(margin),
        mean_prevalence=mean_prev,
        pooled_prevalence=pooled,
        prevalence_threshold=prev_threshold,
        mean_cases=mean_count,
        cases_threshold=count_threshold,
        recommendation=recommendation,
        separate_analysis=separate,
        special_attention=special,
        units=result_units,
        problems=data.problems,
    )
