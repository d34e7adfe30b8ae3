"""Aksi 8, the annual performance review (reviu kinerja tahunan) of a district and year.

A review is *assembled* from the registered sections (:mod:`.sections`): when the operator clicks
"Susun" every section is built from the stored figures and its numbers, table and generated sentence
are kept in a :class:`ReviewSection` (the snapshot). The team may replace the generated sentence by
its own (``edited_sentence``): the edit survives a later rebuild, and ``numbers_at_edit`` tells the
page when the numbers changed under it. The recommendations for next year's RKPD are generated with
the sections and may be edited, added or removed. A final review is frozen (``status``); the PDF
attached to Aksi 8 is the evidence (``evidence_id``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAF = "draf", _("Draf")
    FINAL = "final", _("Final")


class Review(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAF)
    built_at = models.DateTimeField(null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed = models.JSONField(default=list, blank=True)  # generated recommendations the team removed
    evidence_id = models.PositiveIntegerField(null=True, blank=True)  # aksi.Evidence of Aksi 8
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kabkota_id", "-tahun"]
        constraints = [
            models.UniqueConstraint(fields=["kabkota", "tahun"], name="reviews_review_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draf", "final"]), name="reviews_review_status"
            ),
        ]

    def __str__(self) -> str:
        return f"Reviu {self.kabkota_id} {self.tahun}"

    @property
    def frozen(self) -> bool:
        return self.status == Status.FINAL


class ReviewSection(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    available = models.BooleanField(default=True)
    numbers = models.JSONField(default=dict, blank=True)
    table = models.JSONField(null=True, blank=True)  # {"headers": [...], "rows": [[...], ...]}
    sentence = models.TextField(blank=True)  # generated
    edited_sentence = models.TextField(blank=True)  # the team's, kept across rebuilds
    numbers_at_edit = models.JSONField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # compare-and-set of the sentence edit

    class Meta:
        ordering = ["review_id", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["review", "key"], name="reviews_section_once")]

    def __str__(self) -> str:
        return f"{self.review_id} {self.key}"

    @property
    def text(self) -> str:
        """The sentence the document shows: the team's edit, else the generated one."""
        return self.edited_sentence or self.sentence

    @property
    def stale_edit(self) -> bool:
        """The numbers changed since the team edited the sentence."""
        return (
            bool(self.edited_sentence)
            and self.numbers_at_edit is not None
            and self.numbers_at_edit != self.numbers
        )


class Recommendation(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    section_key = models.CharField(max_length=40, blank=True)
    text = models.TextField(_("rekomendasi"))
    generated = models.BooleanField(default=False)
    edited = models.BooleanField(default=False)
    urutan = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["review_id", "urutan", "id"]

    def __str__(self) -> str:
        return self.text[:60]
