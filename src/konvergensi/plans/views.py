"""Pages of the Aksi 2 plan: the plan (Tabel 2.2 and 2.3) with its checks, totals, stages and versions;
a row's form; the planning and budget documents; the integration matrices (Tabel 2.4 and 2.5)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.aksi import locks
from konvergensi.formats import activate_region
from konvergensi.web import attachment, attempt, flash_errors, kabkota_or_404, tahun_from, xlsx_response
from konvergensi.wilayah.models import OPD
from konvergensi_core.plan import DOCUMENTS, Status

from . import documents as docs
from . import selectors, services
from .models import Adjustment, DocumentKind, Funding, Group, Plan, PlanRow, RowClass, Stage, StageRecord


def _tahun(request) -> int:
    return tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))


def _plan(request, pk: int) -> Plan:
    plan = selectors.plan_get(scope=request.scope, pk=pk)
    if plan is None:
        raise Http404
    require(request.scope, Permission.VIEW_KABKOTA, plan.kabkota_id)
    activate_region(plan.kabkota_id)  # dates in the district's zone, for every reader
    return plan


def _whole(request, kabkota: str) -> None:
    """Pages of the whole plan's money and documents: not for a kecamatan, desa or puskesmas."""
    require(request.scope, Permission.PLAN_KABKOTA, kabkota)


def _row(request, pk: int) -> PlanRow:
    row = selectors.row_get(scope=request.scope, pk=pk)
    if row is None:
        raise Http404
    if not services.may_edit_row(request.scope, row.plan, row):
        raise PermissionDenied
    activate_region(row.plan.kabkota_id)
    return row


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


TEXT_FIELDS = ("masalah", "rekomendasi", "activity", "code", "indicator_code", "indicator", "baseline", "target",
               "unit", "budget", "source", "schedule", "row_class")  # fmt: skip


def _values(plan: Plan, row: PlanRow | None, post) -> dict:
    """What the row form shows: what was just sent (after a refusal), else the row, else empty."""
    names = selectors.place_names(plan.kabkota_id)
    lokus = set(plan.lokus_list.desa_codes()) if plan.lokus_list else set()
    if post:
        values = {f: post.get(f, "") for f in TEXT_FIELDS}
        values.update(group=post.get("group", ""), opd=post.get("opd", ""), locations=post.getlist("locations"),
                      locations_other=post.get("locations_other", ""), adjustments=post.getlist("adjustments"))  # fmt: skip
        return values
    if row is None:
        return {**dict.fromkeys(TEXT_FIELDS, ""), "group": "1", "opd": "", "locations": [], "locations_other": "",
                "adjustments": []}  # fmt: skip
    values = {f: "" if getattr(row, f) is None else str(getattr(row, f)) for f in TEXT_FIELDS}
    values.update(
        group=str(row.group),
        opd=str(row.opd_id or ""),
        locations=[k for k in row.locations if k in lokus],
        locations_other="; ".join(names.get(k, k) for k in row.locations if k not in lokus),
        adjustments=list(row.adjustments),
    )
    return values


def _form_context(plan: Plan) -> dict:
    lokus = plan.lokus_list.desa_codes() if plan.lokus_list else []
    names = selectors.place_names(plan.kabkota_id)
    return {
        "groups": Group.choices,
        "classes": RowClass.choices,
        "adjustment_choices": Adjustment.choices,
        "sources": Funding.choices,
        "opds": selectors.opd_list(plan.kabkota_id),
        "lokus_places": [(k, names.get(k, k)) for k in lokus],
        "group_values": [(str(v), label) for v, label in Group.choices],
    }


# --- the district's plan of a year -------------------------------------------------------------------


@login_required_scope
def home(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = _tahun(request)
    plan = selectors.plan_current(scope=request.scope, kabkota=kab.kode, tahun=tahun)
    if plan is not None:
        return redirect("plans:detail", pk=plan.pk)
    from konvergensi.ansit import selectors as ansit_selectors
    from konvergensi.ansit.models import RecommendationStatus

    recs = ansit_selectors.recommendation_list(scope=request.scope, kabkota=kab.kode, tahun=tahun)
    return render(
        request,
        "plans/home.html",
        {
            "kab": kab,
            "tahun": tahun,
            "lokus": ansit_selectors.lokus_confirmed(kab.kode, tahun, scope=request.scope),
            "n_confirmed": recs.filter(status=RecommendationStatus.DIKONFIRMASI).count(),
            "can_manage": has_permission(request.scope, Permission.PLAN_MANAGE, kab.kode),
        },
    )


@require_POST
@login_required_scope
def seed(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = _tahun(request)
    require(request.scope, Permission.PLAN_MANAGE, kab.kode)
    result = attempt(
        request,
        lambda: services.plan_seed(scope=request.scope, kabkota=kab, tahun=tahun, by=request.user),
        lambda r: (
            _("Rencana kegiatan %(tahun)s disusun: %(n)s kegiatan dari rekomendasi Aksi 1.")
            % {"tahun": tahun, "n": r[1]}
        ),
    )
    if isinstance(result, tuple):
        return redirect("plans:detail", pk=result[0].pk)
    return redirect(reverse("plans:home", kwargs={"kode": kab.kode}) + f"?tahun={tahun}")


def _money_table(mapping: dict, labels: dict | None = None) -> list[tuple[str, int]]:
    return [(str((labels or {}).get(k, k) or _("(belum diisi)")), v) for k, v in mapping.items()]


@login_required_scope
def detail(request, pk: int):
    plan = _plan(request, pk)
    scope = request.scope
    whole = selectors.sees_whole_plan(scope, plan.kabkota_id)
    all_rows = selectors.rows_of(plan)  # read once: numbering, review and the reader's rows all use it
    rows = selectors.visible_rows(scope=scope, plan=plan, rows=all_rows)
    nos = selectors.numbering(all_rows)
    names = selectors.place_names(plan.kabkota_id)
    lokus = set(plan.lokus_list.desa_codes()) if plan.lokus_list else set()
    review = selectors.review(plan, all_rows, places=names) if whole else None
    can_manage = has_permission(scope, Permission.PLAN_MANAGE, plan.kabkota_id)
    latest = selectors.is_latest(plan)
    # The approval lock (docs/aksi.md): a verified Aksi 2 shows no edit buttons (the notice says why).
    open_ = latest and not locks.is_locked(plan.kabkota_id, plan.tahun, 2)
    sections = []
    for value, label in Group.choices:
        items = [
            {
                "row": r,
                "no": nos[r.pk],
                "places": selectors.places_of(r, names, lokus),
                "editable": open_ and services.may_edit_row(scope, plan, r),
            }
            for r in rows
            if r.group == value
        ]
        sections.append(
            {
                "value": value,
                "label": label,
                "entries": items,
                "subtotal": sum(i["row"].budget or 0 for i in items),
            }
        )
    stages = {s.stage: s for s in plan.stages.all()}
    agreed = []
    if whole:  # the changes agreed at the district's Rembuk Stunting, which the finalisation takes up
        from konvergensi.rembuk.selectors import changes_for_plan

        by_key = {r.key: r for r in all_rows}
        for change in changes_for_plan(plan):
            row = by_key.get(change.row.key)
            if row is not None:
                agreed.append(
                    {"no": nos.get(row.pk, ""), "row": row, "text": change.text, "rembuk": change.rembuk}
                )
    next_stage = services.next_stage(plan) if open_ else None
    totals = review.totals if review else None
    context = {
        "plan": plan,
        "kab": plan.kabkota,
        "tahun": plan.tahun,
        "whole": whole,
        "sections": sections,
        "total": sum(r.budget or 0 for r in rows),
        "n_rows": len(rows),
        "checks": review.checks if review else [],
        "agreed": agreed,
        "by_opd": _money_table(totals.by_opd) if totals else [],
        "by_source": _money_table(totals.by_source, dict(Funding.choices)) if totals else [],
        "by_class": _money_table(totals.by_class, dict(RowClass.choices)) if totals else [],
        "stage_rows": [(value, label, stages.get(value)) for value, label in Stage.choices],
        "next_stage": next_stage,
        "next_stage_label": Stage(next_stage).label if next_stage else "",
        "can_manage": can_manage,
        "can_add": open_ and services.may_edit_row(scope, plan, None),
        "latest": latest,
        "versions": selectors.plan_list(scope=scope, kabkota=plan.kabkota_id, tahun=plan.tahun),
        "documents": selectors.documents(scope=scope, kabkota=plan.kabkota_id, tahun=plan.tahun)
        if whole
        else [],
        "today": dt.date.today().isoformat(),
        **_form_context(plan),
    }
    return render(request, "plans/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required_scope
def row_add(request, pk: int):
    plan = _plan(request, pk)
    if not services.may_edit_row(request.scope, plan, None):
        raise PermissionDenied
    if request.method == "POST":
        row = attempt(
            request,
            lambda: services.row_add(scope=request.scope, plan=plan, data=request.POST, by=request.user),
            _("Kegiatan ditambahkan."),
        )
        if row:
            return redirect(reverse("plans:detail", kwargs={"pk": plan.pk}) + f"#b{row.pk}")
    return render(
        request,
        "plans/row_form.html",
        {
            "plan": plan,
            "kab": plan.kabkota,
            "row": None,
            "values": _values(plan, None, request.POST),
            **_form_context(plan),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required_scope
def row_edit(request, pk: int):
    row = _row(request, pk)
    plan = row.plan
    if request.method == "POST":
        done = attempt(
            request,
            lambda: services.row_update(
                scope=request.scope,
                row=row,
                data=request.POST,
                expected_version=int(request.POST.get("version") or 0),
                by=request.user,
            ),
            _("Kegiatan disimpan."),
        )
        if done:
            return redirect(reverse("plans:detail", kwargs={"pk": plan.pk}) + f"#b{row.pk}")
    return render(
        request,
        "plans/row_form.html",
        {
            "plan": plan,
            "kab": plan.kabkota,
            "row": row,
            "values": _values(plan, row, request.POST),
            **_form_context(plan),
        },
    )


@require_POST
@login_required_scope
def row_delete(request, pk: int):
    row = _row(request, pk)
    plan_pk = row.plan_id
    attempt(
        request,
        lambda: services.row_delete(scope=request.scope, row=row, by=request.user),
        _("Kegiatan dihapus."),
    )
    return redirect("plans:detail", pk=plan_pk)


@require_POST
@login_required_scope
def row_split(request, pk: int):
    row = _row(request, pk)
    twin = attempt(
        request,
        lambda: services.row_split(scope=request.scope, row=row, by=request.user),
        _("Kegiatan dipecah dua: lokasi dan anggaran dibagi; sunting keduanya."),
    )
    anchor = f"#b{twin.pk}" if isinstance(twin, PlanRow) else ""
    return redirect(reverse("plans:detail", kwargs={"pk": row.plan_id}) + anchor)


@require_POST
@login_required_scope
def stage(request, pk: int):
    plan = _plan(request, pk)
    require(request.scope, Permission.PLAN_MANAGE, plan.kabkota_id)
    attempt(
        request,
        lambda: services.stage_record(
            scope=request.scope,
            plan=plan,
            stage=request.POST.get("stage", ""),
            date=_date(request.POST.get("date", "")),
            notes=request.POST.get("notes", ""),
            upload=request.FILES.get("file"),
            by=request.user,
        ),
        lambda r: (
            _("Tahap „%(stage)s” dicatat.") % {"stage": r.get_stage_display()}
            + (" " + _("Rencana dilampirkan ke Aksi 2.") if plan.evidence_id else "")
        ),
    )
    return redirect(reverse("plans:detail", kwargs={"pk": plan.pk}) + "#tahap")


@require_POST
@login_required_scope
def attach(request, pk: int):
    plan = _plan(request, pk)
    require(request.scope, Permission.PLAN_MANAGE, plan.kabkota_id)
    attempt(
        request,
        lambda: services.plan_attach(scope=request.scope, plan=plan, by=request.user),
        _("Rencana dilampirkan ke Aksi 2 sebagai bukti."),
    )
    return redirect(reverse("plans:detail", kwargs={"pk": plan.pk}) + "#tahap")


@require_POST
@login_required_scope
def new_version(request, pk: int):
    plan = _plan(request, pk)
    require(request.scope, Permission.PLAN_MANAGE, plan.kabkota_id)
    new = attempt(
        request,
        lambda: services.plan_new_version(
            scope=request.scope, plan=plan, note=request.POST.get("note", ""), by=request.user
        ),
        lambda p: (
            _("Versi %(n)s dibuat dari versi %(old)s; ubah lalu finalkan lagi.")
            % {"n": p.number, "old": plan.number}
        ),
    )
    return redirect("plans:detail", pk=new.pk if isinstance(new, Plan) else plan.pk)


@login_required_scope
def diff(request, pk: int):
    plan = _plan(request, pk)
    _whole(request, plan.kabkota_id)
    other_pk = request.GET.get("dengan")
    base = (
        selectors.plan_get(scope=request.scope, pk=int(other_pk))
        if other_pk and other_pk.isdigit()
        else plan.based_on
    )
    if base is None or base.kabkota_id != plan.kabkota_id or base.tahun != plan.tahun:
        raise Http404
    return render(
        request,
        "plans/diff.html",
        {"plan": plan, "base": base, "kab": plan.kabkota, "diff": selectors.diff(base, plan)},
    )


@require_POST
@login_required_scope
def upload(request, pk: int):
    """The plan's workbook, edited offline, into the import pipeline (checked at once, previewed)."""
    from konvergensi.imports import services as pipeline
    from konvergensi.imports.views import start_check

    from .imports import PLAN_KIND

    plan = _plan(request, pk)
    require(request.scope, Permission.PLAN_MANAGE, plan.kabkota_id)
    file = request.FILES.get("file")
    back = reverse("plans:detail", kwargs={"pk": plan.pk}) + "#unggah"
    if file is None:
        messages.error(request, _("Pilih berkas Excel (.xlsx) rencana kegiatan."))
        return redirect(back)
    try:
        services._editable(plan)
        imp = pipeline.stage(
            kind=pipeline.kinds.get(PLAN_KIND),
            kabkota=plan.kabkota_id,
            params={"plan": plan.pk},
            upload=file,
            by=request.user,
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(back)
    return start_check(request, imp)


FORMATS = {"xlsx": docs.plan_xlsx, "pdf": docs.plan_pdf, "docx": docs.plan_docx}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@login_required_scope
def download(request, pk: int, fmt: str):
    plan = _plan(request, pk)
    _whole(request, plan.kabkota_id)
    if fmt not in FORMATS:
        raise Http404
    content = FORMATS[fmt](plan)
    if fmt == "xlsx":
        return xlsx_response(content, docs.filename(plan, fmt))
    return attachment(content, docs.filename(plan, fmt), CONTENT_TYPES[fmt])


@login_required_scope
def stage_file(request, pk: int):
    record = StageRecord.objects.select_related("plan").filter(pk=pk).first()
    if record is None or not record.file:
        raise Http404
    plan = _plan(request, record.plan_id)
    _whole(request, plan.kabkota_id)
    return attachment(FileResponse(record.file.open("rb")), record.original_name or "berkas")


# --- documents and matrices -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def documents(request, kode: str):
    from konvergensi.imports import services as pipeline
    from konvergensi.imports.views import start_check

    from .imports import DOCUMENT_KIND

    kab = kabkota_or_404(request, kode)
    _whole(request, kab.kode)
    tahun = _tahun(request)
    scope = request.scope
    manage = has_permission(scope, Permission.PLAN_MANAGE, kab.kode)
    own_opd = OPD.objects.filter(pk=scope.opd_id, kabkota=kab).first() if scope.opd_id else None
    may_upload_renja = manage or (
        own_opd is not None and has_permission(scope, Permission.PLAN_EDIT, kab.kode, opd_id=own_opd.pk)
    )
    back = reverse("plans:documents", kwargs={"kode": kab.kode}) + f"?tahun={tahun}"
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        opd = None
        if kind == DocumentKind.RENJA:
            opd_id = request.POST.get("opd", "")
            opd = (
                own_opd
                if not manage
                else OPD.objects.filter(kabkota=kab, pk=int(opd_id) if opd_id.isdigit() else 0).first()
            )
            if opd is None:
                messages.error(request, _("Renja adalah dokumen satu OPD: pilih OPD-nya."))
                return redirect(back)
            require(scope, Permission.PLAN_EDIT, kab.kode, opd_id=opd.pk)
        elif kind in DocumentKind.values:
            require(scope, Permission.PLAN_MANAGE, kab.kode)
        else:
            messages.error(request, _("Pilih jenis dokumen."))
            return redirect(back)
        file = request.FILES.get("file")
        if file is None:
            messages.error(request, _("Pilih berkas dokumen."))
            return redirect(back)
        try:
            imp = pipeline.stage(
                kind=pipeline.kinds.get(DOCUMENT_KIND),
                kabkota=kab.kode,
                params={"kind": kind, "tahun": tahun, "opd": opd.pk if opd else None},
                upload=file,
                by=request.user,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect(back)
        return start_check(request, imp)
    activate_region(kab.kode)
    kinds = DocumentKind.choices if manage else [(DocumentKind.RENJA.value, DocumentKind.RENJA.label)]
    return render(
        request,
        "plans/documents.html",
        {
            "kab": kab,
            "tahun": tahun,
            "plan": selectors.plan_current(scope=scope, kabkota=kab.kode, tahun=tahun),
            "documents": selectors.documents(scope=scope, kabkota=kab.kode, tahun=tahun),
            "kinds": kinds if may_upload_renja else [],
            "manage": manage,
            "opds": selectors.opd_list(kab.kode) if manage else ([own_opd] if own_opd else []),
        },
    )


@login_required_scope
def integration(request, kode: str):
    kab = kabkota_or_404(request, kode)
    _whole(request, kab.kode)
    tahun = _tahun(request)
    plan = selectors.plan_current(scope=request.scope, kabkota=kab.kode, tahun=tahun)
    context = {
        "kab": kab,
        "tahun": tahun,
        "plan": plan,
        "statuses": [(s.value, _status_label(s.value)) for s in Status],
    }
    if plan is not None:
        rows = selectors.rows_of(plan)
        result = selectors.integration(plan, rows)
        opd_filter = request.GET.get("opd", "")
        status_filter = request.GET.get("status", "")
        kinds = list(result.summary.keys())
        names = selectors.place_names(kab.kode)
        lokus = set(plan.lokus_list.desa_codes()) if plan.lokus_list else set()
        table_rows = []
        for line in result.rows:
            matches = line.documents
            if opd_filter and line.row.opd != opd_filter:
                continue
            if status_filter and not any(m.status == status_filter for m in matches.values()):
                continue
            table_rows.append(
                {
                    "row": line.row,
                    "places": selectors.places_of(line.row, names, lokus),
                    "cells": [(k, matches.get(k), _why(matches.get(k), line.row, names)) for k in kinds],
                }
            )
        context.update(
            {
                "kinds": [(k, DOCUMENTS.get(k, k)) for k in kinds],
                "table_rows": table_rows,
                "summary": [(DOCUMENTS.get(k, k), result.summary[k]) for k in kinds],
                "unplanned": [(DOCUMENTS.get(k, k), lines) for k, lines in result.unplanned.items() if lines],
                "opd_names": sorted({r.row.opd for r in result.rows if r.row.opd}),
                "opd_filter": opd_filter,
                "status_filter": status_filter,
            }
        )
    activate_region(kab.kode)
    return render(request, "plans/integration.html", context)


def _why(match, row, names: dict[str, str]) -> str:
    """Why a row is only partly or not in a document, in the reader's language, places by name."""
    from konvergensi_core.plan import format_rupiah

    if match is None or match.status == Status.MASUK:
        return ""
    if match.status == Status.TIDAK_MASUK:
        return _("tidak ditemukan")
    parts = []
    if row.budget and match.pagu is None:
        parts.append(_("pagu tidak tercantum"))
    elif row.budget and match.pagu < row.budget:
        parts.append(
            _("pagu %(pagu)s di bawah anggaran rencana %(budget)s")
            % {"pagu": format_rupiah(match.pagu), "budget": format_rupiah(row.budget)}
        )
    if match.missing_locations:
        shown = [names.get(k, k) for k in match.missing_locations]
        parts.append(_("lokasi tidak ada: %(places)s") % {"places": ", ".join(shown)})
    return "; ".join(parts)


def _status_label(value: str) -> str:
    return {"masuk": _("masuk"), "sebagian": _("sebagian"), "tidak_masuk": _("tidak masuk")}[value]


@login_required_scope
def integration_xlsx(request, kode: str):
    kab = kabkota_or_404(request, kode)
    _whole(request, kab.kode)
    tahun = _tahun(request)
    plan = selectors.plan_current(scope=request.scope, kabkota=kab.kode, tahun=tahun)
    if plan is None:
        raise Http404
    return xlsx_response(
        docs.integration_xlsx(plan),
        docs.filename(plan, "xlsx").replace("rencana-kegiatan", "matriks-integrasi"),
    )
