"""Two-factor login clicked through in Chromium (issue 11).

The Sumedang operator turns on two-factor on the "Keamanan akun" page (the QR code and the key are
drawn by the server, no script), keeps the recovery codes, logs out, logs in with the password and a
code computed from the key the page showed (as a phone would), logs out again and logs in with a
recovery code. Every page is watched for Content-Security-Policy violations, script errors and 5xx.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from base64 import b32decode

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from konvergensi.accounts.models import AuditEvent

from .test_aksi_flow import TIMEOUT, password_step

pytestmark = pytest.mark.browser


def code_from_key(secret: str, steps: int = 0) -> str:
    text = secret.replace(" ", "")
    totp = TOTP(b32decode(text + "=" * (-len(text) % 8)))
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def logout(page: Page) -> None:
    page.locator(".userbox form[action$='/keluar/'] button").click()
    expect(page).to_have_url(re.compile(r"/masuk/"), timeout=TIMEOUT)


def test_enrol_then_log_in_with_a_totp_code_and_with_a_recovery_code(accounts, new_page, problems, shots):
    user = accounts.operator
    page = new_page()
    password_step(page, user.username, accounts.password)
    expect(page.locator(".userbox .who")).to_be_visible(timeout=TIMEOUT)

    # Enrol from the account-security page reached through the top bar.
    page.locator(".userbox a.who").click()  # the name leads to one's own account security
    expect(page.locator("h1")).to_have_text("Keamanan akun")
    expect(page.locator("#dua-langkah")).to_contain_text("Belum aktif")
    page.get_by_role("link", name="Aktifkan verifikasi dua langkah").click()
    expect(page.locator("figure.qr svg")).to_be_visible(timeout=TIMEOUT)
    secret = page.locator("#kunci-rahasia").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)
    shots(page, "2fa-01-aktifkan")
    page.locator('input[name="code"]').fill(code_from_key(secret))
    page.get_by_role("button", name="Aktifkan").click()
    codes = page.locator("#kode-pemulihan code")
    expect(codes).to_have_count(10, timeout=TIMEOUT)
    recovery = codes.all_inner_texts()
    shots(page, "2fa-02-kode-pemulihan")
    page.get_by_role("link", name="Sudah saya simpan").click()
    expect(page.locator("#dua-langkah")).to_contain_text("Tersisa 10 kode pemulihan")
    logout(page)

    # Password, then a code from the "phone": nothing else is reachable in between.
    password_step(page, user.username, accounts.password)
    expect(page).to_have_url(re.compile(r"/masuk/verifikasi/"), timeout=TIMEOUT)
    page.goto("/akun/")
    expect(page).to_have_url(re.compile(r"/masuk/verifikasi/\?next=%2Fakun%2F"), timeout=TIMEOUT)
    page.locator('input[name="code"]').fill(f"{(int(code_from_key(secret, 1)) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.locator("main .error")).to_contain_text("Kode salah", timeout=TIMEOUT)
    shots(page, "2fa-03-kode-salah")
    # Stand for the second django-otp makes a person wait after a wrong code.
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=1)
    )
    page.locator('input[name="code"]').fill(code_from_key(secret, 1))
    page.get_by_role("button", name="Verifikasi").click()
    expect(page).to_have_url(re.compile(r"/akun/$"), timeout=TIMEOUT)
    expect(page.locator("h1")).to_be_visible()
    logout(page)

    # Password, then one recovery code, typed as printed.
    password_step(page, user.username, accounts.password)
    expect(page).to_have_url(re.compile(r"/masuk/verifikasi/"), timeout=TIMEOUT)
    page.locator('input[name="code"]').fill(recovery[0].upper())
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.locator(".messages")).to_contain_text("kode pemulihan", timeout=TIMEOUT)
    expect(page.locator(".userbox .who")).to_be_visible()
    shots(page, "2fa-04-masuk-dengan-kode-pemulihan")
    page.goto("/keamanan/")
    expect(page.locator("#dua-langkah")).to_contain_text("Tersisa 9 kode pemulihan")

    actions = list(
        AuditEvent.objects.filter(actor=user, action__startswith="two_factor.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["two_factor.enable", "two_factor.fail", "two_factor.recovery_used"]
    assert problems.csp == [] and problems.js_errors == [] and problems.console_errors == []
    assert problems.server_errors == [] and problems.not_found == []
