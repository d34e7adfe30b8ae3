"""The situation-analysis document (PDF, DOCX, Excel annexes): queuing it and attaching it as the
evidence of the district's Aksi 1."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks

from .. import selectors
from ..models import Analysis, AnsitDocument, DocumentStatus
from .base import date_text


def document_start(*, scope: Scope, analysis: Analysis, by) -> AnsitDocument:
    """Queue the situation-analysis document (PDF, DOCX, Excel annexes) of an analysis."""
    from konvergensi.jobs import services as job_services

    from ..tasks import document_build

    require(scope, Permission.ANSIT_EDIT, analysis.kabkota_id)
    lokus = selectors.lokus_confirmed(analysis.kabkota_id, analysis.tahun)
    with transaction.atomic():
        doc = AnsitDocument.objects.create(
            kabkota_id=analysis.kabkota_id,
            tahun=analysis.tahun,
            analysis=analysis,
            lokus_list=lokus,
            created_by=by,
        )
        job = job_services.job_create(
            kind="ansit_document",
            title=_("Dokumen analisis situasi %(nama)s %(tahun)s")
            % {"nama": analysis.kabkota.nama, "tahun": analysis.tahun},
            region_kode=analysis.kabkota_id,
            params={
                "document": doc.pk,
                "next": reverse("ansit:documents", kwargs={"kode": analysis.kabkota_id})
                + f"?tahun={analysis.tahun}",
            },
            by=by,
        )
        AnsitDocument.objects.filter(pk=doc.pk).update(job=job)
        doc.job = job
        audit(by=by, action="ansit.document.start", target=doc, region_kode=analysis.kabkota_id)
        transaction.on_commit(lambda: document_build.enqueue(str(job.pk)))
    return doc


def document_attach(*, scope: Scope, document: AnsitDocument, by):
    """Attach the generated PDF as evidence of the district's Aksi 1 of the year, through the aksi
    app's evidence service (so its permission, file checks, status rules and audit all apply)."""
    from konvergensi.aksi import selectors as aksi_selectors
    from konvergensi.aksi import services as aksi_services

    require(scope, Permission.ANSIT_EDIT, document.kabkota_id)
    locks.require_open(document.kabkota_id, document.tahun, 1)
    if document.status != DocumentStatus.SELESAI or not document.pdf:
        raise ValidationError(_("Dokumen belum selesai dibuat."))
    siklus = aksi_selectors.siklus_get(scope=scope, kabkota_kode=document.kabkota_id, tahun=document.tahun)
    if siklus is None:
        raise ValidationError(
            _("Siklus %(tahun)s belum dibuka. Buka siklus di Pantau Aksi dulu.") % {"tahun": document.tahun}
        )
    aksi = siklus.aksi_set.get(nomor=1)
    with document.pdf.open("rb") as fh:
        content = fh.read()
    upload = SimpleUploadedFile(document.filename("pdf"), content, "application/pdf")
    with transaction.atomic():
        # Submitting the analysis starts Aksi 1 (an audited move, with its reason), then attaches it.
        aksi_services.work_started(
            kabkota_kode=document.kabkota_id,
            tahun=document.tahun,
            nomor=1,
            by=by,
            reason=_("Dokumen analisis situasi dilampirkan dari Konvergensi."),
        )
        evidence = aksi_services.evidence_add(
            scope=scope,
            aksi=aksi,
            upload=upload,
            description=_("Dokumen analisis situasi (dibuat Konvergensi, %(date)s)")
            % {"date": date_text(document.finished_at)},
            by=by,
        )
        AnsitDocument.objects.filter(pk=document.pk).update(evidence_id=evidence.pk)
    document.evidence_id = evidence.pk
    return evidence
