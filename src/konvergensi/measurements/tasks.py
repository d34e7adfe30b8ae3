"""Work after a measurement import (the import itself runs in the import pipeline's tasks)."""

from __future__ import annotations

import logging

from django.tasks import task

log = logging.getLogger(__name__)


def warm(rnd) -> None:
    """Compute the district-wide figures of a round once, so that the first page is fast too: the
    round's rows (:func:`~konvergensi.measurements.selectors.round_frame`, which every reader's
    figures are cut from), the round page at every level, the totals and the data-quality panel
    with its charts (in the site's language). Keyed by what a reader sees, they serve everyone who
    sees the whole district; a kecamatan, desa or puskesmas reader's figures are cut from the
    cached rows. Then :func:`warm_kecamatan` is queued for the worker: each kecamatan's panel."""
    from django.conf import settings
    from django.db import transaction

    from konvergensi.accounts.scope import Scope

    from . import selectors

    scope = Scope(role="operator", kode=rnd.kabkota_id)
    try:
        selectors.round_frame(round_id=rnd.pk, from_cache=True)
        for level in ("kecamatan", "desa", "puskesmas"):
            selectors.round_analysis(rnd=rnd, scope=scope, level=level)
        selectors.round_totals(
            list(selectors.rounds_for(scope=scope, kabkota=rnd.kabkota_id).values_list("pk", flat=True))
        )
        _warm_panel(rnd, scope, settings.LANGUAGE_CODE)
    except Exception:  # a cold cache is slower, never wrong
        log.exception("warming the figures of round %s failed", rnd.pk)
    round_id = rnd.pk
    transaction.on_commit(lambda: _enqueue(round_id))


def _enqueue(round_id: int) -> None:
    try:
        warm_kecamatan.enqueue(round_id)
    except Exception:  # a cold cache is slower, never wrong
        log.exception("queueing the kecamatan panels of round %s failed", round_id)


def _warm_panel(rnd, scope, language: str) -> None:
    """The data-quality panel of what ``scope`` sees, and each of its charts (own URLs)."""
    from django.utils import translation

    from .quality import CHARTS, panel_chart

    with translation.override(language):
        for name in CHARTS:
            panel_chart(rnd, scope, language, name)  # computes the panel's figures first


def warm_areas(rnd) -> list[str]:
    """For each kecamatan of the district measured in the round: the round page at every level
    and the data-quality panel with its charts (the kecamatan's own verdicts, judged against its
    own area, differ from the district's). Returns the kecamatan warmed."""
    import polars as pl
    from django.conf import settings

    from konvergensi.accounts.models import Role
    from konvergensi.accounts.scope import Scope

    from . import selectors

    frame = selectors.round_frame(round_id=rnd.pk, from_cache=True)
    kecamatan = sorted(frame.select(pl.col("desa_kode").str.slice(0, 8).unique()).to_series().drop_nulls())
    for kode in kecamatan:
        scope = Scope(role=Role.KECAMATAN, kode=kode)
        for level in ("kecamatan", "desa", "puskesmas"):
            selectors.round_analysis(rnd=rnd, scope=scope, level=level)
        _warm_panel(rnd, scope, settings.LANGUAGE_CODE)
    return kecamatan


@task()
def warm_kecamatan(round_id: int) -> str:
    """The worker's part after a commit (queued by :func:`warm`): each kecamatan's panel, so that a
    kecamatan's first visit finds it ready. A round deleted meanwhile has nothing to warm."""
    from .models import MeasurementRound

    rnd = MeasurementRound.objects.select_related("kabkota").filter(pk=round_id).first()
    if rnd is None:
        return "gone"
    try:
        warmed = warm_areas(rnd)
    except Exception:  # a cold cache is slower, never wrong
        log.exception("warming the kecamatan panels of round %s failed", round_id)
        return "failed"
    return f"{len(warmed)} kecamatan"
