"""Aksi 4: the legal footing of the desa's role in stunting reduction.

Per district, the Perbup/Perwali on the role and authority of the desa (its number, title, status in
the order draft → harmonisation → signed → promulgated, each step dated, and the document). Per desa,
its own regulations (Perdes/Perkades) and the APBDes allocations for stunting, entered by the desa
or the district operator. The district page shows which confirmed lokus desa have both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """The steps of a Perbup/Perwali, in order."""

    DRAF = "draf", _("Rancangan")
    HARMONISASI = "harmonisasi", _("Harmonisasi")
    DITANDATANGANI = "ditandatangani", _("Ditandatangani")
    DIUNDANGKAN = "diundangkan", _("Diundangkan")


STATUS_ORDER = [s.value for s in Status]
SIGNED = frozenset({Status.DITANDATANGANI.value, Status.DIUNDANGKAN.value})


class RegulationKind(models.TextChoices):
    PERBUP = "perbup", _("Peraturan Bupati")
    PERWALI = "perwali", _("Peraturan Wali Kota")


class VillageKind(models.TextChoices):
    PERDES = "perdes", _("Peraturan Desa")
    PERKADES = "perkades", _("Peraturan Kepala Desa")


class Regulation(models.Model):
    """A Perbup/Perwali of the district on the role of the desa in stunting reduction."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("jenis"), max_length=8, choices=RegulationKind.choices, default=RegulationKind.PERBUP
    )
    number = models.CharField(_("nomor"), max_length=60, blank=True)
    title = models.CharField(_("judul"), max_length=400)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAF)
    file = models.FileField(upload_to="regulasi/%Y/", blank=True, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)  # compare-and-set of the status
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kabkota_id", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=STATUS_ORDER), name="regulations_regulation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.number or self.title[:40]}"

    @property
    def signed(self) -> bool:
        return self.status in SIGNED


class Step(models.Model):
    """A status the Perbup/Perwali reached, and when."""

    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=14, choices=Status.choices)
    date = models.DateField(_("tanggal"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["regulation_id", "date", "id"]
        constraints = [models.UniqueConstraint(fields=["regulation", "status"], name="regulations_step_once")]

    def __str__(self) -> str:
        return f"{self.regulation_id} {self.status}"


class VillageRegulation(models.Model):
    """A Perdes or Perkades of one desa on its part in stunting reduction."""

    desa = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("jenis"), max_length=8, choices=VillageKind.choices)
    number = models.CharField(_("nomor"), max_length=60)
    date = models.DateField(_("tanggal penetapan"))
    title = models.CharField(_("judul"), max_length=400)
    file = models.FileField(upload_to="regulasi-desa/%Y/", blank=True, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["desa_id", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.desa_id} {self.kind} {self.number}"


class Allocation(models.Model):
    """An APBDes allocation of one desa for stunting reduction in one budget year."""

    desa = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("tahun anggaran"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    purpose = models.CharField(_("untuk"), max_length=400)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["desa_id", "-tahun", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="regulations_allocation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.desa_id} {self.tahun} {self.amount}"
