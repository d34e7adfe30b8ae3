from django.urls import path

from . import views

app_name = "datasystem"
urlpatterns = [
    path("datakelola/<str:kode>/", views.home, name="home"),
    path("datakelola/<str:kode>/tindakan/tambah/", views.action_add, name="action-add"),
    path("datakelola/<str:kode>/rincian/", views.level_record, name="level"),
    path("datakelola/<str:kode>/dokumen/<str:fmt>/", views.document, name="document"),
    path("datakelola/<str:kode>/lampirkan/", views.attach, name="attach"),
    path("tindakan-datakelola/<int:pk>/", views.action_detail, name="action"),
]
