"""Aksi 3 in Chromium, from an empty rembuk to the signed berita acara on the public page.

The Sumedang operator, with the year's plan at "Diskusi dengan DPRD", plans the district rembuk,
fills the event (date, place, TPK, agenda, speakers, attendance, commitment), names the signatories,
records it as held (the plan moves to "Ekspose di Rembuk Stunting"), notes a change agreed on a plan
row, downloads the generated berita acara (its text read back), uploads the signed scan (Aksi 3's
evidence), logs a dissemination and publishes the commitment. Every page is watched for CSP
violations, script errors and 5xx.
"""

from __future__ import annotations

import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from konvergensi.accounts.scope import scope_for_user
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi.models import Aksi
from konvergensi.plans.models import Plan, PlanRow
from konvergensi.wilayah.models import OPD, Region

from .conftest import KAB
from .test_aksi_flow import TIMEOUT, expect_success, login, make_pdf

pytestmark = pytest.mark.browser


def test_from_an_empty_rembuk_to_the_signed_berita_acara(accounts, new_page, problems, shots, tmp_path):
    tahun = timezone.localdate().year
    today = timezone.localdate().isoformat()
    aksi_services.siklus_start(scope=scope_for_user(accounts.operator), kabkota=Region.objects.get(kode=KAB),
                               tahun=tahun, by=accounts.operator)  # fmt: skip
    plan = Plan.objects.create(kabkota_id=KAB, tahun=tahun, stage="dprd")
    row = PlanRow.objects.create(plan=plan, group=1, activity="PMT lokal balita gizi kurang", budget=1_250_000_000,
                                 opd=OPD.objects.get(kabkota_id=KAB, singkatan="Dinkes"))  # fmt: skip
    page = new_page()
    login(page, accounts.operator.username, accounts.password)

    # 1. Aksi 3's page leads to the rembuk; the district rembuk is planned.
    aksi3 = Aksi.objects.get(siklus__kabkota_id=KAB, siklus__tahun=tahun, nomor=3)
    page.goto(f"/aksi/{aksi3.pk}/")
    page.get_by_role("link", name="Buka Rembuk Stunting").click()
    expect(page.locator("h1")).to_contain_text("Rembuk stunting (Aksi 3)", timeout=TIMEOUT)
    page.locator("#create-district").click()
    expect_success(page, "Rembuk stunting dicatat")
    expect(page.locator("#plan-stage")).to_have_text("Diskusi dengan DPRD")

    # 2. The event, then the signatories.
    form = page.locator("#event-form")
    form.locator('input[name="date"]').fill(today)
    form.locator('input[name="place"]').fill("Aula Gedung Negara")
    form.locator('textarea[name="tpk"]').fill("Sekretaris Daerah\nKepala Bappeda")
    form.locator('textarea[name="speakers"]').fill("Kepala Bappeda — hasil analisis situasi")
    form.locator('input[name="count-bupati"]').fill("1")
    form.locator('input[name="count-kepala_desa"]').fill("40")
    expect(form.locator('input[name="agenda"][value="e"]')).to_be_disabled()  # the first year
    form.locator("#save-event").click()
    expect_success(page, "Rembuk disimpan")
    for role, name, position in (("bupati", "Dony Ahmad", "Bupati Sumedang"),
                                 ("dprd", "Irma Yuliani", "Ketua Komisi IV DPRD")):  # fmt: skip
        sig = page.locator("#signatory-form")
        sig.locator('select[name="role"]').select_option(role)
        sig.locator('input[name="name"]').fill(name)
        sig.locator('input[name="position"]').fill(position)
        sig.get_by_role("button", name="Tambah").click()
        expect_success(page, "Penanda tangan ditambahkan")
    expect(page.locator("#penanda-tangan")).to_contain_text("Irma Yuliani")
    shots(page, "60-rembuk-acara")

    # 3. Held: the plan is exposed at the rembuk; a change agreed on its row.
    page.locator("#hold").click()
    expect_success(page, "Ekspose di Rembuk Stunting")
    expect(page.locator("#plan-stage")).to_have_text("Ekspose di Rembuk Stunting")
    page.locator(f'input[name="change-{row.pk}"]').fill("Tambah 5 desa lokus")
    page.locator("#save-changes").click()
    expect_success(page, "1 kegiatan")

    # 4. The berita acara, generated.
    with page.expect_download() as download:
        page.locator("#ba-pdf").click()
    path = tmp_path / "berita-acara.pdf"
    download.value.save_as(path)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())  # fmt: skip
    for expected in ("BERITA ACARA KESEPAKATAN", "Dony Ahmad", "Irma Yuliani", "PMT lokal balita gizi kurang",
                     "Tambah 5 desa lokus"):  # fmt: skip
        assert expected in text, expected

    # 5. The signed scan back: Aksi 3's evidence. A dissemination; the commitment published.
    scan = tmp_path / "berita-acara-ttd.pdf"
    scan.write_bytes(make_pdf("Berita acara rembuk - ditandatangani"))
    page.locator('#signed-form input[type="file"]').set_input_files(str(scan))
    page.locator("#signed-form").get_by_role("button", name="Unggah").click()
    expect_success(page, "Dilampirkan ke Aksi 3")
    dis = page.locator("#dissemination-form")
    dis.locator('select[name="media"]').select_option("radio")
    dis.locator('input[name="date"]').fill(today)
    dis.locator('input[name="reach"]').fill("15000")
    dis.locator('input[name="link"]').fill("https://sumedangkab.go.id/berita/rembuk")
    dis.get_by_role("button", name="Catat diseminasi").click()
    expect_success(page, "Diseminasi dicatat")
    page.locator("#publish").click()
    expect_success(page, "halaman publik")
    shots(page, "61-rembuk-terlaksana")

    page.goto(f"/aksi/{aksi3.pk}/")
    expect(page.locator("#bukti tbody")).to_contain_text("berita-acara-ttd")
    page.goto(f"/publik/{KAB}/")
    expect(page.locator("#komitmen-rembuk")).to_contain_text(f"Rembuk Stunting {tahun}")

    assert not problems.csp, problems.csp
    assert not problems.js_errors, problems.js_errors
    assert not problems.console_errors, problems.console_errors
    assert not problems.server_errors, problems.server_errors
