"""Text answers are gzip-compressed when the client asks, and only then; downloads and binary answers
never (``konvergensi.compression.TextGZipMiddleware``)."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from django.http import FileResponse, HttpResponse
from django.test import Client, RequestFactory

from konvergensi.compression import TextGZipMiddleware

pytestmark = pytest.mark.django_db


def test_a_page_is_compressed_when_asked():
    response = Client().get("/masuk/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert int(response["Content-Length"]) == len(response.content) < len(html.encode())


def test_a_page_is_not_compressed_when_not_asked():
    for headers in ({}, {"HTTP_ACCEPT_ENCODING": "identity"}, {"HTTP_ACCEPT_ENCODING": "br"}):
        response = Client().get("/masuk/", **headers)
        assert response.status_code == 200
        assert not response.has_header("Content-Encoding")
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()
        assert "Accept-Encoding" in response["Vary"]  # a cache must not hand it to a gzip client


def _through(response):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    return TextGZipMiddleware(lambda _request: response)(request)


def test_svg_is_compressed_json_binary_and_downloads_are_not():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg">' + b'<rect width="1" height="1"/>' * 100 + b"</svg>"
    answer = _through(HttpResponse(svg, content_type="image/svg+xml"))
    assert answer["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.content) == svg

    text = json.dumps([{"kode": f"32.11.{i:02d}", "nama": "Desa"} for i in range(100)]).encode()
    api = _through(HttpResponse(text, content_type="application/json"))
    assert not api.has_header("Content-Encoding")
    assert api.content == text

    pdf = _through(HttpResponse(b"%PDF-1.7 " + b"0" * 5000, content_type="application/pdf"))
    assert not pdf.has_header("Content-Encoding")
    assert pdf.content.startswith(b"%PDF")

    download = _through(FileResponse(io.BytesIO(b"kode;nama\n" * 1000), content_type="text/csv"))
    assert not download.has_header("Content-Encoding")
    assert download["Content-Length"] == str(10 * 1000)
    assert b"".join(download.streaming_content) == b"kode;nama\n" * 1000
