"""Background publication of a round (django.tasks, run by `konvergensi worker`): the snapshot,
the charts and map, the PDF, then the publication row, with progress on the job page.

:func:`round_publish` queues the task and lives here, beside it, so that :mod:`.services` (the
stored row) never imports this module: the import runs one way only (tasks → services)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.jobs import services as job_services
from konvergensi.jobs.models import Job
from konvergensi.measurements import selectors as measurement_selectors
from konvergensi.measurements.models import MeasurementRound

from . import reports, services, snapshot

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
        data = snapshot.publication_build(rnd)
        job_services.job_progress(job=job, done=1, total=STEPS, message=_("Menggambar grafik dan peta…"))
        svgs = reports.figure_svgs(data, prefix="pdf")
        job_services.job_progress(job=job, done=2, total=STEPS, message=_("Membuat PDF…"))
        pdf = reports.publication_pdf(data, svgs)
        job_services.job_progress(job=job, done=3, total=STEPS, message=_("Menyimpan publikasi…"))
        pub = services.publication_store(rnd=rnd, data=data, pdf=pdf, by=job.created_by)
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


def round_publish(*, scope: Scope, rnd: MeasurementRound, by) -> Job:
    """Publish a round: a background task builds the snapshot and the PDF and stores the
    publication (it then replaces an earlier publication of the same round)."""
    require(scope, Permission.ROUND_MANAGE, rnd.kabkota_id)
    locks.require_open(rnd.kabkota_id, rnd.tahun, 7)  # the approval lock (docs/aksi.md)
    if not measurement_selectors.measured(rnd.pk).exists():
        raise ValidationError(
            _(
                "Putaran ini belum memiliki data pengukuran yang tersimpan: belum ada yang dapat dipublikasikan."
            )
        )
    with transaction.atomic():
        job = job_services.job_create(
            kind="round_publish",
            title=_("Publikasi %(nama)s") % {"nama": rnd.nama},
            region_kode=rnd.kabkota_id,
            params={
                "round": rnd.pk,
                "next": reverse("publication:public-round", kwargs={"kode": rnd.kabkota_id, "pk": rnd.pk}),
            },
            by=by,
        )
        audit(by=by, action="round.publish", target=rnd, region_kode=rnd.kabkota_id,
              data={"round": rnd.pk, "job": str(job.pk)})  # fmt: skip
        transaction.on_commit(lambda: publication_run.enqueue(str(job.pk)))
    return job
