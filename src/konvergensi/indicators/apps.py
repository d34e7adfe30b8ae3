from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "konvergensi.indicators"
    verbose_name = "Indikator dan data desa"

    def ready(self) -> None:
        # The village-data template is one kind of import of the pipeline.
        from konvergensi.imports import kinds

        from .imports import KIND_INSTANCE
        from .sasaran_import import KIND_INSTANCE as SASARAN_KIND

        kinds.register(KIND_INSTANCE)
        kinds.register(SASARAN_KIND)  # data sasaran from a Dukcapil/BKKBN-style aggregate file
