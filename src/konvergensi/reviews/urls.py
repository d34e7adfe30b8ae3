from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("reviu/<str:kode>/", views.home, name="home"),
    path("reviu/<str:kode>/susun/", views.build, name="build"),
    path("reviu-kinerja/<int:pk>/bagian/<str:key>/", views.sentence, name="sentence"),
    path("reviu-kinerja/<int:pk>/rekomendasi/", views.recommendation_add, name="recommendation-add"),
    path("reviu-kinerja/<int:pk>/final/", views.finalize, name="finalize"),
    path("reviu-kinerja/<int:pk>/lampirkan/", views.attach, name="attach"),
    path("reviu-kinerja/<int:pk>/dokumen/<str:fmt>/", views.document, name="document"),
    path("rekomendasi-reviu/<int:pk>/", views.recommendation_edit, name="recommendation-edit"),
    path("rekomendasi-reviu/<int:pk>/hapus/", views.recommendation_delete, name="recommendation-delete"),
]
