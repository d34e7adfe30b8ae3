"""Work after a measurement import (the import itself runs in the import pipeline's tasks)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def warm(rnd) -> None:
    """Compute the district-wide figures of a round once, so that the first page is fast too."""
    from konvergensi.accounts.scope import Scope

    from . import selectors

    scope = Scope(role="operator", kode=rnd.kabkota_id)
    try:
        for level in ("kecamatan", "desa", "puskesmas"):
            selectors.round_analysis(rnd=rnd, scope=scope, level=level)
        selectors.round_totals(
            list(selectors.rounds_for(scope=scope, kabkota=rnd.kabkota_id).values_list("pk", flat=True))
        )
    except Exception:  # a cold cache is slower, never wrong
        log.exception("warming the figures of round %s failed", rnd.pk)
