"""Reading measurement files (CSV, XLSX, Parquet) into the engine's columns, in chunks."""

from .measurements import COLUMN_ALIASES, Normalised, normalise, read_chunks, recognise_columns

__all__ = ["COLUMN_ALIASES", "Normalised", "normalise", "read_chunks", "recognise_columns"]
