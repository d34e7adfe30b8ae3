"""Problems found in situation-analysis data, and the checks of the per-unit figures.

Nothing here raises because of a value: a value that cannot be used becomes missing and a
:class:`Problem` says where it was and why, in plain Indonesian. ``severity`` is ``"error"`` for a
value that had to be dropped (the analysis of such a file should not be used as is) and
``"warning"`` for something worth a look that changes nothing (e.g. coverage over 100 %).

The checks of one unit's figures (``clean_units``), shared by the file reader and the analysis
functions, so a caller passing arrays directly gets the same protection as the command line:

* a number that is not finite (``inf``) or not a number at all → error, value dropped;
* negative cases, measured or prevalence → error, value dropped;
* prevalence over 100 % → error, value dropped;
* cases or measured that are not whole numbers, or absurdly large (over ``MAX_COUNT``) → error;
* cases greater than measured → error, both dropped (the pair cannot both be right);
* an empty unit name/code with figures → error, row dropped;
* the same unit twice → error, the later rows dropped (the first one is kept);
* a given prevalence that disagrees with cases/measured by more than 0.5 point → warning.

Missing values (None or NaN) are not problems: the analysis leaves them out where they are needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from konvergensi_core.numbers import id_number  # noqa: F401 (used here and by the CLI)

ERROR = "error"
WARNING = "warning"
MAX_COUNT = 1e9  # more children than Indonesia has: a typing error, not data
PREVALENCE_TOLERANCE = 0.5  # percentage points between a given and a computed prevalence


@dataclass(frozen=True)
class Problem:
    """One problem: the row (of the file, or the 1-based position of the unit when not read from a
    file; None for the file as a whole), the column (its header as written), the value as text,
    and a message in Indonesian."""

    row: int | None
    column: str
    value: str
    message: str
    severity: str = ERROR

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return asdict(self)


def has_errors(problems: Sequence[Problem]) -> bool:
    return any(p.blocking for p in problems)


def value_text(value: object) -> str:
    """A value as the user typed it (whole floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def as_float_array(
    values: Sequence[object] | np.ndarray | None,
    n: int,
    *,
    column: str,
    rows: Sequence[int | None],
    problems: list[Problem],
) -> np.ndarray:
    """``values`` as a float array of length ``n`` (NaN = missing); anything that is not a number
    becomes NaN with a problem. ``None`` → all missing."""
    if values is None:
        return np.full(n, np.nan)
    items = list(values)
    out = _plain_numbers(items, n)
    if out is not None:  # the usual case, without a check per value: only ±inf to report
        for i in np.flatnonzero(np.isinf(out)).tolist():
            problems.append(Problem(rows[i], column, value_text(items[i]), "bukan angka"))
            out[i] = np.nan
        if len(items) != n:
            problems.append(
                Problem(
                    None, column, "", f"jumlah nilai ({len(items)}) tidak sama dengan jumlah wilayah ({n})"
                )
            )
        return out
    out = np.full(n, np.nan)
    for i, value in enumerate(items[:n]):
        if value is None:
            continue
        if isinstance(value, bool | str | bytes):
            problems.append(Problem(rows[i], column, value_text(value), "bukan angka"))
            continue
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            problems.append(Problem(rows[i], column, value_text(value), "bukan angka"))
            continue
        if math.isnan(number):
            continue
        if not math.isfinite(number):
            problems.append(Problem(rows[i], column, value_text(value), "bukan angka"))
            continue
        out[i] = number
    if len(items) != n:
        problems.append(
            Problem(None, column, "", f"jumlah nilai ({len(items)}) tidak sama dengan jumlah wilayah ({n})")
        )
    return out


def _plain_numbers(items: list, n: int) -> np.ndarray | None:
    """The first ``n`` items as a float array (NaN = missing) when every one is None, a float or an
    int (not a bool): what the app passes (~26,000 coverage values for the largest district), the
    same numbers as ``float(value)`` one by one. None when some item needs the checks one by one
    (text, booleans, other types, an int too large for a float)."""
    head = items[:n]
    for value in head:
        if value is not None and not isinstance(value, float) and type(value) is not int:
            return None
    out = np.full(n, np.nan)
    try:
        out[: len(head)] = [np.nan if value is None else value for value in head]
    except OverflowError:
        return None
    return out


def _drop(
    array: np.ndarray,
    bad: np.ndarray,
    *,
    column: str,
    rows: Sequence[int | None],
    message: str,
    problems: list[Problem],
) -> None:
    for i in np.flatnonzero(bad).tolist():
        problems.append(Problem(rows[i], column, value_text(float(array[i])), message))
    array[bad] = np.nan


@dataclass(frozen=True)
class CleanUnits:
    """Per-unit figures after the checks: invalid values are NaN, dropped rows are gone."""

    units: list[str]
    cases: np.ndarray
    measured: np.ndarray
    prevalence: np.ndarray
    rows: list[int | None]
    problems: list[Problem]
    kept: np.ndarray  # positions of the input rows that were kept
    has_cases: bool  # a cases column was given at all
    has_prevalence: bool  # a prevalence or a measured column was given at all


def clean_units(
    units: Sequence[object],
    *,
    cases: Sequence[object] | np.ndarray | None = None,
    measured: Sequence[object] | np.ndarray | None = None,
    prevalence: Sequence[object] | np.ndarray | None = None,
    rows: Sequence[int | None] | None = None,
    columns: dict[str, str] | None = None,
) -> CleanUnits:
    """Check the figures of each unit (see the module docstring) and return them cleaned.

    ``rows``: where each unit came from (file rows), for the problems; default 1, 2, 3 …
    ``columns``: the headers to name in problems for ``unit``, ``cases``, ``measured``,
    ``prevalence`` (defaults: those words).
    """
    names = {"unit": "unit", "cases": "cases", "measured": "measured", "prevalence": "prevalence"}
    names.update(columns or {})
    n = len(units)
    where: list[int | None] = list(rows) if rows is not None and len(rows) == n else list(range(1, n + 1))
    problems: list[Problem] = []
    c = as_float_array(cases, n, column=names["cases"], rows=where, problems=problems)
    m = as_float_array(measured, n, column=names["measured"], rows=where, problems=problems)
    p = as_float_array(prevalence, n, column=names["prevalence"], rows=where, problems=problems)

    for array, column, whole in ((c, names["cases"], True), (m, names["measured"], True)):
        _drop(array, array < 0, column=column, rows=where, message="tidak boleh negatif", problems=problems)
        _drop(
            array,
            array > MAX_COUNT,
            column=column,
            rows=where,
            message="angka terlalu besar untuk jumlah anak",
            problems=problems,
        )
        if whole:
            _drop(
                array,
                ~np.isnan(array) & (array != np.floor(array)),
                column=column,
                rows=where,
                message="harus bilangan bulat (jumlah anak)",
                problems=problems,
            )
    _drop(p, p < 0, column=names["prevalence"], rows=where, message="tidak boleh negatif", problems=problems)
    _drop(
        p,
        p > 100,
        column=names["prevalence"],
        rows=where,
        message="prevalensi tidak mungkin lebih dari 100 %",
        problems=problems,
    )
    over = c > m  # False where either is NaN
    for i in np.flatnonzero(over).tolist():
        problems.append(
            Problem(
                where[i],
                names["cases"],
                value_text(float(c[i])),
                f"jumlah kasus lebih besar dari jumlah anak diukur ({value_text(float(m[i]))})",
            )
        )
    c[over] = np.nan
    m[over] = np.nan

    with np.errstate(invalid="ignore", divide="ignore"):
        computed = np.where(m > 0, 100.0 * c / np.where(m > 0, m, 1.0), np.nan)
    disagree = ~np.isnan(p) & ~np.isnan(computed) & (np.abs(p - computed) > PREVALENCE_TOLERANCE)
    for i in np.flatnonzero(disagree).tolist():
        problems.append(
            Problem(
                where[i],
                names["prevalence"],
                value_text(float(p[i])),
                f"prevalensi tidak sesuai dengan kasus/diukur ({id_number(float(computed[i]))} %); "
                "prevalensi tertulis dipakai",
                WARNING,
            )
        )

    keep = np.ones(n, dtype=bool)
    seen: dict[str, int | None] = {}
    labels: list[str] = []
    for i, unit in enumerate(units):
        label = "" if unit is None else value_text(unit).strip()
        labels.append(label)
        if not label:
            keep[i] = False
            if not (np.isnan(c[i]) and np.isnan(m[i]) and np.isnan(p[i])):
                problems.append(
                    Problem(where[i], names["unit"], "", "nama/kode wilayah kosong; baris diabaikan")
                )
            continue
        if label in seen:
            keep[i] = False
            first = seen[label]
            also = f" (pertama di baris {first})" if first is not None else ""
            problems.append(
                Problem(
                    where[i],
                    names["unit"],
                    label,
                    f"wilayah muncul lebih dari sekali{also}; baris ini diabaikan",
                )
            )
            continue
        seen[label] = where[i]
    problems.sort(key=lambda q: (q.row is None, q.row or 0))
    return CleanUnits(
        units=[label for label, k in zip(labels, keep, strict=True) if k],
        cases=c[keep],
        measured=m[keep],
        prevalence=p[keep],
        rows=[r for r, k in zip(where, keep, strict=True) if k],
        problems=problems,
        kept=np.flatnonzero(keep),
        has_cases=cases is not None,
        has_prevalence=prevalence is not None or measured is not None,
    )


def effective_prevalence(prevalence: np.ndarray, cases: np.ndarray, measured: np.ndarray) -> np.ndarray:
    """The prevalence of each unit in percent: the given one, else cases/measured when measured > 0;
    NaN when neither (zero measured gives no prevalence)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        computed = np.where(measured > 0, 100.0 * cases / np.where(measured > 0, measured, 1.0), np.nan)
    return np.where(np.isnan(prevalence), computed, prevalence)


def above(values: np.ndarray, reference: float | None) -> np.ndarray:
    """``values > reference`` for each element, False where the value is missing. A value equal to
    the reference up to floating-point rounding (relative 1e-9) is not above it: 18 is not above
    1.5 × 12 even when the mean comes out as 12.000000000000002."""
    if reference is None or not math.isfinite(reference):
        return np.zeros(values.shape, dtype=bool)
    tolerance = 1e-9 * max(1.0, abs(reference))
    with np.errstate(invalid="ignore"):
        return ~np.isnan(values) & (values > reference + tolerance)


def mean(values: np.ndarray) -> float | None:
    """Mean of the known values, summed exactly (``math.fsum``) so that the order of the rows never
    changes the result; None when there is none."""
    known = values[~np.isnan(values)]
    if known.size == 0:
        return None
    result = math.fsum(known.tolist()) / known.size
    return result if math.isfinite(result) else None
