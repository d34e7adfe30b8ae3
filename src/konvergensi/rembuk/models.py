"""Aksi 3, the Rembuk Stunting (guideline "Aksi Integrasi 3"): the district's one-day forum that
confirms the situation analysis (Aksi 1) and the draft plan (Aksi 2) and signs a public commitment,
and the kecamatan rembuk of the same shape (Perpres 72/2021 asks for them too).

A rembuk belongs to a district and a year; ``region`` is the district itself (the district rembuk,
at most one a year) or one of its kecamatan. It is planned (Tahap 1–2: agenda, participants, the
commitment text, the signatories), then held (``held``: the date it took place), then its berita
acara comes back signed (``signed_file``, the Aksi 3 evidence) and is disseminated (Tahap 3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    KABKOTA = "kabkota", _("Rembuk stunting kabupaten/kota")
    KECAMATAN = "kecamatan", _("Rembuk stunting kecamatan")


class Agenda(models.TextChoices):
    """The guideline's agenda items a–e (Tahap pertama, 1. Agenda acara)."""

    A = "a", _("Penjelasan mengenai stunting serta pentingnya keterlibatan dan peran lintas sektor")
    B = "b", _("Penyampaian hasil analisis situasi program penurunan stunting")
    C = "c", _("Penyampaian dan diskusi rancangan rencana kegiatan")
    D = "d", _("Penandatanganan komitmen dan kesepakatan rencana kegiatan")
    E = "e", _("Sesi apresiasi bagi unsur pemerintahan dan masyarakat yang berhasil (mulai tahun kedua)")


class Category(models.TextChoices):
    """The guideline's participants of a district rembuk."""

    BUPATI = "bupati", _("Bupati/Wakil Bupati (Walikota/Wakil Walikota)")
    SEKDA = "sekda", _("Sekretaris Daerah")
    DPRD = "dprd", _("DPRD")
    BAPPEDA = "bappeda", _("Bappeda")
    OPD = "opd", _("OPD penanggung jawab layanan")
    VERTIKAL = "vertikal", _("Kantor perwakilan kementerian/lembaga (instansi vertikal)")
    PKK = "pkk", _("Unsur PKK")
    CAMAT = "camat", _("Camat")
    KEPALA_DESA = "kepala_desa", _("Kepala desa")
    NONPEMERINTAH = "nonpemerintah", _("Lembaga non-pemerintah dan swasta")
    AKADEMISI = "akademisi", _("Akademisi")
    MASYARAKAT = "masyarakat", _("Unsur masyarakat, pendamping dan fasilitator")


class SignatoryRole(models.TextChoices):
    """Who signs the commitment (guideline: Output 1)."""

    BUPATI = "bupati", _("Bupati/Walikota")
    DPRD = "dprd", _("Perwakilan DPRD")
    KEPALA_DESA = "kepala_desa", _("Kepala desa")
    OPD = "opd", _("Pimpinan OPD")
    NONPEMERINTAH = "nonpemerintah", _("Perwakilan sektor non-pemerintah")
    MASYARAKAT = "masyarakat", _("Perwakilan masyarakat")
    CAMAT = "camat", _("Camat")
    LAINNYA = "lainnya", _("Lainnya")


class Media(models.TextChoices):
    """Tahap ketiga: the media the commitment is spread through."""

    RADIO = "radio", _("Radio")
    KORAN = "koran", _("Koran")
    TELEVISI = "televisi", _("Televisi lokal")
    MEDSOS = "medsos", _("Media sosial")
    SITUS = "situs", _("Situs web pemerintah daerah")
    PERTEMUAN = "pertemuan", _("Pertemuan/sosialisasi tatap muka")
    LAINNYA = "lainnya", _("Lainnya")


class Rembuk(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices)
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    date = models.DateField(_("tanggal"), null=True, blank=True)
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    tpk = models.TextField(_("tim pelaksana kegiatan (TPK)"), blank=True)  # one member a line
    agenda = models.JSONField(default=list, blank=True)  # Agenda values
    agenda_notes = models.TextField(_("catatan agenda"), blank=True)
    speakers = models.TextField(_("narasumber"), blank=True)  # one a line
    commitment = models.TextField(_("naskah komitmen"), blank=True)
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the Aksi 2 plan presented (set when held)
    held = models.DateField(null=True, blank=True)  # recorded as held, on this date
    signed_file = models.FileField(upload_to="rembuk/%Y/", blank=True, max_length=200)
    signed_name = models.CharField(max_length=200, blank=True)
    evidence_id = models.PositiveIntegerField(null=True, blank=True)  # aksi.Evidence of Aksi 3
    published = models.DateTimeField(null=True, blank=True)  # the signed commitment on the public page
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kabkota_id", "-tahun", "level", "region_id", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabkota", "tahun"],
                condition=models.Q(level="kabkota"),
                name="rembuk_kabkota_once_a_year",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=["kabkota", "kecamatan"]), name="rembuk_level"
            ),
        ]

    def __str__(self) -> str:
        return f"Rembuk {self.region_id} {self.tahun}"

    @property
    def is_kabkota(self) -> bool:
        return self.level == Level.KABKOTA


class Participant(models.Model):
    """How many of a category attended (and who, in a note)."""

    rembuk = models.ForeignKey(Rembuk, on_delete=models.CASCADE, related_name="participants")
    category = models.CharField(max_length=16, choices=Category.choices)
    count = models.PositiveIntegerField(_("jumlah hadir"), default=0)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)

    class Meta:
        ordering = ["rembuk_id", "id"]
        constraints = [models.UniqueConstraint(fields=["rembuk", "category"], name="rembuk_participant_once")]

    def __str__(self) -> str:
        return f"{self.category}: {self.count}"


class Signatory(models.Model):
    rembuk = models.ForeignKey(Rembuk, on_delete=models.CASCADE, related_name="signatories")
    role = models.CharField(_("unsur"), max_length=16, choices=SignatoryRole.choices)
    name = models.CharField(_("nama"), max_length=150)
    position = models.CharField(_("jabatan/lembaga"), max_length=200, blank=True)
    urutan = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rembuk_id", "urutan", "id"]

    def __str__(self) -> str:
        return self.name


class AgreedChange(models.Model):
    """A change to a plan row agreed at the rembuk, for the plan's finalisation."""

    rembuk = models.ForeignKey(Rembuk, on_delete=models.CASCADE, related_name="changes")
    row = models.ForeignKey("plans.PlanRow", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("perubahan yang disepakati"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rembuk_id", "row__group", "row__urutan", "id"]
        constraints = [models.UniqueConstraint(fields=["rembuk", "row"], name="rembuk_change_once_per_row")]

    def __str__(self) -> str:
        return self.text[:60]


class Dissemination(models.Model):
    """Tahap ketiga: one way the commitment was spread."""

    rembuk = models.ForeignKey(Rembuk, on_delete=models.CASCADE, related_name="disseminations")
    media = models.CharField(_("media"), max_length=12, choices=Media.choices)
    date = models.DateField(_("tanggal"))
    reach = models.PositiveIntegerField(_("jangkauan (orang)"), null=True, blank=True)
    description = models.CharField(_("uraian"), max_length=300, blank=True)
    link = models.URLField(_("tautan"), max_length=400, blank=True)
    file = models.FileField(upload_to="rembuk/diseminasi/%Y/", blank=True, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rembuk_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.media} {self.date}"
