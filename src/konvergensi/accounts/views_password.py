"""Passwords in the app: one's own change (*Keamanan akun › Ganti kata sandi*) and the reset of an
account by an administrator of the same scope (*Akun › Atur ulang kata sandi*). Both audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import selectors, services, two_factor
from .forms import PasswordChangeForm, PasswordResetForm
from .password_required import SESSION_KEY
from .permissions import Permission, login_required_scope, require


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def password_change(request):
    user = request.user
    blocked = two_factor.enrolment_blocked(user)  # the shared demo accounts keep the demo password
    required = bool(request.session.get(SESSION_KEY))
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and not blocked and form.is_valid():
        data = form.cleaned_data
        try:
            services.password_change(
                user=user, old_password=data["old_password"], new_password=data["new_password1"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            update_session_auth_hash(request, user)  # stay logged in here; other sessions end
            request.session[SESSION_KEY] = False
            messages.success(request, _("Kata sandi Anda sudah diganti."))
            return redirect("accounts:security")
    return render(
        request, "accounts/password_change.html", {"form": form, "blocked": blocked, "required": required}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required_scope
def password_reset(request, pk: int):
    scope = request.scope
    require(scope, Permission.MANAGE_USERS, scope.kabkota_kode or scope.kode)
    membership = get_object_or_404(selectors.membership_list(scope=scope), user_id=pk)
    target = get_object_or_404(get_user_model(), pk=membership.user_id)
    if not services.may_reset_password(scope, target):
        raise PermissionDenied
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset(
                scope=scope, user=target, new_password=form.cleaned_data["new_password1"], by=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Kata sandi %(username)s diatur ulang. Sampaikan kata sandi sementara itu secara "
                    "langsung; pemiliknya harus menggantinya saat masuk berikutnya."
                )
                % {"username": target.get_username()},
            )
            return redirect("accounts:user-list")
    return render(
        request, "accounts/password_reset.html", {"form": form, "target": target, "membership": membership}
    )
