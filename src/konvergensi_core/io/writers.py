"""Writing result tables chunk by chunk: CSV and Parquet stream; XLSX is capped by the format."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ..numbers import id_count
from .cells import safe_frame, safe_row

XLSX_MAX_ROWS = 1_048_575


class UnwritableFile(ValueError):
    """The output cannot be written; the message is for the user."""


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file (the same path, a symbolic or a hard link)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def _mode_for(path: Path) -> int:
    """The permissions a new file at ``path`` gets: those of the file it replaces, else the umask's."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place: a failure never
    leaves ``path`` empty or half written. Raises :class:`UnwritableFile`."""
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".konvergensi-", suffix=path.suffix, dir=path.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise UnwritableFile(
            f"Tidak dapat menulis {path}: {exc.strerror or exc.__class__.__name__}."
        ) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


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
        self._xlsx: Any = None  # an openpyxl write-only Workbook and its sheet (untyped library)
        self._sheet: Any = None
        self._out: Path | None = None  # written here, moved onto ``path`` only when all went well

    def __enter__(self) -> TableWriter:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".konvergensi-", suffix=f".{self.kind}", dir=self.path.parent)
            os.close(fd)
            self._out = Path(name)
            if self.kind == "parquet":
                self._tmp = Path(tempfile.mkdtemp(prefix="konvergensi-", dir=self.path.parent))
            elif self.kind == "xlsx":
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
        out = self._out
        assert out is not None, "TableWriter.write() outside its with block"
        if self.kind == "csv":
            with out.open("ab") as fh:
                safe_frame(frame).write_csv(fh, include_header=self.rows == 0)
        elif self.kind == "parquet":
            assert self._tmp is not None
            part = self._tmp / f"{len(self._parts):06d}.parquet"
            frame.write_parquet(part)
            self._parts.append(part)
        else:
            if self.rows + frame.height > XLSX_MAX_ROWS:
                raise UnwritableFile(
                    f"Excel menampung paling banyak {id_count(XLSX_MAX_ROWS)} baris; tulis hasil ke .csv atau .parquet."
                )
            if self.rows == 0:
                self._sheet.append(safe_row(frame.columns))
            for row in frame.iter_rows():
                self._sheet.append(safe_row(row))
        self.rows += frame.height

    def __exit__(self, exc_type, exc, tb) -> None:
        """On success the finished file replaces ``path`` in one step (``os.replace``); on failure
        ``path`` is left as it was (an existing file is not emptied) and the partial file removed."""
        done = False
        try:
            if exc_type is None:
                out = self._out
                assert out is not None  # set by __enter__, which must have succeeded to get here
                try:
                    if self.kind == "parquet":
                        if self._parts:
                            pl.scan_parquet(self._parts).sink_parquet(out)
                        else:
                            pl.DataFrame().write_parquet(out)
                    elif self.kind == "xlsx":
                        self._xlsx.save(out)
                    os.chmod(out, _mode_for(self.path))
                    os.replace(out, self.path)
                    done = True
                except OSError as exc:
                    raise UnwritableFile(f"Tidak dapat menulis {self.path}: {exc.strerror}.") from exc
        finally:
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)
            if not done and self._out is not None:
                self._out.unlink(missing_ok=True)
