"""Small-cell suppression of published aggregate tables (desa → kecamatan → kab/kota).

A published table has one row per unit (``key``), its ``parent`` unit (null for the top) and one
count column per measure (``measured``, ``stunted``, ``severely_stunted``, ``wasted``, ``underweight``,
``overweight``); optional ``<measure>_n`` columns (the valid denominators) give the prevalence. The
table must be additive: a parent's count is the sum of its children's (as
:func:`konvergensi_core.aggregates.hierarchy_table` builds it).

**Who we protect against.** The code is public (Kerckhoffs): the intruder knows every rule below
and reads every published equation. From the display alone he knows that a "< 5" is 1–4, that a
"—" in a row that is not hidden whole is **0 or ≥ 5** (1–4 would show "< 5"), that a row hidden whole
may be a small unit, and that a count is at most its unit's children measured.

**What is protected (the criterion).** For every hidden count: a positive count is never pinned
to one value; a "< 5" keeps at least two possible values (the audit aims for three: 1–3, 2–4 or
1–4, step 3); a "—" that hides 1–4 is never narrowed to 1–4 (0 or a value ≥ 5 stays possible). A
hidden count that can be worked out to be **0** is not a breach: a zero identifies no child (when a
kecamatan publishes 0 stunted its hidden small desa are 0 too, and hiding the kecamatan, then the
district, for that reason would publish nothing).

The algorithm, per measure (the measures are separate columns and never add up to one another):

1. **Primary suppression.** A unit with ``0 < measured < min_n`` (default 10) is suppressed
   entirely: every measure shows "—". A count of 1–4 is shown as "< 5" — always: a "< 5" never
   turns into "—" (which would break the "0 or ≥ 5" rule the intruder relies on, and tell him
   nothing he could trust either way). A unit with no child measured shows its zeros.
2. **Complementary suppression.** For every unit P that has children in the table, the equation
   P = Σ children must hold either no suppressed cell or at least two. Whenever exactly one is
   suppressed, one more is: if it is a child, a published sibling, or P itself when there is no
   other sibling; if it is P, one of its published children. The sibling is chosen **without
   looking at the counts** beyond "positive or zero": the first positive one in a fixed public
   order (a hash of the unit code), else the first zero one. So a "—" says nothing about its size
   beyond what the display says; before issue 11 it was the *smallest* sibling, and "—" ≤ every
   shown sibling, with "0 or ≥ 5", pinned hidden counts (67 − 59 = 8 = "—" + "< 5" with 5 the
   smallest sibling: "—" = 5, "< 5" = 3).
3. **Audit.** The result is attacked by an intruder who knows even more than the public one: which
   hidden cell is which — a "< 5" is 1–4, a complement is 0 when it is 0 and otherwise ≥ 5 (≥
   ``max(min_n, 5)`` for ``measured``), a cell of a small unit is below ``min_n``, a count is at most
   what the audit left possible for its unit's children measured (severely stunted: also for
   stunted). These are intervals, and on a hierarchy (each cell in at most two equations, no
   cycle) propagating interval bounds through parent = Σ children gives the exact range of every
   cell. A range that breaks the criterion (a *hard* breach), or a "< 5" with fewer than three
   possible values (a *soft* one), gets one more published cell hidden in the cell's equations
   (a positive child first, in the public order, then the parent; when those equations have
   nothing left, in the equations joined to them through hidden cells). One fix per equation per
   round, then back to 2 and a fresh audit (the bounds are recomputed after every fix). A hard
   breach with nothing left to hide hides the whole measure, with no "< 5" (a column all "—" says
   nothing; rare: four 1s under a kecamatan "< 5" pin each other whatever else is hidden); a soft
   one is then left as it is. The public intruder knows less than this one, so whatever the audit
   leaves safe is safe for him.

The prevalence (and its CI) is shown only when both the count and the unit's ``measured`` are
shown (a prevalence beside a hidden denominator would give it back). The shown percentages and
CIs let the intruder work out most denominators, which add up like the counts and bound a hidden
children measured from below; the audit does not model them, the integer-programming intruder of
``tests/core/measurements/test_suppression_attack.py`` does (with every equation, "0 or ≥ 5", the
small units and severely stunted ≤ stunted ≤ children measured).

Not modelled: that an intruder who replays the algorithm learns that an earlier, smaller pattern
failed the audit (the three-value margin of a "< 5" is there so that this tells him at most that
a count is among the lowest values, not which); relations between measures beyond the caps of
step 3 and the denominators (both are in the integer-programming test); a second published hierarchy over the same
children (desa → puskesmas beside desa → kecamatan): publish one hierarchy per table, or suppress
them together as one table; and several rounds or districts published side by side (each table is
safe on its own, differences between rounds are not checked).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import polars as pl

from . import kode as kode_rules
from .numbers import id_count, id_number
from .stats import wilson_interval

MEASURES = ("measured", "stunted", "severely_stunted", "wasted", "underweight", "overweight")
MIN_N = 10
SMALL = (1, 4)
LESS_THAN_5 = "< 5"
HIDDEN = "—"
MAX_ROUNDS = 10_000
MARGIN = 2  # a "< 5" must keep at least three possible values (1–3, 2–4 or 1–4)
# The audit caps each measure by the measure that holds it (severely stunted ⊆ stunted ⊆ measured).
CAPPED_BY = {"severely_stunted": ("measured", "stunted")}


def _parents(table: pl.DataFrame, key: str, parent: str) -> list[str | None]:
    """The parent column, or parents derived from dotted Kemendagri codes (kept when in the table)."""
    if parent in table.columns:
        return table.get_column(parent).cast(pl.String).to_list()
    keys = set(table.get_column(key).to_list())
    out: list[str | None] = []
    for k in table.get_column(key).to_list():
        try:
            p = kode_rules.parent(str(k))
        except kode_rules.InvalidKode:
            p = None
        out.append(p if p in keys else None)
    return out


class _Tree:
    """Units as indices 0..n-1 with their parent index (−1: none) and children lists.

    ``virtual`` units (``rest_of``) stand for what a parent holds beyond its listed children
    (children without a desa, say): never published, never chosen as a complement.
    """

    def __init__(self, keys: list[str], parents: list[str | None], rest_of: Sequence[int] = ()):
        index = {k: i for i, k in enumerate(keys)}
        if len(index) != len(keys):
            raise ValueError("every unit must appear once in the table")
        parent = [index.get(p, -1) if p is not None else -1 for p in parents]
        self.published = len(keys)
        self.keys = list(keys) + [f"~{keys[p]}" for p in rest_of]
        self.parent = np.array(parent + list(rest_of), dtype=np.int64)
        self.virtual = np.arange(len(self.keys)) >= self.published
        self.children: list[list[int]] = [[] for _ in self.keys]
        for i, p in enumerate(self.parent):
            if p >= 0:
                self.children[p].append(int(i))
        self.parents = [i for i, c in enumerate(self.children) if c]
        self.n = len(self.keys)


def propagate(
    tree: _Tree, lo: np.ndarray, hi: np.ndarray, *, max_rounds: int = MAX_ROUNDS
) -> tuple[np.ndarray, np.ndarray]:
    """Tighten integer bounds [lo, hi] of every cell through the equations parent = Σ children."""
    lo, hi = lo.astype(float).copy(), hi.astype(float).copy()
    child = np.flatnonzero(tree.parent >= 0)
    par = tree.parent[child]
    n = tree.n
    is_parent = np.bincount(par, minlength=n) > 0
    for _ in range(max_rounds):
        lo_c, hi_c = lo[child], hi[child]
        inf_c = np.isinf(hi_c)
        sum_lo = np.bincount(par, weights=lo_c, minlength=n)
        n_inf = np.bincount(par, weights=inf_c.astype(float), minlength=n)
        sum_hi = np.bincount(par, weights=np.where(inf_c, 0.0, hi_c), minlength=n)
        new_lo = np.where(is_parent, np.maximum(lo, sum_lo), lo)
        new_hi = np.where(is_parent, np.minimum(hi, np.where(n_inf > 0, np.inf, sum_hi)), hi)
        others_lo = sum_lo[par] - lo_c
        others_hi = np.where(n_inf[par] - inf_c > 0, np.inf, sum_hi[par] - np.where(inf_c, 0.0, hi_c))
        with np.errstate(invalid="ignore"):
            c_lo = np.maximum(lo_c, lo[par] - others_hi)
            c_hi = np.minimum(hi_c, hi[par] - others_lo)
        new_lo[child] = np.maximum(new_lo[child], c_lo)
        new_hi[child] = np.minimum(new_hi[child], c_hi)
        new_lo, new_hi = np.ceil(new_lo), np.floor(new_hi)
        if np.array_equal(new_lo, lo) and np.array_equal(new_hi, hi):
            break
        lo, hi = new_lo, new_hi
        if (lo > hi).any():  # the equations contradict the bounds: not an additive table
            break
    return lo, hi


def _bounds(values: np.ndarray, hidden: np.ndarray, bounded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo = np.where(hidden, np.where(bounded, SMALL[0], 0), values).astype(float)
    hi = np.where(hidden, np.where(bounded, SMALL[1], np.inf), values).astype(float)
    return lo, hi


def _linear_determined(tree: _Tree, hidden: np.ndarray) -> np.ndarray:
    """Suppressed cells whose value follows from the equations by linear algebra alone."""
    unknown = np.flatnonzero(hidden)
    out = np.zeros(tree.n, bool)
    if not unknown.size:
        return out
    col = {int(u): j for j, u in enumerate(unknown)}
    rows = []
    for p in tree.parents:
        r = np.zeros(unknown.size)
        if hidden[p]:
            r[col[p]] = 1.0
        for c in tree.children[p]:
            if hidden[c]:
                r[col[c]] = -1.0
        if r.any():
            rows.append(r)
    if not rows:
        return out
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    for u, j in col.items():
        e = np.zeros(unknown.size)
        e[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out[u] = True
    return out


def _rank(keys: Sequence[str]) -> np.ndarray:
    """A fixed, public order of the units that does not depend on any count: a hash of the key."""
    digests = [hashlib.blake2b(str(k).encode(), digest_size=8, person=b"konv-suppr").digest() for k in keys]
    order = sorted(range(len(keys)), key=lambda i: (digests[i], str(keys[i])))
    rank = np.empty(len(keys), np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def _pick(candidates: list[int], values: np.ndarray, rank: np.ndarray) -> int | None:
    """A positive candidate first, then a zero one; among them the first in the public order."""
    if not candidates:
        return None
    return min(candidates, key=lambda i: (values[i] == 0, rank[i]))


def _complement(tree: _Tree, values: np.ndarray, hidden: np.ndarray, rank: np.ndarray) -> None:
    """Step 2 (in place): no equation with exactly one suppressed cell."""
    changed = True
    while changed:
        changed = False
        for p in tree.parents:
            kids = tree.children[p]
            members = [p, *kids]
            suppressed = [i for i in members if hidden[i]]
            if len(suppressed) != 1 or tree.virtual[suppressed[0]]:
                continue  # none, protected by another, or only the never-published remainder
            published = [c for c in kids if not hidden[c] and not tree.virtual[c]]
            choice = _pick(published, values, rank)
            if choice is None and not hidden[p]:
                choice = p
            if choice is not None:
                hidden[choice] = True
                changed = True


def _domains(
    values: np.ndarray,
    hidden: np.ndarray,
    bounded: np.ndarray,
    small_row: np.ndarray,
    virtual: np.ndarray,
    *,
    floor: int,
    small_lo: int,
    min_n: int,
    cap: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """What the intruder of the audit knows of every cell before the equations (see step 3)."""
    complement = hidden & ~bounded & ~small_row & ~virtual
    lo = np.where(hidden, 0, values).astype(float)
    hi = np.where(hidden, np.inf, values).astype(float)
    lo[bounded], hi[bounded] = SMALL[0], SMALL[1]
    in_small = hidden & small_row & ~bounded
    lo[in_small], hi[in_small] = small_lo, min_n - 1
    positive = complement & (values > 0)
    lo[positive] = floor
    zero = complement & (values == 0)
    hi[zero] = 0
    if cap is not None:
        hi = np.minimum(hi, cap)
    return lo, hi


def _breaches(
    values: np.ndarray,
    hidden: np.ndarray,
    bounded: np.ndarray,
    virtual: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    revealable: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(hard, soft) breaches of the protection criterion (module docstring, step 3)."""
    cell = hidden & ~virtual
    small = (values >= SMALL[0]) & (values <= SMALL[1])
    pinned = cell & (values > 0) & (lo >= hi)
    revealed = cell & revealable & ~bounded & small & (lo >= SMALL[0]) & (hi <= SMALL[1])
    narrow = cell & bounded & (hi - lo < MARGIN)
    hard = pinned | revealed
    return hard, narrow & ~hard


def _groups(tree: _Tree, d: int) -> list[int]:
    """The equations (by their parent) a cell is in: its parent's, and its own."""
    out = []
    if tree.parent[d] >= 0:
        out.append(int(tree.parent[d]))
    if tree.children[d]:
        out.append(d)
    return out


def _fix_choice(tree: _Tree, values: np.ndarray, hidden: np.ndarray, rank: np.ndarray, d: int) -> int | None:
    """One more published cell to hide for a breach at ``d``: a child in its equations (positive
    first, in the public order), else a parent; when its equations have nothing left to hide, the
    same in the equations joined to them through hidden cells."""
    seen: set[int] = set()
    frontier = _groups(tree, d)
    while frontier:
        seen.update(frontier)
        kids = [
            c for p in frontier for c in tree.children[p] if c != d and not hidden[c] and not tree.virtual[c]
        ]
        heads = [p for p in frontier if p != d and not hidden[p] and not tree.virtual[p]]
        positive = [c for c in kids if values[c] > 0]
        choice = _pick(positive, values, rank)
        if choice is None:
            choice = _pick([h for h in heads if values[h] > 0], values, rank)
        if choice is None:
            choice = _pick(kids + heads, values, rank)
        if choice is not None:
            return choice
        nxt: set[int] = set()
        for p in frontier:
            for member in [p, *tree.children[p]]:
                if hidden[member]:
                    nxt.update(g for g in _groups(tree, member) if g not in seen)
        frontier = sorted(nxt)
    return None


def _audit_fix(
    tree: _Tree, values: np.ndarray, hidden: np.ndarray, bounded: np.ndarray, rank: np.ndarray, model: dict
) -> tuple[str, np.ndarray, np.ndarray]:
    """Step 3 (in place): ("safe" | "changed" | "gave up", lo, hi of the attack on the result)."""
    small_row = model["small_row"]
    lo, hi = propagate(tree, *_domains(values, hidden, bounded, small_row, tree.virtual, **model["domains"]))
    # A small unit's own "—" is known to be below min_n: when that is 1–4 already, it is no news.
    confined = small_row & (model["domains"]["min_n"] - 1 <= SMALL[1])
    hard, soft = _breaches(values, hidden, bounded, tree.virtual, lo, hi, revealable=~confined)
    touched: set[int] = set()
    changed = False
    for kind, targets in (("hard", np.flatnonzero(hard)), ("soft", np.flatnonzero(soft))):
        for target in targets:
            d = int(target)
            if touched & set(_groups(tree, d)):
                continue  # an equation of this cell has just changed: judged again in the next round
            choice = _fix_choice(tree, values, hidden, rank, d)
            if choice is None:
                if kind == "hard":
                    # Nothing is left to hide near a breach: the whole measure goes, with no bound.
                    hidden[~tree.virtual] = True
                    bounded[:] = False
                    return "gave up", lo, hi
                continue  # a soft breach (a narrow "< 5") is left when nothing is left to hide
            hidden[choice] = True
            touched.update(_groups(tree, choice))
            changed = True
    return ("changed" if changed else "safe"), lo, hi


def _format_count(value: int) -> str:
    return id_count(value)


def _format_percent(p: float) -> str:
    return id_number(100 * p, 1)


def suppress(
    table: pl.DataFrame,
    *,
    key: str = "kode",
    parent: str = "parent",
    measures: Sequence[str] = MEASURES,
    measured: str = "measured",
    min_n: int = MIN_N,
) -> pl.DataFrame:
    """The table as it may be published (see the module docstring for the algorithm).

    Adds, per measure ``m``: ``m_display`` ("1.234", "< 5" or "—") and ``suppressed_m``; the count
    ``m`` itself becomes null where suppressed. With a ``m_n`` column (not for ``measured``):
    ``m_prevalence``, ``m_ci_low``, ``m_ci_high`` (Wilson 95 %, null where hidden),
    ``m_prevalence_display`` ("12,3" or "—") and ``m_ci_display`` ("9,8–15,1" or "—"); ``m_n``
    becomes null where the prevalence is hidden.
    """
    if measured not in table.columns:
        raise ValueError(f"the table needs the {measured!r} column")
    keys = [str(k) for k in table.get_column(key).to_list()]
    parents = _parents(table, key, parent)
    plain = _Tree(keys, parents)
    all_measures = list(dict.fromkeys([measured, *measures]))
    counts = {m: table.get_column(m).fill_null(0).to_numpy().astype(np.int64) for m in all_measures}
    # What a parent holds beyond its listed children becomes a virtual, never-published child.
    rest: dict[str, np.ndarray] = {}
    for m, values in counts.items():
        child = np.flatnonzero(plain.parent >= 0)
        sums = np.bincount(plain.parent[child], weights=values[child], minlength=plain.n).astype(np.int64)
        has_children = np.bincount(plain.parent[child], minlength=plain.n) > 0
        remainder = np.where(has_children, values - sums, 0)
        if (remainder < 0).any():
            bad = keys[int(np.flatnonzero(remainder < 0)[0])]
            raise ValueError(f"{m} of {bad} is smaller than the sum of its children: not an additive table")
        rest[m] = remainder
    rest_of = [p for p in plain.parents if any(rest[m][p] > 0 for m in all_measures)]
    tree = _Tree(keys, parents, rest_of)

    small_unit = (counts[measured] > 0) & (counts[measured] < min_n)
    small_row = np.concatenate([small_unit, np.zeros(len(rest_of), bool)])
    rank = _rank(tree.keys)
    hidden_by: dict[str, np.ndarray] = {}
    bounded_by: dict[str, np.ndarray] = {}
    upper: dict[str, np.ndarray] = {}  # what the audit's intruder could at most make of each cell
    for m in all_measures:
        extra = rest[m][rest_of] if rest_of else np.zeros(0, np.int64)
        values = np.concatenate([counts[m], extra])
        few = (counts[m] >= SMALL[0]) & (counts[m] <= SMALL[1])
        hidden = np.concatenate([small_unit | few, extra > 0])
        bounded = np.concatenate([few & ~small_unit, np.zeros(extra.size, bool)])
        caps = [upper[c] for c in CAPPED_BY.get(m, (measured,)) if c in upper and c != m]
        model = {
            "small_row": small_row,
            "domains": {
                "floor": max(min_n, SMALL[1] + 1) if m == measured else SMALL[1] + 1,
                "small_lo": 1 if m == measured else 0,
                "min_n": min_n,
                "cap": np.minimum.reduce(caps) if caps else None,
            },
        }
        hi = np.full(tree.n, np.inf)
        for _ in range(4 * tree.n + 8):  # each round hides at least one more cell, or stops
            _complement(tree, values, hidden, rank)
            state, _lo, hi = _audit_fix(tree, values, hidden, bounded, rank, model)
            if state == "safe":
                break
            if state == "gave up":
                hi = np.full(tree.n, np.inf)
                break
        upper[m] = hi
        hidden_by[m], bounded_by[m] = hidden[: plain.n], bounded[: plain.n]

    out = table
    measured_hidden = hidden_by[measured]
    for m in all_measures:
        hidden, bounded = hidden_by[m], bounded_by[m]
        values = counts[m]
        display = [
            (LESS_THAN_5 if b else HIDDEN) if h else _format_count(int(v))
            for v, h, b in zip(values, hidden, bounded, strict=True)
        ]
        columns = [
            pl.Series(
                m, [None if h else v for v, h in zip(values.tolist(), hidden, strict=True)], dtype=pl.Int64
            ),
            pl.Series(f"{m}_display", display, dtype=pl.String),
            pl.Series(f"suppressed_{m}", hidden),
        ]
        denominator = f"{m}_n"
        if m != measured and denominator in table.columns:
            n = table.get_column(denominator).fill_null(0).to_numpy().astype(float)
            shown = ~hidden & ~measured_hidden & (n > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                p = values / n
            lo, hi = wilson_interval(values, n)
            columns += [
                pl.Series(denominator, np.where(shown, n, np.nan), nan_to_null=True).cast(pl.Int64),
                pl.Series(f"{m}_prevalence", np.where(shown, p, np.nan), nan_to_null=True),
                pl.Series(f"{m}_ci_low", np.where(shown, lo, np.nan), nan_to_null=True),
                pl.Series(f"{m}_ci_high", np.where(shown, hi, np.nan), nan_to_null=True),
                pl.Series(
                    f"{m}_prevalence_display",
                    [_format_percent(x) if s else HIDDEN for x, s in zip(p, shown, strict=True)],
                    dtype=pl.String,
                ),
                pl.Series(
                    f"{m}_ci_display",
                    [
                        f"{_format_percent(a)}–{_format_percent(b)}" if s else HIDDEN
                        for a, b, s in zip(lo, hi, shown, strict=True)
                    ],
                    dtype=pl.String,
                ),
            ]
        out = out.with_columns(columns)
    return out


def _propagate_holes(
    tree: _Tree, lo: np.ndarray, hi: np.ndarray, holes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`propagate` where the ``holes`` cells are 0 or ≥ 5 (never 1–4)."""
    for _ in range(MAX_ROUNDS):
        lo, hi = propagate(tree, lo, hi)
        new_hi = np.where(holes & (hi < SMALL[1] + 1), np.minimum(hi, 0), hi)
        new_lo = np.where(holes & (lo >= SMALL[0]), np.maximum(lo, SMALL[1] + 1), lo)
        if np.array_equal(new_lo, lo) and np.array_equal(new_hi, hi):
            break
        lo, hi = new_lo, new_hi
    return lo, hi


def recoverable(
    published: pl.DataFrame,
    *,
    key: str = "kode",
    parent: str = "parent",
    measures: Sequence[str] = MEASURES,
    measured: str = "measured",
    exact: bool = True,
) -> pl.DataFrame:
    """An intruder's attack on a published table: every suppressed cell whose value can be worked
    out from what is shown, or shown to be 1–4 behind a "—". Empty when the suppression holds.

    Reads only the ``<measure>_display`` columns and the hierarchy, and knows the rules: numbers
    are exact, "< 5" is 1–4, a "—" is ≥ 0 and, in a row whose children measured are shown (not a
    small unit) and a column not hidden whole, 0 or ≥ 5; a count is at most the row's children
    measured. Bounds are propagated through parent = Σ children (subtraction from the parent total
    and from the siblings, repeated across levels); with ``exact``, linear combinations of all
    equations are tried too. A hidden cell that can only be 0 is not counted: a zero names no child
    (the published 0 of its parent already says it). Returns ``key``, ``measure``, ``value``
    (null when only a range is found), ``how`` ("bounds", "linear" or "small": a "—" that must be
    1–4).
    """
    keys = [str(k) for k in published.get_column(key).to_list()]
    tree = _Tree(keys, _parents(published, key, parent))

    def read(m: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        display = published.get_column(f"{m}_display").to_list()
        hidden = np.array([d in (LESS_THAN_5, HIDDEN) for d in display], dtype=bool)
        bounded = np.array([d == LESS_THAN_5 for d in display], dtype=bool)
        values = np.array(
            [0 if h else int(str(d).replace(".", "")) for d, h in zip(display, hidden, strict=True)],
            dtype=np.int64,
        )
        return values, hidden, bounded

    cap = np.full(tree.n, np.inf)
    not_small = np.zeros(tree.n, bool)  # rows known not to be a small unit (hidden whole)
    if f"{measured}_display" in published.columns:
        values, hidden, _ = read(measured)
        not_small = ~hidden
        cap = np.where(hidden, np.inf, values)
    for m in measures:
        if m != measured:
            display = published.get_column(f"{m}_display").to_list()
            not_small |= np.array([d != HIDDEN for d in display], dtype=bool)
    found: list[dict] = []
    for m in measures:
        values, hidden, bounded = read(m)
        lo, hi = _bounds(values, hidden, bounded)
        if m == measured:
            holes = np.zeros(tree.n, bool)
        else:
            hi = np.minimum(hi, cap)
            holes = hidden & ~bounded & not_small & ~hidden.all()
        lo, hi = _propagate_holes(tree, lo, hi, holes)
        pinned = hidden & (lo == hi) & (hi > 0)  # a hidden zero worked out is not a disclosure
        small = hidden & ~bounded & ~pinned & (lo >= SMALL[0]) & (hi <= SMALL[1])
        linear = _linear_determined(tree, hidden) if exact else np.zeros(tree.n, bool)
        for i in np.flatnonzero(pinned | small | linear):
            found.append(
                {
                    key: keys[i],
                    "measure": m,
                    "value": int(lo[i]) if pinned[i] else None,
                    "how": "bounds" if pinned[i] else "small" if small[i] else "linear",
                }
            )
    return pl.DataFrame(
        found, schema={key: pl.String, "measure": pl.String, "value": pl.Int64, "how": pl.String}
    )
