"""The one way to make documents (issue 16): the shared PDF base (the district's header, the footer
with the title and "Halaman x dari y", Indonesian), the signature blocks, the Word helpers, the
registry of report kinds, and the layer (a base app importing no domain app)."""

from __future__ import annotations

import configparser
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from docx import Document

from konvergensi.reports import registry, render
from tests.conftest import KAB

ROOT = Path(__file__).resolve().parents[2]

PAGE = """{% extends "reports/base_pdf.html" %}{% load i18n %}
{% block style %}h1 { font-size: 14pt; }{% endblock %}
{% block content %}<h1>{{ heading }}</h1><p>{% translate "Simpan" %}</p>
<h2 class="break">Bagian kedua</h2>{% include "reports/_signatures.html" %}{% endblock %}"""


@pytest.fixture
def page_template(settings, tmp_path):
    """A document template extending the shared base, found first by the template loader."""
    folder = tmp_path / "templates"
    (folder / "uji").mkdir(parents=True)
    (folder / "uji" / "page.html").write_text(PAGE, encoding="utf-8")
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [folder, *engines[0].get("DIRS", [])]
    settings.TEMPLATES = engines
    return "uji/page.html"


def pdf_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page (pdftotext, pages separated by form feeds)."""
    assert pdf.startswith(b"%PDF")
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed for this test"
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def test_the_base_puts_the_district_header_and_the_numbered_footer_on_every_page(
    world, page_template, tmp_path
):
    signatures = [render.Signature(role="Bupati Sumedang", name="Dr. H. Dony Ahmad Munir"),
                  render.Signature(role="Ketua DPRD", above="Sumedang, 2 Mar 2026")]  # fmt: skip
    pdf = render.pdf(page_template, {"heading": "Dokumen uji", "signatures": signatures}, kabkota=KAB,
                     title="Dokumen uji <Sumedang> 2026")  # fmt: skip
    pages = pdf_text(pdf, tmp_path)
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        assert "Provinsi Jawa Barat · Kabupaten Sumedang" in page
        assert "Dokumen uji <Sumedang> 2026" in page  # the title, escaped once, never into the CSS
        assert f"Halaman {number} dari 2" in page
    assert "Dokumen uji" in pages[0] and "Bagian kedua" in pages[1]
    # Each signature block: the line above, the role, the name or the dots to sign over.
    assert "Bupati Sumedang" in pages[1] and "Dr. H. Dony Ahmad Munir" in pages[1]
    assert "Sumedang, 2 Mar 2026" in pages[1] and "Ketua DPRD" in pages[1] and "(……" in pages[1]


def test_the_document_is_in_indonesian_unless_the_caller_asks_otherwise(world, page_template):
    with translation.override("en"):
        indonesian = render.html(page_template, {"heading": "x", "signatures": []}, kabkota=KAB)
        english = render.html(page_template, {"heading": "x", "signatures": []}, kabkota=KAB, language="en")
    assert '<html lang="id">' in indonesian and "<p>Simpan</p>" in indonesian
    assert '<html lang="en">' in english and "<p>Save</p>" in english


def test_a_landscape_document_and_a_bad_orientation(world, page_template):
    assert "size: A4 landscape" in render.html(page_template, {}, orientation="landscape")
    with pytest.raises(ValueError):
        render.html(page_template, {}, orientation="sideways")


def test_the_header_names_nothing_for_no_district_or_an_unknown_one(world):
    assert render.district_line(KAB) == "Provinsi Jawa Barat · Kabupaten Sumedang"
    assert render.district_line(None) == "" and render.district_line("99.99") == ""


def test_the_word_helpers_make_a_table_signatures_and_a_document_word_opens(world):
    doc = render.docx_document(orientation="landscape", margins=(14, 13, 14, 13), size=10)
    render.docx_para(doc, "Judul", size=12, bold=True, center=True)
    table = render.docx_table(doc, ["No", "Kegiatan", "Anggaran"], rows=2, widths=(10, 60, 30),
                              header_fill="1F4E78", repeat_header=True)  # fmt: skip
    render.docx_write(table.rows[1].cells[2], "Rp 1.250.000.000", size=8, right=True)
    render.docx_signatures(
        doc, [render.Signature(role="Tim Penyusun", above="Sumedang, 2 Mar 2026")], indent=170
    )
    opened = Document(io.BytesIO(render.save(doc)))
    section = opened.sections[0]
    assert section.page_width > section.page_height  # landscape
    rows = [[c.text for c in row.cells] for row in opened.tables[0].rows]
    assert rows == [["No", "Kegiatan", "Anggaran"], ["", "", "Rp 1.250.000.000"]]
    header = opened.tables[0].rows[0]
    assert [r.bold for r in header.cells[0].paragraphs[0].runs if r.text] == [True]
    assert 'w:fill="1F4E78"' in header.cells[0]._tc.xml and "w:tblHeader" in header._tr.xml
    texts = [p.text for p in opened.paragraphs]
    assert texts[0] == "Judul"
    assert texts[-5:] == ["Sumedang, 2 Mar 2026", "Tim Penyusun", "", "", "(……………………………………………)"]


def test_the_domain_apps_register_their_kinds_from_ready():
    keys = [k.key for k in registry.known()]
    assert {"ansit", "rencana", "publikasi"} <= set(keys) and keys == sorted(keys)
    assert registry.get("rencana").label.startswith("Rencana kegiatan")
    assert registry.get("tidak-ada") is None


def test_a_registered_kind_is_listed_and_built_lazily():
    kind = registry.ReportKind("uji", "Dokumen uji", registry.lazy("tests.reports.test_reports:fake_build"))
    registry.register(kind)
    try:
        assert registry.get("uji") is kind and kind in registry.known()
        assert kind.build("32.11", None, "pdf") == (b"%PDF-uji 32.11 None", "uji.pdf")
        with pytest.raises(registry.NothingToReport, match="belum mempunyai"):
            kind.build("32.11", 2026, "docx")
    finally:
        registry._KINDS.pop("uji")


def fake_build(kabkota: str, year: int | None, fmt: str) -> tuple[bytes, str]:
    if fmt != "pdf":
        raise registry.NothingToReport(f"Kabupaten Sumedang belum mempunyai dokumen uji {year}.")
    return f"%PDF-uji {kabkota} {year}".encode(), "uji.pdf"


def test_reports_is_a_base_app_that_imports_no_domain_app():
    contracts = configparser.ConfigParser()
    contracts.read(ROOT / ".importlinter")
    base = contracts["importlinter:contract:base-apps"]
    assert "konvergensi.reports" in base["source_modules"].split()
    for domain in ("konvergensi.ansit", "konvergensi.plans", "konvergensi.publication", "konvergensi.cli"):
        assert domain in base["forbidden_modules"].split()
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-logo", "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Base apps (accounts, wilayah, jobs, imports, reports) import no domain app KEPT" in result.stdout


def test_the_base_app_is_installed_before_the_domain_apps(settings):
    apps = settings.INSTALLED_APPS
    assert apps.index("konvergensi.reports") < min(
        apps.index(a) for a in ("konvergensi.ansit", "konvergensi.plans", "konvergensi.publication")
    )


@pytest.mark.django_db(transaction=True)
def test_a_document_is_made_in_the_background_for_a_reader_who_may_read_it(world):
    """The web's way to a document: a job the page polls, the file kept on it for the reader who
    asked; refused to a reader who may not see the whole plan; an empty district is a failed job
    with the one Indonesian line."""
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from konvergensi.jobs.models import Job, JobStatus
    from konvergensi.plans.models import Plan, PlanRow
    from tests.conftest import KAB

    c = Client()
    c.force_login(world.user("opd"))
    url = reverse("reports:start", kwargs={"key": "rencana", "kode": KAB})
    response = c.post(url, {"fmt": "pdf", "tahun": "2026"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/tugas/{job.pk}/")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "belum mempunyai rencana kegiatan 2026" in job.message
    plan = Plan.objects.create(kabkota_id=KAB, tahun=2026)
    PlanRow.objects.create(plan=plan, group=1, activity="PMT lokal", budget=1_000_000)
    c.post(url, {"fmt": "docx", "tahun": "2026"})
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    done = Job.objects.order_by("-created_at").first()
    assert done.status == JobStatus.DONE and done.result_name.endswith(".docx")
    download = c.get(reverse("jobs:download", kwargs={"pk": done.pk}))
    assert b"".join(download.streaming_content)[:2] == b"PK"
    kecamatan = Client()
    kecamatan.force_login(world.user("kecamatan"))
    assert kecamatan.post(url, {"fmt": "pdf"}).status_code == 403
    assert (
        c.post(reverse("reports:start", kwargs={"key": "tidak-ada", "kode": KAB}), {"fmt": "pdf"}).status_code
        == 404
    )
    assert Job.objects.count() == 2
