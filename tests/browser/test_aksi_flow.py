"""The verification loop of one aksi, clicked through in Chromium by the two people who do it.

The Sumedang operator opens the cycle, uploads evidence and submits Aksi 1; the Jawa Barat reviewer
sends it back with a reason; the operator resubmits; the reviewer verifies and downloads the
evidence. Every page is watched for Content-Security-Policy violations, script errors and 5xx.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from konvergensi.aksi.models import Aksi, Evidence, Transition
from konvergensi.ansit.models import Analysis, LokusList

from .conftest import KAB, PROVINSI

pytestmark = pytest.mark.browser

TIMEOUT = 10_000
REASON = "Berita acara analisis situasi belum ditandatangani; lampirkan daftar hadir."


def make_pdf(text: str) -> bytes:
    """A small but well-formed one-page PDF (objects, cross-reference table, trailer)."""
    content = f"BT /F1 16 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>\nstream\n%s\nendstream" % (len(content), content),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def password_step(page: Page, username: str, password: str) -> None:
    """The login form; the next page may still be the second step (/masuk/verifikasi/)."""
    page.goto("/masuk/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.locator("main form button.primary").click()
    expect(page).not_to_have_url(re.compile(r"/masuk/$"), timeout=TIMEOUT)


def login(page: Page, username: str, password: str) -> None:
    password_step(page, username, password)
    expect(page).not_to_have_url(re.compile(r"/masuk/"), timeout=TIMEOUT)
    expect(page.locator(".userbox .who")).to_be_visible(timeout=TIMEOUT)


def status_badge(page: Page):
    """The aksi's status badge under the title (the overdue badge, if any, comes after it)."""
    return page.locator("p.lead .badge").first


def expect_success(page: Page, text: str) -> None:
    expect(page.locator(".messages .msg-success")).to_contain_text(text, timeout=TIMEOUT)
    expect(page.locator(".messages .msg-error")).to_have_count(0)


def test_submit_revise_resubmit_verify_aksi_1_in_chromium(accounts, new_page, problems, shots, tmp_path):
    pdf = tmp_path / "laporan-analisis-situasi-sumedang.pdf"
    pdf.write_bytes(make_pdf("Analisis situasi Kabupaten Sumedang - uji peramban"))
    taken: list[Path] = []

    # The Sumedang operator logs in through the real form.
    operator = new_page()
    operator.goto("/masuk/")
    expect(operator.locator('input[name="username"]')).to_be_visible(timeout=TIMEOUT)
    taken.append(shots(operator, "01-masuk"))
    login(operator, accounts.operator.username, accounts.password)

    # Pantau Aksi of the district: open this year's cycle if nobody has yet.
    operator.goto(f"/pantau/kabkota/{KAB}/")
    expect(operator.locator("h1")).to_contain_text("Kabupaten Sumedang", timeout=TIMEOUT)
    if operator.locator("#aksi-table").count() == 0:
        operator.get_by_role("button", name=re.compile(r"^Buka siklus")).click()
        expect_success(operator, "Siklus")
    rows = operator.locator("#aksi-table tbody tr")
    expect(rows).to_have_count(8, timeout=TIMEOUT)
    expect(operator.locator('tr[data-aksi="1"]')).to_contain_text("Belum mulai")

    # Aksi 1: upload the evidence through the real form, then submit.
    operator.locator('tr[data-aksi="1"] a').click()
    expect(operator.locator("h1")).to_contain_text("Aksi 1", timeout=TIMEOUT)
    aksi_path = re.sub(r"^https?://[^/]+", "", operator.url)
    match = re.fullmatch(r"/aksi/(\d+)/", aksi_path)
    assert match, aksi_path
    aksi_pk = int(match.group(1))
    expect(status_badge(operator)).to_have_text("Belum mulai")
    upload = operator.locator("form.upload")
    upload.locator('input[name="file"]').set_input_files(pdf)
    upload.locator('input[name="description"]').fill("Laporan analisis situasi 2026")
    upload.locator("button").click()
    expect_success(operator, pdf.name)
    expect(operator.locator("#bukti tbody")).to_contain_text(pdf.name)
    expect(status_badge(operator)).to_have_text("Draf")
    operator.locator('button[data-move="submit"]').click()
    expect_success(operator, "diajukan ke provinsi")
    expect(status_badge(operator)).to_have_text("Diajukan")
    expect(operator.locator('button[data-move="submit"]')).to_have_count(0)

    # The Jawa Barat reviewer finds it in the waiting list and sends it back with a reason.
    reviewer = new_page()
    login(reviewer, accounts.provinsi.username, accounts.password)
    reviewer.goto(f"/pantau/provinsi/{PROVINSI}/")
    reviewer.locator(".tasks a", has_text="Kabupaten Sumedang").filter(has_text="Aksi 1").click()
    expect(reviewer).to_have_url(re.compile(re.escape(aksi_path) + "$"), timeout=TIMEOUT)
    expect(status_badge(reviewer)).to_have_text("Diajukan")
    expect(reviewer.locator("form.upload")).to_have_count(0)  # the province does not upload
    reviewer.locator('form.move-request_revision textarea[name="reason"]').fill(REASON)
    reviewer.locator('button[data-move="request_revision"]').click()
    expect_success(reviewer, "dikembalikan untuk perbaikan")
    expect(status_badge(reviewer)).to_have_text("Perlu perbaikan")

    # The operator reads the reason and resubmits.
    operator.goto(aksi_path)
    expect(status_badge(operator)).to_have_text("Perlu perbaikan", timeout=TIMEOUT)
    expect(operator.locator(".history blockquote")).to_contain_text(REASON)
    resubmit = operator.locator('button[data-move="submit"]')
    expect(resubmit).to_contain_text("Ajukan ulang ke provinsi")
    resubmit.click()
    expect_success(operator, "diajukan ke provinsi")
    expect(status_badge(operator)).to_have_text("Diajukan")

    # The reviewer cannot verify Aksi 1 from a file alone: the page says why, and so does the refusal.
    reviewer.goto(aksi_path)
    expect(status_badge(reviewer)).to_have_text("Diajukan", timeout=TIMEOUT)
    expect(reviewer.locator("#status .work-missing")).to_contain_text("belum dapat diverifikasi")
    reviewer.locator('button[data-move="verify"]').click()
    expect(reviewer.locator(".messages .msg-error")).to_contain_text(
        "Aksi 1 belum dapat diverifikasi", timeout=TIMEOUT
    )
    expect(status_badge(reviewer)).to_have_text("Diajukan")

    # The district's team decides on its analysis and confirms the lokus desa (the work of Aksi 1);
    # the reviewer finds it linked on the aksi page, then verifies and downloads the evidence.
    tahun = Aksi.objects.get(pk=aksi_pk).siklus.tahun
    analysis = Analysis.objects.create(
        kabkota_id=KAB, tahun=tahun, periode=str(tahun - 1), level="kecamatan", input_source="sasaran",
        data_source="balita_1_tahun", decision="umum", units=[],
    )  # fmt: skip
    LokusList.objects.create(kabkota_id=KAB, tahun=tahun, analysis=analysis, indicator_set="2018",
                             eligibility="any", method="count", value=2)  # fmt: skip
    reviewer.goto(aksi_path)
    work = reviewer.locator("#hasil-kerja")
    expect(work).to_contain_text("Daftar desa lokus", timeout=TIMEOUT)
    expect(work.locator(f'a[href="/analisis/{analysis.pk}/"]')).to_have_count(1)
    expect(reviewer.locator("#status .work-missing")).to_have_count(0)
    reviewer.locator('button[data-move="verify"]').click()
    expect_success(reviewer, "diverifikasi")
    expect(status_badge(reviewer)).to_have_text("Diverifikasi")
    # Verifying locked the aksi's data: no other move, and reopening is the province's "Buka kunci",
    # with a reason, tucked away behind a summary (docs/aksi.md, "Kunci data").
    expect(reviewer.locator("#status button[data-move]")).to_have_count(0)
    expect(reviewer.locator("#status")).to_contain_text("Terkunci sejak")
    unlock = reviewer.locator(f'form[action="/aksi/{aksi_pk}/buka-kunci/"] button')
    expect(unlock).to_be_hidden()
    reviewer.locator("#status summary", has_text="Buka kunci").click()
    expect(unlock).to_be_visible()
    expect(reviewer.locator(".history li")).to_have_count(5)
    taken.append(shots(reviewer, "03-aksi-diverifikasi"))
    with reviewer.expect_download(timeout=TIMEOUT) as download_info:
        reviewer.locator("#bukti a", has_text=pdf.name).click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == pdf.name
    downloaded = Path(download.path()).read_bytes()
    assert downloaded == pdf.read_bytes()

    # The district's Pantau Aksi counts it verified.
    operator.goto(f"/pantau/kabkota/{KAB}/")
    row = operator.locator('tr[data-aksi="1"]')
    expect(row.locator(".badge").first).to_have_text("Diverifikasi", timeout=TIMEOUT)
    expect(operator.locator(".summary")).to_contain_text("1/8")
    taken.append(shots(operator, "02-pantau-kabkota"))

    # The province matrix and map: Sumedang's Aksi 1 cell is verified and the map is drawn.
    reviewer.goto(f"/pantau/provinsi/{PROVINSI}/")
    sumedang = reviewer.locator(f'tr[data-kode="{KAB}"]')
    first_cell = sumedang.locator("td.cell").first
    expect(first_cell).to_have_attribute("data-status", "diverifikasi", timeout=TIMEOUT)
    # The matrix shows compact chips (✓); the status word is the chip's title.
    expect(first_cell.locator(".chip")).to_have_attribute("title", "Diverifikasi")
    expect(sumedang).to_contain_text("12,5%")
    peta = reviewer.locator("#peta")
    expect(peta).to_have_attribute("data-loaded", re.compile(r"^[1-9][0-9]*$"), timeout=TIMEOUT)
    features = int(peta.get_attribute("data-loaded"))
    expect(peta.locator("path.leaflet-interactive")).to_have_count(features)
    taken.append(shots(reviewer, "04-pantau-provinsi-peta"))

    # The database agrees with what the pages showed.
    aksi = Aksi.objects.get(pk=aksi_pk)
    assert (aksi.siklus.kabkota_id, aksi.nomor, aksi.status) == (KAB, 1, "diverifikasi")
    transitions = list(
        Transition.objects.filter(aksi=aksi).values_list("from_status", "to_status", "by__username", "reason")
    )
    op_name, prov_name = accounts.operator.username, accounts.provinsi.username
    assert len(transitions) >= 4
    assert transitions == [
        ("belum_mulai", "draf", op_name, ""),
        ("draf", "diajukan", op_name, ""),
        ("diajukan", "perlu_perbaikan", prov_name, REASON),
        ("perlu_perbaikan", "diajukan", op_name, ""),
        ("diajukan", "diverifikasi", prov_name, ""),
    ]
    evidence = Evidence.objects.get(aksi=aksi)
    assert evidence.original_name == pdf.name
    assert evidence.content_type == "application/pdf"
    assert evidence.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    with evidence.file.open("rb") as fh:
        assert fh.read() == pdf.read_bytes()

    # Nothing was blocked by the Content-Security-Policy, and no script failed.
    assert all(p.exists() and p.stat().st_size > 10_000 for p in taken)
    assert problems.csp == [], "Content-Security-Policy violations:\n" + "\n".join(problems.csp)
    assert problems.js_errors == [], "JavaScript errors:\n" + "\n".join(problems.js_errors)
    assert problems.console_errors == [], "Console errors:\n" + "\n".join(
        problems.console_errors + problems.not_found
    )
    assert problems.server_errors == [], "Server errors:\n" + "\n".join(problems.server_errors)
