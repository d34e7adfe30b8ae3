"""Start background work and report its progress."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit

from .models import Job, JobStatus


def job_create(*, kind: str, title: str, region_kode: str, params: dict, by) -> Job:
    return Job.objects.create(kind=kind, title=title, region_kode=region_kode, params=params, created_by=by)


def job_progress(*, job: Job, done: int, total: int, message: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, done=min(done, total), total=total, message=message[:500]
    )


def job_finish(*, job: Job, content: bytes, filename: str, message: str = "") -> None:
    with transaction.atomic():
        job.result_file.save(f"{job.pk}.{filename.rsplit('.', 1)[-1]}", ContentFile(content), save=False)
        job.result_name = filename
        job.status = JobStatus.DONE
        job.done = job.total
        job.message = message[:500]
        job.save()
        audit(
            by=job.created_by,
            action=f"job.{job.kind}",
            target=job,
            region_kode=job.region_kode,
            data={"file": filename},
        )


def job_done(*, job: Job, message: str) -> None:
    """Finish a job whose result is a change in the database, not a file."""
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, done=F("total"), message=message[:500])


def job_fail(*, job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message=message[:500])


def export_pantau_start(*, scope: Scope, region_kode: str, tahun: int, title: str, by) -> Job:
    """Queue the Excel recap of Pantau Aksi for a province ("" = the nation)."""
    from .tasks import export_pantau

    job = job_create(
        kind="export_pantau", title=title, region_kode=region_kode, params={"tahun": tahun}, by=by
    )
    transaction.on_commit(lambda: export_pantau.enqueue(str(job.pk)))
    return job
