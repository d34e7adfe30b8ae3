"""Pages of Aksi 3: the district's rembuk of a year with the kecamatan rembuk, one rembuk's event,
signatories, agreed plan changes, berita acara, signed scan and dissemination, and the public
signed commitment."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.web import attachment, attempt, kabkota_or_404, tahun_from
from konvergensi.wilayah.models import Region

from . import documents, selectors, services
from .models import Agenda, Category, Dissemination, Media, Rembuk, Signatory, SignatoryRole


def _tahun(request) -> int:
    return tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))


def _rembuk(request, pk: int) -> Rembuk:
    rembuk = selectors.rembuk_get(scope=request.scope, pk=pk)
    if rembuk is None:
        raise Http404
    if not selectors.may_read(request.scope, rembuk):
        raise PermissionDenied
    activate_region(rembuk.kabkota_id)
    return rembuk


def _editable(request, rembuk: Rembuk) -> None:
    if not selectors.may_edit(request.scope, rembuk):
        raise PermissionDenied


def _back(rembuk: Rembuk, anchor: str = "") -> str:
    return reverse("rembuk:detail", kwargs={"pk": rembuk.pk}) + anchor


def _own_kecamatan(request, kab: Region) -> Region | None:
    """The kecamatan of a kecamatan user of this district."""
    scope = request.scope
    if scope.role == Role.KECAMATAN and scope.kode and scope.kode.startswith(kab.kode + "."):
        return Region.objects.filter(kode=scope.kode, level="kecamatan").first()
    return None


@require_GET
@login_required_scope
def home(request, kode: str):
    kab = kabkota_or_404(request, kode)
    scope = request.scope
    own_kec = _own_kecamatan(request, kab)
    if not has_permission(scope, Permission.REMBUK_READ, kab.kode) and own_kec is None:
        raise PermissionDenied
    tahun = _tahun(request)
    activate_region(kab.kode)
    rembuks = selectors.rembuk_list(scope=scope, kabkota=kab.kode, tahun=tahun)
    district = next((r for r in rembuks if r.is_kabkota), None)
    manage = has_permission(scope, Permission.REMBUK_MANAGE, kab.kode)
    kecamatan_choices = (
        list(Region.objects.filter(kode__startswith=kab.kode + ".", level="kecamatan").order_by("nama"))
        if manage
        else ([own_kec] if own_kec else [])
    )
    return render(
        request,
        "rembuk/home.html",
        {
            "kab": kab,
            "tahun": tahun,
            "district": district,
            "kecamatan_rembuks": [r for r in rembuks if not r.is_kabkota],
            "manage": manage,
            "kecamatan_choices": kecamatan_choices,
            "can_read_district": has_permission(scope, Permission.REMBUK_READ, kab.kode),
        },
    )


@require_POST
@login_required_scope
def create(request, kode: str):
    kab = kabkota_or_404(request, kode)
    tahun = _tahun(request)
    kec_code = (request.POST.get("kecamatan") or "").strip()
    if kec_code:
        region = Region.objects.filter(
            kode=kec_code, level="kecamatan", kode__startswith=kab.kode + "."
        ).first()
        if region is None:
            raise Http404
        require(request.scope, Permission.REMBUK_KECAMATAN, region.kode)
    else:
        region = kab
        require(request.scope, Permission.REMBUK_MANAGE, kab.kode)
    rembuk = attempt(
        request,
        lambda: services.rembuk_create(scope=request.scope, region=region, tahun=tahun, by=request.user),
        _("Rembuk stunting dicatat. Lengkapi agenda, peserta, komitmen dan penanda tangan."),
    )
    if isinstance(rembuk, Rembuk):
        return redirect("rembuk:detail", pk=rembuk.pk)
    return redirect(reverse("rembuk:home", kwargs={"kode": kab.kode}) + f"?tahun={tahun}")


def _values(rembuk: Rembuk, post) -> dict:
    if post:
        return {
            "date": post.get("date", ""), "place": post.get("place", ""), "tpk": post.get("tpk", ""),
            "agenda": post.getlist("agenda"), "agenda_notes": post.get("agenda_notes", ""),
            "speakers": post.get("speakers", ""), "commitment": post.get("commitment", ""),
        }  # fmt: skip
    return {
        "date": rembuk.date.isoformat() if rembuk.date else "", "place": rembuk.place, "tpk": rembuk.tpk,
        "agenda": rembuk.agenda, "agenda_notes": rembuk.agenda_notes, "speakers": rembuk.speakers,
        "commitment": rembuk.commitment,
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required_scope
def detail(request, pk: int):
    rembuk = _rembuk(request, pk)
    scope = request.scope
    can_edit = selectors.may_edit(scope, rembuk)
    if request.method == "POST":
        _editable(request, rembuk)
        try:
            version = int(request.POST.get("version") or 0)
        except ValueError:
            version = 0
        done = attempt(
            request,
            lambda: services.rembuk_update(
                scope=scope, rembuk=rembuk, data=request.POST, expected_version=version, by=request.user
            ),  # fmt: skip
            _("Rembuk disimpan."),
        )
        if done:
            return redirect(_back(rembuk))
    participants = {p.category: p for p in rembuk.participants.all()}
    post = request.POST if request.method == "POST" else None
    categories = [
        {
            "value": value,
            "label": label,
            "count": post.get(f"count-{value}", "") if post else (participants[value].count if value in participants else 0),
            "note": post.get(f"note-{value}", "") if post else (participants[value].note if value in participants else ""),
        }
        for value, label in Category.choices
    ]  # fmt: skip
    plan = selectors.plan_of(rembuk)
    rows = []
    if plan is not None:
        from konvergensi.plans import selectors as plan_selectors

        changes = selectors.changes_of(rembuk)
        all_rows = plan_selectors.rows_of(plan)
        nos = plan_selectors.numbering(all_rows)
        rows = [
            {"row": r, "no": nos[r.pk], "change": changes[r.pk].text if r.pk in changes else ""}
            for r in all_rows
        ]
    whole = has_permission(scope, Permission.PLAN_KABKOTA, rembuk.kabkota_id)
    context = {
        "rembuk": rembuk,
        "kab": rembuk.kabkota,
        "tahun": rembuk.tahun,
        "can_edit": can_edit,
        "values": _values(rembuk, post),
        "agenda_choices": Agenda.choices,
        "second_year": selectors.is_second_year(rembuk),
        "categories": categories,
        "n_hadir": sum(p.count for p in participants.values()),
        "signatories": list(rembuk.signatories.all()),
        "role_choices": SignatoryRole.choices,
        "plan": plan,
        "plan_rows": rows if rembuk.is_kabkota and whole else [],
        "ansit_document": selectors.ansit_document(scope=scope, rembuk=rembuk) if rembuk.is_kabkota else None,
        "disseminations": list(rembuk.disseminations.all()),
        "media_choices": Media.choices,
        "today": timezone.localdate().isoformat(),
        "can_publish": rembuk.is_kabkota
        and has_permission(scope, Permission.REMBUK_MANAGE, rembuk.kabkota_id),
    }
    return render(request, "rembuk/detail.html", context)


@require_POST
@login_required_scope
def signatory_add(request, pk: int):
    rembuk = _rembuk(request, pk)
    _editable(request, rembuk)
    attempt(
        request,
        lambda: services.signatory_add(
            scope=request.scope,
            rembuk=rembuk,
            role=request.POST.get("role", ""),
            name=request.POST.get("name", ""),
            position=request.POST.get("position", ""),
            by=request.user,
        ),  # fmt: skip
        _("Penanda tangan ditambahkan."),
    )
    return redirect(_back(rembuk, "#penanda-tangan"))


@require_POST
@login_required_scope
def signatory_delete(request, pk: int):
    sig = Signatory.objects.select_related("rembuk").filter(pk=pk).first()
    if sig is None:
        raise Http404
    rembuk = _rembuk(request, sig.rembuk_id)
    _editable(request, rembuk)
    attempt(request, lambda: services.signatory_delete(scope=request.scope, signatory=sig, by=request.user),
             _("Penanda tangan dihapus."))  # fmt: skip
    return redirect(_back(rembuk, "#penanda-tangan"))


@require_POST
@login_required_scope
def hold(request, pk: int):
    rembuk = _rembuk(request, pk)
    _editable(request, rembuk)
    attempt(
        request,
        lambda: services.rembuk_hold(scope=request.scope, rembuk=rembuk, by=request.user),
        lambda moved: (
            _("Rembuk dicatat terlaksana.")
            + (" " + _("Rencana kegiatan pindah ke tahap „%(stage)s”.") % {"stage": moved} if moved else "")
        ),
    )
    return redirect(_back(rembuk, "#berita-acara"))


@require_POST
@login_required_scope
def changes(request, pk: int):
    rembuk = _rembuk(request, pk)
    require(request.scope, Permission.REMBUK_MANAGE, rembuk.kabkota_id)
    if not rembuk.is_kabkota:
        raise Http404
    attempt(
        request,
        lambda: services.changes_save(scope=request.scope, rembuk=rembuk, data=request.POST, by=request.user),
        lambda n: _("Perubahan hasil rembuk disimpan: %(n)s kegiatan.") % {"n": n},
    )
    return redirect(_back(rembuk, "#perubahan"))


@require_GET
@login_required_scope
def berita_acara(request, pk: int, fmt: str):
    rembuk = _rembuk(request, pk)
    if fmt not in documents.FORMATS:
        raise Http404
    return attachment(
        documents.render(rembuk, fmt), documents.filename(rembuk, fmt), documents.CONTENT_TYPES[fmt]
    )


@require_POST
@login_required_scope
def signed_upload(request, pk: int):
    rembuk = _rembuk(request, pk)
    _editable(request, rembuk)
    attempt(
        request,
        lambda: services.signed_upload(
            scope=request.scope, rembuk=rembuk, upload=request.FILES.get("file"), by=request.user
        ),  # fmt: skip
        lambda evidence: (
            _("Berita acara bertanda tangan disimpan.")
            + (" " + _("Dilampirkan ke Aksi 3 sebagai bukti.") if evidence else "")
        ),
    )
    return redirect(_back(rembuk, "#berita-acara"))


@require_GET
@login_required_scope
def signed_file(request, pk: int):
    rembuk = _rembuk(request, pk)
    if not rembuk.signed_file:
        raise Http404
    try:
        handle = rembuk.signed_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return attachment(FileResponse(handle), rembuk.signed_name or "berita-acara")


@require_POST
@login_required_scope
def dissemination_add(request, pk: int):
    rembuk = _rembuk(request, pk)
    _editable(request, rembuk)
    attempt(
        request,
        lambda: services.dissemination_add(
            scope=request.scope,
            rembuk=rembuk,
            data=request.POST,
            upload=request.FILES.get("file"),
            by=request.user,
        ),  # fmt: skip
        _("Diseminasi dicatat."),
    )
    return redirect(_back(rembuk, "#diseminasi"))


@require_GET
@login_required_scope
def dissemination_file(request, pk: int):
    entry = Dissemination.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    _rembuk(request, entry.rembuk_id)
    if not entry.file:
        raise Http404
    try:
        handle = entry.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return attachment(FileResponse(handle), entry.original_name or "diseminasi")


@require_POST
@login_required_scope
def publish(request, pk: int):
    rembuk = _rembuk(request, pk)
    require(request.scope, Permission.REMBUK_MANAGE, rembuk.kabkota_id)
    on = request.POST.get("on") == "1"
    attempt(
        request,
        lambda: services.publish(scope=request.scope, rembuk=rembuk, on=on, by=request.user),
        _("Komitmen ditampilkan di halaman publik.")
        if on
        else _("Komitmen tidak lagi ditampilkan di halaman publik."),
    )
    return redirect(_back(rembuk, "#publikasi"))


@require_GET
def public_commitment(request, kode: str, pk: int):
    """The signed commitment the district published, for everyone (the public district page links it)."""
    rembuk = selectors.published(kode).filter(pk=pk).first()
    if rembuk is None:
        raise Http404
    try:
        handle = rembuk.signed_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return attachment(FileResponse(handle), f"komitmen-rembuk-stunting-{kode.replace('.', '')}-{rembuk.tahun}."
                      + (rembuk.signed_name.rsplit(".", 1)[-1].lower() if "." in rembuk.signed_name else "pdf"),
                      inline=True, no_store=False)  # fmt: skip
