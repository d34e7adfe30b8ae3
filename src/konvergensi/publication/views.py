"""Publishing a round (the district operator) and the public pages of published rounds (no login).

The public pages show only a publication's frozen snapshot (:mod:`.snapshot`): suppressed
aggregates, never a row of the measurement table. A round that is not published, or whose
publication was withdrawn, does not exist for them (404). The numbers are plain HTML and work
without JavaScript; the Leaflet map is an enhancement over a static SVG map.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.measurements import selectors as measurement_selectors
from konvergensi.web import attachment, flash_errors, region_or_404

from . import reports, selectors, services, tasks
from .models import Publication

FIGURE_CACHE_SECONDS = 24 * 3600


# ---- the operator ----------------------------------------------------------------------------


def _round_or_404(request, pk: int):
    """A round of a district the reader may see; 404 otherwise (its existence is not told)."""
    rnd = measurement_selectors.round_get(scope=request.scope, pk=pk)
    if rnd is None:
        raise Http404
    activate_region(rnd.kabkota_id)  # times in the district's zone (WIB/WITA/WIT), for every reader
    return rnd


@login_required_scope
def publish(request, pk: int):
    """GET: what publishing does and the round's current publication; POST: publish (a job)."""
    rnd = _round_or_404(request, pk)
    require(request.scope, Permission.ROUND_MANAGE, rnd.kabkota_id)
    if request.method == "POST":
        try:
            job = tasks.round_publish(scope=request.scope, rnd=rnd, by=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("publication:publish", pk=rnd.pk)
        return redirect("jobs:detail", pk=job.pk)
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    current = selectors.publication_current_for_round(rnd)
    history = selectors.publication_history(rnd)
    return render(
        request,
        "publication/publish.html",
        {
            "rnd": rnd,
            "kab": rnd.kabkota,
            "measured": measurement_selectors.measured(rnd.pk).count(),
            "current": current,
            "history": history,
            "can_import": has_permission(request.scope, Permission.MEASUREMENT_IMPORT, rnd.kabkota_id),
            "can_children": has_permission(request.scope, Permission.CHILD_VIEW, rnd.kabkota_id),
        },
    )


@require_POST
@login_required_scope
def withdraw(request, pk: int):
    rnd = _round_or_404(request, pk)
    try:
        services.round_withdraw(scope=request.scope, rnd=rnd, by=request.user,
                                   reason=request.POST.get("alasan", ""))  # fmt: skip
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Publikasi %(nama)s ditarik dari halaman publik.") % {"nama": rnd.nama})
    return redirect("publication:publish", pk=rnd.pk)


# ---- the public ------------------------------------------------------------------------------


def _kabkota(kode: str):
    return region_or_404(kode, "kabkota")


def _publication(kode: str, pk: int) -> Publication:
    pub = selectors.publication_current(kabkota=kode, round_id=pk)
    if pub is None:
        raise Http404
    return pub


def _figures(pub: Publication) -> dict[str, str]:
    """The publication's charts and map as inline SVG, drawn once per publication and language
    (their legends speak the page's language) and cached."""
    key = f"konvergensi:publikasi:{pub.pk}:svg:v4:{translation.get_language()}"
    svgs = cache.get(key)
    if svgs is None:
        svgs = reports.figure_svgs(pub.data, prefix=f"p{pub.pk}")
        cache.set(key, svgs, FIGURE_CACHE_SECONDS)
    return svgs


def _round_context(pub: Publication) -> dict:
    return {**reports.display_context(pub.data), "pub": pub, "svg": _figures(pub)}


PUBLIC_MAX_AGE = (
    300  # seconds a browser or an office proxy may keep a public page (a withdrawal shows within 5 min)
)


def _public_cache(view):
    """Public pages may be kept by browsers and shared proxies for a few minutes (slow district
    connections); a signed-in reader's page carries their name in the header, so it stays private."""
    from functools import wraps

    from django.utils.cache import patch_cache_control

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and "Cache-Control" not in response:
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, max_age=0)
            else:
                patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    return wrapped


@require_GET
@_public_cache
def public_index(request):
    return render(request, "publication/public/index.html", {"items": _index_rows()})


INDEX_CACHE_SECONDS = 600  # a renamed district or round shows within ten minutes; a (re)publication or
# a withdrawal at once (it changes the key)


def _index_rows() -> list[dict]:
    """One row per district with a current publication (its newest round), by province then name.

    Only the two figures the table shows are read from each snapshot: reading the whole snapshot of
    every district's every round made the page O(the nation's desa), 0.7 s with 35 districts. Even
    the two figures cost the database a decompression of each snapshot (53 ms for 380 publications,
    ~140 ms for the nation's ~1,000), on the most visited public page; so the rows are kept in the
    cache under the set of current publications (their number and the sum of their ids: a
    publication, a republication or a withdrawal changes it), read by one aggregate without the
    snapshots (bench/README.md, "The whole country at small")."""
    from django.db.models import Count, Sum
    from django.db.models.fields.json import KT
    from django.urls import reverse

    from konvergensi.wilayah.models import Region

    current = selectors.current_publications()
    version = current.order_by().aggregate(n=Count("pk"), ids=Sum("pk"))

    def compute() -> list[dict]:
        by_kabkota: dict[str, Publication] = {}
        rows = current.defer("data", "pdf").annotate(
            measured=KT("data__district__measured_display"),
            stunted=KT("data__district__stunted_prevalence_display"),
        )
        for pub in rows:
            by_kabkota.setdefault(pub.round.kabkota_id, pub)  # newest round first
        provinces = dict(
            Region.objects.filter(kode__in={k[:2] for k in by_kabkota}).values_list("kode", "nama")
        )
        items = sorted(by_kabkota.values(), key=lambda p: (p.round.kabkota_id[:2], p.round.kabkota.nama))
        return [
            {
                "nama": p.round.kabkota.nama,
                "provinsi": provinces.get(p.round.kabkota_id[:2], ""),
                "round": p.round.nama,
                "measured": p.measured,
                "stunted": p.stunted,
                "kabkota_url": reverse("publication:public-kabkota", args=[p.round.kabkota_id]),
                "round_url": reverse("publication:public-round", args=[p.round.kabkota_id, p.round_id]),
            }
            for p in items
        ]

    key = f"konvergensi:publik:indeks:v1:{version['n']}:{version['ids'] or 0}"
    return cache.get_or_set(key, compute, INDEX_CACHE_SECONDS)


@require_GET
@_public_cache
def public_kabkota(request, kode: str):
    kab = _kabkota(kode)
    pubs = list(selectors.current_publications(kabkota=kab.kode))
    context = {"kab": kab, "pubs": pubs}
    if pubs:
        context |= _round_context(pubs[0])
    return render(request, "publication/public/kabkota.html", context)


@require_GET
@_public_cache
def public_round(request, kode: str, pk: int):
    kab = _kabkota(kode)
    pub = _publication(kab.kode, pk)
    pubs = list(selectors.current_publications(kabkota=kab.kode))
    return render(request, "publication/public/round.html", {"kab": kab, "pubs": pubs, **_round_context(pub)})


def _filename(pub: Publication, suffix: str) -> str:
    return reports.filename(pub, suffix)


@require_GET
@_public_cache
def public_pdf(request, kode: str, pk: int):
    pub = _publication(_kabkota(kode).kode, pk)
    if not pub.pdf:
        raise Http404
    response = FileResponse(pub.pdf.open("rb"), content_type="application/pdf")
    return attachment(response, _filename(pub, "pdf"), inline=True, no_store=False)


@require_GET
@_public_cache
def public_csv(request, kode: str, pk: int):
    pub = _publication(_kabkota(kode).kode, pk)
    return attachment(
        reports.publication_csv(pub.data),
        _filename(pub, "csv"),
        "text/csv; charset=utf-8",
        no_store=False,
    )


@require_GET
def public_geojson(request, kode: str):
    """The district's kecamatan boundaries (official codes and names only) for the public map."""
    from konvergensi.wilayah.selectors import kecamatan_features

    kab = _kabkota(kode)
    features = [
        {"type": "Feature", "geometry": f["geometry"],
         "properties": {"kode": f["properties"]["kode"], "nama": f["properties"]["nama"]}}
        for f in kecamatan_features(kabkota=kab.kode)
    ]  # fmt: skip
    response = JsonResponse({"type": "FeatureCollection", "features": features},
                            json_dumps_params={"separators": (",", ":")})  # fmt: skip
    response["Cache-Control"] = "public, max-age=86400"
    return response
