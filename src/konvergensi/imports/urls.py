from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("impor/<uuid:pk>/", views.detail, name="detail"),
    path("impor/<uuid:pk>/masalah.xlsx", views.problems, name="problems"),
    path("impor/<uuid:pk>/simpan/", views.commit, name="commit"),
    path("impor/<uuid:pk>/batal/", views.cancel, name="cancel"),
]
