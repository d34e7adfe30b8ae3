"""Rounds, the e-PPGBM import, the round's figures and the follow-up lists (authenticated)."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.jobs import services as job_services
from konvergensi.web import attachment, district_or_404, flash_errors, int_from
from konvergensi.wilayah.models import Region
from konvergensi_core import eppgbm

from . import imports, selectors, services
from .models import ImportStatus, MeasurementImport, MeasurementRound

PREVIEW_PROBLEMS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHILD_LISTS = ("stunting", "gizi", "risiko")  # the follow-up lists of selectors.children_for_followup
INDICATOR_LABELS = (
    ("stunted", _lazy("Stunting (TB/U < −2 SD)")),
    ("severely_stunted", _lazy("Sangat pendek (< −3 SD)")),
    ("wasted", _lazy("Wasting (BB/TB < −2 SD)")),
    ("underweight", _lazy("Underweight (BB/U < −2 SD)")),
    ("overweight", _lazy("Overweight (BB/TB > +2 SD)")),
)
LEVELS = (
    ("kecamatan", _lazy("Kecamatan")),
    ("desa", _lazy("Desa/Kelurahan")),
    ("puskesmas", _lazy("Puskesmas")),
)


def round_or_404(request, pk: int) -> MeasurementRound:
    """A round of a district the reader may see; 404 otherwise (its existence is not told)."""
    rnd = MeasurementRound.objects.select_related("kabkota").filter(pk=pk).first()
    if rnd is None or not has_permission(request.scope, Permission.VIEW_DISTRICT, rnd.kabkota_id):
        raise Http404
    return rnd


def _date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(_("Tanggal tidak sah; gunakan pemilih tanggal (tttt-bb-hh).")) from None


@require_http_methods(["GET", "POST"])
@login_required_scope
def rounds(request, kode: str):
    kab = district_or_404(request, kode)
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
            "can_aliases": imports.may_manage_aliases(request.scope, kab.kode),
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
            "imports": rnd.imports.select_related("created_by")[:10],
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
        imp = imports.import_stage(scope=request.scope, rnd=rnd, upload=upload, by=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("measurements:import", pk=rnd.pk)
    return _start_check(request, imp)


def _start_check(request, imp: MeasurementImport):
    from .tasks import import_check_task

    job = job_services.job_create(
        kind="measurement_check",
        title=_("Memeriksa %(name)s") % {"name": imp.original_name},
        region_kode=imp.round.kabkota_id,
        params={"import": str(imp.pk), "next": reverse("measurements:import-detail", kwargs={"pk": imp.pk})},
        by=request.user,
    )
    restaged = (
        MeasurementImport.objects.filter(pk=imp.pk)
        .exclude(status__in=(ImportStatus.COMMITTED, ImportStatus.COMMITTING))
        .update(status=ImportStatus.STAGED, summary={"job": str(job.pk)})
    )
    if not restaged:  # committed meanwhile: it never goes back
        job_services.job_fail(job=job, message=_("Impor ini sudah disimpan atau sedang disimpan."))
        messages.error(
            request, _("Impor ini sudah disimpan atau sedang disimpan; tidak dapat diperiksa ulang.")
        )
        return redirect("measurements:import-detail", pk=imp.pk)
    transaction.on_commit(lambda: import_check_task.enqueue(str(job.pk)))
    return redirect("jobs:detail", pk=job.pk)


def _staged(request, pk) -> MeasurementImport:
    """An import is seen only by the person who uploaded it (it holds personal data)."""
    imp = (
        MeasurementImport.objects.select_related("round__kabkota")
        .filter(pk=pk, created_by=request.user)
        .first()
    )
    if imp is None or not has_permission(request.scope, Permission.MEASUREMENT_IMPORT, imp.round.kabkota_id):
        raise Http404
    return imp


@never_cache
@require_http_methods(["GET", "POST"])
@login_required_scope
def import_detail(request, pk):
    imp = _staged(request, pk)
    if request.method == "POST" and imp.status in (ImportStatus.COMMITTED, ImportStatus.COMMITTING):
        # A committed import never goes back to checking (issue 12): nothing is changed.
        messages.error(
            request, _("Impor ini sudah disimpan atau sedang disimpan; tidak dapat diperiksa ulang.")
        )
        return redirect("measurements:import-detail", pk=imp.pk)
    if request.method == "POST":
        # Answers to the desa names the check asked about, inside the answerer's area: all of them
        # are remembered, or none (imports.desa_answers); then the file is checked again.
        answers = [
            (request.POST.get(f"kec-{index}") or None, request.POST.get(f"desa-{index}", ""), kode)
            for key, kode in request.POST.items()
            if key.startswith("pilih-") and kode
            for index in [key.removeprefix("pilih-")]
        ]
        if not answers:
            messages.info(request, _("Belum ada desa yang dipilih."))
            return redirect("measurements:import-detail", pk=imp.pk)
        try:
            chosen = imports.desa_answers(imp=imp, scope=request.scope, answers=answers, by=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("measurements:import-detail", pk=imp.pk)
        messages.success(request, _("%(n)s nama desa diingat untuk impor berikutnya.") % {"n": len(chosen)})
        return _start_check(request, imp)
    summary = imp.summary or {}
    problems = imports.problems_of(imp, limit=PREVIEW_PROBLEMS)
    return render(
        request,
        "measurements/import_detail.html",
        {
            "imp": imp,
            "rnd": imp.round,
            "kab": imp.round.kabkota,
            "summary": summary,
            "counts": summary.get("counts", {}),
            "problems": problems,
            "more_problems": max(0, summary.get("counts", {}).get("problems", 0) - len(problems)),
            "ambiguous": summary.get("ambiguous", []),
            "fields": summary.get("columns", {}),
            "field_labels": eppgbm_field_labels(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required_scope
def desa_aliases(request, kode: str):
    """The district's remembered desa names (name as written → official desa, who answered, when,
    children placed), each revocable: for the operator and the district health office."""
    kab = district_or_404(request, kode)
    imports.require_alias_manage(request.scope, kab.kode)
    if request.method == "POST":
        alias = imports.desa_alias_revoke(scope=request.scope, kabkota=kab, pk=request.POST.get("hapus"),
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
        request, "measurements/desa_aliases.html", {"kab": kab, "rows": imports.desa_aliases(kab)}
    )
    response["Cache-Control"] = "private, no-store"
    return response


def eppgbm_field_labels() -> dict[str, str]:
    """The fields of an export, as the first alias e-PPGBM writes for each."""
    return {f: eppgbm.ALIASES[f][0] for f in eppgbm.FIELDS}


@never_cache
@login_required_scope
def import_problems(request, pk):
    """Every problem of the last check as an Excel sheet (row, column, value, message, severity)."""
    imp = _staged(request, pk)
    return attachment(imports.problems_xlsx(imp), "masalah-impor-pengukuran.xlsx", XLSX)


@require_POST
@login_required_scope
def import_commit(request, pk):
    from .tasks import import_commit_task

    imp = _staged(request, pk)
    if imp.status == ImportStatus.COMMITTED:
        messages.info(request, _("Impor ini sudah disimpan."))
        return redirect("measurements:round", pk=imp.round_id)
    if imp.status == ImportStatus.COMMITTING:
        messages.info(request, _("Impor ini sedang disimpan."))
        return redirect("measurements:import-detail", pk=imp.pk)
    if imp.status != ImportStatus.CHECKED or not (imp.summary or {}).get("ok"):
        messages.error(request, _("Berkas belum siap disimpan: periksa dan perbaiki dulu."))
        return redirect("measurements:import-detail", pk=imp.pk)
    try:  # one commit, however many times "Simpan" is pressed at once
        imports.claim_commit(imp)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("measurements:import-detail", pk=imp.pk)
    job = job_services.job_create(
        kind="measurement_import",
        title=_("Menyimpan %(name)s") % {"name": imp.original_name},
        region_kode=imp.round.kabkota_id,
        params={"import": str(imp.pk), "next": reverse("measurements:round", kwargs={"pk": imp.round_id})},
        by=request.user,
    )
    transaction.on_commit(lambda: import_commit_task.enqueue(str(job.pk)))
    return redirect("jobs:detail", pk=job.pk)


@require_POST
@login_required_scope
def import_cancel(request, pk):
    """ "Batal": the uploaded file and everything prepared from it are deleted at once."""
    imp = _staged(request, pk)
    if imports.import_cancel(imp=imp, by=request.user):
        messages.success(request, _("Impor dibatalkan; berkasnya sudah dihapus."))
    else:
        messages.info(request, _("Impor ini sudah disimpan atau sedang disimpan; tidak dapat dibatalkan."))
    return redirect("measurements:round", pk=imp.round_id)


@require_http_methods(["GET", "POST"])
@login_required_scope
def mapping(request, kode: str):
    """The district's own column layout, for files that are not e-PPGBM exports."""
    from .models import ColumnMapping

    kab = district_or_404(request, kode)
    require(request.scope, Permission.MEASUREMENT_IMPORT, kab.kode)
    current = ColumnMapping.objects.filter(kabkota=kab).first()
    if request.method == "POST":
        pairs = {}
        for i in range(40):
            header = (request.POST.get(f"header-{i}") or "").strip()
            if header:
                pairs[header] = request.POST.get(f"field-{i}") or None
        imports.mapping_save(scope=request.scope, kabkota=kab, mapping=pairs, by=request.user)
        messages.success(request, _("Susunan kolom disimpan; dipakai untuk setiap impor berikutnya."))
        return redirect("measurements:mapping", kode=kab.kode)
    rows = list((current.mapping if current else {}).items())
    rows += [("", None)] * max(3, 10 - len(rows))
    return render(
        request,
        "measurements/mapping.html",
        {"kab": kab, "rows": list(enumerate(rows)), "fields": eppgbm_field_labels()},
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
    return attachment(buffer.getvalue(), f"anak-{which}-{rnd.pk}.xlsx", XLSX)
