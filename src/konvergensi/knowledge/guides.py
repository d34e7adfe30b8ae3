"""Where each aksi is done in Konvergensi: the links a guide page shows its reader.

Only pages the reader may open are linked: a member of a district gets its district's pages (those
its role reads), everyone gets the public pages, and every member the aksi page in Pantau Aksi.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope

# aksi -> (label, URL name taking the district code, permission the reader needs on the district)
DISTRICT_PAGES: dict[int, tuple[tuple[str, str, Permission], ...]] = {
    1: (
        (_("Analisis situasi"), "ansit:home", Permission.VIEW_KABKOTA),
        (
            _("Data desa (cakupan layanan dan data sasaran)"),
            "indicators:completeness",
            Permission.VIEW_KABKOTA,
        ),
    ),
    2: (
        (_("Rencana kegiatan"), "plans:home", Permission.VIEW_KABKOTA),
        (_("Penandaan anggaran"), "budget:home", Permission.BUDGET_KABKOTA),
    ),
    3: ((_("Rembuk stunting"), "rembuk:home", Permission.REMBUK_READ),),
    4: ((_("Regulasi desa (Perbup/Perwali, Perdes, APBDes)"), "regulations:home", Permission.VIEW_KABKOTA),),
    5: ((_("KPM dan Skor Konvergensi Desa"), "kpm:district", Permission.SKOR_READ),),
    6: (
        (_("Sistem manajemen data"), "datasystem:home", Permission.DATASYSTEM_READ),
        (_("Data desa (kelengkapan dan verifikasi)"), "indicators:completeness", Permission.VIEW_KABKOTA),
    ),
    7: ((_("Putaran pengukuran dan publikasi"), "measurements:rounds", Permission.VIEW_KABKOTA),),
    8: ((_("Reviu kinerja tahunan"), "reviews:home", Permission.REVIEW_READ),),
}


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def links(nomor: int, scope: Scope) -> list[tuple[str, str]]:
    """(label, url) of the pages where aksi ``nomor`` is done or shown, that this reader may open."""
    out: list[tuple[str, str]] = []
    kab = scope.kabkota_kode
    if kab:
        for label, name, permission in DISTRICT_PAGES.get(nomor, ()):
            url = _url(name, kab)
            if url and has_permission(scope, permission, kab):
                out.append((str(label), url))
        url = _url("aksi:pantau-kabkota", kab)
        if url and has_permission(scope, Permission.VIEW_KABKOTA, kab):
            out.append((str(_("Pantau Aksi kabupaten/kota (status dan bukti aksi)")), url))
    elif scope.is_active:
        url = _url("aksi:pantau")
        if url:
            out.append((str(_("Pantau Aksi")), url))
    if nomor == 7:
        url = _url("publication:public-index")
        if url:
            out.append((str(_("Publikasi angka stunting (publik)")), url))
    url = _url("knowledge:public-list")
    if url:
        out.append((str(_("Praktik baik untuk aksi ini")), f"{url}?aksi={nomor}"))
    return out
