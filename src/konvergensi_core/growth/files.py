"""WHO 2006 z-scores for a whole measurement file: what ``konvergensi zscore`` does, as a function.

The file is read by THE reader (:func:`konvergensi_core.io.measurements.open_export`: title lines
above the header, UTF-8/UTF-16/Latin-1 CSV, XLSX, Parquet; the same headers, code words, numbers,
dates and ages in days as the e-PPGBM import), streamed in chunks; each chunk goes through the
engine and is appended to ``out`` (the input columns + :data:`ZSCORE_OUTPUTS`), which replaces an
existing file only when everything went well. No database, no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..io.measurements import (
    CHUNK_ROWS,
    Columns,
    UnreadableFile,
    count_rows,
    detect_encoding,
    normalise,
    open_export,
    recognise_headers,
)
from ..io.writers import TableWriter, UnwritableFile, same_file
from .who2006 import OUTPUTS, rounded, zscores

# The engine's outputs except ``csex``: the input's own sex column already says it.
ZSCORE_OUTPUTS = tuple(name for name in OUTPUTS if name != "csex")
INPUT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")


class MissingColumns(UnreadableFile):
    """A column the engine needs is not in the file: ``needed`` (engine names), ``headers`` (the file's)."""

    def __init__(self, needed: list[str], headers: list[str]) -> None:
        self.needed = needed
        self.headers = headers
        super().__init__(
            "Kolom wajib tidak ditemukan: " + ", ".join(needed) + f". Kolom berkas: {', '.join(headers)}."
        )


@dataclass
class ZscoreSummary:
    """What one run did: rows read, rows with at least one z-score, rows with a WHO flag, rows
    without any z-score, and the unreadable values counted under a reason in Indonesian."""

    rows: int = 0
    computed: int = 0
    flagged: int = 0
    missing: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    output: Path | None = None

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "computed": self.computed,
            "flagged": self.flagged,
            "missing": self.missing,
            "problems": dict(self.problems),
            "output": str(self.output),
        }


def engine_columns(headers: list[str], mapping: Mapping[str, str | None] | None) -> Columns:
    """The file's columns as the engine needs them; :class:`MissingColumns` when one lacks. An
    unknown field in ``mapping`` raises ``ValueError``."""
    columns = recognise_headers(list(headers), mapping)
    found = columns.fields
    needed = sorted({"sex", "weight", "lenhei"} - set(found))
    if "age" not in found and not {"birth_date", "visit_date"} <= set(found):
        needed.append("age (atau tanggal lahir + tanggal pengukuran)")
    if needed:
        raise MissingColumns(sorted(needed), list(headers))
    return columns


def zscore_file(
    path: Path,
    *,
    out: Path,
    mapping: Mapping[str, str | None] | None = None,
    age_unit: str | None = None,
    digits: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int | None], None] | None = None,
) -> ZscoreSummary:
    """WHO 2006 z-scores (0–60 months) of every row of the measurement file ``path``, written to
    ``out`` (.csv, .parquet or .xlsx) with the input's columns.

    ``mapping`` {file header: field} names columns the headers do not (fields: ``sex age
    birth_date visit_date weight lenhei measure oedema``). ``age_unit`` (days or months) is the unit
    of a plain number in the age column; None: the unit its header names (``Usia (bulan)``), else
    days. The age comes from the two dates when the birth date is known. ``digits`` rounds the
    z-scores. ``progress(rows_done, rows_total_or_None)`` is called after each chunk.

    Raises :class:`UnreadableFile` (the file; :class:`MissingColumns` a needed column),
    ``UnwritableFile`` (the output), ``ValueError`` (an unknown field in ``mapping``, a bad
    ``age_unit``), each with one Indonesian sentence.
    """
    from ..io.xlsx import XlsxRejected

    path, out = Path(path), Path(out)
    if age_unit not in (None, "days", "months"):
        raise ValueError("age_unit harus days atau months.")
    if not path.is_file():
        raise UnreadableFile(f"Berkas tidak ditemukan: {path}")
    if same_file(path, out):  # the same path, a symbolic or a hard link: writing would destroy it
        raise UnwritableFile(f"Berkas hasil {out} sama dengan berkas masukan; pilih nama lain.")
    summary = ZscoreSummary(output=out)
    try:
        opened = open_export(path, path.name, mapping, chunk_rows, suffixes=INPUT_SUFFIXES)
    except XlsxRejected as exc:  # a damaged or hostile workbook
        raise UnreadableFile(f"Berkas tidak dapat dibaca. {exc}") from exc
    total = None
    if progress is not None:
        encoding = detect_encoding(opened.path) if opened.path.suffix.lower() in (".csv", ".txt") else None
        total = count_rows(opened.path, skip_rows=opened.skip, encoding=encoding)
    columns: Columns | None = None
    # The result goes to a temporary file beside ``out``, moved into place only on success.
    with TableWriter(out) as writer:
        for chunk in opened.chunks:
            if columns is None:
                columns = engine_columns(chunk.columns, mapping)
            parsed = normalise(chunk, columns, age_unit=age_unit or columns.age_unit or "days")
            result = zscores(
                parsed.sex, parsed.age, parsed.weight, parsed.lenhei, parsed.measure, parsed.oedema
            )
            if digits is not None:
                result = rounded(result, digits)
            z = np.column_stack([result[k] for k in ("zlen", "zwei", "zwfl", "zbmi")])
            flags = np.column_stack([result[k] for k in ("flen", "fwei", "fwfl", "fbmi")])
            computed = ~np.isnan(z).all(axis=1)
            summary.rows += chunk.height
            summary.computed += int(computed.sum())
            summary.missing += int((~computed).sum())
            summary.flagged += int((np.nan_to_num(flags) == 1).any(axis=1).sum())
            for reason, count in parsed.problems.items():
                summary.problems[reason] = summary.problems.get(reason, 0) + count
            writer.write(chunk, {k: result[k] for k in ZSCORE_OUTPUTS})
            if progress is not None:
                progress(summary.rows, total)
    return summary


__all__ = ["ZSCORE_OUTPUTS", "MissingColumns", "ZscoreSummary", "engine_columns", "zscore_file"]
