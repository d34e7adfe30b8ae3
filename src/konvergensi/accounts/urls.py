from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", views.user_list, name="user-list"),
    path("akun/baru/", views.user_create, name="user-create"),
    path("audit/", views.audit_list, name="audit"),
]
