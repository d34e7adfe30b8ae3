"""Security headers, CSP, cookies and brute-force protection."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(world):
    c = Client()
    c.force_login(world.user("provinsi"))
    r = c.get(reverse("aksi:pantau-province", args=["32"]))
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style_that_the_policy_would_block(world):
    c = Client()
    for persona in ("operator", "provinsi", "pusat"):
        c.force_login(world.user(persona))
        for url in ["/", reverse("aksi:pantau"), reverse("aksi:detail", args=[world.aksi[1].pk])]:
            html = c.get(url, follow=True).content.decode()
            for bad in ("style=", "<style", "onclick=", "onload=", "javascript:"):
                assert bad not in html, (persona, url, bad)
            for chunk in html.split("<script")[1:]:
                head = chunk.split(">", 1)[0]
                assert "src=" in head or 'type="application/json"' in head, (persona, url, head)


def test_session_and_csrf_cookies_are_httponly_and_secure_behind_https(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_https_setting_turns_on_secure_cookies_and_hsts(monkeypatch):
    import importlib

    import konvergensi.settings as s

    monkeypatch.setenv("KONVERGENSI_HTTPS", "true")
    try:
        reloaded = importlib.reload(s)
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.CSRF_COOKIE_SECURE
        assert reloaded.SECURE_HSTS_SECONDS >= 31536000 and reloaded.SECURE_SSL_REDIRECT
        assert reloaded.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    finally:
        monkeypatch.delenv("KONVERGENSI_HTTPS")
        importlib.reload(s)


def test_login_is_locked_after_five_failures_even_with_the_right_password(world):
    c = Client()
    url = reverse("accounts:login")
    for _ in range(5):
        r = c.post(url, {"username": "operator", "password": "salah"})
    assert r.status_code in (200, 429)
    r = c.post(url, {"username": "operator", "password": PASSWORD})
    assert r.status_code == 429 and "Terlalu banyak percobaan" in r.content.decode()
    # another user from the same address is not locked out
    r = c.post(url, {"username": "provjabar", "password": PASSWORD})
    assert r.status_code == 302


def test_wrong_password_answers_in_indonesian(world):
    r = Client().post(reverse("accounts:login"), {"username": "operator", "password": "salah"})
    assert r.status_code == 200 and "Nama pengguna atau kata sandi salah" in r.content.decode()


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "konvergensi.settings"}
    r = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert r.returncode != 0 and "KONVERGENSI_SECRET_KEY" in r.stderr


def test_unknown_page_is_a_friendly_404(world, settings):
    settings.DEBUG = False
    c = Client()
    c.force_login(world.user("operator"))
    r = c.get("/tidak-ada/")
    assert r.status_code == 404 and "Halaman tidak ditemukan" in r.content.decode()
