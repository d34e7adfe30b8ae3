from django.apps import AppConfig


class MeasurementsConfig(AppConfig):
    name = "konvergensi.measurements"
    verbose_name = "Pengukuran anak dan publikasi (Aksi 7)"
