"""The approval lock: verified (or assessed) data stay as they were verified (docs/aksi.md, "Kunci data").

When the province verifies an aksi, the data that aksi rests on for that year of that district are
locked (``lock``, called by ``services.aksi_move`` on VERIFY); when the province publishes an
assessment, every aksi of the year is locked (``lock_year``). Every write service of the domain apps
calls ``require_open(kabkota, tahun, nomor)`` first: a locked year refuses the write with one
Indonesian sentence (a ``ValidationError``, shown as a form error or a flash message).

Only the province of the district opens a lock again (``unlock``), with a reason, audited. Opening
the lock of a verified aksi reopens the aksi (*diverifikasi → perlu perbaikan*, the state machine's
REOPEN with the same reason), so the district can work on it and submit it again; reopening an aksi
through ``aksi_move(REOPEN)`` opens its lock as well. The lock of a published assessment (``nomor``
empty) is opened on its own and leaves the aksi's status alone.

Domain apps import this module (domain → aksi, never the other way round).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope

from .lock_rows import lock, release
from .models import Aksi, DataLock, LockSource

__all__ = [
    "active_lock",
    "is_locked",
    "lock",
    "lock_year",
    "locks_for",
    "refusal",
    "release",
    "require_open",
    "unlock",
]

AKSI_NUMBERS = range(1, 9)


def _active(kabkota: str, tahun: int):
    return DataLock.objects.filter(kabkota_id=kabkota, tahun=int(tahun), unlocked_at__isnull=True)


def active_lock(kabkota: str, tahun: int, nomor: int) -> DataLock | None:
    """The lock that keeps aksi ``nomor``'s data of ``tahun`` closed (its own verification first,
    then a published assessment), or None when the data are open."""
    locks = list(_active(kabkota, tahun).filter(_covering(nomor)))
    locks.sort(key=lambda lk: (lk.nomor is None, lk.locked_at))
    return locks[0] if locks else None


def _covering(nomor: int) -> Q:
    """The locks that close aksi ``nomor``: its own, and those of every aksi."""
    return Q(nomor=int(nomor)) | Q(nomor__isnull=True)


def is_locked(kabkota: str, tahun: int, nomor: int) -> bool:
    return _active(kabkota, tahun).filter(_covering(nomor)).exists()


def message(lock: DataLock, nomor: int) -> str:
    """The one sentence a refused write shows."""
    values = {"nomor": nomor, "tahun": lock.tahun}
    if lock.source == LockSource.PENILAIAN:
        return (
            _(
                "Data Aksi %(nomor)s tahun %(tahun)s sudah dikunci karena penilaian kinerja provinsi "
                "telah diterbitkan; minta provinsi membuka kunci."
            )
            % values
        )
    return (
        _(
            "Data Aksi %(nomor)s tahun %(tahun)s sudah dikunci karena telah diverifikasi provinsi; "
            "minta provinsi membuka kunci."
        )
        % values
    )


def refusal(kabkota: str, tahun: int | str, nomor: int) -> str | None:
    """The sentence of ``require_open`` without raising (None when open): for an import's check,
    so that its preview already says the data are locked."""
    try:
        year = int(tahun)
    except (TypeError, ValueError):
        return None
    lock = active_lock(kabkota, year, nomor)
    return message(lock, nomor) if lock is not None else None


def require_open(kabkota: str, tahun: int | str, nomor: int) -> None:
    """Raise ``ValidationError`` (one Indonesian sentence) when aksi ``nomor``'s data of ``tahun``
    of ``kabkota`` are locked. Call it first in every write of those data."""
    sentence = refusal(kabkota, tahun, nomor)  # a year that is no number: the service's own check says so
    if sentence is not None:
        raise ValidationError(sentence)


def locks_for(kabkota: str, tahun: int) -> dict[int, DataLock]:
    """Aksi number → the lock that closes it, for the pages (Pantau Aksi's lock icons)."""
    result: dict[int, DataLock] = {}
    rows = list(_active(kabkota, tahun).order_by("locked_at"))
    for lk in rows:
        if lk.nomor is not None:
            result.setdefault(lk.nomor, lk)
    for lk in rows:
        if lk.nomor is None:
            for nomor in AKSI_NUMBERS:
                result.setdefault(nomor, lk)
    return result


def lock_year(*, kabkota: str, tahun: int, by, reason: str = "") -> DataLock:
    """Lock the data of every aksi of ``tahun`` (a published assessment)."""
    row = lock(kabkota, tahun, None, by, LockSource.PENILAIAN)
    if reason and not row.reason:
        DataLock.objects.filter(pk=row.pk).update(reason=reason.strip())
        row.reason = reason.strip()
    return row


def unlock(*, scope: Scope, kabkota: str, tahun: int, nomor: int | None, by, reason: str) -> int:
    """Open a lock: only the province of the district, with a reason (audited, ``data.unlock``).

    ``nomor`` given: the verification lock of that aksi; a verified aksi is reopened (REOPEN, to
    *perlu perbaikan* with the reason) so that the district can work on it again. ``nomor`` None:
    the year's assessment lock. Returns how many locks were opened."""
    from konvergensi_core import aksi as rules

    from . import services

    require(scope, Permission.AKSI_REVIEW, kabkota)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasan membuka kunci.")})
    with transaction.atomic():
        if nomor is not None:
            aksi = (
                Aksi.objects.select_related("siklus")
                .filter(siklus__kabkota_id=kabkota, siklus__tahun=int(tahun), nomor=int(nomor))
                .first()
            )
            if aksi is not None and aksi.status == rules.Status.DIVERIFIKASI:
                before = DataLock.objects.filter(
                    kabkota_id=kabkota, tahun=int(tahun), nomor=int(nomor), unlocked_at__isnull=True
                ).count()
                services.aksi_move(
                    scope=scope,
                    aksi=aksi,
                    move=rules.Move.REOPEN,
                    expected_version=aksi.version,
                    reason=reason,
                    by=by,
                )
                return before
        opened = release(kabkota=kabkota, tahun=tahun, nomor=nomor, by=by, reason=reason)
    if not opened:
        raise ValidationError(_("Data ini tidak terkunci."))
    return opened
