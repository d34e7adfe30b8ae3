"""Background publication of a round (django.tasks, run by `konvergensi worker`): the snapshot,
the charts and map, the PDF, then the publication row, with progress on the job page."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils.translation import gettext as _

from konvergensi.jobs import services as job_services
from konvergensi.jobs.models import Job

from . import publication
from .models import MeasurementRound

log = logging.getLogger(__name__)
STEPS = 4


@task()
def publication_run(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    try:
        rnd = MeasurementRound.objects.select_related("kabkota").get(pk=job.params["round"])
        job_services.job_progress(
            job=job, done=0, total=STEPS, message=_("Menghitung angka dan menyembunyikan sel kecil…")
        )
        data = publication.publication_build(rnd)
        job_services.job_progress(job=job, done=1, total=STEPS, message=_("Menggambar grafik dan peta…"))
        svgs = publication.figure_svgs(data, prefix="pdf")
        job_services.job_progress(job=job, done=2, total=STEPS, message=_("Membuat PDF…"))
        pdf = publication.publication_pdf(data, svgs)
        job_services.job_progress(job=job, done=3, total=STEPS, message=_("Menyimpan publikasi…"))
        pub = publication.publication_store(rnd=rnd, data=data, pdf=pdf, by=job.created_by)
    except Exception as exc:
        log.exception("publication_run failed for job %s", job_id)
        job_services.job_fail(
            job=job, message=_("Gagal membuat publikasi: %(error)s") % {"error": exc.__class__.__name__}
        )
        raise
    job_services.job_done(
        job=job, message=_("Dipublikasikan: %(n)s anak diukur") % {"n": data["district"]["measured_display"]}
    )
    return str(pub.pk)
