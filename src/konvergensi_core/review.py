"""The rules of the Aksi 8 annual performance review (reviu kinerja tahunan): changes between two
points, whether a prevalence change is significant (its 95 % confidence intervals), whether a lokus
desa improved, and the one short Indonesian sentence of each section.

Pure: no Django, no app. The reviews app reads the stored figures and calls these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .numbers import id_count, id_number

NAIK, TURUN, TETAP = "naik", "turun", "tetap"
# A change smaller than this (percentage points) counts as unchanged: the figures are shown to one decimal.
TOLERANCE_PP = 0.05

# The order of the periods of a year in the village data: the first semester, the whole year, the second.
_PERIOD_ORDER = {"-S1": 1, "": 2, "-S2": 3}


def percent(numerator: int | None, denominator: int | None) -> float | None:
    """numerator ÷ denominator × 100, None without a positive denominator."""
    if numerator is None or not denominator:
        return None
    return 100.0 * numerator / denominator


def direction(delta: float | None, tolerance: float = TOLERANCE_PP) -> str | None:
    """ "naik", "turun" or "tetap" for a change in percentage points; None when unknown."""
    if delta is None:
        return None
    if abs(delta) < tolerance:
        return TETAP
    return NAIK if delta > 0 else TURUN


def year_periods(periods: Iterable[str], tahun: int) -> tuple[str | None, str | None]:
    """The first and the last period of ``tahun`` among ``periods`` ("YYYY-S1" < "YYYY" < "YYYY-S2");
    (None, None) when the year has no period, (p, p) when it has only one."""
    prefix = str(tahun)
    own = [p for p in set(periods) if p[:4] == prefix and p[4:] in _PERIOD_ORDER]
    if not own:
        return None, None
    own.sort(key=lambda p: _PERIOD_ORDER[p[4:]])
    return own[0], own[-1]


@dataclass(frozen=True)
class CoverageChange:
    first: float | None  # percent
    last: float | None
    delta: float | None  # percentage points
    direction: str | None


def coverage_change(first: tuple[int, int] | None, last: tuple[int, int] | None) -> CoverageChange:
    """The change of a coverage between two (numerator, denominator) sums over the desa."""
    a = percent(*first) if first else None
    b = percent(*last) if last else None
    delta = b - a if a is not None and b is not None else None
    return CoverageChange(a, b, delta, direction(delta))


@dataclass(frozen=True)
class Estimate:
    """A prevalence (proportion 0–1) with its 95 % CI; ``shown`` False when the publication's small-cell
    suppression hides it (then it takes no part in any comparison)."""

    prevalence: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    shown: bool = True

    @property
    def usable(self) -> bool:
        return self.shown and self.prevalence is not None


@dataclass(frozen=True)
class PrevalenceChange:
    delta: float | None  # percentage points
    direction: str | None
    significant: bool | None  # the two 95 % CIs do not overlap; None when unknown


def prevalence_change(before: Estimate, after: Estimate) -> PrevalenceChange:
    """The change between two rounds. Significant (conservatively) when the two 95 % confidence
    intervals do not overlap; not significant when they overlap; None when either is hidden or has
    no interval."""
    if not (before.usable and after.usable):
        return PrevalenceChange(None, None, None)
    assert before.prevalence is not None and after.prevalence is not None
    delta = 100.0 * (after.prevalence - before.prevalence)
    significant: bool | None = None
    if None not in (before.ci_low, before.ci_high, after.ci_low, after.ci_high):
        significant = bool(after.ci_high < before.ci_low or after.ci_low > before.ci_high)  # type: ignore[operator]
    return PrevalenceChange(delta, direction(delta), significant)


MEMBAIK, TIDAK_MEMBAIK, TIDAK_DIKETAHUI = "membaik", "tidak_membaik", "tidak_diketahui"


def lokus_verdict(coverage_delta: float | None, prevalence_delta: float | None) -> str:
    """Did a lokus desa improve over the year? Its mean coverage change of the main indicators
    (percentage points, up is better) and its stunting prevalence change between the two rounds
    (percentage points, down is better). Improved when at least one is known and better and none is
    worse; not improved when one is worse or both are unchanged; unknown when neither is known."""
    cov = direction(coverage_delta)
    prev = direction(prevalence_delta)
    if cov is None and prev is None:
        return TIDAK_DIKETAHUI
    if cov == TURUN or prev == NAIK:
        return TIDAK_MEMBAIK
    if cov == NAIK or prev == TURUN:
        return MEMBAIK
    return TIDAK_MEMBAIK


# --- the sentences ------------------------------------------------------------------------------------


def pp(delta: float | None) -> str:
    """A change in percentage points with its sign: "+2,5 poin persen"."""
    if delta is None:
        return "–"
    if abs(delta) < TOLERANCE_PP:
        return "±0,0 poin persen"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{id_number(abs(delta), 1)} poin persen"


def sentence_plan(*, tahun: int, n_rows: int, n_budgeted: int, pagu: int, realisasi: int) -> str:
    if n_rows == 0:
        return f"Belum ada rencana kegiatan (Aksi 2) tahun {tahun} yang dapat direviu."
    share = percent(realisasi, pagu)
    text = (
        f"Dari {id_count(n_rows)} kegiatan rencana {tahun}, {id_count(n_budgeted)} mempunyai baris anggaran"
    )
    if pagu:
        text += f"; realisasi anggaran mencapai {id_number(share, 1)} % dari pagu"
    return text + "."


def sentence_coverage(
    *, tahun: int, naik: int, turun: int, tetap: int, first: str | None, last: str | None
) -> str:
    total = naik + turun + tetap
    if total == 0 or first is None or first == last:
        return f"Data cakupan layanan tahun {tahun} belum cukup untuk membandingkan awal dan akhir tahun."
    return (
        f"Antara periode {first} dan {last}, cakupan {id_count(naik)} dari {id_count(total)} indikator utama naik, "
        f"{id_count(turun)} turun dan {id_count(tetap)} tetap."
    )


def sentence_prevalence(*, name: str, before: str, after: str, change: PrevalenceChange) -> str:
    if change.delta is None:
        return f"Perubahan prevalensi {name} antara {before} dan {after} belum dapat dinilai."
    if change.direction == TETAP:
        moved = "tidak berubah"
    else:
        moved = f"{'naik' if change.direction == NAIK else 'turun'} {pp(abs(change.delta)).lstrip('+')}"
    if change.significant is True:
        verdict = "dan perubahan ini bermakna (selang kepercayaan 95 % tidak bertumpang tindih)"
    elif change.significant is False:
        verdict = "namun perubahan ini belum bermakna secara statistik"
    else:
        verdict = "tanpa selang kepercayaan untuk menilai kemaknaannya"
    return f"Prevalensi {name} {moved} dari {before} ke {after}, {verdict}."


def sentence_lokus(*, tahun: int, membaik: int, tidak: int, tidak_diketahui: int) -> str:
    total = membaik + tidak + tidak_diketahui
    if total == 0:
        return f"Belum ada daftar desa lokus {tahun} yang dikonfirmasi."
    text = f"Dari {id_count(total)} desa lokus {tahun}, {id_count(membaik)} membaik dan {id_count(tidak)} belum membaik"
    if tidak_diketahui:
        text += f"; {id_count(tidak_diketahui)} belum dapat dinilai karena datanya belum ada"
    return text + "."


def sentence_rembuk(*, tahun: int, held: bool, total: int, kept: int, partly: int) -> str:
    if not held:
        return f"Rembuk stunting kabupaten/kota {tahun} belum tercatat terlaksana."
    if total == 0:
        return f"Rembuk stunting {tahun} terlaksana, tetapi belum ada kegiatan yang disepakati untuk dinilai."
    return (
        f"Dari {id_count(total)} kegiatan yang disepakati di rembuk stunting {tahun}, {id_count(kept)} sudah "
        f"dianggarkan dan direalisasikan, {id_count(partly)} dianggarkan tetapi belum terealisasi."
    )
