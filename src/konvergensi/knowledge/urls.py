from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    # Public, no login: published practices only, and the guides per aksi.
    path("pengetahuan/", views.public_list, name="public-list"),
    path("pengetahuan/praktik/<int:pk>/", views.public_detail, name="public-detail"),
    path("pengetahuan/berkas/<int:pk>/", views.public_file, name="public-file"),
    path("pengetahuan/panduan/", views.guide_index, name="guides"),
    path("pengetahuan/panduan/aksi-<int:nomor>/", views.guide, name="guide"),
    # Within scope: the district writes and submits, the province and the nation curate.
    path("praktik-baik/<str:kode>/", views.manage, name="manage"),
    path("praktik-baik/<str:kode>/baru/", views.create, name="create"),
    path("praktik-baik-kurasi/", views.queue, name="queue"),
    path("praktik/<int:pk>/", views.detail, name="detail"),
    path("praktik/<int:pk>/ubah/", views.update, name="update"),
    path("praktik/<int:pk>/ajukan/", views.submit, name="submit"),
    path("praktik/<int:pk>/hapus/", views.delete, name="delete"),
    path("praktik/<int:pk>/kurasi/", views.curate, name="curate"),
    path("praktik/<int:pk>/berkas/", views.file_add, name="file-add"),
    path("praktik-berkas/<int:pk>/", views.file, name="file"),
    path("praktik-berkas/<int:pk>/hapus/", views.file_delete, name="file-delete"),
]
