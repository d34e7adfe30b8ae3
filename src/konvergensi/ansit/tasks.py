"""Background work of Aksi 1 (django.tasks, run by `konvergensi worker`)."""

from __future__ import annotations

import logging

from django.tasks import task

from konvergensi.jobs import services as job_services
from konvergensi.jobs.models import Job

from . import reports
from .models import AnsitDocument, DocumentStatus

log = logging.getLogger(__name__)


@task()
def document_build(job_id: str) -> str:
    """Draw the situation-analysis document (PDF, DOCX, Excel annexes). Each step's progress is
    written outside any transaction, so the page polling the job sees it at once."""
    job = Job.objects.get(pk=job_id)
    doc = AnsitDocument.objects.select_related("analysis__kabkota", "created_by", "lokus_list").get(
        pk=job.params["document"]
    )
    try:
        reports.build(
            doc,
            progress=lambda done, message: job_services.job_progress(
                job=job, done=done, total=reports.STEPS, message=message
            ),
        )
    except Exception as exc:
        log.exception("ansit document failed for job %s", job_id)
        AnsitDocument.objects.filter(pk=doc.pk).update(status=DocumentStatus.GAGAL)
        job_services.job_fail(job=job, message=f"Gagal membuat dokumen: {exc.__class__.__name__}")
        raise
    job_services.job_done(job=job, message="PDF, Word dan lampiran Excel siap diunduh.")
    return "ok"
