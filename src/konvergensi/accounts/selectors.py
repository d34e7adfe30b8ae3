from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import AuditEvent, Membership
from .scope import Scope, scope_filter


def membership_list(*, scope: Scope) -> QuerySet[Membership]:
    """Accounts the scope may see: pusat all, a province its own and its districts', a district its own."""
    qs = Membership.objects.select_related("user", "region", "opd", "puskesmas").order_by(
        "region_id", "role", "user__username"
    )
    return scope_filter(qs, scope, "region_id", purpose="district")


def audit_list(*, scope: Scope, limit: int = 200) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor")
    return scope_filter(qs, scope, "region_kode", purpose="district")[:limit]


def user_count() -> int:
    return get_user_model().objects.count()
