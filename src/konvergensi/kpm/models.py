"""Aksi 5: the Kader Pembangunan Manusia (KPM) of each desa and the Skor Konvergensi Desa.

Per desa its KPM (name and contact: personal data, shown only to the desa itself, its kecamatan and
the district operator) with the trainings they had. Per desa and quarter a scorecard: per indicator
the number of targets and how many received the service (counts only: the per-person template is
turned into counts by the import and never kept). The indicator list is national
(``data/skor/indikator_skor_desa.csv``); a district may switch an indicator off for itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    IBU_HAMIL = "ibu_hamil", _("Ibu hamil")
    ANAK = "anak_0_23", _("Anak 0–23 bulan")


class Kpm(models.Model):
    """A Kader Pembangunan Manusia of one desa. No NIK."""

    desa = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    nama = models.CharField(_("nama"), max_length=120)
    kontak = models.CharField(_("telepon/WA"), max_length=40, blank=True)
    aktif = models.BooleanField(_("aktif"), default=True)
    since = models.DateField(_("bertugas sejak"), null=True, blank=True)
    notes = models.CharField(_("catatan"), max_length=400, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["desa_id", "-aktif", "nama", "id"]
        indexes = [models.Index(fields=["kabkota", "aktif"])]

    def __str__(self) -> str:
        return f"{self.desa_id} KPM {self.pk}"


class Training(models.Model):
    """A training a KPM had (nama pelatihan, penyelenggara, dates)."""

    kpm = models.ForeignKey(Kpm, on_delete=models.CASCADE, related_name="trainings")
    nama = models.CharField(_("nama pelatihan"), max_length=200)
    penyelenggara = models.CharField(_("penyelenggara"), max_length=200, blank=True)
    mulai = models.DateField(_("tanggal mulai"))
    selesai = models.DateField(_("tanggal selesai"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpm_id", "mulai", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(selesai__isnull=True) | models.Q(selesai__gte=models.F("mulai")),
                name="kpm_training_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpm_id} {self.nama[:40]}"


class SkorIndicator(models.Model):
    """An indicator of the scorecard, from the national list (its edition in ``versi``)."""

    kode = models.CharField(max_length=8, unique=True)
    group = models.CharField(max_length=10, choices=Group.choices)
    urutan = models.PositiveSmallIntegerField(default=0)
    nama = models.CharField(max_length=200)
    keterangan = models.CharField(max_length=400, blank=True)
    default_active = models.BooleanField(default=True)
    versi = models.CharField(max_length=20)

    class Meta:
        ordering = ["group", "urutan", "kode"]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"


class IndicatorSetting(models.Model):
    """A district's choice for one indicator (switched off: not applicable in the district)."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(SkorIndicator, on_delete=models.CASCADE, related_name="settings")
    active = models.BooleanField(default=True)
    reason = models.CharField(max_length=400, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kabkota", "indicator"], name="kpm_setting_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.indicator_id} {self.active}"


class Source(models.TextChoices):
    FORM = "form", _("isian jumlah")
    IMPORT = "impor", _("templat per orang")


class Scorecard(models.Model):
    """The scorecard of one desa for one quarter; its counts per indicator in :class:`ScoreCount`."""

    desa = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    triwulan = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.FORM)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["desa_id", "tahun", "triwulan"]
        constraints = [
            models.UniqueConstraint(fields=["desa", "tahun", "triwulan"], name="kpm_scorecard_once"),
            models.CheckConstraint(
                condition=models.Q(triwulan__gte=1, triwulan__lte=4), name="kpm_triwulan_1_4"
            ),
        ]
        indexes = [models.Index(fields=["kabkota", "tahun"])]

    def __str__(self) -> str:
        return f"{self.desa_id} {self.tahun} TW{self.triwulan}"


class ScoreCount(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="counts")
    indicator = models.ForeignKey(SkorIndicator, on_delete=models.PROTECT, related_name="+")
    targets = models.PositiveIntegerField()
    received = models.PositiveIntegerField()

    class Meta:
        ordering = ["scorecard_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "indicator"], name="kpm_count_once"),
            models.CheckConstraint(
                condition=models.Q(received__lte=models.F("targets")), name="kpm_received_le_targets"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard_id} {self.indicator_id} {self.received}/{self.targets}"
