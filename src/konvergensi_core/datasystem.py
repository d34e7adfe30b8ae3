"""Aksi 6 (the district's data-management system), the pure part: the periods of a year and when
each ends, whether a figure came in on time, the level of detail an indicator's figures reach, the
completeness at the start and the end of a year, the state of an improvement action, and the
generated Indonesian sentence and recommendations of the Aksi 8 review section.

No Django here: the app (``konvergensi.datasystem``) reads the stored data and calls these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from konvergensi_core.numbers import id_number

# The statuses of an improvement action (the app's choices use the same values).
RENCANA, BERJALAN, SELESAI, BATAL = "rencana", "berjalan", "selesai", "batal"
OPEN_STATUSES = frozenset({RENCANA, BERJALAN})

# Levels of detail of an indicator's figures: the guideline wants desa data; puskesmas or kecamatan
# only is a gap for Aksi 6. "sebagian" (part of the desa) and "kosong" (none) are derived only.
DESA, PUSKESMAS, KECAMATAN = "desa", "puskesmas", "kecamatan"
SEBAGIAN, KASAR, KOSONG = "sebagian", "kasar", "kosong"


def periods(tahun: int) -> tuple[str, ...]:
    """The village-data periods of a year, in time order: the two semesters, then the whole year."""
    return (f"{tahun}-S1", f"{tahun}-S2", str(tahun))


def period_end(periode: str) -> dt.date:
    """The last day a period covers: 30 June for S1, 31 December for S2 and for the whole year."""
    year = int(periode[:4])
    if periode.endswith("-S1"):
        return dt.date(year, 6, 30)
    return dt.date(year, 12, 31)


def deadline(periode: str, days: int) -> dt.date:
    """The last day a figure of ``periode`` counts as on time: ``days`` after the period's end."""
    return period_end(periode) + dt.timedelta(days=days)


def on_time(entered: dt.date, periode: str, days: int) -> bool:
    return entered <= deadline(periode, days)


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a proportion (0–1); None when there is nothing to count."""
    return part / whole if whole else None


def detail_level(filled: int, *, n_desa: int, n_kecamatan: int) -> str:
    """The level of detail an indicator's figures of one period reach, from how many of the
    district's desa have one: ``desa`` (at least half of them), ``kasar`` (no more desa than the
    district has kecamatan: probably reported per puskesmas or kecamatan — the rule of the Aksi 1
    notes), ``sebagian`` (some desa) or ``kosong`` (none)."""
    if filled <= 0:
        return KOSONG
    if n_desa and filled >= 0.5 * n_desa:
        return DESA
    if filled <= n_kecamatan:
        return KASAR
    return SEBAGIAN


def finest(levels: Iterable[str]) -> str:
    """The finest of several periods' derived levels (the year's best data)."""
    order = {DESA: 0, SEBAGIAN: 1, KASAR: 2, KOSONG: 3}
    found = [lv for lv in levels if lv in order]
    return min(found, key=order.__getitem__) if found else KOSONG


def needs_attention(level: str) -> bool:
    """A level of detail the improvement plan should address (not desa data)."""
    return level in (PUSKESMAS, KECAMATAN, KASAR, SEBAGIAN, KOSONG)


def start_end(by_period: Mapping[str, float | None], tahun: int, previous: float | None = None):
    """(start, end) completeness of a year (proportions, None when unknown): the first period of
    the year with figures and the last one; when the year has figures for one period only, the start
    is ``previous`` (the previous year's last period), so a change shows."""
    seen = [(p, by_period.get(p)) for p in periods(tahun) if by_period.get(p)]
    if not seen:
        return previous, None
    if len(seen) == 1:
        return previous, seen[0][1]
    return seen[0][1], seen[-1][1]


def is_overdue(status: str, tenggat: dt.date | None, today: dt.date) -> bool:
    """An action still open (planned or under way) past its deadline."""
    return status in OPEN_STATUSES and tenggat is not None and tenggat < today


@dataclass(frozen=True)
class PlanCounts:
    planned: int = 0  # every action but the cancelled
    done: int = 0
    running: int = 0
    overdue: int = 0
    cancelled: int = 0


def plan_counts(actions: Iterable[tuple[str, dt.date | None]], today: dt.date) -> PlanCounts:
    """Counts of the improvement plan from (status, deadline) pairs."""
    planned = done = running = overdue = cancelled = 0
    for status, tenggat in actions:
        if status == BATAL:
            cancelled += 1
            continue
        planned += 1
        done += status == SELESAI
        running += status == BERJALAN
        overdue += is_overdue(status, tenggat, today)
    return PlanCounts(planned, done, running, overdue, cancelled)


def _pct(value: float | None) -> str:
    return f"{id_number(100 * value, 1)} %" if value is not None else "–"


def review_sentence(counts: PlanCounts, start: float | None, end: float | None, tahun: int) -> str:
    """The Aksi 8 review's generated sentence on the data-management system of ``tahun``."""
    if not counts.planned:
        plan = f"Belum ada rencana perbaikan sistem manajemen data (Aksi 6) tahun {tahun}."
    else:
        plan = (
            f"Dari {counts.planned} tindakan perbaikan sistem manajemen data (Aksi 6) tahun {tahun}, "
            f"{counts.done} selesai"
            + (f", {counts.running} sedang berjalan" if counts.running else "")
            + (f" dan {counts.overdue} melewati tenggat" if counts.overdue else "")
            + "."
        )
    if start is not None and end is not None:
        change = end - start
        trend = "naik" if change > 0.0005 else "turun" if change < -0.0005 else "tetap"
        data = (
            f" Kelengkapan data desa {trend} dari {_pct(start)} menjadi {_pct(end)}."
            if trend != "tetap"
            else f" Kelengkapan data desa tetap {_pct(end)}."
        )
    elif end is not None:
        data = f" Kelengkapan data desa {_pct(end)}."
    else:
        data = " Belum ada data desa yang terisi tahun ini."
    return plan + data


def review_recommendations(
    counts: PlanCounts, end: float | None, coarse: Iterable[str], late: Iterable[str]
) -> tuple[str, ...]:
    """Recommendations for next year's RKPD from the year's plan and data (``coarse``: indicator
    codes whose figures stop above the desa; ``late``: codes mostly entered late)."""
    out = []
    if counts.overdue:
        out.append(
            f"Tuntaskan {counts.overdue} tindakan perbaikan data yang melewati tenggat dan anggarkan "
            "kelanjutannya dalam Renja OPD penanggung jawab."
        )
    coarse = list(coarse)
    if coarse:
        out.append(
            "Prioritaskan pengumpulan data tingkat desa/kelurahan untuk indikator "
            + ", ".join(coarse[:8])
            + (" dan lainnya" if len(coarse) > 8 else "")
            + "."
        )
    late = list(late)
    if late:
        out.append(
            "Tetapkan jadwal pelaporan dan pemantauan ketepatan waktu untuk indikator "
            + ", ".join(late[:8])
            + (" dan lainnya" if len(late) > 8 else "")
            + "."
        )
    if end is not None and end < 0.8:
        out.append(
            "Tingkatkan kelengkapan data desa hingga sedikitnya 80 % melalui pendampingan operator desa."
        )
    if not counts.planned:
        out.append("Susun rencana perbaikan sistem manajemen data (Aksi 6) untuk tahun berikutnya.")
    return tuple(out)
