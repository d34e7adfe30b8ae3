"""Pages gzip-compressed when the client asks for it (issue 20: < 500 KB a page).

The static files are compressed ahead of time by WhiteNoise (``CompressedManifestStaticFilesStorage``)
and served before this middleware runs; the GeoJSON maps already had ``gzip_page``. This compresses
the pages the app writes: HTML, CSV and SVG (not the API's JSON, see ``TEXT_TYPES``). A district's
village-data grid is ~140 KB of HTML, ~15 KB compressed: it matters on a puskesmas's mobile link.

Not compressed: streamed responses (file downloads: evidence, exports, publication PDFs keep their
``Content-Length`` and are not squeezed a second time) and every other content type (images, PDF,
XLSX and ZIP are compressed already).

BREACH (a secret in a page guessed from the compressed sizes of many answers, with text the attacker
chooses reflected in the same page) was weighed: (1) the CSRF token, the classic target, is masked
anew by Django in every response, so it never repeats between two answers; (2) what else a page holds
that an attacker might want (a signed-in reader's figures; children's names on the round's children
list) is only in answers to requests that carry the reader's session, and the session cookie is
``SameSite=Lax``: the many cross-site requests such an attack sends from another site's page
(images, scripts, fetch) carry no session and get the login page (only top-level navigations carry
it, and the thousands an attack needs would be in front of the reader); (3) Django's ``GZipMiddleware``
adds 0–100 random bytes to every compressed answer (Heal-the-BREACH, Django ≥ 4.2), which multiplies
the requests a length measurement needs. Public pages hold no secret.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

# Pages (HTML), CSV and the SVG charts. Not the API's JSON: its answers are small (a page of 100 rows,
# < 30 KB on the national data set) and not every API client decodes gzip (Schemathesis's WSGI
# transport in tests/api/test_schema.py does not).
TEXT_TYPES = ("text/", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's ``GZipMiddleware`` for text answers held in memory only."""

    def process_response(self, request, response):
        if response.streaming:
            return response
        if not response.get("Content-Type", "").startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
