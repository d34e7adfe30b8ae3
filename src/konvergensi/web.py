"""Small helpers shared by the views of every app."""

from __future__ import annotations

import re
import unicodedata

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


_NOT_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/;:*?<>|%,]+')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(filename: str) -> tuple[str, str]:
    """A download's name made safe: (an ASCII name of letters, digits, ``.``, ``_`` and ``-``; the
    name in Unicode without control characters, quotes, slashes, semicolons or commas). Spaces
    become ``-``; an empty result becomes ``unduhan``; the extension is kept."""
    text = unicodedata.normalize("NFC", str(filename))
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = _NOT_IN_NAME.sub("-", text)
    text = re.sub(r"-{2,}", "-", re.sub(r"\s+", "-", text)).strip(".- ")[:150] or "unduhan"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"-{2,}", "-", _NOT_ASCII_SAFE.sub("-", ascii_text)).strip(".- ") or "unduhan"
    if "." in text and "." not in ascii_text:
        ascii_text += "." + text.rsplit(".", 1)[1].encode("ascii", "ignore").decode("ascii")
    return ascii_text, text


def attachment(response_or_content, filename: str, content_type: str | None = None, *, inline: bool = False,
               no_store: bool = True):  # fmt: skip
    """A download: ``response_or_content`` (a response, or the bytes/str of one with
    ``content_type``) with a safe ``Content-Disposition`` (see :func:`download_name`; RFC 5987
    ``filename*`` when the name is not ASCII) and, unless ``no_store`` is False (public files),
    ``Cache-Control: private, no-store``. Build ``filename`` from validated values only."""
    from urllib.parse import quote

    from django.http import HttpResponse
    from django.http.response import HttpResponseBase

    if isinstance(response_or_content, HttpResponseBase):
        response = response_or_content
        if content_type:
            response["Content-Type"] = content_type
    else:
        response = HttpResponse(response_or_content, content_type=content_type or "application/octet-stream")
    ascii_name, name = download_name(filename)
    disposition = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if name != ascii_name:
        disposition += f"; filename*=UTF-8''{quote(name, safe='')}"
    response["Content-Disposition"] = disposition
    if no_store:
        response["Cache-Control"] = "private, no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str):
    """An Excel workbook (the bytes of a .xlsx) as a private download named ``filename``."""
    return attachment(content, filename, XLSX)


def kabkota_or_404(request, kode: str):
    """The kab/kota ``kode`` if the reader may see it (404 when it is not one, 403 when out of scope)."""
    from konvergensi.accounts.permissions import Permission, require

    region = region_or_404(kode, "kabkota")
    require(request.scope, Permission.VIEW_KABKOTA, region.kode)
    return region


def attempt(request, action, success):
    """Run a service call and flash how it went: ``success`` (a message, or a function of the call's
    result that gives it), the conflict of a stale form (any ``konvergensi.concurrency.Conflict``) or
    the validation errors. Returns the call's result (True when it returns nothing), None if it failed."""
    from konvergensi.concurrency import Conflict

    try:
        result = action()
    except Conflict as exc:
        messages.error(request, str(exc))
        return None
    except ValidationError as exc:
        flash_errors(request, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True
