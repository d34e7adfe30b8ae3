"""When the picture's stored figures are refreshed: after the commit of the write that changed
their source, for that district only (measured: a district's refresh takes milliseconds, see
docs/picture.md), so the figures are current when the writer's next page loads.

The sources announce their writes through their audit events (``round.published``,
``round.withdraw``, ``data.import``, ``budget.*``) and, for one village-data grid cell, its history
row; the picture listens to those rows being saved, so no domain app imports the picture.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save

log = logging.getLogger(__name__)

PREVALENCE_ACTIONS = {"round.published", "round.withdraw"}
COVERAGE_ACTIONS = {"data.import"}
BUDGET_PREFIX = "budget."


def _later(fn, *args) -> None:
    def run() -> None:
        try:
            fn(*args)
        except Exception:  # a figure refresh never breaks the write that triggered it
            log.exception("picture refresh %s%r failed", fn.__name__, args)

    transaction.on_commit(run)


def on_audit(sender, instance, created: bool, **kwargs) -> None:
    if not created or kwargs.get("raw"):
        return
    from . import services

    kab = (instance.region_kode or "")[:5]
    if len(kab) != 5:
        return
    action = instance.action
    if action in PREVALENCE_ACTIONS:
        _later(services.refresh_prevalence, kab)
    elif action in COVERAGE_ACTIONS:
        periode = (instance.data or {}).get("periode")
        _later(services.refresh_coverage, kab, periode or None)
    elif action.startswith(BUDGET_PREFIX) and action != "budget.catalogue":
        _later(services.refresh_budget, kab)


def on_value_history(sender, instance, created: bool, **kwargs) -> None:
    if not created or kwargs.get("raw") or instance.source != "grid":
        return
    from . import services

    _later(services.refresh_coverage_cell, instance.desa_id, instance.indicator.kode, instance.periode)


def connect() -> None:
    from konvergensi.accounts.models import AuditEvent
    from konvergensi.indicators.models import DataValueHistory

    post_save.connect(on_audit, sender=AuditEvent, dispatch_uid="picture.on_audit")
    post_save.connect(on_value_history, sender=DataValueHistory, dispatch_uid="picture.on_value_history")
