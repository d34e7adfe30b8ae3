"""Open data on the public pages (no login, issue 19): the data dictionary ``/publik/data/`` and the
downloads of every published figure as Parquet or CSV, nationwide
(``/publik/data/konvergensi-nasional.parquet|csv``) and per district (``/publik/<kode>/data.parquet|csv``).

The files are :mod:`konvergensi.exports.opendata`'s: the same rows as ``konvergensi export opendata``,
built once per set of current publications and stored under ``MEDIA_ROOT/opendata/`` (a download
after a publication or a withdrawal rebuilds it); the ETag is that set's fingerprint, so a client
that has the file gets ``304 Not Modified``.
"""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from konvergensi.exports import opendata
from konvergensi.web import attachment

from . import selectors
from .views import _kabkota, _public_cache

# Shown on the dictionary page: the open data may be reused with attribution.
LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.id"


def _download(request, kabkota: str | None, fmt: str):
    data = opendata.published_data(kabkota=kabkota)
    etag = data.etag(fmt)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = FileResponse(data.open(fmt), content_type=opendata.CONTENT_TYPES[fmt])
    response["ETag"] = etag
    return attachment(response, opendata.filename(kabkota, fmt), no_store=False)


@require_GET
@_public_cache
def national(request, fmt: str):
    """Every district's published figures in one file."""
    return _download(request, None, fmt)


@require_GET
@_public_cache
def kabkota(request, kode: str, fmt: str):
    """One district's published figures (an empty file with the columns if it published none)."""
    return _download(request, _kabkota(kode).kode, fmt)


@require_GET
@_public_cache
def dictionary(request):
    """What the files are, their columns, the suppression rule, the licence, the links, an example."""
    pairs = (
        selectors.current_publications()
        .order_by()
        .values_list("round__kabkota_id", "round__kabkota__nama")
        .distinct()
    )
    districts = [{"kode": k, "nama": n} for k, n in sorted(pairs, key=lambda p: (p[0][:2], p[1]))]
    columns = [(c, opendata.KIND_LABELS[c.kind]) for c in opendata.COLUMNS]
    return render(
        request,
        "publication/public/data.html",
        {
            "columns": columns,
            "districts": districts,
            "example": opendata.DUCKDB_EXAMPLE,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
        },
    )
