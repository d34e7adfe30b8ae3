from django.apps import AppConfig


class AksiConfig(AppConfig):
    name = "konvergensi.aksi"
    verbose_name = "Aksi Konvergensi"

    def ready(self) -> None:
        # The cycle, the aksi to do and the progress on each role's home page (accounts.home).
        from konvergensi.accounts import home

        from .home import home_context

        home.register(home.HomePanel("aksi", home_context))
