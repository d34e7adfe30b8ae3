from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "konvergensi.plans"
    verbose_name = "Rencana kegiatan (Aksi 2)"

    def ready(self) -> None:
        # The plan is the work of Aksi 2 (aksi.work); its two files come in through the import pipeline.
        from konvergensi.aksi import work
        from konvergensi.imports import kinds
        from konvergensi.reports import registry

        from .aksi_work import SOURCE
        from .imports import BudgetDocumentKind, PlanSheetKind

        work.register(SOURCE)
        kinds.register(PlanSheetKind())
        kinds.register(BudgetDocumentKind())
        # `konvergensi report rencana`: Tabel 2.2 and 2.3 as PDF or Word.
        registry.register(
            registry.ReportKind(
                "rencana",
                "Rencana kegiatan (Tabel 2.2 dan 2.3)",
                registry.lazy("konvergensi.plans.documents:report_build"),
                permission="plan_district",
            )
        )
