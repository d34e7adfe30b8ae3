"""Aksi 6, the district's data-management system (guideline "Aksi Integrasi 6: Sistem Manajemen
Data Stunting"): what the data already say is computed from the stored data (completeness,
timeliness, level of detail, the Aksi 1 notes, the Aksi 7 quality verdicts); stored here are only
what people decide:

* ``DetailLevel``: the level of detail of an indicator's figures (desa, puskesmas or kecamatan) the
  operator records for a year when it cannot be derived from the figures;
* ``Action``: one action of the improvement plan of a year, for one gap — uraian, owner OPD,
  tenggat, status (rencana / berjalan / selesai / batal) with the date it was done and a note.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergensi_core import datasystem as core


class Level(models.TextChoices):
    DESA = core.DESA, _("Desa/kelurahan")
    PUSKESMAS = core.PUSKESMAS, _("Puskesmas saja")
    KECAMATAN = core.KECAMATAN, _("Kecamatan saja")


class DetailLevel(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("tingkat rincian"), max_length=10, choices=Level.choices)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kabkota_id", "tahun", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["kabkota", "tahun", "indicator"], name="datasystem_level_once"),
            models.CheckConstraint(
                condition=models.Q(level__in=["desa", "puskesmas", "kecamatan"]),
                name="datasystem_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun} {self.indicator_id}: {self.level}"


class GapKind(models.TextChoices):
    CATATAN = "catatan", _("Catatan Aksi 1")
    KELENGKAPAN = "kelengkapan", _("Kelengkapan data")
    KETEPATAN = "ketepatan", _("Ketepatan waktu")
    RINCIAN = "rincian", _("Tingkat rincian")
    KUALITAS = "kualitas", _("Kualitas data e-PPGBM (Aksi 7)")
    LAINNYA = "lainnya", _("Lainnya")


class Status(models.TextChoices):
    RENCANA = core.RENCANA, _("Rencana")
    BERJALAN = core.BERJALAN, _("Berjalan")
    SELESAI = core.SELESAI, _("Selesai")
    BATAL = core.BATAL, _("Batal")


class Action(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    gap_kind = models.CharField(_("jenis kesenjangan"), max_length=12, choices=GapKind.choices)
    gap = models.TextField(_("kesenjangan"))  # what the action answers, as shown when it was planned
    note = models.ForeignKey(
        "ansit.DataGapNote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round = models.ForeignKey(
        "measurements.MeasurementRound", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uraian = models.TextField(_("uraian tindakan"))
    opd = models.ForeignKey("wilayah.OPD", on_delete=models.PROTECT, related_name="+", verbose_name=_("OPD"))
    tenggat = models.DateField(_("tenggat"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RENCANA)
    done = models.DateField(_("tanggal selesai"), null=True, blank=True)
    status_note = models.TextField(_("catatan status"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kabkota_id", "-tahun", "tenggat", "id"]
        indexes = [models.Index(fields=["kabkota", "tahun"], name="datasystem_action_kab_tahun")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["rencana", "berjalan", "selesai", "batal"]),
                name="datasystem_action_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(done__isnull=True) | models.Q(status="selesai"),
                name="datasystem_action_done_only_when_selesai",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun}: {self.uraian[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status in core.OPEN_STATUSES
