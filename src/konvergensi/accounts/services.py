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


# --- Passwords: changed by their owner, reset by an administrator of the same scope ------------------

PASSWORD_ACTIONS = ("password.change", "password.reset")


def _membership_region(user) -> str:
    membership = Membership.objects.filter(user=user).only("region_id").first()
    return (membership.region_id or "") if membership else ""


def password_change(*, user, old_password: str, new_password: str) -> None:
    """One's own new password, after the current one (Django's password validators apply). Audited."""
    errors: dict[str, list[str]] = {}
    if not user.check_password(old_password):
        errors["old_password"] = [_("Kata sandi saat ini salah.")]
    elif old_password == new_password:
        errors["new_password1"] = [_("Kata sandi baru harus berbeda dari kata sandi saat ini.")]
    if invalid := _invalid_password(new_password, user):
        errors.setdefault("new_password1", []).extend(invalid)
    if errors:
        raise ValidationError(errors)
    _set_password(user, new_password, by=user, action="password.change")


def _invalid_password(new_password: str, user) -> list[str]:
    """What Django's password validators say against ``new_password`` for ``user`` (empty: none)."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        return exc.messages
    return []


def _set_password(user, new_password: str, *, by, action: str, data: dict | None = None) -> None:
    """Store the new password and its audit event (never the password) in one transaction."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit(by=by, action=action, target=user, region_kode=_membership_region(user), data=data)


def may_reset_password(scope: Scope, user) -> bool:
    """Whoever may create an account like ``user``'s (its role, in its region) may reset its password:
    the nation any account, a province its own and its districts' operators, an operator the district's
    other accounts. Never one's own (that is a change, with the current password)."""
    membership = Membership.objects.filter(user=user).select_related("user").first()
    return membership is not None and _may_reset(scope, membership)


def password_resettable(scope: Scope, memberships) -> set[int]:
    """The user ids among ``memberships`` (with their users) whose password ``scope`` may reset."""
    return {m.user_id for m in memberships if _may_reset(scope, m)}


def _may_reset(scope: Scope, membership: Membership) -> bool:
    if membership.user_id == scope.user_id or not membership.user.is_active:
        return False
    if membership.role not in assignable_roles(scope):
        return False
    return has_permission(scope, Permission.MANAGE_USERS, membership.region_id)


def password_reset(*, scope: Scope, user, new_password: str, by) -> None:
    """A new password set by an administrator of the same scope (Django's validators apply); the owner
    must change it at the next login (:func:`password_change_required`), and a lock-out after failed
    logins is lifted. Audited (never the password)."""
    from django.core.exceptions import PermissionDenied

    if not may_reset_password(scope, user):
        raise PermissionDenied
    if invalid := _invalid_password(new_password, user):
        raise ValidationError({"new_password1": invalid})
    from axes.utils import reset as axes_reset

    _set_password(user, new_password, by=by, action="password.reset", data={"username": user.get_username()})
    axes_reset(username=user.get_username())


def password_change_required(user) -> bool:
    """Whether the last word on the user's password was an administrator's reset (then the owner must
    choose their own before using the app)."""
    last = (
        AuditEvent.objects.filter(
            action__in=PASSWORD_ACTIONS, object_type=user._meta.label_lower, object_id=str(user.pk)
        )
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return last == "password.reset"
