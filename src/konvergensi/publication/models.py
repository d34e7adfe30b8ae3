"""What the public sees of a measurement round (Aksi 7).

* ``Publication``: the frozen, suppressed aggregates of a published round (built by
  :mod:`.snapshot`), its PDF, who published it and when, and its withdrawal. The model moved here
  from the measurements app (issue 12 §3); its table kept its name, ``measurements_publication``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


def publication_path(instance: Publication, filename: str) -> str:
    return f"publikasi/{instance.round.kabkota_id}/{instance.round_id}-{instance.pk}.pdf"


class Publication(models.Model):
    """What the public sees of a round: aggregates frozen and suppressed at the moment of publishing."""

    round = models.ForeignKey(
        "measurements.MeasurementRound", on_delete=models.CASCADE, related_name="publications"
    )
    data = models.JSONField()  # suppressed tables, quality summary, trends: never a personal field
    pdf = models.FileField(upload_to=publication_path, blank=True, max_length=200)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "measurements_publication"  # the table of the measurements app, where the model was
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.round} @ {self.published_at:%Y-%m-%d}"
