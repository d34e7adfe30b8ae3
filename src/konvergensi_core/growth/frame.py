"""The growth engine over a table: a Polars or pandas DataFrame, or any mapping of column → array.

Columns are converted once, whole, to NumPy (nulls become NaN) through Polars' vectorised casts;
there is no per-row Python (except turning a NumPy *object* array into text). Text is read by the
parsers of THE reader of measurement files (:mod:`konvergensi_core.io.measurements`): the same
code words, numbers and dates as ``konvergensi zscore`` and the e-PPGBM import. The standard column
names are those of ``konvergensi zscore``; ``columns`` maps them to a frame's own.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from ..io.measurements import (
    MEASURE_CODES,
    OEDEMA_CODES,
    SEX_CODES,
    as_text,
    parse_codes,
    parse_date,
    parse_number,
)
from .who2006 import age_days_between, zscores

STANDARD = ("sex", "age", "birth_date", "visit_date", "weight", "lenhei", "measure", "oedema")


def _series(col) -> pl.Series:
    """Any column (Polars, pandas, NumPy, list) as one Polars Series, converted whole."""
    if isinstance(col, pl.Series):
        return col
    if type(col).__module__.startswith("pandas"):
        kind = col.dtype.kind if hasattr(col.dtype, "kind") else "O"
        if kind in "biuf":
            return pl.Series(col.to_numpy(dtype=float, na_value=np.nan), nan_to_null=True)
        if kind == "M":
            return pl.Series(col.to_numpy())
        return pl.Series(col.astype("string").to_numpy(na_value=None), dtype=pl.String)
    arr = np.asarray(col)
    if arr.dtype.kind in "biufbM":
        return pl.Series(arr, nan_to_null=arr.dtype.kind == "f")
    return pl.Series([None if v is None else str(v) for v in arr.tolist()], dtype=pl.String)


def _parse(col, parse) -> pl.Series:
    """``parse`` (one of the reader's parsers) over the column as text: the same words, numbers
    and dates as a file read by :mod:`konvergensi_core.io.measurements`."""
    frame = _series(col).alias("v").to_frame()
    return frame.select(parse(as_text(frame, "v"))).to_series()


def _as_float(col) -> np.ndarray:
    s = _series(col)
    if s.dtype == pl.String:
        s = _parse(s, parse_number)
    return s.cast(pl.Float64, strict=False).fill_null(np.nan).to_numpy()


def _as_sex(col) -> np.ndarray:
    """Sex: 1/2, L/P, M/F (and the words) → 1.0 male, 2.0 female, NaN."""
    return _parse(col, lambda e: parse_codes(e, SEX_CODES, pl.Float64)).fill_null(np.nan).to_numpy()


def _as_codes(col) -> np.ndarray:
    """Position: codes 1/2/0 or words (L/H, terlentang/berdiri …) → int8 1 lying, 2 standing, 0."""
    return (
        _parse(col, lambda e: parse_codes(e, MEASURE_CODES, pl.Int8)).fill_null(0).to_numpy().astype(np.int8)
    )


def _as_bool(col) -> np.ndarray:
    s = _series(col)
    if s.dtype == pl.Boolean:
        return s.fill_null(False).to_numpy()
    return _parse(s, lambda e: parse_codes(e, OEDEMA_CODES, pl.Boolean)).fill_null(False).to_numpy()


def _as_dates(col) -> np.ndarray:
    s = _series(col)
    if s.dtype == pl.String:
        s = _parse(s, parse_date)
    return s.cast(pl.Date, strict=False).to_numpy().astype("datetime64[D]")


def zscores_frame(
    frame,
    *,
    columns: Mapping[str, str] | None = None,
    age_unit: str = "days",
    digits: int | None = None,
) -> dict[str, np.ndarray]:
    """WHO 2006 z-scores for a table of measurements; see :func:`zscores` for the outputs.

    ``frame`` is a Polars or pandas DataFrame or a mapping of column name → array; ``columns``
    maps the standard names (``sex``, ``age`` or ``birth_date`` + ``visit_date``, ``weight``,
    ``lenhei``, ``measure``, ``oedema``) to the frame's own names. Sex 1/2, L/P or M/F; position 1/2 or L/H;
    oedema boolean or y/n; values that cannot be read become missing.
    """
    names = {name: name for name in STANDARD}
    names.update(columns or {})
    unknown = set(names) - set(STANDARD)
    if unknown:
        raise ValueError(f"unknown standard column(s): {', '.join(sorted(unknown))}")
    present = set(frame.columns) if hasattr(frame, "columns") else set(frame.keys())

    def get(name: str):
        return frame[names[name]] if names[name] in present else None

    for required in ("sex", "weight", "lenhei"):
        if get(required) is None:
            raise ValueError(f"column {names[required]!r} ({required}) not in the frame")
    sex = _as_sex(get("sex"))
    if get("age") is not None:
        age = _as_float(get("age"))
    elif get("birth_date") is not None and get("visit_date") is not None:
        age = age_days_between(_as_dates(get("birth_date")), _as_dates(get("visit_date")))
        age_unit = "days"
    else:
        raise ValueError("the frame needs an age column, or birth_date and visit_date")
    measure = get("measure")
    oedema = get("oedema")
    return zscores(
        sex,
        age,
        _as_float(get("weight")),
        _as_float(get("lenhei")),
        None if measure is None else _as_codes(measure),
        None if oedema is None else _as_bool(oedema),
        age_unit=age_unit,
        digits=digits,
    )
