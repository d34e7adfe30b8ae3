"""Writes for the annual cycle. Each checks permission, applies the rules, and audits."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import aksi as rules
from konvergensi_core.files import FileRejected, check_upload

from . import lock_rows, work
from .models import Aksi, Comment, Evidence, LockSource, Siklus, Transition


class Conflict(concurrency.Conflict):
    """Someone else changed the aksi since the form was opened."""

    message = gettext_lazy("Aksi ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi.")


def siklus_start(*, scope: Scope, kabkota: Region, tahun: int, by) -> Siklus:
    """Open a district's cycle for a year: the eight aksi, not started, with default due dates."""
    require(scope, Permission.AKSI_EDIT, kabkota.kode)
    if kabkota.level != "kabkota":
        raise ValidationError(_("Siklus hanya untuk kabupaten/kota."))
    try:
        with transaction.atomic():
            siklus = Siklus.objects.create(kabkota=kabkota, tahun=tahun)
            Aksi.objects.bulk_create(
                Aksi(
                    siklus=siklus,
                    nomor=info.nomor,
                    due_date=rules.default_due_date(info.nomor, tahun),
                )
                for info in rules.AKSI
            )
            audit(
                by=by,
                action="siklus.start",
                target=siklus,
                region_kode=kabkota.kode,
                data={"tahun": tahun},
            )
            # Work done in Konvergensi before the cycle was opened (a round already published…)
            # starts its aksi now, as it would have when it was submitted.
            for aksi in siklus.aksi_set.order_by("nomor"):
                if work.has_work(nomor=aksi.nomor, kabkota=kabkota.kode, tahun=tahun):
                    aksi_move(
                        scope=scope,
                        aksi=aksi,
                        move=rules.Move.START,
                        expected_version=aksi.version,
                        reason=_("Hasil kerja aksi ini sudah ada di Konvergensi saat siklus dibuka."),
                        by=by,
                    )
    except IntegrityError:
        return Siklus.objects.get(kabkota=kabkota, tahun=tahun)
    return siklus


def _lock(aksi: Aksi) -> Aksi:
    """Lock the aksi's row until the transaction ends and refresh ``aksi`` from it.

    Every write whose check depends on the status or on the evidence takes this lock first, inside
    ``transaction.atomic()``, and checks only after it: so the check and the change it allows are one
    step. A submit and the deletion of the aksi's only file, or a verification and one more upload,
    then run one after the other instead of each acting on what the other is changing. PostgreSQL
    locks the row (``SELECT … FOR UPDATE``); on SQLite every write transaction is IMMEDIATE, which
    serialises them as well.
    """
    fresh = Aksi.objects.select_for_update().get(pk=aksi.pk)
    aksi.status, aksi.version, aksi.opd_id, aksi.due_date = (
        fresh.status,
        fresh.version,
        fresh.opd_id,
        fresh.due_date,
    )
    return aksi


def _compare_and_set(aksi: Aksi, expected_version: int, **changes) -> None:
    concurrency.compare_and_set(aksi, expected_version, conflict=Conflict, **changes)


MOVE_PERMISSION = {
    rules.Move.START: Permission.AKSI_EDIT,
    rules.Move.SUBMIT: Permission.AKSI_EDIT,
    rules.Move.VERIFY: Permission.AKSI_REVIEW,
    rules.Move.REQUEST_REVISION: Permission.AKSI_REVIEW,
    rules.Move.REOPEN: Permission.AKSI_REVIEW,
}


def aksi_move(
    *, scope: Scope, aksi: Aksi, move: rules.Move, expected_version: int, reason: str = "", by
) -> Transition:
    """Change an aksi's status by one allowed move (submit, verify, request revision…)."""
    require(scope, MOVE_PERMISSION[move], aksi.kabkota_kode)
    reason = reason.strip()
    if move in rules.MOVES_NEEDING_REASON and not reason:
        raise ValidationError(
            {"reason": _("Tuliskan alasan agar kabupaten/kota tahu apa yang perlu diperbaiki.")}
        )
    with transaction.atomic():
        _lock(aksi)  # the status and the evidence checked below stay as seen until the commit
        current = rules.Status(aksi.status)
        try:
            target = rules.next_status(current, move)
        except rules.TransitionError as exc:
            raise ValidationError(
                _("Status aksi sudah berubah (sekarang: %(status)s). Muat ulang halaman.")
                % {"status": aksi.get_status_display()}
            ) from exc
        kab, tahun = aksi.kabkota_kode, aksi.siklus.tahun
        if (
            move == rules.Move.SUBMIT
            and not aksi.evidence.exists()
            and not work.has_work(nomor=aksi.nomor, kabkota=kab, tahun=tahun)
        ):
            raise ValidationError(_("Unggah minimal satu dokumen bukti sebelum mengajukan ke provinsi."))
        if move == rules.Move.VERIFY:
            # The province verifies the work itself, not only a file about it (docs/aksi.md).
            missing = work.missing_work(nomor=aksi.nomor, kabkota=kab, tahun=tahun)
            if missing:
                raise ValidationError(missing)
        _compare_and_set(aksi, expected_version, status=target.value)
        transition = Transition.objects.create(
            aksi=aksi, from_status=current.value, to_status=target.value, by=by, reason=reason
        )
        # The approval lock (docs/aksi.md, "Kunci data"): verifying locks the aksi's data of the
        # year; reopening a verified aksi opens them again, with the same reason.
        if move == rules.Move.VERIFY:
            lock_rows.lock(kab, tahun, aksi.nomor, by, LockSource.VERIFIKASI)
        elif move == rules.Move.REOPEN:
            lock_rows.release(kabkota=kab, tahun=tahun, nomor=aksi.nomor, by=by, reason=reason)
        audit(
            by=by,
            action=f"aksi.{move.value}",
            target=aksi,
            region_kode=aksi.kabkota_kode,
            data={"nomor": aksi.nomor, "from": current.value, "to": target.value, "reason": reason},
        )
    return transition


def work_started(*, kabkota_kode: str, tahun: int, nomor: int, by, reason: str = "") -> Transition | None:
    """A domain app submitted the work of an aksi (a document attached, a round published): the aksi
    leaves "belum mulai" for "draf", through ``aksi_move`` (its permission, rules and audit) with
    ``by``'s own scope. Nothing happens when the cycle is not opened, the aksi is already under way,
    or ``by`` may not edit the district's aksi. Submitting to the province stays the operator's act.
    """
    from konvergensi.accounts.scope import scope_for_user

    if by is None:
        return None
    scope = scope_for_user(by)
    if not has_permission(scope, Permission.AKSI_EDIT, kabkota_kode):
        return None
    aksi = (
        Aksi.objects.select_related("siklus")
        .filter(siklus__kabkota_id=kabkota_kode, siklus__tahun=tahun, nomor=nomor)
        .first()
    )
    if aksi is None or aksi.status != rules.Status.BELUM_MULAI:
        return None
    try:
        return aksi_move(
            scope=scope,
            aksi=aksi,
            move=rules.Move.START,
            expected_version=aksi.version,
            reason=reason,
            by=by,
        )
    except (Conflict, ValidationError):
        return None  # moved by someone else meanwhile: it is under way already


def aksi_update(
    *,
    scope: Scope,
    aksi: Aksi,
    expected_version: int,
    due_date: dt.date | None,
    opd: OPD | None,
    by,
) -> Aksi:
    """Set the due date and the responsible agency."""
    require(scope, Permission.AKSI_EDIT, aksi.kabkota_kode)
    if opd is not None and opd.kabkota_id != aksi.kabkota_kode:
        raise ValidationError({"opd": _("OPD harus milik kabupaten/kota ini.")})
    with transaction.atomic():
        before = {"due_date": str(aksi.due_date), "opd": aksi.opd_id}
        _compare_and_set(aksi, expected_version, due_date=due_date, opd=opd)
        audit(
            by=by,
            action="aksi.update",
            target=aksi,
            region_kode=aksi.kabkota_kode,
            data={
                "before": before,
                "after": {"due_date": str(due_date), "opd": opd.pk if opd else None},
            },
        )
    return aksi


def evidence_add(*, scope: Scope, aksi: Aksi, upload, description: str = "", by) -> Evidence:
    """Store an evidence file after checking its type (by content and structure) and size."""
    require(scope, Permission.AKSI_CONTRIBUTE, aksi.kabkota_kode, opd_id=aksi.opd_id)
    if aksi.status == rules.Status.DIVERIFIKASI:  # early and cheap; checked again under the lock
        raise ValidationError(_("Aksi sudah diverifikasi; bukti tidak dapat ditambah."))
    try:
        _ext, content_type = check_upload(
            upload.name, upload.size, upload.file, settings.EVIDENCE_MAX_MB * 1_048_576
        )
    except FileRejected as exc:
        raise ValidationError({"file": str(exc)}) from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        aksi=aksi,
        original_name=upload.name[-200:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description.strip()[:300],
        uploaded_by=by,
    )
    try:
        with transaction.atomic():
            _lock(aksi)
            # The district may have verified it, or given it to another OPD, since the form opened.
            require(scope, Permission.AKSI_CONTRIBUTE, aksi.kabkota_kode, opd_id=aksi.opd_id)
            if aksi.status == rules.Status.DIVERIFIKASI:
                raise ValidationError(_("Aksi sudah diverifikasi; bukti tidak dapat ditambah."))
            evidence.file.save(upload.name, upload, save=False)
            evidence.save()
            if aksi.status == rules.Status.BELUM_MULAI:
                # Uploading evidence is starting the work.
                _compare_and_set(aksi, aksi.version, status=rules.Status.DRAF.value)
                Transition.objects.create(
                    aksi=aksi,
                    from_status=rules.Status.BELUM_MULAI.value,
                    to_status=rules.Status.DRAF.value,
                    by=by,
                )
            audit(
                by=by,
                action="evidence.add",
                target=evidence,
                region_kode=aksi.kabkota_kode,
                data={
                    "aksi": aksi.nomor,
                    "name": evidence.original_name,
                    "size": evidence.size,
                    "sha256": evidence.sha256,
                },
            )
    except BaseException:
        if evidence.file.name:  # the rows were rolled back: the file must not stay on disk either
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def evidence_delete(*, scope: Scope, evidence: Evidence, by) -> None:
    """Delete an evidence file while its aksi is still being worked on (not submitted or verified)."""
    aksi = evidence.aksi
    require(scope, Permission.AKSI_CONTRIBUTE, aksi.kabkota_kode, opd_id=aksi.opd_id)
    with transaction.atomic():
        _lock(aksi)  # a submit waits for this deletion, or this deletion sees the submitted status
        require(scope, Permission.AKSI_CONTRIBUTE, aksi.kabkota_kode, opd_id=aksi.opd_id)
        if aksi.status in (rules.Status.DIAJUKAN, rules.Status.DIVERIFIKASI):
            raise ValidationError(
                _("Aksi sudah diajukan atau diverifikasi; bukti „%(name)s” tidak dapat dihapus.")
                % {"name": evidence.original_name}
            )
        if not Evidence.objects.filter(pk=evidence.pk, aksi_id=aksi.pk).exists():
            return  # already deleted by another request (a double click)
        audit(
            by=by,
            action="evidence.delete",
            target=evidence,
            region_kode=aksi.kabkota_kode,
            data={"aksi": aksi.nomor, "name": evidence.original_name},
        )
        name = evidence.file.name
        evidence.delete()
    # The file goes once the row is gone for good, never before (a rollback would leave a row
    # pointing to nothing).
    if name:
        evidence.file.storage.delete(name)


def comment_add(*, scope: Scope, aksi: Aksi, body: str, by) -> Comment:
    require(scope, Permission.AKSI_COMMENT, aksi.kabkota_kode)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Komentar kosong.")})
    with transaction.atomic():
        comment = Comment.objects.create(aksi=aksi, author=by, body=body[:4000])
        audit(
            by=by,
            action="comment.add",
            target=comment,
            region_kode=aksi.kabkota_kode,
            data={"aksi": aksi.nomor},
        )
    return comment
