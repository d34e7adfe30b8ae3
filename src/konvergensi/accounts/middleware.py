from django.utils.functional import SimpleLazyObject

from .scope import scope_for_user


class RejectNulMiddleware:
    """A NUL character in the address or a query parameter is refused with 400 before any view runs.

    PostgreSQL cannot hold NUL in text and answers a query that carries one with an error (a 500),
    while SQLite takes it; form fields already refuse it (Django's validator), but an address part or
    a filter (``/api/v1/wilayah/%00``, ``?kode=%00``) reaches a query directly. Found by Schemathesis.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest

        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.GET.items()):
            return HttpResponseBadRequest(
                "Alamat atau parameter berisi karakter NUL.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class ScopeMiddleware:
    """Puts the user's scope (role + region) on ``request.scope``, computed once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for_user(request.user))
        return self.get_response(request)


class RegionTimeZoneMiddleware:
    """Times on a page in the zone of its region: WIB, WITA or WIT from the province.

    A page about one region (a ``kode`` in its URL: a district's pages, the public pages) shows
    that region's zone to everyone; other pages show the zone of the user's own region, and
    national users and visitors the platform's default (WIB). See :mod:`konvergensi.formats`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import timezone

        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.utils import timezone

        from konvergensi import formats
        from konvergensi_core import kode as kode_rules

        region = view_kwargs.get("kode")
        try:
            kode_rules.time_zone(region or "")
        except kode_rules.InvalidKode:
            scope = getattr(request, "scope", None)
            region = scope.kode if scope is not None and scope.is_active else None
        timezone.activate(formats.zone(region))
        return None


class IndonesianFirstLocaleMiddleware:
    """Indonesian unless the person chose another language with the switch (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many officers'
    browsers say English; the platform speaks Indonesian first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class TwoFactorMiddleware:
    """Holds back every page until the second factor is given, or, when required, enrolled.

    A user with an authenticator app who has only passed the password step reaches the
    second-factor page and logout, nothing else. With ``KONVERGENSI_REQUIRE_2FA`` a user whose
    role needs two-factor (:func:`two_factor.is_required`) and who has none reaches only the
    account-security pages that set it up.
    """

    ALWAYS_OPEN = frozenset({"accounts:logout", "set_language", "healthz"})
    VERIFY_OPEN = ALWAYS_OPEN | {"accounts:two-factor-verify"}
    ENROL_OPEN = ALWAYS_OPEN | {"accounts:security", "accounts:two-factor-setup"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.urls import reverse
        from django.utils.http import urlencode

        from . import two_factor

        user = request.user
        if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if two_factor.is_enabled(user):
            if name in self.VERIFY_OPEN:
                return None
            url = reverse("accounts:two-factor-verify")
            if request.method == "GET" and name not in ("home", "accounts:login"):
                url += "?" + urlencode({"next": request.get_full_path()})
            return self._go(request, url)
        if two_factor.is_required(request.scope) and name not in self.ENROL_OPEN:
            return self._go(request, reverse("accounts:two-factor-setup"))
        return None

    @staticmethod
    def _go(request, url):
        from django.http import HttpResponse
        from django.shortcuts import redirect

        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
