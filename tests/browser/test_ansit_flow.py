"""Aksi 1 in Chromium, from the village data to the submitted document.

The Sumedang operator runs the stunting distribution from the data sasaran, confirms the decision,
selects and confirms the lokus, drafts the recommendations, has the document built by the worker,
downloads the PDF, attaches it to Aksi 1 and submits Aksi 1 to the province. Every page is watched
for Content-Security-Policy violations, script errors and 5xx.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from konvergensi.accounts.scope import scope_for_user
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi.models import Aksi
from konvergensi.ansit.models import AnsitDocument, LokusList
from konvergensi.wilayah.models import Puskesmas, Region
from tests.ansit.test_ansit import PERIODE, seed
from tests.conftest import ensure_catalogue

from .conftest import KAB, run_worker_while_the_poll_waits
from .test_aksi_flow import TIMEOUT, expect_success, login

pytestmark = pytest.mark.browser


def test_from_village_data_to_the_submitted_situation_analysis(accounts, new_page, problems, shots, tmp_path):
    ensure_catalogue()
    if not Puskesmas.objects.filter(kabkota_id=KAB).exists():
        from konvergensi.wilayah import services as wilayah_services

        kec = Region.objects.get(kode="32.11.01")
        wilayah_services.puskesmas_create(
            kode="P321101001", nama="Puskesmas Wado", kecamatan=kec, desa=list(kec.children.all())
        )
    seed()
    tahun = timezone.localdate().year
    aksi_services.siklus_start(
        scope=scope_for_user(accounts.operator),
        kabkota=Region.objects.get(kode=KAB),
        tahun=tahun,
        by=accounts.operator,
    )
    page = new_page()
    login(page, accounts.operator.username, accounts.password)

    # The overview tells the officer what to do first.
    page.locator(".mainnav a", has_text="Analisis situasi").click()
    expect(page.locator("h1")).to_contain_text("Analisis situasi", timeout=TIMEOUT)
    page.locator(".card.next a.button.primary", has_text="Buat analisis").click()

    # 1. The distribution from the data sasaran of the data year, per desa.
    expect(page.locator("h1")).to_contain_text("Analisis sebaran stunting baru", timeout=TIMEOUT)
    page.locator('input[name="periode"]').fill(PERIODE)
    page.get_by_role("button", name="Hitung sebaran").click()
    expect_success(page, "Analisis sebaran stunting tersimpan")
    expect(page.locator("#computed")).to_have_text(
        "Analisis situasi tersendiri (khusus) pada wilayah tertentu"
    )
    expect(page.locator("figure.chart svg")).to_have_count(2)
    expect(page.locator("#peta-ansit")).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"))
    expect(page.locator("#units")).to_contain_text("Kirisik")
    shots(page, "40-ansit-sebaran")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect_success(page, "Keputusan tersimpan")
    expect(page.locator("#decision")).to_have_text(
        "Analisis situasi tersendiri (khusus) pada wilayah tertentu"
    )

    # 2–3. Coverage, then the lokus: two desa, confirmed.
    page.get_by_role("link", name="Cakupan dan program").click()
    expect(page.locator("#ind-U01")).to_contain_text("U01", timeout=TIMEOUT)
    page.get_by_role("link", name="Pilih desa lokus").click()
    page.locator('select[name="metode"]').select_option("count")
    page.locator('#pengaturan input[name="nilai"]').fill("2")
    page.get_by_role("button", name="Hitung ulang").click()
    expect(page.locator("#n-selected")).to_have_text("2", timeout=TIMEOUT)
    expect(page.locator("#ranking tbody tr.selected")).to_have_count(2)
    page.get_by_role("button", name="Konfirmasi daftar lokus").click()
    expect_success(page, "Daftar 2 desa lokus dikonfirmasi")
    assert LokusList.objects.get().desa_codes() == ["32.11.02.2006", "32.11.01.2004"]
    shots(page, "41-ansit-lokus")

    # 4. The matrix, then 6. recommendations drafted from the findings.
    page.get_by_role("link", name="Matriks prioritisasi").click()
    expect(page.locator("#tabel12 tbody tr.sel")).to_have_count(2, timeout=TIMEOUT)
    page.locator(".subnav a", has_text="6 Rekomendasi").click()
    page.locator("#generate").click()
    expect_success(page, "Draf disusun")
    expect(page.locator("#jenis-program")).to_contain_text("U01 rendah di 2 dari 2 desa lokus")
    first = page.locator("#jenis-lokus .rec").first
    first.locator('select[name="status"]').select_option("dikonfirmasi")
    first.get_by_role("button", name="Simpan").click()
    expect_success(page, "Rekomendasi tersimpan")
    expect(page.locator("#n-confirmed")).to_have_text("1")
    shots(page, "42-ansit-rekomendasi")

    # 7. The document, built by the worker while the page polls.
    page.locator(".subnav a", has_text="7 Dokumen").click()
    page.locator("#make-document").click()
    expect(page.locator(".jobstatus")).to_have_attribute("data-status", "queued", timeout=TIMEOUT)
    run_worker_while_the_poll_waits(page)
    expect(page.locator(".jobstatus")).to_have_attribute("data-status", "done", timeout=TIMEOUT)
    page.get_by_role("link", name="Lanjut").click()
    expect(page.locator("#documents")).to_contain_text("Selesai", timeout=TIMEOUT)
    with page.expect_download() as download:
        page.locator("#documents a", has_text="PDF").click()
    pdf = tmp_path / "analisis-situasi.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Kabupaten Sumedang" in text and "Kirisik" in text and "Cikareo Selatan" in text
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "hal")], check=True
    )
    (picture,) = tmp_path.glob("hal-*.png")
    assert picture.stat().st_size > 10_000  # page 1 renders to a real picture
    shots(page, "43-ansit-dokumen")

    # 8. Attach it to Aksi 1 through the aksi app, then submit Aksi 1 to the province.
    page.get_by_role("button", name="Lampirkan PDF ke Aksi 1").click()
    expect_success(page, "Dokumen dilampirkan sebagai bukti Aksi 1")
    expect(page.locator("h1")).to_contain_text("Aksi 1")
    doc = AnsitDocument.objects.get()
    expect(page.locator("#bukti tbody")).to_contain_text(doc.filename("pdf"))
    page.locator('button[data-move="submit"]').click()
    expect_success(page, "diajukan ke provinsi")
    assert Aksi.objects.get(siklus__kabkota_id=KAB, siklus__tahun=tahun, nomor=1).status == "diajukan"
    shots(page, "44-ansit-aksi1-diajukan")

    assert not problems.csp, problems.csp
    assert not problems.js_errors, problems.js_errors
    assert not problems.console_errors, problems.console_errors
    assert not problems.server_errors, problems.server_errors
