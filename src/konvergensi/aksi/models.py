from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergensi_core.aksi import AKSI_BY_NOMOR, Status


class StatusChoices(models.TextChoices):
    BELUM_MULAI = Status.BELUM_MULAI.value, _("Belum mulai")
    DRAF = Status.DRAF.value, _("Draf")
    DIAJUKAN = Status.DIAJUKAN.value, _("Diajukan")
    PERLU_PERBAIKAN = Status.PERLU_PERBAIKAN.value, _("Perlu perbaikan")
    DIVERIFIKASI = Status.DIVERIFIKASI.value, _("Diverifikasi")


class Siklus(models.Model):
    """One district's annual cycle of the eight aksi."""

    kabkota = models.ForeignKey(
        "wilayah.Region",
        on_delete=models.PROTECT,
        related_name="siklus_set",
        limit_choices_to={"level": "kabkota"},
    )
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kabkota_id", "-tahun"]
        verbose_name = _("siklus")
        verbose_name_plural = _("siklus")
        constraints = [
            models.UniqueConstraint(fields=["kabkota", "tahun"], name="siklus_unique_per_year"),
            models.CheckConstraint(
                condition=models.Q(tahun__gte=2018, tahun__lte=2100), name="siklus_tahun_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun}"


class Aksi(models.Model):
    siklus = models.ForeignKey(Siklus, on_delete=models.CASCADE, related_name="aksi_set")
    nomor = models.PositiveSmallIntegerField(_("aksi"))
    status = models.CharField(
        _("status"), max_length=16, choices=StatusChoices.choices, default=StatusChoices.BELUM_MULAI
    )
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)
    opd = models.ForeignKey(
        "wilayah.OPD",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("OPD penanggung jawab"),
    )
    # Compare-and-set counter: every write bumps it, so concurrent edits never overwrite silently.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["siklus_id", "nomor"]
        verbose_name = _("aksi")
        verbose_name_plural = _("aksi")
        constraints = [
            models.UniqueConstraint(fields=["siklus", "nomor"], name="aksi_unique_per_siklus"),
            models.CheckConstraint(condition=models.Q(nomor__gte=1, nomor__lte=8), name="aksi_nomor_1_to_8"),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]), name="aksi_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Aksi {self.nomor} – {self.nama}"

    @property
    def nama(self) -> str:
        return AKSI_BY_NOMOR[self.nomor].nama

    @property
    def kabkota_kode(self) -> str:
        return self.siklus.kabkota_id


class Transition(models.Model):
    """Every status change: who, when, from, to, why."""

    aksi = models.ForeignKey(Aksi, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=StatusChoices.choices)
    to_status = models.CharField(max_length=16, choices=StatusChoices.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.aksi_id}: {self.from_status} -> {self.to_status}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # Never the user's file name on disk: a random name under the district's folder.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.aksi.siklus.kabkota_id}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    aksi = models.ForeignKey(Aksi, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    aksi = models.ForeignKey(Aksi, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField(_("komentar"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_id} @ {self.aksi_id}"


class LockSource(models.TextChoices):
    VERIFIKASI = "verifikasi", _("Verifikasi provinsi")
    PENILAIAN = "penilaian", _("Penilaian kinerja")


class DataLock(models.Model):
    """The approval lock (docs/aksi.md, "Kunci data"): while a lock is active (``unlocked_at`` empty)
    the data of aksi ``nomor`` of ``tahun`` of the district — every aksi when ``nomor`` is empty (a
    published assessment) — cannot be changed. Rows are never deleted: unlocking fills the
    ``unlocked_*`` fields, so the history of who locked and who opened stays."""

    kabkota = models.ForeignKey(
        "wilayah.Region",
        on_delete=models.PROTECT,
        related_name="data_locks",
        limit_choices_to={"level": "kabkota"},
    )
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    nomor = models.PositiveSmallIntegerField(_("aksi"), null=True, blank=True)
    source = models.CharField(max_length=16, choices=LockSource.choices)
    locked_at = models.DateTimeField(auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("alasan"), blank=True)

    class Meta:
        ordering = ["kabkota_id", "tahun", "nomor", "locked_at"]
        verbose_name = _("kunci data")
        verbose_name_plural = _("kunci data")
        indexes = [models.Index(fields=["kabkota", "tahun"], name="datalock_kab_tahun")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nomor__isnull=True) | models.Q(nomor__gte=1, nomor__lte=8),
                name="datalock_nomor_1_to_8",
            ),
            models.UniqueConstraint(
                fields=["kabkota", "tahun", "nomor", "source"],
                condition=models.Q(unlocked_at__isnull=True),
                name="datalock_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun} aksi {self.nomor or '*'} ({self.source})"

    @property
    def active(self) -> bool:
        return self.unlocked_at is None
