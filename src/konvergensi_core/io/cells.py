"""Safe cell text: the ONE place that decides how text goes into a spreadsheet we write.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their
full-width forms ＝＋－＠, which some spreadsheet programs also accept) is read by Excel and
LibreOffice as a formula when the file is opened: a child named ``=HYPERLINK("http://x","y")`` or
``=cmd|' /C calc'!A0`` would become a live link or a DDE command (OWASP "CSV injection"). Such
text gets a single quote in front, so it is shown as the text it is. Numbers (int, float, date,
None …) stay what they are, and so does text that is only a number (``-2,3``, ``+62``): it cannot
be a formula, and a z-score column must keep its sign.

The quote prefix works for CSV and for openpyxl alike: openpyxl stores a ``str`` that begins with
``=`` as a formula, and after :func:`safe_text` no string begins with ``=``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9][0-9.,]*")
# The same rule for a polars column (regex crate syntax): starts like a formula and is not a number.
_STARTS_PATTERN = r"^[=+\-@\t\r＝＋－＠]"
_NUMBER_PATTERN = r"^[-+]?[0-9][0-9.,]*$"


def safe_text[T](value: T) -> T | str:
    """``value`` as a spreadsheet cell must hold it: text that a spreadsheet would run as a formula
    is prefixed with ``'``; everything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """A row of cells, each through :func:`safe_text`."""
    return [safe_text(v) for v in values]


def safe_frame(frame):
    """A polars DataFrame whose text columns and column names are safe cell text (for CSV/XLSX
    output; Parquet is data, not a spreadsheet, and is written as it is)."""
    import polars as pl

    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if text_columns:
        frame = frame.with_columns(
            pl.when(pl.col(name).str.contains(_STARTS_PATTERN) & ~pl.col(name).str.contains(_NUMBER_PATTERN))
            .then(pl.lit("'") + pl.col(name))
            .otherwise(pl.col(name))
            .alias(name)
            for name in text_columns
        )
    renamed = {name: safe_text(name) for name in frame.columns if safe_text(name) != name}
    return frame.rename(renamed) if renamed else frame


__all__ = ["FORMULA_STARTS", "safe_frame", "safe_row", "safe_text"]
