from django.apps import AppConfig


class AksiConfig(AppConfig):
    name = "konvergensi.aksi"
    verbose_name = "Aksi Konvergensi"
