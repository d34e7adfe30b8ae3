"""The pipeline's background work (django.tasks, run by ``konvergensi worker``): the check and the
commit of any importer, with the progress the job page polls."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.tasks import task

from konvergensi.accounts.scope import scope_for_user
from konvergensi.jobs import services as job_services
from konvergensi.jobs.models import Job

from . import services
from .models import Import

log = logging.getLogger(__name__)


@task()
def check_task(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    imp = Import.objects.get(pk=job.params["import"])
    kind = services.kind_of(imp)
    try:  # the worker also deletes the files of imports left unsaved too long
        services.expire()
    except Exception:
        log.exception("cleaning expired imports failed")
    total = max(1, kind.rows_estimate(imp))
    job_services.job_progress(job=job, done=0, total=total, message="Membaca berkas…")
    try:
        services.check(
            imp,
            scope=scope_for_user(job.created_by),
            progress=lambda n: job_services.job_progress(
                job=job, done=min(n, total), total=total, message="Memeriksa baris…"
            ),
        )
    except Exception:
        log.exception("import check failed for job %s", job_id)
        job_services.job_fail(job=job, message="Gagal memeriksa berkas; unggah lagi atau hubungi admin.")
        raise
    job_services.job_done(job=job, message=kind.check_message(imp.counts))
    return "ok" if services.ready(imp) else "problems"


@task()
def commit_task(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    imp = Import.objects.get(pk=job.params["import"])
    kind = services.kind_of(imp)
    try:
        counts = services.commit(
            imp,
            scope=scope_for_user(job.created_by),
            by=job.created_by,
            progress=lambda done, total: job_services.job_progress_aside(
                job=job, done=done, total=max(total, 1), message="Menyimpan…"
            ),
        )
    except ValidationError as exc:
        # A refusal the operator can act on (the year's data locked meanwhile, the checked rows lost,
        # a desa gone from the region list): said on the job page as the importer words it, as the
        # web's own commit says it; nothing was written.
        job_services.job_fail(job=job, message=" ".join(exc.messages))
        return "refused"
    except Exception:
        log.exception("import commit failed for job %s", job_id)
        job_services.job_fail(job=job, message="Gagal menyimpan; tidak ada yang berubah.")
        raise
    job_services.job_done(job=job, message=kind.done_message(counts))
    return "ok"
