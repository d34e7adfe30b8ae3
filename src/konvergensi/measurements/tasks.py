"""Work after a measurement import (the import itself runs in the import pipeline's tasks)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def warm(rnd) -> None:
    """Compute the district-wide figures of a round once, so that the first page is fast too: the
    round's rows (:func:`~konvergensi.measurements.selectors.round_frame`, which every reader's
    figures are cut from), the round page at every level, the totals and the data-quality panel
    (in the site's language). Keyed by what a reader sees, they serve everyone who sees the whole
    district; a kecamatan, desa or puskesmas reader's figures are cut from the cached rows."""
    from django.conf import settings

    from konvergensi.accounts.scope import Scope

    from . import selectors
    from .quality import panel_figures

    scope = Scope(role="operator", kode=rnd.kabkota_id)
    try:
        selectors.round_frame(round_id=rnd.pk, from_cache=True)
        for level in ("kecamatan", "desa", "puskesmas"):
            selectors.round_analysis(rnd=rnd, scope=scope, level=level)
        selectors.round_totals(
            list(selectors.rounds_for(scope=scope, kabkota=rnd.kabkota_id).values_list("pk", flat=True))
        )
        from django.utils import translation

        with translation.override(settings.LANGUAGE_CODE):
            panel_figures(rnd, scope, settings.LANGUAGE_CODE)
    except Exception:  # a cold cache is slower, never wrong
        log.exception("warming the figures of round %s failed", rnd.pk)
