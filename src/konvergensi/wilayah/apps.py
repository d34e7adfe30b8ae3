from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "konvergensi.wilayah"
    verbose_name = "Wilayah"
