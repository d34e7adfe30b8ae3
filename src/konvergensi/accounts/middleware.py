from django.utils.functional import SimpleLazyObject

from .scope import scope_for_user


class ScopeMiddleware:
    """Puts the user's scope (role + region) on ``request.scope``, computed once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for_user(request.user))
        return self.get_response(request)


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
