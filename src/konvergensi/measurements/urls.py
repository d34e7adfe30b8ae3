from django.urls import path

from . import views, views_quality

app_name = "measurements"
urlpatterns = [
    path("pengukuran/<str:kode>/", views.rounds, name="rounds"),
    path("pengukuran/<str:kode>/kolom/", views.mapping, name="mapping"),
    path("pengukuran/<str:kode>/nama-desa/", views.desa_aliases, name="desa-aliases"),
    path("pengukuran/putaran/<int:pk>/", views.round_detail, name="round"),
    path("pengukuran/putaran/<int:pk>/impor/", views.import_upload, name="import"),
    path("pengukuran/putaran/<int:pk>/anak/", views.children, name="children"),
    path("pengukuran/putaran/<int:pk>/anak.xlsx", views.children_export, name="children-export"),
    path("pengukuran/impor/<uuid:pk>/", views.import_moved, name="import-moved"),
    path("pengukuran/putaran/<int:pk>/kualitas/", views_quality.quality, name="quality"),
    path(
        "pengukuran/putaran/<int:pk>/kualitas/grafik/<slug:name>.svg",
        views_quality.quality_chart,
        name="quality-chart",
    ),  # fmt: skip
    # Publishing and the public pages are the publication app's (konvergensi.publication.urls).
]
