from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.web import attachment, district_or_404, flash_errors, int_from, tahun_from, xlsx_response
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import datadesa
from konvergensi_core.indicators import CATEGORY_LABEL

from . import excel, selectors, services
from .models import (
    SASARAN_FIELDS,
    Assignment,
    DataSasaran,
    DataValueHistory,
    FundingSource,
    Indicator,
    IndicatorSet,
    ProgramMapping,
)

BACKGROUND_CELLS = 5000  # commits larger than this run in the background with a progress bar


def _periode(request) -> str:
    value = (request.GET.get("periode") or request.POST.get("periode") or "").strip()
    if datadesa.PERIOD_RE.match(value):
        return value
    return selectors.default_periode(timezone.localdate())


def _set(request) -> str:
    value = request.GET.get("set") or request.POST.get("set") or ""
    return value if value in IndicatorSet.values else IndicatorSet.S2018


def _indicators(request, kabkota: str, set_: str, *, only_allowed: bool) -> list[Indicator]:
    qs = Indicator.objects.filter(set=set_)
    if only_allowed:
        allowed = services.allowed_indicators(request.scope, kabkota)
        if allowed is not None:
            qs = qs.filter(kode__in=allowed)
    return list(qs)


def _nav_page(request, template: str, context: dict):
    """A page with the "Data desa" sub-menu: ``context["kab"]`` is the district; whether the reader
    may enter coverage figures there (the menu's entry links) is read here, not in the template."""
    kab = context["kab"]
    context["may_enter"] = services.allowed_indicators(request.scope, kab.kode) != set()
    return render(request, template, context)


def _int_or_none(value) -> int | None:
    """A whole number typed in the grid or a form, by the Excel template's own rule (1.250 is one
    thousand two hundred and fifty; 1,5 is not a count)."""
    number, reason = datadesa.parse_count(value)
    if reason:
        raise ValidationError(_("Isi bilangan bulat 0 sampai 10.000.000, tanpa desimal: %(value)s %(reason)s.")
                              % {"value": str(value)[:20], "reason": reason})  # fmt: skip
    return number


# --- the catalogue ------------------------------------------------------------------------------


@login_required_scope
def catalogue(request):
    set_ = request.GET.get("set") or ""
    rows = selectors.catalogue(
        set_ if set_ in IndicatorSet.values else None, request.GET.get("q", "").strip()[:100]
    )
    return render(
        request,
        "indicators/catalogue.html",
        {"indicators": rows.prefetch_related("bands"), "set": set_, "q": request.GET.get("q", "")},
    )


@require_http_methods(["GET", "POST"])
@login_required_scope
def indicator_detail(request, kode: str):
    indicator = get_object_or_404(Indicator, kode=kode)
    can_edit = has_permission(request.scope, Permission.CATALOGUE_EDIT)
    if request.method == "POST":
        require(request.scope, Permission.CATALOGUE_EDIT)
        try:
            if request.POST.get("form") == "band":
                tahun = int_from(request.POST.get("tahun"))
                if tahun and not 2018 <= tahun <= 2100:
                    raise ValidationError(_("Tahun tidak sah."))
                services.band_set(
                    scope=request.scope,
                    indicator=indicator,
                    tahun=tahun,
                    memadai=_decimal(request.POST.get("memadai")),
                    hampir=_decimal(request.POST.get("hampir")),
                    rendah=_decimal(request.POST.get("rendah")),
                    by=request.user,
                )
            else:
                changes = {
                    f: request.POST.get(f, "").strip()
                    for f in ("nama", "definisi", "numerator", "denominator", "opd_sumber", "catatan")
                }
                if not changes["nama"]:
                    raise ValidationError(_("Nama indikator wajib diisi."))
                target = request.POST.get("target_nasional", "").strip()
                changes["target_nasional"] = _decimal(target) if target else None
                services.indicator_update(
                    scope=request.scope, indicator=indicator, changes=changes, by=request.user
                )
            messages.success(request, _("Tersimpan."))
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect("indicators:detail", kode=indicator.kode)
    return render(
        request,
        "indicators/indicator_detail.html",
        {"indicator": indicator, "bands": indicator.bands.all(), "can_edit": can_edit},
    )


def _decimal(value) -> float:
    try:
        number = float((value or "").replace(",", "."))
    except ValueError as exc:
        raise ValidationError(_("Isi angka persen, mis. 70 atau 72,5.")) from exc
    if not 0 <= number <= 100:
        raise ValidationError(_("Persen harus antara 0 dan 100."))
    return round(number, 1)


# --- the district's data hub: completeness ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def completeness(request, kode: str):
    kab = district_or_404(request, kode)
    periode, set_ = _periode(request), _set(request)
    if request.method == "POST":
        # The district verifies an indicator's figures for the period after checking them with the OPD.
        indicator = get_object_or_404(Indicator, kode=request.POST.get("indikator", ""))
        n = services.values_verify(
            scope=request.scope, kabkota=kab, indicator=indicator, periode=periode, by=request.user
        )
        messages.success(
            request,
            _("%(n)s angka %(kode)s periode %(periode)s diverifikasi.")
            % {"n": n, "kode": indicator.kode, "periode": periode},
        )
        return redirect(
            reverse("indicators:completeness", kwargs={"kode": kab.kode}) + f"?periode={periode}&set={set_}"
        )
    indicators = list(Indicator.objects.filter(set=set_))
    data = selectors.completeness(
        scope=request.scope, kabkota=kab, periode=periode, indicators=indicators, today=timezone.localdate()
    )
    tahun = int(periode[:4])
    return _nav_page(
        request,
        "indicators/completeness.html",
        {
            "kab": kab,
            "periode": periode,
            "set": set_,
            "sets": IndicatorSet.choices,
            "data": data,
            "sasaran": selectors.sasaran_summary(scope=request.scope, kabkota=kab.kode, tahun=tahun),
            "tahun": tahun,
            "can_enter": services.allowed_indicators(request.scope, kab.kode) != set(),
            "can_manage": has_permission(request.scope, Permission.DATA_MANAGE, kab.kode),
            "kecamatan": selectors.visible_kecamatan(scope=request.scope, kabkota=kab.kode),
        },
    )


# --- data sasaran -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def sasaran(request, kode: str):
    kab = district_or_404(request, kode)
    kecamatan_list = list(selectors.visible_kecamatan(scope=request.scope, kabkota=kab.kode))
    if not kecamatan_list:
        raise PermissionDenied
    kec_kode = request.GET.get("kec") or request.POST.get("kec") or kecamatan_list[0].kode
    kec = next((k for k in kecamatan_list if k.kode == kec_kode), None)
    if kec is None:
        raise Http404
    tahun = tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))
    back = reverse("indicators:sasaran", kwargs={"kode": kab.kode}) + f"?kec={kec.kode}&tahun={tahun}"
    if request.method == "POST":
        desa = get_object_or_404(Region, kode=request.POST.get("desa", ""), level="desa", parent=kec)
        row = DataSasaran.objects.filter(desa=desa, tahun=tahun).first()
        action = request.POST.get("action", "save")
        version = int_from(request.POST.get("version"))
        try:
            if action == "save":
                values = {f: _int_or_none(request.POST.get(f)) for f in SASARAN_FIELDS}
                services.sasaran_save(
                    scope=request.scope,
                    desa=desa,
                    tahun=tahun,
                    values=values,
                    expected_version=version,
                    by=request.user,
                )
                messages.success(request, _("Data sasaran %(desa)s tersimpan.") % {"desa": desa.nama})
            elif row is None:
                raise ValidationError(_("Data sasaran desa ini belum diisi."))
            elif action == "verify":
                services.sasaran_verify(
                    scope=request.scope, row=row, expected_version=version, by=request.user
                )
                messages.success(request, _("%(desa)s diverifikasi dan dikunci.") % {"desa": desa.nama})
            elif action == "return":
                services.sasaran_return(
                    scope=request.scope,
                    row=row,
                    expected_version=version,
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                )
                messages.success(request, _("%(desa)s dikembalikan untuk diperbaiki.") % {"desa": desa.nama})
            elif action == "unlock":
                services.sasaran_unlock(
                    scope=request.scope,
                    row=row,
                    expected_version=version,
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                )
                messages.success(request, _("Kunci %(desa)s dibuka.") % {"desa": desa.nama})
            else:
                raise Http404
        except services.Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect(back + f"#d{desa.kode_angka}")
    rows = selectors.sasaran_rows(scope=request.scope, kabkota=kab.kode, kecamatan=kec.kode, tahun=tahun)
    can_edit = has_permission(request.scope, Permission.SASARAN_EDIT, kec.kode)
    can_verify = has_permission(request.scope, Permission.SASARAN_VERIFY, kec.kode)
    can_unlock = can_verify or has_permission(request.scope, Permission.DATA_MANAGE, kab.kode)
    return _nav_page(
        request,
        "indicators/sasaran.html",
        {
            "kab": kab,
            "kec": kec,
            "kecamatan_list": kecamatan_list,
            "tahun": tahun,
            "rows": rows,
            "fields": [(f, DataSasaran._meta.get_field(f).verbose_name) for f in SASARAN_FIELDS],
            "can_edit": can_edit,
            "can_verify": can_verify,
            "can_unlock": can_unlock,
        },
    )


# --- the entry grid -----------------------------------------------------------------------------


@login_required_scope
def grid(request, kode: str):
    kab = district_or_404(request, kode)
    periode, set_ = _periode(request), _set(request)
    indicators = _indicators(request, kab.kode, set_, only_allowed=True)
    kecamatan_list = list(selectors.visible_kecamatan(scope=request.scope, kabkota=kab.kode))
    kec_kode = request.GET.get("kec") or (kecamatan_list[0].kode if kecamatan_list else "")
    kec = next((k for k in kecamatan_list if k.kode == kec_kode), None)
    if kec is None:
        raise Http404
    rows = selectors.grid(
        scope=request.scope, kabkota=kab.kode, kecamatan=kec.kode, periode=periode, indicators=indicators
    )
    return _nav_page(
        request,
        "indicators/grid.html",
        {
            "kab": kab,
            "kec": kec,
            "kecamatan_list": kecamatan_list,
            "periode": periode,
            "set": set_,
            "sets": IndicatorSet.choices,
            "indicators": indicators,
            "rows": rows,
            "editable": bool(indicators) and services.allowed_indicators(request.scope, kab.kode) != set(),
        },
    )


@require_POST
@login_required_scope
def cell_save(request, kode: str):
    """Save one cell of the grid (fetch from the page); JSON answer, 409 when someone else saved first."""
    kab = district_or_404(request, kode)
    indicator = get_object_or_404(Indicator, kode=request.POST.get("indikator", ""))
    desa = get_object_or_404(Region, kode=request.POST.get("desa", ""), level="desa", parent__parent=kab)
    if not request.scope.covers(desa.kode, "region"):
        raise Http404
    try:
        value = services.value_set(
            scope=request.scope,
            indicator=indicator,
            desa=desa,
            periode=request.POST.get("periode", ""),
            numerator=_int_or_none(request.POST.get("numerator")),
            denominator=_int_or_none(request.POST.get("denominator")),
            expected_version=int(request.POST.get("version") or 0),
            by=request.user,
        )
    except services.Conflict as exc:
        current = exc.current
        return JsonResponse(
            {
                "ok": False,
                "conflict": True,
                "message": str(exc),
                "numerator": getattr(current, "numerator", None),
                "denominator": getattr(current, "denominator", None),
                "version": getattr(current, "version", 0),
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=400)
    except ValueError:
        return JsonResponse({"ok": False, "message": _("Permintaan tidak sah.")}, status=400)
    pct = (
        value
        and not indicator.is_count
        and value.denominator
        and round(100 * value.numerator / value.denominator, 1)
    )
    return JsonResponse(
        {
            "ok": True,
            "version": value.version if value else 0,
            "percent": pct or (0 if value and value.denominator else None),
        }
    )


@login_required_scope
def history(request, kode: str):
    kab = district_or_404(request, kode)
    qs = DataValueHistory.objects.filter(desa__kode__startswith=kab.kode + ".").select_related(
        "indicator", "desa", "by"
    )
    desa = request.GET.get("desa")
    if desa:
        qs = qs.filter(desa_id=desa)
    if request.GET.get("indikator"):
        qs = qs.filter(indicator__kode=request.GET["indikator"])
    if request.GET.get("periode"):
        qs = qs.filter(periode=request.GET["periode"])
    # Scoped in the query, before the limit: a kecamatan sees its own latest 500 changes.
    qs = qs.filter(desa__in=selectors.visible_desa(scope=request.scope, kabkota=kab.kode))
    return _nav_page(request, "indicators/history.html", {"kab": kab, "rows": list(qs[:500])})


# --- the Excel round trip -----------------------------------------------------------------------


@login_required_scope
def template_download(request, kode: str):
    kab = district_or_404(request, kode)
    indicators = _indicators(request, kab.kode, _set(request), only_allowed=True)
    if not indicators or services.allowed_indicators(request.scope, kab.kode) == set():
        raise PermissionDenied
    periode = _periode(request)
    opd = OPD.objects.filter(pk=request.scope.opd_id).first() if request.scope.opd_id else None
    content = excel.template(
        kabkota=kab, periode=periode, indicators=indicators, opd_label=str(opd) if opd else "Semua OPD"
    )
    name = f"templat-cakupan-{kab.kode_angka}-{periode}-{_set(request)}{'-' + opd.singkatan.lower() if opd else ''}.xlsx"
    return xlsx_response(content, name)


@require_http_methods(["GET", "POST"])
@login_required_scope
def upload(request, kode: str):
    """The filled template goes into the import pipeline: refused at once if it cannot be read
    (nothing kept), else checked at once and shown on the pipeline's preview page."""
    from konvergensi.imports import services as pipeline
    from konvergensi.imports.views import start_check

    from . import imports

    kab = district_or_404(request, kode)
    allowed = services.allowed_indicators(request.scope, kab.kode)
    if allowed == set():
        raise PermissionDenied
    context = {"kab": kab, "periode": _periode(request), "set": _set(request), "sets": IndicatorSet.choices}
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
    kab = district_or_404(request, kode)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    periode = _periode(request)
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
    kab = district_or_404(request, kode)
    periode, set_ = _periode(request), _set(request)
    indicators = list(Indicator.objects.filter(set=set_))
    indicator = next((i for i in indicators if i.kode == request.GET.get("indikator")), indicators[0])
    bands = services.bands_for([indicator], int(periode[:4]))[indicator.pk]
    points = selectors.map_values(
        scope=request.scope, kabkota=kab.kode, periode=periode, indicator=indicator, bands=bands
    )
    return _nav_page(
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


# --- who fills what, and the programme mapping ---------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def assignments(request, kode: str):
    kab = district_or_404(request, kode)
    require(request.scope, Permission.DATA_MANAGE, kab.kode)
    opds = list(OPD.objects.filter(kabkota=kab))
    if request.method == "POST":
        if request.POST.get("action") == "auto":
            n = services.assignments_auto(kab)
            messages.success(request, _("%(n)s indikator ditugaskan otomatis.") % {"n": n})
        else:
            indicator = get_object_or_404(Indicator, kode=request.POST.get("indikator", ""))
            opd_id = request.POST.get("opd")
            opd = next((o for o in opds if str(o.pk) == opd_id), None)
            if opd_id and opd is None:
                raise Http404
            services.assignment_set(
                scope=request.scope, kabkota=kab, indicator=indicator, opd=opd, by=request.user
            )
            messages.success(request, _("Penugasan %(kode)s tersimpan.") % {"kode": indicator.kode})
        return redirect("indicators:assignments", kode=kab.kode)
    current = dict(Assignment.objects.filter(kabkota=kab).values_list("indicator_id", "opd_id"))
    return render(
        request,
        "indicators/assignments.html",
        {"kab": kab, "opds": opds, "rows": [(i, current.get(i.pk)) for i in Indicator.objects.all()]},
    )


@require_http_methods(["GET", "POST"])
@login_required_scope
def program(request, kode: str):
    kab = district_or_404(request, kode)
    tahun = tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))
    set_ = _set(request)
    indicators = _indicators(request, kab.kode, set_, only_allowed=False)
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
    return _nav_page(
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
    kab = district_or_404(request, kode)
    indicators = _indicators(request, kab.kode, _set(request), only_allowed=True)
    if not indicators or services.allowed_indicators(request.scope, kab.kode) == set():
        raise PermissionDenied
    tahun = tahun_from(request.GET.get("tahun"))
    return xlsx_response(
        excel.program_template(kabkota=kab, tahun=tahun, indicators=indicators),
        f"templat-program-{kab.kode_angka}-{tahun}-{_set(request)}.xlsx",
    )
