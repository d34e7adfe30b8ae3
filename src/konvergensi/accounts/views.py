from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from konvergensi.wilayah import selectors as wilayah_selectors
from konvergensi.wilayah.models import OPD, Level, Puskesmas, Region

from . import selectors, services, two_factor
from .forms import OTPCodeForm, PasswordConfirmForm, TwoFactorDisableForm, UserCreateForm
from .models import Role
from .permissions import Permission, assignable_roles, has_permission, login_required_scope, require


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            from .demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

            context["demo_accounts"] = DEMO_ACCOUNTS
            context["demo_password"] = DEMO_PASSWORD
        return context


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
    memberships = list(selectors.membership_list(scope=scope))
    resettable = services.password_resettable(scope, memberships)
    return render(request, "accounts/user_list.html", {"memberships": memberships, "resettable": resettable})


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
    from .audit_labels import action_label, details

    events = list(selectors.audit_list(scope=scope))
    for e in events:
        e.label, e.details = action_label(e.action), details(e.data)
    return render(request, "accounts/audit_list.html", {"events": events})


# --- Account security: two-factor login (see docs/two-factor.md) ---------------------------------


def _audit_2fa(request, action: str, **data) -> None:
    services.audit(
        by=request.user,
        action=action,
        target=request.user,
        region_kode=request.scope.kode or "",
        data=data,
    )


def _locked_message(until) -> str:
    return _("Terlalu banyak kode yang salah. Demi keamanan, coba lagi setelah pukul %(jam)s.") % {
        "jam": time_format(timezone.localtime(until), "TIME_FORMAT")  # "01.30 WIB"
    }


def _safe_next(request, value: str | None) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _codes_page(request, codes: list[str], *, first: bool):
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "first": first},
    )


@never_cache
@require_GET
@login_required
def security(request):
    """The "Keamanan akun" page: one's own two-factor status and the forms that change it."""
    user = request.user
    enabled = two_factor.is_enabled(user)
    return render(
        request,
        "accounts/security.html",
        {
            "enabled": enabled,
            "required": two_factor.is_required(request.scope),
            "blocked": two_factor.enrolment_blocked(user),
            "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
            "regenerate_form": PasswordConfirmForm(),
            "disable_form": TwoFactorDisableForm(),
        },
    )


@never_cache
@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: QR code and key, confirmed by one code, then recovery codes."""
    user = request.user
    if two_factor.is_enabled(user):
        messages.info(request, _("Verifikasi dua langkah sudah aktif untuk akun Anda."))
        return redirect("accounts:security")
    if two_factor.enrolment_blocked(user):
        messages.error(request, _("Akun demo bersama tidak dapat memakai verifikasi dua langkah."))
        return redirect("accounts:security")
    device = two_factor.pending_device(request)
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm(request, device=device, code=form.cleaned_data["code"]):
            codes = two_factor.recovery_codes_create(user)
            otp_login(request, device)
            _audit_2fa(request, "two_factor.enable", recovery_codes=len(codes))
            return _codes_page(request, codes, first=True)
        form.add_error(
            "code",
            _("Kode tidak cocok. Periksa jam ponsel Anda, tunggu kode berikutnya, lalu coba lagi."),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(two_factor.qr_svg(device)),  # noqa: S308 (drawn here, no user text)
            "secret": two_factor.secret_base32(device),
            "required": two_factor.is_required(request.scope),
        },
    )


def _password_ok(request, password: str, stage: str) -> bool:
    if request.user.check_password(password):
        return True
    _audit_2fa(request, "two_factor.fail", stage=stage, reason="password")
    return False


def _refuse_change(request):
    """Why a change of one's two-factor settings cannot be made now (not enabled, or locked after
    wrong codes) as a redirect with the message, or None."""
    if not two_factor.is_enabled(request.user):
        messages.error(request, _("Verifikasi dua langkah belum aktif."))
        return redirect("accounts:security")
    until = two_factor.locked_until(request.user)
    if until is not None:
        messages.error(request, _locked_message(until))
        return redirect("accounts:security")
    return None


@never_cache
@require_POST
@login_required
def recovery_codes_regenerate(request):
    """New recovery codes (the old ones stop working), after the password is given again."""
    user = request.user
    if (refused := _refuse_change(request)) is not None:
        return refused
    form = PasswordConfirmForm(request.POST)
    if not form.is_valid() or not _password_ok(request, form.cleaned_data["password"], "regenerate"):
        messages.error(request, _("Kata sandi salah. Kode pemulihan tidak diubah."))
        return redirect("accounts:security")
    codes = two_factor.recovery_codes_create(user)
    _audit_2fa(request, "two_factor.recovery_regenerate", recovery_codes=len(codes))
    return _codes_page(request, codes, first=False)


@never_cache
@require_POST
@login_required
def two_factor_disable(request):
    """Turn two-factor off: needs the password and a current code (or a recovery code)."""
    user = request.user
    if (refused := _refuse_change(request)) is not None:
        return refused
    form = TwoFactorDisableForm(request.POST)
    if not form.is_valid() or not _password_ok(request, form.cleaned_data["password"], "disable"):
        messages.error(request, _("Kata sandi salah. Verifikasi dua langkah tetap aktif."))
        return redirect("accounts:security")
    result = two_factor.check(user, form.cleaned_data["code"])
    if result.locked_until is not None:
        messages.error(request, _locked_message(result.locked_until))
        return redirect("accounts:security")
    if result.device is None:
        _audit_2fa(request, "two_factor.fail", stage="disable", reason="code")
        messages.error(request, _("Kode salah. Verifikasi dua langkah tetap aktif."))
        return redirect("accounts:security")
    if result.recovery:
        _audit_2fa(request, "two_factor.recovery_used", stage="disable")
    two_factor.disable(user)
    _audit_2fa(request, "two_factor.disable")
    messages.success(request, _("Verifikasi dua langkah dinonaktifkan untuk akun Anda."))
    return redirect("accounts:security")


@never_cache
def two_factor_verify(request):
    """The second login step: a code from the app, or one recovery code."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    user = request.user
    if user.is_verified() or not two_factor.is_enabled(user):
        return redirect(next_url)
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.check(user, form.cleaned_data["code"])
        if result.locked_until is not None:
            form.add_error("code", _locked_message(result.locked_until))
        elif result.device is None:
            _audit_2fa(request, "two_factor.fail", stage="login", reason="code")
            form.add_error("code", _("Kode salah atau sudah dipakai. Coba lagi."))
        else:
            otp_login(request, result.device)
            if result.recovery:
                left = two_factor.recovery_codes_left(user)
                _audit_2fa(request, "two_factor.recovery_used", stage="login", left=left)
                messages.warning(
                    request,
                    _(
                        "Anda masuk dengan kode pemulihan. Sisa %(left)s kode; buat kode baru di "
                        "halaman Keamanan akun bila hampir habis."
                    )
                    % {"left": left},
                )
            return redirect(next_url)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url, "two_factor_pending": True},
    )
