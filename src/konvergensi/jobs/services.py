"""Start background work and report its progress.

The jobs app is a base app: the domain apps keep their own tasks (``aksi.tasks``,
``publication.tasks``, …) and call these functions; nothing here imports them."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from konvergensi.accounts.services import audit

from .models import Job, JobStatus


def job_create(*, kind: str, title: str, region_kode: str, params: dict, by) -> Job:
    return Job.objects.create(kind=kind, title=title, region_kode=region_kode, params=params, created_by=by)


def job_progress(*, job: Job, done: int, total: int, message: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, done=min(done, total), total=total, message=message[:500]
    )


def job_progress_aside(*, job: Job, done: int, total: int, message: str = "") -> None:
    """:func:`job_progress` for work that runs inside one long transaction: on PostgreSQL the update
    goes through a short connection of its own (autocommit), so that the polling page sees it; on
    other databases, or outside a transaction, it is the ordinary update."""
    from django.db import connection

    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        job_progress(job=job, done=done, total=total, message=message)
        return
    import psycopg
    from django.utils import timezone

    s = connection.settings_dict
    with psycopg.connect(
        dbname=s["NAME"], user=s.get("USER") or None, password=s.get("PASSWORD") or None,
        host=s.get("HOST") or None, port=s.get("PORT") or None, autocommit=True,
    ) as side:  # fmt: skip
        side.execute(
            f"UPDATE {Job._meta.db_table} SET status = %s, done = %s, total = %s, message = %s, updated_at = %s "  # noqa: S608
            "WHERE id = %s",
            [JobStatus.RUNNING, min(done, total), total, message[:500], timezone.now(), job.pk],
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
