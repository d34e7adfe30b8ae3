"""Focus villages (desa lokasi fokus, lokus): criteria, ranking and selection (seed 000,
"Kriteria Seleksi dan Prioritisasi Desa Lokasi Fokus").

Criteria of each desa (``Criteria``, given in JSON as a dict of three booleans):

1. ``prevalence_above_mean``: its prevalence is above the mean of the desa prevalences;
2. ``cases_above_mean``: its case count is above the mean of the desa case counts;
3. ``low_coverage_majority``: more than 50 % of the main indicators show low coverage (Rendah or
   Sangat Rendah by each indicator's bands). The share is taken over the main indicators **that
   have data for the desa**: an indicator without data does not count as low, and is not in the
   denominator either (so 3 low of 5 reported is a majority, even when 20 indicators exist). A desa
   with no coverage data at all does not meet the criterion. Strictly more than half: 2 of 4 is not.

"Above the mean" is strict, with the same rounding tolerance as the hotspots; a desa without the
figure does not meet the criterion; the means are over the desa that have the figure.

Eligibility: ``any`` (at least one criterion, the default), ``all`` (the three), or an integer k
(at least k criteria). A criterion that cannot be assessed for lack of data is simply not met.

Ranking (every desa, eligible or not, gets a rank; the guideline's order): more main indicators
with low coverage first, then higher prevalence, then more cases; a missing prevalence or case
count sorts after every known one; remaining ties by desa code (or name) ascending, so the order
is total and does not depend on the order of the input rows. Eligibility does not move a desa in
the ranking: the candidates are the eligible desa taken in rank order.

Selection of the number of lokus (``select_lokus``): the first N eligible (``count``), the first
ceil(share × number of desa) eligible (``share``, 0 < share ≤ 1: "20 % of all desa"), or within a
budget (``budget`` with a cost per desa): eligible desa are taken in rank order while the
cumulative cost stays within the budget; the first that does not fit (or has no known cost) ends
the selection, so the selection is always a prefix of the eligible ranking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .categories import Bands, bands_for, low_coverage
from .problems import (
    WARNING,
    Problem,
    above,
    as_float_array,
    clean_units,
    effective_prevalence,
    mean,
    value_text,
)

ANY = "any"
ALL = "all"
CRITERIA_COUNT = 3


def parse_eligibility(value: str | int) -> int:
    """``any`` → 1, ``all`` → 3, an integer 1–3 (or its text) → itself. ValueError otherwise."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in (ANY, "salah satu", "satu"):
            return 1
        if text in (ALL, "semua"):
            return CRITERIA_COUNT
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"kelayakan harus any, all atau angka 1–3, bukan {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= CRITERIA_COUNT:
        raise ValueError(f"kelayakan harus any, all atau angka 1–3, bukan {value!r}")
    return value


@dataclass(frozen=True)
class Criteria:
    prevalence_above_mean: bool
    cases_above_mean: bool
    low_coverage_majority: bool

    @property
    def met(self) -> int:
        return int(self.prevalence_above_mean) + int(self.cases_above_mean) + int(self.low_coverage_majority)

    def as_dict(self) -> dict[str, bool]:
        return {
            "prevalence_above_mean": self.prevalence_above_mean,
            "cases_above_mean": self.cases_above_mean,
            "low_coverage_majority": self.low_coverage_majority,
        }


def _json(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


@dataclass(frozen=True)
class LokusDesa:
    rank: int  # 1 = highest priority, over every desa
    desa: str
    prevalence: float | None  # percent
    cases: float | None
    measured: float | None
    low_coverage_count: int  # main indicators with low coverage
    coverage_count: int  # main indicators with data for this desa (criterion 3's denominator)
    criteria: Criteria
    eligible: bool
    coverage: tuple[float | None, ...]  # per indicator of the ranking, percent
    row: int | None = None  # where the desa came from (file row)
    selected: bool | None = None  # None until a selection is made

    def as_dict(self) -> dict:
        out = {
            "rank": self.rank,
            "desa": self.desa,
            "prevalence": _json(self.prevalence),
            "cases": _json(self.cases),
            "low_coverage_count": self.low_coverage_count,
            "criteria": self.criteria.as_dict(),
            "eligible": self.eligible,
        }
        if self.selected is not None:
            out["selected"] = self.selected
        return out


@dataclass(frozen=True)
class Selection:
    method: str  # count | share | budget
    value: float  # N, the share, or the budget
    target: int | None  # desa wanted (count, share); None for a budget
    selected: int
    total_cost: float | None  # budget only


@dataclass(frozen=True)
class LokusRanking:
    desa: list[LokusDesa]  # in rank order
    indicators: list[str]
    indicator_labels: dict[str, str]
    bands: list[Bands]
    eligibility: int
    mean_prevalence: float | None
    mean_cases: float | None
    problems: list[Problem] = field(default_factory=list)
    selection: Selection | None = None

    @property
    def eligible(self) -> list[LokusDesa]:
        return [d for d in self.desa if d.eligible]

    @property
    def selected(self) -> list[LokusDesa]:
        return [d for d in self.desa if d.selected]

    def as_list(self) -> list[dict]:
        return [d.as_dict() for d in self.desa]


def _coverage_matrix(
    coverage: Mapping[str, Sequence[object] | np.ndarray] | None,
    n: int,
    rows: list[int | None],
    problems: list[Problem],
) -> tuple[list[str], np.ndarray]:
    if not coverage:
        return [], np.zeros((n, 0))
    codes = [str(code) for code in coverage]
    columns = []
    for code, values in zip(codes, coverage.values(), strict=True):
        col = as_float_array(values, n, column=code, rows=rows, problems=problems)
        negative = col < 0
        for i in np.flatnonzero(negative):
            problems.append(Problem(rows[i], code, value_text(float(col[i])), "cakupan tidak boleh negatif"))
        col[negative] = np.nan
        for i in np.flatnonzero(col > 100):
            problems.append(
                Problem(
                    rows[i],
                    code,
                    value_text(float(col[i])),
                    "cakupan lebih dari 100 %; periksa pembilang dan penyebutnya (tetap dipakai)",
                    WARNING,
                )
            )
        columns.append(col)
    return codes, np.column_stack(columns)


def rank_order(
    desa: Sequence[str], low_count: np.ndarray, prevalence: np.ndarray, cases: np.ndarray
) -> np.ndarray:
    """Positions of the desa in rank order (see the module docstring): low-coverage count, then
    prevalence, then cases, all descending with missing values last, then desa ascending."""
    if len(desa) == 0:
        return np.zeros(0, dtype=int)
    _, desa_key = np.unique(np.array(list(desa), dtype=str), return_inverse=True)
    prev_missing = np.isnan(prevalence)
    cases_missing = np.isnan(cases)
    keys = (
        desa_key,
        -np.where(cases_missing, 0.0, cases),
        cases_missing,
        -np.where(prev_missing, 0.0, prevalence),
        prev_missing,
        -low_count,
    )
    return np.lexsort(keys)  # the last key is the primary one


def rank_lokus(
    desa: Sequence[object],
    *,
    prevalence: Sequence[object] | np.ndarray | None = None,
    cases: Sequence[object] | np.ndarray | None = None,
    measured: Sequence[object] | np.ndarray | None = None,
    coverage: Mapping[str, Sequence[object] | np.ndarray] | None = None,
    bands: Bands | Mapping[str, Bands] | None = None,
    eligibility: str | int = ANY,
    indicator_labels: Mapping[str, str] | None = None,
    rows: Sequence[int | None] | None = None,
    columns: dict[str, str] | None = None,
) -> LokusRanking:
    """Criteria, eligibility and rank of every desa (module docstring).

    ``coverage``: main indicator code → coverage in percent per desa (None/NaN = no data);
    ``bands``: one set for every indicator or code → bands. Bad values never raise (they are dropped
    and reported in ``problems``); an invalid ``eligibility`` is a ValueError.
    """
    k = parse_eligibility(eligibility)
    data = clean_units(
        desa, cases=cases, measured=measured, prevalence=prevalence, rows=rows, columns=columns
    )
    n_in = len(desa)
    where_in: list[int | None] = (
        list(rows) if rows is not None and len(rows) == n_in else list(range(1, n_in + 1))
    )
    problems = list(data.problems)
    codes, matrix = _coverage_matrix(coverage, n_in, where_in, problems)
    matrix = matrix[data.kept]
    indicator_bands = bands_for(codes, bands)

    prev = effective_prevalence(data.prevalence, data.cases, data.measured)
    count = data.cases
    mean_prev, mean_count = mean(prev), mean(count)
    low = low_coverage(matrix, indicator_bands)
    low_count = low.sum(axis=1).astype(int)
    data_count = (~np.isnan(matrix)).sum(axis=1).astype(int)
    c1 = above(prev, mean_prev)
    c2 = above(count, mean_count)
    c3 = (data_count > 0) & (2 * low_count > data_count)
    met = c1.astype(int) + c2.astype(int) + c3.astype(int)
    eligible = met >= k

    order = rank_order(data.units, low_count, prev, count)
    # Each desa's coverage as Python floats (None = no data), converted once for the whole matrix.
    coverage_rows = [tuple(None if v != v else v for v in row) for row in matrix.tolist()]
    ranked = []
    for rank, i in enumerate(order, start=1):
        ranked.append(
            LokusDesa(
                rank=rank,
                desa=data.units[i],
                prevalence=None if np.isnan(prev[i]) else float(prev[i]),
                cases=None if np.isnan(count[i]) else float(count[i]),
                measured=None if np.isnan(data.measured[i]) else float(data.measured[i]),
                low_coverage_count=int(low_count[i]),
                coverage_count=int(data_count[i]),
                criteria=Criteria(bool(c1[i]), bool(c2[i]), bool(c3[i])),
                eligible=bool(eligible[i]),
                coverage=coverage_rows[i],
                row=data.rows[i],
            )
        )
    labels = {code: code for code in codes}
    labels.update({str(c): str(t) for c, t in (indicator_labels or {}).items() if str(c) in labels})
    problems.sort(key=lambda q: (q.row is None, q.row or 0))
    return LokusRanking(
        desa=ranked,
        indicators=codes,
        indicator_labels=labels,
        bands=indicator_bands,
        eligibility=k,
        mean_prevalence=mean_prev,
        mean_cases=mean_count,
        problems=problems,
    )


def _costs(ranking: LokusRanking, cost: float | Mapping[str, float] | None) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for d in ranking.desa:
        value = cost.get(d.desa) if isinstance(cost, Mapping) else cost
        try:
            number = float(value) if value is not None and not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        out[d.desa] = number if number is not None and math.isfinite(number) and number >= 0 else None
    return out


def select_lokus(
    ranking: LokusRanking,
    *,
    count: int | None = None,
    share: float | None = None,
    budget: float | None = None,
    cost: float | Mapping[str, float] | None = None,
) -> LokusRanking:
    """The ranking with ``selected`` set on every desa, by exactly one of ``count``, ``share`` or
    ``budget`` (with ``cost``: one estimate for every desa, or desa → cost). See the module
    docstring. Invalid settings are a ValueError; an unknown cost stops a budget selection with a
    warning in ``problems``."""
    given = [name for name, v in (("count", count), ("share", share), ("budget", budget)) if v is not None]
    if len(given) != 1:
        raise ValueError("pilih tepat satu cara: jumlah desa, proporsi desa, atau anggaran")
    candidates = ranking.eligible
    problems = list(ranking.problems)
    chosen: list[str]
    total_cost: float | None = None
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError("jumlah desa lokus harus bilangan bulat ≥ 0")
        target: int | None = count
        chosen = [d.desa for d in candidates[:count]]
        selection = Selection("count", float(count), target, len(chosen), None)
    elif share is not None:
        if not (isinstance(share, int | float) and math.isfinite(share) and 0 < share <= 1):
            raise ValueError("proporsi desa harus lebih dari 0 dan paling banyak 1 (100 %)")
        # rounded up; round() first so that 0.2 × 15 = 3.0000000000000004 is 3, not 4
        target = math.ceil(round(share * len(ranking.desa), 9))
        chosen = [d.desa for d in candidates[:target]]
        selection = Selection("share", float(share), target, len(chosen), None)
    else:
        assert budget is not None
        if not (isinstance(budget, int | float) and math.isfinite(budget) and budget >= 0):
            raise ValueError("anggaran harus angka ≥ 0")
        if cost is None:
            raise ValueError("pemilihan menurut anggaran memerlukan perkiraan biaya per desa")
        costs = _costs(ranking, cost)
        chosen = []
        spent: list[float] = []
        for d in candidates:
            c = costs[d.desa]
            if c is None:
                problems.append(
                    Problem(
                        d.row,
                        "biaya",
                        "",
                        f"biaya desa {d.desa} tidak diketahui; pemilihan menurut anggaran berhenti di sini",
                        WARNING,
                    )
                )
                break
            if math.fsum([*spent, c]) > budget:
                break
            spent.append(c)
            chosen.append(d.desa)
        total_cost = math.fsum(spent)
        selection = Selection("budget", float(budget), None, len(chosen), total_cost)
    picked = set(chosen)
    return replace(
        ranking,
        desa=[replace(d, selected=d.desa in picked) for d in ranking.desa],
        problems=problems,
        selection=selection,
    )
