from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("laporan/<str:key>/<str:kode>/buat/", views.start, name="start"),
]
