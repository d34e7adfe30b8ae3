"""Writes of the knowledge base. Each checks permission, writes in one transaction and audits.

The district operator writes its district's practices (while they are a draft or sent back), attaches
PDF documents and photos, and submits them. The province (for its districts) and the nation (for all)
publish a submitted practice or send it back with a reason, take a published one offline (back to the
district, with a reason) and feature published ones. Every move is a compare-and-set on ``version``:
two curators clicking at once make one move.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.concurrency import Conflict
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core.files import FileRejected, check_upload

from .models import EDITABLE, Attachment, FileKind, Practice, Status, Tag, themes_ensure

TITLE_MAX = 200
SUMMARY_MAX = 600
BODY_MAX = 20_000
REASON_MAX = 1_000
CAPTION_MAX = 200
MAX_PDF = 20 * 1024 * 1024
MAX_PHOTO = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 2_400  # pixels; larger photos are scaled down when stored
MAX_FILES = {FileKind.DOKUMEN.value: 5, FileKind.FOTO.value: 12}
MAX_TAGS = 5


@dataclass
class PracticeInput:
    title: str = ""
    summary: str = ""
    body: str = ""
    aksi: str | int | None = None
    tags: list[str] | None = None  # slugs of the controlled list
    region: str = ""  # a kecamatan or desa code of the district, or empty
    opd: str | int | None = None  # the OPD credited, or empty


def _line(value, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError(_("Isi %(field)s.") % {"field": label})
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s terlalu panjang (paling banyak %(n)s huruf).") % {"field": label, "n": limit}
        )
    return text


def _paragraphs(value, label: str, limit: int, *, required: bool) -> str:
    """Plain text with its paragraphs kept (blank lines), every other run of spaces made one."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    text = "\n\n".join(p for p in paragraphs if p)
    if required and not text:
        raise ValidationError(_("Isi %(field)s.") % {"field": label})
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s terlalu panjang (paling banyak %(n)s huruf).") % {"field": label, "n": limit}
        )
    return text


def _clean(kabkota: Region, data: PracticeInput) -> dict:
    aksi_text = str(data.aksi or "").strip()
    if aksi_text and not (aksi_text.isdigit() and 1 <= int(aksi_text) <= 8):
        raise ValidationError(_("Pilih aksi 1–8, atau kosongkan."))
    slugs = [s for s in dict.fromkeys(data.tags or []) if s]
    tags = list(Tag.objects.filter(slug__in=slugs))
    if len(tags) != len(slugs):
        raise ValidationError(_("Pilih tema dari daftar."))
    if len(tags) > MAX_TAGS:
        raise ValidationError(_("Pilih paling banyak %(n)s tema.") % {"n": MAX_TAGS})
    region = None
    code = str(data.region or "").strip()
    if code:
        region = Region.objects.filter(kode=code, level__in=("kecamatan", "desa")).first()
        if region is None or not region.kode.startswith(kabkota.kode + "."):
            raise ValidationError(_("Pilih kecamatan atau desa di kabupaten/kota ini, atau kosongkan."))
    opd = None
    opd_text = str(data.opd or "").strip()
    if opd_text:
        opd = OPD.objects.filter(pk=int(opd_text) if opd_text.isdigit() else 0, kabkota=kabkota).first()
        if opd is None:
            raise ValidationError(_("Pilih OPD kabupaten/kota ini, atau kosongkan."))
    return {
        "title": _line(data.title, _("judul"), TITLE_MAX),
        "summary": _paragraphs(data.summary, _("ringkasan"), SUMMARY_MAX, required=True),
        "body": _paragraphs(data.body, _("uraian"), BODY_MAX, required=False),
        "aksi": int(aksi_text) if aksi_text else None,
        "region": region,
        "opd": opd,
        "tags": tags,
    }


def _set_tags(practice: Practice, tags: list[Tag]) -> None:
    practice.tags.set(tags)
    Practice.objects.filter(pk=practice.pk).update(tag_text=" ".join(t.name for t in tags)[:600])


def practice_create(*, scope: Scope, kabkota: Region, data: PracticeInput, by) -> Practice:
    require(scope, Permission.KNOWLEDGE_WRITE, kabkota.kode)
    themes_ensure()  # the migration made them; a flushed test database has none
    fields = _clean(kabkota, data)
    tags = fields.pop("tags")
    with transaction.atomic():
        practice = Practice.objects.create(kabkota=kabkota, created_by=by, **fields)
        _set_tags(practice, tags)
        audit(by=by, action="knowledge.create", target=practice, region_kode=kabkota.kode,
              data={"title": practice.title})  # fmt: skip
    practice.refresh_from_db()
    return practice


def _moved(practice: Practice, expected_version: int | None, sources, **changes) -> None:
    """Compare-and-set: ``changes`` apply only if the practice is still in one of ``sources`` at the
    version the form showed."""
    version = practice.version if expected_version is None else expected_version
    updated = Practice.objects.filter(pk=practice.pk, status__in=list(sources), version=version).update(
        version=version + 1, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise Conflict(Practice.objects.filter(pk=practice.pk).first())
    for key, value in changes.items():
        setattr(practice, key, value)
    practice.version = version + 1


def practice_update(
    *, scope: Scope, practice: Practice, data: PracticeInput, expected_version: int, by
) -> Practice:
    require(scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    if not practice.editable:
        raise ValidationError(_("Praktik baik yang diajukan atau terbit tidak dapat diubah."))
    fields = _clean(practice.kabkota, data)
    tags = fields.pop("tags")
    with transaction.atomic():
        _moved(practice, expected_version, EDITABLE, title=fields["title"], summary=fields["summary"],
               body=fields["body"], aksi=fields["aksi"], region=fields["region"], opd=fields["opd"])  # fmt: skip
        _set_tags(practice, tags)
        audit(by=by, action="knowledge.update", target=practice, region_kode=practice.kabkota_id,
              data={"title": practice.title})  # fmt: skip
    return practice


def practice_submit(*, scope: Scope, practice: Practice, expected_version: int | None = None, by) -> Practice:
    """Draf or dikembalikan → diajukan: the province of the district sees it in its queue."""
    require(scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    if not practice.editable:
        raise ValidationError(_("Praktik baik ini sudah diajukan atau terbit."))
    if len(practice.summary) < 40:
        raise ValidationError(_("Tulis ringkasan paling sedikit 40 huruf sebelum mengajukan."))
    with transaction.atomic():
        _moved(practice, expected_version, EDITABLE, status=Status.DIAJUKAN, submitted_at=timezone.now(),
               return_reason="")  # fmt: skip
        audit(by=by, action="knowledge.submit", target=practice, region_kode=practice.kabkota_id)
    return practice


def practice_publish(
    *, scope: Scope, practice: Practice, expected_version: int | None = None, by
) -> Practice:
    """Diajukan → terbit, by the province of the district or the nation."""
    require(scope, Permission.KNOWLEDGE_CURATE, practice.kabkota_id)
    if practice.status != Status.DIAJUKAN:
        raise ValidationError(_("Hanya praktik baik yang diajukan yang dapat diterbitkan."))
    with transaction.atomic():
        _moved(practice, expected_version, {Status.DIAJUKAN}, status=Status.TERBIT, published_at=timezone.now(),
               curated_by=by, return_reason="")  # fmt: skip
        audit(by=by, action="knowledge.publish", target=practice, region_kode=practice.kabkota_id)
    return practice


def practice_return(
    *, scope: Scope, practice: Practice, reason: str, expected_version: int | None = None, by
) -> Practice:
    """Diajukan (or terbit: taken offline) → dikembalikan, with the curator's reason for the district."""
    require(scope, Permission.KNOWLEDGE_CURATE, practice.kabkota_id)
    if practice.status not in (Status.DIAJUKAN, Status.TERBIT):
        raise ValidationError(_("Hanya praktik baik yang diajukan atau terbit yang dapat dikembalikan."))
    reason = _paragraphs(reason, _("alasan"), REASON_MAX, required=True)
    with transaction.atomic():
        _moved(practice, expected_version, {Status.DIAJUKAN, Status.TERBIT}, status=Status.DIKEMBALIKAN,
               return_reason=reason, featured=False, curated_by=by)  # fmt: skip
        audit(by=by, action="knowledge.return", target=practice, region_kode=practice.kabkota_id,
              data={"reason": reason[:200]})  # fmt: skip
    return practice


def practice_feature(
    *, scope: Scope, practice: Practice, on: bool, expected_version: int | None = None, by
) -> Practice:
    """Feature (or stop featuring) a published practice: it leads the public list."""
    require(scope, Permission.KNOWLEDGE_CURATE, practice.kabkota_id)
    if practice.status != Status.TERBIT:
        raise ValidationError(_("Hanya praktik baik yang terbit yang dapat dijadikan unggulan."))
    with transaction.atomic():
        _moved(practice, expected_version, {Status.TERBIT}, featured=on, curated_by=by)
        audit(by=by, action="knowledge.feature" if on else "knowledge.unfeature", target=practice,
              region_kode=practice.kabkota_id)  # fmt: skip
    return practice


def practice_delete(*, scope: Scope, practice: Practice, by) -> None:
    """A draft (or sent-back) practice and its files are deleted; a submitted or published one is not."""
    require(scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    if not practice.editable:
        raise ValidationError(_("Praktik baik yang diajukan atau terbit tidak dapat dihapus."))
    with transaction.atomic():
        names = [(f.file.storage, f.file.name) for f in practice.files.all()]
        audit(by=by, action="knowledge.delete", target=practice, region_kode=practice.kabkota_id,
              data={"title": practice.title})  # fmt: skip
        practice.delete()
        for storage, name in names:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


# --- files ----------------------------------------------------------------------------------------------


def _photo_without_metadata(upload, ext: str) -> bytes:
    """The photo re-encoded without its metadata (EXIF: the camera's GPS position, names), upright and
    at most MAX_PHOTO_SIDE pixels on its long side. The upload was verified by check_upload first."""
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload, formats=["PNG" if ext == "png" else "JPEG"]) as image:
        image.load()
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
        out = io.BytesIO()
        if ext == "png":
            image.save(out, format="PNG", optimize=True)
        else:
            image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    upload.seek(0)
    return out.getvalue()


def attachment_add(*, scope: Scope, practice: Practice, upload, caption: str = "", by) -> Attachment:
    """A PDF document or a JPEG/PNG photo, checked by its content (a renamed file is refused)."""
    require(scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    if not practice.editable:
        raise ValidationError(
            _("Berkas hanya dapat ditambahkan selama praktik baik masih draf atau dikembalikan.")
        )
    if upload is None:
        raise ValidationError(_("Pilih berkas PDF atau foto JPG/PNG."))
    name = str(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == "pdf":
        kind, limit = FileKind.DOKUMEN, MAX_PDF
    elif ext in ("jpg", "jpeg", "png"):
        kind, limit = FileKind.FOTO, MAX_PHOTO
    else:
        raise ValidationError(
            _("Jenis berkas „%(name)s” tidak diterima. Unggah dokumen PDF atau foto JPG/PNG.")
            % {"name": name}
        )
    try:
        content_type = check_upload(name, upload.size, upload, limit)[1]
    except FileRejected as exc:
        raise ValidationError(str(exc)) from exc
    if practice.files.filter(kind=kind).count() >= MAX_FILES[kind]:
        raise ValidationError(
            _("Paling banyak %(n)s berkas jenis ini per praktik baik.") % {"n": MAX_FILES[kind]}
        )
    caption = _line(caption, _("keterangan"), CAPTION_MAX, required=False)
    if kind == FileKind.FOTO:
        try:
            content = _photo_without_metadata(upload, ext)
        except (OSError, ValueError, SyntaxError) as exc:
            raise ValidationError(
                _("Foto „%(name)s” tidak dapat dibaca. Simpan ulang fotonya.") % {"name": name}
            ) from exc
        stored: ContentFile | object = ContentFile(content)
        size = len(content)
    else:
        stored, size = upload, upload.size
    row = Attachment(practice=practice, kind=kind, original_name=name[:200], content_type=content_type,
                     size=size, caption=caption)  # fmt: skip
    row.file.save(f"praktik-{practice.pk}.{'jpg' if ext == 'jpeg' else ext}", stored, save=False)
    try:
        with transaction.atomic():
            row.save()
            audit(by=by, action="knowledge.file.add", target=practice, region_kode=practice.kabkota_id,
                  data={"name": row.original_name, "kind": kind})  # fmt: skip
    except Exception:
        row.file.storage.delete(row.file.name)  # no row, no file
        raise
    return row


def attachment_delete(*, scope: Scope, row: Attachment, by) -> None:
    practice = row.practice
    require(scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    if not practice.editable:
        raise ValidationError(_("Berkas praktik baik yang diajukan atau terbit tidak dapat dihapus."))
    with transaction.atomic():
        storage, name = row.file.storage, row.file.name
        audit(by=by, action="knowledge.file.delete", target=practice, region_kode=practice.kabkota_id,
              data={"name": row.original_name})  # fmt: skip
        row.delete()
        transaction.on_commit(lambda: storage.delete(name))
