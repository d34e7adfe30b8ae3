"""The improvement plan and document of the data-management system as the work of Aksi 6, for the
aksi page (registered in ``apps.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.scope import Scope
from konvergensi.aksi.work import Link, WorkItem, WorkSource

from . import selectors


def items(scope: Scope, kabkota: str, tahun: int) -> list[WorkItem]:
    """The year's improvement plan (counts) with links to the page and the document, for readers
    who may read it."""
    if not selectors.may_read(scope, kabkota):
        return []
    counts = selectors.counts(kabkota, tahun, timezone.localdate())
    if not counts.planned and not counts.cancelled:
        return []
    status = _("%(n)s tindakan: %(done)s selesai, %(overdue)s melewati tenggat") % {
        "n": counts.planned, "done": counts.done, "overdue": counts.overdue,
    }  # fmt: skip
    links = (
        Link(_("Buka sistem manajemen data"), home(kabkota, tahun)),
        Link(_("Dokumen Aksi 6 (PDF)"), reverse("datasystem:document", kwargs={"kode": kabkota, "fmt": "pdf"})
             + f"?tahun={tahun}"),
        Link(_("Dokumen Aksi 6 (Word)"), reverse("datasystem:document", kwargs={"kode": kabkota, "fmt": "docx"})
             + f"?tahun={tahun}"),
    )  # fmt: skip
    return [WorkItem(title=_("Rencana perbaikan sistem manajemen data %(tahun)s") % {"tahun": tahun},
                     status=status, links=links)]  # fmt: skip


def missing(kabkota: str, tahun: int) -> str | None:
    """Aksi 6 has its output when the year has an improvement plan (one action not cancelled)."""
    if selectors.plan_exists(kabkota, tahun):
        return None
    return _(
        "Aksi 6 belum dapat diverifikasi: belum ada rencana perbaikan sistem manajemen data %(tahun)s "
        "di Konvergensi."
    ) % {"tahun": tahun}


def home(kabkota: str, tahun: int) -> str:
    return reverse("datasystem:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"


SOURCE = WorkSource(
    nomor=6,
    key="datasystem",
    label=gettext_lazy("Sistem manajemen data"),
    items=items,
    missing=missing,
    home=home,
    home_label=gettext_lazy("Buka Sistem Manajemen Data"),
)
