from django.apps import AppConfig


class DatasystemConfig(AppConfig):
    name = "konvergensi.datasystem"
    verbose_name = "Sistem manajemen data (Aksi 6)"

    def ready(self) -> None:
        # The improvement plan and its document are the work of Aksi 6 (aksi.work); the plan's
        # progress is a section of the Aksi 8 review (reviews.sections).
        from konvergensi.aksi import work
        from konvergensi.reports import registry
        from konvergensi.reviews import sections

        from .aksi_work import SOURCE

        work.register(SOURCE)
        # `konvergensi report datakelola`: the Aksi 6 document of the year.
        registry.register(
            registry.ReportKind(
                "datakelola",
                "Sistem manajemen data (Aksi 6)",
                registry.lazy("konvergensi.datasystem.documents:report_build"),
                permission="datasystem_read",
            )
        )
        sections.register(
            sections.SectionSource(
                key="datakelola",
                title="Sistem manajemen data (Aksi 6)",
                order=60,
                build=sections_lazy,
            )
        )


def sections_lazy(kabkota: str, tahun: int):
    from .review import build

    return build(kabkota, tahun)
