"""The Excel recap of Pantau Aksi as background work (django.tasks, run by `konvergensi worker`):
the task and the function that queues it. It lives with Aksi, not in ``konvergensi.jobs``, so that the
jobs app (progress, results, download) knows nothing of the domain apps that use it."""

from __future__ import annotations

import io
import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from konvergensi.accounts.scope import scope_for_user
from konvergensi.formats import zone
from konvergensi.jobs import services
from konvergensi.jobs.models import Job
from konvergensi.wilayah.models import Region
from konvergensi_core.aksi import AKSI
from konvergensi_core.io.cells import safe_row

from . import selectors as aksi_selectors

log = logging.getLogger(__name__)

STATUS_LABEL = {
    "belum_mulai": "Belum mulai",
    "draf": "Draf",
    "diajukan": "Diajukan",
    "perlu_perbaikan": "Perlu perbaikan",
    "diverifikasi": "Diverifikasi",
    None: "Siklus belum dibuka",
}
STATUS_FILL = {
    "diverifikasi": "C6EFCE",
    "diajukan": "DDEBF7",
    "perlu_perbaikan": "FFEB9C",
    "draf": "F2F2F2",
}


def export_pantau_start(*, region_kode: str, tahun: int, title: str, by) -> Job:
    """Queue the Excel recap of Pantau Aksi for a province ("" = the nation)."""
    job = services.job_create(
        kind="export_pantau", title=title, region_kode=region_kode, params={"tahun": tahun}, by=by
    )
    transaction.on_commit(lambda: export_pantau.enqueue(str(job.pk)))
    return job


@task()
def export_pantau(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    try:
        return _export_pantau(job)
    except Exception as exc:
        log.exception("export_pantau failed for job %s", job_id)
        services.job_fail(job=job, message=f"Gagal membuat rekap: {exc.__class__.__name__}")
        raise


def _export_pantau(job: Job) -> str:
    tahun = int(job.params["tahun"])
    # The recap holds what its requester may see, computed with the requester's own scope.
    scope = scope_for_user(job.created_by)
    if job.region_kode:
        provinces = list(Region.objects.filter(kode=job.region_kode))
    else:
        provinces = list(Region.objects.filter(level="provinsi"))
    wb = Workbook()
    ws = wb.active
    ws.title = f"Pantau Aksi {tahun}"
    header = [
        "Kode",
        "Kabupaten/Kota",
        "Provinsi",
        *[f"Aksi {a.nomor}" for a in AKSI],
        "% progres",
        "Diverifikasi",
        "Terlambat",
    ]
    ws.append(safe_row(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, provinsi in enumerate(provinces, start=1):
        # "Terlambat" by the province's own calendar (WIB/WITA/WIT): the worker has no request.
        today = timezone.localdate(timezone=zone(provinsi.kode))
        for row in aksi_selectors.province_rows(scope=scope, provinsi=provinsi, tahun=tahun, today=today):
            ws.append(
                safe_row(
                    [
                        row.region.kode,
                        row.region.nama,
                        provinsi.nama,
                        *[STATUS_LABEL[s] for s in row.statuses],
                        row.progress.percent,
                        row.progress.verified,
                        row.progress.overdue,
                    ]
                )
            )
            for col, status in enumerate(row.statuses, start=4):
                if status in STATUS_FILL:
                    ws.cell(ws.max_row, col).fill = PatternFill("solid", fgColor=STATUS_FILL[status])
        services.job_progress(job=job, done=i, total=len(provinces), message=provinsi.nama)
    ws.freeze_panes = "D2"
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 24
    buffer = io.BytesIO()
    wb.save(buffer)
    name = f"pantau-aksi-{job.region_kode or 'nasional'}-{tahun}.xlsx"
    services.job_finish(
        job=job,
        content=buffer.getvalue(),
        filename=name,
        message=f"{ws.max_row - 1} kabupaten/kota",
    )
    return name
