from django.apps import AppConfig


class MeasurementsConfig(AppConfig):
    name = "konvergensi.measurements"
    verbose_name = "Pengukuran anak dan publikasi (Aksi 7)"

    def ready(self) -> None:
        # The work of the aksi this app produces, for the aksi page and its status (aksi.work).
        from konvergensi.aksi import work

        from .aksi_work import SOURCE

        work.register(SOURCE)
        # Unsaved e-PPGBM imports count toward the district's quota of staged files.
        from konvergensi import staging

        from .imports import staged_bytes

        staging.register(staged_bytes)
