"""Dates and times as the platform writes them: one format, in the time zone of the district.

Two named formats, set per language in ``formats/<lang>/formats.py`` (``FORMAT_MODULE_PATH``):
``DATE_FORMAT`` ("1 Mar 2026") and ``DATETIME_FORMAT`` ("1 Mar 2026 01.30 WIB"). Templates write
``{{ value|date:"DATE_FORMAT" }}`` or ``{{ value|date:"DATETIME_FORMAT" }}``, never a pattern of
their own (tests/test_time_zones.py scans them); Python code calls :func:`date_text` and
:func:`datetime_text`.

A region's time zone comes from its province (:func:`konvergensi_core.kode.time_zone`): WIB, WITA
or WIT. Pages activate it (``accounts.middleware.RegionTimeZoneMiddleware``); the worker, which has
no request, passes the region's code (or wraps its work in :func:`region_time_zone`), so a PDF
shows the date its page shows.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from contextlib import contextmanager

from django.conf import settings
from django.utils import formats, timezone

from konvergensi_core import kode as kode_rules

DATE_FORMAT = "DATE_FORMAT"
DATETIME_FORMAT = "DATETIME_FORMAT"


def zone_name(kode: str | None) -> str:
    """The IANA zone of region ``kode``; the platform's default (WIB) for none or a non-region code."""
    if kode:
        try:
            return kode_rules.time_zone(kode)
        except kode_rules.InvalidKode:
            pass
    return settings.TIME_ZONE


def zone(kode: str | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_name(kode))


def activate_region(kode: str | None) -> None:
    """A page about one region whose URL has no region code (``aksi/<pk>/``) shows that region's
    zone, to national users too; the middleware deactivates it after the response."""
    timezone.activate(zone(kode))


@contextmanager
def region_time_zone(kode: str | None):
    """Work (a PDF, an export) in the time zone of region ``kode``."""
    with timezone.override(zone(kode)):
        yield


def _local(value, kode: str | None):
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value, zone(kode) if kode else None)
    return value


def date_text(value, kode: str | None = None) -> str:
    """A date, or a moment as the date it is in region ``kode`` (default: the active zone), as
    "1 Mar 2026". Accepts ISO strings (as stored in snapshots); "" for none."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value, kode), DATE_FORMAT)


def datetime_text(value, kode: str | None = None) -> str:
    """A moment in region ``kode``'s zone as "1 Mar 2026 01.30 WIB" (default: the active zone)."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value, kode), DATETIME_FORMAT)


def long_date(value, *, language: str = "id") -> str:
    """A date written out for a document: "7 Desember 2026" (Indonesian unless asked); "" for none."""
    from django.utils import translation

    if value in (None, ""):
        return ""
    with translation.override(language):
        return formats.date_format(_local(value, None), "j F Y")


def weekday(value, *, language: str = "id") -> str:
    """The day of the week of a date for a document: "Senin" (Indonesian unless asked)."""
    from django.utils import translation

    with translation.override(language):
        return formats.date_format(_local(value, None), "l")
