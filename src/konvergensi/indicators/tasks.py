"""Background commit of a large coverage upload (django.tasks, run by `konvergensi worker`)."""

from __future__ import annotations

import logging

from django.tasks import task

from konvergensi.accounts.scope import scope_for_user
from konvergensi.jobs import services as job_services
from konvergensi.jobs.models import Job
from konvergensi.wilayah.models import Region

from . import services
from .models import DataUpload

log = logging.getLogger(__name__)


@task()
def import_commit(job_id: str) -> str:
    """Check the staged file again (the district's data may have changed since the preview), then
    write it all or nothing. Progress: rows checked out of the rows expected (one per desa, plus the
    header block), then the write, which is one transaction."""
    job = Job.objects.get(pk=job_id)
    upload = DataUpload.objects.get(pk=job.params["upload"])
    try:  # the worker also deletes uploads left unsaved too long (issue 12)
        services.uploads_cleanup()
    except Exception:
        log.exception("cleaning expired uploads failed")
    expected = max(
        1, Region.objects.filter(level="desa", kode__startswith=upload.kabkota_id + ".").count() + 8
    )
    total = expected + 1  # the last step is the write
    try:
        scope = scope_for_user(job.created_by)
        job_services.job_progress(job=job, done=0, total=total, message="Memeriksa berkas…")
        with upload.file.open("rb") as fh:
            result = services.import_check(
                stream=fh,
                name=upload.original_name,
                kabkota=upload.kabkota_id,
                allowed=services.allowed_indicators(scope, upload.kabkota_id),
                progress=lambda rows: job_services.job_progress(
                    job=job, done=min(rows, expected), total=total, message="Memeriksa berkas…"
                ),
            )
        if not result.ok:
            services.upload_release(upload)
            job_services.job_fail(job=job, message="Berkas bermasalah; tidak ada yang disimpan.")
            return "problems"
        job_services.job_progress(job=job, done=expected, total=total, message="Menyimpan…")
        services.import_commit(scope=scope, result=result, kabkota=upload.kabkota_id, by=job.created_by)
    except Exception:
        log.exception("import_commit failed for job %s", job_id)
        services.upload_release(upload)
        job_services.job_fail(job=job, message="Gagal menyimpan; tidak ada yang berubah.")
        raise
    services.upload_done(upload, result.as_json())
    job_services.job_done(
        job=job, message=f"{result.added} baru, {result.changed} berubah, {result.unchanged} tetap"
    )
    return "ok"
