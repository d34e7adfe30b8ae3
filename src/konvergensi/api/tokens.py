"""Create, find and revoke personal API tokens (``Authorization: Bearer kvg_<secret>``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts import services as account_services
from konvergensi.accounts.scope import Scope

from .models import ApiToken

TOKEN_PREFIX = "kvg_"  # noqa: S105 - the marker of a token, not a secret
MAX_DAYS = 365
DEFAULT_DAYS = 90
PREFIX_LEN = 12  # "kvg_" and 8 characters of the secret: shown in the list to recognise a token


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Created:
    token: ApiToken
    secret: str  # the whole "kvg_…" string: shown once, never stored


def create(*, user, scope: Scope, name: str, days: int) -> Created:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Isi nama token."))
    if not scope.is_active:
        raise ValidationError(_("Akun tanpa peran tidak dapat membuat token API."))
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(_("Masa berlaku token 1 sampai %(max)d hari.") % {"max": MAX_DAYS})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:80],
            prefix=secret[:PREFIX_LEN],
            hash=digest(secret),
            expires=timezone.now() + dt.timedelta(days=days),
        )
        account_services.audit(
            by=user, action="api_token.create", target=token, region_kode=scope.kode or "",
            data={"name": token.name, "prefix": token.prefix, "expires": token.expires.date().isoformat()},
        )  # fmt: skip
    return Created(token=token, secret=secret)


def revoke(*, user, scope: Scope, pk: int) -> ApiToken:
    """Revoke one's own token (404 for anyone else's: ``ApiToken.DoesNotExist``)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=pk, user=user)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            account_services.audit(
                by=user, action="api_token.revoke", target=token, region_kode=scope.kode or "",
                data={"name": token.name, "prefix": token.prefix},
            )  # fmt: skip
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The active token whose secret this is (and mark it used), or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(hash=digest(secret)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    # Write at most once a minute: every request would otherwise be a write.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def for_user(user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))
