"""The annual review as the work of Aksi 8, for the aksi page (registered in ``apps.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.scope import Scope
from konvergensi.aksi.work import Link, WorkItem, WorkSource

from . import selectors


def items(scope: Scope, kabkota: str, tahun: int) -> list[WorkItem]:
    review = selectors.review_for(scope=scope, kabkota=kabkota, tahun=tahun)
    if review is None:
        return []
    links = [
        Link(_("Buka reviu"), reverse("reviews:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"),
        Link(_("Dokumen reviu (PDF)"), reverse("reviews:document", kwargs={"pk": review.pk, "fmt": "pdf"})),
        Link(_("Dokumen reviu (Word)"), reverse("reviews:document", kwargs={"pk": review.pk, "fmt": "docx"})),
    ]
    status = review.get_status_display()
    if review.evidence_id:
        status += " · " + _("dilampirkan ke Aksi 8")
    return [
        WorkItem(
            title=_("Reviu kinerja tahunan %(tahun)s") % {"tahun": tahun},
            status=status,
            date=review.finalized_at or review.built_at,
            links=tuple(links),
        )
    ]


def missing(kabkota: str, tahun: int) -> str | None:
    """Aksi 8 is done when the review of the year is final."""
    if selectors.final_review(kabkota, tahun) is not None:
        return None
    return _(
        "Aksi 8 belum dapat diverifikasi: belum ada reviu kinerja tahunan %(tahun)s yang final di Konvergensi."
    ) % {"tahun": tahun}


def home(kabkota: str, tahun: int) -> str:
    return reverse("reviews:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"


SOURCE = WorkSource(
    nomor=8,
    key="reviu",
    label=gettext_lazy("Reviu kinerja tahunan"),
    items=items,
    missing=missing,
    home=home,
    home_label=gettext_lazy("Buka reviu kinerja"),
)
