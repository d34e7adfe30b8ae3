"""The knowledge base: good practices and innovations that districts publish, curated by the province
(for its districts) and the nation (for all), and shown on public pages without login.

A practice belongs to one district (optionally to a kecamatan or desa of it), may concern one aksi,
carries theme tags from a controlled list, and moves draf → diajukan → terbit, or back to
dikembalikan with the curator's reason. Its author is shown as the district (and the OPD credited),
never as a person. Attachments are PDF documents and JPEG/PNG photos, checked by their content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAF = "draf", pgettext_lazy("praktik baik", "Draf")
    DIAJUKAN = "diajukan", pgettext_lazy("praktik baik", "Diajukan")
    TERBIT = "terbit", pgettext_lazy("praktik baik", "Terbit")
    DIKEMBALIKAN = "dikembalikan", pgettext_lazy("praktik baik", "Dikembalikan")


EDITABLE = frozenset({Status.DRAF.value, Status.DIKEMBALIKAN.value})

# The controlled list of themes (slug, label). A data migration creates the rows; new themes are
# added here and in a migration, never by users.
THEMES: tuple[tuple[str, str], ...] = (
    ("gizi-spesifik", gettext_noop("Intervensi gizi spesifik")),
    ("gizi-sensitif", gettext_noop("Intervensi gizi sensitif")),
    ("posyandu", gettext_noop("Posyandu")),
    ("kader-kpm", gettext_noop("Kader dan KPM")),
    ("dana-desa", gettext_noop("Dana desa dan APBDes")),
    ("data-digital", gettext_noop("Data dan inovasi digital")),
    ("pangan-lokal", gettext_noop("Pangan lokal dan PMT")),
    ("air-sanitasi", gettext_noop("Air minum dan sanitasi")),
    ("paud-pengasuhan", gettext_noop("PAUD dan pengasuhan")),
    ("komunikasi-perilaku", gettext_noop("Komunikasi perubahan perilaku")),
    ("remaja-catin", gettext_noop("Remaja putri dan calon pengantin")),
    ("kemitraan", gettext_noop("Kemitraan dan CSR")),
    ("tata-kelola", gettext_noop("Tata kelola dan koordinasi")),
)


class Tag(models.Model):
    """A theme of the controlled list."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The theme's name in the page's language."""
        return gettext(self.name)


class Practice(models.Model):
    """A good practice or innovation of one district."""

    kabkota = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(  # a kecamatan or desa of the district, when the practice is local
        "wilayah.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opd = models.ForeignKey("wilayah.OPD", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    aksi = models.PositiveSmallIntegerField(_("aksi"), null=True, blank=True)
    title = models.CharField(_("judul"), max_length=200)
    summary = models.TextField(_("ringkasan"), max_length=600)
    body = models.TextField(_("uraian"), max_length=20_000, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="practices")
    tag_text = models.CharField(max_length=600, blank=True, editable=False)  # the tags' names, for search
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAF)
    return_reason = models.TextField(blank=True)
    featured = models.BooleanField(_("unggulan"), default=False)
    version = models.PositiveIntegerField(default=1)  # compare-and-set of edits and moves
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-featured", "-published_at", "-id"]
        indexes = [models.Index(fields=["status", "kabkota"], name="knowledge_status_kab")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]),
                name="knowledge_practice_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(aksi__isnull=True) | models.Q(aksi__gte=1, aksi__lte=8),
                name="knowledge_practice_aksi_1_8",
            ),
            models.CheckConstraint(
                condition=models.Q(featured=False) | models.Q(status="terbit"),
                name="knowledge_practice_featured_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabkota_id} {self.title[:40]}"

    @property
    def published(self) -> bool:
        return self.status == Status.TERBIT

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class FileKind(models.TextChoices):
    DOKUMEN = "dokumen", _("Dokumen (PDF)")
    FOTO = "foto", _("Foto")


class Attachment(models.Model):
    """A PDF document or a photo of a practice (checked by content; photos stored without metadata)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=8, choices=FileKind.choices)
    file = models.FileField(upload_to="praktik-baik/%Y/", max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("keterangan"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.practice_id} {self.original_name}"


def themes_ensure() -> int:
    """Create the themes of THEMES that are missing (after a flush; the migration creates them)."""
    existing = set(Tag.objects.values_list("slug", flat=True))
    missing = [Tag(slug=slug, name=name) for slug, name in THEMES if slug not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
