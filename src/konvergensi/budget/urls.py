from django.urls import path

from . import maps, views

app_name = "budget"
urlpatterns = [
    path("anggaran/<str:kode>/", views.home, name="home"),
    path("anggaran/<str:kode>/baris/", views.lines, name="lines"),
    path("anggaran/<str:kode>/baris/tambah/", views.line_add, name="line-add"),
    path("anggaran/<str:kode>/templat.xlsx", views.template, name="template"),
    path("anggaran/<str:kode>/unggah/", views.upload, name="upload"),
    path("anggaran/<str:kode>/ekspor.<str:fmt>", views.export, name="export"),
    path("anggaran/<str:kode>/peta.json", maps.desa, name="map-desa"),
    path("anggaran-baris/<int:pk>/", views.line_edit, name="line-edit"),
    path("anggaran-baris/<int:pk>/hapus/", views.line_delete, name="line-delete"),
    path("anggaran-provinsi/<str:kode>/", views.province, name="province"),
    path("anggaran-provinsi/<str:kode>/peta.json", maps.province, name="map-province"),
    path("anggaran-nasional/", views.national, name="national"),
    path("anggaran-nasional/peta.json", maps.national, name="map-national"),
    path("katalog-sub-kegiatan/", views.catalogue, name="catalogue"),
]
