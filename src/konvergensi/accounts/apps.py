from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "konvergensi.accounts"
    verbose_name = "Akun"
