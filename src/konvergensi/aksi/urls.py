from django.urls import path

from . import views

app_name = "aksi"
urlpatterns = [
    path("pantau/", views.pantau, name="pantau"),
    path("pantau/nasional/", views.pantau_national, name="pantau-national"),
    path("pantau/provinsi/<str:kode>/", views.pantau_province, name="pantau-province"),
    path("pantau/kabkota/<str:kode>/", views.pantau_kabkota, name="pantau-kabkota"),
    path("pantau/kabkota/<str:kode>/mulai/", views.siklus_start, name="siklus-start"),
    path("aksi/<int:pk>/", views.aksi_detail, name="detail"),
    path("aksi/<int:pk>/ubah/", views.aksi_update, name="update"),
    path("aksi/<int:pk>/status/", views.aksi_move, name="move"),
    path("aksi/<int:pk>/buka-kunci/", views.aksi_unlock, name="unlock"),
    path("aksi/<int:pk>/bukti/", views.evidence_add, name="evidence-add"),
    path("aksi/<int:pk>/komentar/", views.comment_add, name="comment-add"),
    path("bukti/<int:pk>/unduh/", views.evidence_download, name="evidence-download"),
    path("bukti/<int:pk>/hapus/", views.evidence_delete, name="evidence-delete"),
    path("tugas/rekap-pantau/", views.export_pantau, name="export-pantau"),
]
