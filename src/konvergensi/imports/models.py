"""An uploaded file between its check and its commit, and what the check found (issue 12).

Every importer (e-PPGBM measurements, village data, and the later ones) keeps its uploads here:
one row per upload with the file, the state and the counts of the last check, and one row per
problem. The file and the problems may hold personal data (NIK, names): they are deleted after the
commit, on "Batal" and when the upload expires (``KONVERGENSI_STAGED_DAYS``); the row stays with
its counts only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    STAGED = "staged", _("Diunggah")
    CHECKED = "checked", _("Diperiksa")
    COMMITTING = "committing", _("Sedang disimpan")
    COMMITTED = "committed", _("Tersimpan")
    FAILED = "failed", _("Gagal")


# States in which an import never changes again (but for cleaning its files).
FINAL = (ImportStatus.COMMITTED, ImportStatus.FAILED)
# States from which "Simpan", "Batal" and a new check are refused: the commit is under way or done.
LOCKED = (ImportStatus.COMMITTING, ImportStatus.COMMITTED)


def import_path(instance: Import, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"impor/{instance.kabkota_id}/{instance.pk}.{suffix}"


class Import(models.Model):
    """``kind`` names the importer (``konvergensi.imports.kinds``); ``params`` what it imports into
    (e.g. ``{"round": 12}``), never personal data. ``summary`` holds the counts of the last check
    and what the preview shows beside the problems (no personal data either)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to=import_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.STAGED)
    summary = models.JSONField(default=dict, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kabkota", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.kind}, {self.kabkota_id})"

    @property
    def counts(self) -> dict:
        return (self.summary or {}).get("counts", {})


class ImportProblem(models.Model):
    """One problem of the last check, in the one shape of ``konvergensi_core.problems.Problem``.
    A value that is a NIK is stored masked, but where the uploader must see it to fix it."""

    imp = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="problems")
    position = models.PositiveIntegerField()
    sheet = models.CharField(max_length=60, blank=True)
    row = models.PositiveIntegerField(null=True)
    column = models.CharField(max_length=120, blank=True)
    value = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=500)
    severity = models.CharField(max_length=8)
    reject = models.BooleanField(default=True)

    class Meta:
        ordering = ["imp", "position"]
        indexes = [models.Index(fields=["imp", "position"])]

    def __str__(self) -> str:
        return f"{self.sheet}!{self.row} {self.column}: {self.message}"
