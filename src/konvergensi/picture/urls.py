from django.urls import path

from . import views

app_name = "picture"
urlpatterns = [
    path("gambaran/", views.region, name="nation"),
    path("gambaran/<str:kode>/", views.region, name="region"),
]
