"""After an administrator resets a password, its owner must choose their own before anything else.

Whether that is owed is read once per login session from the audit trail
(:func:`services.password_change_required`: the last password event of the user is a reset) and kept
in the session; a reset ends the user's other sessions anyway (Django ties a session to the password).
"""

from __future__ import annotations

SESSION_KEY = "konvergensi_password_change_required"


class PasswordChangeRequiredMiddleware:
    """Sends a user who owes a password change to *Ganti kata sandi*; logout, the language switch and
    /healthz stay open. After the two-factor middleware: the second factor comes first."""

    OPEN = frozenset({"accounts:password-change", "accounts:logout", "set_language", "healthz"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if SESSION_KEY not in request.session:
            from .services import password_change_required

            request.session[SESSION_KEY] = password_change_required(user)
        if not request.session[SESSION_KEY]:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in self.OPEN:
            return None
        from django.http import HttpResponse
        from django.shortcuts import redirect
        from django.urls import reverse

        url = reverse("accounts:password-change")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
