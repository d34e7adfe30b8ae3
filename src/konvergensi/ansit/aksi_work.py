"""The situation analysis as the work of Aksi 1, for the aksi page (registered in ``apps.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.scope import Scope
from konvergensi.aksi.work import Link, WorkItem, WorkSource

from . import selectors
from .models import Analysis, DocumentStatus, LokusList, LokusStatus


def items(scope: Scope, kabkota: str, tahun: int) -> list[WorkItem]:
    """The year's analyses, the confirmed lokus list and the finished documents the reader may see
    (every list is filtered by the reader's scope, so an outsider gets nothing and no link)."""
    out: list[WorkItem] = []
    for a in selectors.analysis_list(scope=scope, kabkota=kabkota, tahun=tahun).order_by("created_at", "pk"):
        out.append(
            WorkItem(
                title=_("Analisis sebaran stunting tingkat %(level)s, data %(periode)s")
                % {"level": a.get_level_display().lower(), "periode": a.periode},
                status=_("Keputusan: %(decision)s") % {"decision": a.get_decision_display()}
                if a.decision
                else _("Belum ada keputusan tim"),
                date=a.created_at,
                links=(Link(_("Buka analisis"), reverse("ansit:analysis-detail", kwargs={"pk": a.pk})),),
            )
        )
    lokus = selectors.lokus_confirmed(kabkota, tahun, scope=scope)
    if lokus is not None:
        out.append(
            WorkItem(
                title=_("Daftar desa lokus: %(n)s desa") % {"n": lokus.entries.count()},
                status=_("Dikonfirmasi"),
                date=lokus.confirmed_at,
                links=(
                    Link(_("Lihat desa lokus"), reverse("ansit:lokus", kwargs={"pk": lokus.analysis_id})),
                ),
            )
        )
    for doc in selectors.document_list(scope=scope, kabkota=kabkota, tahun=tahun).filter(
        status=DocumentStatus.SELESAI
    ):
        links = tuple(
            Link(label, reverse("ansit:document-download", kwargs={"pk": doc.pk, "fmt": fmt}))
            for fmt, label in (("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel"))
            if getattr(doc, fmt)
        )
        out.append(
            WorkItem(
                title=_("Dokumen analisis situasi"),
                status=_("Dilampirkan sebagai bukti") if doc.evidence_id else _("Selesai dibuat"),
                date=doc.finished_at or doc.created_at,
                links=links,
            )
        )
    return out


def missing(kabkota: str, tahun: int) -> str | None:
    """Aksi 1 is done when the team has decided on an analysis of the year and confirmed its lokus."""
    decided = Analysis.objects.filter(kabkota_id=kabkota, tahun=tahun).exclude(decision="").exists()
    confirmed = LokusList.objects.filter(
        kabkota_id=kabkota, tahun=tahun, status=LokusStatus.DIKONFIRMASI
    ).exists()
    if decided and confirmed:
        return None
    return _(
        "Aksi 1 belum dapat diverifikasi: belum ada analisis situasi %(tahun)s dengan keputusan tim "
        "dan daftar desa lokus yang dikonfirmasi di Konvergensi."
    ) % {"tahun": tahun}


def home(kabkota: str, tahun: int) -> str:
    return reverse("ansit:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"


SOURCE = WorkSource(
    nomor=1,
    key="ansit",
    label=gettext_lazy("Analisis situasi"),
    items=items,
    missing=missing,
    home=home,
    home_label=gettext_lazy("Buka Analisis Situasi"),
)
