from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "konvergensi.indicators"
    verbose_name = "Indikator dan data desa"

    def ready(self) -> None:
        # Unsaved village-data uploads count toward the district's quota of staged files.
        from konvergensi import staging

        from .services import staged_upload_bytes

        staging.register(staged_upload_bytes)
