"""Background work of the measurement import (django.tasks, run by `konvergensi worker`)."""

from __future__ import annotations

import logging

from django.tasks import task

from konvergensi.accounts.scope import scope_for_user
from konvergensi.jobs import services as job_services
from konvergensi.jobs.models import Job

from . import imports
from .models import MeasurementImport

log = logging.getLogger(__name__)


def _rows_estimate(imp: MeasurementImport) -> int:
    """Rows of the file, roughly (for the progress bar): lines of a CSV, file size for an XLSX."""
    try:
        path = imp.file.path
        if imp.original_name.lower().endswith((".csv", ".txt")):
            with open(path, "rb") as fh:
                return max(1, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)
        return max(1, imp.file.size // 120)
    except (OSError, ValueError):
        return 1


@task()
def import_check_task(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    imp = MeasurementImport.objects.select_related("round").get(pk=job.params["import"])
    scope = scope_for_user(job.created_by)
    try:  # the worker also deletes the files of imports left unsaved too long (issue 12)
        imports.staged_cleanup()
    except Exception:
        log.exception("cleaning expired imports failed")
    total = _rows_estimate(imp)
    job_services.job_progress(job=job, done=0, total=total, message="Membaca berkas…")
    try:
        result = imports.check_and_keep(
            imp=imp,
            scope=scope,
            progress=lambda n: job_services.job_progress(
                job=job, done=min(n, total), total=total, message="Memeriksa baris…"
            ),
        )
    except Exception:
        log.exception("measurement check failed for job %s", job_id)
        job_services.job_fail(job=job, message="Gagal memeriksa berkas; unggah lagi atau hubungi admin.")
        raise
    c = result.counts
    job_services.job_done(
        job=job,
        message=f"{c.get('rows', 0)} baris: {c.get('add', 0)} baru, {c.get('replace', 0)} diganti, "
        f"{c.get('unchanged', 0)} tetap, {c.get('reject', 0)} ditolak",
    )
    return "ok" if result.ok else "problems"


@task()
def import_commit_task(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    imp = MeasurementImport.objects.select_related("round").get(pk=job.params["import"])
    scope = scope_for_user(job.created_by)
    try:
        counts = imports.import_commit(
            imp=imp,
            scope=scope,
            by=job.created_by,
            progress=lambda done, total: job_services.job_progress_aside(
                job=job, done=done, total=max(total, 1), message="Menulis data…"
            ),
        )
    except Exception:
        log.exception("measurement commit failed for job %s", job_id)
        job_services.job_fail(job=job, message="Gagal menyimpan; tidak ada yang berubah.")
        raise
    job_services.job_done(job=job, message=f"{counts['added']} anak baru, {counts['replaced']} diganti")
    warm(imp.round)
    return "ok"


def warm(rnd) -> None:
    """Compute the district-wide figures of a round once, so that the first page is fast too."""
    from konvergensi.accounts.scope import Scope

    from . import selectors

    scope = Scope(role="operator", kode=rnd.kabkota_id)
    try:
        for level in ("kecamatan", "desa", "puskesmas"):
            selectors.round_analysis(rnd=rnd, scope=scope, level=level)
        selectors.round_totals(
            list(selectors.rounds_for(scope=scope, kabkota=rnd.kabkota_id).values_list("pk", flat=True))
        )
    except Exception:  # a cold cache is slower, never wrong
        log.exception("warming the figures of round %s failed", rnd.pk)
