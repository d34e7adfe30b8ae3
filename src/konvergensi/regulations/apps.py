from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "konvergensi.regulations"
    verbose_name = "Regulasi desa (Aksi 4)"

    def ready(self) -> None:
        # The Perbup/Perwali and the desa coverage are the work of Aksi 4 (aksi.work).
        from konvergensi.aksi import work

        from .aksi_work import SOURCE

        work.register(SOURCE)
