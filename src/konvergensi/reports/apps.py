from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "konvergensi.reports"
    verbose_name = "Dokumen"
