from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "konvergensi.jobs"
    verbose_name = "Tugas latar belakang"
