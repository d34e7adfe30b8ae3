from django.urls import path

from . import views

app_name = "wilayah"
urlpatterns = [
    path("wilayah/<str:kode>/", views.region_detail, name="detail"),
    path("wilayah/<str:kode>/opd/", views.opd_create, name="opd-create"),
    path("wilayah/<str:kode>/puskesmas/", views.puskesmas_create, name="puskesmas-create"),
    path("peta/nasional.geojson", views.geojson_national, name="geojson-national"),
    path("peta/<str:kode>.geojson", views.geojson_province, name="geojson"),
]
