"""Pages of Aksi 6: the district's data-management system of a year (computed, read-only), the
improvement plan (add, edit, status by the owning OPD), the level of detail the operator records,
the Aksi 6 document and its attachment to Aksi 6."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergensi.accounts.permissions import Permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.web import attachment, attempt, int_from, kabkota_or_404, tahun_from
from konvergensi_core import datasystem as core

from . import documents, selectors, services
from .models import Action, GapKind, Level, Status


def _tahun(request) -> int:
    return tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))


def _kab(request, kode: str):
    kab = kabkota_or_404(request, kode)
    if not selectors.may_read(request.scope, kab.kode):
        raise PermissionDenied
    activate_region(kab.kode)
    return kab


def _home(kode: str, tahun: int, anchor: str = "") -> str:
    return reverse("datasystem:home", kwargs={"kode": kode}) + f"?tahun={tahun}{anchor}"


@require_GET
@login_required_scope
def home(request, kode: str):
    kab = _kab(request, kode)
    scope = request.scope
    tahun = _tahun(request)
    today = timezone.localdate()
    ov = selectors.overview(kab, tahun, request.GET.get("set"))
    notes = selectors.notes(kab.kode, tahun)
    quality = selectors.quality(kab.kode)
    manage = selectors.may_manage(scope, kab.kode)
    gaps = selectors.gaps(ov, notes, quality, selectors.health_office(kab.kode)) if manage else []
    chosen = next((g for g in gaps if g.key == request.GET.get("dari")), None)
    actions = selectors.actions(scope=scope, kabkota=kab.kode, tahun=tahun)
    rows = [
        {
            "action": a,
            "overdue": core.is_overdue(a.status, a.tenggat, today),
            "can_edit": selectors.may_update(scope, a),
        }
        for a in actions
    ]
    start, end = ov.start_end
    context = {
        "kab": kab,
        "tahun": tahun,
        "ov": ov,
        "period_labels": [selectors.period_label(p) for p in ov.periods],
        "totals": [(selectors.period_label(c.periode), c) for c in ov.totals],
        "level_labels": selectors.LEVEL_LABEL,
        "start": start,
        "end": end,
        "notes": notes,
        "quality": quality,
        "stunting": selectors.stunting_level(kab.kode, tahun),
        "gaps": gaps,
        "gap_keys": {g.key for g in gaps},
        "chosen": chosen,
        "rows": rows,
        "counts": core.plan_counts(((a.status, a.tenggat) for a in actions), today),
        "manage": manage,
        "opd_choices": selectors.opd_choices(kab.kode) if manage else [],
        "gap_kinds": GapKind.choices,
        "levels": Level.choices,
        "plan_exists": selectors.plan_exists(kab.kode, tahun),
        "sets": [("2018", "2018"), ("2025", "2025")],
    }
    return render(request, "datasystem/home.html", context)


@require_POST
@login_required_scope
def action_add(request, kode: str):
    kab = _kab(request, kode)
    require(request.scope, Permission.DATASYSTEM_MANAGE, kab.kode)
    tahun = _tahun(request)
    attempt(
        request,
        lambda: services.action_add(
            scope=request.scope, kabkota=kab, tahun=tahun, data=request.POST, by=request.user
        ),
        _("Tindakan perbaikan ditambahkan ke rencana."),
    )
    return redirect(_home(kab.kode, tahun, "#rencana"))


@require_POST
@login_required_scope
def level_record(request, kode: str):
    kab = _kab(request, kode)
    require(request.scope, Permission.DATASYSTEM_MANAGE, kab.kode)
    tahun = _tahun(request)
    attempt(
        request,
        lambda: services.level_record(
            scope=request.scope,
            kabkota=kab,
            tahun=tahun,
            indicator_id=int_from(request.POST.get("indicator")),
            level=(request.POST.get("level") or "").strip(),
            note=request.POST.get("note") or "",
            by=request.user,
        ),  # fmt: skip
        _("Tingkat rincian disimpan."),
    )
    return redirect(_home(kab.kode, tahun, "#rincian"))


def _action(request, pk: int) -> Action:
    action = selectors.action_get(scope=request.scope, pk=pk)
    if action is None:
        raise Http404
    if not selectors.may_read(request.scope, action.kabkota_id):
        raise PermissionDenied
    activate_region(action.kabkota_id)
    return action


@require_http_methods(["GET", "POST"])
@login_required_scope
def action_detail(request, pk: int):
    action = _action(request, pk)
    scope = request.scope
    can_edit = selectors.may_update(scope, action)
    manage = selectors.may_manage(scope, action.kabkota_id)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        version = int_from(request.POST.get("version"))
        done = attempt(
            request,
            lambda: services.action_update(
                scope=scope, action=action, data=request.POST, expected_version=version, by=request.user
            ),  # fmt: skip
            _("Tindakan disimpan."),
        )
        if done:
            return redirect(_home(action.kabkota_id, action.tahun, "#rencana"))
    post = request.POST if request.method == "POST" else None
    values = {
        "gap": post.get("gap", "") if post else action.gap,
        "uraian": post.get("uraian", "") if post else action.uraian,
        "opd": str(post.get("opd", "")) if post else str(action.opd_id),
        "tenggat": post.get("tenggat", "") if post else action.tenggat.isoformat(),
        "status": post.get("status", "") if post else action.status,
        "done": post.get("done", "") if post else (action.done.isoformat() if action.done else ""),
        "status_note": post.get("status_note", "") if post else action.status_note,
    }
    context = {
        "action": action,
        "kab": action.kabkota,
        "tahun": action.tahun,
        "values": values,
        "can_edit": can_edit,
        "manage": manage,
        "overdue": core.is_overdue(action.status, action.tenggat, timezone.localdate()),
        "statuses": Status.choices,
        "opd_choices": selectors.opd_choices(action.kabkota_id) if manage else [],
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "datasystem/action.html", context)


@require_GET
@login_required_scope
def document(request, kode: str, fmt: str):
    kab = _kab(request, kode)
    if fmt not in documents.FORMATS:
        raise Http404
    content, name = documents.build(kab.kode, _tahun(request), fmt)
    return attachment(content, name, documents.CONTENT_TYPES[fmt])


@require_POST
@login_required_scope
def attach(request, kode: str):
    kab = _kab(request, kode)
    require(request.scope, Permission.DATASYSTEM_MANAGE, kab.kode)
    tahun = _tahun(request)
    attempt(
        request,
        lambda: services.document_attach(scope=request.scope, kabkota=kab, tahun=tahun, by=request.user),
        _("Dokumen Aksi 6 dilampirkan sebagai bukti Aksi 6."),
    )
    return redirect(_home(kab.kode, tahun, "#dokumen"))
