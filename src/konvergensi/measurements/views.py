"""Rounds, the e-PPGBM import, the round's figures and the follow-up lists (authenticated)."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.web import flash_errors, int_from, kabkota_or_404, xlsx_response
from konvergensi.wilayah.models import Region

from . import desa_names, imports, selectors, services
from .models import MeasurementRound

PREVIEW_PROBLEMS = 500
CHILD_LISTS = ("stunting", "gizi", "risiko")  # the follow-up lists of selectors.children_for_followup
INDICATOR_LABELS = (
    ("stunted", gettext_lazy("Stunting (TB/U < −2 SD)")),
    ("severely_stunted", gettext_lazy("Sangat pendek (< −3 SD)")),
    ("wasted", gettext_lazy("Wasting (BB/TB < −2 SD)")),
    ("underweight", gettext_lazy("BB kurang (BB/U < −2 SD)")),
    ("overweight", gettext_lazy("Gizi lebih (BB/TB > +2 SD)")),
)
LEVELS = (
    ("kecamatan", gettext_lazy("Kecamatan")),
    ("desa", gettext_lazy("Desa/Kelurahan")),
    ("puskesmas", gettext_lazy("Puskesmas")),
)


def round_or_404(request, pk: int) -> MeasurementRound:
    """A round of a district the reader may see; 404 otherwise (its existence is not told)."""
    rnd = MeasurementRound.objects.select_related("kabkota").filter(pk=pk).first()
    if rnd is None or not has_permission(request.scope, Permission.VIEW_KABKOTA, rnd.kabkota_id):
        raise Http404
    activate_region(rnd.kabkota_id)  # times in the district's zone (WIB/WITA/WIT), for every reader
    return rnd


def _date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(_("Tanggal tidak sah; gunakan pemilih tanggal (tttt-bb-hh).")) from None


@require_http_methods(["GET", "POST"])
@login_required_scope
def rounds(request, kode: str):
    kab = kabkota_or_404(request, kode)
    can_manage = has_permission(request.scope, Permission.ROUND_MANAGE, kab.kode)
    if request.method == "POST":
        require(request.scope, Permission.ROUND_MANAGE, kab.kode)
        try:
            rnd = services.round_create(
                scope=request.scope,
                kabkota=kab,
                nama=request.POST.get("nama", ""),
                tanggal_mulai=_date(request.POST.get("tanggal_mulai")),
                tanggal_selesai=_date(request.POST.get("tanggal_selesai")),
                min_cell=int_from(request.POST.get("min_cell"), default=10),
                by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("measurements:rounds", kode=kab.kode)
        messages.success(
            request, _("Putaran %(nama)s dibuat. Impor data pengukurannya.") % {"nama": rnd.nama}
        )
        return redirect("measurements:round", pk=rnd.pk)
    items = list(selectors.rounds_for(scope=request.scope, kabkota=kab.kode))
    totals = selectors.round_totals([r.pk for r in items])
    return render(
        request,
        "measurements/rounds.html",
        {
            "kab": kab,
            "rounds": [(r, totals.get(r.pk)) for r in items],
            "can_manage": can_manage,
            "can_import": has_permission(request.scope, Permission.MEASUREMENT_IMPORT, kab.kode),
            "can_aliases": desa_names.may_manage_aliases(request.scope, kab.kode),
            "today": timezone.localdate(),
        },
    )


@login_required_scope
def round_detail(request, pk: int):
    rnd = round_or_404(request, pk)
    level = request.GET.get("tingkat", "kecamatan")
    if level not in ("kecamatan", "desa", "puskesmas"):
        level = "kecamatan"
    data = selectors.round_analysis(rnd=rnd, scope=request.scope, level=level)
    return render(
        request,
        "measurements/round_detail.html",
        {
            "rnd": rnd,
            "kab": rnd.kabkota,
            "level": level,
            "data": data,
            "imports": selectors.imports_of(rnd.pk).select_related("created_by")[:10],
            "can_import": has_permission(request.scope, Permission.MEASUREMENT_IMPORT, rnd.kabkota_id),
            "can_manage": has_permission(request.scope, Permission.ROUND_MANAGE, rnd.kabkota_id),
            "can_children": _may_see_children(request, rnd),
            "indicator_labels": INDICATOR_LABELS,
            "levels": LEVELS,
            "level_label": dict(LEVELS)[level],
        },
    )


# --- the import --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def import_upload(request, pk: int):
    """The export goes into the import pipeline: refused at once if it cannot be read (nothing
    kept), else checked in the background with a progress page, then previewed."""
    from konvergensi.imports.views import start_check

    rnd = round_or_404(request, pk)
    require(request.scope, Permission.MEASUREMENT_IMPORT, rnd.kabkota_id)
    if request.method == "GET":
        return render(request, "measurements/import_upload.html", {"rnd": rnd, "kab": rnd.kabkota,
                                                                   "max_mb": imports.MAX_BYTES // 1_048_576})  # fmt: skip
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Pilih berkas ekspor e-PPGBM (.xlsx atau .csv)."))
        return redirect("measurements:import", pk=rnd.pk)
    try:
        imp = imports.stage(scope=request.scope, rnd=rnd, upload=upload, by=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("measurements:import", pk=rnd.pk)
    return start_check(request, imp)


@login_required_scope
def import_moved(request, pk):
    """Addresses of the earlier import pages (in old job links): the pipeline's page now."""
    return redirect("imports:detail", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required_scope
def desa_aliases(request, kode: str):
    """The district's remembered desa names (name as written → official desa, who answered, when,
    children placed), each revocable: for the operator and the district health office."""
    kab = kabkota_or_404(request, kode)
    desa_names.require_alias_manage(request.scope, kab.kode)
    if request.method == "POST":
        alias = desa_names.desa_alias_revoke(scope=request.scope, kabkota=kab, pk=request.POST.get("hapus"),
                                          by=request.user)  # fmt: skip
        if alias is None:
            raise Http404
        messages.success(
            request,
            _("Nama desa %(nama)s tidak diingat lagi; impor berikutnya akan menanyakannya lagi.")
            % {"nama": alias.desa_key},
        )
        return redirect("measurements:desa-aliases", kode=kab.kode)
    response = render(
        request, "measurements/desa_aliases.html", {"kab": kab, "rows": desa_names.desa_aliases(kab)}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required_scope
def mapping(request, kode: str):
    """The district's own column layout, for files that are not e-PPGBM exports."""
    from .models import ColumnMapping

    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission.MEASUREMENT_IMPORT, kab.kode)
    current = ColumnMapping.objects.filter(kabkota=kab).first()
    if request.method == "POST":
        pairs = {}
        for i in range(40):
            header = (request.POST.get(f"header-{i}") or "").strip()
            if header:
                pairs[header] = request.POST.get(f"field-{i}") or None
        desa_names.mapping_save(scope=request.scope, kabkota=kab, mapping=pairs, by=request.user)
        messages.success(request, _("Susunan kolom disimpan; dipakai untuk setiap impor berikutnya."))
        return redirect("measurements:mapping", kode=kab.kode)
    rows = list((current.mapping if current else {}).items())
    rows += [("", None)] * max(3, 10 - len(rows))
    return render(
        request,
        "measurements/mapping.html",
        {"kab": kab, "rows": list(enumerate(rows)), "fields": imports.field_labels()},
    )


# --- children for follow-up -----------------------------------------------------------------------


def _children_scope(request, rnd: MeasurementRound):
    """Whose children the reader may see by name: the whole district (None) for the health office,
    its own desa (its scope) for a puskesmas or a desa; anyone else gets 403."""
    scope = request.scope
    if has_permission(scope, Permission.CHILD_VIEW, rnd.kabkota_id):
        return None
    own = scope.kode if scope.role == "desa" else next(iter(sorted(scope.desa_codes)), None)
    if own and own.startswith(rnd.kabkota_id + ".") and has_permission(scope, Permission.CHILD_VIEW, own):
        return scope
    raise PermissionDenied


def _may_see_children(request, rnd: MeasurementRound) -> bool:
    try:
        _children_scope(request, rnd)
    except PermissionDenied:
        return False
    return True


def _which(request) -> str:
    """The follow-up list asked for: one of CHILD_LISTS; anything else is the default list."""
    which = request.GET.get("status", "")
    return which if which in CHILD_LISTS else CHILD_LISTS[0]


@never_cache
@login_required_scope
def children(request, pk: int):
    rnd = round_or_404(request, pk)
    limit_scope = _children_scope(request, rnd)
    which = _which(request)
    kecamatan_list = (
        list(Region.objects.filter(parent=rnd.kabkota).order_by("kode")) if limit_scope is None else []
    )
    kec = next((k.kode for k in kecamatan_list if k.kode == request.GET.get("kec")), None)
    rows = selectors.children_for_followup(rnd=rnd, scope=limit_scope, which=which, kecamatan=kec)
    return render(
        request,
        "measurements/children.html",
        {"rnd": rnd, "kab": rnd.kabkota, "rows": rows[:1000], "total": len(rows), "which": which,
         "kecamatan_list": kecamatan_list, "kec": kec or ""},
    )  # fmt: skip


@never_cache
@login_required_scope
def children_export(request, pk: int):
    from openpyxl import Workbook

    from konvergensi_core.io.cells import safe_row

    rnd = round_or_404(request, pk)
    limit_scope = _children_scope(request, rnd)
    which = _which(request)
    kec = request.GET.get("kec") if limit_scope is None else None
    rows = selectors.children_for_followup(rnd=rnd, scope=limit_scope, which=which, kecamatan=kec or None)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Anak untuk ditindaklanjuti"))
    ws.append(safe_row(selectors.CHILD_EXPORT_HEADER))
    for r in rows:
        ws.append(safe_row(selectors.child_export_row(r)))
    buffer = io.BytesIO()
    wb.save(buffer)
    return xlsx_response(buffer.getvalue(), f"anak-{which}-{rnd.pk}.xlsx")
