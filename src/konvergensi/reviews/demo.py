"""The demo district's Aksi 8: the annual review of the demo year, assembled from everything the demo
loaded before it (plan, budget, coverage, rounds, lokus, rembuk and the sections of the other apps),
with one recommendation written by the team. It stays a draft: the team finalises it at year end.
Run after the other demos (``konvergensi.demo.demo_load``)."""

from __future__ import annotations

from konvergensi.accounts.scope import scope_for_user
from konvergensi.wilayah.models import Region

from . import services
from .models import Review

TEAM_RECOMMENDATION = (
    "Bentuk forum data stunting bulanan antara Dinas Kesehatan, DPMD dan Bappeda untuk memantau "
    "cakupan desa lokus sepanjang tahun (demo)."
)


def review_demo(kabkota: str, *, tahun: int, operator) -> dict[str, int]:
    scope = scope_for_user(operator)
    existing = Review.objects.filter(kabkota_id=kabkota, tahun=tahun).first()
    if existing is not None and existing.frozen:
        return {"review_sections": existing.sections.count()}
    review = services.review_build(
        scope=scope, kabkota=Region.objects.get(kode=kabkota), tahun=tahun, by=operator,
        expected_version=existing.version if existing else None,
    )  # fmt: skip
    review.refresh_from_db()
    if not review.recommendations.filter(text=TEAM_RECOMMENDATION).exists():
        services.recommendation_add(scope=scope, review=review, text=TEAM_RECOMMENDATION,
                                    expected_version=review.version, by=operator)  # fmt: skip
    return {
        "review_sections": review.sections.count(),
        "review_recommendations": review.recommendations.count(),
    }
