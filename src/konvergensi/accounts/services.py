"""Writes for accounts and the audit trail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from konvergensi.wilayah.models import Level

from .models import ROLE_LEVEL, AuditEvent, Membership, Role
from .permissions import Permission, assignable_roles, has_permission
from .scope import Scope


def audit(*, by, action: str, target=None, region_kode: str = "", data: dict | None = None) -> AuditEvent:
    """Record who did what. ``data`` must never contain personal data of children."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        region_kode=region_kode or "",
        data=data or {},
    )


def user_create(
    *,
    scope: Scope,
    username: str,
    full_name: str,
    email: str,
    password: str,
    role: str,
    region=None,
    opd=None,
    puskesmas=None,
    by,
):
    """Create an account with its membership, only inside the creator's own scope."""
    errors: dict[str, list[str]] = {}
    if role not in assignable_roles(scope):
        errors.setdefault("role", []).append(_("Anda tidak berwenang membuat akun dengan peran ini."))
    level = ROLE_LEVEL.get(role)
    # OPD and puskesmas staff belong where their agency / health centre is.
    if role == Role.PUSKESMAS and puskesmas is not None:
        region = puskesmas.kecamatan
    if role == Role.OPD and opd is not None:
        region = opd.kabkota
    if level is None:
        region = None
    elif region is None:
        errors.setdefault("region", []).append(_("Pilih wilayah untuk akun ini."))
    elif region.level != level:
        errors.setdefault("region", []).append(
            _("Wilayah harus setingkat %(level)s.") % {"level": Level(level).label}
        )
    if region is not None and not has_permission(scope, Permission.MANAGE_USERS, region.kode):
        errors.setdefault("region", []).append(_("Wilayah ini di luar wilayah kewenangan Anda."))
    if role == Role.OPD:
        if opd is None:
            errors.setdefault("opd", []).append(_("Pilih OPD untuk staf OPD."))
        elif region is not None and opd.kabkota_id != region.kode:
            errors.setdefault("opd", []).append(_("OPD harus milik kabupaten/kota yang sama."))
    else:
        opd = None
    if role == Role.PUSKESMAS:
        if puskesmas is None:
            errors.setdefault("puskesmas", []).append(_("Pilih puskesmas."))
        elif not has_permission(scope, Permission.MANAGE_USERS, puskesmas.kabkota_id):
            errors.setdefault("puskesmas", []).append(_("Puskesmas ini di luar wilayah kewenangan Anda."))
    else:
        puskesmas = None
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("Nama pengguna sudah dipakai."))
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    first, _sep, last = full_name.strip().partition(" ")
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, email=email, password=password, first_name=first, last_name=last
        )
        Membership.objects.create(user=user, role=role, region=region, opd=opd, puskesmas=puskesmas)
        audit(
            by=by,
            action="user.create",
            target=user,
            region_kode=region.kode if region else "",
            data={"username": username, "role": role, "region": region.kode if region else None},
        )
    return user
