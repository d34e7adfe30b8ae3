"""Reading files: child measurements (CSV, XLSX, Parquet; :mod:`.measurements` is THE reader),
workbooks, and writing results."""

from .measurements import (
    ALIASES,
    Columns,
    Normalised,
    normalise,
    open_export,
    read_chunks,
    read_values,
    recognise_columns,
    recognise_headers,
)

__all__ = [
    "ALIASES",
    "Columns",
    "Normalised",
    "normalise",
    "open_export",
    "read_chunks",
    "read_values",
    "recognise_columns",
    "recognise_headers",
]
