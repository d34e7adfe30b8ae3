from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("rencana/<str:kode>/", views.home, name="home"),
    path("rencana/<str:kode>/susun/", views.seed, name="seed"),
    path("rencana/<str:kode>/dokumen/", views.documents, name="documents"),
    path("rencana/<str:kode>/integrasi/", views.integration, name="integration"),
    path("rencana/<str:kode>/integrasi.xlsx", views.integration_xlsx, name="integration-xlsx"),
    path("rencana-kegiatan/<int:pk>/", views.detail, name="detail"),
    path("rencana-kegiatan/<int:pk>/baris/tambah/", views.row_add, name="row-add"),
    path("rencana-kegiatan/<int:pk>/tahap/", views.stage, name="stage"),
    path("rencana-kegiatan/<int:pk>/lampirkan/", views.attach, name="attach"),
    path("rencana-kegiatan/<int:pk>/versi-baru/", views.new_version, name="new-version"),
    path("rencana-kegiatan/<int:pk>/perbedaan/", views.diff, name="diff"),
    path("rencana-kegiatan/<int:pk>/unggah/", views.upload, name="upload"),
    path("rencana-kegiatan/<int:pk>/unduh/<str:fmt>/", views.download, name="download"),
    path("rencana-tahap/<int:pk>/berkas/", views.stage_file, name="stage-file"),
    path("baris-rencana/<int:pk>/", views.row_edit, name="row-edit"),
    path("baris-rencana/<int:pk>/hapus/", views.row_delete, name="row-delete"),
    path("baris-rencana/<int:pk>/pecah/", views.row_split, name="row-split"),
]
