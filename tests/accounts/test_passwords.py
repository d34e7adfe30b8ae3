"""Passwords in the app: one's own change, and a reset by an administrator of the same scope (whoever
may create such an account), which lifts a lock-out and makes the owner choose their own at next login.
Both audited, both with Django's password validators."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from konvergensi.accounts import services
from konvergensi.accounts.models import AuditEvent
from tests.conftest import DESA, KAB, PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Sandi-Baru-2026"
TEMPORARY = "Sementara-2026"


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def login(username: str, password: str) -> tuple[Client, int]:
    c = Client()
    r = c.post(reverse("accounts:login"), {"username": username, "password": password})
    return c, r.status_code


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def events(action: str, user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(user.pk)))


# --- one's own change --------------------------------------------------------------------------------


def test_the_security_page_links_the_password_change(world):
    html = logged_in(world.user("desa")).get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:password-change") in html


def test_change_needs_the_current_password(world):
    user = world.user("desa")
    r = logged_in(user).post(
        reverse("accounts:password-change"),
        {"old_password": "salah", "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 200 and "Kata sandi saat ini salah" in r.content.decode()
    assert fresh(user).check_password(PASSWORD) and events("password.change", user) == []


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("kades", "terlalu pendek"),
        ("password123", "terlalu umum"),
        ("98765432123", "seluruhnya terdiri dari angka"),
    ],
)
def test_change_applies_djangos_validators(world, new, message):
    user = world.user("desa")
    r = logged_in(user).post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert r.status_code == 200 and message in r.content.decode().lower()
    assert fresh(user).check_password(PASSWORD)


def test_change_needs_the_same_new_password_twice(world):
    user = world.user("desa")
    r = logged_in(user).post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
    )
    assert "Kedua kata sandi baru tidak sama" in r.content.decode() and fresh(user).check_password(PASSWORD)


def test_change_keeps_this_session_ends_the_others_and_is_audited(world):
    user = world.user("desa")
    here, elsewhere = logged_in(user), logged_in(user)
    r = here.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 302 and r["Location"] == reverse("accounts:security")
    assert fresh(user).check_password(NEW)
    assert here.get(reverse("accounts:security")).status_code == 200
    assert elsewhere.get(reverse("accounts:security")).status_code == 302  # back to the login page
    (event,) = events("password.change", user)
    assert event.actor == user and event.region_kode == DESA and NEW not in str(event.data)


def test_shared_demo_accounts_keep_their_password(world, settings):
    from konvergensi.accounts.demo_accounts import DEMO_ACCOUNTS

    settings.DEMO_MODE = True
    user = world.user("desa")
    user.username = DEMO_ACCOUNTS[0].username
    user.save()
    r = logged_in(user).post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 200 and fresh(user).check_password(PASSWORD)


# --- reset by an administrator -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("admin", "target", "may"),
    [
        ("operator", "desa", True),
        ("operator", "opd", True),
        ("operator", "puskesmas", True),
        ("operator", "operator", False),  # one's own: a change, not a reset
        ("operator", "provinsi", False),
        ("operator", "neighbour", False),
        ("neighbour", "desa", False),
        ("provinsi", "operator", True),
        ("provinsi", "neighbour", True),  # Majalengka is in the same province
        ("provinsi", "other_province", False),
        ("provinsi", "desa", False),  # a province creates operators, not desa accounts
        ("pusat", "provinsi", True),
        ("pusat", "desa", True),
        ("opd", "desa", False),
        ("kecamatan", "desa", False),
    ],
)
def test_who_may_reset_whom(world, admin, target, may):
    assert services.may_reset_password(world.scopes[admin], world.user(target)) is may
    if not may:
        with pytest.raises(PermissionDenied):
            services.password_reset(
                scope=world.scopes[admin],
                user=world.user(target),
                new_password=TEMPORARY,
                by=world.user(admin),
            )
        assert fresh(world.user(target)).check_password(PASSWORD)


def test_the_account_list_offers_the_reset_only_where_allowed(world):
    html = logged_in(world.user("provinsi")).get(reverse("accounts:user-list")).content.decode()
    assert reverse("accounts:password-reset", args=[world.user("operator").pk]) in html
    assert reverse("accounts:password-reset", args=[world.user("desa").pk]) not in html
    assert reverse("accounts:password-reset", args=[world.user("provinsi").pk]) not in html


def test_reset_applies_the_validators(world):
    desa = world.user("desa")
    r = logged_in(world.user("operator")).post(
        reverse("accounts:password-reset", args=[desa.pk]), {"new_password1": "123", "new_password2": "123"}
    )
    assert r.status_code == 200 and fresh(desa).check_password(PASSWORD)
    assert events("password.reset", desa) == []


def test_reset_is_audited_lifts_the_lock_and_forces_a_change_at_next_login(world):
    desa = world.user("desa")
    for _ in range(5):
        login("kades", "salah")
    assert login("kades", PASSWORD)[1] == 429  # locked out

    r = logged_in(world.user("operator")).post(
        reverse("accounts:password-reset", args=[desa.pk]),
        {"new_password1": TEMPORARY, "new_password2": TEMPORARY},
    )
    assert r.status_code == 302 and r["Location"] == reverse("accounts:user-list")
    (event,) = events("password.reset", desa)
    assert event.actor == world.user("operator") and event.region_kode == DESA
    assert event.data == {"username": "kades"}
    assert AuditEvent.objects.filter(action="password.reset", region_kode__startswith=KAB).count() == 1

    c, status = login("kades", TEMPORARY)  # the lock is lifted
    assert status == 302
    r = c.get(reverse("home"))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:password-change")
    r = c.get(reverse("accounts:security"), headers={"HX-Request": "true"})
    assert r.status_code == 204 and r["HX-Redirect"] == reverse("accounts:password-change")
    page = c.get(reverse("accounts:password-change")).content.decode()
    assert "diatur ulang oleh administrator" in page
    assert c.get("/healthz").status_code in (200, 503)  # monitoring is never redirected

    r = c.post(
        reverse("accounts:password-change"),
        {"old_password": TEMPORARY, "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 302
    assert c.get(reverse("home")).status_code == 200
    c2, status = login("kades", NEW)
    assert status == 302 and c2.get(reverse("home")).status_code == 200  # no longer forced


def test_outsiders_do_not_learn_the_account_exists(world):
    r = logged_in(world.user("neighbour")).get(
        reverse("accounts:password-reset", args=[world.user("desa").pk])
    )
    assert r.status_code == 404


def test_the_audit_log_names_the_reset_in_words(world):
    operator = world.user("operator")
    services.password_reset(
        scope=world.scopes["operator"], user=world.user("desa"), new_password=TEMPORARY, by=operator
    )
    html = logged_in(operator).get(reverse("accounts:audit")).content.decode()
    assert "Kata sandi diatur ulang administrator" in html and "akun: kades" in html
