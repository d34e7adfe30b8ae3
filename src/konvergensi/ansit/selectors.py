"""Reads of the situation analysis, always within the reader's scope.

The figures are computed by ``konvergensi_core.ansit`` (hotspots, lokus ranking and selection, the
matrix) and by the pure rules of :mod:`konvergensi_core.ansit.recommendations` (programme gaps), over the whole
district: the district mean is the mean of every unit, whoever reads it. What a reader sees of the
units is then limited to their scope (a kecamatan sees its own desa).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.indicators.models import DataValue, Indicator, ProgramMapping
from konvergensi.indicators.services import bands_for
from konvergensi.wilayah.models import Region
from konvergensi_core.ansit import (
    HotspotResult,
    LokusRanking,
    PrioritisationMatrix,
    analyse_hotspots,
    prioritisation_matrix,
    rank_lokus,
    select_lokus,
)
from konvergensi_core.ansit import recommendations as rules
from konvergensi_core.indicators import LOW, Bands, Category, category, percent
from konvergensi_core.numbers import id_count

from .models import (
    Analysis,
    AnsitDocument,
    DataGapNote,
    LokusList,
    LokusStatus,
    Recommendation,
    Review,
)

# --- the district and what a reader sees of it ------------------------------------------------


class Desa(NamedTuple):
    kode: str
    nama: str


def kabkota_desa(kabkota: str) -> list[Desa]:
    """The district's desa in code order, as (kode, nama) rows: that is all the pages, the analysis
    and the lokus ranking use, and ~850 Region objects (Aceh Utara) took ~0.1 s to build per call."""
    qs = Region.objects.filter(level="desa", kode__startswith=kabkota + ".").order_by("kode")
    return [Desa(kode, nama) for kode, nama in qs.values_list("kode", "nama")]


def visible_desa_codes(*, scope: Scope, kabkota: str) -> set[str]:
    qs = Region.objects.filter(level="desa", kode__startswith=kabkota + ".")
    return set(scope_filter(qs, scope, "kode", purpose="region").values_list("kode", flat=True))


def sees_whole_kabkota(scope: Scope, kabkota: str) -> bool:
    return has_permission(scope, Permission.ANSIT_KABKOTA, kabkota)


def analysis_list(*, scope: Scope, kabkota: str, tahun: int | None = None):
    qs = scope_filter(Analysis.objects.filter(kabkota_id=kabkota), scope, "kabkota_id")
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    return qs.select_related("created_by", "decided_by")


def analysis_get(*, scope: Scope, pk: int) -> Analysis | None:
    qs = Analysis.objects.select_related("kabkota", "created_by", "decided_by")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def analysis_current(*, scope: Scope, kabkota: str, tahun: int) -> Analysis | None:
    """The analysis the district works on: the one its confirmed lokus list came from, else the latest."""
    confirmed = lokus_confirmed(kabkota, tahun, scope=scope)
    if confirmed is not None:
        return confirmed.analysis
    return analysis_list(scope=scope, kabkota=kabkota, tahun=tahun).first()


# --- stunting distribution ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    kode: str
    nama: str
    cases: float | None
    measured: float | None
    prevalence: float | None
    above_mean_prevalence: bool | None
    significant_prevalence: bool | None
    above_mean_cases: bool | None
    significant_cases: bool | None
    desa: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """For colours: both | either | above | below | none."""
        if self.prevalence is None and self.cases is None:
            return "none"
        if self.significant_prevalence and self.significant_cases:
            return "both"
        if self.significant_prevalence or self.significant_cases:
            return "either"
        if self.above_mean_prevalence or self.above_mean_cases:
            return "above"
        return "below"


@dataclass
class Distribution:
    analysis: Analysis
    result: HotspotResult
    rows: list[UnitRow]  # the units the reader sees, highest prevalence first
    all_rows: list[UnitRow]
    restricted: bool  # the reader sees part of the district only
    names: dict[str, str]
    separate: list[str] = field(default_factory=list)  # names
    special: list[str] = field(default_factory=list)
    hidden_separate: int = 0  # units of those lists outside the reader's scope
    hidden_special: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return self.result.counts()

    @property
    def with_data(self) -> int:
        return sum(r.status != "none" for r in self.all_rows)


def hotspot_result(analysis: Analysis) -> HotspotResult:
    units = analysis.units
    return analyse_hotspots(
        [u["kode"] for u in units],
        cases=[u.get("cases") for u in units],
        measured=[u.get("measured") for u in units],
        prevalence=[u.get("prevalence") for u in units],
        margin=float(analysis.margin),
    )


def _unit_visible(unit: dict, level: str, visible: set[str]) -> bool:
    kode = unit["kode"]
    if level == "desa":
        return kode in visible
    if level == "kecamatan":
        return any(d.startswith(kode + ".") for d in visible)
    return bool(set(unit.get("desa") or ()) & visible)


def distribution(*, scope: Scope, analysis: Analysis) -> Distribution:
    result = hotspot_result(analysis)
    by_kode = {u["kode"]: u for u in analysis.units}
    names = {u["kode"]: u.get("nama") or u["kode"] for u in analysis.units}
    whole = sees_whole_kabkota(scope, analysis.kabkota_id)
    visible = set() if whole else visible_desa_codes(scope=scope, kabkota=analysis.kabkota_id)
    all_rows = []
    for u in result.units:
        source = by_kode[u.unit]
        all_rows.append(
            UnitRow(
                kode=u.unit,
                nama=names[u.unit],
                cases=u.cases,
                measured=u.measured,
                prevalence=u.prevalence,
                above_mean_prevalence=u.above_mean_prevalence,
                significant_prevalence=u.significant_prevalence,
                above_mean_cases=u.above_mean_cases,
                significant_cases=u.significant_cases,
                desa=tuple(source.get("desa") or ()),
            )
        )
    all_rows.sort(
        key=lambda r: (r.prevalence is None, -(r.prevalence or 0), r.cases is None, -(r.cases or 0), r.kode)
    )
    rows = [r for r in all_rows if whole or _unit_visible(by_kode[r.kode], analysis.level, visible)]
    shown = {r.kode for r in rows}
    return Distribution(
        analysis=analysis,
        result=result,
        rows=rows,
        all_rows=all_rows,
        restricted=not whole,
        names=names,
        separate=[names[k] for k in result.separate_analysis if k in shown],
        special=[names[k] for k in result.special_attention if k in shown],
        hidden_separate=sum(k not in shown for k in result.separate_analysis),
        hidden_special=sum(k not in shown for k in result.special_attention),
    )


def hotspot_desa(analysis: Analysis, result: HotspotResult | None = None) -> set[str]:
    """The desa of the units significantly above the mean (on either measure)."""
    result = result or hotspot_result(analysis)
    special = set(result.special_attention)
    if analysis.level == "desa":
        return special
    if analysis.level == "kecamatan":
        return {d.kode for d in kabkota_desa(analysis.kabkota_id) if d.kode[:8] in special}
    return {d for u in analysis.units if u["kode"] in special for d in (u.get("desa") or ())}


def desa_figures(analysis: Analysis) -> dict[str, dict]:
    """Cases, measured and prevalence per desa, for the lokus criteria."""
    source = analysis.units if analysis.level == "desa" else analysis.desa_units
    return {u["kode"]: u for u in source}


# --- coverage ------------------------------------------------------------------------------------


def main_indicators(indicator_set: str) -> list[Indicator]:
    """The main coverage indicators of a set (2018: the 20 utama; 2025: all 31), percentages only."""
    return [
        i for i in Indicator.objects.filter(set=indicator_set).order_by("urutan", "kode") if i.is_main
        and not i.is_count
    ]  # fmt: skip


@dataclass
class IndicatorSummary:
    indicator: Indicator
    bands: Bands
    with_data: int = 0
    low: int = 0
    adequate: int = 0
    numerator: int = 0
    denominator: int = 0

    @property
    def percent(self) -> float | None:
        return percent(self.numerator, self.denominator)

    @property
    def category(self) -> Category | None:
        return category(self.percent, self.bands)

    @property
    def low_share(self) -> float:
        return 100.0 * self.low / self.with_data if self.with_data else 0.0


@dataclass
class Coverage:
    indicators: list[Indicator]
    bands: dict[str, Bands]  # by indicator code
    values: dict[str, dict[str, float]]  # code -> desa -> percent
    summaries: list[IndicatorSummary]

    def category(self, code: str, desa: str) -> Category | None:
        value = self.values.get(code, {}).get(desa)
        return None if value is None else category(value, self.bands[code])

    def facts(self) -> tuple[rules.IndicatorCoverage, ...]:
        out = []
        for ind in self.indicators:
            vals = self.values.get(ind.kode, {})
            b = self.bands[ind.kode]
            out.append(
                rules.IndicatorCoverage(
                    code=ind.kode,
                    name=ind.nama,
                    values=vals,
                    low=frozenset(d for d, v in vals.items() if category(v, b) in LOW),
                    adequate=frozenset(d for d, v in vals.items() if category(v, b) == Category.MEMADAI),
                )
            )
        return tuple(out)


def coverage(*, analysis: Analysis) -> Coverage:
    """Coverage of every desa of the district for the main indicators of the analysis's set and
    period (numerator / denominator from the village data), with each indicator's bands."""
    indicators = main_indicators(analysis.indicator_set)
    bands_by_pk = bands_for(indicators, analysis.data_tahun)
    bands = {i.kode: bands_by_pk[i.pk] for i in indicators}
    code_of = {i.pk: i.kode for i in indicators}
    summaries = {i.kode: IndicatorSummary(i, bands[i.kode]) for i in indicators}
    rows = DataValue.objects.filter(
        kabkota_id=analysis.kabkota_id, periode=analysis.periode, indicator__in=indicators
    ).values_list("indicator_id", "desa_id", "numerator", "denominator")
    # One pass that only keeps each percent and the sums (~26,000 values for the largest district);
    # the categories are counted per indicator afterwards.
    found: dict[int, dict[str, float]] = {}  # indicator pk -> desa -> percent, in the rows' order
    sums: dict[int, list[int]] = {}
    for ind_id, desa, num, den in rows:
        if num is None or den is None or den <= 0:  # no percent (``percent``)
            continue
        vals = found.get(ind_id)
        if vals is None:
            vals = found[ind_id] = {}
            sums[ind_id] = [0, 0]
        vals[desa] = 100.0 * num / den  # ``percent``'s own expression: the same double
        pair = sums[ind_id]
        pair[0] += num
        pair[1] += den
    values: dict[str, dict[str, float]] = {}
    for ind_id, vals in found.items():
        code = code_of[ind_id]
        values[code] = vals
        s = summaries[code]
        s.with_data = len(vals)
        s.numerator, s.denominator = sums[ind_id]
        b = bands[code]
        # category() in LOW is "below Hampir Memadai", MEMADAI is "above memadai" (core rules).
        s.low = sum(v < b.hampir for v in vals.values())
        s.adequate = sum(v > b.memadai for v in vals.values())
    return Coverage(indicators, bands, values, [summaries[i.kode] for i in indicators])


def programmes(*, analysis: Analysis, indicators: list[Indicator]) -> tuple[rules.Availability, ...]:
    """Programme availability of each main indicator in the data year (programme mapping)."""
    present: dict[int, set[str]] = defaultdict(set)
    absent: dict[int, set[str]] = defaultdict(set)
    sources: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = ProgramMapping.objects.filter(
        kabkota_id=analysis.kabkota_id, tahun=analysis.data_tahun, indicator__in=indicators
    ).values_list("indicator_id", "desa_id", "ada", "sumber")
    for ind_id, desa, ada, sumber in rows:
        if ada:
            present[ind_id].add(desa)
            for s in sumber or ():
                sources[ind_id][s] += 1
        else:
            absent[ind_id].add(desa)
    return tuple(
        rules.Availability(
            code=i.kode,
            name=i.nama,
            present=frozenset(present[i.pk]),
            absent=frozenset(absent[i.pk]),
            sources=dict(sources[i.pk]),
        )
        for i in indicators
    )


# --- lokus ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LokusSettings:
    eligibility: str = "any"  # any | all | 1 | 2 | 3
    method: str = "share"  # count | share | budget
    value: float = 0.1  # N desa, a share (0–1), or a budget in rupiah
    cost: float | None = None  # per-desa cost estimate (budget)

    @classmethod
    def of(cls, lokus: LokusList) -> LokusSettings:
        """The settings a lokus list was confirmed with."""
        return cls(lokus.eligibility, lokus.method, lokus.value, lokus.cost)

    def kwargs(self) -> dict:
        if self.method == "count":
            return {"count": int(self.value)}
        if self.method == "share":
            return {"share": self.value}
        return {"budget": self.value, "cost": self.cost}

    def method_text(self) -> str:
        if self.method == "count":
            return f"{int(self.value)} desa teratas"
        if self.method == "share":
            return f"{self.value * 100:g} % dari seluruh desa".replace(".", ",")
        cost = "–" if self.cost is None else f"Rp{id_count(self.cost)}"
        return f"dalam anggaran Rp{id_count(self.value)} dengan perkiraan biaya {cost} per desa"


def _number(text: str | None) -> float | None:
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    try:
        value = float(raw)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def lokus_settings_from(data, default: LokusSettings | None = None) -> tuple[LokusSettings, list[str]]:
    """Settings from a form (GET or POST); problems are messages, never exceptions. The share is
    entered as a percent (10 = 10 %), money in rupiah."""
    base = default or LokusSettings()
    errors: list[str] = []
    eligibility = (data.get("kelayakan") or base.eligibility).strip().lower()
    if eligibility not in ("any", "all", "1", "2", "3"):
        errors.append(_("Kelayakan harus: salah satu kriteria, semua kriteria, atau minimal 1–3 kriteria."))
        eligibility = base.eligibility
    method = (data.get("metode") or base.method).strip().lower()
    if method not in ("count", "share", "budget"):
        errors.append(_("Pilih cara menentukan jumlah lokus: jumlah desa, proporsi desa, atau anggaran."))
        method = base.method
    shown = base.value * 100 if base.method == "share" else base.value
    value = _number(data.get("nilai")) if data.get("nilai") not in (None, "") else shown
    cost = _number(data.get("biaya")) if data.get("biaya") not in (None, "") else base.cost
    if value is None or math.isnan(value) or value < 0:
        errors.append(_("Isi angka yang sah untuk jumlah, proporsi atau anggaran."))
        value, method = 10.0, "share"
    if method == "count":
        if value != int(value):
            errors.append(_("Jumlah desa lokus harus bilangan bulat."))
        value = float(int(value))
    elif method == "share":
        if not 0 < value <= 100:
            errors.append(_("Proporsi desa harus lebih dari 0 dan paling banyak 100 %."))
            value = 10.0
        value = value / 100
    else:
        if cost is None or math.isnan(cost) or cost <= 0:
            errors.append(
                _("Pemilihan menurut anggaran memerlukan perkiraan biaya per desa (Rp) lebih dari 0.")
            )
            cost = None
    if cost is not None and math.isnan(cost):
        cost = None
    if method == "budget" and cost is None:
        method, value = "share", 0.1
    return LokusSettings(eligibility, method, value, cost), errors


def lokus_ranking(
    *, analysis: Analysis, settings: LokusSettings, cov: Coverage | None = None
) -> LokusRanking:
    """The core's criteria, ranking and selection over every desa of the district."""
    desa = kabkota_desa(analysis.kabkota_id)
    codes = [d.kode for d in desa]
    figures = desa_figures(analysis)
    cov = cov or coverage(analysis=analysis)
    ranking = rank_lokus(
        codes,
        prevalence=[figures.get(c, {}).get("prevalence") for c in codes],
        cases=[figures.get(c, {}).get("cases") for c in codes],
        measured=[figures.get(c, {}).get("measured") for c in codes],
        coverage={i.kode: [cov.values.get(i.kode, {}).get(c) for c in codes] for i in cov.indicators},
        bands=cov.bands,
        eligibility=settings.eligibility,
        indicator_labels={i.kode: i.nama for i in cov.indicators},
    )
    return select_lokus(ranking, **settings.kwargs())


def matrix(*, ranking: LokusRanking, visible: set[str] | None, bands=None) -> PrioritisationMatrix:
    """Tabel 1.2 from a ranking, limited to the desa a reader sees (None: all); ``bands``: the
    analysis' prevalence categories (default 30 / 20 / 10 %)."""
    m = prioritisation_matrix(ranking, **({"prevalence_bands": bands} if bands is not None else {}))
    if visible is None:
        return m
    return replace(m, rows=tuple(r for r in m.rows if r.desa in visible))


def lokus_confirmed(kabkota: str, tahun: int, *, scope: Scope | None = None) -> LokusList | None:
    """The district's confirmed lokus list of a cycle year, which later actions (plans, budget
    tagging, Rembuk) use; None when the district has not confirmed one. With ``scope``, None also
    when the reader may not see the district. ``list.desa_codes()`` gives the desa in rank order."""
    qs = LokusList.objects.filter(kabkota_id=kabkota, tahun=tahun, status=LokusStatus.DIKONFIRMASI)
    if scope is not None:
        qs = scope_filter(qs, scope, "kabkota_id")
    return qs.select_related("analysis", "confirmed_by").first()


def lokus_history(*, scope: Scope, kabkota: str, tahun: int):
    """Every lokus list of the year, newest first, without the ranking each keeps (a JSON row per desa
    of the district: a page listing 20 lists of Aceh Utara's 852 desa read ~17,000 of them)."""
    qs = LokusList.objects.filter(kabkota_id=kabkota, tahun=tahun).defer("ranking")
    return scope_filter(qs, scope, "kabkota_id").select_related("confirmed_by")


# The per-unit tables an analysis keeps (a JSON row per desa of the district), which lists of analyses
# never show.
ANALYSIS_TABLES = ("units", "desa_units", "summary", "warnings")


# --- reviews, recommendations, documents, notes -------------------------------------------------


def review_list(*, scope: Scope, kabkota: str, tahun: int):
    qs = Review.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related("opd", "updated_by")
    return scope_filter(qs, scope, "kabkota_id")


def review_get(*, scope: Scope, pk: int) -> Review | None:
    qs = Review.objects.select_related("kabkota", "opd", "created_by", "updated_by")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def recommendation_list(*, scope: Scope, kabkota: str, tahun: int):
    qs = Recommendation.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related(
        "updated_by", "confirmed_by"
    )
    return scope_filter(qs, scope, "kabkota_id")


def recommendation_get(*, scope: Scope, pk: int) -> Recommendation | None:
    return scope_filter(Recommendation.objects.all(), scope, "kabkota_id").filter(pk=pk).first()


def document_list(*, scope: Scope, kabkota: str, tahun: int):
    qs = AnsitDocument.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related("created_by", "job")
    return scope_filter(qs, scope, "kabkota_id")


def document_get(*, scope: Scope, pk: int) -> AnsitDocument | None:
    qs = AnsitDocument.objects.select_related("kabkota", "analysis", "job")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def note_list(*, scope: Scope, kabkota: str, tahun: int | None = None):
    qs = DataGapNote.objects.filter(kabkota_id=kabkota).select_related("analysis")
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    return scope_filter(qs, scope, "kabkota_id")
