from django.conf import settings


def scope(request):
    return {"scope": getattr(request, "scope", None), "demo_mode": settings.DEMO_MODE}
