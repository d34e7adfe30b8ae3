"""``{% data_lock_notice kabkota tahun nomor %}``: the short notice a page of locked data shows
(docs/aksi.md, "Kunci data"); nothing when the data are open."""

from __future__ import annotations

from django import template

from konvergensi.aksi import locks

register = template.Library()


@register.inclusion_tag("aksi/_lock_notice.html")
def data_lock_notice(kabkota, tahun, nomor) -> dict:
    kode = getattr(kabkota, "kode", kabkota) or ""
    sentence = locks.refusal(str(kode), tahun, int(nomor)) if kode and tahun else None
    return {"sentence": sentence}


@register.simple_tag
def data_locked(kabkota, tahun, nomor) -> bool:
    """True when the data are locked (``{% data_locked kab tahun 2 as locked %}`` to hide edit buttons)."""
    kode = getattr(kabkota, "kode", kabkota) or ""
    return bool(kode and tahun and locks.refusal(str(kode), tahun, int(nomor)))
