"""Child measurements (Aksi 7): rounds, imported e-PPGBM rows with their z-scores.

* ``MeasurementRound``: a district's measurement round ("Februari 2026") with its dates and the
  small-cell threshold of its publication.
* ``Measurement``: one child in one round (the duplicate rule keeps the latest visit), with the WHO
  z-scores and Permenkes indicators computed at import. Personal fields (name, parent, address, birth
  date) are only shown to the roles that follow children up; the NIK itself is never stored, only a
  keyed hash for matching and a masked form. An import's rows become measurements in one short
  transaction (SQLite: from the staging table; PostgreSQL: from the import's own staging table, which
  the check filled), so analyses never see half an import.
* The uploaded files between check, preview and commit are the import pipeline's
  (``konvergensi.imports``, kind ``pengukuran``); ``Measurement.source_import`` names the one a row
  came from.
* ``DesaAlias`` and ``ColumnMapping``: answers the district gave once (an ambiguous desa name, a
  file layout) and that later imports reuse.

A round's publication (what the public sees) is the publication app's (``konvergensi.publication``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    DRAF = "draf", _("Draf")
    DIPUBLIKASIKAN = "dipublikasikan", _("Dipublikasikan")


class MeasurementRound(models.Model):
    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="measurement_rounds")
    nama = models.CharField(_("nama putaran"), max_length=80)
    tanggal_mulai = models.DateField(_("tanggal mulai"))
    tanggal_selesai = models.DateField(_("tanggal selesai"))
    min_cell = models.PositiveSmallIntegerField(_("minimal anak diukur per sel publikasi"), default=10)
    status = models.CharField(max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAF)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kabkota_id", "-tanggal_mulai"]
        verbose_name = _("putaran pengukuran")
        verbose_name_plural = _("putaran pengukuran")
        constraints = [
            models.UniqueConstraint(fields=["kabkota", "nama"], name="round_name_unique_per_kabkota"),
            models.CheckConstraint(
                condition=models.Q(tanggal_selesai__gte=models.F("tanggal_mulai")), name="round_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(min_cell__gte=1), name="round_min_cell_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.nama} ({self.kabkota_id})"

    @property
    def tahun(self) -> int:
        return self.tanggal_mulai.year


class MeasurementQuerySet(models.QuerySet):
    def of_rounds(self, round_ids: list[int] | tuple[int, ...]) -> MeasurementQuerySet:
        """The measurements of these rounds, with their provinces as a second condition: on
        PostgreSQL the table is partitioned by province (``partitions.py``) and the condition, given
        as values (one small query by primary key, nothing cached between requests), lets the
        planner read only those provinces' partitions. (As a subquery it would be a join, which
        PostgreSQL does not prune.)"""
        kabkota = MeasurementRound.objects.filter(pk__in=round_ids).values_list("kabkota_id", flat=True)
        provinces = sorted({kode[:2] for kode in kabkota})
        return self.filter(round_id__in=round_ids, provinsi_id__in=provinces)


class Measurement(models.Model):
    # Indexes: the composite ones below serve every query (by round, then desa or puskesmas); an index
    # per foreign key would only slow the million-row imports down (bench/README.md). No foreign key
    # is checked by the database row by row: the round, its district and the puskesmas come from the
    # import itself (the same for every row, or looked up from the district's own list); the desa
    # are the official codes the check matched, and the commit checks them again at once, as a set,
    # in its own transaction, locking them as a foreign key would (``import_write._check_desa``: a
    # million row-by-row checks took 4.8 s, bench/README.md). Regions are never deleted
    # (``region_load`` only adds and renames) and Django still protects, cascades or nulls on delete.
    round = models.ForeignKey(
        MeasurementRound, on_delete=models.CASCADE, related_name="measurements", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    kabkota = models.ForeignKey(
        "wilayah.Region", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # The province of the district (its code's first two digits): on PostgreSQL the table is
    # partitioned by it (one partition per province, docs/scale.md), and a distributed PostgreSQL
    # (Citus) would distribute by it. Written by the import with the district.
    provinsi = models.ForeignKey(
        "wilayah.Region", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    desa = models.ForeignKey(
        "wilayah.Region", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    puskesmas = models.ForeignKey(
        "wilayah.Puskesmas", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    posyandu = models.CharField(max_length=120, blank=True)
    child_key = models.CharField(max_length=64)  # keyed hash of the NIK, or of name + birth date + sex + desa
    nik_hash = models.CharField(max_length=64, blank=True)
    nik_masked = models.CharField(max_length=16, blank=True)
    # Personal data (UU 27/2022 PDP): only for the roles that follow children up.
    nama = models.CharField(max_length=120, blank=True)
    nama_ortu = models.CharField(max_length=120, blank=True)
    alamat = models.CharField(max_length=200, blank=True)
    rt = models.CharField(max_length=8, blank=True)
    rw = models.CharField(max_length=8, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    # The measurement.
    sex = models.PositiveSmallIntegerField()  # 1 laki-laki, 2 perempuan
    visit_date = models.DateField()
    age_days = models.PositiveIntegerField()
    weight = models.FloatField(null=True, blank=True)
    lenhei = models.FloatField(null=True, blank=True)
    measure = models.PositiveSmallIntegerField(default=0)  # 0 unknown, 1 lying, 2 standing
    oedema = models.BooleanField(default=False)
    lila = models.FloatField(null=True, blank=True)
    zlen = models.FloatField(null=True, blank=True)
    zwei = models.FloatField(null=True, blank=True)
    zwfl = models.FloatField(null=True, blank=True)
    zbmi = models.FloatField(null=True, blank=True)
    flen = models.BooleanField(null=True)
    fwei = models.BooleanField(null=True)
    fwfl = models.BooleanField(null=True)
    fbmi = models.BooleanField(null=True)
    # Permenkes 2/2020 indicators; NULL where the index is missing or flagged (not in the denominator).
    stunted = models.BooleanField(null=True)
    severely_stunted = models.BooleanField(null=True)
    wasted = models.BooleanField(null=True)
    severely_wasted = models.BooleanField(null=True)
    underweight = models.BooleanField(null=True)
    overweight = models.BooleanField(null=True)
    source_import = models.ForeignKey(
        "imports.Import", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    source_row = models.PositiveIntegerField(default=0)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("pengukuran")
        verbose_name_plural = _("pengukuran")
        constraints = [
            # On a partitioned table a unique constraint must hold the partition key; a round
            # belongs to one district, hence one province, so this is "one row per child and round".
            models.UniqueConstraint(
                fields=["round", "child_key", "provinsi"],
                name="measurement_one_per_child",
            ),
            models.CheckConstraint(condition=models.Q(sex__in=[1, 2]), name="measurement_sex_valid"),
            models.CheckConstraint(
                condition=models.Q(measure__in=[0, 1, 2]), name="measurement_measure_valid"
            ),
            models.CheckConstraint(condition=models.Q(age_days__lt=1827), name="measurement_under_five"),
        ]
        indexes = [
            models.Index(fields=["round", "desa"], name="measurement_round_desa"),
            models.Index(fields=["round", "puskesmas"], name="measurement_round_pkm"),
            models.Index(fields=["source_import"], name="measurement_import"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.desa_id} {self.child_key[:8]}"

    @property
    def age_months(self) -> float:
        return self.age_days / 30.4375


class MeasurementStaging(models.Model):
    """SQLite: rows of an import being committed, before they become measurements in one INSERT …
    SELECT. No foreign key and no index but the import's: the chunks go in fast, each in its own
    transaction so the progress bar moves, and nothing reads them but the commit. (PostgreSQL
    commits in one transaction and never uses this table.) The columns are those of
    :class:`Measurement` (``imports.COLUMNS``)."""

    import_id = models.UUIDField(db_index=True)
    round_id = models.BigIntegerField()
    kabkota_id = models.CharField(max_length=13)
    provinsi_id = models.CharField(max_length=13)
    desa_id = models.CharField(max_length=13)
    puskesmas_id = models.BigIntegerField(null=True)
    posyandu = models.CharField(max_length=120)
    child_key = models.CharField(max_length=64)
    nik_hash = models.CharField(max_length=64)
    nik_masked = models.CharField(max_length=16)
    nama = models.CharField(max_length=120)
    nama_ortu = models.CharField(max_length=120)
    alamat = models.CharField(max_length=200)
    rt = models.CharField(max_length=8)
    rw = models.CharField(max_length=8)
    birth_date = models.DateField(null=True)
    sex = models.PositiveSmallIntegerField()
    visit_date = models.DateField()
    age_days = models.PositiveIntegerField()
    weight = models.FloatField(null=True)
    lenhei = models.FloatField(null=True)
    measure = models.PositiveSmallIntegerField()
    oedema = models.BooleanField()
    lila = models.FloatField(null=True)
    zlen = models.FloatField(null=True)
    zwei = models.FloatField(null=True)
    zwfl = models.FloatField(null=True)
    zbmi = models.FloatField(null=True)
    flen = models.BooleanField(null=True)
    fwei = models.BooleanField(null=True)
    fwfl = models.BooleanField(null=True)
    fbmi = models.BooleanField(null=True)
    stunted = models.BooleanField(null=True)
    severely_stunted = models.BooleanField(null=True)
    wasted = models.BooleanField(null=True)
    severely_wasted = models.BooleanField(null=True)
    underweight = models.BooleanField(null=True)
    overweight = models.BooleanField(null=True)
    source_import_id = models.UUIDField()
    source_row = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.import_id} {self.source_row}"


def import_path(instance, filename: str) -> str:
    """Named by the first migration (uploads now belong to ``konvergensi.imports``)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"pengukuran/{instance.round.kabkota_id}/{instance.pk}.{suffix}"


class DesaAlias(models.Model):
    """A desa name as a district's files write it, and the official desa it means (asked once).

    Who answered decides where the answer holds (issue 11): an answer of the district (operator,
    health office: ``puskesmas`` empty) holds for every import of the district; an answer of a
    puskesmas, always a desa of its service area, only for the imports of that puskesmas. The
    district sees every remembered name and may revoke it (*Pengukuran › Nama desa diingat*)."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.CASCADE, related_name="+")
    kecamatan_key = models.CharField(max_length=120)
    desa_key = models.CharField(max_length=120)
    desa = models.ForeignKey("wilayah.Region", on_delete=models.CASCADE, related_name="+")
    puskesmas = models.ForeignKey(
        "wilayah.Puskesmas", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # the puskesmas whose imports it serves; empty: the whole district
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kabkota", "kecamatan_key", "desa_key"],
                condition=models.Q(puskesmas__isnull=True),
                name="desa_alias_unique",
            ),
            models.UniqueConstraint(
                fields=["kabkota", "puskesmas", "kecamatan_key", "desa_key"],
                condition=models.Q(puskesmas__isnull=False),
                name="desa_alias_unique_per_puskesmas",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan_key}/{self.desa_key} → {self.desa_id}"


class ColumnMapping(models.Model):
    """A district's own file layout: file header → field, saved once, used for every later import."""

    kabkota = models.OneToOneField("wilayah.Region", on_delete=models.CASCADE, related_name="+")
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kabkota_id}: {len(self.mapping)} kolom"


def publication_path(instance, filename: str) -> str:
    """Kept for migration 0001 only, which names it: the model moved to the publication app
    (``konvergensi.publication.models.publication_path``)."""
    return f"publikasi/{instance.round.kabkota_id}/{instance.round_id}-{instance.pk}.pdf"
