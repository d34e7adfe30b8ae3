"""Writes of the picture's stored aggregates (:class:`~.models.RegionFigure`).

Every figure is maintained when its source changes, never on a page view:

* **prevalence** (``prevalensi-<measure>``) from the district's **published** rounds: per year the
  district's latest current publication, its snapshot rows as they were published (district,
  kecamatan, desa, already small-cell suppressed by :mod:`konvergensi.publication.snapshot`); a
  province and the nation add up the *published* district counts (cases and valid children) of
  the districts whose figure is shown. A suppressed cell is stored without its numbers and is left
  out of its parent's sum (counted in ``partial``), so a total is only ever a sum of figures that
  are public already and can reveal nothing that was hidden (see docs/picture.md).
* **coverage** (``cakupan-<indicator>``) of the main percent indicators from the village data
  (``indicators.DataValue``): Σ numerators ÷ Σ denominators per desa → kecamatan → district →
  province → nation, per period.
* **budget** (``anggaran``): realisation ÷ pagu of the district's stunting budget lines (the APBD
  perubahan where the district has one for the year, else the murni) → province → nation.

Refresh entry points: :func:`refresh_prevalence` (publish/withdraw), :func:`refresh_coverage`
(an import commit), :func:`refresh_coverage_cell` (one grid cell), :func:`refresh_budget`, and
:func:`refresh_all` (``konvergensi picture refresh``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from konvergensi_core.stats import wilson_interval

from .models import RegionFigure

log = logging.getLogger(__name__)

RATES = ("stunted", "severely_stunted", "wasted", "underweight", "overweight")
PREVALENCE_KEYS = tuple(f"prevalensi-{m}" for m in RATES)
BUDGET_KEY = "anggaran"
COVERAGE_PREFIX = "cakupan-"
MIN_N = 10  # a province or nation summed from fewer valid children than this is not shown


WRITE_LOCK = 0x4B4F4E56  # "KONV": PostgreSQL advisory lock key of the figures' writes


@contextmanager
def _writing() -> Iterator[None]:
    """A transaction that writes figures, one at a time across the country. A district's refresh
    rebuilds its province's and the nation's rows (delete, then insert the sum of the children);
    two districts refreshed at once (two publications, an import and a grid edit) would insert the
    same parent row twice, or each sum without the other's new figures. On PostgreSQL the
    transaction first takes an advisory lock, so the second waits and then sums what the first
    committed; SQLite has one writer at a time already."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        yield


def level_of(kode: str) -> str:
    if not kode:
        return "nasional"
    return ("provinsi", "kabkota", "kecamatan", "desa")[min(kode.count("."), 3)]


def parent_of(kode: str) -> str:
    return kode.rsplit(".", 1)[0] if "." in kode else ""


def _tahun(periode: str) -> int:
    return int(periode[:4])


@dataclass
class Figure:
    kode: str
    key: str
    periode: str
    numerator: int | None
    denominator: int | None
    n: int | None = None
    suppressed: bool = False
    partial: int = 0
    source: str = ""
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    def row(self) -> RegionFigure:
        return RegionFigure(
            kode=self.kode,
            level=level_of(self.kode),
            parent=parent_of(self.kode),
            key=self.key,
            periode=self.periode,
            tahun=_tahun(self.periode),
            numerator=self.numerator,
            denominator=self.denominator,
            value=self.value,
            ci_low=self.ci_low,
            ci_high=self.ci_high,
            n=self.n,
            suppressed=self.suppressed,
            partial=self.partial,
            source=self.source,
        )


def _is_prevalence(key: str) -> bool:
    return key.startswith("prevalensi-")


def _finish(f: Figure) -> Figure:
    """Value (and Wilson CI for a prevalence) from the numerator and denominator."""
    if f.suppressed or f.numerator is None or not f.denominator:
        f.value = f.ci_low = f.ci_high = None
        if f.suppressed:
            f.numerator = f.denominator = None
        return f
    f.value = 100 * f.numerator / f.denominator
    if _is_prevalence(f.key):
        lo, hi = wilson_interval(float(f.numerator), float(f.denominator))
        f.ci_low, f.ci_high = 100 * float(lo), 100 * float(hi)
    return f


def _sum(kode: str, key: str, periode: str, children: Iterable[Figure | RegionFigure]) -> Figure | None:
    """A parent's figure from its children's stored figures: the sum over the children whose
    figure is shown; suppressed children (no numbers stored) are counted in ``partial``."""
    num = den = n = 0
    shown = left_out = 0
    for c in children:
        if c.suppressed or c.numerator is None or c.denominator is None:
            left_out += 1
            continue
        shown += 1
        num += c.numerator
        den += c.denominator
        n += c.n or 0
    if not shown and not left_out:
        return None
    f = Figure(kode, key, periode, num if shown else None, den if shown else None, n if shown else None)
    f.partial = left_out
    if _is_prevalence(key) and shown and den < MIN_N:
        f.suppressed = True
    return _finish(f)


def _write(
    figures: list[Figure], *, keys: Iterable[str], prefix: str | None, periodes: Iterable[str] | None
) -> None:
    """Replace the stored figures of ``keys`` (and ``periodes``) at and under ``prefix``."""
    qs = RegionFigure.objects.filter(key__in=list(keys))
    if prefix is not None:
        qs = qs.filter(kode=prefix) | qs.filter(kode__startswith=prefix + ".")
    if periodes is not None:
        qs = qs.filter(periode__in=list(periodes))
    qs.delete()
    _insert(figures)


_COLUMNS = ("kode", "level", "parent", "key", "periode", "tahun", "numerator", "denominator", "value", "ci_low",
            "ci_high", "n", "suppressed", "partial", "source", "updated_at")  # fmt: skip


def _insert(figures: list[Figure]) -> None:
    """Store new figures. On PostgreSQL one COPY of plain tuples: a district's refresh writes tens of
    thousands of rows (Kabupaten Garut: 60,000), and building a model instance per row for
    ``bulk_create`` cost 3.9 s of CPU there (bench/README.md, "The whole country at `small`, filled")."""
    if connection.vendor != "postgresql":
        RegionFigure.objects.bulk_create([f.row() for f in figures], batch_size=2000)
        return
    now = timezone.now()
    meta = RegionFigure._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in _COLUMNS)
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for f in figures:
            copy.write_row((f.kode, level_of(f.kode), parent_of(f.kode), f.key, f.periode, _tahun(f.periode),
                            f.numerator, f.denominator, f.value, f.ci_low, f.ci_high, f.n, f.suppressed,
                            f.partial, f.source, now))  # fmt: skip


def rollup(kode: str, key: str, periode: str) -> RegionFigure | None:
    """Recompute one region's figure from its children's stored figures (O(children))."""
    children = RegionFigure.objects.filter(parent=kode, key=key, periode=periode).exclude(kode="")
    f = _sum(kode, key, periode, children)
    RegionFigure.objects.filter(kode=kode, key=key, periode=periode).delete()
    if f is None:
        return None
    row = f.row()
    row.save()
    return row


def rollup_up(kabkota: str, keys: Iterable[str], periodes: Iterable[str]) -> None:
    """The province of ``kabkota`` and the nation, for every key and period."""
    periodes = list(periodes)
    for key in keys:
        for periode in periodes:
            rollup(kabkota[:2], key, periode)
            rollup("", key, periode)


# ---- prevalence from published rounds --------------------------------------------------------


def _prevalence_rows(
    kab: str, tahun: int, data: dict, source: str, *, only: str | None = None
) -> list[Figure]:
    """The figures of a publication's units (``only``: of that one unit)."""
    periode = str(tahun)
    out: list[Figure] = []
    units = [data.get("district") or {}, *data.get("kecamatan", []), *data.get("desa", [])]
    for row in units:
        kode = row.get("kode")
        if not kode or not (kode == kab or kode.startswith(kab + ".")) or (only is not None and kode != only):
            continue
        hidden = bool(row.get("hidden"))
        measured = row.get("measured")
        if not hidden and not measured:
            continue  # no child measured: no figure
        for m in RATES:
            count, n = row.get(m), row.get(f"{m}_n")
            if n is None and row.get(f"{m}_prevalence") is not None:
                n = measured  # a snapshot from before the denominators were kept
            shown = not hidden and row.get(f"{m}_prevalence") is not None and count is not None and n
            f = Figure(kode, f"prevalensi-{m}", periode, count if shown else None, n if shown else None,
                       measured if not hidden else None, suppressed=not shown, source=source)  # fmt: skip
            if shown:
                f = _finish(f)
                # The published CI is the one shown everywhere else: keep it exactly.
                for attr, k in (("ci_low", "ci_low"), ("ci_high", "ci_high")):
                    if row.get(f"{m}_{k}") is not None:
                        setattr(f, attr, 100 * row[f"{m}_{k}"])
            else:
                _finish(f)
            out.append(f)
    return out


def round_trend(kode: str, key: str) -> list[Figure]:
    """A district's (or one of its kecamatan's or desa's) prevalence in each of its published rounds,
    oldest first, ``periode`` the round's name: the trend across rounds, read from the stored
    publications (what the public pages show, suppression included), never from children's rows."""
    from konvergensi.publication.selectors import current_publications

    if key not in PREVALENCE_KEYS or len(kode) < 5:
        return []
    kab = kode[:5]
    out: list[Figure] = []
    for pub in reversed(list(current_publications(kabkota=kab))):
        for f in _prevalence_rows(kab, pub.round.tahun, pub.data or {}, f"publikasi:{pub.pk}", only=kode):
            if f.kode == kode and f.key == key:
                f.periode = pub.round.nama
                out.append(f)
    return out


def refresh_prevalence(kabkota: str) -> int:
    """Rebuild the district's prevalence figures from its current publications (all years), then
    its province and the nation. Returns the number of years with a figure."""
    from konvergensi.publication.selectors import current_publications

    latest: dict[int, object] = {}
    for pub in current_publications(kabkota=kabkota):  # newest round first
        latest.setdefault(pub.round.tahun, pub)
    figures: list[Figure] = []
    for tahun, pub in latest.items():
        figures += _prevalence_rows(kabkota, tahun, pub.data or {}, f"publikasi:{pub.pk}")
    before = set(
        RegionFigure.objects.filter(kode=kabkota, key__in=PREVALENCE_KEYS).values_list("periode", flat=True)
    )
    with _writing():
        _write(figures, keys=PREVALENCE_KEYS, prefix=kabkota, periodes=None)
        rollup_up(kabkota, PREVALENCE_KEYS, sorted(before | {str(t) for t in latest}))
    return len(latest)


# ---- coverage of the main indicators ---------------------------------------------------------


def main_indicators() -> dict[str, str]:
    """Kode → name of the main percent indicators (the coverage layers)."""
    from konvergensi.indicators.models import Indicator, IndicatorSet, Unit

    qs = Indicator.objects.filter(satuan=Unit.PERSEN).order_by("urutan", "kode")
    return {i.kode: i.nama for i in qs if i.set == IndicatorSet.S2025 or i.kelompok == "utama"}


def _coverage_figures(rows: Iterable[tuple[str, str, str, int, int]]) -> list[Figure]:
    """(desa, indicator, periode, numerator, denominator) → desa, kecamatan and district figures."""
    sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    out: list[Figure] = []
    for desa, ind, periode, num, den in rows:
        key = COVERAGE_PREFIX + ind
        out.append(_finish(Figure(desa, key, periode, num, den, 1)))
        for kode in (desa[:8], desa[:5]):
            s = sums[(kode, key, periode)]
            s[0] += num
            s[1] += den
            s[2] += 1
    for (kode, key, periode), (num, den, n) in sums.items():
        out.append(_finish(Figure(kode, key, periode, num, den, n)))
    return out


def _coverage_rows(kabkota: str | None, periode: str | None):
    from konvergensi.indicators.models import DataValue

    qs = DataValue.objects.filter(
        indicator__kode__in=list(main_indicators()), denominator__isnull=False, denominator__gt=0
    )
    if kabkota:
        qs = qs.filter(kabkota_id=kabkota)
    if periode:
        qs = qs.filter(periode=periode)
    return qs.values_list("desa_id", "indicator__kode", "periode", "numerator", "denominator")


def refresh_coverage(kabkota: str, periode: str | None = None) -> int:
    """Rebuild a district's coverage figures (one period, or all), then its province and the nation."""
    figures = _coverage_figures(_coverage_rows(kabkota, periode).iterator(chunk_size=5000))
    keys = [COVERAGE_PREFIX + k for k in main_indicators()]
    stored = RegionFigure.objects.filter(kode=kabkota, key__in=keys)
    if periode:
        stored = stored.filter(periode=periode)
    affected = set(stored.values_list("key", "periode")) | {
        (f.key, f.periode) for f in figures if f.kode == kabkota
    }
    with _writing():
        _write(figures, keys=keys, prefix=kabkota, periodes=[periode] if periode else None)
        for key, p in sorted(affected):
            rollup(kabkota[:2], key, p)
            rollup("", key, p)
    return len(figures)


def refresh_coverage_cell(desa: str, indicator: str, periode: str) -> None:
    """One grid cell changed: its desa figure, then each parent from its children (O(children))."""
    from konvergensi.indicators.models import DataValue

    key = COVERAGE_PREFIX + indicator
    if indicator not in main_indicators():
        return
    v = (
        DataValue.objects.filter(desa_id=desa, indicator__kode=indicator, periode=periode)
        .values_list("numerator", "denominator")
        .first()
    )
    with _writing():
        RegionFigure.objects.filter(kode=desa, key=key, periode=periode).delete()
        if v is not None and v[1]:
            _finish(Figure(desa, key, periode, v[0], v[1], 1)).row().save()
        for kode in (desa[:8], desa[:5], desa[:2], ""):
            rollup(kode, key, periode)


# ---- budget ----------------------------------------------------------------------------------


def _budget_figures(tahun: int, kabkotas: list[str] | None) -> list[Figure]:
    from konvergensi.budget import selectors as budget_selectors
    from konvergensi.budget.models import Stage

    merged = budget_selectors.district_figures(tahun=tahun, stage=Stage.MURNI, kabkotas=kabkotas)
    merged |= budget_selectors.district_figures(tahun=tahun, stage=Stage.PERUBAHAN, kabkotas=kabkotas)
    out = []
    for kode, f in merged.items():
        pagu, realisasi = int(f["pagu"]), int(f["realisasi"])
        out.append(_finish(Figure(kode, BUDGET_KEY, str(tahun), realisasi, pagu, pagu)))
    return out


def _budget_years(kabkota: str | None) -> set[int]:
    from konvergensi.budget.models import BudgetLine

    qs = BudgetLine.objects.all()
    if kabkota:
        qs = qs.filter(kabkota_id=kabkota)
    return set(qs.values_list("tahun", flat=True).distinct())


def refresh_budget(kabkota: str) -> int:
    stored = set(RegionFigure.objects.filter(kode=kabkota, key=BUDGET_KEY).values_list("tahun", flat=True))
    years = _budget_years(kabkota) | stored
    figures = [f for t in sorted(years) for f in _budget_figures(t, [kabkota])]
    with _writing():
        _write(figures, keys=[BUDGET_KEY], prefix=kabkota, periodes=None)
        rollup_up(kabkota, [BUDGET_KEY], [str(t) for t in years])
    return len(figures)


# ---- everything ------------------------------------------------------------------------------


def _rollup_all(keys: Iterable[str], pairs: set[tuple[str, str, str]]) -> None:
    """Provinces then the nation for the (province, key, periode) triples touched."""
    national = set()
    for prov, key, periode in sorted(pairs):
        rollup(prov, key, periode)
        national.add((key, periode))
    for key, periode in sorted(national):
        rollup("", key, periode)


def refresh_all(kabkota: str | None = None) -> dict[str, int]:
    """Rebuild every aggregate (of one district and its province and the nation, or of the whole
    country). Used on deployment, by the demo and by tests (`konvergensi picture refresh`)."""
    from konvergensi.publication.selectors import current_publications

    if kabkota:
        return {
            "prevalensi": refresh_prevalence(kabkota),
            "cakupan": refresh_coverage(kabkota),
            "anggaran": refresh_budget(kabkota),
        }
    counts = {"prevalensi": 0, "cakupan": 0, "anggaran": 0}
    # prevalence: every district with a current publication (and those that had one)
    districts = set(current_publications().values_list("round__kabkota_id", flat=True))
    districts |= set(
        RegionFigure.objects.filter(level="kabkota", key__in=PREVALENCE_KEYS).values_list("kode", flat=True)
    )
    for kab in sorted(districts):
        counts["prevalensi"] += refresh_prevalence(kab)
    # coverage and budget: in bulk, then provinces and the nation once
    keys = [COVERAGE_PREFIX + k for k in main_indicators()]
    figures = _coverage_figures(_coverage_rows(None, None).iterator(chunk_size=10000))
    budget = [f for t in sorted(_budget_years(None)) for f in _budget_figures(t, None)]
    with _writing():
        RegionFigure.objects.filter(key__in=[*keys, BUDGET_KEY]).delete()
        _insert(figures + budget)
        pairs = {(f.kode[:2], f.key, f.periode) for f in figures + budget if level_of(f.kode) == "kabkota"}
        _rollup_all([*keys, BUDGET_KEY], pairs)
    counts["cakupan"], counts["anggaran"] = len(figures), len(budget)
    return counts
