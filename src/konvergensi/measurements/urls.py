from django.urls import include, path

from . import views

app_name = "measurements"
urlpatterns = [
    path("pengukuran/<str:kode>/", views.rounds, name="rounds"),
    path("pengukuran/<str:kode>/kolom/", views.mapping, name="mapping"),
    path("pengukuran/<str:kode>/nama-desa/", views.desa_aliases, name="desa-aliases"),
    path("pengukuran/putaran/<int:pk>/", views.round_detail, name="round"),
    path("pengukuran/putaran/<int:pk>/impor/", views.import_upload, name="import"),
    path("pengukuran/putaran/<int:pk>/anak/", views.children, name="children"),
    path("pengukuran/putaran/<int:pk>/anak.xlsx", views.children_export, name="children-export"),
    path("pengukuran/impor/<uuid:pk>/", views.import_detail, name="import-detail"),
    path("pengukuran/impor/<uuid:pk>/masalah.xlsx", views.import_problems, name="import-problems"),
    path("pengukuran/impor/<uuid:pk>/simpan/", views.import_commit, name="import-commit"),
    path("pengukuran/impor/<uuid:pk>/batal/", views.import_cancel, name="import-cancel"),
    # Data quality and publication: views_quality.py, views_public.py
    path("", include("konvergensi.measurements.urls_extra")),
]
