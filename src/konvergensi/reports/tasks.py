"""Documents made in the background (django.tasks, run by `konvergensi worker`): any registered kind,
its progress on a job the page polls, the file kept on the job for the reader who asked for it."""

from __future__ import annotations

import logging

from django.tasks import task

from konvergensi.jobs import services as job_services
from konvergensi.jobs.models import Job

from . import registry

log = logging.getLogger(__name__)
JOB_KIND = "report"


@task()
def report_task(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    kind = registry.get(job.params.get("kind", ""))
    if kind is None:
        job_services.job_fail(job=job, message="Jenis dokumen tidak dikenal.")
        return "unknown"
    job_services.job_progress(job=job, done=0, total=1, message="Menyusun dokumen…")
    try:
        content, filename = kind.build(job.region_kode, job.params.get("tahun"), job.params.get("fmt", "pdf"))
    except registry.NothingToReport as exc:
        job_services.job_fail(job=job, message=str(exc))
        return "nothing"
    except Exception as exc:
        log.exception("report %s failed for job %s", kind.key, job_id)
        job_services.job_fail(job=job, message=f"Gagal membuat dokumen: {exc.__class__.__name__}")
        raise
    job_services.job_finish(job=job, content=content, filename=filename, message="Dokumen siap diunduh.")
    return "ok"
