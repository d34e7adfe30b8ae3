"""The rembuk as the work of Aksi 3, for the aksi page (registered in ``apps.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.scope import Scope
from konvergensi.aksi.work import Link, WorkItem, WorkSource

from . import selectors


def items(scope: Scope, kabkota: str, tahun: int) -> list[WorkItem]:
    """Each rembuk of the year the reader may read (district first, then the kecamatan), its berita
    acara (PDF, Word) and its signed scan."""
    out: list[WorkItem] = []
    for r in selectors.rembuk_list(scope=scope, kabkota=kabkota, tahun=tahun):
        name = (
            _("Rembuk stunting %(wilayah)s") % {"wilayah": r.region.nama}
            if r.is_kabkota
            else _("Rembuk stunting Kecamatan %(wilayah)s") % {"wilayah": r.region.nama}
        )
        links = [Link(_("Buka rembuk"), reverse("rembuk:detail", kwargs={"pk": r.pk}))]
        if r.held:
            links += [
                Link(
                    _("Berita acara (PDF)"), reverse("rembuk:berita-acara", kwargs={"pk": r.pk, "fmt": "pdf"})
                ),
                Link(
                    _("Berita acara (Word)"),
                    reverse("rembuk:berita-acara", kwargs={"pk": r.pk, "fmt": "docx"}),
                ),
            ]
        if r.signed_file:
            links.append(
                Link(_("Pindaian bertanda tangan"), reverse("rembuk:signed-file", kwargs={"pk": r.pk}))
            )
        status = _("terlaksana") if r.held else _("direncanakan")
        if r.signed_file:
            status += " · " + _("berita acara ditandatangani")
        out.append(WorkItem(title=name, status=status, date=r.held or r.date, links=tuple(links)))
    return out


def missing(kabkota: str, tahun: int) -> str | None:
    """Aksi 3 is done when the district rembuk of the year was held and its signed berita acara is in."""
    if selectors.held_and_signed(kabkota, tahun):
        return None
    return _(
        "Aksi 3 belum dapat diverifikasi: belum ada rembuk stunting kabupaten/kota %(tahun)s yang terlaksana "
        "dengan berita acara bertanda tangan di Konvergensi."
    ) % {"tahun": tahun}


def home(kabkota: str, tahun: int) -> str:
    return reverse("rembuk:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"


SOURCE = WorkSource(
    nomor=3,
    key="rembuk",
    label=gettext_lazy("Rembuk stunting"),
    items=items,
    missing=missing,
    home=home,
    home_label=gettext_lazy("Buka Rembuk Stunting"),
)
