from django.urls import include, path
from django.views.i18n import set_language

from konvergensi import health
from konvergensi.accounts import home as account_home
from konvergensi.api.api import api as api_v1

urlpatterns = [
    path("", account_home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("konvergensi.accounts.urls")),
    path("", include("konvergensi.wilayah.urls")),
    path("", include("konvergensi.aksi.urls")),
    path("", include("konvergensi.jobs.urls")),
    path("", include("konvergensi.imports.urls")),
    path("", include("konvergensi.indicators.urls")),
    path("", include("konvergensi.measurements.urls")),
    path("", include("konvergensi.publication.urls")),
    path("", include("konvergensi.ansit.urls")),
    path("", include("konvergensi.plans.urls")),
    path("", include("konvergensi.budget.urls")),
    path("", include("konvergensi.reports.urls")),
    path("", include("konvergensi.regulations.urls")),
    path("", include("konvergensi.rembuk.urls")),
    path("", include("konvergensi.datasystem.urls")),
    path("", include("konvergensi.reviews.urls")),
    path("", include("konvergensi.kpm.urls")),
    path("", include("konvergensi.knowledge.urls")),
    path("", include("konvergensi.assessment.urls")),
    path("", include("konvergensi.picture.urls")),
    path("", include("konvergensi.api.urls")),
    path("api/v1/", api_v1.urls),
]
