"""Budget tagging and tracking (issue 15): the district's APBD sub-kegiatan lines that support stunting
reduction, tagged (category, target groups, indicators, desa, direct to target) with their ceiling
(pagu) and realisation per quarter, per year and stage (murni / perubahan); and the national
catalogue of sub-kegiatan codes with a suggested category.

The rules (validation, totals, shares, flags) are in ``konvergensi_core.budget``; the file reader and
the template in ``konvergensi_core.io.budget`` / ``budget_xlsx``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    MURNI = "murni", _("APBD murni")
    PERUBAHAN = "perubahan", _("APBD perubahan")


class Category(models.TextChoices):
    SPESIFIK = "spesifik", _("Intervensi spesifik")
    SENSITIF = "sensitif", _("Intervensi sensitif")
    PENDAMPING = "pendamping", _("Pendamping (koordinasi, data, tata kelola)")


class SubKegiatan(models.Model):
    """One code of the Kepmendagri nomenclature in the national list of stunting-relevant sub-kegiatan
    (the official list is not public: the national role imports and edits it)."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama sub kegiatan"), max_length=400)
    category = models.CharField(_("kategori usulan"), max_length=12, choices=Category.choices, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}"


class BudgetLine(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("tahun anggaran"))
    stage = models.CharField(_("tahap"), max_length=10, choices=Stage.choices, default=Stage.MURNI)
    code = models.CharField(_("kode sub kegiatan"), max_length=40)
    name = models.CharField(_("nama sub kegiatan"), max_length=400)
    opd = models.ForeignKey("wilayah.OPD", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("sumber dana"), max_length=20)  # konvergensi_core.budget.SOURCES
    pagu = models.BigIntegerField(_("pagu"))
    realisasi_tw1 = models.BigIntegerField(_("realisasi TW1"), null=True, blank=True)
    realisasi_tw2 = models.BigIntegerField(_("realisasi TW2"), null=True, blank=True)
    realisasi_tw3 = models.BigIntegerField(_("realisasi TW3"), null=True, blank=True)
    realisasi_tw4 = models.BigIntegerField(_("realisasi TW4"), null=True, blank=True)
    category = models.CharField(_("kategori"), max_length=12, choices=Category.choices)
    target_groups = models.JSONField(_("kelompok sasaran"), default=list, blank=True)
    indicators = models.JSONField(_("indikator"), default=list, blank=True)  # 2025 catalogue codes
    locations = models.JSONField(_("lokasi"), default=list, blank=True)  # desa codes; empty = district-wide
    direct = models.BooleanField(_("belanja langsung ke sasaran"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kabkota_id", "tahun", "stage", "code", "opd_id", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabkota", "tahun", "stage", "code", "opd", "source"], name="budget_line_once"
            ),
            models.CheckConstraint(condition=models.Q(pagu__gte=0), name="budget_line_pagu_not_negative"),
            models.CheckConstraint(
                condition=models.Q(stage__in=[s.value for s in Stage]), name="budget_line_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun} {self.code}"

    @property
    def realisasi(self) -> tuple[int | None, int | None, int | None, int | None]:
        return (self.realisasi_tw1, self.realisasi_tw2, self.realisasi_tw3, self.realisasi_tw4)
