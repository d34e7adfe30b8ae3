"""Small helpers shared by the views of every app."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404


def region_or_404(kode: str, level: str):
    """The region with this code at this level, or a 404 page."""
    from konvergensi.wilayah.selectors import region_get

    region = region_get(kode=kode)
    if region is None or region.level != level:
        raise Http404
    return region


def flash_errors(request, errors) -> None:
    """Show a form's errors, or a ValidationError's messages, as messages on the next page."""
    if isinstance(errors, ValidationError):
        texts = errors.messages
    else:
        texts = [e for field_errors in errors.values() for e in field_errors]
    for text in texts:
        messages.error(request, text)


def tahun_from(value: str | None) -> int:
    """The cycle year from a form or query value; this year when missing or implausible."""
    from django.utils import timezone

    this_year = timezone.localdate().year
    try:
        tahun = int(value or "")
    except ValueError:
        return this_year
    return tahun if 2018 <= tahun <= 2100 else this_year


def int_from(value: str | None, default: int = 0) -> int:
    """A whole number from a form field the page itself wrote (a version, a year); anything else is a
    bad request (HTTP 400), never a server error."""
    from django.core.exceptions import BadRequest

    text = (value or "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise BadRequest(f"not a number: {text[:20]!r}") from None


def district_or_404(request, kode: str):
    """The kab/kota ``kode`` if the reader may see it (404 when it is not one, 403 when out of scope)."""
    from konvergensi.accounts.permissions import Permission, require

    region = region_or_404(kode, "kabkota")
    require(request.scope, Permission.VIEW_DISTRICT, region.kode)
    return region
