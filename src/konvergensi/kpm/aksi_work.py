"""The scorecards and the KPM summary as the work of Aksi 5 (registered in ``apps.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.aksi.work import Link, WorkItem, WorkSource
from konvergensi_core.scorecard import percent_text

from . import selectors


def home(kabkota: str, tahun: int) -> str:
    return reverse("kpm:district", kwargs={"kode": kabkota}) + f"?tahun={tahun}"


def items(scope: Scope, kabkota: str, tahun: int) -> list[WorkItem]:
    """Counts only: desa with an active trained KPM, desa scored, the pooled score per quarter."""
    if not has_permission(scope, Permission.SKOR_READ, kabkota):
        return []
    ov = selectors.overview(scope=scope, kabkota=kabkota, tahun=tahun)
    page = home(kabkota, tahun)
    out = [
        WorkItem(
            title=_("%(a)s dari %(n)s desa memiliki KPM aktif yang sudah dilatih")
            % {"a": ov.n_active_trained, "n": len(ov.rows)},
            links=(Link(_("Buka KPM dan skor desa"), page),),
        )
    ]
    if ov.n_scored:
        quarters = ", ".join(f"TW{q} {percent_text(s.value)}" for q, s in ov.quarters.items())
        out.append(
            WorkItem(
                title=_("Kartu skor konvergensi desa %(tahun)s: %(n)s desa; skor gabungan %(q)s")
                % {"tahun": tahun, "n": ov.n_scored, "q": quarters},
                links=(Link(_("Lihat per desa"), page),),
            )
        )
    return out


def missing(kabkota: str, tahun: int) -> str | None:
    """Aksi 5 has its output when at least one desa of the district has a scorecard for the year."""
    if selectors.district_has_scorecards(kabkota, tahun):
        return None
    return _(
        "Aksi 5 belum dapat diverifikasi: belum ada desa dengan kartu skor konvergensi tahun ini di Konvergensi."
    )


SOURCE = WorkSource(
    nomor=5,
    key="kpm",
    label=gettext_lazy("KPM dan skor konvergensi desa"),
    items=items,
    missing=missing,
    home=home,
    home_label=gettext_lazy("Buka KPM dan Skor Desa"),
)
