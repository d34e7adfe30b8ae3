"""The user's own API tokens: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergensi.accounts.permissions import login_required_scope
from konvergensi.web import attempt, int_from

from . import tokens
from .models import ApiToken


@require_http_methods(["GET", "POST"])
@login_required_scope
def token_list(request):
    created = None
    if request.method == "POST":
        days = int_from(request.POST.get("days"), tokens.DEFAULT_DAYS)
        created = attempt(
            request,
            lambda: tokens.create(
                user=request.user, scope=request.scope, name=request.POST.get("name", ""), days=days
            ),
            _("Token API dibuat. Salin sekarang: token ini tidak akan ditampilkan lagi."),
        )
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": tokens.for_user(request.user),
            "created": created,
            "max_days": tokens.MAX_DAYS,
            "default_days": tokens.DEFAULT_DAYS,
        },
    )


@require_POST
@login_required_scope
def token_revoke(request, pk: int):
    try:
        attempt(
            request,
            lambda: tokens.revoke(user=request.user, scope=request.scope, pk=pk),
            _("Token API dicabut."),
        )
    except ApiToken.DoesNotExist:
        raise Http404 from None
    return redirect("api:tokens")
