"""The picture pages: ``/gambaran/`` (the nation) and ``/gambaran/<kode>/`` (a province, a district,
a kecamatan), each a choropleth of the region's children for one layer and year, a table beside
it, breadcrumbs and the region's trend. Every number comes from stored figures (or from a
registered layer's own cheap reader), O(children) per page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Avg
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import login_required_scope
from konvergensi.web import tahun_from
from konvergensi.wilayah.models import Region

from . import charts, layers, selectors, services

DEFAULT_KEY = "prevalensi-stunted"
RAMP_BAD = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")  # higher is worse
RAMP_GOOD = ("#fde0c5", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")  # higher is better
NO_DATA = "#d9d9d9"


def _class(layer: layers.Layer, v: layers.LayerValue) -> int | None:
    """The legend class of a value: by category for a categorical layer, else by lower bounds."""
    if v.category:
        keys = [k for k, _label in layer.legend]
        return keys.index(v.category) if v.category in keys else None
    if v.value is None:
        return None
    found = None
    for i, (lower, _label) in enumerate(layer.legend):
        try:
            if v.value >= float(lower):
                found = i
        except ValueError:
            continue
    return found


def _colours(layer: layers.Layer) -> tuple[str, ...]:
    ramp = RAMP_GOOD if layer.higher_is_better else RAMP_BAD
    n = max(1, len(layer.legend))
    return tuple(ramp[round(i * (len(ramp) - 1) / max(1, n - 1))] for i in range(n))


def _breadcrumbs(scope, kode: str) -> list[dict]:
    codes = [kode[: len(p)] for p in _prefixes(kode)]
    names = dict(Region.objects.filter(kode__in=codes).values_list("kode", "nama"))
    crumbs = []
    if scope.is_national:
        crumbs.append({"nama": _("Indonesia"), "url": reverse("picture:nation")})
    for c in codes:
        if selectors.may_view(scope, c):
            crumbs.append({"nama": names.get(c, c), "url": reverse("picture:region", kwargs={"kode": c})})
    return crumbs


def _prefixes(kode: str) -> list[str]:
    parts = kode.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))] if kode else []


def _points(parent: str, level: str) -> dict[str, tuple[float, float]]:
    """Where to draw children that have no polygon: their own point, else their desa's mean."""
    kids = Region.objects.filter(parent_id=parent)
    out = {
        k: (lat, lng)
        for k, lat, lng in kids.values_list("kode", "lat", "lng")
        if lat is not None and lng is not None
    }
    if level == "kabkota":
        missing = [k for k in kids.values_list("kode", flat=True) if k not in out]
        if missing:
            for row in (
                Region.objects.filter(parent_id__in=missing, lat__isnull=False)
                .values("parent_id")
                .annotate(lat=Avg("lat"), lng=Avg("lng"))
            ):
                out[row["parent_id"]] = (row["lat"], row["lng"])
    return out


@login_required_scope
def region(request, kode: str = ""):
    scope = request.scope
    if kode == "":
        if not scope.is_national:
            top = selectors.area(scope)
            if top:
                return redirect("picture:region", kode=top)
            raise PermissionDenied
        level, nama = "nasional", _("Indonesia")
    else:
        obj = Region.objects.filter(kode=kode).first()
        if obj is None or obj.level == "desa":
            raise Http404
        if not selectors.may_view(scope, kode):
            raise PermissionDenied
        level, nama = obj.level, obj.nama
    available = [layer for layer in layers.layers() if level in layer.levels]
    key = request.GET.get("lapisan") or DEFAULT_KEY
    layer = layers.get(key)
    if layer is None or layer not in available:
        layer = layers.get(DEFAULT_KEY) or (available[0] if available else None)
    if layer is None:
        raise Http404
    stored = (
        layer.key.startswith(("prevalensi-", services.COVERAGE_PREFIX)) or layer.key == services.BUDGET_KEY
    )
    periodes = selectors.periodes(parent=kode, key=layer.key) if stored else []
    periode = request.GET.get("periode") or ""
    if periode not in periodes:
        periode = ""
    tahun = tahun_from(
        request.GET.get("tahun") or (periode[:4] if periode else (periodes[0][:4] if periodes else ""))
    )
    if stored:
        periode = periode or str(tahun)
        figures = {
            r.kode: r for r in selectors.children(scope=scope, parent=kode, key=layer.key, periode=periode)
        }
        values = {k: selectors.layer_value(r) for k, r in figures.items()}
    else:
        figures = {}
        values = layer.values(kode, tahun, scope)
    colours = _colours(layer)
    kids = [r for r in selectors.child_regions(kode) if selectors.child_visible(scope, r.kode)]
    rows, map_values = [], {}
    for child in kids:
        v = values.get(child.kode)
        r = figures.get(child.kode)
        cls = _class(layer, v) if v is not None else None
        colour = colours[cls] if cls is not None and cls < len(colours) else NO_DATA
        text = v.text if v is not None else _("tidak ada data")
        if v is not None and v.text == selectors.HIDDEN:
            text = _("disembunyikan")
        map_values[child.kode] = {"c": colour, "t": f"{child.nama}: {text}"}
        rows.append(
            {
                "region": child,
                "text": text,
                "detail": v.detail if v is not None else "",
                "ci": f"{r.ci_low:.1f}–{r.ci_high:.1f}".replace(".", ",")
                if r is not None and r.ci_low is not None and r.ci_high is not None
                else "",
                "n": r.n if r is not None and not r.suppressed else None,
                "partial": r.partial if r is not None else 0,
                "suppressed": r.suppressed if r is not None else False,
                "colour_class": f"k{cls}" if cls is not None else "kx",
                "drill": level != "kecamatan" and selectors.may_view(scope, child.kode),
            }
        )
    geojson_url = ""
    points = []
    if level == "nasional":
        geojson_url = reverse("wilayah:geojson-national")
    elif level == "provinsi":
        geojson_url = reverse("wilayah:geojson", kwargs={"kode": kode})
    else:
        where = _points(kode, level)
        points = [
            {"kode": c.kode, "lat": where[c.kode][0], "lng": where[c.kode][1]}
            for c in kids
            if c.kode in where
        ]
    own = selectors.figure(kode=kode, key=layer.key, periode=periode) if stored else None
    trend: list = []
    if stored and may_trend(scope, kode):
        # Prevalence of a district or kecamatan: one point per published round; else per year.
        by_round = services.round_trend(kode, layer.key) if level in ("kabkota", "kecamatan") else []
        trend = by_round or selectors.trend(kode=kode, key=layer.key)
    title = _(layer.title)
    trend_svg = charts.trend_svg(
        [p for p in trend if not p.suppressed], label=f"{title} — {nama}", unit=layer.unit
    )
    return render(
        request,
        "picture/region.html",
        {
            "kode": kode,
            "nama": nama,
            "level": level,
            "layer": layer,
            "layer_title": title,
            "available": [(lay.key, _(lay.title)) for lay in available],
            "tahun": tahun,
            "periode": periode,
            "periodes": periodes,
            "rows": rows,
            "own": own,
            "own_value": selectors.layer_value(own) if own is not None else None,
            "legend": [(f"k{i}", colours[i], label) for i, (_k, label) in enumerate(layer.legend)],
            "map_values": map_values,
            "points": points,
            "geojson_url": geojson_url,
            "link_template": reverse("picture:region", kwargs={"kode": "KODE"}),
            "query": f"lapisan={layer.key}&tahun={tahun}",
            "breadcrumbs": _breadcrumbs(scope, kode),
            "trend": trend,
            "trend_svg": trend_svg,
            "child_label": {
                "nasional": _("Provinsi"),
                "provinsi": _("Kabupaten/kota"),
                "kabkota": _("Kecamatan"),
                "kecamatan": _("Desa/kelurahan"),
            }[level],  # fmt: skip
        },
    )


def may_trend(scope, kode: str) -> bool:
    return (kode == "" and scope.is_national) or (kode != "" and selectors.may_view(scope, kode))
