"""Every URL pattern × every persona: allowed, forbidden, not found, or redirected to login.

Adding a URL pattern without a row here fails ``test_every_url_pattern_is_in_the_matrix``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from konvergensi.jobs import services as job_services
from tests.conftest import PDF_BYTES, PERSONAS

pytestmark = pytest.mark.django_db

DISTRICT = ("operator", "opd", "kecamatan", "desa", "puskesmas")
OUTSIDERS = ("neighbour", "other_province")
ALL = PERSONAS


@dataclass
class Case:
    kwargs: Callable = lambda w: {}
    method: str = "get"
    data: Callable = lambda w: {}
    allowed: tuple = ()  # personas that get ``ok``
    ok: int = 200
    not_found: tuple = ()  # personas for whom the object does not exist (scoped lookup)
    anonymous: int = 302  # what a visitor who is not logged in gets
    other: int = 403  # what everyone else gets
    extra: dict = field(default_factory=dict)


def aksi1(w):
    return {"pk": w.aksi[1].pk}


def job_by_province(w):
    job = job_services.job_create(
        kind="export_pantau", title="t", region_kode="32", params={"tahun": 2026}, by=w.user("provinsi")
    )
    job_services.job_finish(job=job, content=b"PK\x03\x04", filename="rekap.xlsx")
    return {"pk": job.pk}


def upload_by_operator(w):
    from django.core.files.base import ContentFile

    from konvergensi.indicators.models import DataUpload
    from tests.test_indicators import filled_template

    staged = DataUpload(kabkota_id="32.11", original_name="isi.xlsx", created_by=w.user("operator"))
    content = filled_template(
        edits={("32.11.01.2001", "U01 Pembilang"): 1, ("32.11.01.2001", "U01 Penyebut"): 2}
    )
    staged.file.save("isi.xlsx", ContentFile(content), save=True)
    return {"pk": staged.pk}


KAB_KW = {"kode": "32.11"}
VIEWERS = (*DISTRICT, "provinsi", "pusat")

MATRIX: dict[str, Case] = {
    "home": Case(allowed=ALL),
    "healthz": Case(allowed=ALL, anonymous=200),
    "set_language": Case(
        method="post", data=lambda w: {"language": "en", "next": "/"}, allowed=ALL, ok=302, anonymous=302
    ),
    "accounts:login": Case(allowed=ALL, ok=302, anonymous=200),
    "accounts:logout": Case(method="post", allowed=ALL, ok=302, anonymous=302),
    "accounts:user-list": Case(allowed=("operator", "provinsi", "pusat", *OUTSIDERS)),
    "accounts:user-create": Case(allowed=("operator", "provinsi", "pusat", *OUTSIDERS)),
    "accounts:audit": Case(allowed=("operator", "provinsi", "pusat", *OUTSIDERS)),
    "wilayah:detail": Case(kwargs=lambda w: {"kode": "32.11"}, allowed=(*DISTRICT, "provinsi", "pusat")),
    "wilayah:opd-create": Case(
        kwargs=lambda w: {"kode": "32.11"},
        method="post",
        data=lambda w: {"singkatan": "BPBD", "nama": "Badan Bencana"},
        allowed=("operator",),
        ok=302,
    ),
    "wilayah:puskesmas-create": Case(
        kwargs=lambda w: {"kode": "32.11"},
        method="post",
        data=lambda w: {
            "kode": "P3211020001",
            "nama": "Puskesmas Jatinunggal",
            "kecamatan": "32.11.02",
            "desa": ["32.11.02.2001"],
        },
        allowed=("operator",),
        ok=302,
    ),
    "wilayah:geojson-national": Case(allowed=("pusat",)),
    "wilayah:geojson": Case(kwargs=lambda w: {"kode": "32"}, allowed=("provinsi", "pusat")),
    "aksi:pantau": Case(allowed=ALL, ok=302),
    "aksi:pantau-national": Case(allowed=("pusat",)),
    "aksi:pantau-province": Case(kwargs=lambda w: {"kode": "32"}, allowed=("provinsi", "pusat")),
    "aksi:pantau-district": Case(
        kwargs=lambda w: {"kode": "32.11"}, allowed=(*DISTRICT, "provinsi", "pusat")
    ),
    "aksi:siklus-start": Case(
        kwargs=lambda w: {"kode": "32.11"},
        method="post",
        data=lambda w: {"tahun": "2027"},
        allowed=("operator",),
        ok=302,
    ),
    "aksi:detail": Case(kwargs=aksi1, allowed=(*DISTRICT, "provinsi", "pusat"), not_found=OUTSIDERS),
    "aksi:update": Case(
        kwargs=aksi1,
        method="post",
        data=lambda w: {"version": w.aksi[1].version, "due_date": "2026-03-01"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "aksi:move": Case(
        kwargs=aksi1,
        method="post",
        data=lambda w: {"version": w.aksi[1].version, "move": "submit"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "aksi:evidence-add": Case(
        kwargs=aksi1,
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("b.pdf", PDF_BYTES)},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "aksi:comment-add": Case(
        kwargs=aksi1,
        method="post",
        data=lambda w: {"body": "Catatan"},
        allowed=("operator", "opd", "provinsi", "pusat"),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "aksi:evidence-download": Case(
        kwargs=lambda w: {"pk": w.evidence.pk}, allowed=(*DISTRICT, "provinsi", "pusat"), not_found=OUTSIDERS
    ),
    "aksi:evidence-delete": Case(
        kwargs=lambda w: {"pk": w.evidence.pk},
        method="post",
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "jobs:export-pantau": Case(
        method="post", data=lambda w: {"kode": "32", "tahun": "2026"}, allowed=("provinsi", "pusat"), ok=302
    ),
    "jobs:detail": Case(kwargs=job_by_province, allowed=("provinsi",), other=404),
    "indicators:catalogue": Case(allowed=ALL),
    "indicators:detail": Case(kwargs=lambda w: {"kode": "U01"}, allowed=ALL),
    "indicators:completeness": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "indicators:sasaran": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "indicators:grid": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "indicators:cell-save": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {
            "desa": "32.11.01.2001",
            "indikator": "U01",
            "periode": "2025",
            "numerator": "1",
            "denominator": "2",
            "version": "0",
        },  # fmt: skip
        allowed=("operator",),
    ),
    "indicators:history": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "indicators:template": Case(kwargs=lambda w: KAB_KW, allowed=("operator",)),
    "indicators:upload": Case(kwargs=lambda w: KAB_KW, allowed=("operator",)),
    "indicators:export": Case(kwargs=lambda w: {"kode": "32.11", "fmt": "csv"}, allowed=VIEWERS),
    "indicators:map": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "indicators:assignments": Case(kwargs=lambda w: KAB_KW, allowed=("operator",)),
    "indicators:program": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "indicators:program-template": Case(kwargs=lambda w: KAB_KW, allowed=("operator",)),
    "indicators:upload-preview": Case(kwargs=upload_by_operator, allowed=("operator",), other=404),
    "indicators:upload-problems": Case(kwargs=upload_by_operator, allowed=("operator",), other=404),
    "indicators:upload-commit": Case(
        kwargs=upload_by_operator, method="post", allowed=("operator",), ok=302, other=404
    ),
    "jobs:download": Case(kwargs=job_by_province, allowed=("provinsi",), other=404),
}


def url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            assert p.name, f"URL pattern {p.pattern} has no name: name it and add it to the matrix"
            names.add(namespace + p.name)
    return names


def test_every_url_pattern_is_in_the_matrix():
    assert url_names() == set(MATRIX), "add new URLs to MATRIX (and remove deleted ones)"


def expected_status(case: Case, persona: str | None) -> int:
    if persona is None:
        return case.anonymous
    if persona in case.allowed:
        return case.ok
    if persona in case.not_found:
        return 404
    return case.other


@pytest.mark.parametrize("persona", [*PERSONAS, None], ids=[*PERSONAS, "anonymous"])
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_persona_gets_the_expected_answer(world, name, persona):
    case = MATRIX[name]
    client = Client()
    if persona is not None:
        client.force_login(world.user(persona))
    url = reverse(name, kwargs=case.kwargs(world))
    response = getattr(client, case.method)(url, case.data(world))
    expected = expected_status(case, persona)
    assert response.status_code == expected, f"{persona} {case.method.upper()} {url}"
    if persona is None and expected == 302 and name not in ("set_language", "accounts:logout"):
        assert response["Location"].startswith(reverse("accounts:login"))
