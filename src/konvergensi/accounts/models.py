from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PUSAT = "pusat", _("Pusat (Bangda)")
    PROVINSI = "provinsi", _("Provinsi")
    OPERATOR = "operator", _("Operator kab/kota (Bappeda)")
    OPD = "opd", _("Staf OPD")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa/Kelurahan")
    PUSKESMAS = "puskesmas", _("Puskesmas")


# The region level a membership of each role is attached to (pusat has none).
ROLE_LEVEL: dict[str, str | None] = {
    Role.PUSAT: None,
    Role.PROVINSI: "provinsi",
    Role.OPERATOR: "kabkota",
    Role.OPD: "kabkota",
    Role.KECAMATAN: "kecamatan",
    Role.DESA: "desa",
    Role.PUSKESMAS: "kecamatan",
}


class Membership(models.Model):
    """What a user is: one role, in one region, for OPD staff one agency, for puskesmas one centre."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices)
    region = models.ForeignKey("wilayah.Region", null=True, blank=True, on_delete=models.PROTECT)
    opd = models.ForeignKey("wilayah.OPD", null=True, blank=True, on_delete=models.PROTECT)
    puskesmas = models.ForeignKey("wilayah.Puskesmas", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keanggotaan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="pusat", region__isnull=True)
                | (~models.Q(role="pusat") & models.Q(region__isnull=False)),
                name="membership_region_matches_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="opd") | models.Q(opd__isnull=False),
                name="membership_opd_staff_has_opd",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="puskesmas") | models.Q(puskesmas__isnull=False),
                name="membership_puskesmas_staff_has_puskesmas",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} {self.region_id or ''}"


class AuditEvent(models.Model):
    """Who changed what, when. Never holds personal data of children."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    region_kode = models.CharField(max_length=13, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
