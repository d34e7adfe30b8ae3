"""Confirming the focus villages (lokus) of an analysis as the district's list for the year."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks

from .. import selectors
from ..models import Analysis, LokusDesa, LokusList, LokusStatus
from .base import Conflict


def lokus_confirm(
    *, scope: Scope, analysis: Analysis, settings: selectors.LokusSettings, note: str = "", by
) -> LokusList:
    """Confirm the selected focus villages of an analysis as the district's list for the year; a
    list confirmed earlier is kept as replaced (history)."""
    require(scope, Permission.ANSIT_EDIT, analysis.kabkota_id)
    locks.require_open(analysis.kabkota_id, analysis.tahun, 1)
    ranking = selectors.lokus_ranking(analysis=analysis, settings=settings)
    chosen = ranking.selected
    if not chosen:
        raise ValidationError(
            _(
                "Tidak ada desa terpilih dengan pengaturan ini. Ubah kelayakan atau jumlah lokus, lalu konfirmasi."
            )
        )
    try:
        return _lokus_write(analysis, settings, ranking, chosen, note, by)
    except IntegrityError as exc:  # another list was confirmed at the same moment
        raise Conflict() from exc


def _lokus_write(analysis, settings, ranking, chosen, note, by) -> LokusList:
    with transaction.atomic():
        previous = list(
            LokusList.objects.select_for_update().filter(
                kabkota_id=analysis.kabkota_id, tahun=analysis.tahun, status=LokusStatus.DIKONFIRMASI
            )
        )
        LokusList.objects.filter(pk__in=[p.pk for p in previous]).update(status=LokusStatus.DIGANTI)
        lokus = LokusList.objects.create(
            kabkota_id=analysis.kabkota_id,
            tahun=analysis.tahun,
            analysis=analysis,
            indicator_set=analysis.indicator_set,
            **asdict(settings),
            n_desa=len(ranking.desa),
            n_eligible=len(ranking.eligible),
            ranking=[
                d.as_dict() | {"coverage_count": d.coverage_count, "measured": d.measured}
                for d in ranking.desa
            ],
            note=(note or "").strip()[:4000],
            confirmed_by=by,
        )
        LokusDesa.objects.bulk_create(
            LokusDesa(
                lokus_list=lokus,
                desa_id=d.desa,
                rank=d.rank,
                prevalence=d.prevalence,
                cases=d.cases,
                low_coverage_count=d.low_coverage_count,
                coverage_count=d.coverage_count,
                prevalence_above_mean=d.criteria.prevalence_above_mean,
                cases_above_mean=d.criteria.cases_above_mean,
                low_coverage_majority=d.criteria.low_coverage_majority,
            )
            for d in chosen
        )
        audit(
            by=by,
            action="ansit.lokus.confirm",
            target=lokus,
            region_kode=analysis.kabkota_id,
            data={
                "analysis": analysis.pk,
                **asdict(settings),
                "desa": [d.desa for d in chosen],
                "replaces": [p.pk for p in previous],
            },
        )
    return lokus
