"""The district's activity plan of Aksi 2 (Tabel 2.2 and 2.3 of the guideline), its stages, its
versions, and the planning and budget documents it is matched against (Tabel 2.4 and 2.5).

A plan belongs to a district and a cycle year. Its rows start as the confirmed recommendations of
Aksi 1 and keep the link to their evidence. At the stage "final" the plan is frozen; a later change
is a new version (``number`` + 1) whose rows keep the ``key`` of the rows they came from, so the
difference between two versions is visible. The rules (checks, totals, matching) are in
``konvergensi_core.plan``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The guideline's five stages (Tahap pertama … kelima), in order."""

    DRAF = "draf", _("Rancangan")
    DPRD = "dprd", _("Diskusi dengan DPRD")
    REMBUK = "rembuk", _("Ekspose di Rembuk Stunting")
    FINAL = "final", _("Final")
    TERINTEGRASI = "terintegrasi", _("Terintegrasi dalam dokumen rencana dan anggaran")


STAGE_ORDER = [s.value for s in Stage]
FROZEN_STAGES = frozenset({Stage.FINAL.value, Stage.TERINTEGRASI.value})


class Group(models.IntegerChoices):
    """Tabel 2.2's four groups of recommendations."""

    ALOKASI = 1, _("Perbaikan alokasi program/anggaran untuk meningkatkan integrasi")
    LAYANAN = 2, _("Perbaikan manajemen penyampaian intervensi")
    DATA = 3, _("Perbaikan data stunting dan cakupan intervensi")
    KOORDINASI = (
        4,
        _("Penguatan koordinasi antar program dan antara kabupaten/kota dengan kecamatan dan desa"),
    )


class RowClass(models.TextChoices):
    """The guideline's classes of an activity (values of ``konvergensi_core.plan.RowClass``)."""

    TETAP = "tetap", _("Kegiatan yang sudah ada, tanpa penyesuaian")
    DISESUAIKAN = "disesuaikan", _("Kegiatan yang sudah ada, perlu penyesuaian")
    BARU_TANPA_ANGGARAN = "baru_tanpa_anggaran", _("Kegiatan baru tanpa anggaran")
    BARU_DENGAN_ANGGARAN = "baru_dengan_anggaran", _("Kegiatan baru dengan alokasi anggaran")


class Adjustment(models.TextChoices):
    TARGET = "target", _("target")
    LOKUS = "lokus", _("lokus")
    PENYAMPAIAN = "penyampaian", _("cara penyampaian")
    ANGGARAN = "anggaran", _("anggaran")


class Funding(models.TextChoices):
    """Funding sources (values of ``konvergensi_core.plan.FundingSource``)."""

    APBD_KABKOTA = "apbd_kabkota", _("APBD kabupaten/kota")
    APBD_PROV = "apbd_prov", _("APBD provinsi")
    APBN = "apbn", _("APBN")
    DAK_FISIK = "dak_fisik", _("DAK fisik")
    DAK_NONFISIK = "dak_nonfisik", _("DAK non-fisik (BOK, BOKB)")
    DANA_DESA = "dana_desa", _("Dana Desa")
    LAINNYA = "lainnya", _("CSR/lainnya")


class DocumentKind(models.TextChoices):
    """The planning and budget documents of Tabel 2.4 (Renja OPD, RKPD) and 2.5 (KUA-PPAS, APBD)."""

    RENJA = "renja", _("Renja OPD")
    RKPD = "rkpd", _("RKPD")
    KUA_PPAS = "kua-ppas", _("KUA-PPAS")
    APBD = "apbd", _("APBD")
    APBD_P = "apbd-p", _("APBD-P")


class Plan(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("tahun anggaran"))
    number = models.PositiveSmallIntegerField(_("versi"), default=1)
    stage = models.CharField(_("tahap"), max_length=14, choices=Stage.choices, default=Stage.DRAF)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lokus_list = models.ForeignKey(
        "ansit.LokusList", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.TextField(_("alasan perubahan"), blank=True)
    evidence_id = models.PositiveIntegerField(null=True, blank=True)  # aksi.Evidence of Aksi 2
    version = models.PositiveIntegerField(default=1)  # compare-and-set of the plan's own fields
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kabkota_id", "-tahun", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kabkota", "tahun", "number"], name="plans_plan_unique_number"),
            models.CheckConstraint(
                condition=models.Q(stage__in=[s.value for s in Stage]), name="plans_plan_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.stage in FROZEN_STAGES


class StageRecord(models.Model):
    """A stage the plan reached: when, what was noted, and its evidence (minutes, invitation…)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=14, choices=Stage.choices)
    date = models.DateField(_("tanggal"))
    notes = models.TextField(_("catatan"), blank=True)
    file = models.FileField(upload_to="rencana/%Y/", blank=True, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "date", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "stage"], name="plans_stage_once")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.stage}"


class PlanRow(models.Model):
    """One activity: a recommendation of Tabel 2.2 and its programme line of Tabel 2.3."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rows")
    key = models.UUIDField(default=uuid.uuid4)  # the same activity across versions
    group = models.PositiveSmallIntegerField(_("kelompok"), choices=Group.choices)
    urutan = models.PositiveIntegerField(default=0)
    masalah = models.TextField(_("masalah yang dihadapi"), blank=True)
    rekomendasi = models.TextField(_("rekomendasi kegiatan"), blank=True)
    recommendation = models.ForeignKey(
        "ansit.Recommendation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence_link = models.CharField(max_length=300, blank=True)  # the Aksi 1 page of the finding
    code = models.CharField(_("kode sub kegiatan"), max_length=40, blank=True)
    activity = models.CharField(_("program/kegiatan"), max_length=400)
    indicator_code = models.CharField(max_length=20, blank=True)  # indicators.Indicator.kode, if one
    indicator = models.CharField(_("indikator kinerja"), max_length=400, blank=True)
    baseline = models.CharField(_("baseline"), max_length=60, blank=True)
    target = models.CharField(_("target kinerja"), max_length=60, blank=True)
    unit = models.CharField(_("satuan"), max_length=60, blank=True)
    locations = models.JSONField(_("lokasi"), default=list, blank=True)  # desa/kecamatan codes
    budget = models.BigIntegerField(_("anggaran (Rp)"), null=True, blank=True)
    source = models.CharField(_("sumber pendanaan"), max_length=20, choices=Funding.choices, blank=True)
    opd = models.ForeignKey("wilayah.OPD", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    schedule = models.CharField(_("jadwal pelaksanaan"), max_length=100, blank=True)
    row_class = models.CharField(_("kelas kegiatan"), max_length=24, choices=RowClass.choices, blank=True)
    adjustments = models.JSONField(default=list, blank=True)  # Adjustment values, for "disesuaikan"
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_id", "group", "urutan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plans_row_key_once"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="plans_row_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.activity[:60]


class BudgetDocument(models.Model):
    """A Renja OPD, RKPD, KUA-PPAS or APBD(-P) of the district and year, as read from its spreadsheet
    (the rows of ``konvergensi_core.plan.DocRow``; the file itself is not kept). A Renja belongs to one
    OPD; the others to the whole district (``opd`` empty). A new upload replaces the old one."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    opd = models.ForeignKey("wilayah.OPD", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(default=list)
    n_rows = models.PositiveIntegerField(default=0)
    total_pagu = models.BigIntegerField(default=0)
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kabkota_id", "tahun", "kind", "opd_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabkota", "tahun", "kind", "opd"],
                name="plans_document_once_per_opd",
                condition=models.Q(opd__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kabkota", "tahun", "kind"],
                name="plans_document_once",
                condition=models.Q(opd__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun} {self.kind}"
