from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("tugas/rekap-pantau/", views.export_pantau, name="export-pantau"),
    path("tugas/<uuid:pk>/", views.job_detail, name="detail"),
    path("tugas/<uuid:pk>/unduh/", views.job_download, name="download"),
]
