"""Optional TOTP two-factor login (issue 11): enrolment, the second login step, recovery codes,
throttling, enforcement by ``KONVERGENSI_REQUIRE_2FA``, audit rows and scope.

Codes are computed from the device's own key with django-otp's TOTP, as a phone would.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from konvergensi.accounts import two_factor
from konvergensi.accounts.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

GARBAGE = [
    "",
    " ",
    "abc",
    "12345",
    "1234567",
    "1" * 33,
    "１２３４５６",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "12\x0034",
    "-12345",
    "999999999999",
    "zzzzzzzz",
    "aaaa-bbbb",
    "%n%s%x",
]


def code_for(device: TOTPDevice, steps: int = 0) -> str:
    """The code the phone shows ``steps`` time steps from now (with the device's learnt drift)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def shown_key(response) -> bytes:
    """The key the setup page shows for manual entry, as a phone would read it."""
    shown = re.search(r'<code id="kunci-rahasia">([A-Z2-7 ]+)</code>', response.content.decode()).group(1)
    text = shown.replace(" ", "")
    return b32decode(text + "=" * (-len(text) % 8))


def code_from_key(key: bytes, steps: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def next_code(user) -> str:
    """A code not yet used: one step ahead (TOTP refuses a code of an already used time step)."""
    return code_for(TOTPDevice.objects.get(user=user, confirmed=True), 1)


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Enrol the client's user through the pages; return the device and the recovery codes shown."""
    r = client.get(reverse("accounts:two-factor-setup"))
    assert r.status_code == 200
    r = client.post(reverse("accounts:two-factor-setup"), {"code": code_from_key(shown_key(r))})
    assert r.status_code == 200, r.content
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", r.content.decode())
    return TOTPDevice.objects.get(user_id=client.session["_auth_user_id"], confirmed=True), codes


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def password_login(user) -> Client:
    client = Client()
    r = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302, "the password step itself must succeed"
    return client


def enrolled(user) -> list[str]:
    """Give ``user`` a confirmed authenticator and recovery codes, as the setup page does."""
    TOTPDevice.objects.create(user=user, name=two_factor.TOTP_NAME, confirmed=True)
    return two_factor.recovery_codes_create(user)


def verified(user) -> Client:
    """A session that has passed both steps (as after the second-factor page)."""
    client = logged_in(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


def is_verified(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def wait_out_device_delay(user) -> None:
    """Stand for the 1, 2, 4 … seconds django-otp makes a person wait after a wrong code."""
    past = timezone.now() - dt.timedelta(hours=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor=user, action__startswith="two_factor.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


# --- Enrolment -----------------------------------------------------------------------------------


def test_setup_shows_a_server_drawn_qr_and_the_key_and_confirms_only_with_the_right_code(world):
    user = world.user("operator")
    client = logged_in(user)
    r = client.get(reverse("accounts:two-factor-setup"))
    body = r.content.decode()
    main = body.split("<main>")[1].split("</main>")[0]
    assert "<svg" in main and "<script" not in main and "style=" not in main
    assert "no-cache" in r["Cache-Control"] and "no-store" in r["Cache-Control"]
    key = shown_key(r)
    assert len(key) == 20
    assert not TOTPDevice.objects.filter(user=user).exists(), "nothing is stored before it is confirmed"
    # The same key on a second visit (the QR code already in the phone stays valid).
    assert shown_key(client.get(reverse("accounts:two-factor-setup"))) == key
    # Another user gets another key.
    assert shown_key(logged_in(world.user("provinsi")).get(reverse("accounts:two-factor-setup"))) != key

    wrong = f"{(int(code_from_key(key)) + 1) % 1_000_000:06d}"
    r = client.post(reverse("accounts:two-factor-setup"), {"code": wrong})
    assert r.status_code == 200 and "Kode tidak cocok" in r.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists() and not two_factor.is_enabled(user)

    confirming = code_from_key(key)
    r = client.post(reverse("accounts:two-factor-setup"), {"code": confirming})
    assert r.status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.bin_key == key and two_factor.is_enabled(user)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", r.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(
        codes
    )
    assert actions(user) == ["two_factor.enable"]
    event = AuditEvent.objects.get(action="two_factor.enable")
    assert event.region_kode == "32.11" and event.object_id == str(user.pk)
    assert not any(code in str(event.data) for code in codes), "codes never go into the audit trail"
    # The session that enrolled is verified: no second step asked of it.
    assert is_verified(client)
    # Enrolled users are sent back from the setup page instead of getting a second key.
    assert client.get(reverse("accounts:two-factor-setup"))["Location"] == reverse("accounts:security")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    # The code that confirmed the app cannot be used again to log in.
    fresh = password_login(user)
    assert fresh.post(reverse("accounts:two-factor-verify"), {"code": confirming}).status_code == 200
    assert not is_verified(fresh)


def test_demo_accounts_cannot_enrol_on_the_public_demo(world, settings):
    from django.contrib.auth import get_user_model

    settings.DEMO_MODE = True
    user = world.user("operator")
    get_user_model().objects.filter(pk=user.pk).update(username="bappeda-sumedang")
    client = logged_in(user)
    r = client.get(reverse("accounts:two-factor-setup"))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:security")
    assert "tidak dapat memakai" in client.get(r["Location"]).content.decode()
    settings.DEMO_MODE = False
    assert client.get(reverse("accounts:two-factor-setup")).status_code == 200


# --- The second login step -----------------------------------------------------------------------


def test_after_the_password_only_the_second_factor_page_and_logout_answer(world):
    user = world.user("operator")
    enrolled(user)
    client = password_login(user)
    for name in ("home", "accounts:security", "accounts:user-list", "accounts:audit", "aksi:pantau"):
        r = client.get(reverse(name))
        assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:two-factor-verify")), name
    r = client.get(reverse("aksi:pantau"))
    assert r["Location"] == reverse("accounts:two-factor-verify") + "?" + urlencode(
        {"next": reverse("aksi:pantau")}
    )
    for name in ("accounts:two-factor-setup", "accounts:two-factor-disable", "accounts:recovery-codes"):
        assert client.post(reverse(name), {"code": next_code(user), "password": PASSWORD}).status_code == 302
    assert two_factor.is_enabled(user), "nothing changed before the second step"
    page = client.get(reverse("accounts:two-factor-verify"))
    assert page.status_code == 200 and 'class="mainnav"' not in page.content.decode()
    r = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert r.status_code == 204 and r["HX-Redirect"] == reverse("accounts:two-factor-verify")
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("accounts:login")


def test_login_with_password_and_a_totp_code(world):
    user = world.user("provinsi")
    enrolled(user)
    client = password_login(user)
    assert not is_verified(client)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 5) % 1_000_000:06d}"
    r = client.post(reverse("accounts:two-factor-verify"), {"code": wrong, "next": "/aksi/"})
    assert r.status_code == 200 and "Kode salah" in r.content.decode()
    assert not is_verified(client)
    assert actions(user) == ["two_factor.fail"]
    wait_out_device_delay(user)
    code = code_for(device)
    r = client.post(reverse("accounts:two-factor-verify"), {"code": code, "next": "/aksi/"})
    assert r.status_code == 302 and r["Location"] == "/aksi/"
    assert is_verified(client)
    # The same code cannot be replayed in another session.
    other = password_login(user)
    r = other.post(reverse("accounts:two-factor-verify"), {"code": code})
    assert r.status_code == 200 and not is_verified(other)


def test_the_next_address_after_the_second_step_stays_on_this_site(world):
    user = world.user("operator")
    enrolled(user)
    client = password_login(user)
    r = client.post(
        reverse("accounts:two-factor-verify"), {"code": next_code(user), "next": "https://evil.example/"}
    )
    assert r.status_code == 302 and r["Location"] == reverse("home")


def test_a_recovery_code_logs_in_once_and_is_audited(world):
    user = world.user("pusat")
    codes = enrolled(user)
    client = password_login(user)
    typed = f"{codes[3][:4].upper()}-{codes[3][4:].upper()} "  # as printed, with a hyphen, in capitals
    r = client.post(reverse("accounts:two-factor-verify"), {"code": typed})
    assert r.status_code == 302 and is_verified(client)
    assert two_factor.recovery_codes_left(user) == 9
    event = AuditEvent.objects.get(actor=user, action="two_factor.recovery_used")
    assert event.data == {"stage": "login", "left": 9}
    again = password_login(user)
    r = again.post(reverse("accounts:two-factor-verify"), {"code": codes[3]})
    assert r.status_code == 200 and not is_verified(again)
    wait_out_device_delay(user)
    assert again.post(reverse("accounts:two-factor-verify"), {"code": codes[4]}).status_code == 302


def test_five_wrong_codes_in_15_minutes_refuse_even_the_right_one(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # isolate the 5-in-15-minutes rule from the device's delay
    user = world.user("operator")
    enrolled(user)
    client = password_login(user)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 7) % 1_000_000:06d}"
    for _ in range(5):
        r = client.post(reverse("accounts:two-factor-verify"), {"code": wrong})
        assert r.status_code == 200 and "Kode salah" in r.content.decode()
    assert actions(user) == ["two_factor.fail"] * 5
    r = client.post(reverse("accounts:two-factor-verify"), {"code": code_for(device)})
    assert r.status_code == 200 and "Terlalu banyak kode yang salah" in r.content.decode()
    assert not is_verified(client)
    assert actions(user) == ["two_factor.fail"] * 5, "refused attempts are not counted again"
    # Once the failures are older than 15 minutes, the right code works.
    AuditEvent.objects.filter(actor=user).update(at=timezone.now() - dt.timedelta(minutes=16))
    r = client.post(reverse("accounts:two-factor-verify"), {"code": code_for(device)})
    assert r.status_code == 302 and is_verified(client)


def test_django_otp_delay_refuses_a_quick_retry_after_a_wrong_code(world):
    user = world.user("operator")
    enrolled(user)
    client = password_login(user)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 3) % 1_000_000:06d}"
    client.post(reverse("accounts:two-factor-verify"), {"code": wrong})
    r = client.post(reverse("accounts:two-factor-verify"), {"code": code_for(device)})
    assert r.status_code == 200 and "Terlalu banyak kode yang salah" in r.content.decode()
    wait_out_device_delay(user)
    assert client.post(reverse("accounts:two-factor-verify"), {"code": code_for(device)}).status_code == 302


@pytest.mark.parametrize("garbage", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_codes_are_refused_without_a_server_error(world, garbage):
    user = world.user("operator")
    enrolled(user)
    client = password_login(user)
    r = client.post(reverse("accounts:two-factor-verify"), {"code": garbage})
    assert r.status_code == 200 and not is_verified(client)
    assert client.post(reverse("accounts:two-factor-verify"), {"next": garbage}).status_code == 200
    # Enrolling and disabling with garbage: refused, nothing changed, no 500.
    other = world.user("provinsi")
    c2 = logged_in(other)
    assert c2.post(reverse("accounts:two-factor-setup"), {"code": garbage}).status_code == 200
    assert not two_factor.is_enabled(other)
    r = verified(user).post(reverse("accounts:two-factor-disable"), {"password": PASSWORD, "code": garbage})
    assert r.status_code == 302 and two_factor.is_enabled(user)


# --- Changing it: recovery codes, disabling ------------------------------------------------------


def test_recovery_codes_are_regenerated_with_the_password_and_the_old_ones_die(world):
    user = world.user("operator")
    client = logged_in(user)
    _device, old = enrol(client)
    r = client.post(reverse("accounts:recovery-codes"), {"password": "salah-sekali"})
    assert r.status_code == 302
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(old)
    r = client.post(reverse("accounts:recovery-codes"), {"password": PASSWORD})
    assert r.status_code == 200
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", r.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)
    assert actions(user) == ["two_factor.enable", "two_factor.fail", "two_factor.recovery_regenerate"]
    assert AuditEvent.objects.get(action="two_factor.fail").data == {
        "stage": "regenerate",
        "reason": "password",
    }
    fresh = password_login(user)
    assert fresh.post(reverse("accounts:two-factor-verify"), {"code": old[0]}).status_code == 200
    wait_out_device_delay(user)
    assert fresh.post(reverse("accounts:two-factor-verify"), {"code": new[0]}).status_code == 302


def test_disabling_needs_the_password_and_a_current_code(world):
    user = world.user("operator")
    client = logged_in(user)
    enrol(client)
    url = reverse("accounts:two-factor-disable")
    client.post(url, {"password": "bukan-sandinya", "code": next_code(user)})
    assert two_factor.is_enabled(user)
    wrong = f"{(int(next_code(user)) + 1) % 1_000_000:06d}"
    client.post(url, {"password": PASSWORD, "code": wrong})
    assert two_factor.is_enabled(user)
    wait_out_device_delay(user)
    r = client.post(url, {"password": PASSWORD, "code": next_code(user)})
    assert r.status_code == 302
    assert not two_factor.is_enabled(user)
    assert (
        not TOTPDevice.objects.filter(user=user).exists()
        and not StaticDevice.objects.filter(user=user).exists()
    )
    assert actions(user) == ["two_factor.enable", "two_factor.fail", "two_factor.fail", "two_factor.disable"]
    reasons = [e.data["reason"] for e in AuditEvent.objects.filter(action="two_factor.fail").order_by("id")]
    assert reasons == ["password", "code"]
    # Without an authenticator the next login needs the password only.
    assert is_verified(password_login(user))


def test_disabling_with_a_recovery_code_when_the_phone_is_lost(world):
    user = world.user("provinsi")
    codes = enrolled(user)
    client = password_login(user)
    client.post(reverse("accounts:two-factor-verify"), {"code": codes[0]})
    r = client.post(reverse("accounts:two-factor-disable"), {"password": PASSWORD, "code": codes[1]})
    assert r.status_code == 302 and not two_factor.is_enabled(user)
    assert actions(user) == ["two_factor.recovery_used", "two_factor.recovery_used", "two_factor.disable"]


# --- Scope: one's own account only ---------------------------------------------------------------


def test_nobody_can_see_or_disable_someone_elses_two_factor(world):
    victim = world.user("operator")
    enrolled(victim)
    other = world.user("neighbour")
    client = logged_in(other)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Belum aktif" in page
    # The other user's own password with the victim's current code: nothing of the victim's changes.
    r = client.post(reverse("accounts:two-factor-disable"), {"password": PASSWORD, "code": next_code(victim)})
    assert r.status_code == 302
    r = client.post(reverse("accounts:recovery-codes"), {"password": PASSWORD})
    assert r.status_code == 302
    assert two_factor.is_enabled(victim) and two_factor.recovery_codes_left(victim) == 10
    # And with an authenticator of their own, the victim's code does not let them in.
    enrolled(other)
    c2 = password_login(other)
    assert c2.post(reverse("accounts:two-factor-verify"), {"code": next_code(victim)}).status_code == 200
    assert not is_verified(c2)
    # The victim's page shows their own status.
    page = verified(victim).get(reverse("accounts:security")).content.decode()
    assert "Belum aktif" not in page and "Tersisa 10 kode pemulihan" in page


# --- Enforcement ---------------------------------------------------------------------------------

REQUIRED = ("operator", "provinsi", "pusat", "neighbour", "other_province")
NOT_REQUIRED = ("opd", "kecamatan", "desa", "puskesmas")


def test_without_the_setting_nobody_is_forced_to_enrol(world, settings):
    assert settings.KONVERGENSI_REQUIRE_2FA is False
    for persona in (*REQUIRED, *NOT_REQUIRED):
        assert logged_in(world.user(persona)).get(reverse("home")).status_code == 200, persona


def test_with_the_setting_administrators_must_enrol_first(world, settings):
    settings.KONVERGENSI_REQUIRE_2FA = True
    for persona in NOT_REQUIRED:
        assert logged_in(world.user(persona)).get(reverse("home")).status_code == 200, persona
    for persona in REQUIRED:
        client = logged_in(world.user(persona))
        for name in ("home", "accounts:user-list", "accounts:audit", "aksi:pantau"):
            r = client.get(reverse(name))
            assert r.status_code == 302 and r["Location"] == reverse("accounts:two-factor-setup"), persona
        page = client.get(reverse("accounts:two-factor-setup")).content.decode()
        assert "wajib memakai verifikasi dua langkah" in page
        assert client.get(reverse("accounts:security")).status_code == 200
    user = world.user("operator")
    client = logged_in(user)
    enrol(client)
    assert client.get(reverse("home")).status_code == 200
    # Disabling it sends an administrator straight back to the setup page.
    client.post(reverse("accounts:two-factor-disable"), {"password": PASSWORD, "code": next_code(user)})
    assert not two_factor.is_enabled(user)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:two-factor-setup")


def test_a_server_administrator_can_reset_a_lost_authenticator(world):
    from django.core.management import CommandError, call_command

    user = world.user("operator")
    enrolled(user)
    call_command("two_factor_reset", user.username)
    assert not two_factor.is_enabled(user) and two_factor.recovery_codes_left(user) == 0
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor is None and event.region_kode == "32.11" and event.object_id == str(user.pk)
    with pytest.raises(CommandError):
        call_command("two_factor_reset", user.username)
    with pytest.raises(CommandError):
        call_command("two_factor_reset", "tidak-ada")
