"""The demo's publications: the demo district's measurement rounds published, as the task does."""

from __future__ import annotations

from konvergensi.measurements.demo import DEMO_ROUNDS
from konvergensi.measurements.models import MeasurementRound

from . import reports, selectors, services, snapshot


def demo_publish(kabkota: str, *, operator) -> dict[str, int]:
    """Publish the demo rounds of ``kabkota`` that hold measurements and are not published yet,
    oldest first (so the latest shows the trend). Idempotent."""
    rounds = MeasurementRound.objects.filter(
        kabkota_id=kabkota, nama__in=[nama for nama, *_rest in DEMO_ROUNDS]
    ).order_by("tanggal_mulai", "pk")
    published = 0
    for rnd in rounds:
        if selectors.publication_current_for_round(rnd) is None and rnd.measurements.exists():
            data = snapshot.publication_build(rnd)
            pdf = reports.publication_pdf(data, reports.figure_svgs(data, prefix="pdf"))
            services.publication_store(rnd=rnd, data=data, pdf=pdf, by=operator)
            published += 1
    return {"published": published}
