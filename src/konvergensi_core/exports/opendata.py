"""Open data (issue 19): the published figures as one table, written as Parquet or CSV.

Pure: rows (plain dicts) and the column definition (name and kind, in order) in, bytes out. The
definition itself, with the meaning of each column, is ``konvergensi.exports.opendata.COLUMNS``
(its meanings are translated, so it lives on the Django side); the same definition types the
frame here, renders the public data dictionary and is checked against docs/exports.md.

* Parquet is data: written as it is (typed columns, dates as dates, nulls as nulls).
* CSV is opened in spreadsheets: text cells pass through :func:`konvergensi_core.io.cells.safe_frame`
  (a text that would run as a formula gets a leading quote); a null is an empty field.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import polars as pl

from konvergensi_core.io.cells import safe_frame

# The kinds a column may have, and the polars type each is written with.
KINDS: dict[str, type[pl.DataType]] = {
    "text": pl.String,
    "date": pl.Date,
    "integer": pl.Int64,
    "float": pl.Float64,
}
FORMATS = ("parquet", "csv")


def frame(rows: Iterable[dict], columns: Sequence[tuple[str, str]]) -> pl.DataFrame:
    """The rows as a frame with exactly these columns, in this order and of these kinds (a key a
    row lacks is null; a key not in ``columns`` is not written). No row gives an empty, typed frame."""
    schema = {name: KINDS[kind] for name, kind in columns}
    names = list(schema)
    return pl.DataFrame([{n: r.get(n) for n in names} for r in rows], schema=schema)


def encode(table: pl.DataFrame, fmt: str) -> bytes:
    """The frame as a Parquet or CSV (UTF-8, header, ISO dates, safe text cells) file."""
    buffer = io.BytesIO()
    if fmt == "parquet":
        table.write_parquet(buffer, compression="zstd", statistics=True)
    elif fmt == "csv":
        safe_frame(table).write_csv(buffer, null_value="")
    else:
        raise ValueError(f"unknown open-data format {fmt!r} (one of {', '.join(FORMATS)})")
    return buffer.getvalue()


__all__ = ["FORMATS", "KINDS", "encode", "frame"]
