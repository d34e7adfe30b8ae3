"""Konvergensi's own figures beside each indicator of the assessment page, keyed by aksi number.

Every figure is computed from the data the district keeps in Konvergensi (read through the owning
app's selectors or models), never typed by an assessor. ``figures(kabkota, tahun)`` returns, per aksi
1–8, a list of :class:`Figure` (label, value as printed); an aksi without data gets a "belum ada"
line. This is the one place that maps aksi to figures: add a figure here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from konvergensi_core.numbers import id_percent


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


def _pct(part: int, whole: int) -> str:
    return f"{id_percent(part / whole)} ({part}/{whole})" if whole else "–"


def aksi1(kabkota: str, tahun: int) -> list[Figure]:
    """Confirmed lokus: how many, and the share above the district mean of prevalence or cases."""
    from konvergensi.ansit.selectors import lokus_confirmed

    lokus = lokus_confirmed(kabkota, tahun)
    if lokus is None:
        return [Figure(_("Lokus desa terkonfirmasi"), _("belum ada"))]
    chosen = set(lokus.desa_codes())
    entries = [e for e in lokus.ranking if e.get("desa") in chosen]
    above = sum(
        1
        for e in entries
        if (e.get("criteria") or {}).get("prevalence_above_mean")
        or (e.get("criteria") or {}).get("cases_above_mean")
    )
    return [
        Figure(_("Lokus desa terkonfirmasi"), str(len(chosen))),
        Figure(_("Lokus di atas rata-rata prevalensi/kasus"), _pct(above, len(entries))),
    ]


def aksi2(kabkota: str, tahun: int) -> list[Figure]:
    from konvergensi.plans.models import FROZEN_STAGES, Plan

    plan = Plan.objects.filter(kabkota_id=kabkota, tahun=tahun).order_by("-number").first()
    if plan is None:
        return [Figure(_("Rencana kegiatan"), _("belum ada"))]
    rows = plan.rows.count()
    with_budget = plan.rows.filter(budget__gt=0).count()
    return [
        Figure(
            _("Rencana kegiatan"),
            f"{plan.get_stage_display()}" + (" ✓" if plan.stage in FROZEN_STAGES else ""),
        ),
        Figure(_("Baris dengan anggaran"), _pct(with_budget, rows)),
    ]


def aksi3(kabkota: str, tahun: int) -> list[Figure]:
    from konvergensi.rembuk import selectors

    rembuk = selectors.district(kabkota, tahun)
    if rembuk is None:
        return [Figure(_("Rembuk stunting"), _("belum ada"))]
    return [
        Figure(_("Rembuk stunting terlaksana"), rembuk.held.isoformat() if rembuk.held else _("belum")),
        Figure(_("Berita acara bertanda tangan"), _("ada") if rembuk.signed_file else _("belum")),
    ]


def aksi4(kabkota: str, tahun: int) -> list[Figure]:
    from konvergensi.regulations.models import Regulation, VillageRegulation
    from konvergensi.regulations.selectors import signed_regulation
    from konvergensi.wilayah.models import Region

    signed = signed_regulation(kabkota, tahun)
    newest = signed or Regulation.objects.filter(kabkota_id=kabkota).order_by("-id").first()
    desa = Region.objects.filter(level="desa", kode__startswith=kabkota + ".").count()
    with_perdes = (
        VillageRegulation.objects.filter(
            desa__kode__startswith=kabkota + ".", date__lte=dt.date(tahun, 12, 31)
        )
        .values("desa_id")
        .distinct()
        .count()
    )
    return [
        Figure(_("Perbup/Perwali"), newest.get_status_display() if newest else _("belum ada")),
        Figure(_("Desa dengan Perdes"), _pct(with_perdes, desa)),
    ]


def aksi5(kabkota: str, tahun: int) -> list[Figure]:
    from konvergensi.kpm.models import Kpm, Scorecard
    from konvergensi.kpm.selectors import applicable_codes, card_scores
    from konvergensi.wilayah.models import Region
    from konvergensi_core import scorecard as sc

    desa = Region.objects.filter(level="desa", kode__startswith=kabkota + ".").count()
    active = Kpm.objects.filter(kabkota_id=kabkota, aktif=True).values("desa_id").distinct().count()
    cards = list(Scorecard.objects.filter(kabkota_id=kabkota, tahun=tahun))
    pooled = sc.NO_PAIRS
    for s in card_scores(cards, applicable_codes(kabkota)):
        pooled = pooled + s.scores["total"]
    mean = pooled.value
    return [
        Figure(_("Desa dengan KPM aktif"), _pct(active, desa)),
        Figure(
            _("Skor konvergensi desa (gabungan)"), id_percent(float(mean) / 100) if mean is not None else "–"
        ),
    ]


def aksi6(kabkota: str, tahun: int) -> list[Figure]:
    from django.utils import timezone

    from konvergensi.datasystem import selectors

    if not selectors.plan_exists(kabkota, tahun):
        return [Figure(_("Rencana perbaikan sistem data"), _("belum ada"))]
    c = selectors.counts(kabkota, tahun, timezone.localdate())
    return [Figure(_("Tindakan Aksi 6 selesai"), _pct(c.done, c.planned))]


def aksi7(kabkota: str, tahun: int) -> list[Figure]:
    from konvergensi.measurements.models import Measurement, MeasurementRound, RoundStatus
    from konvergensi.wilayah.models import Region

    rounds = MeasurementRound.objects.filter(
        kabkota_id=kabkota, tanggal_mulai__year=tahun, status=RoundStatus.DIPUBLIKASIKAN
    )
    latest = rounds.order_by("-tanggal_mulai").first()
    desa = Region.objects.filter(level="desa", kode__startswith=kabkota + ".").count()
    measured = (
        Measurement.objects.of_rounds([latest.pk]).values("desa_id").distinct().count() if latest else 0
    )
    return [
        Figure(_("Putaran pengukuran dipublikasikan"), str(rounds.count())),
        Figure(_("Desa terukur (putaran terakhir)"), _pct(measured, desa) if latest else "–"),
    ]


def aksi8(kabkota: str, tahun: int) -> list[Figure]:
    from konvergensi.reviews.selectors import final_review

    return [
        Figure(_("Reviu kinerja tahunan final"), _("ada") if final_review(kabkota, tahun) else _("belum"))
    ]


FIGURES: dict[int, Callable[[str, int], list[Figure]]] = {
    1: aksi1, 2: aksi2, 3: aksi3, 4: aksi4, 5: aksi5, 6: aksi6, 7: aksi7, 8: aksi8,
}  # fmt: skip


def figures(kabkota: str, tahun: int) -> dict[int, list[Figure]]:
    """Per aksi, the district's figures of the year (the assessors' page; not scoped: the caller
    checked the reader may assess or read the district, and no figure holds personal data)."""
    return {nomor: fn(kabkota, tahun) for nomor, fn in FIGURES.items()}
