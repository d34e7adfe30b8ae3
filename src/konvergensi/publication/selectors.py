"""Reads of what is public: the current publications (one per published round, none withdrawn)."""

from __future__ import annotations

from django.db.models import QuerySet

from konvergensi.measurements.models import MeasurementRound, RoundStatus

from .models import Publication


def current_publications(*, kabkota: str | None = None) -> QuerySet[Publication]:
    """The publications the public sees: one per published round (withdrawn ones are gone)."""
    qs = Publication.objects.filter(withdrawn_at__isnull=True, round__status=RoundStatus.DIPUBLIKASIKAN)
    if kabkota is not None:
        qs = qs.filter(round__kabkota_id=kabkota)
    return qs.select_related("round", "round__kabkota").order_by("-round__tanggal_mulai", "-published_at")


def publication_current(*, kabkota: str, round_id: int) -> Publication | None:
    return current_publications(kabkota=kabkota).filter(round_id=round_id).first()


def publication_current_for_round(rnd: MeasurementRound) -> Publication | None:
    return current_publications(kabkota=rnd.kabkota_id).filter(round=rnd).first()


def publication_history(rnd: MeasurementRound, *, limit: int = 10) -> list[Publication]:
    """The round's publications, current and withdrawn, newest first."""
    return list(
        Publication.objects.filter(round=rnd).select_related("published_by").order_by("-published_at")[:limit]
    )
