from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.aksi import selectors as aksi_selectors
from konvergensi.wilayah import selectors as wilayah_selectors
from konvergensi.wilayah.models import OPD, Level, Puskesmas, Region

from . import selectors, services
from .forms import UserCreateForm
from .models import Role
from .permissions import Permission, assignable_roles, has_permission, login_required_scope, require
from .scope import scope_filter


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            from konvergensi.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

            context["demo_accounts"] = DEMO_ACCOUNTS
            context["demo_password"] = DEMO_PASSWORD
        return context


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    """The landing page of each role: where you are, what to do next."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    scope = request.scope
    if not scope.is_active:
        return render(request, "accounts/no_membership.html", status=403)
    tahun = timezone.localdate().year
    today = timezone.localdate()
    context: dict = {"tahun": tahun, "role": scope.role}
    region = wilayah_selectors.region_get(kode=scope.kode) if scope.kode else None
    context["region"] = region
    if scope.kabkota_kode:
        kabkota = wilayah_selectors.region_get(kode=scope.kabkota_kode)
        context["kabkota"] = kabkota
        context["district"] = aksi_selectors.district_row(
            scope=scope, kabkota=kabkota, tahun=tahun, today=today
        )
        context["siklus"] = aksi_selectors.siklus_get(scope=scope, kabkota_kode=kabkota.kode, tahun=tahun)
        if context["siklus"]:
            context["aksi_list"] = aksi_selectors.aksi_list(siklus=context["siklus"])
        from konvergensi.measurements import selectors as measurement_selectors

        context["latest_round"] = measurement_selectors.rounds_for(scope=scope, kabkota=kabkota.kode).first()
    if scope.role == Role.OPD:
        context["opd"] = OPD.objects.filter(pk=scope.opd_id).first()
        context["my_aksi"] = aksi_selectors.aksi_for_opd(scope=scope, tahun=tahun)
    if scope.role == Role.PUSKESMAS:
        context["puskesmas"] = Puskesmas.objects.filter(pk=scope.puskesmas_id).first()
        context["desa_served"] = scope_filter(
            Region.objects.filter(level=Level.DESA), scope, "kode", purpose="region"
        )
    if scope.role == Role.KECAMATAN:
        context["desa_in_kecamatan"] = Region.objects.filter(parent_id=scope.kode)
    if scope.role == Role.PROVINSI:
        provinsi = region
        rows = aksi_selectors.province_rows(scope=scope, provinsi=provinsi, tahun=tahun, today=today)
        context["rows_summary"] = {
            "districts": len(rows),
            "opened": sum(r.siklus_opened for r in rows),
            "overdue": sum(r.progress.overdue for r in rows),
            "percent": round(sum(r.progress.percent for r in rows) / len(rows), 1) if rows else 0,
        }
        context["awaiting"] = aksi_selectors.aksi_awaiting_review(scope=scope, tahun=tahun)
    if scope.is_national:
        rows = aksi_selectors.national_rows(scope=scope, tahun=tahun, today=today)
        context["national"] = {
            "provinces": len(rows),
            "districts": sum(r.children for r in rows),
            "percent": round(
                sum(r.progress.percent * r.children for r in rows) / max(1, sum(r.children for r in rows)),
                1,
            ),
            "awaiting": sum(r.progress.submitted for r in rows),
        }
    return render(request, "accounts/home.html", context)


def _create_form_choices(scope):
    kab = scope.kabkota_kode
    if scope.role == Role.OPERATOR:
        regions = [
            (r.kode, f"{r.kode} · {r.get_level_display()} {r.nama}")
            for r in Region.objects.filter(
                level__in=[Level.KECAMATAN, Level.DESA], kode__startswith=kab + "."
            )
        ]
        opd = [(str(o.pk), str(o)) for o in wilayah_selectors.opd_list(scope=scope, kabkota_kode=kab)]
        pkm = [(str(p.pk), p.nama) for p in wilayah_selectors.puskesmas_list(scope=scope, kabkota_kode=kab)]
        return regions, opd, pkm
    if scope.role == Role.PROVINSI:
        regions = [(r.kode, f"{r.kode} · {r.nama}") for r in Region.objects.filter(kode=scope.kode)]
        regions += [(r.kode, f"{r.kode} · {r.nama}") for r in Region.objects.filter(parent_id=scope.kode)]
        return regions, [], []
    if scope.is_national:
        return (
            [
                (r.kode, f"{r.kode} · {r.nama}")
                for r in Region.objects.filter(level__in=[Level.PROVINSI, Level.KABKOTA])
            ],
            [],
            [],
        )
    return [], [], []


@login_required_scope
def user_list(request):
    scope = request.scope
    require(scope, Permission.MANAGE_USERS, scope.kabkota_kode or scope.kode)
    return render(request, "accounts/user_list.html", {"memberships": selectors.membership_list(scope=scope)})


@login_required_scope
def user_create(request):
    scope = request.scope
    require(scope, Permission.MANAGE_USERS, scope.kabkota_kode or scope.kode)
    regions, opd_choices, pkm_choices = _create_form_choices(scope)
    form = UserCreateForm(
        request.POST or None,
        roles=assignable_roles(scope),
        regions=regions,
        opd_choices=opd_choices,
        puskesmas_choices=pkm_choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                scope=scope,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password"],
                role=data["role"],
                region=Region.objects.filter(kode=data["region"]).first() if data["region"] else None,
                opd=OPD.objects.filter(pk=data["opd"]).first() if data["opd"] else None,
                puskesmas=Puskesmas.objects.filter(pk=data["puskesmas"]).first()
                if data["puskesmas"]
                else None,
                by=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Akun %(username)s dibuat.") % {"username": user.username})
            return redirect("accounts:user-list")
    return render(request, "accounts/user_create.html", {"form": form})


@login_required_scope
def audit_list(request):
    scope = request.scope
    if not has_permission(scope, Permission.VIEW_AUDIT, scope.kabkota_kode or scope.kode):
        raise PermissionDenied
    return render(request, "accounts/audit_list.html", {"events": selectors.audit_list(scope=scope)})
