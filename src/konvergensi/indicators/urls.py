from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("indikator/", views.catalogue, name="catalogue"),
    path("indikator/<str:kode>/", views.indicator_detail, name="detail"),
    path("data/<str:kode>/", views.completeness, name="completeness"),
    path("data/<str:kode>/sasaran/", views.sasaran, name="sasaran"),
    path("data/<str:kode>/sasaran/impor/", views.sasaran_import, name="sasaran-import"),
    path("data/<str:kode>/sasaran/templat.xlsx", views.sasaran_template, name="sasaran-template"),
    path("data/<str:kode>/isi/", views.grid, name="grid"),
    path("data/<str:kode>/isi/simpan/", views.cell_save, name="cell-save"),
    path("data/<str:kode>/riwayat/", views.history, name="history"),
    path("data/<str:kode>/templat.xlsx", views.template_download, name="template"),
    path("data/<str:kode>/unggah/", views.upload, name="upload"),
    path("data/<str:kode>/ekspor.<str:fmt>", views.export, name="export"),
    path("data/<str:kode>/peta/", views.indicator_map, name="map"),
    path("data/<str:kode>/penugasan/", views.assignments, name="assignments"),
    path("data/<str:kode>/program/", views.program, name="program"),
    path("data/<str:kode>/program/templat.xlsx", views.program_template, name="program-template"),
    path("unggahan/<uuid:pk>/", views.upload_moved, name="upload-moved"),
]
