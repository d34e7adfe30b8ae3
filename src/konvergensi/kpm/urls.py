from django.urls import path

from . import views

app_name = "kpm"
urlpatterns = [
    path("skor-desa/<str:kode>/", views.district, name="district"),
    path("skor-desa/<str:kode>/peta.json", views.map_values, name="map"),
    path("skor-desa/<str:kode>/indikator/", views.indicator_switch, name="indicator-switch"),
    path("skor-kecamatan/<str:kode>/", views.kecamatan, name="kecamatan"),
    path("kpm-desa/<str:kode>/", views.desa, name="desa"),
    path("kpm-desa/<str:kode>/kpm/", views.kpm_add, name="kpm-add"),
    path("kpm-desa/<str:kode>/skor/", views.scorecard_save, name="scorecard-save"),
    path("kpm-desa/<str:kode>/templat.xlsx", views.template, name="template"),
    path("kpm-desa/<str:kode>/unggah/", views.upload, name="upload"),
    path("kpm/<int:pk>/ubah/", views.kpm_edit, name="kpm-edit"),
    path("kpm/<int:pk>/hapus/", views.kpm_delete, name="kpm-delete"),
    path("kpm/<int:pk>/pelatihan/", views.training_add, name="training-add"),
    path("pelatihan-kpm/<int:pk>/hapus/", views.training_delete, name="training-delete"),
]
