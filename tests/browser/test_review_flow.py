"""Aksi 8 in Chromium: the Sumedang operator opens the annual review from the Aksi 8 page, builds it
("Susun"), edits a section's sentence in place (a partial update), makes it final, downloads the
PDF and attaches it to Aksi 8; the page is usable at 390 px. Watched for CSP violations, script errors
and 5xx."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from konvergensi.accounts.scope import scope_for_user
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi.models import Aksi
from konvergensi.reviews.models import Review
from konvergensi.wilayah.models import OPD, Region
from tests.conftest import ensure_catalogue
from tests.reviews import fixtures as fx

from .conftest import KAB
from .test_aksi_flow import TIMEOUT, expect_success, login

pytestmark = pytest.mark.browser


def test_operator_builds_edits_and_prints_the_review(accounts, new_page, problems, shots, tmp_path):
    ensure_catalogue()
    tahun = fx.TAHUN
    w = SimpleNamespace(opd={o.singkatan: o for o in OPD.objects.filter(kabkota_id=KAB)})
    fx.everything(w)
    aksi_services.siklus_start(scope=scope_for_user(accounts.operator), kabkota=Region.objects.get(kode=KAB),
                               tahun=tahun, by=accounts.operator)  # fmt: skip
    page = new_page()
    login(page, accounts.operator.username, accounts.password)

    # 1. From Aksi 8's page to the review, not built yet.
    aksi8 = Aksi.objects.get(siklus__kabkota_id=KAB, siklus__tahun=tahun, nomor=8)
    page.goto(f"/aksi/{aksi8.pk}/")
    page.get_by_role("link", name="Buka reviu kinerja").click()
    expect(page.locator("h1")).to_contain_text("Reviu kinerja tahunan (Aksi 8)", timeout=TIMEOUT)
    expect(page.locator("#no-review")).to_be_visible()

    # 2. Susun: every section with its numbers and sentence.
    page.locator("#build").click()
    expect_success(page, "Reviu disusun")
    expect(page.locator("#kalimat-rencana")).to_contain_text("Dari 3 kegiatan rencana 2026")
    expect(page.locator("#bagian-prevalensi")).to_contain_text("Prevalensi stunting turun 10,0 poin persen")
    shots(page, "80-reviu-disusun")

    # 3. The team's sentence.
    page.locator("#edit-rencana").fill("Realisasi kegiatan prioritas mencapai tiga perempat pagu.")
    page.locator("#save-rencana").click()
    expect(page.locator("#kalimat-rencana")).to_have_text(
        "Realisasi kegiatan prioritas mencapai tiga perempat pagu.", timeout=TIMEOUT
    )
    review = Review.objects.get(kabkota_id=KAB, tahun=tahun)
    assert review.sections.get(key="rencana").edited_sentence.startswith("Realisasi kegiatan prioritas")
    # A second edit right after works too (the section's own version).
    page.locator("#edit-rencana").fill("Realisasi mencapai 76,7 % dari pagu.")
    page.locator("#save-rencana").click()
    expect(page.locator("#kalimat-rencana")).to_have_text(
        "Realisasi mencapai 76,7 % dari pagu.", timeout=TIMEOUT
    )

    # 4. At 390 px the page does not move sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    # 5. The PDF holds the team's sentence.
    with page.expect_download() as download:
        page.locator("#pdf-link").click()
    path = tmp_path / "reviu.pdf"
    download.value.save_as(path)
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Realisasi mencapai 76,7 % dari pagu." in text and "Komitmen rembuk" in text

    # 6. Final, then attached to Aksi 8, which starts.
    page.locator("#finalize").click()
    expect_success(page, "Reviu final")
    expect(page.locator("#edit-rencana")).to_have_count(0)
    page.locator("#attach").click()
    expect_success(page, "dilampirkan ke Aksi 8")
    aksi8.refresh_from_db()
    assert aksi8.status == "draf"
    shots(page, "81-reviu-final")

    assert not problems.csp, "\n".join(problems.csp)
    assert not problems.js_errors, problems.js_errors
    assert not problems.console_errors, problems.console_errors
    assert not problems.server_errors, problems.server_errors
