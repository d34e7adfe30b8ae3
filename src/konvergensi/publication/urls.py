"""Publishing a round (the district operator) and the public pages (no login) of published rounds.

The paths are those the measurements app served before the publication app (issue 12 §3): public
URLs are bookmarked and kept by proxies, so they never change."""

from django.urls import path, re_path

from . import opendata_views, views

app_name = "publication"
urlpatterns = [
    path("pengukuran/putaran/<int:pk>/publikasi/", views.publish, name="publish"),
    path("pengukuran/putaran/<int:pk>/publikasi/tarik/", views.withdraw, name="withdraw"),
    # Public, no login: only what a publication's suppressed snapshot holds.
    path("publik/", views.public_index, name="public-index"),
    # Open data (before publik/<kode>/: "data" is not a district code).
    path("publik/data/", opendata_views.dictionary, name="opendata"),
    re_path(
        r"^publik/data/konvergensi-nasional\.(?P<fmt>parquet|csv)$",
        opendata_views.national,
        name="opendata-national",
    ),
    re_path(
        r"^publik/(?P<kode>[^/]+)/data\.(?P<fmt>parquet|csv)$",
        opendata_views.kabkota,
        name="opendata-kabkota",
    ),
    path("publik/<str:kode>/kecamatan.geojson", views.public_geojson, name="public-geojson"),
    path("publik/<str:kode>/", views.public_kabkota, name="public-kabkota"),
    path("publik/<str:kode>/<int:pk>/", views.public_round, name="public-round"),
    path("publik/<str:kode>/<int:pk>.pdf", views.public_pdf, name="public-pdf"),
    path("publik/<str:kode>/<int:pk>.csv", views.public_csv, name="public-csv"),
]
