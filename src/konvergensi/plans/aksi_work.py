"""The plan as the work of Aksi 2, for the aksi page (registered in ``apps.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.aksi.work import Link, WorkItem, WorkSource

from . import selectors
from .models import FROZEN_STAGES, Plan


def items(scope: Scope, kabkota: str, tahun: int) -> list[WorkItem]:
    """Each version of the year's plan with its stage; the documents and matrices for whole-district
    readers (a kecamatan or desa reads only its own rows, on the plan page)."""
    out: list[WorkItem] = []
    whole = has_permission(scope, Permission.PLAN_KABKOTA, kabkota)
    for plan in selectors.plan_list(scope=scope, kabkota=kabkota, tahun=tahun).order_by("number"):
        links = [Link(_("Buka rencana"), reverse("plans:detail", kwargs={"pk": plan.pk}))]
        if whole:
            links += [
                Link("PDF", reverse("plans:download", kwargs={"pk": plan.pk, "fmt": "pdf"})),
                Link("Excel", reverse("plans:download", kwargs={"pk": plan.pk, "fmt": "xlsx"})),
            ]
        out.append(
            WorkItem(
                title=_("Rencana kegiatan %(tahun)s, versi %(n)s: %(rows)s kegiatan")
                % {"tahun": tahun, "n": plan.number, "rows": plan.rows.count()},
                status=plan.get_stage_display()
                + (" · " + _("dilampirkan sebagai bukti") if plan.evidence_id else ""),
                date=plan.created_at,
                links=tuple(links),
            )
        )
    if whole and out:
        n_docs = selectors.documents(scope=scope, kabkota=kabkota, tahun=tahun).count()
        out.append(
            WorkItem(
                title=_("Matriks integrasi (Tabel 2.4 dan 2.5): %(n)s dokumen perencanaan/anggaran diunggah")
                % {"n": n_docs},
                links=(
                    Link(
                        _("Lihat matriks"),
                        reverse("plans:integration", kwargs={"kode": kabkota}) + f"?tahun={tahun}",
                    ),
                ),
            )
        )
    return out


def missing(kabkota: str, tahun: int) -> str | None:
    """Aksi 2 is done when the year's plan has reached the stage "final"."""
    if Plan.objects.filter(kabkota_id=kabkota, tahun=tahun, stage__in=FROZEN_STAGES).exists():
        return None
    return _("Aksi 2 belum dapat diverifikasi: rencana kegiatan %(tahun)s belum final di Konvergensi.") % {
        "tahun": tahun
    }


def home(kabkota: str, tahun: int) -> str:
    return reverse("plans:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"


SOURCE = WorkSource(
    nomor=2,
    key="plans",
    label=gettext_lazy("Rencana kegiatan"),
    items=items,
    missing=missing,
    home=home,
    home_label=gettext_lazy("Buka Rencana Kegiatan"),
)
