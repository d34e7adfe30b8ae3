"""Every URL pattern × every persona × every method its view takes: allowed, forbidden, not found, or
redirected to login.

Adding a URL pattern without a row here fails ``test_every_url_pattern_is_in_the_matrix``; a view that
declares GET and POST needs a working POST in ``POSTS``. A refused request (or a POST the persona may not
make) changes no table and no stored file, and a refusal shows an outsider nothing of the other district.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils import translation
from django.utils.html import escape

from konvergensi.jobs import services as job_services
from tests.conftest import DESA, KAB, KEC, NEIGHBOUR, PASSWORD, PDF_BYTES, PERSONAS
from tests.fingerprint import assert_unchanged, fingerprint

pytestmark = pytest.mark.django_db

KABKOTA_PERSONAS = ("operator", "opd", "kecamatan", "desa", "puskesmas")
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
    """A village-data template staged and checked by the operator."""
    from konvergensi.imports import services as pipeline
    from konvergensi.indicators import imports
    from tests.indicators.test_indicators import filled_template

    content = filled_template(
        edits={("32.11.01.2001", "U01 Pembilang"): 1, ("32.11.01.2001", "U01 Penyebut"): 2}
    )
    imp = pipeline.stage(kind=imports.KIND_INSTANCE, kabkota="32.11", params={}, by=w.user("operator"),
                         upload=SimpleUploadedFile("isi.xlsx", content))  # fmt: skip
    pipeline.check(imp, scope=w.scopes["operator"])
    return {"pk": imp.pk}


KAB_KW = {"kode": "32.11"}
API_CASE = Case(anonymous=401, other=401)


def api_token(w):
    from konvergensi.api import tokens

    created = tokens.create(user=w.user("operator"), scope=w.scopes["operator"], name="matrix", days=30)
    return {"pk": created.token.pk}


VIEWERS = (*KABKOTA_PERSONAS, "provinsi", "pusat")


def ansit_analysis(w):
    from tests.ansit.test_ansit import make_analysis, seed

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
    from tests.ansit.test_ansit import finished_document, make_analysis, seed

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
    from tests.measurements.test_measurements import as_csv, export

    rnd = MeasurementRound.objects.get(pk=measurement_round(w)["pk"])
    imp = imports.stage(scope=w.scopes["operator"], rnd=rnd, by=w.user("operator"),
                               upload=SimpleUploadedFile("e.csv", as_csv(export(n=60, errors=False))))  # fmt: skip
    imports.check(imp, scope=w.scopes["operator"])
    return {"pk": imp.pk}


def published_round(w):
    """A published round (its snapshot built from the round, a stand-in PDF) for the public pages."""
    from konvergensi.measurements.models import MeasurementRound
    from konvergensi.publication import services, snapshot

    rnd = MeasurementRound.objects.get(pk=measurement_round(w)["pk"])
    data = snapshot.publication_build(rnd)
    services.publication_store(rnd=rnd, data=data, pdf=PDF_BYTES, by=w.user("operator"))
    return {"kode": "32.11", "pk": rnd.pk}


def worker_running(w):
    """The background worker's heartbeat, as a running `konvergensi worker` leaves it (/healthz: 200)."""
    from konvergensi import health

    health.heartbeat()
    return {}


def plan_draft(w):
    """The district's 2026 plan (a draft) with one Dinkes row reaching Cimungkal."""
    from konvergensi.plans.models import Plan, PlanRow

    plan, _ = Plan.objects.get_or_create(kabkota_id=KAB, tahun=2026, number=1)
    if not plan.rows.exists():
        PlanRow.objects.create(plan=plan, group=1, activity="PMT lokal", opd=w.opd["Dinkes"], locations=[DESA],
                               budget=1_000_000, target="90", unit="%")  # fmt: skip
    return {"pk": plan.pk}


def plan_row(w):
    from konvergensi.plans.models import PlanRow

    return {"pk": PlanRow.objects.get(plan_id=plan_draft(w)["pk"]).pk}


def plan_final(w):
    from konvergensi.plans.models import Plan

    pk = plan_draft(w)["pk"]
    Plan.objects.filter(pk=pk).update(stage="final")
    return {"pk": pk}


def plan_second_version(w):
    """Version 2 of the plan, made from the final version 1 (for the difference page)."""
    from konvergensi.plans.models import Plan

    first = Plan.objects.get(pk=plan_final(w)["pk"])
    second, _ = Plan.objects.get_or_create(kabkota_id=KAB, tahun=2026, number=2, defaults={"based_on": first})
    return {"pk": second.pk}


def plan_stage_file(w):
    from django.core.files.base import ContentFile

    from konvergensi.plans.models import Plan, StageRecord

    plan = Plan.objects.get(pk=plan_draft(w)["pk"])
    record = StageRecord(plan=plan, stage="draf", date="2026-02-01", original_name="notulen.pdf")
    record.file.save("notulen.pdf", ContentFile(PDF_BYTES))
    return {"pk": record.pk}


def plan_doc_upload(w):
    """A one-line Renja of Dinkes (xlsx), as the documents page takes it."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Perangkat Daerah", "Indikator", "Target", "Satuan",
               "Lokasi", "Pagu"])  # fmt: skip
    ws.append(
        ["1.02.02.2.02.0016", "PMT lokal", "Dinas Kesehatan", "Balita gizi kurang", "90", "%", "", 1_000_000]
    )
    out = io.BytesIO()
    wb.save(out)
    return {"tahun": "2026", "kind": "renja", "opd": str(w.opd["Dinkes"].pk),
            "file": SimpleUploadedFile("renja.xlsx", out.getvalue())}  # fmt: skip


def budget_line(w):
    """A 2026 budget line of Dinkes in Sumedang."""
    from konvergensi.budget.models import BudgetLine

    line, _ = BudgetLine.objects.get_or_create(
        kabkota_id=KAB, tahun=2026, stage="murni", code="1.02.02.2.02.0016", opd=w.opd["Dinkes"], source="DAU",
        defaults={"name": "Gizi masyarakat", "pagu": 1_000_000, "category": "spesifik"},
    )  # fmt: skip
    return {"pk": line.pk}


BUDGET_LINE = {"tahun": "2026", "tahap": "murni", "code": "1.02.02.2.02.0004", "name": "Pelayanan balita",
               "opd": "", "source": "PAD", "category": "spesifik", "pagu": "Rp 2.000.000"}  # fmt: skip


def budget_line_post(w):
    return {**BUDGET_LINE, "opd": str(w.opd["Dinkes"].pk), "version": "1"}


def catalogue_upload(w):
    content = "Kode Sub Kegiatan;Nama Sub Kegiatan;Kategori\n1.02.02.2.02.0016;Gizi masyarakat;spesifik\n"
    return {"file": SimpleUploadedFile("katalog.csv", content.encode())}


def regulation_draft(w):
    """A Perbup of Sumedang in draft, with its draft document (Aksi 4)."""
    import datetime as dt

    from konvergensi.regulations import services
    from konvergensi.wilayah.models import Region

    reg = services.regulation_create(
        scope=w.scopes["operator"], kabkota=Region.objects.get(kode=KAB), kind="perbup", number="",
        title="Peran desa", date=dt.date(2026, 2, 1), by=w.user("operator"),
        upload=SimpleUploadedFile("rancangan.pdf", PDF_BYTES, "application/pdf"),
    )  # fmt: skip
    return {"pk": reg.pk}


def village_regulation(w):
    """A Perdes of Cimungkal with its document."""
    import datetime as dt

    from konvergensi.regulations import services
    from konvergensi.wilayah.models import Region

    reg = services.village_regulation_add(
        scope=w.scopes["operator"], desa=Region.objects.get(kode=DESA), kind="perdes", number="3",
        date=dt.date(2026, 5, 1), title="Kewenangan desa", by=w.user("operator"),
        upload=SimpleUploadedFile("perdes.pdf", PDF_BYTES, "application/pdf"),
    )  # fmt: skip
    return {"pk": reg.pk}


def village_allocation(w):
    from konvergensi.regulations import services
    from konvergensi.wilayah.models import Region

    row = services.allocation_add(scope=w.scopes["operator"], desa=Region.objects.get(kode=DESA), tahun=2026,
                                  amount="25.000.000", purpose="PMT lokal", by=w.user("operator"))  # fmt: skip
    return {"pk": row.pk}


DESA_KW = {"kode": DESA}
DESA_WRITERS = ("operator", "desa")  # a desa's Perdes and APBDes: the desa itself or the operator
PERDES = {"kind": "perdes", "number": "4", "date": "2026-05-01", "title": "Kewenangan desa"}


# Aksi 5: a desa's KPM and scorecards are written by the desa itself or the operator; the names are read by
# the desa, its kecamatan and the operator only (everyone else who may see the desa gets 404 for a KPM).
KPM_NAME_HIDDEN = ("opd", "puskesmas", "provinsi", "pusat", "neighbour", "other_province")
SKOR_DISTRICT = ("operator", "opd", "provinsi", "pusat")


def kpm_of_cimungkal(w):
    from konvergensi.kpm import services
    from konvergensi.wilayah.models import Region

    kpm = services.kpm_add(scope=w.scopes["desa"], desa=Region.objects.get(kode=DESA), nama="Kader Uji",
                           by=w.user("desa"))  # fmt: skip
    return {"pk": kpm.pk}


def kpm_training(w):
    import datetime as dt

    from konvergensi.kpm import services
    from konvergensi.kpm.models import Kpm

    kpm = Kpm.objects.get(pk=kpm_of_cimungkal(w)["pk"])
    t = services.training_add(scope=w.scopes["desa"], kpm=kpm, nama="Pelatihan", mulai=dt.date(2026, 2, 1),
                              by=w.user("desa"))  # fmt: skip
    return {"pk": t.pk}


def skor_upload(w):
    from tests.kpm.test_kpm import filled

    return {"tahun": "2026", "triwulan": "1",
            "file": SimpleUploadedFile("skor.xlsx", filled(((5, *["Y"] * 8),)))}  # fmt: skip


PLAN_READERS = ("operator", "opd", "provinsi", "pusat")  # the whole plan, its money and documents


# Aksi 3: the district rembuk of 2026 (read by PLAN_READERS, written by the operator).
REMBUK_EVENT = {"date": "2026-04-15", "place": "Aula", "agenda": ["a", "b", "c", "d"], "commitment": "Komitmen",
                "count-bupati": "1", "version": "1"}  # fmt: skip


# Aksi 6: an action of the improvement plan, owned by Dinkes (the OPD persona's agency).
def datasystem_action(w):
    from konvergensi.datasystem import services
    from konvergensi.datasystem.models import Action
    from konvergensi.wilayah.models import Region

    action = Action.objects.filter(kabkota_id=KAB, tahun=2026).first() or services.action_add(
        scope=w.scopes["operator"], kabkota=Region.objects.get(kode=KAB), tahun=2026, by=w.user("operator"),
        data={"gap_kind": "lainnya", "gap": "Data posyandu", "uraian": "Pendampingan", "opd": str(w.opd["Dinkes"].pk),
              "tenggat": "2026-10-01"},
    )  # fmt: skip
    return {"pk": action.pk}


def datasystem_level():
    from konvergensi.indicators.models import Indicator

    return {"tahun": "2026", "indicator": str(Indicator.objects.get(kode="U01").pk), "level": "puskesmas"}


def datasystem_plan(w):
    datasystem_action(w)
    return KAB_KW


DATASYSTEM_ACTION = {"tahun": "2026", "gap_kind": "lainnya", "gap": "Data posyandu", "uraian": "Pelatihan",
                     "tenggat": "2026-11-01"}  # fmt: skip


def rembuk_district(w, *, held=False, signed=False):
    from konvergensi.rembuk import services
    from konvergensi.rembuk.models import Rembuk
    from konvergensi.wilayah.models import Region

    op, by = w.scopes["operator"], w.user("operator")
    rembuk = Rembuk.objects.filter(kabkota_id=KAB, tahun=2026, level="kabkota").first()
    if rembuk is None:
        rembuk = services.rembuk_create(scope=op, region=Region.objects.get(kode=KAB), tahun=2026, by=by)
        services.rembuk_update(scope=op, rembuk=rembuk, data=REMBUK_EVENT, expected_version=1, by=by)
        services.signatory_add(scope=op, rembuk=rembuk, role="bupati", name="Dony", position="Bupati", by=by)
    if held and not rembuk.held:
        services.rembuk_hold(scope=op, rembuk=rembuk, by=by)
    if signed and not rembuk.signed_file:
        services.signed_upload(scope=op, rembuk=rembuk, by=by,
                               upload=SimpleUploadedFile("ttd.pdf", PDF_BYTES, "application/pdf"))  # fmt: skip
    return {"pk": rembuk.pk}


def rembuk_published(w):
    from konvergensi.rembuk import services
    from konvergensi.rembuk.models import Rembuk

    rembuk = Rembuk.objects.get(pk=rembuk_district(w, held=True, signed=True)["pk"])
    services.publish(scope=w.scopes["operator"], rembuk=rembuk, on=True, by=w.user("operator"))
    return {"kode": KAB, "pk": rembuk.pk}


def rembuk_signatory(w):
    from konvergensi.rembuk.models import Signatory

    return {"pk": Signatory.objects.filter(rembuk_id=rembuk_district(w)["pk"]).first().pk}


def rembuk_dissemination(w):
    from konvergensi.rembuk import services
    from konvergensi.rembuk.models import Rembuk

    rembuk = Rembuk.objects.get(pk=rembuk_district(w, held=True)["pk"])
    entry = rembuk.disseminations.first() or services.dissemination_add(
        scope=w.scopes["operator"], rembuk=rembuk, by=w.user("operator"), data={"media": "koran", "date": "2026-04-20"},
        upload=SimpleUploadedFile("kliping.pdf", PDF_BYTES, "application/pdf"),
    )  # fmt: skip
    return {"pk": entry.pk}


# The penilaian kinerja (assessment): the national rubric of 2026 (a draft, or published), a Jawa Barat
# round of Sumedang graded by the province persona (its only assessor), open or published.
def assessment_rubric(w, published=True):
    from konvergensi.assessment import services
    from konvergensi.assessment.models import Rubric

    rubric = Rubric.objects.filter(tahun=2026, provinsi=None, published__isnull=not published).first()
    if rubric is None:
        rubric = services.rubric_load_default(tahun=2026, by=w.user("pusat"))
        if published:
            services.rubric_publish(scope=w.scopes["pusat"], rubric=rubric, by=w.user("pusat"))
    return {"pk": rubric.pk}


def assessment_round(w, published=False):
    from konvergensi.assessment import services
    from konvergensi.assessment.models import Round, Rubric
    from konvergensi.wilayah.models import Region

    rnd = Round.objects.filter(provinsi_id="32", published__isnull=not published).first()
    if rnd is None:
        rnd = services.round_create(
            scope=w.scopes["provinsi"],
            provinsi=Region.objects.get(kode="32"),
            tahun=2026,
            nama="Penilaian 2026",
            rubric=Rubric.objects.get(pk=assessment_rubric(w)["pk"]),
            kabkota=[KAB],
            assessors=[w.user("provinsi").pk],
            by=w.user("provinsi"),
        )
        ind = rnd.rubric.indicators.first()
        services.grades_set(
            scope=w.scopes["provinsi"],
            rnd=rnd,
            kabkota=KAB,
            data={f"huruf-{ind.pk}": "B"},
            by=w.user("provinsi"),
        )
        if published:
            services.round_publish(scope=w.scopes["provinsi"], rnd=rnd, by=w.user("provinsi"))
    return {"pk": rnd.pk}


def assessment_district(w, published=False):
    from konvergensi.assessment.models import RoundDistrict

    rnd = assessment_round(w, published=published)["pk"]
    return {"pk": RoundDistrict.objects.get(round_id=rnd, kabkota_id=KAB).pk}


def assessment_new_round(w):
    return {"tahun": "2026", "nama": "Penilaian 2026", "rubric": str(assessment_rubric(w)["pk"]), "kabkota": [KAB],
            "assessor": [str(w.users["provinsi"].pk)]}  # fmt: skip


def assessment_grades(w):
    from konvergensi.assessment.models import RoundDistrict

    d = RoundDistrict.objects.get(pk=assessment_district(w)["pk"])
    return {f"huruf-{i.pk}": "A" for i in d.round.rubric.indicators.all()[:3]}


def assessment_rubric_file(w):
    from konvergensi.assessment import services
    from konvergensi_core.io.assessment import write_rubric_xlsx

    return {
        "version": "1",
        "file": SimpleUploadedFile("rubrik.xlsx", write_rubric_xlsx(services.default_rubric())),
    }


ASSESSMENT_HIDDEN = ("operator", "opd", "kecamatan", "desa", "puskesmas", *OUTSIDERS)
NOT_PROVINCE = ("kecamatan", "desa", "puskesmas", *OUTSIDERS)


# The knowledge base: a draft, a submitted and a published practice of Sumedang, with their files.
def knowledge_practice(w, state="draf"):
    from tests.knowledge import test_knowledge as k

    return {"draf": k.make, "diajukan": k.submitted, "terbit": k.published}[state](w)


def knowledge_draft(w):
    return {"pk": knowledge_practice(w).pk}


def knowledge_submitted(w):
    return {"pk": knowledge_practice(w, "diajukan").pk}


def knowledge_file(w, state="draf"):
    from konvergensi.knowledge import services
    from tests.knowledge.test_knowledge import png

    practice = knowledge_practice(w)
    row = services.attachment_add(
        scope=w.scopes["operator"], practice=practice, upload=png(), by=w.user("operator")
    )
    if state == "terbit":
        services.practice_submit(scope=w.scopes["operator"], practice=practice, by=w.user("operator"))
        services.practice_publish(scope=w.scopes["provinsi"], practice=practice, by=w.user("provinsi"))
    return {"pk": row.pk}


KNOWLEDGE = {"title": "Posyandu digital", "summary": "Kader mencatat pengukuran balita langsung dari posyandu.",
             "aksi": "7", "tags": ["posyandu"]}  # fmt: skip


def knowledge_upload(w):
    from tests.knowledge.test_knowledge import png

    return {"file": png(), "caption": "Posyandu"}


PLAN_ROW = {"group": "1", "activity": "Kelas ibu hamil", "target": "100", "unit": "%"}


MEASUREMENT_IMPORTERS = ("operator", "opd", "puskesmas")  # the test OPD is the district health office
CHILD_VIEWERS = ("opd", "puskesmas", "desa")


# Aksi 8: the district's annual review of 2026 (read by PLAN_READERS, managed by the operator).
REVIEW_NOT_FOUND = (
    *OUTSIDERS,
    "kecamatan",
    "desa",
    "puskesmas",
)  # a reader who may not read it: no such review


def review_2026(w, *, final=False):
    from konvergensi.reviews import services
    from konvergensi.reviews.models import Review
    from konvergensi.wilayah.models import Region

    review = Review.objects.filter(kabkota_id=KAB, tahun=2026).first() or services.review_build(
        scope=w.scopes["operator"], kabkota=Region.objects.get(kode=KAB), tahun=2026, by=w.user("operator")
    )
    if final and not review.frozen:
        services.review_finalize(scope=w.scopes["operator"], review=review, expected_version=review.version,
                                 by=w.user("operator"))  # fmt: skip
    return {"pk": review.pk}


def review_recommendation(w):
    from konvergensi.reviews.models import Recommendation, Review

    review = Review.objects.get(pk=review_2026(w)["pk"])
    rec = Recommendation.objects.create(review=review, text="Rekomendasi uji", urutan=1)
    return {"pk": rec.pk}


MATRIX: dict[str, Case] = {
    "home": Case(allowed=ALL),
    "healthz": Case(kwargs=worker_running, allowed=ALL, anonymous=200),
    "set_language": Case(
        method="post", data=lambda w: {"language": "en", "next": "/"}, allowed=ALL, ok=302, anonymous=302
    ),
    "accounts:login": Case(allowed=ALL, ok=302, anonymous=200),
    "accounts:logout": Case(method="post", allowed=ALL, ok=302, anonymous=302),
    "accounts:user-list": Case(allowed=("operator", "provinsi", "pusat", *OUTSIDERS)),
    "accounts:user-create": Case(allowed=("operator", "provinsi", "pusat", *OUTSIDERS)),
    "accounts:audit": Case(allowed=("operator", "provinsi", "pusat", *OUTSIDERS)),
    "accounts:security": Case(allowed=ALL),
    "accounts:password-change": Case(allowed=ALL),
    # The desa account: its operator and the nation may reset it; the province sees it, may not.
    "accounts:password-reset": Case(
        kwargs=lambda w: {"pk": w.user("desa").pk}, allowed=("operator", "pusat"), not_found=OUTSIDERS
    ),
    "accounts:two-factor-setup": Case(allowed=ALL),
    "accounts:two-factor-verify": Case(allowed=ALL, ok=302),  # no authenticator: nothing to verify
    "accounts:two-factor-disable": Case(method="post", allowed=ALL, ok=302),
    "accounts:recovery-codes": Case(method="post", allowed=ALL, ok=302),
    "wilayah:detail": Case(
        kwargs=lambda w: {"kode": "32.11"}, allowed=(*KABKOTA_PERSONAS, "provinsi", "pusat")
    ),
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
    "aksi:pantau-kabkota": Case(
        kwargs=lambda w: {"kode": "32.11"}, allowed=(*KABKOTA_PERSONAS, "provinsi", "pusat")
    ),
    "aksi:siklus-start": Case(
        kwargs=lambda w: {"kode": "32.11"},
        method="post",
        data=lambda w: {"tahun": "2027"},
        allowed=("operator",),
        ok=302,
    ),
    "aksi:detail": Case(kwargs=aksi1, allowed=(*KABKOTA_PERSONAS, "provinsi", "pusat"), not_found=OUTSIDERS),
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
    "aksi:unlock": Case(  # the province opens the approval lock (docs/aksi.md, "Kunci data")
        kwargs=aksi1,
        method="post",
        data=lambda w: {"reason": "Data diperbaiki"},
        allowed=("provinsi",),
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
        kwargs=lambda w: {"pk": w.evidence.pk},
        allowed=(*KABKOTA_PERSONAS, "provinsi", "pusat"),
        not_found=OUTSIDERS,
    ),
    "aksi:evidence-delete": Case(
        kwargs=lambda w: {"pk": w.evidence.pk},
        method="post",
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "aksi:export-pantau": Case(
        method="post", data=lambda w: {"kode": "32", "tahun": "2026"}, allowed=("provinsi", "pusat"), ok=302
    ),
    "jobs:detail": Case(kwargs=job_by_province, allowed=("provinsi",), other=404),
    "indicators:catalogue": Case(allowed=ALL),
    "indicators:detail": Case(kwargs=lambda w: {"kode": "U01"}, allowed=ALL),
    "indicators:completeness": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "indicators:sasaran": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "indicators:sasaran-import": Case(kwargs=lambda w: KAB_KW, allowed=("operator", "kecamatan")),
    "indicators:sasaran-template": Case(kwargs=lambda w: KAB_KW, allowed=("operator", "kecamatan")),
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
    "indicators:upload-moved": Case(kwargs=upload_by_operator, allowed=ALL, ok=302),
    "jobs:download": Case(kwargs=job_by_province, allowed=("provinsi",), other=404),
    "measurements:rounds": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "measurements:mapping": Case(kwargs=lambda w: KAB_KW, allowed=MEASUREMENT_IMPORTERS),
    "measurements:desa-aliases": Case(kwargs=lambda w: KAB_KW, allowed=("operator", "opd")),
    "measurements:round": Case(kwargs=measurement_round, allowed=VIEWERS, not_found=OUTSIDERS),
    "measurements:import": Case(kwargs=measurement_round, allowed=MEASUREMENT_IMPORTERS, not_found=OUTSIDERS),
    "measurements:children": Case(kwargs=measurement_round, allowed=CHILD_VIEWERS, not_found=OUTSIDERS),
    "measurements:children-export": Case(
        kwargs=measurement_round, allowed=CHILD_VIEWERS, not_found=OUTSIDERS
    ),
    "measurements:import-moved": Case(kwargs=measurement_import, allowed=ALL, ok=302),
    "imports:detail": Case(kwargs=measurement_import, allowed=("operator",), other=404),
    "imports:problems": Case(kwargs=measurement_import, allowed=("operator",), other=404),
    "imports:commit": Case(
        kwargs=measurement_import, method="post", allowed=("operator",), ok=302, other=404
    ),
    "imports:cancel": Case(
        kwargs=measurement_import, method="post", allowed=("operator",), ok=302, other=404
    ),
    # Data quality, publishing (the operator) and the public pages (anyone, no login).
    "measurements:quality": Case(kwargs=measurement_round, allowed=VIEWERS, not_found=OUTSIDERS),
    "measurements:quality-chart": Case(
        kwargs=lambda w: quality_chart(w), allowed=VIEWERS, not_found=OUTSIDERS
    ),
    "publication:publish": Case(kwargs=measurement_round, allowed=("operator",), not_found=OUTSIDERS),
    "publication:withdraw": Case(
        kwargs=lambda w: {"pk": published_round(w)["pk"]},
        method="post",
        data=lambda w: {"alasan": "uji"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "publication:public-index": Case(allowed=ALL, anonymous=200),
    "publication:public-kabkota": Case(kwargs=lambda w: KAB_KW, allowed=ALL, anonymous=200),
    "publication:public-geojson": Case(kwargs=lambda w: KAB_KW, allowed=ALL, anonymous=200),
    "publication:public-round": Case(kwargs=published_round, allowed=ALL, anonymous=200),
    "publication:public-pdf": Case(kwargs=published_round, allowed=ALL, anonymous=200),
    "publication:public-csv": Case(kwargs=published_round, allowed=ALL, anonymous=200),
    "publication:opendata": Case(allowed=ALL, anonymous=200),
    "publication:opendata-national": Case(kwargs=lambda w: {"fmt": "parquet"}, allowed=ALL, anonymous=200),
    "publication:opendata-kabkota": Case(
        kwargs=lambda w: {**KAB_KW, "fmt": "csv"}, allowed=ALL, anonymous=200
    ),
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
    "budget:home": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "budget:lines": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "budget:line-add": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {**BUDGET_LINE, "opd": str(w.opd["Dinkes"].pk)},
        allowed=("operator", "opd"),
        ok=302,
    ),
    "budget:template": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "budget:upload": Case(kwargs=lambda w: KAB_KW, method="post", allowed=("operator",), ok=302),
    "budget:export": Case(kwargs=lambda w: {**KAB_KW, "fmt": "csv"}, allowed=PLAN_READERS),
    "budget:map-desa": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "budget:line-edit": Case(kwargs=budget_line, allowed=("operator", "opd"), not_found=OUTSIDERS),
    "budget:line-delete": Case(
        kwargs=budget_line, method="post", allowed=("operator", "opd"), ok=302, not_found=OUTSIDERS
    ),
    "budget:province": Case(kwargs=lambda w: {"kode": "32"}, allowed=("provinsi", "pusat")),
    "budget:map-province": Case(kwargs=lambda w: {"kode": "32"}, allowed=("provinsi", "pusat")),
    "budget:national": Case(allowed=("pusat",)),
    "budget:map-national": Case(allowed=("pusat",)),
    "budget:catalogue": Case(allowed=ALL),
    # The picture: the nation for the national role, everyone else is sent to their own area.
    "picture:nation": Case(allowed=("pusat",), other=302),
    # Personal API tokens: one's own (tests/api); a POST creates one.
    "api:tokens": Case(allowed=ALL),
    "api:token-revoke": Case(
        method="post", kwargs=api_token, allowed=("operator",), ok=302, not_found=ALL[1:]
    ),
    # The REST API (/api/v1/) takes a token only, never the session: 401 here (per persona with tokens in
    # tests/api/test_api.py). Its schema and docs page are public; the root is a 404.
    "api-v1:openapi-json": Case(allowed=ALL, anonymous=200),
    "api-v1:openapi-view": Case(allowed=ALL, anonymous=200),
    "api-v1:api-root": Case(anonymous=404, other=404),
    "api-v1:region_list": API_CASE,
    "api-v1:region_detail": Case(kwargs=lambda w: KAB_KW, anonymous=401, other=401),
    "api-v1:indicator_list": API_CASE,
    "api-v1:value_list": API_CASE,
    "api-v1:siklus_list": API_CASE,
    "api-v1:figure_list": API_CASE,
    "api-v1:opd_list": API_CASE,
    "api-v1:puskesmas_list": API_CASE,
    "api-v1:value_put": Case(
        kwargs=lambda w: {"desa": DESA, "periode": "2026", "indikator": "U01"}, anonymous=401, other=401
    ),
    "api-v1:sasaran_list": API_CASE,
    "api-v1:sasaran_put": Case(kwargs=lambda w: {"desa": DESA, "tahun": 2026}, anonymous=401, other=401),
    "api-v1:aksi_transition": Case(
        method="post", kwargs=lambda w: {"kabkota": KAB, "tahun": 2026, "nomor": 1}, anonymous=401, other=401
    ),
    "api-v1:round_list": API_CASE,
    "api-v1:round_aggregate": Case(
        kwargs=lambda w: {"round_id": measurement_round(w)["pk"]}, anonymous=401, other=401
    ),
    "api-v1:analysis_list": API_CASE,
    "api-v1:lokus_list": API_CASE,
    "api-v1:plan_list": API_CASE,
    "api-v1:budget_line_list": API_CASE,
    "api-v1:budget_summary": API_CASE,
    "api-v1:assessment_list": API_CASE,
    "picture:region": Case(kwargs=lambda w: {"kode": KEC}, allowed=VIEWERS),
    "regulations:home": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "regulations:add": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {"kind": "perbup", "title": "Peran desa", "date": "2026-02-01"},
        allowed=("operator",),
        ok=302,
    ),
    "regulations:step": Case(
        kwargs=regulation_draft,
        method="post",
        data=lambda w: {"status": "harmonisasi", "date": "2026-03-01"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "regulations:document": Case(
        kwargs=regulation_draft,
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("perbup.pdf", PDF_BYTES, "application/pdf")},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "regulations:file": Case(kwargs=regulation_draft, allowed=VIEWERS, not_found=OUTSIDERS),
    "regulations:desa": Case(kwargs=lambda w: DESA_KW, allowed=VIEWERS),
    "regulations:village-add": Case(
        kwargs=lambda w: DESA_KW, method="post", data=lambda w: PERDES, allowed=DESA_WRITERS, ok=302
    ),
    "regulations:allocation-add": Case(
        kwargs=lambda w: DESA_KW,
        method="post",
        data=lambda w: {"tahun_anggaran": "2026", "amount": "Rp 25.000.000", "purpose": "PMT lokal"},
        allowed=DESA_WRITERS,
        ok=302,
    ),
    "regulations:village-file": Case(kwargs=village_regulation, allowed=VIEWERS, not_found=OUTSIDERS),
    "regulations:village-delete": Case(
        kwargs=village_regulation, method="post", allowed=DESA_WRITERS, ok=302, not_found=OUTSIDERS
    ),
    "regulations:allocation-delete": Case(
        kwargs=village_allocation, method="post", allowed=DESA_WRITERS, ok=302, not_found=OUTSIDERS
    ),
    "kpm:district": Case(kwargs=lambda w: KAB_KW, allowed=SKOR_DISTRICT),
    "kpm:map": Case(kwargs=lambda w: KAB_KW, allowed=SKOR_DISTRICT),
    "kpm:indicator-switch": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {"kode": "AN06", "active": "0", "reason": "Belum ada PAUD"},
        allowed=("operator",),
        ok=302,
    ),
    "kpm:kecamatan": Case(kwargs=lambda w: {"kode": KEC}, allowed=(*SKOR_DISTRICT, "kecamatan")),
    "kpm:desa": Case(kwargs=lambda w: DESA_KW, allowed=(*SKOR_DISTRICT, "kecamatan", "desa")),
    "kpm:kpm-add": Case(
        kwargs=lambda w: DESA_KW,
        method="post",
        data=lambda w: {"nama": "Ani", "aktif": "1"},
        allowed=DESA_WRITERS,
        ok=302,
    ),
    "kpm:scorecard-save": Case(
        kwargs=lambda w: DESA_KW,
        method="post",
        data=lambda w: {"tahun": "2026", "triwulan": "1", "sasaran_IH01": "3", "terima_IH01": "2"},
        allowed=DESA_WRITERS,
        ok=302,
    ),
    "kpm:template": Case(kwargs=lambda w: DESA_KW, allowed=DESA_WRITERS),
    "kpm:upload": Case(
        kwargs=lambda w: DESA_KW, method="post", data=skor_upload, allowed=DESA_WRITERS, ok=302
    ),
    "kpm:kpm-edit": Case(
        kwargs=kpm_of_cimungkal,
        method="post",
        data=lambda w: {"nama": "Kader Baru", "aktif": "1"},
        allowed=DESA_WRITERS,
        ok=302,
        not_found=KPM_NAME_HIDDEN,
    ),
    "kpm:kpm-delete": Case(
        kwargs=kpm_of_cimungkal, method="post", allowed=DESA_WRITERS, ok=302, not_found=KPM_NAME_HIDDEN
    ),
    "kpm:training-add": Case(
        kwargs=kpm_of_cimungkal,
        method="post",
        data=lambda w: {"nama": "Pelatihan", "mulai": "2026-02-01"},
        allowed=DESA_WRITERS,
        ok=302,
        not_found=KPM_NAME_HIDDEN,
    ),
    "kpm:training-delete": Case(
        kwargs=kpm_training, method="post", allowed=DESA_WRITERS, ok=302, not_found=KPM_NAME_HIDDEN
    ),
    "rembuk:home": Case(kwargs=lambda w: KAB_KW, allowed=(*PLAN_READERS, "kecamatan")),
    "rembuk:create": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {"tahun": "2026"},
        allowed=("operator",),
        ok=302,
    ),
    "rembuk:detail": Case(kwargs=rembuk_district, allowed=PLAN_READERS, not_found=OUTSIDERS),
    "rembuk:signatory-add": Case(
        kwargs=rembuk_district,
        method="post",
        data=lambda w: {"role": "dprd", "name": "Irma"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),  # fmt: skip
    "rembuk:signatory-delete": Case(
        kwargs=rembuk_signatory, method="post", allowed=("operator",), ok=302, not_found=OUTSIDERS
    ),
    "rembuk:hold": Case(
        kwargs=rembuk_district, method="post", allowed=("operator",), ok=302, not_found=OUTSIDERS
    ),
    "rembuk:changes": Case(
        kwargs=rembuk_district, method="post", allowed=("operator",), ok=302, not_found=OUTSIDERS
    ),
    "rembuk:berita-acara": Case(
        kwargs=lambda w: {**rembuk_district(w), "fmt": "docx"}, allowed=PLAN_READERS, not_found=OUTSIDERS
    ),
    "rembuk:signed-upload": Case(
        kwargs=lambda w: rembuk_district(w, held=True),
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("ttd.pdf", PDF_BYTES, "application/pdf")},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),  # fmt: skip
    "rembuk:signed-file": Case(
        kwargs=lambda w: rembuk_district(w, held=True, signed=True), allowed=PLAN_READERS, not_found=OUTSIDERS
    ),
    "rembuk:dissemination-add": Case(
        kwargs=lambda w: rembuk_district(w, held=True),
        method="post",
        data=lambda w: {"media": "radio", "date": "2026-04-20", "link": "https://contoh.go.id/a"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),  # fmt: skip
    "rembuk:dissemination-file": Case(kwargs=rembuk_dissemination, allowed=PLAN_READERS, not_found=OUTSIDERS),
    "rembuk:publish": Case(
        kwargs=lambda w: rembuk_district(w, held=True, signed=True),
        method="post",
        data=lambda w: {"on": "1"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),  # fmt: skip
    "rembuk:public-commitment": Case(kwargs=rembuk_published, allowed=ALL, anonymous=200),
    "assessment:home": Case(allowed=("operator", "opd", "provinsi", "pusat", *OUTSIDERS), ok=302),
    "assessment:rubrics": Case(allowed=("provinsi", "pusat")),
    "assessment:rubric": Case(
        kwargs=lambda w: assessment_rubric(w, published=False),
        allowed=("pusat",),
        not_found=(*ASSESSMENT_HIDDEN, "provinsi"),
    ),
    "assessment:rubric-upload": Case(
        kwargs=lambda w: assessment_rubric(w, published=False),
        method="post",
        data=assessment_rubric_file,
        allowed=("pusat",),
        ok=302,
        not_found=(*ASSESSMENT_HIDDEN, "provinsi"),
    ),  # fmt: skip
    "assessment:rubric-export": Case(
        kwargs=assessment_rubric, allowed=("provinsi", "pusat"), not_found=ASSESSMENT_HIDDEN
    ),
    "assessment:rubric-publish": Case(
        kwargs=lambda w: assessment_rubric(w, published=False),
        method="post",
        allowed=("pusat",),
        ok=302,
        not_found=(*ASSESSMENT_HIDDEN, "provinsi"),
    ),  # fmt: skip
    "assessment:rubric-copy": Case(
        kwargs=assessment_rubric, method="post", allowed=("pusat",), ok=302, not_found=ASSESSMENT_HIDDEN
    ),
    "assessment:province": Case(kwargs=lambda w: {"kode": "32"}, allowed=("provinsi", "pusat")),
    "assessment:round-create": Case(
        kwargs=lambda w: {"kode": "32"},
        method="post",
        data=assessment_new_round,
        allowed=("provinsi",),
        ok=302,
    ),
    "assessment:round": Case(
        kwargs=assessment_round, allowed=("provinsi", "pusat"), not_found=ASSESSMENT_HIDDEN
    ),
    "assessment:round-export": Case(
        kwargs=assessment_round, allowed=("provinsi", "pusat"), not_found=ASSESSMENT_HIDDEN
    ),
    "assessment:round-publish": Case(
        kwargs=assessment_round, method="post", allowed=("provinsi",), ok=302, not_found=ASSESSMENT_HIDDEN
    ),
    "assessment:district": Case(
        kwargs=lambda w: assessment_district(w, published=True),
        allowed=("operator", "opd", "provinsi", "pusat"),
        not_found=NOT_PROVINCE,
    ),  # fmt: skip
    "assessment:grade": Case(kwargs=assessment_district, allowed=("provinsi",), not_found=ASSESSMENT_HIDDEN),
    "assessment:notes": Case(
        kwargs=assessment_district,
        method="post",
        data=lambda w: {"supervision": "Perkuat data", "recommendations": "-"},
        allowed=("provinsi",),
        ok=302,
        not_found=ASSESSMENT_HIDDEN,
    ),  # fmt: skip
    "assessment:respond": Case(
        kwargs=lambda w: assessment_district(w, published=True),
        method="post",
        data=lambda w: {"text": "Terima kasih, akan ditindaklanjuti"},
        allowed=("operator",),
        ok=302,
        not_found=NOT_PROVINCE,
    ),  # fmt: skip
    "assessment:kabkota": Case(kwargs=lambda w: KAB_KW, allowed=("operator", "opd", "provinsi", "pusat")),
    "assessment:national": Case(allowed=("pusat",)),
    "knowledge:public-list": Case(allowed=ALL, anonymous=200),
    "knowledge:public-detail": Case(
        kwargs=lambda w: {"pk": knowledge_practice(w, "terbit").pk}, allowed=ALL, anonymous=200
    ),  # fmt: skip
    "knowledge:public-file": Case(kwargs=lambda w: knowledge_file(w, "terbit"), allowed=ALL, anonymous=200),
    "knowledge:guides": Case(allowed=ALL, anonymous=200),
    "knowledge:guide": Case(kwargs=lambda w: {"nomor": 5}, allowed=ALL, anonymous=200),
    "knowledge:manage": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "knowledge:create": Case(
        kwargs=lambda w: KAB_KW, method="post", data=lambda w: KNOWLEDGE, allowed=("operator",), ok=302
    ),
    "knowledge:queue": Case(allowed=("provinsi", "pusat")),
    "knowledge:detail": Case(kwargs=knowledge_draft, allowed=PLAN_READERS, not_found=OUTSIDERS),
    "knowledge:update": Case(
        kwargs=knowledge_draft,
        method="post",
        data=lambda w: {**KNOWLEDGE, "version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),  # fmt: skip
    "knowledge:submit": Case(
        kwargs=knowledge_draft,
        method="post",
        data=lambda w: {"version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),  # fmt: skip
    "knowledge:delete": Case(
        kwargs=knowledge_draft, method="post", allowed=("operator",), ok=302, not_found=OUTSIDERS
    ),  # fmt: skip
    "knowledge:curate": Case(
        kwargs=knowledge_submitted,
        method="post",
        data=lambda w: {"action": "terbitkan"},
        allowed=("provinsi", "pusat"),
        ok=302,
        not_found=OUTSIDERS,
    ),  # fmt: skip
    "knowledge:file-add": Case(
        kwargs=knowledge_draft,
        method="post",
        data=knowledge_upload,
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),  # fmt: skip
    "knowledge:file": Case(kwargs=knowledge_file, allowed=PLAN_READERS, not_found=OUTSIDERS),
    "knowledge:file-delete": Case(
        kwargs=knowledge_file, method="post", allowed=("operator",), ok=302, not_found=OUTSIDERS
    ),  # fmt: skip
    "datasystem:home": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "datasystem:action-add": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {**DATASYSTEM_ACTION, "opd": str(w.opd["Dinkes"].pk)},
        allowed=("operator",),
        ok=302,
    ),
    "datasystem:level": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: datasystem_level(),
        allowed=("operator",),
        ok=302,
    ),
    "datasystem:document": Case(kwargs=lambda w: {**KAB_KW, "fmt": "docx"}, allowed=PLAN_READERS),
    "datasystem:attach": Case(
        kwargs=datasystem_plan, method="post", data=lambda w: {"tahun": "2026"}, allowed=("operator",), ok=302
    ),
    "datasystem:action": Case(kwargs=datasystem_action, allowed=PLAN_READERS, not_found=OUTSIDERS),
    "reviews:home": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "reviews:build": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {"tahun": "2026"},
        allowed=("operator",),
        ok=302,
    ),
    "reviews:sentence": Case(
        kwargs=lambda w: {**review_2026(w), "key": "rencana"},
        method="post",
        data=lambda w: {"sentence": "Kalimat tim.", "version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=REVIEW_NOT_FOUND,
    ),  # fmt: skip
    "reviews:recommendation-add": Case(
        kwargs=review_2026,
        method="post",
        data=lambda w: {"text": "Baru", "version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=REVIEW_NOT_FOUND,
    ),  # fmt: skip
    "reviews:recommendation-edit": Case(
        kwargs=review_recommendation,
        method="post",
        data=lambda w: {"text": "Ubah", "version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=REVIEW_NOT_FOUND,
    ),  # fmt: skip
    "reviews:recommendation-delete": Case(
        kwargs=review_recommendation,
        method="post",
        data=lambda w: {"version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=REVIEW_NOT_FOUND,
    ),  # fmt: skip
    "reviews:finalize": Case(
        kwargs=review_2026,
        method="post",
        data=lambda w: {"version": "1"},
        allowed=("operator",),
        ok=302,
        not_found=REVIEW_NOT_FOUND,
    ),  # fmt: skip
    "reviews:attach": Case(
        kwargs=lambda w: review_2026(w, final=True),
        method="post",
        allowed=("operator",),
        ok=302,
        not_found=REVIEW_NOT_FOUND,
    ),  # fmt: skip
    "reviews:document": Case(
        kwargs=lambda w: {**review_2026(w), "fmt": "docx"}, allowed=PLAN_READERS, not_found=REVIEW_NOT_FOUND
    ),
    "reports:start": Case(
        kwargs=lambda w: {"key": "rencana", "kode": KAB},
        method="post",
        data=lambda w: {"fmt": "pdf"},
        allowed=PLAN_READERS,
        ok=302,
    ),
    "plans:home": Case(kwargs=lambda w: KAB_KW, allowed=VIEWERS),
    "plans:seed": Case(
        kwargs=lambda w: KAB_KW,
        method="post",
        data=lambda w: {"tahun": "2026"},
        allowed=("operator",),
        ok=302,
    ),
    "plans:documents": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "plans:integration": Case(kwargs=lambda w: KAB_KW, allowed=PLAN_READERS),
    "plans:integration-xlsx": Case(kwargs=lambda w: (plan_draft(w), KAB_KW)[1], allowed=PLAN_READERS),
    "plans:detail": Case(kwargs=plan_draft, allowed=VIEWERS, not_found=OUTSIDERS),
    "plans:row-add": Case(kwargs=plan_draft, allowed=("operator", "opd"), not_found=OUTSIDERS),
    "plans:stage": Case(
        kwargs=plan_draft,
        method="post",
        data=lambda w: {"stage": "dprd", "date": "2026-03-01"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "plans:attach": Case(
        kwargs=plan_final, method="post", allowed=("operator",), ok=302, not_found=OUTSIDERS
    ),
    "plans:new-version": Case(
        kwargs=plan_final,
        method="post",
        data=lambda w: {"note": "Hasil Rembuk"},
        allowed=("operator",),
        ok=302,
        not_found=OUTSIDERS,
    ),
    "plans:diff": Case(kwargs=plan_second_version, allowed=PLAN_READERS, not_found=OUTSIDERS),
    "plans:upload": Case(
        kwargs=plan_draft, method="post", allowed=("operator",), ok=302, not_found=OUTSIDERS
    ),
    "plans:download": Case(
        kwargs=lambda w: {**plan_draft(w), "fmt": "xlsx"}, allowed=PLAN_READERS, not_found=OUTSIDERS
    ),
    "plans:stage-file": Case(kwargs=plan_stage_file, allowed=PLAN_READERS, not_found=OUTSIDERS),
    "plans:row-edit": Case(kwargs=plan_row, allowed=("operator", "opd"), not_found=OUTSIDERS),
    "plans:row-delete": Case(
        kwargs=plan_row, method="post", allowed=("operator", "opd"), ok=302, not_found=OUTSIDERS
    ),
    "plans:row-split": Case(
        kwargs=plan_row, method="post", allowed=("operator", "opd"), ok=302, not_found=OUTSIDERS
    ),
}


# ---- the second method of the views that answer GET and POST --------------------------------------


@dataclass
class Post:
    """A POST that works, for a view the matrix requests with GET: ``allowed`` personas get ``ok`` and
    change the database with it, so everyone else's refusal of the same payload is no empty-form accident."""

    data: Callable = lambda w: {}
    allowed: tuple = ()
    ok: int = 302
    writes: bool = True


def verified_value_waiting(w):
    """A U01 figure of Cimungkal for 2025, entered and not yet verified (what the verify button acts on)."""
    from konvergensi.indicators import services
    from konvergensi.indicators.models import DataValue, Indicator
    from konvergensi.wilayah.models import Region

    if not DataValue.objects.filter(desa_id=DESA, indicator__kode="U01", periode="2025").exists():
        services.value_set(scope=w.scopes["operator"], indicator=Indicator.objects.get(kode="U01"),
                           desa=Region.objects.get(kode=DESA), periode="2025", numerator=1, denominator=2,
                           expected_version=0, by=w.user("operator"))  # fmt: skip
    return {"indikator": "U01", "periode": "2025"}


def filled_upload(w):
    from tests.indicators.test_indicators import filled_template

    edits = {(DESA, "U01 Pembilang"): 1, (DESA, "U01 Penyebut"): 2}
    return {"file": SimpleUploadedFile("isi.xlsx", filled_template(edits=edits))}


def eppgbm_upload(w):
    from tests.measurements.test_measurements import as_csv, export

    return {"file": SimpleUploadedFile("e.csv", as_csv(export(n=20, errors=False)))}


def sebaran_upload(w):
    from tests.ansit.test_ansit import GOOD_CSV

    return {"tahun": "2026", "periode": "2025", "level": "desa", "input_source": "unggahan", "margin": "50",
            "file": SimpleUploadedFile("sebaran.csv", GOOD_CSV.encode())}  # fmt: skip


def measured_round(w):
    """The matrix's round, now with committed measurements (a round without any cannot be published)."""
    from konvergensi.measurements.models import MeasurementRound
    from konvergensi.measurements.selectors import committed_imports
    from tests.publication.test_publication import children, import_into

    rnd = MeasurementRound.objects.get(kabkota_id=KAB, nama="Februari 2026")
    if not committed_imports([rnd.pk]).exists():
        import_into(w, rnd, children([DESA], 12, seed=1))
    return {}


def quality_chart(w):
    """A chart of the quality panel of the matrix's round, measured (a round without data has none)."""
    kwargs = measurement_round(w)
    measured_round(w)
    return {**kwargs, "name": "age"}


def remembered_desa_name(w):
    from konvergensi.measurements.models import DesaAlias

    alias, _ = DesaAlias.objects.get_or_create(
        kabkota_id=KAB, kecamatan_key="WADO", desa_key="CIMUNGKAL", puskesmas=None,
        defaults={"desa_id": DESA, "created_by": w.user("operator")},
    )  # fmt: skip
    return {"hapus": str(alias.pk)}


# A working POST for each page the matrix requests with GET that also takes POST (a test below makes
# every view that declares both have one). Who may make it gets ``ok`` and changes the database; everyone
# else sending the same payload changes nothing.
POSTS: dict[str, Post] = {
    "budget:line-edit": Post(data=budget_line_post, allowed=("operator", "opd")),
    "budget:catalogue": Post(data=catalogue_upload, allowed=("pusat",)),
    "plans:row-add": Post(data=lambda w: PLAN_ROW, allowed=("operator", "opd")),
    "plans:row-edit": Post(data=lambda w: {**PLAN_ROW, "version": "1"}, allowed=("operator", "opd")),
    "plans:documents": Post(data=plan_doc_upload, allowed=("operator", "opd")),
    "assessment:rubrics": Post(data=lambda w: {"tahun": "2026"}, allowed=("pusat",)),
    "assessment:rubric": Post(data=lambda w: {"kelas-2": "85", "version": "1"}, allowed=("pusat",)),
    "assessment:grade": Post(data=assessment_grades, allowed=("provinsi",)),
    "rembuk:detail": Post(
        data=lambda w: {**REMBUK_EVENT, "place": "Pendopo", "version": "2"}, allowed=("operator",)
    ),
    # The OPD that owns the action updates its status; the operator may too.
    "datasystem:action": Post(
        data=lambda w: {
            **DATASYSTEM_ACTION,
            "opd": str(w.opd["Dinkes"].pk),
            "version": "1",
            "status": "berjalan",
        },
        allowed=("operator", "opd"),
    ),
    "accounts:login": Post(data=lambda w: {"username": "operator", "password": PASSWORD}, allowed=(None,)),
    "accounts:user-create": Post(
        data=lambda w: {
            "username": "staf-desa",
            "full_name": "Staf Desa",
            "password": "Kuat-Sekali-2026",
            "role": "desa",
            "region": DESA,
        },
        allowed=("operator",),  # the province and the nation may not create a desa account
    ),
    "accounts:password-change": Post(
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": "Sandi-Baru-2026",
            "new_password2": "Sandi-Baru-2026",
        },
        allowed=ALL,
    ),
    "accounts:password-reset": Post(
        data=lambda w: {"new_password1": "Sementara-2026", "new_password2": "Sementara-2026"},
        allowed=("operator", "pusat"),
    ),
    "indicators:detail": Post(
        data=lambda w: {"nama": "Balita diukur", "definisi": "Uji"}, allowed=("pusat",)
    ),
    "indicators:completeness": Post(data=verified_value_waiting, allowed=("operator",)),
    "indicators:sasaran": Post(
        data=lambda w: {
            "desa": DESA,
            "kec": KEC,
            "tahun": "2025",
            "action": "save",
            "version": "0",
            "balita": "5",
        },
        allowed=("operator", "kecamatan"),
    ),
    "indicators:upload": Post(data=filled_upload, allowed=("operator",)),
    # A Dukcapil/BKKBN-style aggregate file of data sasaran: staged and checked (a row of the pipeline).
    "indicators:sasaran-import": Post(
        data=lambda w: {
            "tahun": "2025",
            "file": SimpleUploadedFile("sasaran.csv", f"Kode Desa;Remaja Putri\n{DESA};12\n".encode()),
        },
        allowed=("operator", "kecamatan"),
    ),
    "indicators:assignments": Post(data=lambda w: {"action": "auto"}, allowed=("operator",)),
    "indicators:program": Post(
        data=lambda w: {
            "desa": DESA,
            "kec": KEC,
            "indikator": "U01",
            "tahun": "2025",
            "ada": "1",
            "version": "0",
        },
        allowed=("operator",),
    ),
    "ansit:analysis-create": Post(data=sebaran_upload, allowed=("operator",)),
    "ansit:reviews": Post(
        data=lambda w: {"kind": "fgd_opd", "judul": "Layanan air minum", "tahun": "2026"},
        allowed=("operator", "opd"),
    ),
    "ansit:review-detail": Post(data=lambda w: {"judul": "Posyandu", "version": "1"}, allowed=("operator",)),
    "measurements:rounds": Post(
        data=lambda w: {
            "nama": "Agustus 2026",
            "tanggal_mulai": "2026-08-01",
            "tanggal_selesai": "2026-08-31",
        },
        allowed=("operator",),
    ),
    "measurements:mapping": Post(
        data=lambda w: {"header-0": "Nama Balita", "field-0": "nama"}, allowed=MEASUREMENT_IMPORTERS
    ),
    "measurements:desa-aliases": Post(data=remembered_desa_name, allowed=("operator", "opd")),
    "measurements:import": Post(data=eppgbm_upload, allowed=MEASUREMENT_IMPORTERS),
    # Answers to a question the check never asked: refused even for the importer (issue 11).
    "imports:detail": Post(
        data=lambda w: {"pilih-0": "32.11.02.2001", "kec-0": "WADO", "desa-0": "CIMUNGKAL"}
    ),
    "publication:publish": Post(data=measured_round, allowed=("operator",)),
    "api:tokens": Post(data=lambda w: {"name": "SIPD", "days": "30"}, allowed=ALL, ok=200),
}

METHODS = ("GET", "POST")
# Distinctive names and codes of Sumedang's regions and of the objects the matrix makes there: a refusal
# of an outsider names none of them (their own path, echoed back in the page, is taken out first).
SUMEDANG = ("Sumedang", "32.11", "3211", "Wado", "Cimungkal", "Jatinunggal", "P321101001", "bukti.pdf",
            "Layanan air minum", "Prioritaskan PMT", "Februari 2026", "isi.xlsx", "e.csv")  # fmt: skip
MAJALENGKA = ("Majalengka", "32.10", "3210")


def url_patterns(patterns=None, namespace="") -> list[tuple[str, Callable, str]]:
    """(full name, view, route) of every URL pattern, in order, duplicates kept."""
    found = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += url_patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            assert p.name, f"URL pattern {p.pattern} has no name: name it and add it to the matrix"
            found.append((namespace + p.name, p.callback, str(p.pattern)))
    return found


def url_names(patterns=None, namespace="") -> set[str]:
    return {name for name, _, _ in url_patterns(patterns, namespace)}


def shared_names(patterns=None) -> list[str]:
    names = [name for name, _, _ in url_patterns(patterns)]
    return sorted({n for n in names if names.count(n) > 1})


def declared_methods(view) -> tuple[str, ...] | None:
    """GET and/or POST as the view declares them: a class-based view by its handlers, a function by a
    ``require_http_methods`` (``require_POST``, ``require_GET``) among its decorators; else None."""
    if hasattr(view, "view_class"):
        cls = view.view_class
        return tuple(m for m in METHODS if m.lower() in cls.http_method_names and hasattr(cls, m.lower()))
    if isinstance(view, functools.partial):  # the REST API's schema and docs views (django-ninja)
        view = view.func
    ninja_path = inspect.getclosurevars(view).nonlocals.get("self")
    if hasattr(ninja_path, "operations"):  # a REST API path (django-ninja PathView): its operations' methods
        return tuple(m for m in METHODS if any(m in op.methods for op in ninja_path.operations))
    fn = view
    while fn is not None:
        declared = inspect.getclosurevars(fn).nonlocals.get("request_method_list")
        if declared is not None:
            return tuple(m for m in METHODS if m in declared)
        fn = getattr(fn, "__wrapped__", None)
    return None


def accepted_methods(view) -> tuple[str, ...]:
    """What the view takes: what it declares, or both when it declares nothing."""
    declared = declared_methods(view)
    return METHODS if declared is None else declared


VIEWS = {name: view for name, view, _ in url_patterns()}
ROUTES = {name: route for name, _, route in url_patterns()}


def test_every_url_pattern_is_in_the_matrix():
    assert url_names() == set(MATRIX), "add new URLs to MATRIX (and remove deleted ones)"


def test_no_two_url_patterns_share_a_name():
    assert shared_names() == [], "reverse() finds only one of them: give each pattern its own name"


def test_a_shared_name_is_found_even_in_another_namespace():
    def view(request):
        return None

    inner = ([path("c/", view, name="y"), path("d/", view, name="y"), path("e/", view, name="x")], "ns")
    patterns = [path("a/", view, name="x"), path("b/", include(inner))]
    assert shared_names(patterns) == ["ns:y"]


def test_every_view_that_declares_get_and_post_has_a_working_post():
    get_pages = {n for n, c in MATRIX.items() if c.method == "get"}
    declared = {n for n in get_pages if declared_methods(VIEWS[n]) == METHODS}
    assert declared <= set(POSTS), f"add a working POST for {sorted(declared - set(POSTS))} to POSTS"
    takes_post = {n for n in get_pages if "POST" in accepted_methods(VIEWS[n])}
    assert set(POSTS) <= takes_post, f"{sorted(set(POSTS) - takes_post)} take no POST or are POSTed already"


@pytest.mark.parametrize("name", sorted(n for n in MATRIX if set(accepted_methods(VIEWS[n])) != set(METHODS)))
def test_a_view_refuses_the_methods_it_does_not_declare(world, name):
    case = MATRIX[name]
    client = Client()
    client.force_login(world.user(case.allowed[0] if case.allowed else "operator"))  # API: a 405 first
    url = reverse(name, kwargs=case.kwargs(world))
    for method in set(METHODS) - set(accepted_methods(VIEWS[name])):
        before = fingerprint()
        assert getattr(client, method.lower())(url).status_code == 405, f"{method} {url}"
        assert_unchanged(before, fingerprint(), f"{method} {url}")


def expected_status(case: Case, persona: str | None) -> int:
    if persona is None:
        return case.anonymous
    if persona in case.allowed:
        return case.ok
    if persona in case.not_found:
        return 404
    return case.other


def is_refusal(case: Case, persona: str | None) -> bool:
    """The persona may not use the page at all: a 403, a 404 or (not logged in) the login page."""
    if persona is None:
        return case.anonymous == 302
    return persona not in case.allowed


def body_without(response, url: str) -> str:
    """The page's text without the address the requester typed (the language switch echoes it back)."""
    if getattr(response, "streaming", False):
        return ""  # a refusal is never a download; the status check catches one
    text = response.content.decode(errors="replace")
    return text.replace(escape(url), "").replace(url, "")


def assert_names_nothing_of(response, url: str, terms: tuple[str, ...], what: str) -> None:
    text = body_without(response, url)
    named = [t for t in terms if t in text]
    assert not named, f"{what}: the refusal names {named}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_persona_gets_the_expected_answer(world, name):
    """Every method the view takes, as every persona and anonymously; a refused request changes
    nothing and, for an outsider, names nothing of Sumedang.

    The personas share one world (built once per page, not once per persona and page: that was half
    of the PostgreSQL pass's time here); each runs in a savepoint rolled back after it, with an empty
    cache and the default language, so that none meets what another changed. Every persona is tried;
    the failures are reported together."""
    failures = []
    for persona in [*PERSONAS, None]:
        cache.clear()
        try:
            with transaction.atomic():
                persona_gets_the_expected_answer(world, name, persona)
                transaction.set_rollback(True)
        except AssertionError as exc:
            failures.append(f"[{persona or 'anonymous'}] {exc}")
        finally:
            translation.activate("id")
    assert not failures, "\n".join(failures)


def persona_gets_the_expected_answer(world, name: str, persona: str | None) -> None:
    case = MATRIX[name]
    client = Client()
    if persona is not None:
        client.force_login(world.user(persona))
    url = reverse(name, kwargs=case.kwargs(world))
    refused, post = is_refusal(case, persona), POSTS.get(name, Post())
    for method in accepted_methods(VIEWS[name]):  # GET first: it changes nothing a POST then needs
        what = f"{persona} {method} {url}"
        writes = False if refused else None  # must not change the database / must change it / unchecked
        if method == case.method.upper():
            data, expected = case.data(world), expected_status(case, persona)
        elif method == "GET":  # of a page the matrix POSTs to
            data, expected = {}, (expected_status(case, persona) if refused else None)
        elif refused:
            data, expected = post.data(world), expected_status(case, persona)
        elif persona in post.allowed:
            data, expected, writes = post.data(world), post.ok, (True if post.writes else None)
        else:  # may use the page, may not make this change: anything but a server error, and no change
            data, expected, writes = post.data(world), None, False
        before = fingerprint() if writes is not None else None
        response = getattr(client, method.lower())(url, data)
        if expected is None:
            assert response.status_code < 500, what
        else:
            assert response.status_code == expected, what
        if writes is False:
            assert_unchanged(before, fingerprint(), what)
        elif writes:
            assert fingerprint()["tables"] != before["tables"], f"{what}: the POST in POSTS changed nothing"
        if persona is None and refused and name not in ("set_language", "accounts:logout"):
            assert response["Location"].startswith(reverse("accounts:login")), what
        if persona in OUTSIDERS and response.status_code in (403, 404):
            assert_names_nothing_of(response, url, SUMEDANG, what)


def majalengka_kwargs(case: Case, world) -> dict | None:
    """The same page for the neighbouring district or its own objects, where the matrix can say which."""
    if case.kwargs is aksi1:
        return {"pk": world.neighbour_siklus.aksi_set.get(nomor=1).pk}
    kwargs = case.kwargs(world)
    return {**kwargs, "kode": NEIGHBOUR} if kwargs.get("kode") == KAB else None


KABKOTA_PAGES = sorted(
    n for n, c in MATRIX.items() if c.allowed != ALL and ("<str:kode>" in ROUTES[n] or c.kwargs is aksi1)
)


@pytest.mark.parametrize("name", KABKOTA_PAGES)
def test_sumedang_is_refused_the_neighbours_pages_and_learns_nothing(world, name):
    case = MATRIX[name]
    kwargs = majalengka_kwargs(case, world)
    if kwargs is None:
        pytest.skip("a page of the province or the nation, not of a district")
    url = reverse(name, kwargs=kwargs)
    post = POSTS.get(name, Post())
    for persona in KABKOTA_PERSONAS:
        client = Client()
        client.force_login(world.user(persona))
        for method in accepted_methods(VIEWS[name]):
            what = f"{persona} {method} {url}"
            data = (
                case.data(world)
                if method == case.method.upper()
                else (post.data(world) if method == "POST" else {})
            )
            before = fingerprint()
            response = getattr(client, method.lower())(url, data)
            assert response.status_code in (403, 404), what
            assert_unchanged(before, fingerprint(), what)
            assert_names_nothing_of(response, url, MAJALENGKA, what)
