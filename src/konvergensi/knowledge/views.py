"""Pages of the knowledge base.

Public, without login: the list of published good practices (featured first) with search and
filters, a practice's page, its photos and documents, and the guides per aksi. Within scope: the
district's own list (every status) where the operator writes, attaches and submits; a practice's
working page; the curators' queue of the province (its districts) and the nation (all).
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.web import attachment, attempt, int_from, kabkota_or_404
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core.aksi import AKSI, AKSI_BY_NOMOR

from . import guides, selectors, services
from .models import Attachment, FileKind, Practice, Status

PUBLIC_MAX_AGE = 300  # seconds a browser or proxy may keep a public page (a withdrawal shows within 5 min)
PER_PAGE = 20


def _public_cache(view):
    """Public pages may be kept a few minutes by browsers and shared proxies; a signed-in reader's page
    carries their name in the header, so it stays private."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and "Cache-Control" not in response:
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, max_age=0)
            else:
                patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    return wrapped


def _author(practice: Practice) -> str:
    """Who the practice is from, as the public sees it: the district and the OPD, never a person."""
    kab = practice.kabkota.nama
    return f"{practice.opd.nama}, {kab}" if practice.opd_id and practice.opd else kab


def _cards(practices) -> list[dict]:
    items = list(practices)
    photos: dict[int, int] = {}
    for pk, practice_id in (
        Attachment.objects.filter(practice__in=items, kind=FileKind.FOTO)
        .order_by("id")
        .values_list("pk", "practice_id")
    ):
        photos.setdefault(practice_id, pk)
    return [
        {
            "p": p,
            "author": _author(p),
            "aksi": AKSI_BY_NOMOR[p.aksi] if p.aksi else None,
            "photo": photos.get(p.pk),
        }
        for p in items
    ]


# --- public ---------------------------------------------------------------------------------------------


@require_GET
@_public_cache
def public_list(request):
    filters = selectors.filters_from(request.GET)
    page = Paginator(selectors.public_search(filters), PER_PAGE).get_page(request.GET.get("halaman"))
    scope = request.scope
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "knowledge/public_list.html",
        {
            "filters": filters,
            "page": page,
            "cards": _cards(page.object_list),
            "aksi_list": AKSI,
            "tags": selectors.tags(),
            "regions": selectors.public_regions(),
            "query": query.urlencode(),
            "manage_kode": scope.kabkota_kode
            if scope.kabkota_kode and has_permission(scope, Permission.KNOWLEDGE_READ, scope.kabkota_kode)
            else None,
            "can_curate": scope.role in ("provinsi", "pusat"),
        },
    )


@require_GET
@_public_cache
def public_detail(request, pk: int):
    practice = selectors.public_get(pk)
    if practice is None:
        raise Http404
    files = list(practice.files.all())
    return render(
        request,
        "knowledge/public_detail.html",
        {
            "p": practice,
            "author": _author(practice),
            "aksi": AKSI_BY_NOMOR[practice.aksi] if practice.aksi else None,
            "photos": [f for f in files if f.kind == FileKind.FOTO],
            "documents": [f for f in files if f.kind == FileKind.DOKUMEN],
            "tags": list(practice.tags.all()),
        },
    )


def _serve(row: Attachment, *, public: bool):
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    suffix = row.file.name.rsplit(".", 1)[-1].lower()
    response = attachment(FileResponse(handle), f"praktik-baik-{row.practice_id}-{row.pk}.{suffix}",
                          row.content_type, inline=True, no_store=not public)  # fmt: skip
    return response


@require_GET
@_public_cache
def public_file(request, pk: int):
    """A photo or document of a published practice; any other file is a 404, for everyone."""
    row = selectors.public_file(pk)
    if row is None:
        raise Http404
    return _serve(row, public=True)


@require_GET
@_public_cache
def guide_index(request):
    counts = selectors.counts_by_aksi()
    return render(
        request,
        "knowledge/guide_index.html",
        {"items": [(a, counts.get(a.nomor, 0)) for a in AKSI]},
    )


@require_GET
@_public_cache
def guide(request, nomor: int):
    if nomor not in AKSI_BY_NOMOR:
        raise Http404
    scope = request.scope
    return render(
        request,
        f"knowledge/guides/aksi{nomor}.html",
        {
            "info": AKSI_BY_NOMOR[nomor],
            "nomor": nomor,
            "prev": AKSI_BY_NOMOR.get(nomor - 1),
            "next": AKSI_BY_NOMOR.get(nomor + 1),
            "links": guides.links(nomor, scope),
            "practices": _cards(selectors.public_search(selectors.Filters(aksi=nomor))[:3]),
        },
    )


# --- within scope ---------------------------------------------------------------------------------------


def _practice(request, pk: int) -> Practice:
    practice = selectors.practice_get(scope=request.scope, pk=pk)
    if practice is None:
        raise Http404
    require(request.scope, Permission.KNOWLEDGE_READ, practice.kabkota_id)
    activate_region(practice.kabkota_id)
    return practice


def _back(practice: Practice, anchor: str = "") -> str:
    return reverse("knowledge:detail", kwargs={"pk": practice.pk}) + anchor


def _input(request) -> services.PracticeInput:
    post = request.POST
    return services.PracticeInput(
        title=post.get("title", ""),
        summary=post.get("summary", ""),
        body=post.get("body", ""),
        aksi=post.get("aksi", ""),
        tags=post.getlist("tags"),
        region=post.get("region", ""),
        opd=post.get("opd", ""),
    )


def _form_choices(kab: Region) -> dict:
    return {
        "aksi_list": AKSI,
        "tags": selectors.tags(),
        "opds": list(OPD.objects.filter(kabkota=kab).order_by("singkatan")),
        "kecamatan": list(
            Region.objects.filter(level="kecamatan", parent=kab)
            .order_by("nama")
            .prefetch_related(Prefetch("children", queryset=Region.objects.order_by("nama")))
        ),
    }


@require_GET
@login_required_scope
def manage(request, kode: str):
    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission.KNOWLEDGE_READ, kab.kode)
    activate_region(kab.kode)
    practices = list(selectors.district_practices(scope=request.scope, kabkota=kab.kode))
    return render(
        request,
        "knowledge/manage.html",
        {
            "kab": kab,
            "practices": practices,
            "can_write": has_permission(request.scope, Permission.KNOWLEDGE_WRITE, kab.kode),
            **_form_choices(kab),
        },
    )


@require_POST
@login_required_scope
def create(request, kode: str):
    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission.KNOWLEDGE_WRITE, kab.kode)
    practice = attempt(
        request,
        lambda: services.practice_create(
            scope=request.scope, kabkota=kab, data=_input(request), by=request.user
        ),
        _("Praktik baik disimpan sebagai draf. Tambahkan foto atau dokumen, lalu ajukan ke provinsi."),
    )
    if isinstance(practice, Practice):
        return redirect(_back(practice))
    return redirect(reverse("knowledge:manage", kwargs={"kode": kab.kode}) + "#baru")


@require_GET
@login_required_scope
def detail(request, pk: int):
    practice = _practice(request, pk)
    scope = request.scope
    files = list(practice.files.all())
    can_write = has_permission(scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    region_code = practice.region_id or ""
    return render(
        request,
        "knowledge/detail.html",
        {
            "p": practice,
            "author": _author(practice),
            "aksi": AKSI_BY_NOMOR[practice.aksi] if practice.aksi else None,
            "photos": [f for f in files if f.kind == FileKind.FOTO],
            "documents": [f for f in files if f.kind == FileKind.DOKUMEN],
            "tag_slugs": {t.slug for t in practice.tags.all()},
            "can_write": can_write and practice.editable,
            "can_curate": has_permission(scope, Permission.KNOWLEDGE_CURATE, practice.kabkota_id),
            "region_code": region_code,
            "Status": Status,
            **_form_choices(practice.kabkota),
        },
    )


@require_POST
@login_required_scope
def update(request, pk: int):
    practice = _practice(request, pk)
    require(request.scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    attempt(
        request,
        lambda: services.practice_update(
            scope=request.scope,
            practice=practice,
            data=_input(request),
            expected_version=int_from(request.POST.get("version"), practice.version),
            by=request.user,
        ),  # fmt: skip
        _("Perubahan disimpan."),
    )
    return redirect(_back(practice))


@require_POST
@login_required_scope
def submit(request, pk: int):
    practice = _practice(request, pk)
    require(request.scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    attempt(
        request,
        lambda: services.practice_submit(
            scope=request.scope,
            practice=practice,
            expected_version=int_from(request.POST.get("version"), practice.version),
            by=request.user,
        ),  # fmt: skip
        _("Praktik baik diajukan ke provinsi untuk dikurasi."),
    )
    return redirect(_back(practice))


@require_POST
@login_required_scope
def delete(request, pk: int):
    practice = _practice(request, pk)
    require(request.scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    done = attempt(
        request,
        lambda: services.practice_delete(scope=request.scope, practice=practice, by=request.user),
        _("Praktik baik dihapus."),
    )
    if done:
        return redirect(reverse("knowledge:manage", kwargs={"kode": practice.kabkota_id}))
    return redirect(_back(practice))


CURATE_ACTIONS = ("terbitkan", "kembalikan", "unggulkan", "lepas-unggulan")


@require_POST
@login_required_scope
def curate(request, pk: int):
    practice = _practice(request, pk)
    scope = request.scope
    require(scope, Permission.KNOWLEDGE_CURATE, practice.kabkota_id)
    action = request.POST.get("action", "")
    version = int_from(request.POST.get("version"), practice.version)
    by = request.user
    if action == "terbitkan":
        attempt(request, lambda: services.practice_publish(scope=scope, practice=practice, expected_version=version,
                                                           by=by), _("Praktik baik diterbitkan di halaman publik."))  # fmt: skip
    elif action == "kembalikan":
        attempt(request, lambda: services.practice_return(scope=scope, practice=practice, expected_version=version,
                                                          reason=request.POST.get("reason", ""), by=by),
                _("Praktik baik dikembalikan ke kabupaten/kota dengan alasannya."))  # fmt: skip
    elif action in ("unggulkan", "lepas-unggulan"):
        on = action == "unggulkan"
        attempt(request, lambda: services.practice_feature(scope=scope, practice=practice, on=on,
                                                           expected_version=version, by=by),
                _("Praktik baik dijadikan unggulan.") if on else _("Praktik baik tidak lagi unggulan."))  # fmt: skip
    else:
        raise PermissionDenied
    return redirect(request.POST.get("next") == "kurasi" and reverse("knowledge:queue") or _back(practice))


@require_POST
@login_required_scope
def file_add(request, pk: int):
    practice = _practice(request, pk)
    require(request.scope, Permission.KNOWLEDGE_WRITE, practice.kabkota_id)
    attempt(
        request,
        lambda: services.attachment_add(
            scope=request.scope,
            practice=practice,
            upload=request.FILES.get("file"),
            caption=request.POST.get("caption", ""),
            by=request.user,
        ),  # fmt: skip
        _("Berkas ditambahkan."),
    )
    return redirect(_back(practice, "#berkas"))


def _file(request, pk: int) -> Attachment:
    row = selectors.file_get(scope=request.scope, pk=pk)
    if row is None:
        raise Http404
    require(request.scope, Permission.KNOWLEDGE_READ, row.practice.kabkota_id)
    return row


@require_GET
@login_required_scope
def file(request, pk: int):
    """A file of any practice of the district, for its readers (a draft's files too)."""
    return _serve(_file(request, pk), public=False)


@require_POST
@login_required_scope
def file_delete(request, pk: int):
    row = _file(request, pk)
    require(request.scope, Permission.KNOWLEDGE_WRITE, row.practice.kabkota_id)
    practice = row.practice
    attempt(request, lambda: services.attachment_delete(scope=request.scope, row=row, by=request.user),
            _("Berkas dihapus."))  # fmt: skip
    return redirect(_back(practice, "#berkas"))


@require_GET
@login_required_scope
def queue(request):
    """The curators' page: submitted practices to publish or send back, published ones to feature."""
    scope = request.scope
    if scope.role not in ("provinsi", "pusat"):
        raise PermissionDenied
    waiting = list(selectors.queue(scope=scope))
    live = list(selectors.curated(scope=scope)[:100])
    return render(
        request,
        "knowledge/queue.html",
        {"waiting": [(p, _author(p)) for p in waiting], "live": [(p, _author(p)) for p in live]},
    )
