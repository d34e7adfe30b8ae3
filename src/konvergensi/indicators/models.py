"""The indicator catalogue and the village data every analysis stands on ("Master Ansit").

* ``Indicator`` and ``CategoryBand``: the catalogue (both sets), loaded from the versioned files
  in ``konvergensi/data/indikator`` and edited by the national administrator only.
* ``Assignment``: which of the district's OPD fills which indicator.
* ``DataSasaran``: target population per desa and year, entered by the kecamatan or district,
  verified (and so locked) by the camat.
* ``DataValue``: numerator and denominator per indicator, desa and period, with a compare-and-set
  version; ``DataValueHistory`` keeps every change.
* ``ProgramMapping``: which desa have an indicator's programme, and from which funding sources.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergensi_core.sasaran import FIELD_NAMES


class IndicatorSet(models.TextChoices):
    S2018 = "2018", _("Pedoman 2018 (Tabel 1.1)")
    S2025 = "2025", _("Indikator Konvergensi 2025")


class Unit(models.TextChoices):
    PERSEN = "persen", _("persen")
    JUMLAH = "jumlah", _("jumlah (kasus)")


class Indicator(models.Model):
    set = models.CharField(_("set"), max_length=4, choices=IndicatorSet.choices)
    kode = models.CharField(_("kode"), max_length=8)
    nama = models.CharField(_("nama"), max_length=300)
    nama_en = models.CharField(_("nama (Inggris)"), max_length=300, blank=True)
    definisi = models.TextField(_("definisi operasional"), blank=True)
    numerator = models.TextField(_("pembilang"), blank=True)
    denominator = models.TextField(_("penyebut"), blank=True)
    kelompok = models.CharField(_("kelompok"), max_length=40)
    kelompok_label = models.CharField(_("kelompok sasaran"), max_length=120)
    opd_sumber = models.CharField(_("OPD sumber data"), max_length=200, blank=True)
    satuan = models.CharField(_("satuan"), max_length=8, choices=Unit.choices, default=Unit.PERSEN)
    target_nasional = models.DecimalField(
        _("target nasional (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    jenis_intervensi = models.CharField(_("jenis intervensi"), max_length=12, blank=True)
    padanan_2018 = models.CharField(_("padanan 2018"), max_length=80, blank=True)
    catatan = models.TextField(_("catatan"), blank=True)
    urutan = models.PositiveSmallIntegerField(default=0)
    # The fixture version the row came from, and whether the national administrator changed it since.
    versi_katalog = models.CharField(max_length=20, blank=True)
    diubah_manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["urutan", "kode"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [
            models.UniqueConstraint(fields=["kode"], name="indicator_kode_unique"),
            models.CheckConstraint(condition=models.Q(set__in=["2018", "2025"]), name="indicator_set_valid"),
            models.CheckConstraint(
                condition=models.Q(satuan__in=["persen", "jumlah"]), name="indicator_satuan_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    @property
    def is_count(self) -> bool:
        return self.satuan == Unit.JUMLAH

    @property
    def is_main(self) -> bool:
        return self.set == IndicatorSet.S2025 or self.kelompok == "utama"


class CategoryBand(models.Model):
    """Lower edges (percent) of the coverage categories of one indicator, for one year or for every
    year (``tahun`` 0). Memadai is "> ``memadai``" (90 by the guideline)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="bands")
    tahun = models.PositiveSmallIntegerField(_("tahun"), default=0)  # 0: every year without its own row
    memadai = models.DecimalField(_("Memadai di atas (%)"), max_digits=5, decimal_places=1, default=90)
    hampir = models.DecimalField(_("Hampir Memadai mulai (%)"), max_digits=5, decimal_places=1, default=70)
    rendah = models.DecimalField(_("Rendah mulai (%)"), max_digits=5, decimal_places=1, default=50)

    class Meta:
        ordering = ["indicator_id", "tahun"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "tahun"], name="band_unique_per_year"),
            models.CheckConstraint(
                condition=models.Q(rendah__gte=0)
                & models.Q(hampir__gte=models.F("rendah"))
                & models.Q(memadai__gte=models.F("hampir"))
                & models.Q(memadai__lte=100),
                name="band_edges_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.tahun or '*'}: >{self.memadai}/{self.hampir}/{self.rendah}"


class Assignment(models.Model):
    """The district's OPD that fills an indicator (one per indicator and district)."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="assignments")
    opd = models.ForeignKey("wilayah.OPD", on_delete=models.CASCADE, related_name="indicator_assignments")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kabkota", "indicator"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.indicator_id} → {self.opd_id}"


class SasaranStatus(models.TextChoices):
    DRAF = "draf", _("Draf")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi camat")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")


# The counts of a desa's data sasaran, in the order forms and files show them
# (konvergensi_core.sasaran: labels, aliases, which indicator divides by which).
SASARAN_FIELDS = FIELD_NAMES


class DataSasaran(models.Model):
    """Target population of one desa for one year."""

    desa = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="sasaran")
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    penduduk = models.PositiveIntegerField(_("penduduk"), null=True, blank=True)
    jumlah_keluarga = models.PositiveIntegerField(_("keluarga"), null=True, blank=True)
    rumah_tangga = models.PositiveIntegerField(_("rumah tangga"), null=True, blank=True)
    keluarga_berisiko = models.PositiveIntegerField(_("keluarga berisiko stunting"), null=True, blank=True)
    calon_pengantin = models.PositiveIntegerField(_("calon pengantin"), null=True, blank=True)
    remaja_putri = models.PositiveIntegerField(_("remaja putri"), null=True, blank=True)
    ibu_hamil = models.PositiveIntegerField(_("ibu hamil"), null=True, blank=True)
    ibu_nifas = models.PositiveIntegerField(_("ibu bersalin/nifas"), null=True, blank=True)
    lahir_hidup = models.PositiveIntegerField(_("bayi lahir hidup"), null=True, blank=True)
    bayi_0_5 = models.PositiveIntegerField(_("bayi 0–5 bulan"), null=True, blank=True)
    anak_6_23 = models.PositiveIntegerField(_("anak 6–23 bulan"), null=True, blank=True)
    baduta = models.PositiveIntegerField(_("baduta (0–23 bln)"), null=True, blank=True)
    anak_24_59 = models.PositiveIntegerField(_("anak 24–59 bulan"), null=True, blank=True)
    balita = models.PositiveIntegerField(_("balita (0–59 bln)"), null=True, blank=True)
    anak_0_17 = models.PositiveIntegerField(_("anak 0–17 tahun"), null=True, blank=True)
    balita_diukur = models.PositiveIntegerField(_("balita diukur"), null=True, blank=True)
    stunting = models.PositiveIntegerField(_("balita stunting"), null=True, blank=True)
    sangat_pendek = models.PositiveIntegerField(_("balita sangat pendek"), null=True, blank=True)
    status = models.CharField(max_length=14, choices=SasaranStatus.choices, default=SasaranStatus.DRAF)
    alasan = models.TextField(_("alasan"), blank=True)  # of the last send-back or unlock
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["desa_id", "tahun"]
        constraints = [
            models.UniqueConstraint(fields=["desa", "tahun"], name="sasaran_unique_per_year"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draf", "diverifikasi", "dikembalikan"]),
                name="sasaran_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(stunting__isnull=True)
                | models.Q(balita_diukur__isnull=True)
                | models.Q(stunting__lte=models.F("balita_diukur")),
                name="sasaran_stunting_not_above_measured",
            ),
            models.CheckConstraint(
                condition=models.Q(sangat_pendek__isnull=True)
                | models.Q(stunting__isnull=True)
                | models.Q(sangat_pendek__lte=models.F("stunting")),
                name="sasaran_severe_not_above_stunting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desa_id} {self.tahun}"

    @property
    def locked(self) -> bool:
        return self.status == SasaranStatus.DIVERIFIKASI


class ValueStatus(models.TextChoices):
    DIISI = "diisi", _("Diisi")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")


class DataValue(models.Model):
    """One indicator's figures for one desa and period. Aggregates sum numerators and denominators."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    desa = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="data_values")
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    periode = models.CharField(_("periode"), max_length=7)
    numerator = models.PositiveIntegerField(_("pembilang"))
    denominator = models.PositiveIntegerField(_("penyebut"), null=True, blank=True)  # empty for counts
    status = models.CharField(max_length=12, choices=ValueStatus.choices, default=ValueStatus.DIISI)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["desa_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "desa", "periode"], name="datavalue_unique"),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True)
                | models.Q(numerator__lte=models.F("denominator")),
                name="datavalue_numerator_not_above_denominator",
            ),
            models.CheckConstraint(
                condition=models.Q(periode__regex=r"^20[1-9][0-9](-S[12])?$"), name="datavalue_periode_valid"
            ),
        ]
        # With the latest change: a district's "version" of a period (count and latest change, which the
        # completeness page keys its cached counts on) is read from the index alone.
        indexes = [models.Index(fields=["kabkota", "periode", "updated_at"], name="datavalue_kab_periode_at")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.desa_id} {self.periode}: {self.numerator}/{self.denominator}"


class DataValueHistory(models.Model):
    """Every change of a value: before and after, who, when, how (grid, excel, demo)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    desa = models.ForeignKey("wilayah.Region", on_delete=models.CASCADE, related_name="+")
    periode = models.CharField(max_length=7)
    old_numerator = models.PositiveIntegerField(null=True)
    old_denominator = models.PositiveIntegerField(null=True)
    numerator = models.PositiveIntegerField(null=True)
    denominator = models.PositiveIntegerField(null=True)
    source = models.CharField(max_length=10)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["desa", "indicator", "periode"], name="history_cell")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.desa_id} {self.periode} @ {self.at}"


class FundingSource(models.TextChoices):
    APBN = "apbn", "APBN"
    APBD_PROV = "apbd_prov", "APBD Provinsi"
    APBD_KAB = "apbd_kab", "APBD Kab/Kota"
    DAK = "dak", "DAK"
    DANA_DESA = "dana_desa", "Dana Desa"
    LAINNYA = "lainnya", _("Lainnya")


class ProgramMapping(models.Model):
    """Whether a desa has the programme behind an indicator in a year, and who funds it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    desa = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    ada = models.BooleanField(_("program ada"), default=False)
    sumber = models.JSONField(_("sumber dana"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "desa", "tahun"], name="program_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.desa_id} {self.tahun}: {self.ada}"


def upload_path(instance, filename: str) -> str:
    """Named by the first migration (uploads now belong to ``konvergensi.imports``)."""
    return f"uploads/{instance.kabkota_id}/{instance.pk}.xlsx"
