from django.apps import AppConfig


class KpmConfig(AppConfig):
    name = "konvergensi.kpm"
    verbose_name = "KPM dan Skor Konvergensi Desa (Aksi 5)"

    def ready(self) -> None:
        # The scorecards and the KPM summary are the work of Aksi 5 (aksi.work); the per-person
        # template is one kind of import of the pipeline; the desa and kecamatan home panels; the
        # village-scorecard section of the Aksi 8 review.
        from konvergensi.accounts import home
        from konvergensi.aksi import work
        from konvergensi.imports import kinds
        from konvergensi.reviews import sections

        from .aksi_work import SOURCE
        from .home import home_context
        from .imports import KIND_INSTANCE
        from .review import SECTION

        work.register(SOURCE)
        kinds.register(KIND_INSTANCE)
        home.register(home.HomePanel("kpm", home_context))
        sections.register(SECTION)
