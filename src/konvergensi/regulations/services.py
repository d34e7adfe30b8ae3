"""Writes of the Aksi 4 registers. Each checks permission, writes in one transaction and audits.

The Perbup/Perwali moves one status at a time in the order draft → harmonisation → signed →
promulgated, each step dated (never in the future, never before the step before it). Recording it
as signed starts the district's Aksi 4 (``aksi.services.work_started``). A desa's regulations and
APBDes allocations are written by the desa user for its own desa or by the district operator.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import Region
from konvergensi_core.files import FileRejected, check_upload
from konvergensi_core.plan import parse_rupiah

from .models import (
    SIGNED,
    STATUS_ORDER,
    Allocation,
    Regulation,
    RegulationKind,
    Status,
    Step,
    VillageKind,
    VillageRegulation,
)

MAX_FILE = 20 * 1024 * 1024
TITLE_MAX = 400
NUMBER_MAX = 60


def _checked(upload) -> None:
    try:
        check_upload(upload.name, upload.size, upload, MAX_FILE)
    except FileRejected as exc:
        raise ValidationError(str(exc)) from exc


def _text(value, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError(_("Isi %(field)s.") % {"field": label})
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s terlalu panjang (paling banyak %(n)s huruf).") % {"field": label, "n": limit}
        )
    return text


def _date(value: dt.date | None, label: str) -> dt.date:
    if value is None:
        raise ValidationError(_("Isi %(field)s dengan tanggal yang benar.") % {"field": label})
    if value > timezone.localdate():
        raise ValidationError(_("%(field)s tidak boleh di masa depan.") % {"field": label})
    return value


# --- the Perbup/Perwali ------------------------------------------------------------------------------


def regulation_create(
    *,
    scope: Scope,
    kabkota: Region,
    kind: str,
    number: str,
    title: str,
    date: dt.date | None,
    upload=None,
    by,
) -> Regulation:
    """A new Perbup/Perwali in draft, dated (the draft's date), with its document if there is one."""
    require(scope, Permission.REGULATION_MANAGE, kabkota.kode)
    if kind not in RegulationKind.values:
        raise ValidationError(_("Pilih jenis peraturan."))
    reg = Regulation(
        kabkota=kabkota,
        kind=kind,
        number=_text(number, _("nomor"), NUMBER_MAX, required=False),
        title=_text(title, _("judul"), TITLE_MAX),
        created_by=by,
    )
    date = _date(date, _("tanggal rancangan"))
    locks.require_open(kabkota.kode, date.year, 4)
    if upload is not None:
        _checked(upload)
        reg.original_name = upload.name[:200]
    with transaction.atomic():
        if upload is not None:
            reg.file.save(_file_name(reg, upload.name), upload, save=False)
        reg.save()
        Step.objects.create(regulation=reg, status=Status.DRAF, date=date, recorded_by=by)
        audit(
            by=by,
            action="regulation.create",
            target=reg,
            region_kode=kabkota.kode,
            data={"kind": kind, "number": reg.number, "date": date.isoformat()},
        )
    return reg


def _file_name(reg: Regulation, name: str) -> str:
    return f"{reg.kind}-{reg.kabkota_id}-{name}"[:150]


def next_status(reg: Regulation) -> str | None:
    i = STATUS_ORDER.index(reg.status)
    return STATUS_ORDER[i + 1] if i + 1 < len(STATUS_ORDER) else None


def _require_open(reg: Regulation, year: int | None = None) -> None:
    """The approval lock (docs/aksi.md, "Kunci data"): a signed Perbup/Perwali belongs to the Aksi 4 of
    its signing year; one not signed yet to the year of the step being recorded (``year``)."""
    signed = reg.steps.filter(status__in=SIGNED).order_by("date").first()
    for tahun in {signed.date.year if signed else None, year} - {None}:
        locks.require_open(reg.kabkota_id, tahun, 4)


def regulation_step(
    *, scope: Scope, reg: Regulation, status: str, date: dt.date | None, number: str = "", upload=None, by
) -> Step:
    """Record the next status of the Perbup/Perwali (one step at a time, in order). "Signed" needs its
    number and the signed document (uploaded now or before); it starts Aksi 4 of the signing year."""
    require(scope, Permission.REGULATION_MANAGE, reg.kabkota_id)
    expected = next_status(reg)
    if status != expected:
        raise ValidationError(
            _("Status berikutnya adalah „%(next)s”.") % {"next": Status(expected).label}
            if expected
            else _("Peraturan ini sudah diundangkan; tidak ada status berikutnya.")
        )
    date = _date(date, _("tanggal"))
    _require_open(reg, date.year)
    last = reg.steps.order_by("-date").first()
    if last is not None and date < last.date:
        raise ValidationError(
            _("Tanggal tidak boleh sebelum tanggal status sebelumnya (%(date)s).")
            % {"date": last.date.isoformat()}
        )
    number = _text(number, _("nomor"), NUMBER_MAX, required=False) or reg.number
    if status == Status.DITANDATANGANI:
        if not number:
            raise ValidationError(_("Isi nomor peraturan yang ditandatangani."))
        if upload is None and not reg.file:
            raise ValidationError(_("Unggah dokumen peraturan yang ditandatangani."))
    if upload is not None:
        _checked(upload)
    with transaction.atomic():
        updated = Regulation.objects.filter(pk=reg.pk, status=reg.status, version=reg.version).update(
            status=status, number=number, version=reg.version + 1
        )
        if updated != 1:
            raise ValidationError(_("Status peraturan baru saja diubah pengguna lain. Muat ulang halaman."))
        reg.status, reg.number, reg.version = status, number, reg.version + 1
        if upload is not None:
            reg.original_name = upload.name[:200]
            reg.file.save(_file_name(reg, upload.name), upload, save=False)
            Regulation.objects.filter(pk=reg.pk).update(file=reg.file.name, original_name=reg.original_name)
        step = Step.objects.create(regulation=reg, status=status, date=date, recorded_by=by)
        audit(
            by=by,
            action="regulation.step",
            target=reg,
            region_kode=reg.kabkota_id,
            data={"status": status, "date": date.isoformat(), "number": number},
        )
        if status == Status.DITANDATANGANI:
            from konvergensi.aksi import services as aksi_services

            aksi_services.work_started(
                kabkota_kode=reg.kabkota_id,
                tahun=date.year,
                nomor=4,
                by=by,
                reason=_(
                    "Peraturan Bupati/Wali Kota tentang peran desa ditandatangani (dicatat di Konvergensi)."
                ),
            )
    return step


def regulation_document(*, scope: Scope, reg: Regulation, upload, by) -> Regulation:
    """Attach (or replace) the Perbup/Perwali's document."""
    require(scope, Permission.REGULATION_MANAGE, reg.kabkota_id)
    _require_open(reg)
    if upload is None:
        raise ValidationError(_("Pilih berkas dokumen peraturan."))
    _checked(upload)
    with transaction.atomic():
        old = reg.file.name if reg.file else ""
        reg.original_name = upload.name[:200]
        reg.file.save(_file_name(reg, upload.name), upload, save=False)
        Regulation.objects.filter(pk=reg.pk).update(file=reg.file.name, original_name=reg.original_name)
        audit(
            by=by,
            action="regulation.document",
            target=reg,
            region_kode=reg.kabkota_id,
            data={"name": reg.original_name},
        )
        if old and old != reg.file.name:
            storage, name = reg.file.storage, old
            transaction.on_commit(lambda: storage.delete(name))
    return reg


# --- a desa's regulations and APBDes -------------------------------------------------------------------


def village_regulation_add(
    *, scope: Scope, desa: Region, kind: str, number: str, date: dt.date | None, title: str, upload=None, by
) -> VillageRegulation:
    require(scope, Permission.REGULATION_DESA, desa.kode)
    if kind not in VillageKind.values:
        raise ValidationError(_("Pilih jenis peraturan desa (Perdes atau Perkades)."))
    reg = VillageRegulation(
        desa=desa,
        kind=kind,
        number=_text(number, _("nomor"), NUMBER_MAX),
        date=_date(date, _("tanggal penetapan")),
        title=_text(title, _("judul"), TITLE_MAX),
        created_by=by,
    )
    locks.require_open(desa.kode[:5], reg.date.year, 4)
    if upload is not None:
        _checked(upload)
        reg.original_name = upload.name[:200]
    with transaction.atomic():
        if upload is not None:
            reg.file.save(f"{kind}-{desa.kode}-{upload.name}"[:150], upload, save=False)
        reg.save()
        audit(
            by=by,
            action="regulation.desa.add",
            target=reg,
            region_kode=desa.kode,
            data={"kind": kind, "number": reg.number, "date": reg.date.isoformat()},
        )
    return reg


def village_regulation_delete(*, scope: Scope, reg: VillageRegulation, by) -> None:
    require(scope, Permission.REGULATION_DESA, reg.desa_id)
    locks.require_open(reg.desa_id[:5], reg.date.year, 4)
    with transaction.atomic():
        audit(
            by=by,
            action="regulation.desa.delete",
            target=reg,
            region_kode=reg.desa_id,
            data={"kind": reg.kind, "number": reg.number},
        )
        if reg.file:
            storage, name = reg.file.storage, reg.file.name
            transaction.on_commit(lambda: storage.delete(name))
        reg.delete()


def allocation_add(*, scope: Scope, desa: Region, tahun: int | str, amount, purpose: str, by) -> Allocation:
    require(scope, Permission.REGULATION_DESA, desa.kode)
    try:
        tahun = int(str(tahun).strip())
    except ValueError:
        tahun = 0
    if not 2018 <= tahun <= 2100:
        raise ValidationError(_("Isi tahun anggaran APBDes (2018–2100)."))
    locks.require_open(desa.kode[:5], tahun, 4)
    value, reason = parse_rupiah(amount)
    if reason:
        raise ValidationError(_("Jumlah: %(reason)s") % {"reason": reason})
    if value is None or value <= 0:
        raise ValidationError(_("Isi jumlah alokasi APBDes dalam Rupiah (lebih dari nol)."))
    row = Allocation(
        desa=desa,
        tahun=tahun,
        amount=value,
        purpose=_text(purpose, _("peruntukan"), TITLE_MAX),
        created_by=by,
    )
    with transaction.atomic():
        row.save()
        audit(
            by=by,
            action="regulation.apbdes.add",
            target=row,
            region_kode=desa.kode,
            data={"tahun": tahun, "amount": value},
        )
    return row


def allocation_delete(*, scope: Scope, row: Allocation, by) -> None:
    require(scope, Permission.REGULATION_DESA, row.desa_id)
    locks.require_open(row.desa_id[:5], row.tahun, 4)
    with transaction.atomic():
        audit(
            by=by,
            action="regulation.apbdes.delete",
            target=row,
            region_kode=row.desa_id,
            data={"tahun": row.tahun, "amount": row.amount},
        )
        row.delete()
