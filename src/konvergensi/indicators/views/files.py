"""Village data as files and maps: the Excel template and its upload (the import pipeline), exports, the map, and the programme mapping."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from konvergensi.accounts.permissions import login_required_scope
from konvergensi.web import attachment, flash_errors, int_from, kabkota_or_404, tahun_from, xlsx_response
from konvergensi.wilayah.models import OPD
from konvergensi_core.indicators import CATEGORY_LABEL

from .. import excel, selectors, services
from ..models import (
    FundingSource,
    Indicator,
    IndicatorSet,
    ProgramMapping,
)
from .common import indicators_shown, nav_page, periode_asked, set_asked

# --- the Excel round trip -----------------------------------------------------------------------


@login_required_scope
def template_download(request, kode: str):
    kab = kabkota_or_404(request, kode)
    indicators = indicators_shown(request, kab.kode, set_asked(request), only_allowed=True)
    if not indicators or services.allowed_indicators(request.scope, kab.kode) == set():
        raise PermissionDenied
    periode = periode_asked(request)
    opd = OPD.objects.filter(pk=request.scope.opd_id).first() if request.scope.opd_id else None
    content = excel.template(
        kabkota=kab, periode=periode, indicators=indicators, opd_label=str(opd) if opd else "Semua OPD"
    )
    name = f"templat-cakupan-{kab.kode_angka}-{periode}-{set_asked(request)}{'-' + opd.singkatan.lower() if opd else ''}.xlsx"
    return xlsx_response(content, name)


@require_http_methods(["GET", "POST"])
@login_required_scope
def upload(request, kode: str):
    """The filled template goes into the import pipeline: refused at once if it cannot be read
    (nothing kept), else checked at once and shown on the pipeline's preview page."""
    from konvergensi.imports import services as pipeline
    from konvergensi.imports.views import start_check

    from .. import imports

    kab = kabkota_or_404(request, kode)
    allowed = services.allowed_indicators(request.scope, kab.kode)
    if allowed == set():
        raise PermissionDenied
    context = {
        "kab": kab,
        "periode": periode_asked(request),
        "set": set_asked(request),
        "sets": IndicatorSet.choices,
    }
    if request.method == "GET":
        return render(request, "indicators/upload.html", context)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Pilih berkas Excel (.xlsx) yang akan diunggah."))
        return redirect("indicators:upload", kode=kab.kode)
    try:
        imp = pipeline.stage(
            kind=imports.KIND_INSTANCE, kabkota=kab.kode, params={}, upload=file, by=request.user
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("indicators:upload", kode=kab.kode)
    return start_check(request, imp)


@login_required_scope
def upload_moved(request, pk):
    """Addresses of the earlier upload pages (in old job links): the pipeline's page now."""
    return redirect("imports:detail", pk=pk)


# --- exports and the map ------------------------------------------------------------------------


@login_required_scope
def export(request, kode: str, fmt: str):
    """Everything the reader sees of the district: coverage figures, data sasaran and programme
    mapping. Excel gets one sheet each; CSV one table, chosen with ``?data=cakupan|sasaran|program``."""
    kab = kabkota_or_404(request, kode)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    periode = periode_asked(request)
    tahun = int(periode[:4])
    visible = set(
        selectors.visible_desa(scope=request.scope, kabkota=kab.kode).values_list("kode", flat=True)
    )
    bands = services.bands_for(list(Indicator.objects.all()), tahun)
    tables = {
        "cakupan": (
            _("Data cakupan"),
            excel.EXPORT_HEADER,
            lambda: excel.export_rows(kabkota=kab, periode=periode, bands=bands, desa_codes=visible),
        ),
        "sasaran": (
            _("Data sasaran"),
            excel.SASARAN_HEADER,
            lambda: excel.sasaran_rows(kabkota=kab, tahun=tahun, desa_codes=visible),
        ),
        "program": (
            _("Pemetaan program"),
            excel.PROGRAM_HEADER,
            lambda: excel.program_rows(kabkota=kab, tahun=tahun, desa_codes=visible),
        ),
    }
    name = f"data-desa-{kab.kode_angka}-{periode}"
    if fmt == "xlsx":
        content = excel.export_xlsx([(title, header, rows()) for title, header, rows in tables.values()])
        return xlsx_response(content, f"{name}.xlsx")
    what = request.GET.get("data", "cakupan")
    if what not in tables:
        raise Http404
    _title, header, rows = tables[what]
    return attachment(
        excel.export_csv(header, rows()), f"{what}-{kab.kode_angka}-{periode}.csv", "text/csv; charset=utf-8"
    )


@login_required_scope
def indicator_map(request, kode: str):
    kab = kabkota_or_404(request, kode)
    periode, set_ = periode_asked(request), set_asked(request)
    indicators = list(Indicator.objects.filter(set=set_))
    indicator = next((i for i in indicators if i.kode == request.GET.get("indikator")), indicators[0])
    bands = services.bands_for([indicator], int(periode[:4]))[indicator.pk]
    points = selectors.map_values(
        scope=request.scope, kabkota=kab.kode, periode=periode, indicator=indicator, bands=bands
    )
    return nav_page(
        request,
        "indicators/map.html",
        {
            "kab": kab,
            "periode": periode,
            "set": set_,
            "sets": IndicatorSet.choices,
            "indicators": indicators,
            "indicator": indicator,
            "bands": bands,
            "points": points,
            "kecamatan": selectors.kecamatan_totals(
                scope=request.scope, kabkota=kab.kode, periode=periode, indicator=indicator, bands=bands
            ),
            "category_label": CATEGORY_LABEL,
            "filled": sum(p["value"] is not None for p in points),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required_scope
def program(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))
    set_ = set_asked(request)
    indicators = indicators_shown(request, kab.kode, set_, only_allowed=False)
    indicator = next(
        (i for i in indicators if i.kode == (request.GET.get("indikator") or request.POST.get("indikator"))),
        indicators[0],
    )
    allowed = services.allowed_indicators(request.scope, kab.kode)
    can_edit = allowed is None or indicator.kode in allowed
    kecamatan_list = list(selectors.visible_kecamatan(scope=request.scope, kabkota=kab.kode))
    kec_kode = (
        request.GET.get("kec")
        or request.POST.get("kec")
        or (kecamatan_list[0].kode if kecamatan_list else "")
    )
    kec = next((k for k in kecamatan_list if k.kode == kec_kode), None)
    if kec is None:
        raise Http404
    desa = list(selectors.visible_desa(scope=request.scope, kabkota=kab.kode, kecamatan=kec.kode))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        target = next((d for d in desa if d.kode == request.POST.get("desa")), None)
        if target is None:
            raise Http404
        try:
            services.program_set(
                scope=request.scope,
                indicator=indicator,
                desa=target,
                tahun=tahun,
                ada=request.POST.get("ada") == "1",
                sumber=request.POST.getlist("sumber"),
                expected_version=int_from(request.POST.get("version")),
                by=request.user,
            )
            messages.success(request, _("Program di %(desa)s tersimpan.") % {"desa": target.nama})
        except services.Conflict as exc:
            messages.error(request, str(exc))
        return redirect(
            reverse("indicators:program", kwargs={"kode": kab.kode})
            + f"?tahun={tahun}&set={set_}&kec={kec.kode}&indikator={indicator.kode}#d{target.kode_angka}"
        )
    rows = {
        p.desa_id: p for p in ProgramMapping.objects.filter(indicator=indicator, tahun=tahun, desa__in=desa)
    }
    return nav_page(
        request,
        "indicators/program.html",
        {
            "kab": kab,
            "kec": kec,
            "kecamatan_list": kecamatan_list,
            "tahun": tahun,
            "set": set_,
            "sets": IndicatorSet.choices,
            "indicators": indicators,
            "indicator": indicator,
            "rows": [(d, rows.get(d.kode)) for d in desa],
            "sources": FundingSource.choices,
            "can_edit": can_edit,
            "may_upload": allowed != set(),
            "have": sum(1 for p in rows.values() if p.ada),
            "district": selectors.program_summary(
                scope=request.scope, kabkota=kab.kode, tahun=tahun, indicator=indicator
            ),
        },
    )


@login_required_scope
def program_template(request, kode: str):
    kab = kabkota_or_404(request, kode)
    indicators = indicators_shown(request, kab.kode, set_asked(request), only_allowed=True)
    if not indicators or services.allowed_indicators(request.scope, kab.kode) == set():
        raise PermissionDenied
    tahun = tahun_from(request.GET.get("tahun"))
    return xlsx_response(
        excel.program_template(kabkota=kab, tahun=tahun, indicators=indicators),
        f"templat-program-{kab.kode_angka}-{tahun}-{set_asked(request)}.xlsx",
    )
