from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_password

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("masuk/verifikasi/", views.two_factor_verify, name="two-factor-verify"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", views.user_list, name="user-list"),
    path("akun/baru/", views.user_create, name="user-create"),
    path("akun/<int:pk>/kata-sandi/", views_password.password_reset, name="password-reset"),
    path("keamanan/", views.security, name="security"),
    path("keamanan/kata-sandi/", views_password.password_change, name="password-change"),
    path("keamanan/dua-langkah/aktifkan/", views.two_factor_setup, name="two-factor-setup"),
    path("keamanan/dua-langkah/nonaktifkan/", views.two_factor_disable, name="two-factor-disable"),
    path("keamanan/kode-pemulihan/", views.recovery_codes_regenerate, name="recovery-codes"),
    path("audit/", views.audit_list, name="audit"),
]
