from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "konvergensi.budget"
    verbose_name = "Penandaan anggaran"

    def ready(self) -> None:
        # The budget file comes in through the import pipeline.
        from konvergensi.imports import kinds

        from .imports import KIND_INSTANCE

        kinds.register(KIND_INSTANCE)
