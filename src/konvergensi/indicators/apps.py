from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "konvergensi.indicators"
    verbose_name = "Indikator dan data desa"
