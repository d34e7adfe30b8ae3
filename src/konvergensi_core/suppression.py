"""Small-cell suppression of published aggregate tables (desa → kecamatan → kab/kota).

A published table has one row per unit (``key``), its ``parent`` unit (null for the top) and one
count column per measure (``measured``, ``stunted``, ``severely_stunted``, ``wasted``, ``underweight``,
``overweight``); optional ``<measure>_n`` columns (the valid denominators) give the prevalence. The
table must be additive: a parent's count is the sum of its children's (as
:func:`konvergensi_core.aggregates.hierarchy_table` builds it).

The algorithm, per measure (the measures are separate columns and never add up to one another):

1. **Primary suppression.** A unit with ``0 < measured < min_n`` (default 10) is suppressed
   entirely: every measure shows "—". A count of 1–4 is shown as "< 5". A unit with no child measured
   shows its zeros: there is nobody to protect.
2. **Complementary suppression.** For every unit P that has children in the table, the equation
   P = Σ children must hold either no suppressed cell or at least two. Whenever exactly one is
   suppressed, one more is: if it is a child, the next-smallest published sibling (smallest
   positive value first, then zeros, ties by ``key``), or P itself when there is no other sibling;
   if it is P, its smallest published child. Repeated until no equation has exactly one suppressed
   cell. This rule alone makes every suppressed value impossible to compute by any linear
   combination of the published equations (in the graph whose vertices are the equations and
   whose edges are the suppressed cells, no suppressed cell is a bridge when no vertex has degree 1).
3. **Audit.** The published table is attacked as an intruder would (:func:`recoverable`): known
   values are exact, "< 5" is 1–4, "—" is ≥ 0, and the bounds are propagated through every equation
   (subtraction from the parent total, from the siblings, and across levels) until they stop
   changing. If a suppressed cell's bounds meet (e.g. two "< 5" cells whose published parent is 2),
   the "< 5" cells of its equations become "—" (dropping the 1–4 bound); when none is left there,
   one more published cell in its equations is suppressed (the smallest positive child, else the
   parent); as a last resort the whole measure is suppressed. Then back to 2. (Bounds are dropped
   before figures are hidden: otherwise a district of small kecamatan loses its own total.)

The prevalence (and its CI) is shown only when both the count and the unit's ``measured`` are
shown (a prevalence beside a hidden denominator would give it back).

A hidden cell whose value can be worked out to be **0** is not treated as a breach: a zero count
identifies no child (when a kecamatan publishes 0 stunted, its hidden small desa are 0 too, and
hiding the kecamatan, then the district, for that reason would publish nothing).

Not modelled: an intruder who knows that a "—" from step 2 is 0 or ≥ 5 (not 1–4), relations
between measures (severely stunted ≤ stunted), and a second published hierarchy over the same
children (desa → puskesmas beside desa → kecamatan): publish one hierarchy per table, or suppress
them together as one table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from . import kode as kode_rules
from .stats import wilson_interval

MEASURES = ("measured", "stunted", "severely_stunted", "wasted", "underweight", "overweight")
MIN_N = 10
SMALL = (1, 4)
LESS_THAN_5 = "< 5"
HIDDEN = "—"
MAX_ROUNDS = 10_000


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


def _smallest(candidates: list[int], values: np.ndarray, keys: list[str]) -> int | None:
    if not candidates:
        return None
    return min(candidates, key=lambda i: (values[i] == 0, values[i], keys[i]))


def _complement(tree: _Tree, values: np.ndarray, hidden: np.ndarray) -> None:
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
            choice = _smallest(published, values, tree.keys)
            if choice is None and not hidden[p]:
                choice = p
            if choice is not None:
                hidden[choice] = True
                changed = True


def _audit_fix(tree: _Tree, values: np.ndarray, hidden: np.ndarray, bounded: np.ndarray) -> bool:
    """Step 3 (in place): True when something had to change."""
    lo, hi = propagate(tree, *_bounds(values, hidden, bounded))
    # A hidden cell pinned at 0 discloses nothing (no child has the condition; its parent's published
    # 0, or its siblings, already say so): only a pinned positive count is a breach.
    determined = np.flatnonzero(hidden & (lo == hi) & (hi > 0) & ~tree.virtual)
    if not determined.size:
        return False
    for d in determined:
        d = int(d)
        groups = []
        if tree.parent[d] >= 0:
            groups.append((int(tree.parent[d]), tree.children[int(tree.parent[d])]))
        if tree.children[d]:
            groups.append((d, tree.children[d]))
        # A "< 5" pinned by its neighbours first loses its bound (it becomes "—"): that costs less
        # than hiding one more published figure, which would climb up to the district's own total.
        near = {d, *(p for p, _ in groups), *(c for _, members in groups for c in members)}
        near_bounded = [i for i in near if bounded[i]]
        if near_bounded:
            bounded[near_bounded] = False
            continue
        kids = [
            c for _, members in groups for c in members if c != d and not hidden[c] and not tree.virtual[c]
        ]
        heads = [p for p, _ in groups if p != d and not hidden[p]]
        choice = _smallest(kids, values, tree.keys)
        if choice is None and heads:
            choice = heads[0]
        if choice is not None:
            hidden[choice] = True
        elif bounded.any():
            bounded[:] = False
        else:
            hidden[~tree.virtual] = True
    return True


def _format_count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _format_percent(p: float) -> str:
    return f"{100 * p:.1f}".replace(".", ",")


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
    hidden_by: dict[str, np.ndarray] = {}
    bounded_by: dict[str, np.ndarray] = {}
    for m in all_measures:
        extra = rest[m][rest_of] if rest_of else np.zeros(0, np.int64)
        values = np.concatenate([counts[m], extra])
        few = (counts[m] >= SMALL[0]) & (counts[m] <= SMALL[1])
        hidden = np.concatenate([small_unit | few, extra > 0])
        bounded = np.concatenate([few & ~small_unit, np.zeros(extra.size, bool)])
        for _ in range(2 * tree.n + 3):  # each audit round changes at least one cell
            _complement(tree, values, hidden)
            if not _audit_fix(tree, values, hidden, bounded):
                break
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
            pl.Series(m, np.where(hidden, None, values).tolist(), dtype=pl.Int64),
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


def recoverable(
    published: pl.DataFrame,
    *,
    key: str = "kode",
    parent: str = "parent",
    measures: Sequence[str] = MEASURES,
    exact: bool = True,
) -> pl.DataFrame:
    """An intruder's attack on a published table: every suppressed cell whose value can be worked
    out from what is shown. Empty when the suppression holds.

    Reads only the ``<measure>_display`` columns and the hierarchy: numbers are exact, "< 5" is
    1–4, "—" is ≥ 0. Bounds are propagated through parent = Σ children (subtraction from the parent
    total and from the siblings, repeated across levels); with ``exact``, linear combinations of
    all equations are tried too. A hidden cell that can only be 0 is not counted: a zero names no
    child (the published 0 of its parent already says it). Returns ``key``, ``measure``, ``value``,
    ``how``.
    """
    keys = [str(k) for k in published.get_column(key).to_list()]
    tree = _Tree(keys, _parents(published, key, parent))
    found: list[dict] = []
    for m in measures:
        display = published.get_column(f"{m}_display").to_list()
        hidden = np.array([d in (LESS_THAN_5, HIDDEN) for d in display])
        bounded = np.array([d == LESS_THAN_5 for d in display])
        values = np.array(
            [0 if h else int(str(d).replace(".", "")) for d, h in zip(display, hidden, strict=True)]
        )
        lo, hi = propagate(tree, *_bounds(values, hidden, bounded))
        pinned = hidden & (lo == hi) & (hi > 0)  # a hidden zero worked out is not a disclosure
        linear = _linear_determined(tree, hidden) if exact else np.zeros(tree.n, bool)
        for i in np.flatnonzero(pinned | linear):
            found.append(
                {
                    key: keys[i],
                    "measure": m,
                    "value": int(lo[i]) if pinned[i] else None,
                    "how": "bounds" if pinned[i] else "linear",
                }
            )
    return pl.DataFrame(
        found, schema={key: pl.String, "measure": pl.String, "value": pl.Int64, "how": pl.String}
    )
