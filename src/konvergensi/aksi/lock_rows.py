"""The rows of the approval lock: lock and release, audited (docs/aksi.md, "Kunci data").

Below ``services`` and ``locks``: ``services.aksi_move`` locks on VERIFY and releases on REOPEN,
``locks.unlock`` calls ``aksi_move``. The public API is ``konvergensi.aksi.locks``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from konvergensi.accounts.services import audit

from .models import DataLock, LockSource


def lock(kabkota: str, tahun: int, nomor: int | None, by, source: str = LockSource.VERIFIKASI) -> DataLock:
    """Lock aksi ``nomor``'s data of ``tahun`` (every aksi when ``nomor`` is None). Idempotent: an
    active lock of the same aksi and source is returned as it is."""
    tahun = int(tahun)
    with transaction.atomic():
        existing = (
            DataLock.objects.select_for_update()
            .filter(kabkota_id=kabkota, tahun=tahun, nomor=nomor, source=source, unlocked_at__isnull=True)
            .first()
        )
        if existing is not None:
            return existing
        row = DataLock.objects.create(
            kabkota_id=kabkota, tahun=tahun, nomor=nomor, source=source, locked_by=by
        )
        audit(
            by=by,
            action="data.lock",
            target=row,
            region_kode=kabkota,
            data={"tahun": tahun, "nomor": nomor, "source": str(source)},
        )
    return row


def release(*, kabkota: str, tahun: int, nomor: int | None, by, reason: str) -> int:
    """Open the active locks of exactly ``nomor`` (None: the year's assessment lock) and audit it.
    No permission check: ``unlock`` and ``services.aksi_move(REOPEN)`` check before calling."""
    now = timezone.now()
    opened = 0
    rows = DataLock.objects.select_for_update().filter(
        kabkota_id=kabkota, tahun=int(tahun), nomor=nomor, unlocked_at__isnull=True
    )
    for row in rows:
        DataLock.objects.filter(pk=row.pk).update(
            unlocked_at=now, unlocked_by=by, reason=reason if not row.reason else f"{row.reason}\n{reason}"
        )
        audit(
            by=by,
            action="data.unlock",
            target=row,
            region_kode=kabkota,
            data={"tahun": int(tahun), "nomor": nomor, "source": row.source, "reason": reason},
        )
        opened += 1
    return opened
