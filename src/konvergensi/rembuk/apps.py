from django.apps import AppConfig


class RembukConfig(AppConfig):
    name = "konvergensi.rembuk"
    verbose_name = "Rembuk stunting (Aksi 3)"

    def ready(self) -> None:
        # The rembuk and its signed berita acara are the work of Aksi 3 (aksi.work).
        from konvergensi.aksi import work
        from konvergensi.reports import registry

        from .aksi_work import SOURCE

        work.register(SOURCE)
        # `konvergensi report rembuk`: the berita acara kesepakatan of the district rembuk.
        registry.register(
            registry.ReportKind(
                "rembuk",
                "Berita acara Rembuk Stunting",
                registry.lazy("konvergensi.rembuk.documents:report_build"),
                permission="rembuk_read",
            )
        )
