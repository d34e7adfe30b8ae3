"""Reads of the annual review, within the reader's scope (``REVIEW_READ`` on the district: operator,
OPD, province, nation), and the review assembled on the fly from the registered sections."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope, scope_filter

from . import sections
from .models import Review, ReviewSection

log = logging.getLogger(__name__)


def may_read(scope: Scope, kabkota: str) -> bool:
    return has_permission(scope, Permission.REVIEW_READ, kabkota)


def may_manage(scope: Scope, kabkota: str) -> bool:
    return has_permission(scope, Permission.REVIEW_MANAGE, kabkota)


def review_for(*, scope: Scope, kabkota: str, tahun: int) -> Review | None:
    if not may_read(scope, kabkota):
        return None
    qs = scope_filter(Review.objects.filter(kabkota_id=kabkota, tahun=tahun), scope, "kabkota_id")
    return qs.select_related("kabkota").first()


def review_get(*, scope: Scope, pk: int) -> Review | None:
    review = scope_filter(Review.objects.select_related("kabkota"), scope, "kabkota_id").filter(pk=pk).first()
    return review if review is not None and may_read(scope, review.kabkota_id) else None


def sections_of(review: Review) -> list[ReviewSection]:
    return list(review.sections.all())


def final_review(kabkota: str, tahun: int) -> Review | None:
    return Review.objects.filter(kabkota_id=kabkota, tahun=tahun, status="final").first()


@dataclass
class Assembled:
    """A section built now (not stored): what the document shows when no review is stored yet."""

    key: str
    title: str
    order: int
    figures: sections.SectionFigures
    recommendations: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.figures.sentence


def assemble(kabkota: str, tahun: int) -> list[Assembled]:
    """Every registered section of the district's year, built from the stored figures now. A section
    whose source fails is shown as not available (and logged) rather than breaking the review."""
    out = []
    for source in sections.sources():
        try:
            figures = source.build(kabkota, tahun)
        except Exception:  # a broken source must not stop the whole review
            log.exception("review section %s failed for %s %s", source.key, kabkota, tahun)
            figures = sections.SectionFigures(
                sentence="Bagian ini tidak dapat disusun dari data yang ada.", available=False
            )
        out.append(Assembled(source.key, source.title, source.order, figures, list(figures.recommendations)))
    return out
