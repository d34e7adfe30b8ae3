from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "konvergensi.publication"
    verbose_name = "Publikasi angka stunting (Aksi 7)"

    def ready(self) -> None:
        # A published round is the output of Aksi 7: its work on the aksi page and its status (aksi.work).
        from konvergensi.aksi import work
        from konvergensi.reports import registry

        from .aksi_work import SOURCE

        work.register(SOURCE)
        # `konvergensi report publikasi`: the PDF of the latest published round.
        registry.register(
            registry.ReportKind(
                "publikasi",
                "Publikasi angka stunting (Aksi 7, PDF)",
                registry.lazy("konvergensi.publication.reports:report_build"),
                permission="view_kabkota",
            )
        )
