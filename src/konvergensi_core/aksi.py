"""The annual cycle of the eight convergence actions: statuses, allowed moves, progress.

Pure rules, shared by the web app and the CLI. The status names are the ones officers use in
Pantau Aksi; the codes are stable identifiers stored in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    BELUM_MULAI = "belum_mulai"
    DRAF = "draf"
    DIAJUKAN = "diajukan"
    PERLU_PERBAIKAN = "perlu_perbaikan"
    DIVERIFIKASI = "diverifikasi"


class Move(StrEnum):
    """What a person does to an aksi. Who may do it is decided by the permission layer."""

    START = "start"  # operator begins work: belum mulai -> draf
    SUBMIT = "submit"  # operator sends it to the province: draf / perlu perbaikan -> diajukan
    VERIFY = "verify"  # province accepts: diajukan -> diverifikasi
    REQUEST_REVISION = "request_revision"  # province sends back, with a reason
    REOPEN = "reopen"  # province reopens a verified aksi, with a reason


TRANSITIONS: dict[Move, tuple[frozenset[Status], Status]] = {
    Move.START: (frozenset({Status.BELUM_MULAI}), Status.DRAF),
    Move.SUBMIT: (frozenset({Status.DRAF, Status.PERLU_PERBAIKAN}), Status.DIAJUKAN),
    Move.VERIFY: (frozenset({Status.DIAJUKAN}), Status.DIVERIFIKASI),
    Move.REQUEST_REVISION: (frozenset({Status.DIAJUKAN}), Status.PERLU_PERBAIKAN),
    Move.REOPEN: (frozenset({Status.DIVERIFIKASI}), Status.PERLU_PERBAIKAN),
}
MOVES_NEEDING_REASON = frozenset({Move.REQUEST_REVISION, Move.REOPEN})


class TransitionError(ValueError):
    """A move that the current status does not allow."""


def next_status(current: Status, move: Move) -> Status:
    sources, target = TRANSITIONS[move]
    if current not in sources:
        raise TransitionError(f"Tidak dapat {move.value} dari status {current.value}")
    return target


def allowed_moves(current: Status) -> list[Move]:
    return [move for move, (sources, _) in TRANSITIONS.items() if current in sources]


@dataclass(frozen=True)
class AksiInfo:
    nomor: int
    nama: str
    output: str
    due_month: int  # month of the year in which the guideline expects it finished
    due_day: int


# Due dates follow the guideline's calendar (seed 000: ansit Jan–Feb, plan in Feb, rembuk
# before the district Musrenbang) and the weighing months (Feb, Aug) for Aksi 7. The
# operator can move any of them.
AKSI: tuple[AksiInfo, ...] = (
    AksiInfo(1, "Analisis Situasi", "Desa lokus, program prioritas, rekomendasi", 2, 28),
    AksiInfo(2, "Rencana Kegiatan", "Rencana kegiatan OPD dan matriks integrasi", 3, 31),
    AksiInfo(3, "Rembuk Stunting", "Komitmen publik dan berita acara", 3, 31),
    AksiInfo(4, "Peraturan Bupati/Walikota", "Perbup/Perwali peran desa", 6, 30),
    AksiInfo(5, "Pembinaan KPM dan Desa", "Daftar KPM dan kartu skor desa", 6, 30),
    AksiInfo(6, "Sistem Manajemen Data", "Laporan kelengkapan dan kualitas data", 9, 30),
    AksiInfo(7, "Pengukuran dan Publikasi Stunting", "Angka stunting terpublikasi", 10, 31),
    AksiInfo(8, "Reviu Kinerja Tahunan", "Laporan reviu kinerja", 12, 31),
)
AKSI_BY_NOMOR = {a.nomor: a for a in AKSI}


def default_due_date(nomor: int, tahun: int) -> dt.date:
    info = AKSI_BY_NOMOR[nomor]
    return dt.date(tahun, info.due_month, info.due_day)


# How far along each status is, for the "% selesai" figures of Pantau Aksi. Only a verified
# aksi counts as complete; submitted work counts for more than a draft.
PROGRESS_WEIGHT: dict[Status, float] = {
    Status.BELUM_MULAI: 0.0,
    Status.DRAF: 0.25,
    Status.PERLU_PERBAIKAN: 0.5,
    Status.DIAJUKAN: 0.75,
    Status.DIVERIFIKASI: 1.0,
}


def is_overdue(status: Status, due: dt.date | None, today: dt.date) -> bool:
    """Late: past its due date and not yet with (or accepted by) the province."""
    if due is None or status in (Status.DIAJUKAN, Status.DIVERIFIKASI):
        return False
    return today > due


@dataclass(frozen=True)
class Progress:
    total: int
    verified: int
    submitted: int
    revision: int
    draft: int
    not_started: int
    overdue: int
    percent: float  # weighted, 0–100

    @property
    def percent_verified(self) -> float:
        return 100.0 * self.verified / self.total if self.total else 0.0


def summarise(items: Iterable[tuple[Status, dt.date | None]], today: dt.date, expected: int = 8) -> Progress:
    """Progress of a set of aksi given as (status, due date) pairs.

    ``expected`` is how many aksi there should be (8 per district per year, 8×n for a
    province). Missing ones count as not started, so a district that has not opened its cycle
    shows 0 %, not "no data".
    """
    counts = dict.fromkeys(Status, 0)
    overdue = 0
    weight = 0.0
    n = 0
    for status, due in items:
        counts[status] += 1
        weight += PROGRESS_WEIGHT[status]
        overdue += is_overdue(status, due, today)
        n += 1
    total = max(expected, n)
    counts[Status.BELUM_MULAI] += total - n
    return Progress(
        total=total,
        verified=counts[Status.DIVERIFIKASI],
        submitted=counts[Status.DIAJUKAN],
        revision=counts[Status.PERLU_PERBAIKAN],
        draft=counts[Status.DRAF],
        not_started=counts[Status.BELUM_MULAI],
        overdue=overdue,
        percent=round(100.0 * weight / total, 1) if total else 0.0,
    )
