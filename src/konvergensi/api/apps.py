from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "konvergensi.api"
    label = "api"
    verbose_name = "REST API (/api/v1/)"
