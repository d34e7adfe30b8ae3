"""The figures of budget tagging beyond one district's summary: the measures a map colours a region
by (per district, combined per province), their colour classes, and the breakdowns the "export of
everything" writes (one table per breakdown, names and not only codes).

Every figure comes from :func:`konvergensi_core.budget.summary`, so a map, a table, the export and
``konvergensi budget summary`` never disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..plan.codes import normalize_code
from .lines import (
    CATEGORY_LABELS,
    QUARTERS,
    SOURCE_LABELS,
    TARGET_GROUP_LABELS,
    BudgetLine,
)
from .rules import absorption, summary

MEASURES: tuple[str, ...] = ("pagu", "absorption", "lokus", "direct")
"""What a budget map colours a region by: the pagu (Rupiah), the absorption, the share of the pagu
reaching confirmed lokus desa and the share spent directly on target persons (fractions 0–1)."""

SHARE_LIMITS: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)
"""The class limits of a share: 0–20, 20–40, 40–60, 60–80, 80–100 % (the colours of Pantau Aksi)."""


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def region_figures(data: Mapping[str, Any]) -> dict[str, Any]:
    """The map measures of one district from its :func:`summary`: ``pagu``, ``realisasi``,
    ``absorption`` (None when the pagu is 0), ``lokus`` and ``direct`` (shares 0–1 of the pagu), and
    the amounts behind the shares (``lokus_pagu``, ``direct_pagu``) so that regions can be combined."""
    return {
        "pagu": data["pagu"],
        "realisasi": data["realisasi"],
        "absorption": data["absorption"],
        "lokus": data["lokus"]["share"],
        "direct": data["direct_to_target"]["share"],
        "lokus_pagu": data["lokus"]["pagu"],
        "direct_pagu": data["direct_to_target"]["pagu"],
    }


def combine(figures: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Several districts' :func:`region_figures` as one region (a province): amounts added, shares
    and absorption recomputed from the sums (never the mean of the districts' shares); ``districts``
    counts them."""
    pagu = realisasi = lokus = direct = districts = 0
    for f in figures:
        pagu += f["pagu"]
        realisasi += f["realisasi"]
        lokus += f["lokus_pagu"]
        direct += f["direct_pagu"]
        districts += 1
    return {
        "pagu": pagu,
        "realisasi": realisasi,
        "absorption": absorption(realisasi, pagu),
        "lokus": _ratio(lokus, pagu),
        "direct": _ratio(direct, pagu),
        "lokus_pagu": lokus,
        "direct_pagu": direct,
        "districts": districts,
    }


def _floor2(value: int) -> int:
    """``value`` rounded down to two significant digits (1_234_567 → 1_200_000)."""
    if value < 100:
        return int(value)
    unit = 10 ** (len(str(int(value))) - 2)
    return (int(value) // unit) * unit


def amount_limits(values: Iterable[int | None], classes: int = 5) -> list[int]:
    """Class limits for amounts (the pagu of regions): the quantiles of the positive values — each
    distinct value its own class when there are no more of them than classes —, rounded down to two
    significant digits (so a value is never pushed below its limit), strictly increasing; none when
    there is no positive value or only one. A value belongs to class *i* when it is at least
    ``limits[i - 1]`` and below ``limits[i]``."""
    positive = sorted(v for v in values if v is not None and v > 0)
    distinct = sorted(set(positive))
    if len(distinct) <= classes:
        candidates = distinct[1:]
    else:
        candidates = [positive[(k * len(positive)) // classes] for k in range(1, classes)]
    limits: list[int] = []
    for candidate in candidates:
        limit = _floor2(candidate)
        if limit > positive[0] and (not limits or limit > limits[-1]):
            limits.append(limit)
    return limits


def class_of(value: float | None, limits: Sequence[float]) -> int | None:
    """The class (0 … len(limits)) of ``value``; None for no value."""
    if value is None:
        return None
    return sum(1 for limit in limits if value >= limit)


# --- the breakdowns of the export ------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    name: str
    pagu: int | None  # None where the breakdown has no pagu of its own (the quarters)
    realisasi: int

    @property
    def absorption(self) -> float | None:
        return absorption(self.realisasi, self.pagu) if self.pagu is not None else None


@dataclass(frozen=True)
class Breakdown:
    """One table of the export: ``key`` (the CSV's ``bagian``), ``title`` (the sheet's name),
    ``rows``, and ``additive``: True when the rows add up exactly to the total pagu and realisation
    (the quarters add up to the realisation only; target groups and indicators count a line fully in
    each of its groups, so they may add up to more)."""

    key: str
    title: str
    note: str
    rows: tuple[BreakdownRow, ...]
    additive: bool = True


def _rows(table: Mapping[str, Mapping[str, int]], names: Mapping[str, str], *, code: bool = True) -> list:
    return [
        BreakdownRow(key if code else "", str(names.get(key, key)), v["pagu"], v["realisasi"])
        for key, v in table.items()
    ]


def breakdowns(
    lines: Sequence[BudgetLine],
    *,
    lokus: Collection[str] = (),
    indicator_names: Mapping[str, str] | None = None,
    desa_names: Mapping[str, str] | None = None,
) -> list[Breakdown]:
    """Every breakdown of a district's lines, in the order of the dashboard: category, funding source,
    OPD, quarter, target group, indicator, desa, lokus and direct spending. Names come with the codes
    (``indicator_names``, ``desa_names``: code → name). So that each additive table adds up to the
    total pagu, the desa table ends with the district-wide lines, the lokus and direct tables have
    the lines that do and do not, and the target group and indicator tables a row of the lines
    without one."""
    data = summary(lines, lokus=lokus)
    lokus_codes = {normalize_code(c) for c in lokus}
    indicators = {normalize_code(k).upper(): v for k, v in (indicator_names or {}).items()}
    desa = desa_names or {}

    no_group = [x for x in lines if not x.target_groups]
    no_indicator = [x for x in lines if not x.indicators]
    reaches = [x for x in lines if lokus_codes.intersection(normalize_code(c) for c in x.locations)]
    direct = [x for x in lines if x.direct]

    def total(subset: Iterable[BudgetLine]) -> tuple[int, int]:
        subset = list(subset)
        return sum(x.pagu for x in subset), sum(x.realised for x in subset)

    desa_rows = _rows(data["by_desa"], desa)
    wide_pagu = data["pagu"] - sum(r.pagu for r in desa_rows)
    wide_real = data["realisasi"] - sum(r.realisasi for r in desa_rows)
    group_rows = _rows(data["by_target_group"], TARGET_GROUP_LABELS)
    indicator_rows = _rows(data["by_indicator"], indicators)
    lokus_yes, direct_yes = total(reaches), total(direct)
    return [
        Breakdown("kategori", "Per kategori", "", tuple(_rows(data["by_category"], CATEGORY_LABELS))),
        Breakdown("sumber_dana", "Per sumber dana", "", tuple(_rows(data["by_source"], SOURCE_LABELS))),
        Breakdown("opd", "Per OPD", "", tuple(_rows(data["by_opd"], {}, code=False))),
        Breakdown(
            "triwulan",
            "Per triwulan",
            "Realisasi yang terjadi dalam triwulan itu; jumlahnya = realisasi seluruhnya.",
            tuple(
                BreakdownRow(q, f"Triwulan {i}", None, data["by_quarter"][q]["realisasi"])
                for i, q in enumerate(QUARTERS, start=1)
            ),
        ),
        Breakdown(
            "kelompok_sasaran",
            "Per kelompok sasaran",
            "Baris untuk beberapa kelompok dihitung penuh di tiap kelompok.",
            (*group_rows, BreakdownRow("", "Tanpa kelompok sasaran", *total(no_group))),
            additive=False,
        ),
        Breakdown(
            "indikator",
            "Per indikator",
            "Baris untuk beberapa indikator dihitung penuh di tiap indikator.",
            (*indicator_rows, BreakdownRow("", "Tanpa indikator", *total(no_indicator))),
            additive=False,
        ),
        Breakdown(
            "desa",
            "Per desa",
            "Pagu baris dibagi rata ke desa lokasinya; baris tanpa lokasi desa di baris terakhir.",
            (
                *desa_rows,
                BreakdownRow("", "Seluruh kabupaten/kota (tanpa lokasi desa)", wide_pagu, wide_real),
            ),
        ),
        Breakdown(
            "lokus",
            "Desa lokus",
            "Baris yang lokasinya mencakup sedikitnya satu desa lokus terkonfirmasi.",
            (
                BreakdownRow("ya", "Menjangkau desa lokus", *lokus_yes),
                BreakdownRow(
                    "tidak",
                    "Tidak menjangkau desa lokus",
                    data["pagu"] - lokus_yes[0],
                    data["realisasi"] - lokus_yes[1],
                ),
            ),  # fmt: skip
        ),
        Breakdown(
            "langsung",
            "Langsung ke sasaran",
            "Belanja yang langsung diterima oleh orang sasaran.",
            (
                BreakdownRow("ya", "Langsung ke sasaran", *direct_yes),
                BreakdownRow(
                    "tidak", "Tidak langsung", data["pagu"] - direct_yes[0], data["realisasi"] - direct_yes[1]
                ),
            ),  # fmt: skip
        ),
    ]


__all__ = [
    "MEASURES",
    "SHARE_LIMITS",
    "Breakdown",
    "BreakdownRow",
    "amount_limits",
    "breakdowns",
    "class_of",
    "combine",
    "region_figures",
]
