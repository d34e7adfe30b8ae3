"""The Perbup/Perwali and the desa coverage as the work of Aksi 4 (registered in ``apps.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.aksi.work import Link, WorkItem, WorkSource

from . import selectors


def items(scope: Scope, kabkota: str, tahun: int) -> list[WorkItem]:
    """The district's Perbup/Perwali with its status and document, and the lokus coverage line."""
    out: list[WorkItem] = []
    page = reverse("regulations:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"
    reg = selectors.current_regulation(scope=scope, kabkota=kabkota, tahun=tahun)
    if reg is not None:
        links = [Link(_("Buka register regulasi"), page)]
        if reg.file:
            links.append(Link(_("Dokumen"), reverse("regulations:file", kwargs={"pk": reg.pk})))
        last = reg.steps.order_by("-date", "-id").first()
        out.append(
            WorkItem(
                title=" ".join(
                    t
                    for t in (reg.get_kind_display(), reg.number and _("Nomor %(n)s") % {"n": reg.number})
                    if t
                )
                + f": {reg.title}",
                status=reg.get_status_display(),
                date=last.date if last else None,
                links=tuple(links),
            )
        )
    if has_permission(scope, Permission.REGULATION_READ, kabkota):
        counts = selectors.lokus_counts(kabkota, tahun)
        if counts is not None:
            out.append(
                WorkItem(
                    title=_(
                        "%(done)s dari %(n)s desa lokus memiliki Perdes/Perkades dan alokasi APBDes %(tahun)s"
                    )
                    % {"done": counts[0], "n": counts[1], "tahun": tahun},
                    links=(Link(_("Lihat per desa"), page),),
                )
            )
    return out


def missing(kabkota: str, tahun: int) -> str | None:
    """Aksi 4 is done when a Perbup/Perwali on the role of the desa was signed by the end of the year."""
    if selectors.signed_regulation(kabkota, tahun) is not None:
        return None
    return _(
        "Aksi 4 belum dapat diverifikasi: belum ada Peraturan Bupati/Wali Kota tentang peran desa "
        "yang ditandatangani di Konvergensi."
    )


def home(kabkota: str, tahun: int) -> str:
    return reverse("regulations:home", kwargs={"kode": kabkota}) + f"?tahun={tahun}"


SOURCE = WorkSource(
    nomor=4,
    key="regulations",
    label=gettext_lazy("Register regulasi"),
    items=items,
    missing=missing,
    home=home,
    home_label=gettext_lazy("Buka Register Regulasi"),
)
