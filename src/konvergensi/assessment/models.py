"""The penilaian kinerja (performance assessment) of the districts' eight aksi (issue 18, PRODUCT §3 J).

A :class:`Rubric` is versioned per year: the nation (``provinsi`` empty) writes it, a province adopts
it (a copy it may adjust for its own rounds). It lists the indicators per aksi (kode ``1.1``, text,
the criterion of each letter, the stage ``dokumen``/``panel``, the weight), the letter → points table,
the stage weights and the class bands (Berdaya / Berkembang / Bertumbuh, minimum scores). A published
rubric is frozen. The scoring itself is ``konvergensi_core.assessment``; nothing here computes it.

A :class:`Round` is a province's assessment of some of its districts in a year with one rubric and
several assessors (province accounts). Each assessor gives each indicator of each district a letter and
a note (:class:`Grade`). When the province publishes the round, the results are computed by the core
and stored on each :class:`RoundDistrict` (score per stage, total, class, rank: the stored aggregate
the maps and rankings read); the district then sees its grades and may respond (:class:`Response`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    DOKUMEN = "dokumen", _("Penilaian dokumen")
    PANEL = "panel", _("Presentasi panel")


class Rubric(models.Model):
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    provinsi = models.ForeignKey(
        "wilayah.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: the national rubric
    versi = models.PositiveSmallIntegerField(default=1)
    nama = models.CharField(_("nama"), max_length=200)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    letters = models.JSONField(default=dict)  # {"A": "100", ...}: points as exact decimal strings
    stages = models.JSONField(default=dict)  # {"dokumen": "60", "panel": "40"}
    classes = models.JSONField(default=list)  # [["Bertumbuh", "0"], ["Berkembang", "60"], ["Berdaya", "80"]]
    published = models.DateTimeField(null=True, blank=True)  # frozen from then on
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tahun", "provinsi_id", "-versi"]
        constraints = [
            models.UniqueConstraint(
                fields=["tahun", "versi"],
                condition=models.Q(provinsi__isnull=True),
                name="assessment_rubric_national_version",
            ),
            models.UniqueConstraint(
                fields=["tahun", "provinsi", "versi"],
                condition=models.Q(provinsi__isnull=False),
                name="assessment_rubric_province_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nama} ({self.tahun} v{self.versi})"

    @property
    def is_national(self) -> bool:
        return self.provinsi_id is None

    @property
    def frozen(self) -> bool:
        return self.published is not None


class RubricIndicator(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="indicators")
    kode = models.CharField(_("kode"), max_length=12)
    aksi = models.PositiveSmallIntegerField(_("aksi"))
    tahap = models.CharField(_("tahap"), max_length=8, choices=Stage.choices)
    bobot = models.DecimalField(_("bobot"), max_digits=9, decimal_places=4)
    uraian = models.TextField(_("uraian"), blank=True)
    kriteria = models.JSONField(default=dict, blank=True)  # letter -> criterion text
    urutan = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rubric_id", "urutan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "kode"], name="assessment_indicator_once"),
            models.CheckConstraint(
                condition=models.Q(aksi__gte=1, aksi__lte=8), name="assessment_indicator_aksi"
            ),
        ]

    def __str__(self) -> str:
        return self.kode


class Round(models.Model):
    provinsi = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    nama = models.CharField(_("nama"), max_length=200)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="rounds")
    assessors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    published = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tahun", "provinsi_id", "-id"]

    def __str__(self) -> str:
        return f"{self.nama} {self.provinsi_id} {self.tahun}"


class RoundDistrict(models.Model):
    """A district in a round: the province's supervision notes and recommendations and, from
    publication on, the stored result (what maps, rankings and the history read)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="districts")
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    supervision = models.TextField(_("catatan pembinaan"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True)
    score_document = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    score_panel = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    kelas = models.CharField(max_length=40, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    missing = models.JSONField(default=list, blank=True)  # indicator codes ungraded at publication

    class Meta:
        ordering = ["round_id", "kabkota_id"]
        constraints = [models.UniqueConstraint(fields=["round", "kabkota"], name="assessment_district_once")]
        indexes = [models.Index(fields=["kabkota", "round"])]

    def __str__(self) -> str:
        return f"{self.round_id} {self.kabkota_id}"


class Grade(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="grades")
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(RubricIndicator, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    huruf = models.CharField(_("huruf"), max_length=4)
    note = models.TextField(_("catatan"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round_id", "kabkota_id", "indicator__urutan", "assessor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kabkota", "indicator", "assessor"], name="assessment_grade_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.indicator_id} {self.huruf}"


class Response(models.Model):
    """The district's answer to its published assessment: on one indicator, or overall (``indicator`` None)."""

    district = models.ForeignKey(RoundDistrict, on_delete=models.CASCADE, related_name="responses")
    indicator = models.ForeignKey(
        RubricIndicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("tanggapan"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["district_id", "at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
