"""Two-factor login (TOTP) with one-time recovery codes, on django-otp.

Two-factor is *on* for a user when they have a confirmed TOTP device. Their recovery codes are the
tokens of one django-otp static device, each usable once. Failed second-factor attempts are audit
rows (``two_factor.fail``); five of them within 15 minutes refuse further attempts until the oldest
leaves the window, on top of django-otp's own per-device exponential delay.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from .models import Role
from .permissions import assignable_roles
from .scope import Scope

RECOVERY_CODE_COUNT = 10
FAILURE_LIMIT = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
TOTP_NAME = "Aplikasi autentikator"
STATIC_NAME = "Kode pemulihan"

PENDING_KEY_SESSION = "two_factor_pending_key"

_HEX_KEY = re.compile(r"^[0-9a-f]{40}$")
_TOTP_CODE = re.compile(r"^[0-9]{6}$")
_RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


def is_enabled(user) -> bool:
    """Has ``user`` a confirmed authenticator app?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(scope: Scope) -> bool:
    """Must this person enrol before using the platform (``KONVERGENSI_REQUIRE_2FA``)?

    Province and national accounts and everyone allowed to create accounts (the district operator).
    """
    if not getattr(settings, "KONVERGENSI_REQUIRE_2FA", False) or not scope.is_active:
        return False
    return scope.role in (Role.PROVINSI, Role.PUSAT) or bool(assignable_roles(scope))


def enrolment_blocked(user) -> bool:
    """On the public demo the shared demo accounts may not enrol (one visitor would lock out all)."""
    if not settings.DEMO_MODE:
        return False
    from .demo_accounts import DEMO_ACCOUNTS

    return user.get_username() in {a.username for a in DEMO_ACCOUNTS}


def pending_device(request) -> TOTPDevice:
    """The device being set up, not yet saved: its key lives in the session until a code confirms it,
    so the QR code stays the same on every visit and an abandoned setup leaves nothing behind."""
    key = request.session.get(PENDING_KEY_SESSION)
    if not isinstance(key, str) or not _HEX_KEY.match(key):
        key = default_key()
        request.session[PENDING_KEY_SESSION] = key
    return TOTPDevice(user=request.user, name=TOTP_NAME, key=key, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The key for manual entry in an authenticator app, in groups of four letters."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code drawn on the server (no script, no inline style)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=20)
    return image.to_string(encoding="unicode")


def normalise(code: str) -> str:
    """What people type: spaces and hyphens dropped, lower case (recovery codes are base32)."""
    return re.sub(r"[\s-]+", "", code or "").lower()


def recovery_codes_create(user) -> list[str]:
    """Replace the user's recovery codes with ten fresh ones and return them (shown once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=STATIC_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def confirm(request, *, device: TOTPDevice, code: str) -> bool:
    """Save the pending device as confirmed if ``code`` is what the app shows now."""
    code = normalise(code)
    if not _TOTP_CODE.match(code):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).delete()
        device.last_t = totp.t()  # this code may not be used again to log in
        device.drift = totp.drift
        device.confirmed = True
        device.save()
    request.session.pop(PENDING_KEY_SESSION, None)
    return True


def disable(user) -> None:
    """Remove the authenticator app and every recovery code of ``user``."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


@dataclass(frozen=True)
class Check:
    """The outcome of one second-factor attempt."""

    device: object | None = None  # the device that accepted the code
    recovery: bool = False  # a recovery code was used (and is now spent)
    locked_until: dt.datetime | None = None  # set when the attempt was refused as too many


def locked_until(user, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the next attempt is allowed, if too many recent attempts failed; else None."""
    from .models import AuditEvent

    now = now or timezone.now()
    recent = list(
        AuditEvent.objects.filter(actor=user, action="two_factor.fail", at__gte=now - FAILURE_WINDOW)
        .order_by("-at")
        .values_list("at", flat=True)[:FAILURE_LIMIT]
    )
    if len(recent) < FAILURE_LIMIT:
        return None
    return recent[-1] + FAILURE_WINDOW


def check(user, code: str) -> Check:
    """Try ``code`` as the user's TOTP code or as one of their recovery codes.

    Refused without looking at the code while the user is locked out (too many failures) or the
    device's own delay after a failure has not passed.
    """
    until = locked_until(user)
    if until is not None:
        return Check(locked_until=until)
    code = normalise(code)
    if _TOTP_CODE.match(code):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        recovery = False
    elif _RECOVERY_CODE.match(code):
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        recovery = True
    else:
        return Check()
    if device is None:
        return Check()
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return Check(locked_until=(info or {}).get("locked_until"))
    verified = verify_token(user, device.persistent_id, code)
    return Check(device=verified, recovery=recovery and verified is not None)
