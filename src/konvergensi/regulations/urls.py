from django.urls import path

from . import views

app_name = "regulations"
urlpatterns = [
    path("regulasi/<str:kode>/", views.home, name="home"),
    path("regulasi/<str:kode>/perbup/", views.regulation_add, name="add"),
    path("peraturan-bupati/<int:pk>/status/", views.regulation_step, name="step"),
    path("peraturan-bupati/<int:pk>/dokumen/", views.regulation_document, name="document"),
    path("peraturan-bupati/<int:pk>/berkas/", views.regulation_file, name="file"),
    path("regulasi-desa/<str:kode>/", views.desa, name="desa"),
    path("regulasi-desa/<str:kode>/perdes/", views.village_add, name="village-add"),
    path("regulasi-desa/<str:kode>/apbdes/", views.allocation_add, name="allocation-add"),
    path("peraturan-desa/<int:pk>/berkas/", views.village_file, name="village-file"),
    path("peraturan-desa/<int:pk>/hapus/", views.village_delete, name="village-delete"),
    path("apbdes/<int:pk>/hapus/", views.allocation_delete, name="allocation-delete"),
]
