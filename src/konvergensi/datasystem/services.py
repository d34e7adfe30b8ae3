"""Writes of Aksi 6. Each checks permission, validates, writes in one transaction and audits.

The operator (``DATASYSTEM_MANAGE``) plans the actions and records the level of detail; the OPD that
owns an action updates its status (``DATASYSTEM_UPDATE`` with the action's OPD); an action's edit
is a compare-and-set on its ``version``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import OPD, Region

from .models import Action, DetailLevel, GapKind, Level, Status

TEXT_MAX = 3000


class Conflict(concurrency.Conflict):
    message = gettext_lazy(
        "Tindakan ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi."
    )


def _one(data, name: str) -> str:
    value = data.get(name, "")
    return (value if isinstance(value, str) else "").strip()


def _date(value: str, label: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(
            _("%(label)s „%(v)s” bukan tanggal (contoh 2026-09-30).") % {"label": label, "v": value[:20]}
        )
        return None


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def _opd(kabkota: str, value: str, errors: list[str]) -> OPD | None:
    opd = OPD.objects.filter(kabkota_id=kabkota, pk=_id(value) or 0).first()
    if opd is None:
        errors.append(_("Pilih OPD penanggung jawab dari kabupaten/kota ini."))
    return opd


def _refs(kabkota: str, tahun: int, data) -> dict:
    """The gap an action answers, when it came from a button: an Aksi 1 note of the district's
    year, an indicator, a measurement round of the district (anything else is dropped)."""
    from konvergensi.ansit.models import DataGapNote
    from konvergensi.indicators.models import Indicator
    from konvergensi.measurements.models import MeasurementRound

    note_id, ind_id, round_id = (
        _id(_one(data, "note")),
        _id(_one(data, "indicator")),
        _id(_one(data, "round")),
    )
    return {
        "note": DataGapNote.objects.filter(kabkota_id=kabkota, tahun=tahun, pk=note_id).first()
        if note_id
        else None,
        "indicator": Indicator.objects.filter(pk=ind_id).first() if ind_id else None,
        "round": MeasurementRound.objects.filter(kabkota_id=kabkota, pk=round_id).first()
        if round_id
        else None,
    }


def action_add(*, scope: Scope, kabkota: Region, tahun: int, data, by) -> Action:
    """A new action of the year's improvement plan: the gap (kind and text, and the note, indicator
    or round it came from), uraian, OPD and tenggat. Starts as "rencana"."""
    require(scope, Permission.DATASYSTEM_MANAGE, kabkota.kode)
    locks.require_open(kabkota.kode, tahun, 6)  # the approval lock (docs/aksi.md)
    errors: list[str] = []
    kind = _one(data, "gap_kind")
    if kind not in GapKind.values:
        errors.append(_("Pilih jenis kesenjangan."))
    gap = _one(data, "gap")[:TEXT_MAX]
    if not gap:
        errors.append(_("Tuliskan kesenjangan yang dijawab tindakan ini."))
    uraian = _one(data, "uraian")[:TEXT_MAX]
    if not uraian:
        errors.append(_("Tuliskan uraian tindakan."))
    opd = _opd(kabkota.kode, _one(data, "opd"), errors)
    tenggat = _date(_one(data, "tenggat"), _("Tenggat"), errors)
    if tenggat is None and not any(_("Tenggat") in e for e in errors):
        errors.append(_("Isi tenggat tindakan."))
    if errors:
        raise ValidationError(errors)
    action = Action(kabkota=kabkota, tahun=tahun, gap_kind=kind, gap=gap, uraian=uraian, opd=opd,
                    tenggat=tenggat, created_by=by, updated_by=by, **_refs(kabkota.kode, tahun, data))  # fmt: skip
    with transaction.atomic():
        action.save()
        audit(by=by, action="datasystem.action.add", target=action, region_kode=kabkota.kode,
              data={"tahun": tahun, "kind": kind, "opd": opd.singkatan if opd else None,
                    "tenggat": tenggat.isoformat() if tenggat else None})  # fmt: skip
    return action


def _status(data, action: Action, errors: list[str]) -> dict:
    status = _one(data, "status")
    if status not in Status.values:
        errors.append(_("Pilih status tindakan."))
        return {}
    done = _date(_one(data, "done"), _("Tanggal selesai"), errors)
    if status == Status.SELESAI:
        if done is None and not errors:
            done = timezone.localdate()
        elif done is not None and done > timezone.localdate():
            errors.append(_("Tanggal selesai tidak boleh di masa depan."))
    else:
        done = None
    return {"status": status, "done": done, "status_note": _one(data, "status_note")[:TEXT_MAX]}


def action_update(*, scope: Scope, action: Action, data, expected_version: int, by) -> Action:
    """Edit an action. The operator changes everything; the OPD that owns it only the status, the
    date it was done and the note. ``expected_version``: the version the form showed."""
    require(scope, Permission.DATASYSTEM_UPDATE, action.kabkota_id, opd_id=action.opd_id)
    locks.require_open(action.kabkota_id, action.tahun, 6)
    manage = scope_manages(scope, action.kabkota_id)
    errors: list[str] = []
    changes = _status(data, action, errors)
    if manage:
        uraian = _one(data, "uraian")[:TEXT_MAX]
        gap = _one(data, "gap")[:TEXT_MAX]
        if not uraian:
            errors.append(_("Tuliskan uraian tindakan."))
        if not gap:
            errors.append(_("Tuliskan kesenjangan yang dijawab tindakan ini."))
        opd = _opd(action.kabkota_id, _one(data, "opd"), errors)
        tenggat = _date(_one(data, "tenggat"), _("Tenggat"), errors)
        if tenggat is None and not any(_("Tenggat") in e for e in errors):
            errors.append(_("Isi tenggat tindakan."))
        changes |= {"uraian": uraian, "gap": gap, "opd": opd, "tenggat": tenggat}
    if errors:
        raise ValidationError(errors)
    before = action.status
    with transaction.atomic():
        concurrency.compare_and_set(action, expected_version, conflict=Conflict, updated_by=by, **changes)
        audit(by=by, action="datasystem.action.update", target=action, region_kode=action.kabkota_id,
              data={"status": [before, action.status], "done": action.done.isoformat() if action.done else None,
                    "by_opd": not manage})  # fmt: skip
    return action


def scope_manages(scope: Scope, kabkota: str) -> bool:
    from konvergensi.accounts.permissions import has_permission

    return has_permission(scope, Permission.DATASYSTEM_MANAGE, kabkota)


def level_record(*, scope: Scope, kabkota: Region, tahun: int, indicator_id: int, level: str, note: str, by):
    """Record (or, with an empty ``level``, remove) the level of detail of an indicator's figures in
    the year, where the figures cannot tell it. Returns the row or None when removed."""
    from konvergensi.indicators.models import Indicator

    require(scope, Permission.DATASYSTEM_MANAGE, kabkota.kode)
    locks.require_open(kabkota.kode, tahun, 6)
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if indicator is None:
        raise ValidationError(_("Indikator tidak dikenal."))
    if level and level not in Level.values:
        raise ValidationError(_("Pilih tingkat rincian: desa, puskesmas atau kecamatan."))
    with transaction.atomic():
        if not level:
            DetailLevel.objects.filter(kabkota=kabkota, tahun=tahun, indicator=indicator).delete()
            row = None
        else:
            row, _created = DetailLevel.objects.update_or_create(
                kabkota=kabkota, tahun=tahun, indicator=indicator,
                defaults={"level": level, "note": note.strip()[:300], "updated_by": by},
            )  # fmt: skip
        audit(by=by, action="datasystem.level", target=row or kabkota, region_kode=kabkota.kode,
              data={"tahun": tahun, "indicator": indicator.kode, "level": level or None})  # fmt: skip
    return row


def document_attach(*, scope: Scope, kabkota: Region, tahun: int, by):
    """Attach the Aksi 6 document (PDF) of the year to the district's Aksi 6 as evidence, through
    the aksi app's services, and start Aksi 6. Needs an improvement plan and an opened cycle."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from konvergensi.aksi import selectors as aksi_selectors
    from konvergensi.aksi import services as aksi_services

    from . import documents, selectors

    require(scope, Permission.DATASYSTEM_MANAGE, kabkota.kode)
    if not selectors.plan_exists(kabkota.kode, tahun):
        raise ValidationError(
            _("Susun rencana perbaikan (sedikitnya satu tindakan) sebelum melampirkan dokumen Aksi 6.")
        )
    siklus = aksi_selectors.siklus_get(scope=scope, kabkota_kode=kabkota.kode, tahun=tahun)
    if siklus is None:
        raise ValidationError(
            _("Siklus %(tahun)s belum dibuka. Buka siklus di Pantau Aksi dulu.") % {"tahun": tahun}
        )
    aksi = siklus.aksi_set.get(nomor=6)
    content, name = documents.build(kabkota.kode, tahun, "pdf")
    upload = SimpleUploadedFile(name, content, "application/pdf")
    with transaction.atomic():
        aksi_services.work_started(kabkota_kode=kabkota.kode, tahun=tahun, nomor=6, by=by,
                                   reason=_("Dokumen sistem manajemen data dilampirkan dari Konvergensi."))  # fmt: skip
        evidence = aksi_services.evidence_add(
            scope=scope,
            aksi=aksi,
            upload=upload,
            description=_("Sistem manajemen data dan rencana perbaikan %(tahun)s (dibuat Konvergensi)")
            % {"tahun": tahun},
            by=by,
        )
        audit(by=by, action="datasystem.attach", target=kabkota, region_kode=kabkota.kode,
              data={"tahun": tahun, "evidence": evidence.pk})  # fmt: skip
    return evidence
