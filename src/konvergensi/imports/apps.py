from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "konvergensi.imports"
    label = "imports"
    verbose_name = _("Impor")

    def ready(self) -> None:
        from konvergensi import staging

        from . import services

        staging.register(services.staged_bytes)
