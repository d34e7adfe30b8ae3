"""Aksi 7 through the browser: a round, an e-PPGBM export with mistakes checked in the background,
the preview with its problems, the commit, the figures, publishing, the public page and its PDF.

The worker is run by the test between the steps (the pages poll a job; in production
`konvergensi worker` runs beside the server).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from playwright.sync_api import expect

from konvergensi.measurements.demo import generate, kabkota_desa
from konvergensi.measurements.models import Measurement, MeasurementRound

from .conftest import KAB, run_worker_while_the_poll_waits
from .test_aksi_flow import TIMEOUT, login

pytestmark = pytest.mark.browser


def finish_job(page) -> None:
    """The job page polls; once the worker has run, it offers "Lanjut"."""
    expect(page).to_have_url(re.compile(r"/tugas/|/jobs/|/pekerjaan/"), timeout=TIMEOUT)
    run_worker_while_the_poll_waits(page)
    page.get_by_role("link", name="Lanjut").click(timeout=TIMEOUT)


def test_import_preview_commit_publish_public_page_and_pdf(accounts, new_page, problems, shots, tmp_path):
    export = generate(
        kabkota_desa(KAB), n=600, visit_from=dt.date(2026, 2, 2), visit_to=dt.date(2026, 2, 20), seed=21
    )
    path = tmp_path / "ekspor-eppgbm-februari.csv"
    export.write_csv(path, separator=";")

    page = new_page()
    login(page, accounts.operator.username, accounts.password)
    page.goto(f"/pengukuran/{KAB}/")
    page.locator('input[name="nama"]').fill("Februari 2026")
    page.locator('input[name="tanggal_mulai"]').fill("2026-02-01")
    page.locator('input[name="tanggal_selesai"]').fill("2026-02-28")
    page.get_by_role("button", name="Buat putaran").click()
    expect(page.locator("h1")).to_contain_text("Februari 2026", timeout=TIMEOUT)
    rnd = MeasurementRound.objects.get(nama="Februari 2026")

    # Upload: checked in the background, then the preview lists the problems by row and column.
    page.get_by_role("link", name="Impor e-PPGBM").first.click()
    page.locator('input[name="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Periksa berkas").click()
    finish_job(page)
    expect(page.locator("h1")).to_contain_text("Hasil pemeriksaan", timeout=TIMEOUT)
    problems_table = page.locator("table.problems")
    expect(problems_table).to_contain_text("Berat")  # the weight typed as 125 kg, by its column
    expect(problems_table).to_contain_text("Anak yang sama tercatat lagi")  # a duplicate, named
    expect(page.locator("#commit")).to_be_visible()
    assert not Measurement.objects.exists()
    shots(page, "40-impor-pratinjau")
    with page.expect_download() as report:
        page.get_by_role("link", name=re.compile("Unduh daftar masalah")).first.click()
    assert report.value.suggested_filename.endswith(".xlsx")

    # Commit, then the round's figures.
    page.locator("#commit").click()
    finish_job(page)
    stored = Measurement.objects.filter(round=rnd).count()
    assert 550 < stored < 600
    expect(page.locator(".lead")).to_contain_text("balita diukur", timeout=TIMEOUT)
    expect(page.locator(".summary")).to_contain_text("Stunting")
    shots(page, "41-angka-putaran")

    # Publish; the public page (no login) and its PDF.
    page.goto(f"/pengukuran/putaran/{rnd.pk}/publikasi/")
    page.get_by_role("button", name="Publikasikan").click()
    finish_job(page)
    anonymous = new_page()
    anonymous.goto(f"/publik/{KAB}/{rnd.pk}/")
    expect(anonymous.locator("h1")).to_contain_text("Sumedang", timeout=TIMEOUT)
    expect(anonymous.locator("body")).to_contain_text("Data rutin")
    body = anonymous.content()
    for child in Measurement.objects.filter(round=rnd)[:50]:
        assert child.nama not in body and child.nik_masked not in body
    shots(anonymous, "42-publik")
    href = anonymous.get_by_role("link", name="Unduh PDF").first.get_attribute("href")
    response = anonymous.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf_path = tmp_path / "publikasi.pdf"
    pdf_path.write_bytes(response.body())
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Sumedang" in text and "Februari 2026" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "halaman")],
                   check=True)  # fmt: skip
    assert any(tmp_path.glob("halaman*.png"))
    assert not problems.csp and not problems.js_errors and not problems.server_errors, problems

    # At 390 px (a phone) no page moves sideways: wide tables scroll inside themselves.
    for viewer, urls in (
        (page, [f"/pengukuran/putaran/{rnd.pk}/", f"/pengukuran/putaran/{rnd.pk}/kualitas/",
                f"/pantau/kabkota/{KAB}/", "/audit/"]),
        (anonymous, [f"/publik/{KAB}/{rnd.pk}/"]),
    ):  # fmt: skip
        viewer.set_viewport_size({"width": 390, "height": 800})
        for url in urls:
            viewer.goto(url)
            assert viewer.evaluate("document.documentElement.scrollWidth") <= 390, url

    # At 1280 px the operator's main menu is one line, in Indonesian and in English.
    page.set_viewport_size({"width": 1280, "height": 800})
    origin = page.evaluate("location.origin")
    for language in ("id", "en"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": origin}])
        page.goto("/")
        assert page.locator(".mainnav a").first.inner_text() == {"id": "Beranda", "en": "Home"}[language]
        tops = {round(box["y"]) for box in page.locator(".mainnav a").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect())")}  # fmt: skip
        assert len(tops) == 1, (language, tops)
