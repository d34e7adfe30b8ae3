from django.apps import AppConfig


class PictureConfig(AppConfig):
    name = "konvergensi.picture"
    verbose_name = "Gambaran nasional dan provinsi"

    def ready(self) -> None:
        from . import registry, signals

        registry.register_all()  # prevalence ×5, coverage per main indicator, progress, budget
        signals.connect()  # refresh on publish/withdraw, data save/import, budget changes
