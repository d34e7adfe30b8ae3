"""Writes of publications: store a built publication as the round's current one, withdraw it.
Each checks permission (the task that stores was queued by a permitted user) and audits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.measurements.models import MeasurementRound, RoundStatus

from .models import Publication


def publication_store(*, rnd: MeasurementRound, data: dict, pdf: bytes, by) -> Publication:
    """Store a built publication as the round's current one; earlier ones of the round are withdrawn."""
    with transaction.atomic():
        MeasurementRound.objects.select_for_update().filter(pk=rnd.pk).first()
        now = timezone.now()
        Publication.objects.filter(round=rnd, withdrawn_at__isnull=True).update(withdrawn_at=now)
        pub = Publication.objects.create(round=rnd, data=data, published_by=by)
        pub.pdf.save(f"{rnd.pk}-{pub.pk}.pdf", ContentFile(pdf), save=True)
        MeasurementRound.objects.filter(pk=rnd.pk).update(status=RoundStatus.DIPUBLIKASIKAN)
        audit(by=by, action="round.published", target=pub, region_kode=rnd.kabkota_id,
              data={"round": rnd.pk, "measured": data["district"]["measured"]})  # fmt: skip
        from konvergensi.aksi.services import work_started

        # A published round is the work of Aksi 7: it starts the aksi of the round's year.
        work_started(kabkota_kode=rnd.kabkota_id, tahun=rnd.tahun, nomor=7, by=by,
                     reason=_("Putaran %(nama)s dipublikasikan.") % {"nama": rnd.nama})  # fmt: skip
    return pub


def round_withdraw(*, scope: Scope, rnd: MeasurementRound, by, reason: str = "") -> int:
    """Take a round's publication off the public pages (the record stays, with its withdrawal)."""
    require(scope, Permission.ROUND_MANAGE, rnd.kabkota_id)
    locks.require_open(rnd.kabkota_id, rnd.tahun, 7)  # the approval lock (docs/aksi.md)
    with transaction.atomic():
        count = Publication.objects.filter(round=rnd, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if not count and rnd.status != RoundStatus.DIPUBLIKASIKAN:
            raise ValidationError(_("Putaran ini tidak sedang dipublikasikan."))
        MeasurementRound.objects.filter(pk=rnd.pk).update(status=RoundStatus.DRAF)
        rnd.status = RoundStatus.DRAF
        audit(by=by, action="round.withdraw", target=rnd, region_kode=rnd.kabkota_id,
              data={"round": rnd.pk, "reason": (reason or "")[:500]})  # fmt: skip
    return count
