"""An intruder who has read our code attacks the published tables with integer programming.

The intruder is written apart from :mod:`konvergensi_core.suppression`: it uses nothing of it but
``suppress`` to produce the table the public sees, and then reads only what a public page or CSV
shows — per unit its code, its parent, per count the display ("1.234", "< 5" or "—"), and where
shown the prevalence and its Wilson 95 % CI (to four decimals, as the snapshot stores them). It knows
the published rules (the project is open source):

* a parent's count is the sum of its children's, for every count and every denominator;
* "< 5" is 1–4; a "—" in a row that is not a small unit is 0 or ≥ 5 (it would be "< 5" otherwise);
  a row may be a small unit (1 to ``min_n`` − 1 children measured, every count "—") only when all its
  counts are "—"; a count column that is "—" everywhere says nothing;
* every count ≤ its denominator ≤ children measured of its unit; severely stunted ≤ stunted;
* a shown prevalence p and CI of a shown count c: the denominator n rounds c/n and the Wilson
  interval to what is shown (an interval of n).

Each hidden cell is attacked with :func:`scipy.optimize.milp` (integer variables, a binary for
every "0 or ≥ 5" and for every possible small unit). The protection criterion checked: no hidden
count of 1–4 is pinned (only one value possible), and no "—" hiding 1–4 is narrowed to 1–4.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from konvergensi_core.stats import wilson_interval
from konvergensi_core.suppression import recoverable, suppress

COUNTS = ("measured", "stunted", "severely_stunted", "wasted", "underweight", "overweight")
RATES = COUNTS[1:]
DASH, LT5 = "—", "< 5"


# ---- what the public sees ----------------------------------------------------------------------


def public(out: pl.DataFrame) -> list[dict]:
    """The published rows as a page or the CSV shows them (nothing else of ``suppress``'s output)."""
    rows = []
    for r in out.iter_rows(named=True):
        row = {"kode": r["kode"], "parent": r["parent"]}
        for m in COUNTS:
            row[m] = r[f"{m}_display"]
        for m in RATES:
            for suffix in ("prevalence", "ci_low", "ci_high"):
                value = r.get(f"{m}_{suffix}")
                row[f"{m}_{suffix}"] = None if value is None else round(float(value), 4)
        rows.append(row)
    return rows


def number(display: str) -> int | None:
    return None if display in (DASH, LT5) else int(display.replace(".", ""))


# ---- the intruder ------------------------------------------------------------------------------


class Intruder:
    """An integer program over every published equation, bound, percentage and CI."""

    def __init__(self, rows: list[dict], *, min_n: int = 10, smallest_sibling_rule: bool = False):
        self.rows = rows
        self.kode = [r["kode"] for r in rows]
        index = {k: i for i, k in enumerate(self.kode)}
        self.children: dict[int, list[int]] = {}
        for i, r in enumerate(rows):
            if r["parent"] in index:
                self.children.setdefault(index[r["parent"]], []).append(i)
        shown_measured = [number(r["measured"]) for r in rows]
        known = [v for v in shown_measured if v is not None]
        self.big = float(max(known) if known else 0) + 10 * len(rows) + 100
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integer: list[int] = []
        self.a: list[dict[int, float]] = []
        self.a_lo: list[float] = []
        self.a_hi: list[float] = []
        self.x: dict[tuple[int, str], int] = {}
        self.n: dict[tuple[int, str], int] = {}
        # A unit's counts are at most the children measured shown for it or for a unit above it:
        # the tightest "big M" for the binaries below.
        limit = []
        for i in range(len(rows)):
            bound, j = self.big, i
            while j is not None:
                shown = shown_measured[j]
                bound = min(bound, shown) if shown is not None else bound
                j = index.get(rows[j]["parent"])
            limit.append(float(bound))
        whole = {m: all(r[m] == DASH for r in rows) for m in COUNTS}
        for i in range(len(rows)):
            for m in COUNTS:
                self.x[i, m] = self._var(0, limit[i])
            for m in RATES:
                self.n[i, m] = self._var(0, limit[i])
        for i, r in enumerate(rows):
            big = limit[i]
            maybe_small = min_n > 1 and all(r[m] == DASH for m in COUNTS)
            s = self._var(0, 1) if maybe_small else None
            if s is not None:  # a small unit: 1 ≤ measured ≤ min_n − 1
                self._row({self.x[i, "measured"]: 1, s: -1}, 0, math.inf)
                self._row({self.x[i, "measured"]: 1, s: big - (min_n - 1)}, -math.inf, big)
            for m in COUNTS:
                v, x = r[m], self.x[i, m]
                floor = max(min_n, 5) if m == "measured" else 5
                if v == LT5:
                    self._bound(x, 1, 4)
                elif v != DASH:
                    self._bound(x, number(v), number(v))
                elif not whole[m]:  # 0 or ≥ floor, unless the row is a small unit
                    z = self._var(0, 1)
                    relax = {s: -big} if s is not None else {}
                    self._row({x: 1, z: -big, **relax}, -math.inf, 0)
                    self._row({x: 1, z: -floor, **({s: floor} if s is not None else {})}, 0, math.inf)
            for m in RATES:
                self._row({self.x[i, m]: 1, self.x[i, "measured"]: -1}, -math.inf, 0)
                self._row({self.x[i, m]: 1, self.n[i, m]: -1}, -math.inf, 0)
                self._row({self.n[i, m]: 1, self.x[i, "measured"]: -1}, -math.inf, 0)
                self._prevalence(i, m)
            self._row({self.x[i, "severely_stunted"]: 1, self.x[i, "stunted"]: -1}, -math.inf, 0)
        for p, kids in self.children.items():
            for family in (self.x, self.n):
                for m in COUNTS if family is self.x else RATES:
                    row = {family[p, m]: 1.0}
                    for c in kids:
                        row[family[c, m]] = -1.0
                    self._row(row, 0, 0)
        if smallest_sibling_rule:
            self._old_rule()

    def _var(self, lo: float, hi: float) -> int:
        self.lb.append(lo)
        self.ub.append(hi)
        self.integer.append(1)
        return len(self.lb) - 1

    def _bound(self, v: int, lo: float, hi: float) -> None:
        self.lb[v], self.ub[v] = max(self.lb[v], lo), min(self.ub[v], hi)

    def _row(self, coef: dict[int, float], lo: float, hi: float) -> None:
        self.a.append(coef)
        self.a_lo.append(lo)
        self.a_hi.append(hi)

    def _prevalence(self, i: int, m: str) -> None:
        r = self.rows[i]
        p, c, total = r[f"{m}_prevalence"], number(r[m]), number(r["measured"])
        if p is None or c is None or total is None:
            return
        n = np.arange(max(c, 1), max(total, 1) + 1, dtype=float)
        lo, hi = wilson_interval(np.full(n.size, float(c)), n)
        tol = 5e-5 + 1e-9
        fits = np.abs(c / n - p) <= tol
        if r[f"{m}_ci_low"] is not None:
            fits &= (np.abs(lo - r[f"{m}_ci_low"]) <= tol) & (np.abs(hi - r[f"{m}_ci_high"]) <= tol)
        if fits.any():
            self._bound(self.n[i, m], float(n[fits].min()), float(n[fits].max()))

    def _old_rule(self) -> None:
        """The rule the code published until issue 11: the "—" beside a lone "< 5" was the smallest
        positive published sibling."""
        for kids in self.children.values():
            for m in RATES:
                dashes = [c for c in kids if self.rows[c][m] == DASH and self.rows[c]["measured"] != DASH]
                small = [c for c in kids if self.rows[c][m] == LT5]
                shown = [number(self.rows[c][m]) for c in kids if number(self.rows[c][m])]
                if len(dashes) == 1 and small and shown:
                    self._bound(self.x[dashes[0], m], 0, min(shown))

    def solve(self, fixed: dict[int, tuple[float, float]], objective: dict[int, float] | None = None):
        """A feasible point (the integer vector) with these extra bounds, or None."""
        lb, ub = np.array(self.lb, float), np.array(self.ub, float)
        for v, (lo, hi) in fixed.items():
            lb[v], ub[v] = max(lb[v], lo), min(ub[v], hi)
        if (lb > ub).any():
            return None
        if not hasattr(self, "_matrix"):
            data, rows, cols = [], [], []
            for k, coef in enumerate(self.a):
                for v, value in coef.items():
                    rows.append(k)
                    cols.append(v)
                    data.append(value)
            self._matrix = sparse.csr_array((data, (rows, cols)), shape=(len(self.a), len(self.lb)))
        c = np.zeros(len(self.lb))
        for v, weight in (objective or {}).items():
            c[v] = weight
        result = milp(
            c,
            constraints=LinearConstraint(self._matrix, self.a_lo, self.a_hi),
            integrality=np.array(self.integer),
            bounds=Bounds(lb, ub),
            options={"time_limit": 120},
        )
        assert result.status in (0, 2), result.message  # solved: feasible (0) or infeasible (2)
        return np.round(result.x) if result.status == 0 else None

    def breaches(self, truth: dict[tuple[str, str], int]) -> list[tuple[str, str, int, str]]:
        """Every hidden count of 1–4 that is pinned, or a "—" that can only be 1–4.

        A feasible point of the program that gives a cell another value (a "< 5") or 0 or ≥ 5 (a
        "—") clears it; the points come from pushing all the cells down, then up, then in random
        directions, then each cell still not cleared on its own (one range of values at a time)."""
        fixed = {self.x[i, m]: (truth[k, m],) * 2 for i, k in enumerate(self.kode) for m in COUNTS}
        assert self.solve(fixed) is not None, "the intruder's model must hold the true table"
        targets = {}  # variable → (kode, measure, true value, display)
        for i, k in enumerate(self.kode):
            for m in COUNTS:
                v, shown = truth[k, m], self.rows[i][m]
                if shown in (DASH, LT5) and 1 <= v <= 4:
                    targets[self.x[i, m]] = (k, m, v, shown)

        def cleared(x: int, point: np.ndarray) -> bool:
            _k, _m, v, shown = targets[x]
            return point[x] != v if shown == LT5 else not 1 <= point[x] <= 4

        def sweep(point) -> None:
            if point is not None:
                for x in [x for x in targets if cleared(x, point)]:
                    del targets[x]

        rng = np.random.default_rng(0)
        for sweep_round in range(8):
            if not targets:
                break
            signs = [1.0, -1.0][sweep_round] if sweep_round < 2 else rng.choice([-1.0, 1.0], len(targets))
            sweep(self.solve({}, dict(zip(targets, np.broadcast_to(signs, len(targets)), strict=True))))
        found = []
        for x in list(targets):
            if x not in targets:
                continue
            k, m, v, shown = targets[x]
            ranges = [(1, v - 1), (v + 1, 4)] if shown == LT5 else [(0, 0), (5, self.big)]
            for lo, hi in ranges:
                point = self.solve({x: (lo, hi)}) if lo <= hi else None
                sweep(point)
                if point is not None:
                    break
            else:
                other = [(lo, hi) for lo, hi in [(1, v - 1), (v + 1, 4)] if lo <= hi]
                pinned = shown == LT5 or not any(self.solve({x: r}) is not None for r in other)
                found.append((k, m, v, "pinned" if pinned else "1–4"))
                del targets[x]
        return found


def narrow(table: pl.DataFrame, *, min_n: int = 10) -> list[tuple[str, str, list[int]]]:
    """Every "< 5" the intruder narrows to fewer than three values (the audit's aim, step 3)."""
    out = suppress(table, min_n=min_n)
    intruder = Intruder(public(out), min_n=min_n)
    found = []
    for i, k in enumerate(intruder.kode):
        for m in COUNTS:
            if intruder.rows[i][m] == LT5:
                x = intruder.x[i, m]
                possible = [v for v in range(1, 5) if intruder.solve({x: (v, v)}) is not None]
                if len(possible) < 3:
                    found.append((k, m, possible))
    return found


def attack(table: pl.DataFrame, *, min_n: int = 10, old_rule: bool = False, out=None) -> list:
    out = suppress(table, min_n=min_n) if out is None else out
    truth = {(r["kode"], m): int(r[m]) for r in table.iter_rows(named=True) for m in COUNTS}
    return Intruder(public(out), min_n=min_n, smallest_sibling_rule=old_rule).breaches(truth)


# ---- tables ------------------------------------------------------------------------------------


def table(desa: dict[str, dict[str, int]]) -> pl.DataFrame:
    """An additive desa → kecamatan → kab/kota table (denominators = children measured)."""
    units: dict[str, dict[str, int]] = {}
    for kode, counts in desa.items():
        for unit in (kode, kode[:8], kode[:5]):
            total = units.setdefault(unit, dict.fromkeys((*COUNTS, *(f"{m}_n" for m in RATES)), 0))
            for m in COUNTS:
                total[m] += counts.get(m, 0)
            for m in RATES:
                total[f"{m}_n"] += counts.get(f"{m}_n", counts["measured"])
    frame = pl.DataFrame([{"kode": k, **v} for k, v in units.items()]).sort("kode")
    parents = [None if len(k) == 5 else k[: 5 if len(k) == 8 else 8] for k in frame.get_column("kode")]
    return frame.with_columns(parent=pl.Series(parents, dtype=pl.String))


def c(measured: int, **counts: int) -> dict[str, int]:
    return {"measured": measured, **counts}


PASEH = {  # round 1, Paseh 32.11.08: 67 overweight, 59 shown, Paseh Kidul "—" + Bongkok "< 5" = 8
    "32.11.08.2001": c(120, overweight=5, stunted=20),  # Paseh Kidul (5: the smallest, first by code)
    "32.11.08.2002": c(90, overweight=3, stunted=15),  # Bongkok
    "32.11.08.2003": c(150, overweight=5, stunted=22),
    "32.11.08.2004": c(200, overweight=12, stunted=30),
    "32.11.08.2005": c(260, overweight=18, stunted=41),
    "32.11.08.2006": c(300, overweight=24, stunted=52),
    "32.11.07.2001": c(400, overweight=30, stunted=60),
    "32.11.07.2002": c(380, overweight=28, stunted=55),
}
SUKASARI = {  # round 2, Sukasari 32.11.12: Nanggerang 1 overweight, its complement 5
    "32.11.12.2001": c(110, overweight=1, stunted=18),  # Nanggerang
    "32.11.12.2002": c(140, overweight=5, stunted=21),
    "32.11.12.2003": c(160, overweight=9, stunted=25),
    "32.11.12.2004": c(210, overweight=14, stunted=33),
    "32.11.11.2001": c(300, overweight=20, stunted=44),
    "32.11.11.2002": c(280, overweight=19, stunted=40),
}
GUIDELINES = {
    "lone small count": {
        "32.11.01.2001": c(40, stunted=3), "32.11.01.2002": c(50, stunted=12),
        "32.11.01.2003": c(45, stunted=7), "32.11.01.2004": c(30, stunted=0),
    },
    "two small counts summing to their parent": {
        "32.11.01.2001": c(40, stunted=1), "32.11.01.2002": c(50, stunted=1),
        "32.11.02.2001": c(60, stunted=20), "32.11.02.2002": c(60, stunted=25),
    },
    "a small unit beside large ones": {
        "32.11.01.2001": c(7, stunted=2, wasted=1), "32.11.01.2002": c(60, stunted=11, wasted=5),
        "32.11.01.2003": c(80, stunted=14, wasted=6), "32.11.02.2001": c(90, stunted=4, wasted=0),
        "32.11.02.2002": c(70, stunted=9, wasted=8),
    },
    "only children": {
        "32.11.01.2001": c(40, stunted=3), "32.11.02.2001": c(50, stunted=12), "32.11.02.2002": c(30, stunted=10),
    },
    "four ones under a four": {
        "32.11.01.2001": c(30, overweight=1), "32.11.01.2002": c(30, overweight=1),
        "32.11.01.2003": c(30, overweight=1), "32.11.01.2004": c(30, overweight=1),
        "32.11.02.2001": c(50, overweight=6), "32.11.02.2002": c(50, overweight=7),
    },
}  # fmt: skip


def random_kabkota(seed: int, *, kecamatan: tuple[int, int] = (5, 26), desa: tuple[int, int] = (5, 20)):
    """A district as the demo has them: small and large desa, counts from binomial draws."""
    rng = np.random.default_rng(seed)
    large = rng.random() < 0.5
    out: dict[str, dict[str, int]] = {}
    for k in range(int(rng.integers(kecamatan[0], kecamatan[1] + 1))):
        level = {"stunted": rng.uniform(0.05, 0.35), "wasted": rng.uniform(0.02, 0.1),
                 "underweight": rng.uniform(0.05, 0.2), "overweight": rng.uniform(0.005, 0.05)}  # fmt: skip
        for d in range(int(rng.integers(desa[0], desa[1] + 1))):
            size = (
                rng.lognormal(5.5, 0.8)
                if large
                else (rng.integers(0, 14) if rng.random() < 0.4 else rng.lognormal(3.3, 0.6))
            )
            measured = int(size)
            if measured == 0:
                continue
            row = {"measured": measured}
            for m, p in level.items():
                n = measured - int(rng.binomial(measured, 0.02))
                row[m], row[f"{m}_n"] = int(rng.binomial(n, p)), n
            row["severely_stunted"] = int(rng.binomial(row["stunted"], 0.3))
            row["severely_stunted_n"] = row["stunted_n"]
            out[f"32.11.{k + 1:02d}.{2001 + d}"] = row
    return table(out)


# ---- the tests ---------------------------------------------------------------------------------


def old_view(data: pl.DataFrame, complements: set[tuple[str, str]]) -> list[dict]:
    """The public rows as the code published them before issue 11 for these tables: 1–4 as "< 5",
    the given complements as "—", the rest shown with prevalence and CI."""
    rows = []
    for r in data.iter_rows(named=True):
        row = {"kode": r["kode"], "parent": r["parent"], "measured": str(r["measured"])}
        for m in RATES:
            v, n = r[m], r[f"{m}_n"]
            hidden = 1 <= v <= 4 or (r["kode"], m) in complements
            row[m] = (LT5 if 1 <= v <= 4 else DASH) if hidden else str(v)
            lo, hi = wilson_interval(np.array([float(v)]), np.array([float(n)]))
            for suffix, value in (("prevalence", v / n), ("ci_low", lo[0]), ("ci_high", hi[0])):
                row[f"{m}_{suffix}"] = None if hidden else round(float(value), 4)
        rows.append(row)
    return rows


def test_the_intruder_pins_what_the_old_rule_gave_away():
    """The two examples of the issue as the code published them before issue 11 (a "—" beside a
    lone "< 5" was its smallest positive published sibling): the intruder finds Bongkok = 3 (with
    that rule) and Nanggerang = 1 (with "0 or ≥ 5" alone). It is able, before it is asked to fail."""
    paseh = table(PASEH)
    truth = {(r["kode"], m): r[m] for r in paseh.iter_rows(named=True) for m in COUNTS}
    view = old_view(paseh, {("32.11.08.2001", "overweight")})
    assert ("32.11.08.2002", "overweight", 3, "pinned") in Intruder(
        view, smallest_sibling_rule=True
    ).breaches(truth)
    assert ("32.11.08.2002", "overweight", 3, "pinned") not in Intruder(view).breaches(
        truth
    )  # the rule is needed
    sukasari = table(SUKASARI)
    truth = {(r["kode"], m): r[m] for r in sukasari.iter_rows(named=True) for m in COUNTS}
    view = old_view(sukasari, {("32.11.12.2002", "overweight")})
    assert ("32.11.12.2001", "overweight", 1, "pinned") in Intruder(view).breaches(truth)


@pytest.mark.parametrize("name", ["paseh", "sukasari"])
def test_the_issue_examples_are_safe_now(name):
    data = table(PASEH if name == "paseh" else SUKASARI)
    assert attack(data) == []
    assert narrow(data) == []  # every "< 5" keeps three possible values or more


@pytest.mark.parametrize("name", sorted(GUIDELINES))
def test_guideline_tables_resist_the_intruder(name):
    assert attack(table(GUIDELINES[name])) == []
    assert narrow(table(GUIDELINES[name])) == []


@pytest.mark.parametrize("seed", range(12))
def test_small_random_districts_resist_the_intruder(seed):
    assert attack(random_kabkota(seed, kecamatan=(2, 6), desa=(2, 6))) == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 112))
def test_realistic_random_districts_resist_the_intruder(seed):
    assert attack(random_kabkota(seed)) == []


@pytest.mark.parametrize("seed", range(200, 260))
def test_many_random_districts_pass_the_quick_checks(seed):
    """Many more districts, with the quick checks only (no integer program): every primary cell is
    hidden, what is shown is true, nothing hidden is kept, "—" keeps its published meaning (in a
    row not hidden whole it is 0 or ≥ 5, never 1–4) unless its column is hidden whole, and the
    bound-propagating intruder of the module (:func:`recoverable`) finds nothing."""
    data = random_kabkota(seed)
    out = suppress(data)
    measured = data.get_column("measured").to_numpy()
    small_unit = (measured > 0) & (measured < 10)
    for m in COUNTS:
        truth = data.get_column(m).to_numpy()
        hidden = out.get_column(f"suppressed_{m}").to_numpy()
        display = out.get_column(f"{m}_display").to_list()
        assert hidden[small_unit | ((truth >= 1) & (truth <= 4))].all()
        assert np.array_equal(out.get_column(m).to_numpy()[~hidden].astype(int), truth[~hidden])
        assert out.get_column(m).null_count() == hidden.sum()
        if not hidden.all():
            dash = np.array([d == DASH for d in display])
            assert not (dash & ~small_unit & (truth >= 1) & (truth <= 4)).any()
    assert recoverable(out).height == 0  # and the module's own quick intruder finds nothing
