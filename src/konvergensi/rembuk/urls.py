from django.urls import path

from . import views

app_name = "rembuk"
urlpatterns = [
    path("rembuk/<str:kode>/", views.home, name="home"),
    path("rembuk/<str:kode>/buat/", views.create, name="create"),
    path("rembuk-acara/<int:pk>/", views.detail, name="detail"),
    path("rembuk-acara/<int:pk>/penanda-tangan/", views.signatory_add, name="signatory-add"),
    path("rembuk-acara/<int:pk>/terlaksana/", views.hold, name="hold"),
    path("rembuk-acara/<int:pk>/perubahan/", views.changes, name="changes"),
    path("rembuk-acara/<int:pk>/berita-acara/<str:fmt>/", views.berita_acara, name="berita-acara"),
    path("rembuk-acara/<int:pk>/ditandatangani/", views.signed_upload, name="signed-upload"),
    path("rembuk-acara/<int:pk>/ditandatangani/berkas/", views.signed_file, name="signed-file"),
    path("rembuk-acara/<int:pk>/diseminasi/", views.dissemination_add, name="dissemination-add"),
    path("rembuk-acara/<int:pk>/publikasi/", views.publish, name="publish"),
    path("penanda-tangan-rembuk/<int:pk>/hapus/", views.signatory_delete, name="signatory-delete"),
    path("diseminasi-rembuk/<int:pk>/berkas/", views.dissemination_file, name="dissemination-file"),
    path("publik/<str:kode>/komitmen-rembuk/<int:pk>/", views.public_commitment, name="public-commitment"),
]
