from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("penilaian/", views.home, name="home"),
    path("penilaian/rubrik/", views.rubrics, name="rubrics"),
    path("penilaian/rubrik/<int:pk>/", views.rubric, name="rubric"),
    path("penilaian/rubrik/<int:pk>/unggah/", views.rubric_upload, name="rubric-upload"),
    path("penilaian/rubrik/<int:pk>/unduh/", views.rubric_export, name="rubric-export"),
    path("penilaian/rubrik/<int:pk>/terbitkan/", views.rubric_publish, name="rubric-publish"),
    path("penilaian/rubrik/<int:pk>/salin/", views.rubric_copy, name="rubric-copy"),
    path("penilaian/provinsi/<str:kode>/", views.province, name="province"),
    path("penilaian/provinsi/<str:kode>/buka/", views.round_create, name="round-create"),
    path("penilaian/putaran/<int:pk>/", views.round_detail, name="round"),
    path("penilaian/putaran/<int:pk>/unduh/", views.round_export, name="round-export"),
    path("penilaian/putaran/<int:pk>/terbitkan/", views.round_publish, name="round-publish"),
    path("penilaian/hasil/<int:pk>/", views.district, name="district"),
    path("penilaian/hasil/<int:pk>/nilai/", views.grade, name="grade"),
    path("penilaian/hasil/<int:pk>/catatan/", views.notes, name="notes"),
    path("penilaian/hasil/<int:pk>/tanggapan/", views.respond, name="respond"),
    path("penilaian/kabkota/<str:kode>/", views.kabkota, name="kabkota"),
    path("penilaian/nasional/", views.national, name="national"),
]
