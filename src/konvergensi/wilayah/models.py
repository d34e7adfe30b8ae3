from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergensi_core import kode as kode_rules


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABKOTA = "kabkota", _("Kabupaten/Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa/Kelurahan")


class Region(models.Model):
    """One table for every level of the Kemendagri hierarchy, keyed by the dotted code.

    Ancestry is the code prefix (``konvergensi_core.kode.ancestors``), so a lookup of all
    ancestors is a single ``kode__in`` query and a subtree is ``kode__startswith``.
    """

    kode = models.CharField(_("kode"), max_length=13, primary_key=True)
    nama = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices, db_index=True)
    jenis = models.CharField(_("jenis"), max_length=12)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[lv.value for lv in Level]),
                name="region_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nama} ({self.kode})"

    @property
    def ancestor_kodes(self) -> list[str]:
        return kode_rules.ancestors(self.kode)

    @property
    def kode_angka(self) -> str:
        return self.kode.replace(".", "")


class Puskesmas(models.Model):
    """A health centre and the desa of its service area (wilayah kerja)."""

    kode = models.CharField(_("kode puskesmas"), max_length=20, unique=True)
    nama = models.CharField(_("nama"), max_length=120)
    kabkota = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="puskesmas_set",
        limit_choices_to={"level": "kabkota"},
    )
    kecamatan = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="puskesmas_in_kecamatan",
        limit_choices_to={"level": "kecamatan"},
    )
    desa = models.ManyToManyField(Region, related_name="served_by", blank=True)

    class Meta:
        ordering = ["kecamatan_id", "nama"]
        verbose_name = _("puskesmas")
        verbose_name_plural = _("puskesmas")

    def __str__(self) -> str:
        return self.nama


class OPD(models.Model):
    """A regional government agency (Organisasi Perangkat Daerah) of one district."""

    kabkota = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="opd_set",
        limit_choices_to={"level": "kabkota"},
    )
    singkatan = models.CharField(_("singkatan"), max_length=30)
    nama = models.CharField(_("nama"), max_length=200)

    class Meta:
        ordering = ["kabkota_id", "singkatan"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        constraints = [
            models.UniqueConstraint(fields=["kabkota", "singkatan"], name="opd_unique_per_kabkota"),
        ]

    def __str__(self) -> str:
        return f"{self.singkatan} – {self.nama}"
