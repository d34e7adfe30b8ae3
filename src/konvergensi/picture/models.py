"""Stored aggregates of the national and provincial picture (gambaran).

``RegionFigure`` is one figure of one region for one layer key and period: the numerator and
denominator it rests on, the value (a percentage, or an amount), its CI where it has one, and
whether it is suppressed. Rows are written at commit/publish time by :mod:`.services` (never
computed from children's rows on a page view) and read per parent, so a page costs O(children).
"""

from __future__ import annotations

from django.db import models


class RegionFigure(models.Model):
    kode = models.CharField(max_length=13)  # "" = the nation
    level = models.CharField(max_length=10)  # nasional, provinsi, kabkota, kecamatan, desa
    parent = models.CharField(max_length=13, blank=True)  # "" for provinces (and for the nation itself)
    key = models.CharField(max_length=40)  # layer key: prevalensi-stunted, cakupan-A01, anggaran
    periode = models.CharField(max_length=7)  # "2026" or "2026-S1"
    tahun = models.PositiveSmallIntegerField()
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)  # percent (0–100) or an amount
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    n = models.BigIntegerField(null=True, blank=True)  # children measured / desa reporting / …
    suppressed = models.BooleanField(default=False)
    partial = models.PositiveIntegerField(default=0)  # children left out (suppressed or missing)
    source = models.CharField(max_length=40, blank=True)  # e.g. the publication a figure comes from
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kode", "key", "periode"], name="picture_figure_unique"),
        ]
        indexes = [
            models.Index(fields=["parent", "key", "periode"], name="picture_children_idx"),
            models.Index(fields=["kode", "key"], name="picture_trend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kode or 'ID'} {self.key} {self.periode}: {self.value}"
