from django.apps import AppConfig


class AnsitConfig(AppConfig):
    name = "konvergensi.ansit"
    verbose_name = "Analisis situasi (Aksi 1)"

    def ready(self) -> None:
        # The work of the aksi this app produces, for the aksi page and its status (aksi.work).
        from konvergensi.aksi import work
        from konvergensi.reports import registry

        from .aksi_work import SOURCE

        work.register(SOURCE)
        # `konvergensi report ansit`: the situation-analysis document as PDF or Word.
        registry.register(
            registry.ReportKind(
                "ansit",
                "Dokumen analisis situasi (Aksi 1)",
                registry.lazy("konvergensi.ansit.reports:report_build"),
                permission="ansit_district",
            )
        )
