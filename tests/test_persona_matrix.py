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


def ansit_analysis(w):
    from tests.test_ansit import make_analysis, seed

    seed(coverage=False)
    return {"pk": make_analysis(w).pk}


def ansit_review(w):
    from konvergensi.ansit import services
    from konvergensi.wilayah.models import Region

    review = services.review_create(
        scope=w.scopes["operator"], kabkota=Region.objects.get(kode="32.11"), tahun=2026, kind="fgd_opd",
        data=services.ReviewInput(judul="Layanan air minum"), by=w.user("operator"),
    )  # fmt: skip
    return {"pk": review.pk}


def ansit_recommendation(w):
    from konvergensi.ansit import services
    from konvergensi.wilayah.models import Region

    rec = services.recommendation_add(
        scope=w.scopes["operator"], kabkota=Region.objects.get(kode="32.11"), tahun=2026, kind="program",
        text="Prioritaskan PMT", by=w.user("operator"),
    )  # fmt: skip
    return {"pk": rec.pk}


def ansit_document(w, fmt=None):
    from tests.test_ansit import finished_document, make_analysis, seed

    seed(coverage=False)
    doc = finished_document(w, make_analysis(w))
    return {"pk": doc.pk, "fmt": fmt} if fmt else {"pk": doc.pk}


def measurement_round(w):
    import datetime as dt

    from konvergensi.measurements import services
    from konvergensi.wilayah.models import Region

    rnd = services.round_create(
        scope=w.scopes["operator"], kabkota=Region.objects.get(kode="32.11"), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=w.user("operator"),
    )  # fmt: skip
    return {"pk": rnd.pk}


def measurement_import(w):
    """A checked import staged by the operator (it holds personal data: only its uploader sees it)."""
    from konvergensi.measurements import imports
    from konvergensi.measurements.models import MeasurementRound
    from tests.test_measurements import as_csv, export

    rnd = MeasurementRound.objects.get(pk=measurement_round(w)["pk"])
    imp = imports.import_stage(scope=w.scopes["operator"], rnd=rnd, by=w.user("operator"),
                               upload=SimpleUploadedFile("e.csv", as_csv(export(n=60, errors=False))))  # fmt: skip
    imports.check_and_keep(imp=imp, scope=w.scopes["operator"])
    return {"pk": imp.pk}


def published_round(w):
    """A published round (its snapshot built from the round, a stand-in PDF) for the public pages."""
    from konvergensi.measurements import publication
    from konvergensi.measurements.models import MeasurementRound

    rnd = MeasurementRound.objects.get(pk=measurement_round(w)["pk"])
    data = publication.publication_build(rnd)
    publication.publication_store(rnd=rnd, data=data, pdf=PDF_BYTES, by=w.user("operator"))
    return {"kode": "32.11", "pk": rnd.pk}


MEASUREMENT_IMPORTERS = ("operator", "opd", "puskesmas")  # the test OPD is the district health office
CHILD_VIEWERS = ("opd", "puskesmas", "desa")


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
    "measurements:rounds": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "measurements:mapping": Case(kwargs=lambda w: KAB_KW, allowed=MEASUREMENT_IMPORTERS),
    "measurements:round": Case(kwargs=measurement_round, allowed=VIEWERS, not_found=OUTSIDERS),
    "measurements:import": Case(kwargs=measurement_round, allowed=MEASUREMENT_IMPORTERS, not_found=OUTSIDERS),
    "measurements:children": Case(kwargs=measurement_round, allowed=CHILD_VIEWERS, not_found=OUTSIDERS),
    "measurements:children-export": Case(
        kwargs=measurement_round, allowed=CHILD_VIEWERS, not_found=OUTSIDERS
    ),
    "measurements:import-detail": Case(kwargs=measurement_import, allowed=("operator",), other=404),
    "measurements:import-problems": Case(kwargs=measurement_import, allowed=("operator",), other=404),
    "measurements:import-commit": Case(
        kwargs=measurement_import, method="post", allowed=("operator",), ok=302, other=404
    ),
    # Data quality, publishing (the operator) and the public pages (anyone, no login).
    "measurements:quality": Case(kwargs=measurement_round, allowed=VIEWERS, not_found=OUTSIDERS),
    "measurements:publish": Case(kwargs=measurement_round, allowed=("operator",), not_found=OUTSIDERS),
    "measurements:withdraw": Case(
        kwargs=lambda w: {"pk": published_round(w)["pk"]},
        method="post",
        data=lambda w: {"alasan": "uji"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "measurements:public-index": Case(allowed=ALL, anonymous=200),
    "measurements:public-district": Case(kwargs=lambda w: KAB_KW, allowed=ALL, anonymous=200),
    "measurements:public-geojson": Case(kwargs=lambda w: KAB_KW, allowed=ALL, anonymous=200),
    "measurements:public-round": Case(kwargs=published_round, allowed=ALL, anonymous=200),
    "measurements:public-pdf": Case(kwargs=published_round, allowed=ALL, anonymous=200),
    "measurements:public-csv": Case(kwargs=published_round, allowed=ALL, anonymous=200),
    # Aksi 1 (situation analysis): the operator works, OPD answers reviews, the rest read.
    "ansit:home": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "ansit:analysis-create": Case(kwargs=lambda w: KAB_KW, allowed=("operator",)),
    "ansit:template": Case(kwargs=lambda w: KAB_KW, allowed=("operator",)),
    "ansit:analysis-detail": Case(kwargs=ansit_analysis, allowed=VIEWERS, not_found=OUTSIDERS),
    "ansit:analysis-decide": Case(
        kwargs=ansit_analysis,
        method="post",
        data=lambda w: {"decision": "khusus", "version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "ansit:coverage": Case(kwargs=ansit_analysis, allowed=VIEWERS, not_found=OUTSIDERS),
    "ansit:lokus": Case(kwargs=ansit_analysis, allowed=VIEWERS, not_found=OUTSIDERS),
    "ansit:lokus-confirm": Case(
        kwargs=ansit_analysis,
        method="post",
        data=lambda w: {"kelayakan": "any", "metode": "count", "nilai": "2"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "ansit:matrix": Case(kwargs=ansit_analysis, allowed=VIEWERS, not_found=OUTSIDERS),
    "ansit:matrix-xlsx": Case(kwargs=ansit_analysis, allowed=VIEWERS, not_found=OUTSIDERS),
    "ansit:reviews": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "ansit:review-detail": Case(kwargs=ansit_review, allowed=VIEWERS, not_found=OUTSIDERS),
    "ansit:review-comment": Case(
        kwargs=ansit_review,
        method="post",
        data=lambda w: {"body": "Setuju"},
        allowed=("operator", "opd"),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "ansit:recommendations": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "ansit:recommendations-generate": Case(
        kwargs=lambda w: (ansit_analysis(w), KAB_KW)[1], method="post", allowed=("operator",), ok=302
    ),
    "ansit:recommendation-add": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {"kind": "program", "text": "Prioritaskan PMT", "tahun": "2026"},
        allowed=("operator",),
        ok=302,
    ),
    "ansit:recommendation-update": Case(
        kwargs=ansit_recommendation,
        method="post",
        data=lambda w: {"text": "Prioritaskan PMT pemulihan", "status": "dikonfirmasi", "version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "ansit:documents": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "ansit:document-start": Case(
        kwargs=lambda w: (ansit_analysis(w), KAB_KW)[1],
        method="post",
        data=lambda w: {"tahun": "2026"},
        allowed=("operator",),
        ok=302,
    ),
    "ansit:document-download": Case(
        kwargs=lambda w: ansit_document(w, "pdf"), allowed=VIEWERS, not_found=OUTSIDERS
    ),
    "ansit:document-attach": Case(
        kwargs=ansit_document, method="post", allowed=("operator",), ok=302, not_found=OUTSIDERS
    ),
    "ansit:notes": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
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
