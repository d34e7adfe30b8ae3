"""Aksi 2 in Chromium, from a confirmed Aksi 1 analysis to the submitted plan.

The Sumedang operator drafts the plan from the confirmed recommendations, edits an activity in the
page, completes the rest offline in the plan's own Excel file and uploads it back, uploads the APBD
and reads the integration matrix, takes the plan through its stages to "final" (which attaches its
PDF to Aksi 2) and submits Aksi 2 to the province. Every page is watched for CSP violations, script
errors and 5xx.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from konvergensi.accounts.scope import scope_for_user
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi.models import Aksi
from konvergensi.ansit import services as ansit_services
from konvergensi.ansit.models import Recommendation, RecommendationStatus
from konvergensi.plans.models import Plan
from konvergensi.wilayah.models import Region
from tests.ansit.test_ansit import PERIODE, seed
from tests.conftest import ensure_catalogue

from .conftest import KAB
from .test_aksi_flow import TIMEOUT, expect_success, login

pytestmark = pytest.mark.browser


def confirmed_aksi_1(operator, tahun: int) -> None:
    """What Aksi 1 leaves: an analysis with its decision, two confirmed lokus desa, the drafted
    recommendations of which the team confirmed the lokus and U01 ones."""
    scope = scope_for_user(operator)
    kab = Region.objects.get(kode=KAB)
    analysis = ansit_services.analysis_create(scope=scope, kabkota=kab, tahun=tahun, periode=PERIODE, level="desa",
                                              input_source="sasaran", data_source="balita_1_tahun", margin=0.5,
                                              by=operator)  # fmt: skip
    from konvergensi.ansit import selectors as ansit_selectors

    ansit_services.lokus_confirm(scope=scope, analysis=analysis,
                                 settings=ansit_selectors.LokusSettings("any", "count", 2.0), by=operator)  # fmt: skip
    ansit_services.recommendations_generate(scope=scope, kabkota=kab, tahun=tahun, by=operator)
    Recommendation.objects.filter(
        kabkota=kab, tahun=tahun, source_key__in=("lokus:list", "program:U01")
    ).update(status=RecommendationStatus.DIKONFIRMASI)


def test_from_confirmed_lokus_to_the_submitted_plan(accounts, new_page, problems, shots, tmp_path):
    ensure_catalogue()
    seed()
    tahun = timezone.localdate().year
    today = timezone.localdate().isoformat()
    confirmed_aksi_1(accounts.operator, tahun)
    aksi_services.siklus_start(scope=scope_for_user(accounts.operator), kabkota=Region.objects.get(kode=KAB),
                               tahun=tahun, by=accounts.operator)  # fmt: skip
    page = new_page()
    login(page, accounts.operator.username, accounts.password)

    # 1. Aksi 2's page leads to the plan; the plan is drafted from the confirmed recommendations.
    aksi2 = Aksi.objects.get(siklus__kabkota_id=KAB, siklus__tahun=tahun, nomor=2)
    page.goto(f"/aksi/{aksi2.pk}/")
    page.get_by_role("link", name="Buka Rencana Kegiatan").click()
    expect(page.locator("h1")).to_contain_text("Rencana kegiatan (Aksi 2)", timeout=TIMEOUT)
    page.locator("#seed").click()
    expect_success(page, "Rencana kegiatan")
    plan = Plan.objects.get(kabkota_id=KAB, tahun=tahun)
    n_rows = plan.rows.count()
    expect(page.locator("#n-rows")).to_have_text(str(n_rows))
    expect(page.locator("#periksa")).to_contain_text("belum mempunyai OPD penanggung jawab")
    shots(page, "50-rencana-disusun")

    # 2. One activity edited in the page: code, budget as typed in Rupiah, OPD, target, class.
    first = plan.rows.order_by("group", "urutan", "id").first()
    page.locator(f"#b{first.pk} a", has_text="Ubah").click()
    page.locator('input[name="code"]').fill("1.02.02.2.02.0016")
    page.locator('input[name="budget"]').fill("Rp 1.250.000.000")
    page.locator('select[name="opd"]').select_option(label="Dinkes — Dinas Kesehatan")
    page.locator('input[name="target"]').fill("90")
    page.locator('select[name="row_class"]').select_option("baru_dengan_anggaran")
    page.get_by_role("button", name="Simpan").click()
    expect_success(page, "Kegiatan disimpan")
    expect(page.locator(f"#b{first.pk}")).to_contain_text("Rp 1.250.000.000")

    # 3. The rest offline: the plan's Excel, every activity given an OPD and a target, uploaded back.
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh Excel rencana").click()
    path = tmp_path / "rencana.xlsx"
    download.value.save_as(path)
    wb = load_workbook(path)
    ws = wb["Tabel 2.3"]
    head = next(r for r in ws.iter_rows() if any(c.value == "Program/Kegiatan" for c in r))
    cols = {c.value: c.column for c in head}
    for r in range(head[0].row + 1, ws.max_row + 1):
        if (
            ws.cell(r, cols["Program/Kegiatan"]).value
            and str(ws.cell(r, cols["No"]).value or "")[:1].isdigit()
        ):
            ws.cell(r, cols["OPD"], ws.cell(r, cols["OPD"]).value or "Bappeda")
            ws.cell(r, cols["Target Kinerja"], ws.cell(r, cols["Target Kinerja"]).value or "100")
    wb.save(path)
    page.locator('#unggah input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("h2", has_text="Siap disimpan")).to_be_visible(timeout=TIMEOUT)
    page.locator("#commit").click()
    expect_success(page, "Rencana disimpan")
    expect(page.locator("#periksa")).not_to_contain_text("belum mempunyai OPD")

    # 4. The APBD uploaded; the matrix tells which activity made it in.
    wb = Workbook()
    sheet = wb.active
    sheet.append(["APBD KABUPATEN SUMEDANG"])
    sheet.append(["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Perangkat Daerah", "Indikator", "Target", "Satuan",
                  "Lokasi", "Pagu"])  # fmt: skip
    sheet.append(
        ["1.02.02.2.02.0016", "Gizi masyarakat", "Dinas Kesehatan", "", "", "", "", "Rp 800.000.000,00"]
    )
    sheet.append(
        ["2.08.02.2.01.0001", "Sanitasi total berbasis masyarakat", "DPUPR", "", "", "", "", 9_000_000]
    )
    apbd = tmp_path / "apbd.xlsx"
    wb.save(apbd)
    page.locator(".subnav a", has_text="Dokumen perencanaan/anggaran").click()
    page.locator('select[name="kind"]').select_option("apbd")
    page.locator('#document-form input[type="file"]').set_input_files(str(apbd))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("h2", has_text="Siap disimpan")).to_be_visible(timeout=TIMEOUT)
    page.locator("#commit").click()
    expect_success(page, "Dokumen disimpan: 2 baris")
    expect(page.locator("#matrix")).to_contain_text(
        "pagu Rp 800.000.000 di bawah anggaran rencana Rp 1.250.000.000"
    )
    expect(page.locator("body")).to_contain_text(
        "Sanitasi total berbasis masyarakat"
    )  # in the APBD, not planned
    shots(page, "51-rencana-matriks")

    # 5. The stages, in order, to "final": frozen and attached to Aksi 2.
    page.locator(".subnav a", has_text="Rencana").first.click()
    for label in ("Diskusi dengan DPRD", "Ekspose di Rembuk Stunting", "Final"):
        expect(page.locator("#stage-form h3")).to_contain_text(label, timeout=TIMEOUT)
        page.locator('#stage-form input[name="date"]').fill(today)
        page.locator('#stage-form textarea[name="notes"]').fill(f"{label} (uji)")
        page.get_by_role("button", name="Catat tahap").click()
        expect_success(page, "dicatat")
    expect(page.locator("#stage")).to_have_text("Final")
    expect(page.locator("#tahap")).to_contain_text("Dilampirkan ke Aksi 2 sebagai bukti")
    expect(page.locator(f"#b{first.pk} a", has_text="Ubah")).to_have_count(0)  # frozen
    shots(page, "52-rencana-final")

    # 6. Aksi 2 shows the plan and its document, and goes to the province.
    page.goto(f"/aksi/{aksi2.pk}/")
    expect(page.locator("body")).to_contain_text(f"Rencana kegiatan {tahun}, versi 1")
    expect(page.locator("#bukti tbody")).to_contain_text("rencana-kegiatan-3211")
    page.locator('button[data-move="submit"]').click()
    expect_success(page, "diajukan ke provinsi")
    aksi2.refresh_from_db()
    assert aksi2.status == "diajukan"

    assert not problems.csp, problems.csp
    assert not problems.js_errors, problems.js_errors
    assert not problems.console_errors, problems.console_errors
    assert not problems.server_errors, problems.server_errors
