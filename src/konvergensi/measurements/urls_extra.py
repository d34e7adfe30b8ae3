"""The data-quality panel, publishing, and the public pages (no login) of published rounds."""

from django.urls import path

from . import views_public, views_quality

urlpatterns = [
    path("pengukuran/putaran/<int:pk>/kualitas/", views_quality.quality, name="quality"),
    path("pengukuran/putaran/<int:pk>/publikasi/", views_public.publish, name="publish"),
    path("pengukuran/putaran/<int:pk>/publikasi/tarik/", views_public.withdraw, name="withdraw"),
    # Public, no login: only what a publication's suppressed snapshot holds.
    path("publik/", views_public.public_index, name="public-index"),
    path("publik/<str:kode>/kecamatan.geojson", views_public.public_geojson, name="public-geojson"),
    path("publik/<str:kode>/", views_public.public_district, name="public-district"),
    path("publik/<str:kode>/<int:pk>/", views_public.public_round, name="public-round"),
    path("publik/<str:kode>/<int:pk>.pdf", views_public.public_pdf, name="public-pdf"),
    path("publik/<str:kode>/<int:pk>.csv", views_public.public_csv, name="public-csv"),
]
