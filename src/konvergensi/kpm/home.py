"""The Aksi 5 panel of the home page (``accounts.home``): a desa user sees its KPM count and latest
score with links; a kecamatan user the summary of its desa; a district operator a link."""

from __future__ import annotations

from django.urls import reverse

from konvergensi.accounts.home import HomeRequest
from konvergensi.accounts.models import Role
from konvergensi_core.scorecard import percent_text

from . import selectors


def home_context(asked: HomeRequest) -> dict:
    scope, region, kabkota = asked.scope, asked.region, asked.kabkota
    if kabkota is None or region is None:
        return {}
    if scope.role == Role.DESA:
        counts = selectors.kpm_counts([region.kode]).get(region.kode, selectors.KpmCounts())
        history = selectors.desa_history(scope=scope, desa=region.kode)
        latest = history[-1] if history else None
        return {
            "kpm_home": {
                "kpm": counts,
                "latest": percent_text(latest.total) if latest else None,
                "latest_label": latest.label if latest else "",
                "url": reverse("kpm:desa", kwargs={"kode": region.kode}) + f"?tahun={asked.tahun}",
            }
        }
    if scope.role == Role.KECAMATAN:
        ov = selectors.overview(scope=scope, kabkota=kabkota.kode, tahun=asked.tahun, kecamatan=region.kode)
        return {
            "kpm_home": {
                "n_desa": len(ov.rows),
                "trained": ov.n_active_trained,
                "scored": ov.n_scored,
                "low": len(ov.low_lokus),
                "url": reverse("kpm:kecamatan", kwargs={"kode": region.kode}) + f"?tahun={asked.tahun}",
            }
        }
    return {}
