"""The import pipeline: stage → check → preview → commit (once) → report; "Batal"; expiry.

Every state change is a conditional UPDATE, so whatever is pressed twice at once happens once: a
checked import is claimed for its commit by exactly one request (one job, one audit event), and a
committing or committed import is never checked again, cancelled or committed again (issue 12).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import logging
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi import dbstats, staging
from konvergensi_core.io.xlsx import short_name
from konvergensi_core.problems import ERROR, Problem, file_problem

from . import kinds
from .kinds import CheckOutcome, FileRefused, ImportKind, Progress
from .models import LOCKED, Import, ImportProblem, ImportStatus

log = logging.getLogger(__name__)

KEPT_PROBLEMS = 20_000  # listed and downloadable; beyond that only counted
KEPT_NOTES = 500  # code mappings kept on the import (one per old code and column); beyond that counted
WRITE_BATCH = 2_000


def kind_of(imp: Import) -> ImportKind:
    return kinds.get(imp.kind)


def workdir(imp: Import) -> Path:
    """A folder of the import's own for what its check prepares (deleted with the upload)."""
    return Path(settings.MEDIA_ROOT) / "impor" / "kerja" / str(imp.pk)


# --- stage ------------------------------------------------------------------------------------------


def stage(*, kind: ImportKind, kabkota: str, params: dict[str, Any], upload, by) -> Import:
    """Keep an uploaded file for its check. What cannot be read is refused here and leaves
    nothing behind (no row, no file); so is an upload beyond the district's quota. Expired
    uploads are cleaned first. The caller has checked the permission."""
    name = short_name(upload.name or "", 200) or f"data{kind.suffixes[0]}"
    suffix = Path(name).suffix.lower()
    if suffix not in kind.suffixes:
        raise ValidationError(kind.upload_hint or _("Jenis berkas ini tidak dapat diimpor."))
    if not upload.size:
        raise ValidationError(_("Berkas kosong."))
    if upload.size > kind.max_bytes:
        raise ValidationError(
            _("Berkas terlalu besar; batasnya %(max)s MB.") % {"max": kind.max_bytes // 1_048_576}
        )
    kind.refuse(upload, name)
    upload.seek(0)
    expire()  # what expired goes before the quota is counted
    staging.check_quota(kabkota, upload.size)
    imp = Import(id=uuid.uuid4(), kind=kind.key, kabkota_id=kabkota, params=params, original_name=name,
                 created_by=by)  # fmt: skip
    staging.keep(imp, "file", f"{imp.pk}{suffix}", upload)
    return imp


def staged_bytes(kabkota: str) -> int:
    """Bytes the district's unsaved imports hold on disk: uploads and work folders (registered
    with ``staging`` for the quota)."""
    pending = list(Import.objects.filter(kabkota_id=kabkota).exclude(status=ImportStatus.COMMITTED))
    total = staging.file_bytes(imp.file for imp in pending)
    for imp in pending:
        folder = workdir(imp)
        if folder.is_dir():
            total += sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return total


# --- check ------------------------------------------------------------------------------------------


def restage(imp: Import) -> bool:
    """Back to *staged* for a new check, unless the import is being or was committed (it never
    goes back). Returns whether it did."""
    done = Import.objects.filter(pk=imp.pk).exclude(status__in=LOCKED).update(status=ImportStatus.STAGED)
    if done:
        imp.status = ImportStatus.STAGED
    return bool(done)


def check(imp: Import, *, scope, progress: Callable[[int], None] | None = None, **options) -> CheckOutcome:
    """Run the importer's check and keep its outcome: the counts and details on the import, the
    problems (the first ``KEPT_PROBLEMS``) as rows. A file that cannot be read goes at once.
    ``options`` go to the importer (e.g. the date its check counts as today)."""
    if imp.status in LOCKED:
        raise ValidationError(
            _("Impor ini sudah disimpan atau sedang disimpan; tidak dapat diperiksa ulang.")
        )
    kind = kind_of(imp)
    try:
        outcome = kind.check(imp, scope, progress, **options)
    except FileRefused as exc:
        _delete_files(imp)
        outcome = CheckOutcome(ok=False, problems=[file_problem(str(exc))])
    kept = 0
    tally = {"errors": 0, "warnings": 0}
    ImportProblem.objects.filter(imp=imp).delete()
    problems = iter(outcome.problems)
    while True:
        batch = list(itertools.islice(problems, WRITE_BATCH))
        if not batch:
            break
        for p in batch:
            tally["errors" if p.severity == ERROR else "warnings"] += 1
        room = max(0, KEPT_PROBLEMS - kept)
        ImportProblem.objects.bulk_create(
            [_problem_row(imp, kept + i, p) for i, p in enumerate(batch[:room])], batch_size=WRITE_BATCH
        )
        kept += min(room, len(batch))
    notes = [n.as_dict() for n in outcome.notes]
    counts = {**outcome.counts, **tally, "problems": tally["errors"] + tally["warnings"], "notes": len(notes)}
    summary = {
        "ok": bool(outcome.ok),
        "counts": counts,
        "details": outcome.details,
        "notes": notes[:KEPT_NOTES],
        "file_problems": [p.message for p in _file_level(imp)],
        "checked_at": timezone.now().isoformat(),
    }
    updated = (
        Import.objects.filter(pk=imp.pk)
        .exclude(status__in=LOCKED)
        .update(status=ImportStatus.CHECKED, summary=summary)
    )
    if updated:
        imp.status, imp.summary = ImportStatus.CHECKED, summary
    return outcome


def _problem_row(imp: Import, position: int, p: Problem) -> ImportProblem:
    return ImportProblem(
        imp=imp, position=position, sheet=p.sheet[:60], row=p.row, column=p.column[:120],
        value=p.value[:200], message=p.message[:500], severity=p.severity, reject=p.reject,
    )  # fmt: skip


def _file_level(imp: Import) -> list[ImportProblem]:
    return list(ImportProblem.objects.filter(imp=imp, row__isnull=True, column="").order_by("position")[:20])


def problems(imp: Import, *, limit: int | None = None) -> list[ImportProblem]:
    """The problems of the last check in file order (errors and warnings)."""
    rows = ImportProblem.objects.filter(imp=imp).order_by("position")
    return list(rows[:limit] if limit is not None else rows)


# --- commit -----------------------------------------------------------------------------------------


def ready(imp: Import) -> bool:
    return imp.status == ImportStatus.CHECKED and bool((imp.summary or {}).get("ok"))


def claim(imp: Import) -> None:
    """checked → committing, once: of two concurrent "Simpan" only one goes on."""
    claimed = Import.objects.filter(pk=imp.pk, status=ImportStatus.CHECKED, summary__ok=True).update(
        status=ImportStatus.COMMITTING
    )
    if claimed != 1:
        raise ValidationError(_("Impor ini sudah disimpan atau sedang disimpan; tidak disimpan lagi."))
    imp.status = ImportStatus.COMMITTING


def mark_committed(imp: Import, counts: dict[str, int]) -> None:
    """*committed*, with the counts told: an importer calls it inside the transaction that writes
    its data, so the data and the state change together (the pipeline calls it again after)."""
    summary = {**(imp.summary or {}), "result": counts}
    Import.objects.filter(pk=imp.pk).update(
        status=ImportStatus.COMMITTED, committed_at=timezone.now(), summary=summary
    )
    imp.status, imp.summary = ImportStatus.COMMITTED, summary


def commit(imp: Import, *, scope, by, progress: Progress | None = None) -> dict[str, int]:
    """Write a checked import through its importer, all or nothing. It is claimed here unless the
    page claimed it already; a failure leaves nothing written and the import checked again (it may
    be tried once more); success deletes the upload and the problems (the counts stay)."""
    kind = kind_of(imp)
    if not kind.may_use(scope, imp) or (by is not None and imp.created_by_id != getattr(by, "pk", None)):
        raise PermissionDenied
    if imp.status == ImportStatus.COMMITTED:
        raise ValidationError(_("Impor ini sudah disimpan."))
    if imp.status != ImportStatus.COMMITTING:
        if not ready(imp):
            raise ValidationError(_("Berkas belum siap disimpan: periksa dan perbaiki dulu."))
        claim(imp)
    try:
        counts = kind.commit(imp, scope, by, progress)
    except Exception:
        Import.objects.filter(pk=imp.pk, status=ImportStatus.COMMITTING).update(status=ImportStatus.CHECKED)
        imp.status = ImportStatus.CHECKED
        raise
    if imp.status != ImportStatus.COMMITTED:
        mark_committed(imp, counts)
    cleanup(imp)
    if sum(n for n in counts.values() if isinstance(n, int)) >= dbstats.BULK_ROWS:
        try:
            kind.refresh_statistics(imp)
        except Exception:
            log.exception("refreshing the statistics after import %s", imp.pk)
    try:
        kind.after_commit(imp)
    except Exception:
        log.exception("after the commit of import %s", imp.pk)
    return counts


# --- Batal, expiry, cleaning -------------------------------------------------------------------------


def cancel(imp: Import, *, by) -> bool:
    """ "Batal": the upload, what was prepared from it and its problems are deleted at once (the row
    stays, marked failed, with its counts). A committing or committed import is not touched."""
    if imp.created_by_id != getattr(by, "pk", None):
        raise PermissionDenied
    changed = Import.objects.filter(pk=imp.pk).exclude(status__in=LOCKED).update(status=ImportStatus.FAILED)
    if not changed:
        return False
    imp.status = ImportStatus.FAILED
    cleanup(imp)
    return True


def cleanup(imp: Import) -> None:
    """Personal data are kept no longer than needed: the upload, the work folder, the problems and
    whatever the importer kept go; the counts stay in the summary."""
    with contextlib.suppress(KeyError):  # an importer no longer installed has nothing of its own
        kind_of(imp).cleanup(imp)
    ImportProblem.objects.filter(imp=imp).delete()
    _delete_files(imp)


def _delete_files(imp: Import) -> None:
    shutil.rmtree(workdir(imp), ignore_errors=True)
    if imp.file:
        imp.file.delete(save=False)
    Import.objects.filter(pk=imp.pk).update(file="")
    imp.file.name = ""


def expire(now: dt.datetime | None = None) -> int:
    """Delete the files and problems of imports not committed within ``KONVERGENSI_STAGED_DAYS``;
    run by the worker, by ``konvergensi manage imports_cleanup`` and whenever a file is staged.
    Returns the number of imports cleaned."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=int(settings.KONVERGENSI_STAGED_DAYS))
    old = Import.objects.filter(created_at__lt=cutoff).exclude(status__in=LOCKED)
    n = 0
    for imp in old:
        if imp.file or workdir(imp).exists() or ImportProblem.objects.filter(imp=imp).exists():
            cleanup(imp)
            n += 1
    old.exclude(status=ImportStatus.FAILED).update(status=ImportStatus.FAILED)
    for kind in kinds.known().values():
        n += kind.sweep()
    return n


# --- the command line ---------------------------------------------------------------------------------


def run(*, kind: ImportKind, kabkota: str, params: dict[str, Any], path: Path, scope, by,
        dry_run: bool) -> dict[str, Any]:  # fmt: skip
    """The command line's import: stage, check, and commit unless ``dry_run`` or the check found
    the file wanting; the answer is :func:`as_json` (with ``committed`` and, after a commit, the
    importer's counts in ``result``). Nothing of the file lingers: its files and problems go at the
    end whatever happened, and a dry run leaves not even its row. A file that cannot be read raises
    ``ValidationError`` (nothing kept)."""
    from django.core.files import File

    with path.open("rb") as fh:
        imp = stage(kind=kind, kabkota=kabkota, params=params, upload=File(fh, name=path.name), by=by)
    try:
        check(imp, scope=scope)
        payload = as_json(imp)
        payload["committed"] = False
        if payload["ok"] and not dry_run:
            payload["result"] = commit(imp, scope=scope, by=by)
            payload["committed"] = True
    finally:
        if imp.status != ImportStatus.COMMITTED:
            Import.objects.filter(pk=imp.pk).exclude(status__in=LOCKED).update(status=ImportStatus.FAILED)
        cleanup(imp)
        if dry_run:  # a trial, not an import: no row stays behind (a committed one cannot be one)
            Import.objects.filter(pk=imp.pk).exclude(status__in=LOCKED).delete()
    return payload


# --- the report ----------------------------------------------------------------------------------------


SEVERITY_LABEL = {"error": "galat", "warning": "peringatan"}


def problems_xlsx(imp: Import) -> bytes:
    """Every kept problem as an Excel sheet, in the one problem shape; the old region codes the
    import mapped to today's (its notes), when there are any, on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from konvergensi_core.io.cells import safe_row

    wb = Workbook()
    ws = wb.active
    ws.title = "Masalah"
    ws.append(["Lembar", "Baris", "Kolom", "Nilai", "Masalah", "Tingkat", "Baris ditolak"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for p in problems(imp):
        ws.append(safe_row([
            p.sheet, p.row, p.column, p.value, p.message, SEVERITY_LABEL.get(p.severity, p.severity),
            ("semua" if p.row is None and not p.column else "ya") if p.reject else "tidak",
        ]))  # fmt: skip
    ws.column_dimensions["E"].width = 90
    ws.freeze_panes = "A2"
    notes = (imp.summary or {}).get("notes") or []
    if notes:  # old region codes read as today's (the crosswalk): not problems, but to be checked
        wn = wb.create_sheet("Kode dipetakan")
        wn.append(["Lembar", "Baris", "Kolom", "Kode lama", "Kode sekarang", "Perubahan", "Jumlah baris"])
        for cell in wn[1]:
            cell.font = Font(bold=True)
        for n in notes:
            kind = "pindah kode" if n.get("kind") == "pindah_kode" else n.get("kind")
            wn.append(safe_row([n.get("sheet"), n.get("row"), n.get("column"), n.get("old"), n.get("new"), kind,
                                n.get("rows")]))  # fmt: skip
        wn.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def as_json(imp: Import) -> dict[str, Any]:
    """The CLI's ``--format json`` answer: the pipeline's keys, then the importer's own."""
    summary = imp.summary or {}
    return {
        "ok": bool(summary.get("ok")),
        "status": imp.status,
        "problems": [
            {
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "message": p.message,
                "severity": p.severity,
                "reject": p.reject,
            }
            for p in problems(imp)
        ],  # fmt: skip
        "notes": summary.get("notes", []),
        **kind_of(imp).json(imp),
    }
