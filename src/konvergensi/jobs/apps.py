from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, using: str = "default", **kwargs) -> None:
    """With ``KONVERGENSI_CACHE=database`` the shared cache is a table: ``migrate`` creates it (Django's
    ``createcachetable``, idempotent), so a new app server needs no extra step."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class JobsConfig(AppConfig):
    name = "konvergensi.jobs"
    verbose_name = "Tugas latar belakang"

    def ready(self) -> None:
        # The worker's heartbeat and the warmed panels live in the cache: the jobs app owns it.
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="konvergensi-cache-table")
