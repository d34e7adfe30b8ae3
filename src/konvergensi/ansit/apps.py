from django.apps import AppConfig


class AnsitConfig(AppConfig):
    name = "konvergensi.ansit"
    verbose_name = "Analisis situasi (Aksi 1)"
