from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("keamanan/token-api/", views.token_list, name="tokens"),
    path("keamanan/token-api/<int:pk>/cabut/", views.token_revoke, name="token-revoke"),
]
