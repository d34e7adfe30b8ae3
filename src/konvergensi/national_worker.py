"""A build process of ``konvergensi demo national --proses N`` (``demo_national._parallel``).

Spawned, not forked: the parent's Polars threads and database connection must not be copied. This
module imports nothing of Django at its top, so that the process can choose its settings (a test's
database and media folder) before Django starts.
"""

from __future__ import annotations

import os


def start(database: str, media_root: str, testing: bool) -> None:
    """Start Django on the parent's database and media folder."""
    if testing:
        os.environ["KONVERGENSI_TESTING"] = "1"
    from django.conf import settings

    from konvergensi.cli.common import setup_django

    setup_django()
    settings.DATABASES["default"]["NAME"] = database
    settings.MEDIA_ROOT = media_root


def province(prov: str, nama: str, kwargs: dict):
    """Build one province; its summary and line go back to the parent."""
    from django.db import connections

    from konvergensi.demo_national import _province

    try:
        return _province(prov, nama, **kwargs)
    finally:
        connections.close_all()
