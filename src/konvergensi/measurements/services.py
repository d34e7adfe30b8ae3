"""Writes of measurement rounds and imports (publishing is the publication app's). Each checks
permission and audits.

Audit events carry counts only, never a child's personal data (UU 27/2022 PDP).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import Region

from .models import MeasurementRound


def round_create(
    *, scope: Scope, kabkota: Region, nama: str, tanggal_mulai: dt.date, tanggal_selesai: dt.date, by,
    min_cell: int = 10,
) -> MeasurementRound:  # fmt: skip
    """A district's measurement round, e.g. "Februari 2026" from 1 to 28 February."""
    require(scope, Permission.ROUND_MANAGE, kabkota.kode)
    nama = (nama or "").strip()
    if not nama:
        raise ValidationError(_("Nama putaran wajib diisi, mis. 'Februari 2026'."))
    if tanggal_selesai < tanggal_mulai:
        raise ValidationError(_("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    locks.require_open(kabkota.kode, tanggal_mulai.year, 7)  # a round belongs to the year it starts in
    if tanggal_mulai > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError(_("Tanggal mulai terlalu jauh di masa depan."))
    if not 1 <= min_cell <= 100:
        raise ValidationError(_("Batas sel kecil harus antara 1 dan 100 anak."))
    try:
        with transaction.atomic():
            rnd = MeasurementRound.objects.create(
                kabkota=kabkota, nama=nama[:80], tanggal_mulai=tanggal_mulai, tanggal_selesai=tanggal_selesai,
                min_cell=min_cell, created_by=by,
            )  # fmt: skip
            audit(by=by, action="round.create", target=rnd, region_kode=kabkota.kode, data={"nama": rnd.nama})
    except IntegrityError:
        raise ValidationError(_("Putaran dengan nama ini sudah ada.")) from None
    return rnd
