"""Reads of the catalogue and village data, always within the reader's scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from konvergensi.accounts.scope import Scope, scope_filter, subtree_filter
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core.indicators import CATEGORY_LABEL, LOW, Bands, category, percent, pooled

from .models import Assignment, DataSasaran, DataValue, Indicator, SasaranStatus
from .services import bands_for


def visible_desa(*, scope: Scope, kabkota: str, kecamatan: str | None = None):
    # Through the indexed parent links, not a code prefix: SQLite cannot use an index for the
    # prefix's LIKE and scanned all 91,599 regions, three times a completeness page.
    if kecamatan:
        qs = Region.objects.filter(level="desa", parent_id=kecamatan)
    else:
        qs = Region.objects.filter(level="desa", parent__parent_id=kabkota)
    return scope_filter(qs, scope, "kode", purpose="region").order_by("kode")


def visible_kecamatan(*, scope: Scope, kabkota: str):
    qs = Region.objects.filter(level="kecamatan", parent_id=kabkota)
    if scope.role in ("kecamatan", "desa"):
        qs = qs.filter(kode=scope.kode[:8])
    elif scope.role == "puskesmas":
        qs = qs.filter(kode__in={k[:8] for k in scope.desa_codes})
    return qs.order_by("kode")


def default_periode(today: dt.date) -> str:
    """Coverage data are for the year just ended until the middle of the year, then the current one."""
    return str(today.year - 1 if today.month < 7 else today.year)


@dataclass
class Cell:
    numerator: int | None = None
    denominator: int | None = None
    version: int = 0
    status: str = ""

    @property
    def percent(self) -> float | None:
        return percent(self.numerator, self.denominator)


def grid(*, scope: Scope, kabkota: str, kecamatan: str, periode: str, indicators: list[Indicator]):
    """Desa of a kecamatan × indicators: the stored cells (version for compare-and-set)."""
    desa = list(visible_desa(scope=scope, kabkota=kabkota, kecamatan=kecamatan))
    # Plain tuples, not model instances: a kecamatan of Aceh Utara has ~2,000 values (bench/README.md,
    # "The whole country at small").
    values = DataValue.objects.filter(desa__in=desa, periode=periode, indicator__in=indicators).values_list(
        "desa_id", "indicator_id", "numerator", "denominator", "version", "status"
    )
    cells: dict[tuple[str, int], Cell] = {(d, i): Cell(n, den, ver, st) for d, i, n, den, ver, st in values}
    rows = [(d, [(i, cells.get((d.kode, i.pk), Cell())) for i in indicators]) for d in desa]
    return rows


@dataclass
class CompletenessRow:
    label: str
    expected: int = 0
    filled: int = 0
    verified: int = 0
    low: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def missing(self) -> int:
        return self.expected - self.filled

    @property
    def share(self) -> float:
        return 100.0 * self.filled / self.expected if self.expected else 0.0


@dataclass
class Violation:
    desa: Region
    indicator: Indicator
    message: str


def completeness(*, scope: Scope, kabkota: Region, periode: str, indicators: list[Indicator], today: dt.date):
    """What is filled, verified, missing and late, per OPD, kecamatan and indicator, for the desa the
    reader sees; plus the rule violations that slipped in (data sasaran changed after entry)."""
    desa_codes = list(visible_desa(scope=scope, kabkota=kabkota.kode).values_list("kode", flat=True))
    kec_names = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    assign = {a.indicator_id: a.opd for a in Assignment.objects.filter(kabkota=kabkota).select_related("opd")}
    bands = bands_for(indicators, int(periode[:4]))
    counted = value_counts(
        kabkota=kabkota.kode, periode=periode, indicators=indicators, desa_codes=desa_codes, bands=bands
    )
    by_ind = {i.pk: CompletenessRow(f"{i.kode} {i.nama}", extra={"indicator": i}) for i in indicators}
    by_kec: dict[str, CompletenessRow] = {}
    by_opd: dict[str, CompletenessRow] = {}
    n_desa_by_kec: dict[str, int] = defaultdict(int)
    for kode in desa_codes:
        n_desa_by_kec[kode[:8]] += 1
    for kec, n in n_desa_by_kec.items():
        by_kec[kec] = CompletenessRow(
            kec_names.get(kec, kec), expected=n * len(indicators), extra={"kode": kec}
        )
    for i in indicators:
        opd = assign.get(i.pk)
        key = opd.singkatan if opd else "—"
        by_opd.setdefault(key, CompletenessRow(str(opd) if opd else "(belum ditugaskan ke OPD)"))
        by_ind[i.pk].expected = len(desa_codes)
        by_opd[key].expected += len(desa_codes)
    for (ind_id, kec), (filled, verified, low) in counted["cells"].items():
        opd = assign.get(ind_id)
        for r in (by_ind[ind_id], by_kec[kec], by_opd[opd.singkatan if opd else "—"]):
            r.filled += filled
            r.verified += verified
            r.low += low
    # Late: a year's data are due by the end of March of the following year (semester data three
    # months after the semester). Past the due date, every missing cell is late.
    due = _due_date(periode)
    late = today > due
    # Level of detail: the guideline wants desa data; an indicator whose figures stop at a few desa
    # per kecamatan is probably reported per puskesmas or kecamatan.
    for row in by_ind.values():
        row.extra["level"] = _detail_level(row, len(by_kec))
    return {
        "by_opd": sorted(by_opd.values(), key=lambda r: r.label),
        "by_kecamatan": sorted(by_kec.values(), key=lambda r: r.extra["kode"]),
        "by_indicator": list(by_ind.values()),
        "due": due,
        "late": late,
        "violations": _violation_rows(counted["violations"], indicators),
        "last_update": counted["last_update"],
        "total": CompletenessRow(
            "total",
            expected=sum(r.expected for r in by_ind.values()),
            filled=sum(r.filled for r in by_ind.values()),
            verified=sum(r.verified for r in by_ind.values()),
            low=sum(r.low for r in by_ind.values()),
        ),
    }


# The counts a completeness page needs are kept until the data they come from change (the key
# names every source); the timeout only bounds how long superseded counts take room.
COUNTS_CACHE_SECONDS = 7 * 24 * 3600


def values_version(*, kabkota: str, periode: str) -> str:
    """Changes whenever a value of the district's period is added, changed or removed: every writer
    (grid, Excel import, verification, generators) sets ``updated_at`` on what it writes, and a
    removal lowers the count. Read from the (kabkota, periode, updated_at) index alone."""
    return _count_and_latest(DataValue.objects.filter(kabkota_id=kabkota, periode=periode))


def _sasaran_version(*, kabkota: str, tahun: int) -> str:
    """Changes whenever a verified data sasaran of the district's year is verified, changed or
    unverified (the rule violations compare the values with them)."""
    from konvergensi.accounts.scope import subtree_filter

    qs = DataSasaran.objects.filter(tahun=tahun, status=SasaranStatus.DIVERIFIKASI)
    return _count_and_latest(subtree_filter(qs, "desa_id", kabkota))


def _count_and_latest(qs) -> str:
    """ "count-latest change" of the rows: a version that moves with every write that sets
    ``updated_at`` and every removal."""
    state = qs.order_by().aggregate(n=Count("*"), at=Max("updated_at"))
    return f"{state['n']}-{state['at'].timestamp() if state['at'] else 0:.6f}"


def value_counts(
    *, kabkota: str, periode: str, indicators: list[Indicator], desa_codes: list[str], bands: dict[int, Bands]
) -> dict:
    """For the values of ``desa_codes`` in the district's period: per (indicator, kecamatan) the
    values filled, verified and in a low category; the rule violations (desa, indicator, denominator,
    target group, bound); the latest change. Counting a large district's ~10,500 values was most of
    the completeness page's time (bench/README.md, run 5: p95 339 ms with 50 users); the counts are
    cached under a key that changes with the values, the verified data sasaran, the bands, the
    indicators and the desa counted."""
    import hashlib

    from django.core.cache import cache

    sources = "|".join(
        [
            periode,
            ",".join(desa_codes),
            ",".join(f"{i.pk}:{i.kode}:{bands[i.pk]}" for i in indicators),
        ]
    )
    digest = hashlib.sha256(sources.encode()).hexdigest()[:24]
    versions = (values_version(kabkota=kabkota, periode=periode),
                _sasaran_version(kabkota=kabkota, tahun=int(periode[:4])))  # fmt: skip
    key = f"completeness:{kabkota}:{digest}:{versions[0]}:{versions[1]}"
    return cache.get_or_set(
        key,
        lambda: _value_counts(
            kabkota=kabkota, periode=periode, indicators=indicators, desa_codes=set(desa_codes), bands=bands
        ),
        timeout=COUNTS_CACHE_SECONDS,
    )


def _value_counts(
    *, kabkota: str, periode: str, indicators: list[Indicator], desa_codes: set[str], bands: dict[int, Bands]
) -> dict:
    # Unordered: the model's ordering made SQLite walk the desa index and sort (27 ms instead of 6).
    stored = DataValue.objects.filter(
        kabkota_id=kabkota, periode=periode, indicator__in=indicators
    ).order_by()
    # The district's ~10,000 values as plain tuples; their latest change in SQL (converting every
    # row's timestamp to an aware datetime cost more than the rest of the loop).
    values = list(stored.values_list("desa_id", "indicator_id", "numerator", "denominator", "status"))
    # Counted per (indicator, kecamatan): one small update a value instead of three rows' three
    # counters (12,000 values in Bogor).
    counted: dict[tuple[int, str], list[int]] = {}
    for desa_kode, ind_id, num, den, status in values:
        if desa_kode not in desa_codes:
            continue
        key = (ind_id, desa_kode[:8])
        c = counted.get(key)
        if c is None:
            c = counted[key] = [0, 0, 0]
        c[0] += 1
        if status == "diverifikasi":
            c[1] += 1
        pct = percent(num, den)
        if pct is not None and category(pct, bands[ind_id]) in LOW:
            c[2] += 1
    return {
        "cells": counted,
        "violations": _violations(
            periode=periode, desa_codes=desa_codes, indicators=indicators, values=values
        ),
        "last_update": stored.filter(desa_id__in=desa_codes).aggregate(last=Max("updated_at"))["last"],
    }


def _due_date(periode: str) -> dt.date:
    year = int(periode[:4])
    if periode.endswith("-S1"):
        return dt.date(year, 9, 30)
    return dt.date(year + 1, 3, 31)


def _detail_level(row: CompletenessRow, n_kecamatan: int) -> str:
    if row.filled == 0:
        return "kosong"
    if row.filled >= 0.5 * row.expected:
        return "desa"
    if row.filled <= n_kecamatan:
        return "kecamatan/puskesmas"
    return "sebagian desa"


def _violations(
    *, periode: str, desa_codes: set[str], indicators: list[Indicator], values: list[tuple]
) -> list[tuple]:
    """Figures whose denominator exceeds the verified data sasaran of their target group
    (``konvergensi_core.sasaran``), e.g. entered before the camat verified the sasaran. ``values``
    are the district's values the page already read (desa, indicator, numerator, denominator,
    status): reading them again cost 20 ms of SQL for Garut's 8,000. Plain tuples (desa, indicator id,
    denominator, target group, bound), kept in the cache with the counts."""
    from konvergensi_core import sasaran as rules

    verified = DataSasaran.objects.filter(
        desa_id__in=desa_codes, tahun=int(periode[:4]), status=SasaranStatus.DIVERIFIKASI
    ).values_list("desa_id", *rules.FIELD_NAMES)  # the counts only, not 400 model objects
    counts = {row[0]: dict(zip(rules.FIELD_NAMES, row[1:], strict=True)) for row in verified}
    if not counts:
        return []
    bounded = {i.pk: i for i in indicators if rules.bounds(i.kode)}
    # Plain tuples for the (many) values; model objects only for the (few) violations.
    hits = []
    for desa_id, indicator_id, _num, denominator, _status in values:
        indicator = bounded.get(indicator_id)
        if indicator is None or desa_id not in counts:
            continue
        exceeded = rules.bound_exceeded(indicator.kode, denominator, counts[desa_id])
        if exceeded is not None:
            hits.append((desa_id, indicator_id, denominator, *exceeded))
    hits.sort(key=lambda h: (h[0], h[1]))  # by desa, then indicator: the page lists the first 100
    return hits


def _violation_rows(hits: list[tuple], indicators: list[Indicator]) -> list[Violation]:
    """The violations :func:`_violations` found, with their desa and indicator, as the page shows them."""
    from django.utils.translation import gettext as _

    by_pk = {i.pk: i for i in indicators}
    places = Region.objects.in_bulk({h[0] for h in hits}, field_name="kode")
    # Worded here, per request, in the reader's language (the target group as the data sasaran
    # field's translated label); the cached hits hold only codes and numbers.
    text = _("penyebut %(denominator)s > %(group)s %(bound)s di data sasaran terverifikasi")
    return [
        Violation(places[desa_id], by_pk[indicator_id],
                  text % {"denominator": denominator, "group": DataSasaran._meta.get_field(name).verbose_name,
                          "bound": bound})
        for desa_id, indicator_id, denominator, name, bound in hits
    ]  # fmt: skip


def sasaran_warning(*, indicator: Indicator, desa_kode: str, periode: str, denominator: int | None) -> str:
    """The warning of a denominator above the desa's verified data sasaran for its target group
    ("" when there is none): the grid says it after saving, the figure stays saved."""
    from konvergensi_core import sasaran as rules

    if denominator is None or not rules.bounds(indicator.kode):
        return ""
    row = DataSasaran.objects.filter(
        desa_id=desa_kode, tahun=int(periode[:4]), status=SasaranStatus.DIVERIFIKASI
    ).first()
    if row is None:
        return ""
    counts = {f: getattr(row, f) for f in rules.FIELD_NAMES}
    exceeded = rules.bound_exceeded(indicator.kode, denominator, counts)
    return rules.bound_message(indicator.kode, denominator, *exceeded) if exceeded else ""


def sasaran_in_kabkota(
    kabkota: str, *, tahun: int | None = None, scope: Scope | None = None, with_balita: bool = False
):
    """The data sasaran rows of the desa of ``kabkota`` (a queryset): of one year when ``tahun`` is
    given, only the desa ``scope`` may see when given, only rows with their under-fives filled in
    when ``with_balita``. The one query every app uses for the data sasaran of a district."""
    qs = subtree_filter(DataSasaran.objects.all(), "desa_id", kabkota)  # an index range, no join
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    if with_balita:
        qs = qs.filter(balita__isnull=False)
    if scope is not None:
        qs = scope_filter(qs, scope, "desa_id", purpose="region")
    return qs


def balita_latest(
    kabkota: str, *, up_to: int, scope: Scope | None = None
) -> tuple[int | None, dict[str, int]]:
    """(year, under-fives per desa) of the latest data sasaran year up to ``up_to`` with under-fives
    filled in (within ``scope`` when given); (None, {}) when there is none."""
    qs = sasaran_in_kabkota(kabkota, scope=scope, with_balita=True)
    year = qs.filter(tahun__lte=up_to).aggregate(y=Max("tahun"))["y"]
    if year is None:
        return None, {}
    return year, dict(qs.filter(tahun=year).values_list("desa_id", "balita"))


def sasaran_rows(*, scope: Scope, kabkota: str, kecamatan: str, tahun: int):
    desa = list(visible_desa(scope=scope, kabkota=kabkota, kecamatan=kecamatan))
    rows = {s.desa_id: s for s in DataSasaran.objects.filter(desa__in=desa, tahun=tahun)}
    return [(d, rows.get(d.kode)) for d in desa]


def sasaran_summary(*, scope: Scope, kabkota: str, tahun: int) -> dict:
    desa = visible_desa(scope=scope, kabkota=kabkota)
    qs = DataSasaran.objects.filter(desa__in=desa, tahun=tahun)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "desa": desa.count(),
        "filled": sum(counts.values()),
        "verified": counts.get(SasaranStatus.DIVERIFIKASI, 0),
        "returned": counts.get(SasaranStatus.DIKEMBALIKAN, 0),
    }


def map_values(*, scope: Scope, kabkota: str, periode: str, indicator: Indicator, bands: Bands) -> list[dict]:
    desa = list(visible_desa(scope=scope, kabkota=kabkota))
    values = {
        v.desa_id: v for v in DataValue.objects.filter(desa__in=desa, periode=periode, indicator=indicator)
    }
    out = []
    for d in desa:
        v = values.get(d.kode)
        pct = percent(v.numerator, v.denominator) if v and not indicator.is_count else None
        cat = category(pct, bands) if pct is not None else None
        out.append(
            {
                "kode": d.kode,
                "nama": d.nama,
                "lat": d.lat,
                "lng": d.lng,
                "value": (
                    round(pct, 1) if pct is not None else (v.numerator if v and indicator.is_count else None)
                ),
                "category": cat.value if cat else None,
            }
        )
    return out


def kecamatan_totals(
    *, scope: Scope, kabkota: str, periode: str, indicator: Indicator, bands: Bands
) -> list[dict]:
    """Per kecamatan: pooled numerator / denominator of its desa (never the mean of percentages)."""
    desa = visible_desa(scope=scope, kabkota=kabkota)
    pairs: dict[str, list] = defaultdict(list)
    for kode, num, den in DataValue.objects.filter(
        desa__in=desa, periode=periode, indicator=indicator
    ).values_list("desa_id", "numerator", "denominator"):
        pairs[kode[:8]].append((num, den))
    names = dict(Region.objects.filter(parent_id=kabkota).values_list("kode", "nama"))
    out = []
    for kec, items in sorted(pairs.items()):
        num, den, pct = pooled(items) if not indicator.is_count else (sum(n for n, _ in items), None, None)
        cat = category(pct, bands) if pct is not None else None
        out.append({"kode": kec, "nama": names.get(kec, kec), "numerator": num, "denominator": den, "percent": pct,
                    "category": cat.value if cat else None, "category_label": CATEGORY_LABEL[cat] if cat else "",
                    "desa": len(items)})  # fmt: skip
    return out


def opd_of_kabkota(kabkota: str):
    return OPD.objects.filter(kabkota_id=kabkota)


def catalogue(set_: str | None = None, q: str = ""):
    qs = Indicator.objects.all()
    if set_:
        qs = qs.filter(set=set_)
    if q:
        qs = qs.filter(Q(nama__icontains=q) | Q(kode__iexact=q) | Q(definisi__icontains=q))
    return qs


def last_changed(kabkota: str, periode: str):
    return DataValue.objects.filter(kabkota_id=kabkota, periode=periode).aggregate(m=Max("updated_at"))["m"]


def program_summary(*, scope: Scope, kabkota: str, tahun: int, indicator: Indicator) -> dict:
    """For one indicator's programme: how many of the desa the reader sees have it, per funding source."""
    from .models import ProgramMapping

    desa = visible_desa(scope=scope, kabkota=kabkota)
    rows = ProgramMapping.objects.filter(indicator=indicator, tahun=tahun, desa__in=desa)
    have = reported = 0
    sources: dict[str, int] = defaultdict(int)
    for ada, sumber in rows.values_list("ada", "sumber"):
        reported += 1
        if ada:
            have += 1
            for s in sumber:
                sources[s] += 1
    return {"desa": desa.count(), "reported": reported, "have": have, "sources": dict(sources)}
