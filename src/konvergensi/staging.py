"""Uploaded files kept for their preview (personal data until saved): the one place that keeps them
all-or-nothing and counts a district's quota across every importer.

Each importer registers, from its ``AppConfig.ready()``, a function giving the bytes its unsaved
uploads of a district hold; :func:`check_quota` sums them all. Importers never import each other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PROVIDERS: list[Callable[[str], int]] = []


def register(staged_bytes: Callable[[str], int]) -> None:
    """``staged_bytes(kabkota)``: bytes of the district's unsaved uploads of one importer."""
    if staged_bytes not in _PROVIDERS:
        _PROVIDERS.append(staged_bytes)


def check_quota(kabkota: str, incoming: int) -> None:
    """Refuse a new upload when the district's unsaved files (every importer) would pass
    ``KONVERGENSI_STAGED_MB_PER_KABKOTA``."""
    limit_mb = int(settings.KONVERGENSI_STAGED_MB_PER_KABKOTA)
    if sum(p(kabkota) for p in _PROVIDERS) + incoming > limit_mb * 1_048_576:
        raise ValidationError(
            _(
                "Ruang unggahan kabupaten/kota ini penuh (batas %(mb)s MB berkas yang belum disimpan). "
                "Simpan atau batalkan impor yang tertunda dulu."
            )
            % {"mb": limit_mb}
        )


def file_bytes(fields: Iterable) -> int:
    """The size on disk of the given FileFields (missing files count 0)."""
    total = 0
    for field in fields:
        if field:
            with contextlib.suppress(OSError):
                total += field.size
    return total


def keep(instance, field: str, name: str, upload) -> None:
    """Store ``upload`` in ``instance.<field>`` and save the row, or neither (no orphan file)."""
    stored = getattr(instance, field)
    try:
        stored.save(name, upload, save=False)
        instance.save()
    except Exception:
        if stored:
            stored.delete(save=False)
        raise
