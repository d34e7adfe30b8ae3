"""`konvergensi manage imports_cleanup`: delete the files of imports not saved in time (issue 12).

Uploaded files hold personal data (NIK, names, addresses). Those of every import (village data,
e-PPGBM, and each later kind) not committed within ``KONVERGENSI_STAGED_DAYS`` are deleted, with
their prepared rows and problem lists. Run it daily (cron or a systemd timer); the worker and every new upload do
the same on their own.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Hapus berkas impor yang tidak disimpan dalam KONVERGENSI_STAGED_DAYS hari."

    def handle(self, *args, **options) -> None:
        from konvergensi.imports.services import expire

        self.stdout.write(f"{expire()} impor yang tidak disimpan dibersihkan.")
