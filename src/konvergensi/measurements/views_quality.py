"""The data-quality panel of a round (WHO-UNICEF 2019 recommendations), for the reader's part of
the district: the figures of :mod:`.quality` (the whole area's verdict, then per posyandu and per
desa, one verdict per cause, so the district knows where to retrain measurers) and the duplicates
found at import. Routine data: labelled with their coverage, never as a survey."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope

from . import selectors
from .models import MeasurementRound
from .quality import CHARTS, coverage, panel_chart, panel_figures, panel_key
from .views import round_or_404

DUPLICATE_KEYS = ("duplicates", "duplicate", "duplikat")


def _duplicates(rnd: MeasurementRound) -> dict | None:
    """What the committed imports of the round found (counts in their summary, when recorded)."""
    imports = list(selectors.committed_imports([rnd.pk]).values_list("summary", flat=True))
    if not imports:
        return None
    totals = {"imports": len(imports), "rows": 0, "reject": 0, "duplicates": None}
    for summary in imports:
        counts = (summary or {}).get("counts", summary or {})
        totals["rows"] += int(counts.get("rows") or 0)
        totals["reject"] += int(counts.get("reject") or 0)
        for key in DUPLICATE_KEYS:
            found = counts.get(key, (summary or {}).get(key))
            if found is not None:
                totals["duplicates"] = (totals["duplicates"] or 0) + int(found)
                break
    return totals


POSYANDU_SHOWN = 60  # without a kecamatan chosen: the worst posyandu of the district


@login_required_scope
def quality(request, pk: int):
    rnd = round_or_404(request, pk)
    kab = rnd.kabkota
    data = panel_figures(rnd, request.scope, request.LANGUAGE_CODE)
    # The charts' URLs change with the figures and the language, so a browser may keep them.
    version = panel_key(rnd, request.scope, request.LANGUAGE_CODE).split(":")[2]
    context = {"rnd": rnd, "kab": kab, "n": data["n"], "active": "quality",
               "chart_version": f"{version}-{request.LANGUAGE_CODE}",
               "can_import": has_permission(request.scope, Permission.MEASUREMENT_IMPORT, kab.kode),
               "can_children": has_permission(request.scope, Permission.CHILD_VIEW, kab.kode)}  # fmt: skip
    if not data["n"]:
        return render(request, "measurements/quality.html", context)
    # Posyandu: the worst of the district, or every posyandu of one kecamatan (pages stay light).
    kecamatan = sorted({r["kec_kode"] for r in data["posyandu"] if r.get("kec_kode")})
    kec = request.GET.get("kec") if request.GET.get("kec") in kecamatan else ""
    posyandu = [r for r in data["posyandu"] if not kec or r.get("kec_kode") == kec]
    flagged = [r for r in posyandu if r["level"] in ("pelatihan", "perhatian")]
    context |= {
        k: v for k, v in data.items() if k not in ("posyandu", "desa", "charts")
    } | coverage(rnd, request.scope, data["n"]) | {
        "kec": kec,
        "kecamatan_choices": [(k, data["kecamatan_names"].get(k, k)) for k in kecamatan],
        "posyandu_flagged": flagged if kec else flagged[:POSYANDU_SHOWN],
        "posyandu_more": 0 if kec else max(0, len(flagged) - POSYANDU_SHOWN),
        "posyandu_other": [r for r in posyandu if r["level"] not in ("pelatihan", "perhatian")] if kec else [],
        "desa_flagged": [r for r in data["desa"] if r["level"] in ("pelatihan", "perhatian")],
        "desa_other": [r for r in data["desa"] if r["level"] not in ("pelatihan", "perhatian")],
        # The imports cover the whole district: shown to those who see all of it.
        "duplicates": _duplicates(rnd) if request.scope.covers(kab.kode, "region") else None,
    }  # fmt: skip
    return render(request, "measurements/quality.html", context)


@login_required_scope
def quality_chart(request, pk: int, name: str):
    """One chart of the panel (SVG, for the page's ``<img>``), of what the reader sees; drawn once
    per panel and cached with its figures (:func:`.quality.panel_chart`)."""
    if name not in CHARTS:
        raise Http404
    rnd = round_or_404(request, pk)
    svg = panel_chart(rnd, request.scope, request.LANGUAGE_CODE, name)
    if svg is None:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    patch_cache_control(response, private=True, max_age=24 * 3600)  # its URL names the data version
    return response
