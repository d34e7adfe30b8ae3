"""One time zone per district, one date format (issue 13 §2).

Times were in UTC on some pages and WIB on others, and a publication's PDF, built in the worker,
was dated a day apart from its page. Now: a page about a region shows its province's zone
(WIB/WITA/WIT), other pages the zone of the user's region (national users and visitors: WIB);
the worker passes the district, so a PDF shows the date its page shows; and every template writes
dates with the two named formats ("1 Mar 2026", "1 Mar 2026 01.30 WIB").

Several tests set ``TIME_ZONE = "UTC"``: the server's own zone is then a day apart from WIB at
18:30 UTC, so a date taken in the wrong zone shows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from konvergensi import formats
from konvergensi.accounts.middleware import RegionTimeZoneMiddleware
from konvergensi.accounts.models import Role
from konvergensi.accounts.scope import ANONYMOUS, Scope
from konvergensi.aksi import tasks as aksi_tasks
from konvergensi.aksi.models import Aksi, Evidence
from konvergensi.jobs.models import Job
from konvergensi.measurements.demo import generate, kabkota_desa
from konvergensi.publication import tasks as publication_tasks
from konvergensi.publication.models import Publication
from tests.conftest import KAB
from tests.publication.test_publication import import_into, make_round

SRC = Path(__file__).resolve().parents[1] / "src" / "konvergensi"
# 28 Feb 18:30 UTC is already 1 March in all three zones: 01.30 WIB, 02.30 WITA, 03.30 WIT.
MOMENT = dt.datetime(2026, 2, 28, 18, 30, tzinfo=dt.UTC)


# --- one date format -------------------------------------------------------------------------

NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT"}
# A document's written-out date ("Rabu, 15 April 2026"), in one place: konvergensi.formats.long_date / weekday.
DOCUMENT = {"j F Y", "l"}
MACHINE = {"Y-m-d", "c"}  # the value of an <input type="date">, ISO attributes: not for reading
DATE_FILTER = re.compile(r"""\|\s*(?:date|time)\b(?:\s*:\s*(["'])(.*?)\1)?""")
# date_format(value, "…") / time_format(timezone.localtime(x), "…"): one level of parentheses inside.
PY_FORMAT = re.compile(r"""(?:date_format|time_format)\((?:[^()]|\([^()]*\))*?,\s*(["'])(.*?)\1""")


def test_templates_write_dates_only_with_the_named_formats():
    seen, ad_hoc = 0, []
    for path in sorted([*SRC.rglob("*.html"), *SRC.rglob("*.txt")]):
        text = path.read_text(encoding="utf-8")
        for m in DATE_FILTER.finditer(text):
            seen += 1
            if m.group(2) is not None and m.group(2) not in NAMED | MACHINE:
                line = text.count("\n", 0, m.start()) + 1
                ad_hoc.append(f"{path.relative_to(SRC)}:{line}: {m.group(0)}")
    assert seen > 25, "the scan found no date filters: is the pattern still right?"
    assert not ad_hoc, 'use |date:"DATE_FORMAT" or |date:"DATETIME_FORMAT":\n' + "\n".join(ad_hoc)


def test_python_code_formats_dates_only_with_the_named_formats():
    seen, ad_hoc = 0, []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in PY_FORMAT.finditer(text):
            seen += 1
            if m.group(2) not in NAMED and not (
                path == SRC / "formats" / "__init__.py" and m.group(2) in DOCUMENT
            ):
                ad_hoc.append(f"{path.relative_to(SRC)}: {m.group(0)}")
    assert seen >= 4, "the scan found no date_format calls: is the pattern still right?"
    assert not ad_hoc, "use konvergensi.formats.date_text / datetime_text:\n" + "\n".join(ad_hoc)


@pytest.mark.parametrize(
    ("language", "kode", "date", "moment"),
    [
        ("id", "32.11", "1 Mar 2026", "1 Mar 2026 01.30 WIB"),
        ("id", "73.71", "1 Mar 2026", "1 Mar 2026 02.30 WITA"),
        ("id", "91.01", "1 Mar 2026", "1 Mar 2026 03.30 WIT"),
        ("en", "73.71", "1 Mar 2026", "1 Mar 2026 02:30 WITA"),
    ],
)
def test_the_one_format_in_each_language_and_zone(language, kode, date, moment):
    from django.utils import translation

    with translation.override(language):
        assert formats.date_text(MOMENT, kode) == date
        assert formats.datetime_text(MOMENT, kode) == moment
        assert formats.date_text(MOMENT.isoformat(), kode) == date  # as stored in a snapshot
        assert formats.date_text(dt.date(2026, 5, 3)) == ("3 Mei 2026" if language == "id" else "3 May 2026")


# --- pages: the zone of the region the page is about, or of the user --------------------------


@pytest.mark.parametrize(
    ("url_kode", "role", "scope_kode", "zone"),
    [
        ("73.71", Role.PUSAT, None, "Asia/Makassar"),  # a page about a district: its zone, for everyone
        ("73.71.01.2001", None, None, "Asia/Makassar"),  # a visitor on a public page of a WITA desa
        ("94.01", Role.PROVINSI, "32", "Asia/Jayapura"),  # the region looked at, not the reader's
        (None, Role.OPERATOR, "91.01", "Asia/Jayapura"),  # other pages: the user's own district
        (None, Role.DESA, "64.72.01.1001", "Asia/Makassar"),
        ("P01", Role.PROVINSI, "73", "Asia/Makassar"),  # a code in the URL that is not a region
        (None, Role.PUSAT, None, "Asia/Jakarta"),  # national users: WIB
        (None, None, None, "Asia/Jakarta"),  # visitors: WIB
        ("99.01", None, None, "Asia/Jakarta"),  # no such province
    ],
)
def test_the_middleware_activates_the_zone_of_the_page_or_of_the_user(rf, url_kode, role, scope_kode, zone):
    kwargs = {"kode": url_kode} if url_kode else {}
    seen = {}

    def view(request, **kw):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    def handler(request):  # what Django's handler does between the middleware's two halves
        assert middleware.process_view(request, view, (), kwargs) is None
        return view(request, **kwargs)

    middleware = RegionTimeZoneMiddleware(handler)
    request = rf.get("/")
    request.scope = Scope(role=role, kode=scope_kode) if role else ANONYMOUS
    middleware(request)
    assert seen["zone"] == zone
    assert timezone.get_current_timezone_name() == "Asia/Jakarta"  # nothing left for the next request


def test_times_on_a_district_page_are_in_the_district_zone_with_its_name(world, settings):
    settings.TIME_ZONE = "UTC"
    Evidence.objects.filter(pk=world.evidence.pk).update(uploaded_at=MOMENT)
    url = reverse("aksi:detail", kwargs={"pk": world.aksi[1].pk})
    for persona in ("operator", "provinsi", "pusat"):  # the national user reads the district's zone too
        client = Client()
        client.force_login(world.user(persona))
        page = client.get(url).content.decode()
        assert "1 Mar 2026 01.30 WIB" in page, persona
        assert "28 Feb 2026 18" not in page and "18.30" not in page, persona
    client.cookies["django_language"] = "en"
    assert "1 Mar 2026 01:30 WIB" in client.get(url).content.decode()


def test_the_users_own_zone_on_pages_about_no_region(world, settings):
    settings.TIME_ZONE = "UTC"
    operator = world.user("operator")
    client = Client()
    client.force_login(operator)  # sets last_login to now: put the known moment back
    type(operator).objects.filter(pk=operator.pk).update(last_login=MOMENT)
    page = client.get(reverse("accounts:user-list")).content.decode()  # no region in its URL
    assert "1 Mar 2026 01.30 WIB" in page


# --- the worker: the district's zone without a request ----------------------------------------


@pytest.mark.slow
def test_a_publication_pdf_is_dated_as_its_page_near_midnight(world, settings, tmp_path):
    """Built at 28 Feb 18:30 UTC = 1 Mar 01.30 WIB: the public page and the PDF both say 1 Mar."""
    settings.TIME_ZONE = "UTC"
    rnd = make_round(world)
    import_into(world, rnd, generate(kabkota_desa(KAB)[:6], n=40, visit_from=dt.date(2026, 2, 1),
                                     visit_to=dt.date(2026, 2, 20), seed=5))  # fmt: skip
    job = publication_tasks.round_publish(scope=world.scopes["operator"], rnd=rnd, by=world.user("operator"))
    timezone.deactivate()  # the worker has no request: the server's zone (here UTC) is active
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        publication_tasks.publication_run.call(str(job.pk))
    assert Job.objects.get(pk=job.pk).status == "done"
    pub = Publication.objects.get(round=rnd, withdrawn_at__isnull=True)
    assert pub.published_at == MOMENT

    page = (
        Client().get(reverse("publication:public-round", kwargs={"kode": KAB, "pk": rnd.pk})).content.decode()
    )
    assert "Dipublikasikan 1 Mar 2026." in page

    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed for this test"
    path = tmp_path / "publikasi.pdf"
    path.write_bytes(pub.pdf.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    assert "diterbitkan 1 Mar 2026" in text
    assert "diterbitkan 28 Feb" not in text
    assert "1 Feb 2026 – 28 Feb 2026" in text  # the round's own dates, in the same format


def _overdue_in_export(world, at: dt.datetime) -> int:
    job = aksi_tasks.export_pantau_start(
        region_kode="32", tahun=2026, title="Rekap", by=world.user("provinsi")
    )
    timezone.deactivate()
    with mock.patch("django.utils.timezone.now", return_value=at):
        aksi_tasks.export_pantau.call(str(job.pk))
    job.refresh_from_db()
    sheet = load_workbook(io.BytesIO(job.result_file.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    sumedang = next(r for r in rows[1:] if r[0] == KAB)
    return sumedang[header.index("Terlambat")]


def test_the_pantau_export_counts_late_aksi_by_the_district_calendar(world, settings):
    """An aksi due 28 February is late from 1 March 00.00 WIB (28 Feb 17:00 UTC), not from UTC midnight."""
    settings.TIME_ZONE = "UTC"
    Aksi.objects.filter(pk=world.aksi[2].pk).update(due_date=dt.date(2026, 2, 28))
    due = Aksi.objects.filter(siklus=world.siklus, due_date=dt.date(2026, 2, 28))
    open_due = due.exclude(status__in=("diajukan", "diverifikasi")).count()
    assert open_due >= 1
    before = _overdue_in_export(world, dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.UTC))  # 23.30 WIB, 28 Feb
    after = _overdue_in_export(world, MOMENT)  # 01.30 WIB, 1 Mar; still 28 Feb in UTC
    assert after == before + open_due


def test_the_situation_analysis_document_is_dated_in_its_district_zone(settings):
    """The ansit document (PDF, Word, Excel) is drawn in the worker from ``facts``: in the zone of
    the analysis' district, whatever the server's."""
    from types import SimpleNamespace

    from konvergensi.ansit import reports as ansit_reports

    settings.TIME_ZONE = "UTC"
    seen = {}

    class Stop(Exception):
        pass

    def facts(doc):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["generated"] = ansit_reports._date(timezone.now())
        raise Stop

    doc = SimpleNamespace(analysis=SimpleNamespace(kabkota_id="73.71"))  # Kota Makassar: WITA
    timezone.deactivate()
    with (
        mock.patch.object(ansit_reports, "facts", facts),
        mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.UTC)),
        pytest.raises(Stop),
    ):
        ansit_reports.build(doc, lambda done, message: None)
    assert seen == {"zone": "Asia/Makassar", "generated": "1 Mar 2026"}  # 00.30 WITA; 28 Feb in UTC and WIB
    assert timezone.get_current_timezone_name() == "UTC"  # and the worker's zone is back afterwards


# --- pages about one district whose URL has no region code (aksi/<pk>/, analisis/<pk>/, …) ------
# Each shows the times of its district in the district's zone, whoever reads it: the national
# (Bangda) reader, whose own zone is the server's (here UTC), sees 02.30 WITA / 03.30 WIT.

DENPASAR = "51.71"  # Kota Denpasar, Bali: WITA
JAYAPURA = "91.71"  # Kota Jayapura, Papua: WIT
WITA = "1 Mar 2026 02.30 WITA"
WIT = "1 Mar 2026 03.30 WIT"


def _district(kode: str):
    """Load a district of another zone (the fixtures load two of Java) and its operator."""
    from konvergensi.accounts.scope import scope_for_user
    from konvergensi.wilayah import services as wilayah_services
    from konvergensi.wilayah.models import Region
    from tests.conftest import make_user

    wilayah_services.region_load(only_prefixes=(kode,))
    operator = make_user(f"operator-{kode}", Role.OPERATOR, kode)
    return Region.objects.get(kode=kode), operator, scope_for_user(operator)


def _page(user, url: str, zone_text: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert zone_text in page, url
    assert "28 Feb 2026 18" not in page and "01.30 WIB" not in page, url  # neither UTC nor WIB
    return page


def test_the_situation_analysis_pages_are_in_the_district_zone(world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from konvergensi.ansit import selectors as ansit_selectors
    from konvergensi.ansit import services as ansit_services
    from konvergensi.ansit.models import Analysis, LokusList, Review, ReviewComment
    from konvergensi.wilayah.models import Region

    settings.TIME_ZONE = "UTC"
    kab, operator, scope = _district(DENPASAR)
    desa = list(Region.objects.filter(level="desa", kode__startswith=DENPASAR + ".").order_by("kode")[:6])
    rows = "".join(f"{d.kode};{d.nama};{5 + 7 * i};100\n" for i, d in enumerate(desa))
    upload = SimpleUploadedFile(
        "sebaran.csv", ("Kode Desa;Nama Desa;Jumlah Kasus;Jumlah Diukur\n" + rows).encode()
    )
    analysis = ansit_services.analysis_create(
        scope=scope, kabkota=kab, tahun=2026, periode="2025", level="desa", input_source="unggahan",
        data_source="balita_1_tahun", upload=upload, by=operator,
    )  # fmt: skip
    lokus = ansit_services.lokus_confirm(
        scope=scope,
        analysis=analysis,
        settings=ansit_selectors.LokusSettings("any", "count", 2.0),
        by=operator,
    )
    Analysis.objects.filter(pk=analysis.pk).update(created_at=MOMENT)
    LokusList.objects.filter(pk=lokus.pk).update(confirmed_at=MOMENT)
    review = Review.objects.create(kabkota=kab, tahun=2026, kind="fgd_opd", judul="FGD gizi", created_by=operator,
                                   updated_by=operator)  # fmt: skip
    comment = ReviewComment.objects.create(review=review, author=operator, body="Catatan")
    Review.objects.filter(pk=review.pk).update(updated_at=MOMENT)
    ReviewComment.objects.filter(pk=comment.pk).update(created_at=MOMENT)

    pusat = world.user("pusat")
    _page(pusat, reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk}), "Dibuat " + WITA)
    _page(pusat, reverse("ansit:lokus", kwargs={"pk": analysis.pk}), "dikonfirmasi " + WITA)
    page = _page(pusat, reverse("ansit:review-detail", kwargs={"pk": review.pk}), WITA)
    assert page.count(WITA) == 2  # last change and the comment


def test_the_publish_page_is_in_the_district_zone(world, settings):
    from konvergensi.measurements.models import MeasurementRound

    settings.TIME_ZONE = "UTC"
    kab, operator, _scope = _district(DENPASAR)
    rnd = MeasurementRound.objects.create(kabkota=kab, nama="Februari 2026", tanggal_mulai=dt.date(2026, 2, 1),
                                          tanggal_selesai=dt.date(2026, 2, 28), created_by=operator)  # fmt: skip
    pub = Publication.objects.create(round=rnd, data={}, published_by=operator)
    Publication.objects.filter(pk=pub.pk).update(published_at=MOMENT)
    # Only the district's operator may publish: the page is in its zone, not the server's.
    _page(operator, reverse("publication:publish", kwargs={"pk": rnd.pk}), f"<td>{WITA}</td>")  # its history


def test_the_job_page_is_in_the_zone_of_the_jobs_region(world, settings):
    settings.TIME_ZONE = "UTC"
    _district(JAYAPURA)
    pusat = world.user("pusat")
    job = Job.objects.create(kind="export", title="Rekap Papua", created_by=pusat, region_kode="91")
    Job.objects.filter(pk=job.pk).update(created_at=MOMENT)
    _page(pusat, reverse("jobs:detail", kwargs={"pk": job.pk}), f"Dimulai {WIT}.")
    national = Job.objects.create(kind="export", title="Rekap nasional", created_by=pusat, region_kode="")
    Job.objects.filter(pk=national.pk).update(created_at=MOMENT)
    client = Client()
    client.force_login(pusat)
    page = client.get(reverse("jobs:detail", kwargs={"pk": national.pk})).content.decode()
    assert "Dimulai 28 Feb 2026 18.30 UTC." in page  # about no region: the reader's zone (here UTC)


def test_the_import_preview_is_in_the_district_zone(world, settings):
    from konvergensi.imports.models import Import, ImportStatus

    settings.TIME_ZONE = "UTC"
    kab, operator, _scope = _district(DENPASAR)
    imp = Import.objects.create(kind="data-desa", kabkota=kab, original_name="data.xlsx", created_by=operator,
                                status=ImportStatus.COMMITTED, committed_at=MOMENT)  # fmt: skip
    # Only its uploader sees an import: the page is in the district's zone, not the server's.
    _page(operator, reverse("imports:detail", kwargs={"pk": imp.pk}), "disimpan pada " + WITA)
