"""The budget maps (issue 15): JSON of the figures per region that ``budget/peta-anggaran.js`` colours
the app's own boundaries with — the desa of a district (office points over the kecamatan outlines),
the districts of a province and the provinces (or all districts) of the nation. No tiles, no CDN.

Each endpoint is scoped exactly like its page: the desa of a district with ``BUDGET_KABKOTA``, a
province with ``VIEW_PROVINCE``, the nation with ``VIEW_NATIONAL``. The figures are those of
``konvergensi_core.budget.summary`` (``figures.region_figures`` / ``figures.combine``)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from konvergensi.accounts.permissions import Permission, login_required_scope, require
from konvergensi.web import region_or_404
from konvergensi.wilayah.models import Region
from konvergensi.wilayah.selectors import kecamatan_features
from konvergensi_core.budget import figures
from konvergensi_core.numbers import id_number, id_percent
from konvergensi_core.plan.rupiah import format_rupiah

from . import selectors
from .views import _district, _period

SHARES = ("absorption", "lokus", "direct")


def short_rupiah(amount: int) -> str:
    """An amount for a legend: "Rp 1,2 M" (miliar), "Rp 450 jt" (juta), else in full."""
    if amount >= 10**12:
        return _("Rp %(n)s T") % {"n": id_number(amount / 10**12, 1).removesuffix(",0")}
    if amount >= 10**9:
        return _("Rp %(n)s M") % {"n": id_number(amount / 10**9, 1).removesuffix(",0")}
    if amount >= 10**6:
        return _("Rp %(n)s jt") % {"n": id_number(amount / 10**6, 0)}
    return format_rupiah(amount)


def _legend(limits, text) -> list[str]:
    """The labels of the classes below, between and above ``limits``."""
    if not limits:
        return [_("semua")]
    labels = [_("< %(a)s") % {"a": text(limits[0])}]
    labels += [f"{text(a)} – {text(b)}" for a, b in zip(limits, limits[1:], strict=False)]
    return [*labels, _("≥ %(a)s") % {"a": text(limits[-1])}]


def measures(values: dict[str, dict], names: tuple[str, ...] = figures.MEASURES) -> dict[str, dict]:
    """Per measure its label, class limits and legend (the pagu by quantiles of the regions shown,
    the shares by fifths)."""
    labels = {
        "pagu": _("Pagu"),
        "absorption": _("Serapan"),
        "lokus": _("Pagu ke desa lokus"),
        "direct": _("Langsung ke sasaran"),
    }
    out = {}
    for name in names:
        if name == "pagu":
            limits = figures.amount_limits(v["pagu"] for v in values.values())
            out[name] = {"label": labels[name], "limits": limits, "legend": _legend(limits, short_rupiah)}
        else:
            limits = list(figures.SHARE_LIMITS)
            out[name] = {"label": labels[name], "limits": limits,
                         "legend": _legend(limits, lambda x: id_percent(x, 0))}  # fmt: skip
    return out


def _entry(nama: str, f: dict, names: tuple[str, ...] = figures.MEASURES) -> dict:
    text = {
        "pagu": format_rupiah(f["pagu"]),
        **{m: id_percent(f[m]) for m in SHARES if m in names},
    }
    keep = ("pagu", "realisasi", *SHARES, "districts")
    return {"nama": nama, **{k: f[k] for k in keep if k in f}, "text": {m: text[m] for m in names}}


def _response(tahun: int, stage: str, level: str, values: dict[str, dict], **extra) -> JsonResponse:
    names = extra.pop("names", figures.MEASURES)
    body = {"tahun": tahun, "tahap": stage, "tingkat": level, "measures": measures(values, names),
            "values": values, **extra}  # fmt: skip
    response = JsonResponse(body, json_dumps_params={"separators": (",", ":")})
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
@gzip_page
@login_required_scope
def desa(request, kode: str):
    """The desa of a district: per desa (office point) its share of the pagu and realisation as
    ``summary()["by_desa"]`` splits it (0 for a desa no line names), whether it is a confirmed lokus
    desa, and the kecamatan outlines to draw under the points."""
    kab = _district(request, kode)
    tahun, stage = _period(request)
    data = selectors.summary(kab.kode, tahun, stage)
    lokus = set(selectors.lokus_of(kab.kode, tahun))
    by_desa = data["by_desa"]
    names = ("pagu", "absorption")
    values = {}
    for d in Region.objects.filter(level="desa", kode__startswith=kab.kode + ".").order_by("kode"):
        v = by_desa.get(d.kode, {"pagu": 0, "realisasi": 0})
        f = {"pagu": v["pagu"], "realisasi": v["realisasi"],
             "absorption": v["realisasi"] / v["pagu"] if v["pagu"] else None}  # fmt: skip
        values[d.kode] = {**_entry(d.nama, f, names), "lat": d.lat, "lng": d.lng, "lokus": d.kode in lokus}
    outlines = [
        {"type": "Feature", "geometry": f["geometry"],
         "properties": {"kode": f["properties"]["kode"], "nama": f["properties"]["nama"]}}
        for f in kecamatan_features(kabkota=kab.kode)
    ]  # fmt: skip
    return _response(tahun, stage, "desa", values, names=names, kecamatan=outlines)


@require_GET
@gzip_page
@login_required_scope
def province(request, kode: str):
    """The districts of a province that tagged their budget of (year, stage), with their figures."""
    prov = region_or_404(kode, "provinsi")
    require(request.scope, Permission.VIEW_PROVINCE, prov.kode)
    tahun, stage = _period(request)
    kabkotas = dict(Region.objects.filter(parent=prov, level="kabkota").values_list("kode", "nama"))
    found = selectors.district_figures(tahun=tahun, stage=stage, kabkotas=kabkotas)
    values = {k: _entry(kabkotas[k], f) for k, f in sorted(found.items())}
    return _response(tahun, stage, "kabkota", values, provinsi=prov.kode)


@require_GET
@gzip_page
@login_required_scope
def national(request):
    """The nation: per province (``?tingkat=provinsi``, the default) its districts' figures combined,
    or per district of the whole country (``?tingkat=kabkota``)."""
    require(request.scope, Permission.VIEW_NATIONAL)
    tahun, stage = _period(request)
    level = request.GET.get("tingkat") or "provinsi"
    if level not in ("provinsi", "kabkota"):
        return JsonResponse({"message": _("Tingkat tidak dikenal: pakai provinsi atau kabkota.")}, status=400)
    per_province, per_district = selectors.province_figures(tahun=tahun, stage=stage)
    found = per_province if level == "provinsi" else per_district
    names = dict(Region.objects.filter(kode__in=list(found)).values_list("kode", "nama"))
    values = {k: _entry(names[k], f) for k, f in sorted(found.items())}
    return _response(tahun, stage, level, values)
