"""Aksi 5 in Chromium, as the desa user of Cimungkal: from the home panel to the KPM roster, a new KPM
with a training, a scorecard entered as counts (one figure above its targets refused first), and the
score on the page. Every page is watched for CSP violations, script errors and 5xx."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from konvergensi.accounts.models import Membership, Role
from konvergensi.kpm.models import Kpm, Scorecard

from .conftest import PASSWORD
from .test_aksi_flow import TIMEOUT, expect_success, login

pytestmark = pytest.mark.browser

CIMUNGKAL = "32.11.01.2001"


def test_roster_then_scorecard_then_score(accounts, new_page, problems, shots):
    user = get_user_model().objects.create_user("desa-cimungkal", password=PASSWORD, first_name="Kades")
    Membership.objects.create(user=user, role=Role.DESA, region_id=CIMUNGKAL)
    today = timezone.localdate()
    page = new_page()
    login(page, "desa-cimungkal", PASSWORD)

    # 1. The home page leads to the roster.
    expect(page.locator("#kpm-home")).to_contain_text("0 KPM aktif", timeout=TIMEOUT)
    page.locator("#kpm-home").get_by_role("link", name="Daftar KPM").click()
    expect(page.locator("h1")).to_contain_text("KPM dan Skor Konvergensi Desa", timeout=TIMEOUT)

    # 2. A KPM, then her training.
    form = page.locator("#kpm-form")
    form.locator('input[name="nama"]').fill("Siti Rahmawati")
    form.locator('input[name="kontak"]').fill("0812-3456-7890")
    form.locator('input[name="since"]').fill(today.replace(day=1).isoformat())
    form.get_by_role("button", name="Tambah KPM").click()
    expect_success(page, "KPM dicatat")
    expect(page.locator("#kpm-table")).to_contain_text("Siti Rahmawati")
    page.locator("#kpm-table details summary").first.click()
    training = page.locator(".training-form").first
    training.locator('input[name="nama"]').fill("Pelatihan KPM kabupaten")
    training.locator('input[name="mulai"]').fill(today.isoformat())
    training.get_by_role("button", name="Catat pelatihan").click()
    expect_success(page, "Pelatihan dicatat")
    assert Kpm.objects.get(desa_id=CIMUNGKAL).trainings.count() == 1

    # 3. A scorecard: received above targets is refused, nothing saved; then the right figures.
    card = page.locator("#skor-form")
    card.locator('input[name="sasaran_IH01"]').fill("4")
    card.locator('input[name="terima_IH01"]').fill("5")
    card.get_by_role("button", name="Simpan kartu skor").click()
    expect(page.locator(".messages .msg-error")).to_contain_text("melebihi", timeout=TIMEOUT)
    assert not Scorecard.objects.exists()
    card = page.locator("#skor-form")
    card.locator('input[name="sasaran_IH01"]').fill("4")
    card.locator('input[name="terima_IH01"]').fill("3")
    card.locator('input[name="sasaran_AN01"]').fill("6")
    card.locator('input[name="terima_AN01"]').fill("3")
    card.get_by_role("button", name="Simpan kartu skor").click()
    expect_success(page, "Kartu skor triwulan")

    # 4. The score: 6 of 10 pairs.
    expect(page.locator("#skor-now")).to_contain_text("60,0", timeout=TIMEOUT)
    expect(page.locator("#skor-history")).to_contain_text("60,0")
    expect(page.locator("#skor svg")).to_have_count(1)
    shots(page, "kpm-desa-skor")

    # 5. The operator's district page: counts and the map (no names), the desa on the map.
    district = new_page()
    login(district, accounts.operator.username, accounts.password)
    district.goto(f"/skor-desa/32.11/?tahun={today.year}")
    expect(district.locator("#kpm-summary")).to_contain_text("1 / ", timeout=TIMEOUT)
    expect(district.locator("#peta-skor")).to_have_attribute(
        "data-loaded", re.compile(r"^[1-9][0-9]*$"), timeout=TIMEOUT
    )
    expect(district.locator("body")).not_to_contain_text("Siti Rahmawati")
    shots(district, "kpm-district")

    assert not problems.csp, problems.csp
    assert not problems.js_errors, problems.js_errors
    assert not problems.console_errors, problems.console_errors
    assert not problems.server_errors, problems.server_errors
