"""Reads of Aksi 5, always within the reader's scope.

KPM names and contacts (:func:`kpm_list`) go only to ``KPM_READ`` holders (the desa itself, its
kecamatan, the district operator); everything else here is counts and scores, read with
``SKOR_READ``. Scores are computed from the stored counts with the district's applicable
indicators at the time of reading (switching one off removes its pairs from every quarter).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.wilayah.models import Region
from konvergensi_core import scorecard as sc

from . import catalogue
from .models import IndicatorSetting, Kpm, Scorecard, ScoreCount, SkorIndicator, Training


def low_threshold() -> int:
    return int(getattr(settings, "KONVERGENSI_SKOR_DESA_RENDAH", 60))


# --- indicators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    ind: SkorIndicator
    active: bool
    reason: str
    setting: IndicatorSetting | None


def indicator_rows(kabkota: str) -> list[IndicatorRow]:
    """Every indicator of the national list with whether it applies in the district."""
    settings_by = {s.indicator_id: s for s in IndicatorSetting.objects.filter(kabkota_id=kabkota)}
    out = []
    for ind in catalogue.all_indicators():
        s = settings_by.get(ind.pk)
        active = s.active if s is not None else ind.default_active
        out.append(IndicatorRow(ind, active, s.reason if s else "", s))
    return out


def applicable(kabkota: str) -> list[SkorIndicator]:
    return [r.ind for r in indicator_rows(kabkota) if r.active]


def applicable_codes(kabkota: str) -> set[str]:
    return {i.kode for i in applicable(kabkota)}


# --- KPM ----------------------------------------------------------------------------------------


def kpm_list(*, scope: Scope, desa: str) -> QuerySet[Kpm]:
    """The KPM of a desa with their trainings: names, so only for ``KPM_READ``."""
    if not has_permission(scope, Permission.KPM_READ, desa):
        return Kpm.objects.none()
    qs = Kpm.objects.filter(desa_id=desa).prefetch_related("trainings")
    return scope_filter(qs, scope, "desa_id", purpose="region")


def kpm_get(*, scope: Scope, pk: int) -> Kpm | None:
    qs = scope_filter(Kpm.objects.select_related("desa"), scope, "desa_id", purpose="region")
    kpm = qs.filter(pk=pk).first()
    if kpm is None or not has_permission(scope, Permission.KPM_READ, kpm.desa_id):
        return None
    return kpm


def training_get(*, scope: Scope, pk: int) -> Training | None:
    t = Training.objects.select_related("kpm").filter(pk=pk).first()
    if t is None or kpm_get(scope=scope, pk=t.kpm_id) is None:
        return None
    return t


def _trained() -> Exists:
    return Exists(Training.objects.filter(kpm=OuterRef("pk")))


@dataclass(frozen=True)
class KpmCounts:
    total: int = 0
    active: int = 0
    active_trained: int = 0


def kpm_counts(desa_codes: list[str]) -> dict[str, KpmCounts]:
    """Per desa: KPM, active KPM, active KPM with a training (counts only, no names)."""
    out: dict[str, list[int]] = {}
    for desa_id, aktif, trained in (
        Kpm.objects.filter(desa_id__in=desa_codes)
        .annotate(trained=_trained())
        .values_list("desa_id", "aktif", "trained")
    ):
        c = out.setdefault(desa_id, [0, 0, 0])
        c[0] += 1
        c[1] += aktif
        c[2] += aktif and trained
    return {k: KpmCounts(*v) for k, v in out.items()}


# --- scorecards ---------------------------------------------------------------------------------


def scorecard_get(*, scope: Scope, desa: str, tahun: int, triwulan: int) -> Scorecard | None:
    qs = scope_filter(Scorecard.objects.filter(desa_id=desa, tahun=tahun, triwulan=triwulan), scope,
                      "desa_id", purpose="region")  # fmt: skip
    return qs.first()


def _core_counts(counts) -> list[sc.Count]:
    return [sc.Count(c.indicator.kode, c.indicator.group, c.targets, c.received) for c in counts]


@dataclass(frozen=True)
class CardScore:
    desa: str
    tahun: int
    triwulan: int
    scores: dict[str, sc.Score]

    @property
    def total(self) -> Fraction | None:
        return self.scores["total"].value

    @property
    def label(self) -> str:
        return f"{self.tahun} TW{self.triwulan}"


def card_scores(cards: list[Scorecard], codes: set[str]) -> list[CardScore]:
    counts: dict[int, list[ScoreCount]] = {}
    for c in ScoreCount.objects.filter(scorecard__in=cards).select_related("indicator"):
        counts.setdefault(c.scorecard_id, []).append(c)
    return [
        CardScore(
            card.desa_id, card.tahun, card.triwulan, sc.scores(_core_counts(counts.get(card.pk, [])), codes)
        )
        for card in cards
    ]


def desa_history(*, scope: Scope, desa: str) -> list[CardScore]:
    """Every scorecard of a desa, oldest first, scored with today's applicable indicators."""
    cards = list(
        scope_filter(Scorecard.objects.filter(desa_id=desa), scope, "desa_id", purpose="region").order_by(
            "tahun", "triwulan"
        )
    )
    return card_scores(cards, applicable_codes(desa[:5]))


def counts_of(card: Scorecard | None) -> dict[str, ScoreCount]:
    if card is None:
        return {}
    return {c.indicator.kode: c for c in card.counts.select_related("indicator")}


def visible_desa(*, scope: Scope, kabkota: str, kecamatan: str | None = None) -> list[Region]:
    qs = Region.objects.filter(level="desa", kode__startswith=(kecamatan or kabkota) + ".")
    return list(scope_filter(qs, scope, "kode", purpose="region").order_by("kode"))


def lokus_codes(kabkota: str, tahun: int) -> list[str]:
    from konvergensi.ansit.selectors import lokus_confirmed

    found = lokus_confirmed(kabkota, tahun)
    return found.desa_codes() if found else []


@dataclass
class DesaRow:
    kode: str
    nama: str
    kecamatan: str
    lokus: bool
    lat: float | None
    lng: float | None
    kpm: KpmCounts
    quarters: dict[int, Fraction | None] = field(default_factory=dict)  # triwulan → score of ``tahun``
    latest: CardScore | None = None  # the newest scorecard up to the end of ``tahun``

    @property
    def latest_value(self) -> Fraction | None:
        return self.latest.total if self.latest else None


@dataclass
class Overview:
    tahun: int
    rows: list[DesaRow]
    quarters: dict[int, sc.Score]  # the district's (or kecamatan's) pooled score per quarter
    n_scored: int  # desa with a scorecard in ``tahun``
    n_active_trained: int  # desa with an active KPM that has had training
    n_with_kpm: int
    low_lokus: list[DesaRow]
    lokus_confirmed: bool
    threshold: int


def overview(*, scope: Scope, kabkota: str, tahun: int, kecamatan: str | None = None) -> Overview:
    """Per desa the reader sees: KPM counts, score per quarter of ``tahun`` and the latest score; the
    pooled score per quarter; the confirmed lokus desa whose latest score is below the threshold."""
    desa = visible_desa(scope=scope, kabkota=kabkota, kecamatan=kecamatan)
    codes = [d.kode for d in desa]
    lokus = set(lokus_codes(kabkota, tahun))
    kec_names = dict(Region.objects.filter(level="kecamatan", parent_id=kabkota).values_list("kode", "nama"))
    counts = kpm_counts(codes)
    cards = list(Scorecard.objects.filter(desa_id__in=codes, tahun__lte=tahun).order_by("tahun", "triwulan"))
    applicable_set = applicable_codes(kabkota)
    scored = card_scores(cards, applicable_set)
    rows = {
        d.kode: DesaRow(d.kode, d.nama, kec_names.get(d.kode[:8], d.kode[:8]), d.kode in lokus, d.lat, d.lng,
                        counts.get(d.kode, KpmCounts()))
        for d in desa
    }  # fmt: skip
    pooled: dict[int, sc.Score] = {}
    for s in scored:
        row = rows[s.desa]
        row.latest = s  # oldest first: the newest wins
        if s.tahun == tahun:
            row.quarters[s.triwulan] = s.total
            pooled[s.triwulan] = pooled.get(s.triwulan, sc.NO_PAIRS) + s.scores["total"]
    threshold = low_threshold()
    ordered = sorted(rows.values(), key=lambda r: r.kode)
    low = [r for r in ordered if r.lokus and r.latest_value is not None and r.latest_value < threshold]
    return Overview(
        tahun=tahun,
        rows=ordered,
        quarters=dict(sorted(pooled.items())),
        n_scored=sum(bool(r.quarters) for r in ordered),
        n_active_trained=sum(r.kpm.active_trained > 0 for r in ordered),
        n_with_kpm=sum(r.kpm.active > 0 for r in ordered),
        low_lokus=low,
        lokus_confirmed=bool(lokus),
        threshold=threshold,
    )


def district_has_scorecards(kabkota: str, tahun: int) -> bool:
    return Scorecard.objects.filter(kabkota_id=kabkota, tahun=tahun).exists()


def last_quarter(today: dt.date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1
