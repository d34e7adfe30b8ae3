"""Safe outputs (issue 11): no formula in any spreadsheet we write, download names from validated
values only, no-store on every page and download with personal data, the public PDF footer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import zipfile

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.measurements import imports
from konvergensi.measurements.models import Measurement
from konvergensi.publication import reports as publication_reports
from konvergensi.publication import snapshot
from konvergensi.web import attachment, download_name
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB
from tests.publication.test_publication import children, import_into, make_round, published

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
ATTACK_URL_STATUS = "a%0D%0AX-Injected:%201"


def formula_sheets(xlsx: bytes) -> list[str]:
    """The sheets of a workbook holding a formula element (``<f>``); [] means none."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        names = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert names
        return [n for n in names if b"<f>" in zf.read(n) or b"<f " in zf.read(n)]


def all_values(xlsx: bytes) -> list:
    wb = load_workbook(io.BytesIO(xlsx))
    return [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]


def login(world, persona="operator") -> Client:
    c = Client()
    c.force_login(world.user(persona))
    return c


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def round_with_attack_names(world):
    """A small round whose stunted children are named like formulas (as a hostile export would)."""
    rnd = make_round(world)
    import_into(world, rnd, children([DESA], 30, seed=5))
    stunted = list(Measurement.objects.filter(round=rnd, stunted=True).values_list("pk", flat=True)[:2])
    assert len(stunted) == 2
    Measurement.objects.filter(pk=stunted[0]).update(nama=HYPERLINK, nama_ortu="@SUM(A1)", posyandu="+A1+B1")
    Measurement.objects.filter(pk=stunted[1]).update(nama=DDE, nama_ortu="-2+3")
    return rnd


# --- formula injection -------------------------------------------------------------------------------


def test_the_child_list_export_writes_hostile_names_as_text(world, round_with_attack_names):
    rnd = round_with_attack_names
    r = login(world, "opd").get(reverse("measurements:children-export", kwargs={"pk": rnd.pk}))
    assert r.status_code == 200
    assert formula_sheets(r.content) == []
    values = all_values(r.content)
    assert "'" + HYPERLINK in values and "'" + DDE in values
    assert "'@SUM(A1)" in values and "'+A1+B1" in values and "'-2+3" in values
    assert HYPERLINK not in values and DDE not in values
    zscores = [v for v in values if isinstance(v, float) and v < -2]
    assert zscores  # negative numbers stay numbers
    assert no_store(r)


def test_the_measurement_problems_report_writes_hostile_values_as_text(world):
    rnd = make_round(world)
    frame = children([DESA], 5, seed=7).with_columns(
        pl.when(pl.col("No") == 1).then(pl.lit(DDE)).otherwise(pl.col("Berat")).alias("Berat"),
        pl.when(pl.col("No") == 2).then(pl.lit(HYPERLINK)).otherwise(pl.col("Tinggi")).alias("Tinggi"),
    )
    buffer = io.BytesIO()
    frame.write_csv(buffer, separator=";")
    scope, user = world.scopes["operator"], world.user("operator")
    imp = imports.stage(scope=scope, rnd=rnd, by=user, upload=SimpleUploadedFile("e.csv", buffer.getvalue()))
    imports.check(imp, scope=scope)
    c = login(world)
    r = c.get(reverse("imports:problems", kwargs={"pk": imp.pk}))
    assert r.status_code == 200 and no_store(r)
    assert formula_sheets(r.content) == []
    values = all_values(r.content)
    assert "'" + DDE in values and "'" + HYPERLINK in values
    page = c.get(reverse("imports:detail", kwargs={"pk": imp.pk}))
    assert page.status_code == 200 and no_store(page)


def test_the_village_data_problems_report_writes_hostile_values_as_text(world):
    from konvergensi.indicators import excel
    from konvergensi.indicators.models import Indicator
    from konvergensi_core import datadesa
    from tests.conftest import ensure_catalogue

    ensure_catalogue()
    content = excel.template(
        kabkota=Region.objects.get(kode=KAB), periode="2025",
        indicators=list(Indicator.objects.filter(kode__in=("U01",))), opd_label="x",
    )  # fmt: skip
    wb = load_workbook(io.BytesIO(content))
    ws = wb[datadesa.SHEET]
    cell = ws.cell(datadesa.HEADER_ROW + 1, 4)
    cell.value, cell.data_type = DDE, "s"  # typed as text by the officer
    out = io.BytesIO()
    wb.save(out)
    c = login(world)
    r = c.post(
        reverse("indicators:upload", kwargs={"kode": KAB}),
        {"file": SimpleUploadedFile("isi.xlsx", out.getvalue())},
    )
    preview = r["Location"]
    page = c.get(preview)
    assert page.status_code == 200 and no_store(page)
    problems = c.get(preview + "masalah.xlsx")
    assert problems.status_code == 200 and no_store(problems)
    assert formula_sheets(problems.content) == []
    assert "'" + DDE in all_values(problems.content)


def test_the_aksi_1_annex_writes_hostile_names_and_texts_as_text(world):
    from konvergensi.ansit import reports, services
    from konvergensi.ansit.models import AnsitDocument, Recommendation
    from tests.ansit.test_ansit import HOT_JATI, TAHUN, confirm_lokus, make_analysis, seed
    from tests.conftest import ensure_catalogue

    ensure_catalogue()
    seed()
    Region.objects.filter(kode=HOT_JATI).update(nama=DDE)  # a desa name as a district might mistype it
    analysis = make_analysis(world)
    confirm_lokus(world, analysis)
    services.recommendations_generate(
        scope=world.scopes["operator"],
        kabkota=Region.objects.get(kode=KAB),
        tahun=TAHUN,
        by=world.user("operator"),
    )
    Recommendation.objects.filter(pk=Recommendation.objects.order_by("pk").first().pk).update(text=HYPERLINK)
    doc = AnsitDocument.objects.create(
        kabkota_id=KAB, tahun=TAHUN, analysis=analysis, created_by=world.user("operator")
    )
    xlsx = reports.render_xlsx(reports.facts(doc))
    assert formula_sheets(xlsx) == []
    values = all_values(xlsx)
    assert "'" + DDE in values and "'" + HYPERLINK in values
    assert DDE not in values and HYPERLINK not in values


def test_the_public_csv_prefixes_a_name_that_starts_like_a_formula(world):
    rnd = make_round(world)
    import_into(world, rnd, children([DESA, "32.11.01.2002"], 30, seed=9))
    Region.objects.filter(kode=DESA).update(nama="=1+2")
    published(world, rnd)
    r = Client().get(reverse("publication:public-csv", kwargs={"kode": KAB, "pk": rnd.pk}))
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    names = [row[2] for row in rows[1:]]
    assert "'=1+2" in names and "=1+2" not in names


# --- download names ------------------------------------------------------------------------------


def test_the_attack_url_gives_the_default_list_and_no_injected_header(world, round_with_attack_names):
    rnd = round_with_attack_names
    url = reverse("measurements:children-export", kwargs={"pk": rnd.pk})
    c = login(world, "opd")  # Dinas Kesehatan: the district's follow-up lists
    r = c.get(f"{url}?status={ATTACK_URL_STATUS}")
    assert r.status_code == 200
    assert "X-Injected" not in r.headers
    assert r["Content-Disposition"] == f'attachment; filename="anak-stunting-{rnd.pk}.xlsx"'
    r = c.get(url, {"status": 'x"; filename="evil.exe'})
    assert (
        r.status_code == 200
        and r["Content-Disposition"] == f'attachment; filename="anak-stunting-{rnd.pk}.xlsx"'
    )
    r = c.get(url, {"status": "gizi"})
    assert r["Content-Disposition"] == f'attachment; filename="anak-gizi-{rnd.pk}.xlsx"'
    page = c.get(reverse("measurements:children", kwargs={"pk": rnd.pk}), {"status": "a\r\nb"})
    assert page.status_code == 200 and no_store(page)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anak-a\r\nX-Injected: 1-2.xlsx", 'attachment; filename="anak-aX-Injected-1-2.xlsx"'),
        ('anak-x"; filename="evil.exe-2.xlsx', 'attachment; filename="anak-x-filename-evil.exe-2.xlsx"; '
                                               "filename*=UTF-8''anak-x-filename%3D-evil.exe-2.xlsx"),
        ("Ñandú; ok.csv", "attachment; filename=\"Nandu-ok.csv\"; filename*=UTF-8''%C3%91and%C3%BA-ok.csv"),
        ("", 'attachment; filename="unduhan"'),
    ],
)  # fmt: skip
def test_the_attachment_helper_builds_a_safe_header(name, expected):
    response = attachment(b"x", name, "text/plain")
    assert response["Content-Disposition"] == expected
    assert response["Cache-Control"] == "private, no-store"
    ascii_name, _unicode = download_name(name)
    assert not set('"\\;\r\n') & set(ascii_name)


def test_public_files_keep_their_caching_and_the_pdf_stays_inline(world):
    rnd = make_round(world)
    import_into(world, rnd, children([DESA, "32.11.01.2002"], 30, seed=9))
    published(world, rnd)
    r = Client().get(reverse("publication:public-pdf", kwargs={"kode": KAB, "pk": rnd.pk}))
    assert r["Content-Disposition"].startswith('inline; filename="stunting-32.11-')
    assert "no-store" not in r.get("Cache-Control", "")


# --- the public PDF footer ---------------------------------------------------------------------------


@pytest.mark.slow
# where libharfbuzz-subset is missing, WeasyPrint warns (the test suite turns warnings into errors)
@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")
def test_the_pdf_footer_shows_the_round_name_escaped_once(world, tmp_path):
    nama = "Februari & Maret <2026>"
    rnd = make_round(world, nama=nama, start=dt.date(2026, 2, 1))
    import_into(world, rnd, children([DESA, "32.11.01.2002"], 30, seed=9))
    data = snapshot.publication_build(rnd)
    pdf = publication_reports.publication_pdf(data, publication_reports.figure_svgs(data, prefix="pdf"))
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:  # poppler-utils missing: pypdf reads the text layer too
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert "&amp;" not in text and "&lt;" not in text
    assert text.count(f"Publikasi stunting Kabupaten Sumedang · {nama} · data rutin") >= 2  # every page
