from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("tugas/<uuid:pk>/", views.job_detail, name="detail"),
    path("tugas/<uuid:pk>/unduh/", views.job_download, name="download"),
]
