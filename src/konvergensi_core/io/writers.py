"""Writing result tables chunk by chunk: CSV and Parquet stream; XLSX is capped by the format."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

XLSX_MAX_ROWS = 1_048_575


class UnwritableFile(ValueError):
    """The output cannot be written; the message is for the user."""


class TableWriter:
    """Append chunks (input columns + result columns) to ``path`` (.csv, .parquet or .xlsx)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = path.suffix.lower().lstrip(".")
        if self.kind not in ("csv", "parquet", "xlsx"):
            raise UnwritableFile(f"Berkas hasil harus .csv, .parquet atau .xlsx, bukan {path.name}.")
        self.rows = 0
        self._tmp: Path | None = None
        self._parts: list[Path] = []
        self._xlsx = None

    def __enter__(self) -> TableWriter:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.kind == "csv":
                self.path.write_bytes(b"")
            elif self.kind == "parquet":
                self._tmp = Path(tempfile.mkdtemp(prefix="konvergensi-", dir=self.path.parent))
            else:
                from openpyxl import Workbook

                self._xlsx = Workbook(write_only=True)
                self._sheet = self._xlsx.create_sheet("zscore")
        except OSError as exc:
            raise UnwritableFile(f"Tidak dapat menulis {self.path}: {exc.strerror}.") from exc
        return self

    def write(self, chunk: pl.DataFrame, results: dict[str, np.ndarray]) -> None:
        frame = chunk.with_columns(
            pl.Series(name, values).fill_nan(None) if values.dtype.kind == "f" else pl.Series(name, values)
            for name, values in results.items()
        )
        if self.kind == "csv":
            with self.path.open("ab") as fh:
                frame.write_csv(fh, include_header=self.rows == 0)
        elif self.kind == "parquet":
            part = self._tmp / f"{len(self._parts):06d}.parquet"
            frame.write_parquet(part)
            self._parts.append(part)
        else:
            if self.rows + frame.height > XLSX_MAX_ROWS:
                raise UnwritableFile(
                    f"Excel menampung paling banyak {XLSX_MAX_ROWS:,} baris; tulis hasil ke .csv atau .parquet.".replace(
                        ",", "."
                    )
                )
            if self.rows == 0:
                self._sheet.append(frame.columns)
            for row in frame.iter_rows():
                self._sheet.append(list(row))
        self.rows += frame.height

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None and self.kind == "parquet":
                if self._parts:
                    pl.scan_parquet(self._parts).sink_parquet(self.path)
                else:
                    pl.DataFrame().write_parquet(self.path)
            if exc_type is None and self.kind == "xlsx":
                self._xlsx.save(self.path)
        finally:
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)
