"""The national list of scorecard indicators, from ``data/skor/indikator_skor_desa.csv``.

Loaded into :class:`SkorIndicator` the first time it is asked for (and again after a flush of the
tables, as the transactional tests do); a new edition of the file (its ``versi``) updates the rows
by code. Indicators are never deleted: stored counts point at them.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.conf import settings

from konvergensi_core.scorecard import Indicator

from .models import SkorIndicator

PATH = Path(settings.BASE_DIR) / "data" / "skor" / "indikator_skor_desa.csv"


@cache
def rows() -> tuple[dict, ...]:
    with PATH.open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def version() -> str:
    return rows()[0]["versi"] if rows() else ""


def ensure() -> None:
    """Load or update the national list when the table is empty or holds another edition."""
    current = version()
    if SkorIndicator.objects.filter(versi=current).count() == len(rows()):
        return
    for r in rows():
        SkorIndicator.objects.update_or_create(
            kode=r["kode"],
            defaults={
                "group": r["kelompok"],
                "urutan": int(r["urutan"]),
                "nama": r["nama"],
                "keterangan": r["keterangan"],
                "default_active": r["berlaku_default"].strip() == "1",
                "versi": r["versi"],
            },
        )


def all_indicators() -> list[SkorIndicator]:
    ensure()
    return list(SkorIndicator.objects.filter(versi=version()).order_by("group", "urutan", "kode"))


def core(indicators) -> list[Indicator]:
    return [Indicator(i.kode, i.group, i.nama) for i in indicators]
