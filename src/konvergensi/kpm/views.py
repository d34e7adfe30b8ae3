"""Pages of Aksi 5: a desa's KPM roster and scorecards (entry, trend), a kecamatan's desa, and the
district's overview (share of desa with an active trained KPM, scores, map, low-scoring lokus desa).

Names and contacts of KPM appear only on the desa page and only for ``KPM_READ`` (the desa, its
kecamatan, the operator); every other page shows counts."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.web import attempt, flash_errors, kabkota_or_404, region_or_404, tahun_from, xlsx_response
from konvergensi.wilayah.selectors import kecamatan_features
from konvergensi_core import scorecard as sc

from . import catalogue, charts, selectors, services
from .models import Group

LIMITS = (20, 40, 60, 80)  # the map's classes of the score (0–100)


def _tahun(request) -> int:
    return tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _desa(request, kode: str):
    desa = region_or_404(kode, "desa")
    require(request.scope, Permission.SKOR_READ, desa.kode)
    activate_region(desa.kode[:5])
    return desa


def _desa_url(desa: str, tahun: int, anchor: str = "") -> str:
    return reverse("kpm:desa", kwargs={"kode": desa}) + f"?tahun={tahun}" + (f"#{anchor}" if anchor else "")


def _kpm(request, pk: int):
    kpm = selectors.kpm_get(scope=request.scope, pk=pk)
    if kpm is None:
        raise Http404
    require(request.scope, Permission.KPM_EDIT, kpm.desa_id)
    return kpm


def _pct(value) -> str:
    return sc.percent_text(value)


def _cls(value) -> str:
    if value is None:
        return "sx"
    return f"s{sum(value >= limit for limit in LIMITS)}"


def _trend(history, title: str, threshold: int | None = None) -> str:
    if not history:
        return ""
    return charts.trend_svg(
        [(h.label, sc.as_float(h.total)) for h in history], title=title, threshold=threshold
    )


# --- a desa -------------------------------------------------------------------------------------


@require_GET
@login_required_scope
def desa(request, kode: str):
    region = _desa(request, kode)
    scope = request.scope
    tahun = _tahun(request)
    today = timezone.localdate()
    year_now, quarter_now = selectors.last_quarter(today)
    try:
        triwulan = int(request.GET.get("triwulan") or (quarter_now if tahun == year_now else 4))
    except ValueError:
        triwulan = 1
    triwulan = min(max(triwulan, 1), 4)
    kabkota = region.kode[:5]
    kab = region_or_404(kabkota, "kabkota")
    history = selectors.desa_history(scope=scope, desa=region.kode)
    card = selectors.scorecard_get(scope=scope, desa=region.kode, tahun=tahun, triwulan=triwulan)
    counts = selectors.counts_of(card)
    indicators = selectors.applicable(kabkota)
    names = has_permission(scope, Permission.KPM_READ, region.kode)
    kpms = list(selectors.kpm_list(scope=scope, desa=region.kode)) if names else []
    kpm_counts = selectors.kpm_counts([region.kode]).get(region.kode, selectors.KpmCounts())
    can_edit = has_permission(scope, Permission.KPM_EDIT, region.kode)
    entry = [
        {
            "group": label,
            "rows": [{"ind": i, "count": counts.get(i.kode)} for i in indicators if i.group == value],
        }
        for value, label in Group.choices
    ]
    current = next((h for h in history if h.tahun == tahun and h.triwulan == triwulan), None)
    quarters_open = [q for q in range(1, 5) if (tahun, q) <= (year_now, quarter_now)]
    return render(
        request,
        "kpm/desa.html",
        {
            "kab": kab,
            "desa": region,
            "kecamatan": region.parent,
            "tahun": tahun,
            "triwulan": triwulan,
            "quarters_open": quarters_open,
            "names": names,
            "kpms": kpms,
            "kpm_counts": kpm_counts,
            "can_edit": can_edit,
            "history": [
                {
                    "label": h.label,
                    "total": _pct(h.total),
                    "ibu": _pct(h.scores["ibu_hamil"].value),
                    "anak": _pct(h.scores["anak_0_23"].value),
                    "cls": _cls(h.total),
                    "tahun": h.tahun,
                    "triwulan": h.triwulan,
                }
                for h in reversed(history)
            ],  # fmt: skip
            "trend": _trend(
                history, _("Skor Konvergensi Desa %(nama)s per triwulan") % {"nama": region.nama}
            ),
            "card": card,
            "current": current
            and {
                "total": _pct(current.total),
                "ibu": _pct(current.scores["ibu_hamil"].value),
                "anak": _pct(current.scores["anak_0_23"].value),
                "pairs": current.scores["total"].pairs,
                "received": current.scores["total"].received,
            },
            "entry": entry,
            "today": today.isoformat(),
            "district": has_permission(scope, Permission.SKOR_READ, kabkota),
            "kec_page": has_permission(scope, Permission.SKOR_READ, region.kode[:8]),
        },
    )


def _kpm_fields(request) -> dict:
    return {
        "nama": request.POST.get("nama", ""),
        "kontak": request.POST.get("kontak", ""),
        "aktif": request.POST.get("aktif") == "1",
        "since": _date(request.POST.get("since")),
        "notes": request.POST.get("notes", ""),
    }


@require_POST
@login_required_scope
def kpm_add(request, kode: str):
    region = _desa(request, kode)
    require(request.scope, Permission.KPM_EDIT, region.kode)
    attempt(request, lambda: services.kpm_add(scope=request.scope, desa=region, by=request.user,
                                              **_kpm_fields(request)), _("KPM dicatat."))  # fmt: skip
    return redirect(_desa_url(region.kode, _tahun(request), "kpm"))


@require_POST
@login_required_scope
def kpm_edit(request, pk: int):
    kpm = _kpm(request, pk)
    attempt(request, lambda: services.kpm_update(scope=request.scope, kpm=kpm, by=request.user,
                                                 **_kpm_fields(request)), _("Data KPM diperbarui."))  # fmt: skip
    return redirect(_desa_url(kpm.desa_id, _tahun(request), "kpm"))


@require_POST
@login_required_scope
def kpm_delete(request, pk: int):
    kpm = _kpm(request, pk)
    services.kpm_delete(scope=request.scope, kpm=kpm, by=request.user)
    messages.success(request, _("KPM dihapus dari daftar."))
    return redirect(_desa_url(kpm.desa_id, _tahun(request), "kpm"))


@require_POST
@login_required_scope
def training_add(request, pk: int):
    kpm = _kpm(request, pk)
    attempt(
        request,
        lambda: services.training_add(
            scope=request.scope,
            kpm=kpm,
            nama=request.POST.get("nama", ""),
            penyelenggara=request.POST.get("penyelenggara", ""),
            mulai=_date(request.POST.get("mulai")),
            selesai=_date(request.POST.get("selesai")),
            by=request.user,
        ),  # fmt: skip
        _("Pelatihan dicatat."),
    )
    return redirect(_desa_url(kpm.desa_id, _tahun(request), "kpm"))


@require_POST
@login_required_scope
def training_delete(request, pk: int):
    training = selectors.training_get(scope=request.scope, pk=pk)
    if training is None:
        raise Http404
    require(request.scope, Permission.KPM_EDIT, training.kpm.desa_id)
    services.training_delete(scope=request.scope, training=training, by=request.user)
    messages.success(request, _("Pelatihan dihapus."))
    return redirect(_desa_url(training.kpm.desa_id, _tahun(request), "kpm"))


@require_POST
@login_required_scope
def scorecard_save(request, kode: str):
    region = _desa(request, kode)
    require(request.scope, Permission.KPM_EDIT, region.kode)
    tahun = _tahun(request)
    triwulan = request.POST.get("triwulan", "")
    try:
        counts = services.parse_counts(request.POST, selectors.applicable(region.kode[:5]))
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        attempt(
            request,
            lambda: services.scorecard_save(
                scope=request.scope,
                desa=region,
                tahun=tahun,
                triwulan=triwulan,
                counts=counts,
                by=request.user,
            ),  # fmt: skip
            _("Kartu skor triwulan %(q)s disimpan.") % {"q": triwulan},
        )
    quarter = triwulan if triwulan in ("1", "2", "3", "4") else "1"
    return redirect(
        reverse("kpm:desa", kwargs={"kode": region.kode}) + f"?tahun={tahun}&triwulan={quarter}#skor"
    )


@require_GET
@login_required_scope
def template(request, kode: str):
    """The per-person Excel template (no NIK, no names) for the desa's quarter."""
    from konvergensi_core.io.skor_xlsx import write_template

    region = _desa(request, kode)
    require(request.scope, Permission.KPM_EDIT, region.kode)
    tahun = _tahun(request)
    try:
        triwulan = min(max(int(request.GET.get("triwulan") or 1), 1), 4)
    except ValueError:
        triwulan = 1
    out = io.BytesIO()
    write_template(out, desa_name=region.nama, tahun=tahun, triwulan=triwulan,
                   indicators=catalogue.core(selectors.applicable(region.kode[:5])))  # fmt: skip
    return xlsx_response(out.getvalue(), f"templat-skor-desa-{region.kode}-{tahun}-tw{triwulan}.xlsx")


@require_POST
@login_required_scope
def upload(request, kode: str):
    from konvergensi.imports import services as pipeline
    from konvergensi.imports.views import start_check

    from .imports import KIND_INSTANCE

    region = _desa(request, kode)
    require(request.scope, Permission.KPM_EDIT, region.kode)
    tahun = _tahun(request)
    back = _desa_url(region.kode, tahun, "skor")
    try:
        year, quarter = services.period(tahun, request.POST.get("triwulan", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(back)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Pilih berkas templat skor (.xlsx)."))
        return redirect(back)
    try:
        imp = pipeline.stage(kind=KIND_INSTANCE, kabkota=region.kode[:5],
                             params={"desa": region.kode, "tahun": year, "triwulan": quarter},
                             upload=file, by=request.user)  # fmt: skip
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(back)
    return start_check(request, imp)


# --- a kecamatan --------------------------------------------------------------------------------


def _rows(ov) -> list[dict]:
    return [
        {
            "row": r,
            "quarters": [
                {"text": _pct(r.quarters.get(q)), "cls": _cls(r.quarters.get(q))} for q in range(1, 5)
            ],
            "latest": _pct(r.latest_value),
            "latest_cls": _cls(r.latest_value),
            "latest_label": r.latest.label if r.latest else "",
        }
        for r in ov.rows
    ]


def _pooled(ov) -> list[dict]:
    return [{"q": q, "text": _pct(ov.quarters[q].value) if q in ov.quarters else "—"} for q in range(1, 5)]


@require_GET
@login_required_scope
def kecamatan(request, kode: str):
    kec = region_or_404(kode, "kecamatan")
    require(request.scope, Permission.SKOR_READ, kec.kode)
    activate_region(kec.kode[:5])
    tahun = _tahun(request)
    kab = region_or_404(kec.kode[:5], "kabkota")
    ov = selectors.overview(scope=request.scope, kabkota=kab.kode, tahun=tahun, kecamatan=kec.kode)
    return render(
        request,
        "kpm/kecamatan.html",
        {
            "kab": kab,
            "kec": kec,
            "tahun": tahun,
            "ov": ov,
            "rows": _rows(ov),
            "pooled": _pooled(ov),
            "district": has_permission(request.scope, Permission.SKOR_READ, kab.kode),
        },  # fmt: skip
    )


# --- the district -------------------------------------------------------------------------------


def _district(request, kode: str):
    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission.SKOR_READ, kab.kode)
    activate_region(kab.kode)
    return kab


@require_GET
@login_required_scope
def district(request, kode: str):
    kab = _district(request, kode)
    tahun = _tahun(request)
    scope = request.scope
    ov = selectors.overview(scope=scope, kabkota=kab.kode, tahun=tahun)
    points = [(f"{tahun} TW{q}", sc.as_float(s.value)) for q, s in ov.quarters.items()]
    trend = (
        charts.trend_svg(
            points,
            title=_("Skor gabungan %(nama)s per triwulan %(tahun)s") % {"nama": kab.nama, "tahun": tahun},
            threshold=ov.threshold,
        )  # fmt: skip
        if points
        else ""
    )
    n = len(ov.rows)
    return render(
        request,
        "kpm/district.html",
        {
            "kab": kab,
            "tahun": tahun,
            "ov": ov,
            "rows": _rows(ov),
            "low_lokus": [{"row": r, "score": _pct(r.latest_value)} for r in ov.low_lokus],
            "pooled": _pooled(ov),
            "n_desa": n,
            "share_trained": sc.percent_text(sc.Score(ov.n_active_trained, n).value) if n else "—",
            "trend": trend,
            "indicators": selectors.indicator_rows(kab.kode),
            "can_manage": has_permission(scope, Permission.SKOR_MANAGE, kab.kode),
            "legend": _legend(),
            "kecamatan_list": sorted({(r.kode[:8], r.kecamatan) for r in ov.rows}),
        },
    )


def _legend() -> list[tuple[str, str]]:
    labels = [f"< {LIMITS[0]}"]
    labels += [f"{a}–< {b}" for a, b in zip(LIMITS, LIMITS[1:], strict=False)]
    labels.append(f"≥ {LIMITS[-1]}")
    return [(f"s{i}", label) for i, label in enumerate(labels)]


@require_POST
@login_required_scope
def indicator_switch(request, kode: str):
    kab = _district(request, kode)
    require(request.scope, Permission.SKOR_MANAGE, kab.kode)
    active = request.POST.get("active") == "1"
    attempt(
        request,
        lambda: services.indicator_switch(scope=request.scope, kabkota=kab, kode=request.POST.get("kode", ""),
                                          active=active, reason=request.POST.get("reason", ""), by=request.user),
        _("Indikator diaktifkan untuk kabupaten/kota ini.") if active
        else _("Indikator dinonaktifkan untuk kabupaten/kota ini."),
    )  # fmt: skip
    return redirect(
        reverse("kpm:district", kwargs={"kode": kab.kode}) + f"?tahun={_tahun(request)}#indikator"
    )


@require_GET
@gzip_page
@login_required_scope
def map_values(request, kode: str):
    """Per desa of the district (office point) its latest score up to the year, its class and whether
    it is a confirmed lokus desa, with the kecamatan outlines. Counts and scores only."""
    kab = _district(request, kode)
    tahun = _tahun(request)
    ov = selectors.overview(scope=request.scope, kabkota=kab.kode, tahun=tahun)
    values = {
        r.kode: {
            "nama": r.nama,
            "lat": r.lat,
            "lng": r.lng,
            "lokus": r.lokus,
            "skor": sc.as_float(r.latest_value),
            "cls": _cls(r.latest_value),
            "text": _pct(r.latest_value),
        }
        for r in ov.rows
    }
    outlines = [
        {"type": "Feature", "geometry": f["geometry"],
         "properties": {"kode": f["properties"]["kode"], "nama": f["properties"]["nama"]}}
        for f in kecamatan_features(kabkota=kab.kode)
    ]  # fmt: skip
    response = JsonResponse({"tahun": tahun, "values": values, "kecamatan": outlines},
                            json_dumps_params={"separators": (",", ":")})  # fmt: skip
    response["Cache-Control"] = "private, no-cache"
    return response
