from django.apps import AppConfig


class MeasurementsConfig(AppConfig):
    name = "konvergensi.measurements"
    verbose_name = "Pengukuran anak (Aksi 7)"

    def ready(self) -> None:
        # Aksi 7's work (the published rounds) is registered by the publication app.
        # The e-PPGBM export is one kind of import of the pipeline.
        from konvergensi.imports import kinds

        from .imports import KIND_INSTANCE

        kinds.register(KIND_INSTANCE)
        # The newest round and the round to import into, on the home page (accounts.home).
        from konvergensi.accounts import home

        from .home import home_context

        home.register(home.HomePanel("measurements", home_context))
