from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import (
    Permission,
    has_permission,
    login_required_scope,
    require,
)
from konvergensi.formats import activate_region
from konvergensi.web import attachment, flash_errors, region_or_404, tahun_from
from konvergensi.wilayah import selectors as wilayah_selectors
from konvergensi.wilayah.models import Level
from konvergensi_core import aksi as rules

from . import locks, selectors, services, tasks, work
from .forms import AksiUpdateForm, CommentForm, EvidenceForm, MoveForm


def _tahun(request) -> int:
    return tahun_from(request.GET.get("tahun"))


@login_required_scope
def pantau(request):
    """Send each user to the Pantau Aksi page of their own level."""
    scope = request.scope
    if scope.is_national:
        return redirect("aksi:pantau-national")
    if scope.role == Role.PROVINSI:
        return redirect("aksi:pantau-province", kode=scope.provinsi_kode)
    return redirect("aksi:pantau-kabkota", kode=scope.kabkota_kode)


@login_required_scope
def pantau_national(request):
    require(request.scope, Permission.VIEW_NATIONAL)
    tahun = _tahun(request)
    rows = selectors.national_rows(scope=request.scope, tahun=tahun, today=timezone.localdate())
    rows = _sorted(rows, request.GET.get("urut", "kode"))
    return render(
        request,
        "aksi/pantau_national.html",
        {
            "rows": rows,
            "tahun": tahun,
            "urut": request.GET.get("urut", "kode"),
            "map_values": {r.region.kode: r.progress.percent for r in rows},
            "geojson_url": reverse("wilayah:geojson-national"),
        },
    )


@login_required_scope
def pantau_province(request, kode: str):
    provinsi = region_or_404(kode, Level.PROVINSI)
    require(request.scope, Permission.VIEW_PROVINCE, provinsi.kode)
    tahun = _tahun(request)
    rows = selectors.province_rows(
        scope=request.scope, provinsi=provinsi, tahun=tahun, today=timezone.localdate()
    )
    rows = _sorted(rows, request.GET.get("urut", "kode"))
    return render(
        request,
        "aksi/pantau_province.html",
        {
            "provinsi": provinsi,
            "rows": rows,
            "tahun": tahun,
            "urut": request.GET.get("urut", "kode"),
            "aksi_info": rules.AKSI,
            "map_values": {r.region.kode: r.progress.percent for r in rows},
            "geojson_url": reverse("wilayah:geojson", kwargs={"kode": provinsi.kode}),
            "awaiting": selectors.aksi_awaiting_review(scope=request.scope, tahun=tahun),
        },
    )


SORTS = {
    "kode": (lambda r: r.region.kode, False),
    "nama": (lambda r: r.region.nama, False),
    "progres": (lambda r: (r.progress.percent, r.region.kode), True),
    "terlambat": (lambda r: (r.progress.overdue, r.region.kode), True),
    "diverifikasi": (lambda r: (r.progress.verified, r.region.kode), True),
}


def _sorted(rows, key: str):
    func, reverse_ = SORTS.get(key, SORTS["kode"])
    return sorted(rows, key=func, reverse=reverse_)


@login_required_scope
def pantau_kabkota(request, kode: str):
    kabkota = region_or_404(kode, Level.KABKOTA)
    require(request.scope, Permission.VIEW_KABKOTA, kabkota.kode)
    tahun = _tahun(request)
    today = timezone.localdate()
    siklus = selectors.siklus_get(scope=request.scope, kabkota_kode=kabkota.kode, tahun=tahun)
    aksi_list = selectors.aksi_list(siklus=siklus) if siklus else []
    data_locks = locks.locks_for(kabkota.kode, tahun)
    for a in aksi_list:
        a.overdue = rules.is_overdue(rules.Status(a.status), a.due_date, today)
        a.data_lock = data_locks.get(a.nomor)
    row = selectors.kabkota_row(scope=request.scope, kabkota=kabkota, tahun=tahun, today=today)
    return render(
        request,
        "aksi/pantau_kabkota.html",
        {
            "kabkota": kabkota,
            "tahun": tahun,
            "siklus": siklus,
            "aksi_list": aksi_list,
            "progress": row.progress,
            "aksi_info": rules.AKSI,
            "can_edit": has_permission(request.scope, Permission.AKSI_EDIT, kabkota.kode),
            "can_see_money": has_permission(request.scope, Permission.BUDGET_KABKOTA, kabkota.kode),
            "years": selectors.years_available(scope=request.scope),
        },
    )


@require_POST
@login_required_scope
def siklus_start(request, kode: str):
    kabkota = region_or_404(kode, Level.KABKOTA)
    tahun = tahun_from(request.POST.get("tahun"))
    services.siklus_start(scope=request.scope, kabkota=kabkota, tahun=tahun, by=request.user)
    messages.success(request, _("Siklus %(tahun)s dibuka: delapan aksi siap dikerjakan.") % {"tahun": tahun})
    return redirect(f"{reverse('aksi:pantau-kabkota', kwargs={'kode': kabkota.kode})}?tahun={tahun}")


def _aksi_or_404(request, pk: int):
    aksi = selectors.aksi_get(scope=request.scope, pk=pk)
    if aksi is None:
        raise Http404
    return aksi


@login_required_scope
def aksi_detail(request, pk: int):
    aksi = _aksi_or_404(request, pk)
    scope = request.scope
    kab = aksi.kabkota_kode
    activate_region(kab)  # times in the district's zone (WIB/WITA/WIT), for every reader
    can_edit = has_permission(scope, Permission.AKSI_EDIT, kab)
    can_review = has_permission(scope, Permission.AKSI_REVIEW, kab)
    moves = []
    for move in rules.allowed_moves(rules.Status(aksi.status)):
        if (
            services.MOVE_PERMISSION[move] == Permission.AKSI_EDIT
            and can_edit
            or services.MOVE_PERMISSION[move] == Permission.AKSI_REVIEW
            and can_review
        ):
            moves.append(move)
    opd_qs = wilayah_selectors.opd_list(scope=scope, kabkota_kode=kab)
    lock = locks.active_lock(kab, aksi.siklus.tahun, aksi.nomor)
    if lock is not None and lock.nomor is not None:
        # The province opens the verification lock with "Buka kunci", which reopens the aksi too.
        moves = [m for m in moves if m != rules.Move.REOPEN]
    # The work done in Konvergensi for this aksi, as this reader may see it (aksi.work registry).
    work_sections = work.sections(scope=scope, nomor=aksi.nomor, kabkota=kab, tahun=aksi.siklus.tahun)
    return render(
        request,
        "aksi/aksi_detail.html",
        {
            "aksi": aksi,
            "work_sections": work_sections,
            "lock": lock,
            "can_unlock": lock is not None and can_review,
            "work_missing": [s.missing for s in work_sections if s.missing],
            "work_done": bool(work_sections) and not any(s.missing for s in work_sections),
            "info": rules.AKSI_BY_NOMOR[aksi.nomor],
            "overdue": rules.is_overdue(rules.Status(aksi.status), aksi.due_date, timezone.localdate()),
            "moves": moves,
            "needs_reason": [m.value for m in rules.MOVES_NEEDING_REASON],
            "can_edit": can_edit,
            "can_contribute": has_permission(scope, Permission.AKSI_CONTRIBUTE, kab, opd_id=aksi.opd_id)
            and aksi.status != rules.Status.DIVERIFIKASI,
            "can_delete_evidence": has_permission(scope, Permission.AKSI_CONTRIBUTE, kab, opd_id=aksi.opd_id)
            and aksi.status in (rules.Status.BELUM_MULAI, rules.Status.DRAF, rules.Status.PERLU_PERBAIKAN),
            "can_comment": has_permission(scope, Permission.AKSI_COMMENT, kab),
            "update_form": AksiUpdateForm(
                initial={"version": aksi.version, "due_date": aksi.due_date, "opd": aksi.opd_id},
                opd_queryset=opd_qs,
            ),
            "evidence_form": EvidenceForm(),
            "comment_form": CommentForm(),
            "evidence": aksi.evidence.select_related("uploaded_by"),
            "comments": aksi.comments.select_related("author"),
            "transitions": aksi.transitions.select_related("by"),
            "max_mb": settings.EVIDENCE_MAX_MB,
        },
    )


def _back(aksi) -> HttpResponseRedirect:
    return redirect("aksi:detail", pk=aksi.pk)


@require_POST
@login_required_scope
def aksi_update(request, pk: int):
    aksi = _aksi_or_404(request, pk)
    require(request.scope, Permission.AKSI_EDIT, aksi.kabkota_kode)
    form = AksiUpdateForm(
        request.POST,
        opd_queryset=wilayah_selectors.opd_list(scope=request.scope, kabkota_kode=aksi.kabkota_kode),
    )
    if not form.is_valid():
        flash_errors(request, form.errors)
        return _back(aksi)
    try:
        services.aksi_update(
            scope=request.scope,
            aksi=aksi,
            expected_version=form.cleaned_data["version"],
            due_date=form.cleaned_data["due_date"],
            opd=form.cleaned_data["opd"],
            by=request.user,
        )
        messages.success(request, _("Perubahan disimpan."))
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(aksi)


MOVE_MESSAGES = {
    rules.Move.START: gettext_lazy("Aksi mulai dikerjakan (draf)."),
    rules.Move.SUBMIT: gettext_lazy("Aksi diajukan ke provinsi untuk diverifikasi."),
    rules.Move.VERIFY: gettext_lazy("Aksi diverifikasi."),
    rules.Move.REQUEST_REVISION: gettext_lazy("Aksi dikembalikan untuk perbaikan."),
    rules.Move.REOPEN: gettext_lazy("Aksi dibuka kembali untuk perbaikan."),
}


@require_POST
@login_required_scope
def aksi_move(request, pk: int):
    aksi = _aksi_or_404(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Permintaan tidak lengkap. Muat ulang halaman lalu ulangi."))
        return _back(aksi)
    move = rules.Move(form.cleaned_data["move"])
    require(request.scope, services.MOVE_PERMISSION[move], aksi.kabkota_kode)
    try:
        services.aksi_move(
            scope=request.scope,
            aksi=aksi,
            move=move,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, str(MOVE_MESSAGES[move]))
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(aksi)


@require_POST
@login_required_scope
def evidence_add(request, pk: int):
    aksi = _aksi_or_404(request, pk)
    require(request.scope, Permission.AKSI_CONTRIBUTE, aksi.kabkota_kode, opd_id=aksi.opd_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_errors(request, form.errors)
        return _back(aksi)
    try:
        evidence = services.evidence_add(
            scope=request.scope,
            aksi=aksi,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            by=request.user,
        )
        messages.success(request, _("Bukti „%(name)s” diunggah.") % {"name": evidence.original_name})
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(aksi)


@login_required_scope
def evidence_download(request, pk: int):
    evidence = selectors.evidence_get(scope=request.scope, pk=pk)
    if evidence is None:
        raise Http404
    require(request.scope, Permission.VIEW_KABKOTA, evidence.aksi.siklus.kabkota_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # The uploader's file name, made safe by the one attachment helper (no quotes, CR/LF or ';').
    return attachment(FileResponse(handle, content_type=evidence.content_type), evidence.original_name)


@require_POST
@login_required_scope
def evidence_delete(request, pk: int):
    evidence = selectors.evidence_get(scope=request.scope, pk=pk)
    if evidence is None:
        raise Http404
    aksi = evidence.aksi
    try:
        services.evidence_delete(scope=request.scope, evidence=evidence, by=request.user)
        messages.success(request, _("Bukti dihapus."))
    except ValidationError as exc:  # submitted meanwhile: the file stays, and the user is told why
        flash_errors(request, exc)
    return _back(aksi)


@require_POST
@login_required_scope
def comment_add(request, pk: int):
    aksi = _aksi_or_404(request, pk)
    require(request.scope, Permission.AKSI_COMMENT, aksi.kabkota_kode)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(scope=request.scope, aksi=aksi, body=form.cleaned_data["body"], by=request.user)
        messages.success(request, _("Komentar ditambahkan."))
    else:
        messages.error(request, _("Komentar kosong atau terlalu panjang."))
    return redirect(reverse("aksi:detail", kwargs={"pk": aksi.pk}) + "#komentar")


@require_POST
@login_required_scope
def export_pantau(request):
    """Queue the Excel recap of Pantau Aksi for a province (or the nation) and show its job page."""
    kode = request.POST.get("kode", "")
    tahun = tahun_from(request.POST.get("tahun"))
    if kode:
        region = region_or_404(kode, "provinsi")
        require(request.scope, Permission.VIEW_PROVINCE, region.kode)
        title = _("Rekap Pantau Aksi %(nama)s %(tahun)s") % {"nama": region.nama, "tahun": tahun}
    else:
        require(request.scope, Permission.VIEW_NATIONAL)
        title = _("Rekap Pantau Aksi nasional %(tahun)s") % {"tahun": tahun}
    job = tasks.export_pantau_start(region_kode=kode, tahun=tahun, title=title, by=request.user)
    return redirect("jobs:detail", pk=job.pk)


@require_POST
@login_required_scope
def aksi_unlock(request, pk: int):
    """The province opens the approval lock of the aksi's data (docs/aksi.md, "Kunci data"), with a
    reason: the verification lock (the aksi goes back to *perlu perbaikan*), or the year's lock of a
    published assessment (``lingkup=tahun``)."""
    aksi = _aksi_or_404(request, pk)
    require(request.scope, Permission.AKSI_REVIEW, aksi.kabkota_kode)
    whole_year = request.POST.get("lingkup") == "tahun"
    try:
        locks.unlock(
            scope=request.scope,
            kabkota=aksi.kabkota_kode,
            tahun=aksi.siklus.tahun,
            nomor=None if whole_year else aksi.nomor,
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Kunci data dibuka; kabupaten/kota dapat mengubah datanya lagi."))
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(aksi)
