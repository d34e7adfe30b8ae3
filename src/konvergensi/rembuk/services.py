"""Writes of the rembuk. Each checks permission, writes in one transaction and audits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import Region
from konvergensi_core.files import FileRejected, check_upload

from . import selectors
from .models import (
    Agenda,
    AgreedChange,
    Category,
    Dissemination,
    Level,
    Media,
    Participant,
    Rembuk,
    Signatory,
    SignatoryRole,
)

MAX_FILE = 20 * 1024 * 1024
TEXT_MAX = 5000


class Conflict(concurrency.Conflict):
    message = gettext_lazy("Rembuk ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi.")


def default_commitment(region: Region, tahun: int) -> str:
    """The naskah komitmen the district starts from (it edits it before the rembuk)."""
    return _(
        "Kami yang bertanda tangan di bawah ini, Pemerintah Daerah, DPRD, pimpinan OPD, kepala desa, "
        "perwakilan sektor non-pemerintah dan masyarakat %(wilayah)s, berkomitmen untuk:\n"
        "1. Melaksanakan rencana kegiatan intervensi penurunan stunting terintegrasi tahun %(tahun)s "
        "yang disepakati dalam Rembuk Stunting ini, dan memuatnya dalam RKPD dan Renja OPD tahun berikutnya;\n"
        "2. Memprioritaskan layanan intervensi gizi spesifik dan sensitif di desa lokasi fokus;\n"
        "3. Mendorong desa menggunakan Dana Desa untuk kegiatan penurunan stunting;\n"
        "4. Menyebarluaskan komitmen ini kepada masyarakat dan memantau pelaksanaannya bersama-sama."
    ) % {"wilayah": region.nama, "tahun": tahun}


def _require_edit(scope: Scope, rembuk: Rembuk) -> None:
    if rembuk.is_kabkota:
        require(scope, Permission.REMBUK_MANAGE, rembuk.kabkota_id)
    else:
        require(scope, Permission.REMBUK_KECAMATAN, rembuk.region_id)
    locks.require_open(rembuk.kabkota_id, rembuk.tahun, 3)  # the approval lock (docs/aksi.md)


def rembuk_create(*, scope: Scope, region: Region, tahun: int, by) -> Rembuk:
    """A new rembuk of the district (``region`` the district: one a year) or of one of its kecamatan,
    with the agenda a–d (and e from the second year), the categories and the default commitment."""
    if region.level == "kabkota":
        require(scope, Permission.REMBUK_MANAGE, region.kode)
        level, kabkota = Level.KABKOTA, region.kode
        if Rembuk.objects.filter(kabkota_id=kabkota, tahun=tahun, level=Level.KABKOTA).exists():
            raise ValidationError(_("Rembuk stunting kabupaten/kota %(tahun)s sudah ada.") % {"tahun": tahun})
    elif region.level == "kecamatan":
        require(scope, Permission.REMBUK_KECAMATAN, region.kode)
        level, kabkota = Level.KECAMATAN, region.kode[:5]
    else:
        raise ValidationError(_("Rembuk stunting diadakan di kabupaten/kota atau kecamatan."))
    locks.require_open(kabkota, tahun, 3)
    rembuk = Rembuk(kabkota_id=kabkota, region=region, level=level, tahun=tahun, created_by=by,
                    commitment=default_commitment(region, tahun))  # fmt: skip
    agenda = [Agenda.A, Agenda.B, Agenda.C, Agenda.D]
    if selectors.is_second_year(rembuk):
        agenda.append(Agenda.E)
    rembuk.agenda = [a.value for a in agenda]
    try:
        with transaction.atomic():
            rembuk.save()
            Participant.objects.bulk_create(Participant(rembuk=rembuk, category=c) for c in Category.values)
            audit(by=by, action="rembuk.create", target=rembuk, region_kode=kabkota,
                  data={"tahun": tahun, "region": region.kode, "level": level})  # fmt: skip
    except IntegrityError as exc:  # a second "Buat" at the same moment
        raise ValidationError(
            _("Rembuk stunting kabupaten/kota %(tahun)s sudah ada.") % {"tahun": tahun}
        ) from exc
    return rembuk


def _date(value: str, label: str, errors: list[str]) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(
            _("%(label)s „%(v)s” bukan tanggal (contoh 2026-02-20).") % {"label": label, "v": value[:20]}
        )
        return None


def _count(value: str, label: str, errors: list[str]) -> int:
    value = (value or "").strip().replace(".", "")
    if not value:
        return 0
    if not value.isdigit() or len(value) > 6:
        errors.append(_("Jumlah hadir %(label)s harus bilangan bulat 0 atau lebih.") % {"label": label})
        return 0
    return int(value)


def rembuk_update(*, scope: Scope, rembuk: Rembuk, data, expected_version: int, by) -> Rembuk:
    """The event (Tahap 1 and 2): date, place, TPK, agenda, speakers, the commitment and the attendance
    of each category. ``data`` is a QueryDict (or a dict of strings and lists)."""
    _require_edit(scope, rembuk)

    def one(name: str) -> str:
        value = data.get(name, "")
        return (value if isinstance(value, str) else "").strip()

    errors: list[str] = []
    date = _date(one("date"), _("Tanggal"), errors)
    if date is not None and rembuk.held and date > timezone.localdate():
        errors.append(_("Rembuk sudah terlaksana: tanggalnya tidak boleh di masa depan."))
    values = data.getlist("agenda") if hasattr(data, "getlist") else data.get("agenda", [])
    agenda = [a for a in Agenda.values if a in values]
    if Agenda.E in agenda and not selectors.is_second_year(rembuk):
        errors.append(
            _(
                "Sesi apresiasi (agenda e) dimulai pada rembuk tahun kedua; wilayah ini belum pernah mengadakan rembuk sebelumnya."
            )
        )
    if not agenda:
        errors.append(_("Pilih sedikitnya satu agenda acara (a–e)."))
    fields = {
        "date": date,
        "place": one("place")[:200],
        "tpk": one("tpk")[:TEXT_MAX],
        "agenda": agenda,
        "agenda_notes": one("agenda_notes")[:TEXT_MAX],
        "speakers": one("speakers")[:TEXT_MAX],
        "commitment": one("commitment")[:TEXT_MAX],
    }
    if not fields["commitment"]:
        errors.append(_("Naskah komitmen tidak boleh kosong."))
    counts = {}
    for value, label in Category.choices:
        counts[value] = (_count(one(f"count-{value}"), label, errors), one(f"note-{value}")[:300])
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        concurrency.compare_and_set(rembuk, expected_version, conflict=Conflict, **fields)
        for category, (count, note) in counts.items():
            Participant.objects.update_or_create(rembuk=rembuk, category=category,
                                                 defaults={"count": count, "note": note})  # fmt: skip
        audit(by=by, action="rembuk.update", target=rembuk, region_kode=rembuk.kabkota_id,
              data={"date": date.isoformat() if date else None, "hadir": sum(c for c, _n in counts.values())})  # fmt: skip
    return rembuk


def signatory_add(*, scope: Scope, rembuk: Rembuk, role: str, name: str, position: str, by) -> Signatory:
    _require_edit(scope, rembuk)
    errors = []
    if role not in SignatoryRole.values:
        errors.append(_("Pilih unsur penanda tangan."))
    if not name.strip():
        errors.append(_("Isi nama penanda tangan."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        last = rembuk.signatories.aggregate(m=Max("urutan"))["m"]
        sig = Signatory.objects.create(rembuk=rembuk, role=role, name=name.strip()[:150],
                                       position=position.strip()[:200], urutan=(last or 0) + 1)  # fmt: skip
        audit(by=by, action="rembuk.signatory.add", target=rembuk, region_kode=rembuk.kabkota_id,
              data={"role": role, "name": sig.name})  # fmt: skip
    return sig


def signatory_delete(*, scope: Scope, signatory: Signatory, by) -> None:
    rembuk = signatory.rembuk
    _require_edit(scope, rembuk)
    with transaction.atomic():
        audit(by=by, action="rembuk.signatory.delete", target=rembuk, region_kode=rembuk.kabkota_id,
              data={"role": signatory.role, "name": signatory.name})  # fmt: skip
        signatory.delete()


def rembuk_hold(*, scope: Scope, rembuk: Rembuk, by) -> str | None:
    """Record that the rembuk took place on its date. The district rembuk keeps the plan it presented
    and moves that plan from "Diskusi dengan DPRD" to "Ekspose di Rembuk Stunting" (through the plan's
    own service). Returns the new stage's label when the plan moved."""
    from konvergensi.plans import services as plan_services
    from konvergensi.plans.models import Stage

    _require_edit(scope, rembuk)
    if rembuk.held:
        raise ValidationError(_("Rembuk ini sudah dicatat terlaksana."))
    errors = []
    if rembuk.date is None:
        errors.append(_("Isi tanggal rembuk dulu."))
    elif rembuk.date > timezone.localdate():
        errors.append(_("Rembuk bertanggal %(d)s belum terjadi.") % {"d": rembuk.date.isoformat()})
    if not rembuk.place.strip():
        errors.append(_("Isi tempat rembuk dulu."))
    if not rembuk.participants.filter(count__gt=0).exists():
        errors.append(_("Isi jumlah peserta yang hadir dulu."))
    if not rembuk.signatories.exists():
        errors.append(_("Catat penanda tangan komitmen dulu."))
    if errors:
        raise ValidationError(errors)
    plan = selectors.plan_of(rembuk)
    moved = None
    with transaction.atomic():
        updated = Rembuk.objects.filter(pk=rembuk.pk, held__isnull=True).update(
            held=rembuk.date, plan=plan, version=rembuk.version + 1
        )
        if updated != 1:
            raise ValidationError(_("Rembuk ini baru saja dicatat terlaksana oleh pengguna lain."))
        rembuk.held, rembuk.plan, rembuk.version = rembuk.date, plan, rembuk.version + 1
        if plan is not None and plan.stage == Stage.DPRD:
            plan_services.stage_record(
                scope=scope, plan=plan, stage=Stage.REMBUK, date=rembuk.date,
                notes=_("Diekspose di Rembuk Stunting %(place)s.") % {"place": rembuk.place}, by=by,
            )  # fmt: skip
            moved = str(Stage.REMBUK.label)
        audit(by=by, action="rembuk.held", target=rembuk, region_kode=rembuk.kabkota_id,
              data={"date": rembuk.date.isoformat(), "plan": plan.pk if plan else None, "plan_moved": bool(moved)})  # fmt: skip
    return moved


def changes_save(*, scope: Scope, rembuk: Rembuk, data, by) -> int:
    """The changes agreed at the district rembuk, one text per plan row (``change-<row id>``); an
    emptied text removes the row's change. Returns the number of rows with a change."""
    require(scope, Permission.REMBUK_MANAGE, rembuk.kabkota_id)
    locks.require_open(rembuk.kabkota_id, rembuk.tahun, 3)
    plan = selectors.plan_of(rembuk)
    if plan is None:
        raise ValidationError(_("Belum ada rencana kegiatan (Aksi 2) tahun ini untuk dicatat perubahannya."))
    existing = selectors.changes_of(rembuk)
    with transaction.atomic():
        for row in plan.rows.all():
            name = f"change-{row.pk}"
            if name not in data:
                continue
            text = (data.get(name) or "").strip()[:TEXT_MAX]
            old = existing.get(row.pk)
            if not text:
                if old is not None:
                    old.delete()
            elif old is None:
                AgreedChange.objects.create(rembuk=rembuk, row=row, text=text, recorded_by=by)
            elif old.text != text:
                AgreedChange.objects.filter(pk=old.pk).update(text=text, recorded_by=by)
        n = rembuk.changes.count()
        audit(by=by, action="rembuk.changes", target=rembuk, region_kode=rembuk.kabkota_id,
              data={"plan": plan.pk, "rows": n})  # fmt: skip
    return n


def _checked(upload) -> None:
    try:
        check_upload(upload.name, upload.size, upload, MAX_FILE)
    except FileRejected as exc:
        raise ValidationError(str(exc)) from exc


def signed_upload(*, scope: Scope, rembuk: Rembuk, upload, by):
    """The berita acara and commitment, signed and scanned, back into Konvergensi. For the district
    rembuk it becomes the Aksi 3 evidence of the year (Aksi 3 starts); returns the evidence, or None
    when the cycle is not opened (the scan is kept) or for a kecamatan rembuk."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from konvergensi.aksi import selectors as aksi_selectors
    from konvergensi.aksi import services as aksi_services

    _require_edit(scope, rembuk)
    if not rembuk.held:
        raise ValidationError(
            _("Catat rembuk sebagai terlaksana sebelum mengunggah berita acara bertanda tangan.")
        )
    if upload is None:
        raise ValidationError(_("Pilih berkas pindaian berita acara yang sudah ditandatangani."))
    _checked(upload)
    content = upload.read()
    upload.seek(0)
    old = rembuk.signed_file.name if rembuk.signed_file else ""
    evidence = None
    with transaction.atomic():
        rembuk.signed_file.save(f"berita-acara-{rembuk.region_id}-{rembuk.tahun}-{upload.name}"[:150], upload,
                                save=False)  # fmt: skip
        rembuk.signed_name = upload.name[:200]
        Rembuk.objects.filter(pk=rembuk.pk).update(signed_file=rembuk.signed_file.name,
                                                    signed_name=rembuk.signed_name)  # fmt: skip
        siklus = (
            aksi_selectors.siklus_get(scope=scope, kabkota_kode=rembuk.kabkota_id, tahun=rembuk.tahun)
            if rembuk.is_kabkota
            else None
        )
        if siklus is not None:
            aksi = siklus.aksi_set.get(nomor=3)
            aksi_services.work_started(kabkota_kode=rembuk.kabkota_id, tahun=rembuk.tahun, nomor=3, by=by,
                                       reason=_("Berita acara rembuk stunting bertanda tangan diunggah."))  # fmt: skip
            evidence = aksi_services.evidence_add(
                scope=scope,
                aksi=aksi,
                upload=SimpleUploadedFile(upload.name, content, getattr(upload, "content_type", None)),
                description=_(
                    "Berita acara kesepakatan rencana kegiatan dan naskah komitmen Rembuk Stunting %(tahun)s (ditandatangani)"
                )
                % {"tahun": rembuk.tahun},
                by=by,
            )
            Rembuk.objects.filter(pk=rembuk.pk).update(evidence_id=evidence.pk)
            rembuk.evidence_id = evidence.pk
        audit(by=by, action="rembuk.signed", target=rembuk, region_kode=rembuk.kabkota_id,
              data={"name": rembuk.signed_name, "evidence": evidence.pk if evidence else None})  # fmt: skip
    if old and old != rembuk.signed_file.name:
        rembuk.signed_file.storage.delete(old)
    return evidence


def dissemination_add(*, scope: Scope, rembuk: Rembuk, data, upload, by) -> Dissemination:
    """Tahap 3: one way the commitment was spread (media, date, reach, a link or an attachment)."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import URLValidator

    _require_edit(scope, rembuk)

    def one(name: str) -> str:
        value = data.get(name, "")
        return (value if isinstance(value, str) else "").strip()

    errors: list[str] = []
    if not rembuk.held:
        errors.append(_("Diseminasi dicatat sesudah rembuk terlaksana."))
    media = one("media")
    if media not in Media.values:
        errors.append(_("Pilih media diseminasi."))
    date = _date(one("date"), _("Tanggal"), errors)
    if date is None and not any(_("Tanggal") in e for e in errors):
        errors.append(_("Isi tanggal diseminasi."))
    elif date is not None:
        if date > timezone.localdate():
            errors.append(_("Tanggal diseminasi tidak boleh di masa depan."))
        if rembuk.held and date < rembuk.held:
            errors.append(_("Diseminasi tidak mungkin sebelum rembuk terlaksana."))
    reach = None
    if one("reach"):
        reach = _count(one("reach"), _("jangkauan"), errors)
    link = one("link")[:400]
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except DjangoValidationError:
            errors.append(_("Tautan „%(v)s” bukan alamat web (http/https).") % {"v": link[:60]})
    if not link and upload is None:
        errors.append(_("Isi tautan atau lampirkan berkas bukti diseminasi."))
    if upload is not None:
        try:
            _checked(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    entry = Dissemination(rembuk=rembuk, media=media, date=date, reach=reach, link=link,
                          description=one("description")[:300], recorded_by=by)  # fmt: skip
    with transaction.atomic():
        if upload is not None:
            entry.original_name = upload.name[:200]
            entry.file.save(
                f"diseminasi-{rembuk.region_id}-{rembuk.tahun}-{upload.name}"[:150], upload, save=False
            )
        entry.save()
        audit(by=by, action="rembuk.dissemination", target=rembuk, region_kode=rembuk.kabkota_id,
              data={"media": media, "date": date.isoformat(), "reach": reach})  # fmt: skip
    return entry


def publish(*, scope: Scope, rembuk: Rembuk, on: bool, by) -> None:
    """Show (or stop showing) the signed commitment on the district's public page."""
    require(scope, Permission.REMBUK_MANAGE, rembuk.kabkota_id)
    if not rembuk.is_kabkota:
        raise ValidationError(_("Hanya komitmen rembuk kabupaten/kota yang dipublikasikan."))
    if on and not rembuk.signed_file:
        raise ValidationError(_("Unggah dulu berita acara yang sudah ditandatangani."))
    with transaction.atomic():
        rembuk.published = timezone.now() if on else None
        Rembuk.objects.filter(pk=rembuk.pk).update(published=rembuk.published)
        audit(by=by, action="rembuk.publish" if on else "rembuk.withdraw", target=rembuk,
              region_kode=rembuk.kabkota_id, data={"tahun": rembuk.tahun})  # fmt: skip
