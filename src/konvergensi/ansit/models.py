"""The situation analysis of Aksi 1 (analisis situasi), per district and cycle year.

* ``Analysis``: one stunting-distribution analysis (Gambar 1.2–1.4 of the guideline): the level
  (desa, kecamatan or puskesmas area), where the figures came from, the data source in the
  guideline's order of preference (baduta first, fallbacks and proxies labelled), the margin, the
  input table per unit as it was used, and the team's decision (the three options) with its reason.
  The rules themselves live in ``konvergensi_core.ansit``; the figures are recomputed from
  ``units`` whenever they are shown, so what is stored is exactly what was analysed.
* ``DataGapNote``: notes for Aksi 6 (data management), created automatically with an analysis.
* ``LokusList`` and ``LokusDesa``: the focus villages the district confirmed, with the settings
  (criteria, eligibility, selection) and who confirmed them; later actions read the confirmed list.
* ``Review`` and ``ReviewComment``: the service-delivery FGDs and the coordination reviews, with
  the guideline's key questions.
* ``Recommendation``: the recommendations in the guideline's kinds, drafted from the evidence
  (each with the finding that produced it) and edited or confirmed by the operator.
* ``AnsitDocument``: a generated situation-analysis document (PDF, DOCX, Excel annexes).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergensi_core.ansit.hotspots import DATA_SOURCE_ORDER


class Level(models.TextChoices):
    DESA = "desa", _("Desa/Kelurahan")
    KECAMATAN = "kecamatan", _("Kecamatan")
    PUSKESMAS = "puskesmas", _("Wilayah puskesmas")


class InputSource(models.TextChoices):
    SASARAN = "sasaran", _("Data sasaran desa")
    ROUND = "putaran", _("Putaran pengukuran anak (Aksi 7)")
    UPLOAD = "unggahan", _("Berkas CSV/XLSX yang diunggah")


class DataSource(models.TextChoices):
    """The guideline's data, most wanted first (``konvergensi_core.ansit.DataSource``)."""

    BADUTA = "baduta", _("Stunting baduta (0–23 bulan), satu tahun terakhir")
    BALITA_3_6_BULAN = "balita_3_6_bulan", _("Stunting balita (0–59 bulan), 3–6 bulan terakhir")
    BALITA_1_TAHUN = "balita_1_tahun", _("Stunting balita, satu tahun terakhir")
    BALITA_PUSKESMAS = "balita_puskesmas", _("Stunting balita per wilayah puskesmas")
    BBLR = "bblr", _("Proksi: Berat Bayi Lahir Rendah (BBLR)")
    BUMIL_KEK = "bumil_kek", _("Proksi: ibu hamil Kurang Energi Kronis (KEK)")


assert [c.value for c in DataSource] == [s.value for s in DATA_SOURCE_ORDER]  # the core's order


class Decision(models.TextChoices):
    KHUSUS = "khusus", _("Analisis situasi tersendiri (khusus) pada wilayah tertentu")
    PERHATIAN_KHUSUS = "perhatian_khusus", _("Daftar wilayah yang memerlukan perhatian khusus")
    UMUM = "umum", _("Analisis situasi skala kabupaten/kota secara umum")


class IndicatorSetChoice(models.TextChoices):
    S2018 = "2018", _("Pedoman 2018 (20 indikator utama Tabel 1.1)")
    S2025 = "2025", _("Indikator Konvergensi 2025")


class Analysis(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("tahun siklus"))
    periode = models.CharField(_("periode data"), max_length=7)  # coverage period; data sasaran year = [:4]
    level = models.CharField(_("tingkat analisis"), max_length=10, choices=Level.choices)
    input_source = models.CharField(_("asal data"), max_length=10, choices=InputSource.choices)
    data_source = models.CharField(_("jenis data stunting"), max_length=20, choices=DataSource.choices)
    round_id = models.PositiveIntegerField(null=True, blank=True)  # measurements.MeasurementRound, no FK
    source_label = models.CharField(_("sumber"), max_length=200, blank=True)
    indicator_set = models.CharField(
        _("set indikator"), max_length=4, choices=IndicatorSetChoice.choices, default=IndicatorSetChoice.S2018
    )
    margin = models.DecimalField(_("batas signifikan"), max_digits=4, decimal_places=2, default=0.5)
    # Lower edges (%) of the prevalence categories of the matrix, {"sangat_tinggi", "tinggi", "rendah"};
    # empty = the defaults (WHO-UNICEF 2019 bands merged to four: 30 / 20 / 10).
    prevalence_bands = models.JSONField(_("batas kategori prevalensi"), default=dict, blank=True)
    # Per unit: {"kode", "nama", "cases", "measured", "prevalence", "desa": [codes]}.
    units = models.JSONField(default=list)
    # Per desa, for the lokus criteria: {"kode", "cases", "measured", "prevalence"}; empty when the
    # analysis is itself at desa level (``units`` then serves both).
    desa_units = models.JSONField(default=list, blank=True)
    desa_units_label = models.CharField(max_length=200, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # the result when it was created
    warnings = models.JSONField(default=list, blank=True)  # problems that did not block the file
    decision = models.CharField(_("keputusan"), max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("alasan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analisis sebaran stunting")
        verbose_name_plural = _("analisis sebaran stunting")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=["desa", "kecamatan", "puskesmas"]), name="ansit_level_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(input_source__in=["sasaran", "putaran", "unggahan"]),
                name="ansit_input_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(margin__gte=0) & models.Q(margin__lte=5), name="ansit_margin_range"
            ),
            models.CheckConstraint(
                condition=models.Q(tahun__gte=2018, tahun__lte=2100), name="ansit_tahun_range"
            ),
        ]
        indexes = [models.Index(fields=["kabkota", "tahun"], name="ansit_analysis_kab_tahun")]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun} {self.level} #{self.pk}"

    @property
    def bands(self):
        """The prevalence categories' edges of this analysis (``PrevalenceBands``)."""
        from konvergensi_core.ansit.categories import DEFAULT_PREVALENCE_BANDS, PrevalenceBands

        return PrevalenceBands(**self.prevalence_bands) if self.prevalence_bands else DEFAULT_PREVALENCE_BANDS

    @property
    def data_tahun(self) -> int:
        return int(self.periode[:4])

    @property
    def is_overridden(self) -> bool:
        return bool(self.decision) and self.decision != self.summary.get("recommendation")


class NoteKind(models.TextChoices):
    SEBARAN = "sebaran", _("Data stunting")
    KOSONG = "kosong", _("Data kosong")
    CAKUPAN = "cakupan", _("Data cakupan")


class DataGapNote(models.Model):
    """A note for the person responsible for Aksi 6, as the guideline asks (data only per
    puskesmas or kecamatan, proxies instead of stunting data, missing figures)."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=NoteKind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.tahun}: {self.text[:40]}"


class LokusStatus(models.TextChoices):
    DIKONFIRMASI = "dikonfirmasi", _("Dikonfirmasi")
    DIGANTI = "diganti", _("Diganti daftar baru")


class LokusList(models.Model):
    """The focus villages confirmed by the district for a cycle year (one confirmed list at a time)."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    analysis = models.ForeignKey(Analysis, on_delete=models.PROTECT, related_name="lokus_lists")
    status = models.CharField(max_length=14, choices=LokusStatus.choices, default=LokusStatus.DIKONFIRMASI)
    indicator_set = models.CharField(max_length=4, choices=IndicatorSetChoice.choices)
    eligibility = models.CharField(max_length=5)  # any | all | 1..3
    method = models.CharField(max_length=6)  # count | share | budget
    value = models.FloatField()  # N, the share (0–1) or the budget (Rp)
    cost = models.FloatField(null=True, blank=True)  # per-desa cost estimate for a budget selection
    n_desa = models.PositiveIntegerField(default=0)
    n_eligible = models.PositiveIntegerField(default=0)
    ranking = models.JSONField(default=list)  # every desa in rank order (core LokusDesa.as_dict)
    note = models.TextField(_("catatan"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabkota", "tahun"],
                condition=models.Q(status="dikonfirmasi"),
                name="ansit_one_confirmed_lokus_list",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=["count", "share", "budget"]), name="ansit_lokus_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Lokus {self.kabkota_id} {self.tahun} ({self.status})"

    def desa_codes(self) -> list[str]:
        return list(self.entries.order_by("rank").values_list("desa_id", flat=True))


class LokusDesa(models.Model):
    lokus_list = models.ForeignKey(LokusList, on_delete=models.CASCADE, related_name="entries")
    desa = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField()
    prevalence = models.FloatField(null=True, blank=True)
    cases = models.FloatField(null=True, blank=True)
    low_coverage_count = models.PositiveSmallIntegerField(default=0)
    coverage_count = models.PositiveSmallIntegerField(default=0)
    prevalence_above_mean = models.BooleanField(default=False)
    cases_above_mean = models.BooleanField(default=False)
    low_coverage_majority = models.BooleanField(default=False)

    class Meta:
        ordering = ["lokus_list_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["lokus_list", "desa"], name="ansit_lokus_desa_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lokus_list_id}: {self.rank} {self.desa_id}"


class ReviewKind(models.TextChoices):
    FGD_OPD = "fgd_opd", _("FGD penyampaian layanan dengan OPD penanggung jawab")
    FGD_PENYEDIA = "fgd_penyedia", _("FGD penyampaian layanan dengan penyedia layanan")
    KOORDINASI_OPD = "koordinasi_opd", _("Reviu koordinasi antar-OPD")
    KOORDINASI_PENYEDIA = (
        "koordinasi_penyedia",
        _("Reviu koordinasi penyedia layanan dan komunikasi perubahan perilaku"),
    )
    KOORDINASI_DESA = "koordinasi_desa", _("Reviu koordinasi kabupaten/kota dengan kecamatan dan desa")


class Frequency(models.TextChoices):
    BULANAN = "bulanan", _("Berkala: bulanan")
    TRIWULANAN = "triwulanan", _("Berkala: triwulanan")
    SEMESTERAN = "semesteran", _("Berkala: semesteran")
    TAHUNAN = "tahunan", _("Berkala: tahunan")
    SEWAKTU = "sewaktu", _("Sewaktu-waktu sesuai kebutuhan")
    TIDAK_PERNAH = "tidak_pernah", _("Tidak pernah bertemu")


class YesNo(models.TextChoices):
    YA = "ya", _("Ya")
    SEBAGIAN = "sebagian", _("Sebagian")
    TIDAK = "tidak", _("Tidak")


class Effectiveness(models.TextChoices):
    EFEKTIF = "efektif", _("Efektif")
    CUKUP = "cukup", _("Cukup efektif")
    KURANG = "kurang", _("Kurang efektif")
    TIDAK_BERJALAN = "tidak_berjalan", _("Tidak berjalan")


class Review(models.Model):
    """One FGD or one coordination forum reviewed with the guideline's key questions."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    kind = models.CharField(_("jenis reviu"), max_length=20, choices=ReviewKind.choices)
    judul = models.CharField(_("layanan / forum"), max_length=200)
    opd = models.ForeignKey(
        "wilayah.OPD",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("OPD"),
    )
    tanggal = models.DateField(_("tanggal"), null=True, blank=True)
    peserta = models.TextField(_("peserta"), blank=True)
    # FGD: {question key: {"status": ya|sebagian|tidak|"", "catatan": text}}
    answers = models.JSONField(default=dict, blank=True)
    # Coordination forums (the six key questions).
    tingkat = models.CharField(_("tingkat forum"), max_length=40, blank=True)
    penanggung_jawab = models.CharField(_("lembaga penanggung jawab"), max_length=200, blank=True)
    agenda = models.TextField(_("isu yang menjadi fokus agenda"), blank=True)
    frekuensi = models.CharField(_("frekuensi"), max_length=14, choices=Frequency.choices, blank=True)
    rencana_kerja = models.CharField(
        _("ada rencana/jadwal kerja"), max_length=8, choices=YesNo.choices, blank=True
    )
    biaya_operasional = models.CharField(
        _("ada kepastian biaya operasional"), max_length=8, choices=YesNo.choices, blank=True
    )
    efektivitas = models.CharField(_("efektivitas"), max_length=14, choices=Effectiveness.choices, blank=True)
    catatan = models.TextField(_("temuan / catatan"), blank=True)
    usulan = models.TextField(_("usulan rekomendasi tim"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in ReviewKind]), name="ansit_review_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.judul}"

    @property
    def is_coordination(self) -> bool:
        return self.kind.startswith("koordinasi")


class ReviewComment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_id} @ {self.review_id}"


class RecommendationKind(models.TextChoices):
    """The guideline's five (a–e of "Rekomendasi sekurang-kurangnya meliputi"), then the
    recommendations of the service-delivery and coordination reviews (outputs 2 and 3)."""

    LOKUS = "lokus", _("Lokasi prioritas (lokus)")
    PROGRAM = "program", _("Program/kegiatan prioritas")
    SUMBER_DAYA = "sumber_daya", _("Jenis sumber daya prioritas")
    REALOKASI = "realokasi", _("Program/kegiatan yang perlu direalokasi")
    TAHUN_DEPAN = "tahun_depan", _("Prioritas perencanaan dan penganggaran tahun berikutnya")
    LAYANAN = "layanan", _("Perbaikan manajemen penyampaian layanan")
    KOORDINASI = "koordinasi", _("Penguatan koordinasi")


class RecommendationStatus(models.TextChoices):
    DRAF = "draf", _("Draf")
    DIKONFIRMASI = "dikonfirmasi", _("Dikonfirmasi")
    DITOLAK = "ditolak", _("Tidak dipakai")


class Recommendation(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    kind = models.CharField(_("jenis"), max_length=12, choices=RecommendationKind.choices)
    text = models.TextField(_("rekomendasi"))
    evidence = models.TextField(_("dasar temuan"), blank=True)
    link = models.CharField(max_length=300, blank=True)  # the page of the finding
    source_key = models.CharField(max_length=120, blank=True)  # stable key of a generated draft
    auto = models.BooleanField(default=False)
    edited = models.BooleanField(default=False)
    status = models.CharField(
        max_length=14, choices=RecommendationStatus.choices, default=RecommendationStatus.DRAF
    )
    urutan = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "urutan", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabkota", "tahun", "source_key"],
                condition=~models.Q(source_key=""),
                name="ansit_recommendation_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in RecommendationKind]),
                name="ansit_recommendation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"


class DocumentStatus(models.TextChoices):
    ANTRE = "antre", _("Sedang dibuat")
    SELESAI = "selesai", _("Selesai")
    GAGAL = "gagal", _("Gagal")


def document_path(instance: AnsitDocument, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"ansit/{instance.kabkota_id}/{uuid.uuid4().hex}.{ext}"


class AnsitDocument(models.Model):
    """A generated situation-analysis document; private files served only through scoped views."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    analysis = models.ForeignKey(Analysis, on_delete=models.PROTECT, related_name="documents")
    lokus_list = models.ForeignKey(
        LokusList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.ANTRE)
    pdf = models.FileField(upload_to=document_path, blank=True, max_length=200)
    docx = models.FileField(upload_to=document_path, blank=True, max_length=200)
    xlsx = models.FileField(upload_to=document_path, blank=True, max_length=200)
    evidence_id = models.PositiveIntegerField(null=True, blank=True)  # aksi.Evidence it was attached as
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Dokumen ansit {self.kabkota_id} {self.tahun} #{self.pk}"

    def filename(self, fmt: str) -> str:
        suffix = "lampiran" if fmt == "xlsx" else "analisis-situasi"
        return f"{suffix}-{self.kabkota_id.replace('.', '')}-{self.tahun}-{self.pk}.{fmt}"
