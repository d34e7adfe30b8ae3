"""Child measurement files → the z-score engine's columns.

Headers are recognised as e-PPGBM and common Indonesian spreadsheets write them (JK, Tgl Lahir,
Tanggal Pengukuran, Berat, Tinggi, Cara Ukur …), in any order, ignoring case, spaces and
punctuation; ``mapping`` overrides. Values are parsed with Polars expressions over whole columns
(no per-row Python): sex 1/2, L/P, M/F; position L/H, terlentang/berdiri; decimal commas; dates
ISO, DD/MM/YYYY, DD-MM-YYYY or Excel serial numbers. A value that cannot be read becomes missing and
is counted under a reason in Indonesian — reading never fails because of a cell's content.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

# The codes as officers write them: one table for the z-score CLI and the e-PPGBM import.
from konvergensi_core.eppgbm import MEASURE_CODES, OEDEMA_CODES, SEX_CODES

CHUNK_ROWS = 200_000

# engine column -> accepted headers (compared after lower-casing and dropping non-alphanumerics)
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "sex": ("sex", "jk", "jeniskelamin", "kelamin", "gender", "lp"),
    "birth_date": ("birthdate", "dob", "tgllahir", "tanggallahir", "tglahir"),
    "visit_date": (
        "visitdate",
        "tanggalpengukuran",
        "tglpengukuran",
        "tglukur",
        "tanggalukur",
        "tanggalpenimbangan",
        "tglpenimbangan",
        "tanggalkunjungan",
        "measurementdate",
    ),
    "age": ("age", "usia", "usiasaatukur", "umur", "umurbulan", "usiabulan", "usiahari", "umurhari"),
    "weight": ("weight", "bb", "berat", "beratbadan", "beratkg", "bbkg", "beratbadankg"),
    "lenhei": (
        "lenhei",
        "tb",
        "pb",
        "tinggi",
        "tinggibadan",
        "panjangbadan",
        "tinggicm",
        "tbcm",
        "pbcm",
        "tbpb",
        "pbtb",
        "tinggibadancm",
        "panjang",
    ),
    "measure": ("measure", "caraukur", "posisi", "posisiukur", "caraukurpanjangtinggi"),
    "oedema": ("oedema", "edema", "edemabilateral", "oedemabilateral"),
}

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def recognise_columns(headers: list[str], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Engine column -> file header. ``mapping`` is {file header: engine column} (``--map``)."""
    found: dict[str, str] = {}
    if mapping:
        for header, target in mapping.items():
            if header in headers and target in COLUMN_ALIASES:
                found[target] = header
    for header in headers:
        key = _key(header)
        for target, aliases in COLUMN_ALIASES.items():
            if target not in found and key in aliases:
                found[target] = header
    return found


@dataclass
class Normalised:
    """One chunk, ready for :func:`konvergensi_core.growth.zscores`."""

    sex: np.ndarray
    age: np.ndarray
    weight: np.ndarray
    lenhei: np.ndarray
    measure: np.ndarray
    oedema: np.ndarray
    age_unit: str
    problems: Counter = field(default_factory=Counter)


def _text(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.strip_chars()


def _blank(col: str) -> pl.Expr:
    return _text(col).is_null() | (_text(col) == "")


def _codes(col: str, codes: dict, dtype) -> pl.Expr:
    cleaned = _text(col).str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    return cleaned.replace_strict(codes, default=None, return_dtype=dtype)


def _number(col: str) -> pl.Expr:
    return _text(col).str.replace_all(",", ".").cast(pl.Float64, strict=False)


def _date(col: str) -> pl.Expr:
    text = _text(col).str.slice(0, 10)
    parsed = [text.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS]
    serial = _text(col).cast(pl.Float64, strict=False)
    excel = pl.when(serial.is_between(1, 80000)).then(
        pl.lit(np.datetime64("1899-12-30")).cast(pl.Date) + pl.duration(days=serial.floor().cast(pl.Int64))
    )
    return pl.coalesce(*parsed, excel)


def normalise(frame: pl.DataFrame, columns: dict[str, str], *, age_unit: str = "days") -> Normalised:
    """Parse one chunk; every unreadable value becomes missing and is counted under a reason."""
    n = frame.height
    used = list(dict.fromkeys(columns.values()))
    # Pass 1 parses each value and tests each cell for blank once; pass 2 derives the checks from
    # those columns (parsing inside every check instead made this 5× slower on a million rows).
    exprs: dict[str, pl.Expr] = {}
    for name, parse in (
        ("sex", lambda c: _codes(c, SEX_CODES, pl.Float64)),
        ("weight", _number),
        ("lenhei", _number),
        ("measure", lambda c: _codes(c, MEASURE_CODES, pl.Int8)),
        ("oedema", lambda c: _codes(c, OEDEMA_CODES, pl.Boolean)),
    ):
        if name in columns:
            exprs[name] = parse(columns[name])
    if "age" in columns:
        exprs["age"] = _number(columns["age"])
    elif "birth_date" in columns and "visit_date" in columns:
        exprs["birth"] = _date(columns["birth_date"])
        exprs["visit"] = _date(columns["visit_date"])
    first = frame.select(**exprs, **{f"__blank_{i}": _blank(c) for i, c in enumerate(used)})

    def blank(name: str) -> pl.Expr:
        return pl.col(f"__blank_{used.index(columns[name])}")

    values: dict[str, pl.Expr] = {
        k: pl.col(k) for k in ("sex", "weight", "lenhei", "measure", "oedema", "age") if k in exprs
    }
    checks: dict[str, pl.Expr] = {}
    if "sex" in columns:
        checks["jenis kelamin tidak dikenal"] = ~blank("sex") & pl.col("sex").is_null()
        checks["jenis kelamin kosong"] = blank("sex")
    for name, label in (("weight", "berat"), ("lenhei", "tinggi/panjang")):
        if name in columns:
            checks[f"{label} bukan angka"] = ~blank(name) & pl.col(name).is_null()
            checks[f"{label} kosong"] = blank(name)
    if "measure" in columns:
        checks["cara ukur tidak dikenal"] = ~blank("measure") & pl.col("measure").is_null()
    if "oedema" in columns:
        checks["edema tidak dikenal"] = ~blank("oedema") & pl.col("oedema").is_null()
    unit = age_unit
    if "age" in columns:
        checks["usia bukan angka"] = ~blank("age") & pl.col("age").is_null()
        checks["usia negatif"] = pl.col("age") < 0
    elif "birth" in exprs:
        days = (pl.col("visit") - pl.col("birth")).dt.total_days().cast(pl.Float64)
        values["age"] = pl.when(days >= 0).then(days)
        checks["tanggal lahir tidak valid"] = ~blank("birth_date") & pl.col("birth").is_null()
        checks["tanggal pengukuran tidak valid"] = ~blank("visit_date") & pl.col("visit").is_null()
        checks["tanggal lahir setelah tanggal ukur"] = days < 0
        unit = "days"
    # A row with nothing in any recognised column is an empty spreadsheet line, not a child.
    empty = pl.all_horizontal([pl.col(f"__blank_{i}") for i in range(len(used))]) if used else pl.lit(True)
    checks = {reason: check & ~empty for reason, check in checks.items()}
    checks["baris kosong"] = empty
    out = first.select(
        **values,
        **{f"__{i}": e.fill_null(False) for i, e in enumerate(checks.values())},
    )
    problems: Counter = Counter()
    for i, reason in enumerate(checks):
        count = int(out.get_column(f"__{i}").sum())
        if count:
            problems[reason] = count

    def column(name: str, dtype, fill) -> np.ndarray:
        if name not in out.columns:
            return np.full(n, fill, dtype=dtype)
        return out.get_column(name).fill_null(fill).to_numpy().astype(dtype, copy=False)

    return Normalised(
        sex=column("sex", float, np.nan),
        age=column("age", float, np.nan),
        weight=column("weight", float, np.nan),
        lenhei=column("lenhei", float, np.nan),
        measure=column("measure", np.int8, 0),
        oedema=column("oedema", bool, False),
        age_unit=unit,
        problems=problems,
    )


class UnreadableFile(ValueError):
    """The file cannot be opened as a table; the message is for the user."""


HEADER_SEARCH_ROWS = 15


def header_row(path: Path, recognised: Callable[[list[str]], int]) -> int:
    """How many rows stand above the header (0 = the header is the first row): exports often begin
    with a title, the district and the date. The header is the first of the first
    HEADER_SEARCH_ROWS rows in which ``recognised`` (the number of known column names in a row)
    finds the most, at least three; 0 when no row has three."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            with path.open("rb") as fh:
                lines = [fh.readline().removeprefix(b"\xef\xbb\xbf") for _ in range(HEADER_SEARCH_ROWS)]
            # Each line split by each usual separator: a title line has none, the header has many.
            rows = [
                max(
                    (
                        next(iter(pl.read_csv(line, has_header=False, separator=sep, infer_schema=False,
                                              truncate_ragged_lines=True).iter_rows()), ())
                        for sep in (",", ";", "\t")
                    ),
                    key=lambda cells: recognised([str(v) for v in cells if v is not None]),
                )
                if line.strip() else ()
                for line in lines
            ]  # fmt: skip
        elif suffix in (".xlsx", ".xlsm"):
            from itertools import islice

            from .xlsx import iter_sheet_rows

            # Our streaming reader gives the sheet's own row numbers (empty rows are skipped, not
            # renumbered), which is how the Excel reader counts the header row.
            with path.open("rb") as fh:
                numbered = list(islice(iter_sheet_rows(fh), HEADER_SEARCH_ROWS))
            rows = [()] * (numbered[-1][0] if numbered else 0)
            for number, cells in numbered:
                rows[number - 1] = cells
        else:
            return 0
    except Exception:  # an unreadable head: read_chunks will say why
        return 0
    scores = [recognised([str(v) for v in row if v is not None]) for row in rows]
    best = max(scores, default=0)
    return scores.index(best) if best >= 3 else 0


def read_chunks(path: Path, chunk_rows: int = CHUNK_ROWS, *, skip_rows: int = 0) -> Iterator[pl.DataFrame]:
    """The file as chunks of at most ``chunk_rows`` rows, every column as text (CSV) or as stored.

    CSV and Parquet stream with bounded memory (a 20-million-row CSV peaks where a 10-million-row
    one does: bench/README.md); XLSX is read whole (the format cannot be streamed
    and Excel holds at most 1,048,576 rows).
    """
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            yield from _csv_chunks(path, chunk_rows, _sniff_separator(path, skip_rows), skip_rows)
            return
        elif suffix == ".parquet":
            lf = pl.scan_parquet(path)
        elif suffix in (".xlsx", ".xlsm"):
            frame = pl.read_excel(
                path, engine="calamine", infer_schema_length=0, read_options={"header_row": skip_rows}
            )
            for start in range(0, max(frame.height, 1), chunk_rows):
                yield frame.slice(start, chunk_rows)
            return
        else:
            raise UnreadableFile(
                f"Jenis berkas {suffix or '(tanpa ekstensi)'} tidak didukung. Gunakan CSV, XLSX atau Parquet."
            )
        yield from lf.collect_batches(chunk_size=chunk_rows)
    except UnreadableFile:
        raise
    except FileNotFoundError as exc:
        raise UnreadableFile("Berkas tidak ditemukan; unggah lagi.") from exc
    except Exception as exc:  # any parser error of a damaged file: a sentence, never a class name
        raise UnreadableFile(unreadable_reason(exc, suffix)) from exc


def unreadable_reason(exc: BaseException, suffix: str) -> str:
    """A plain Indonesian sentence for a parser's error (Polars, fastexcel/calamine, ZIP, XML)."""
    text = str(exc).lower()
    if suffix in (".xlsx", ".xlsm"):
        if "formula" in text:
            return "Berkas berisi sel dengan rumus tanpa nilai tersimpan: buka dan simpan ulang di Excel."
        if "xml" in text:
            return "Isi lembar kerja rusak dan tidak dapat dibaca; buka berkas di Excel lalu simpan ulang sebagai .xlsx."
        return "Berkas Excel rusak atau tidak dapat dibaca; buka di Excel lalu simpan ulang sebagai .xlsx."
    if "utf" in text or "encoding" in text or "invalid" in text and "byte" in text:
        return 'Berkas CSV tidak memakai pengodean UTF-8; simpan ulang sebagai "CSV UTF-8".'
    return (
        "Berkas tidak dapat dibaca sebagai tabel CSV; pastikan baris pertama berisi judul kolom dan "
        'simpan ulang sebagai "CSV UTF-8".'
    )


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def to_utf8(path: Path) -> str | None:
    """Rewrite a CSV saved as UTF-16 (with its byte-order mark, as Excel's "Unicode text" does) or
    as Latin-1/Windows-1252 (Excel's plain "CSV" on Windows) as UTF-8, in place and streamed.
    Returns the encoding it was read as, or None when it already was UTF-8 (or ASCII)."""
    import codecs
    import os

    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(UTF16_BOMS):
        encoding = "utf-16"
    else:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return None
        except UnicodeDecodeError:
            encoding = "cp1252"
    tmp = path.with_name(path.name + ".utf8")
    try:
        with (
            path.open("r", encoding=encoding, errors="replace", newline="") as src,
            tmp.open("w", encoding="utf-8", newline="") as dst,
        ):
            for block in iter(lambda: src.read(1 << 20), ""):
                dst.write(block.removeprefix("\ufeff"))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return encoding


CSV_BLOCK_BYTES = 16 << 20


def _csv_chunks(path: Path, chunk_rows: int, separator: str, skip_rows: int = 0) -> Iterator[pl.DataFrame]:
    """A CSV in blocks of about CSV_BLOCK_BYTES cut on line ends outside quotes, each parsed whole.

    Polars' own batched scan keeps state that grows with the file (about 10 MB per million rows);
    cutting the bytes ourselves keeps the peak constant and parses as fast. A quoted field may hold
    a line break: a block ends only at a newline with an even number of quote characters before it.
    """
    with path.open("rb") as fh:
        for _ in range(skip_rows):  # title lines above the header
            fh.readline()
        header_line = fh.readline().removeprefix(b"\xef\xbb\xbf")
        if not header_line.endswith(b"\n"):
            header_line += b"\n"
        header = pl.read_csv(
            header_line, n_rows=0, separator=separator, infer_schema=False, truncate_ragged_lines=True
        ).columns
        rest = b""
        sent = False
        while True:
            block = fh.read(CSV_BLOCK_BYTES)
            buf = rest + block
            if block:
                cut = buf.rfind(b"\n")
                while cut >= 0 and buf.count(b'"', 0, cut) % 2:
                    cut = buf.rfind(b"\n", 0, cut)
                if cut < 0:  # one record longer than a block (or an open quote): read on
                    rest = buf
                    continue
                data, rest = buf[: cut + 1], buf[cut + 1 :]
            else:
                data, rest = buf, b""
            if data.strip():
                frame = pl.read_csv(
                    header_line + data,  # the header gives every block the file's columns
                    separator=separator,
                    infer_schema=False,
                    truncate_ragged_lines=True,
                )
                for start in range(0, frame.height, chunk_rows):
                    sent = True
                    yield frame.slice(start, chunk_rows)
            if not block:
                break
        if not sent:  # a file with a header and no rows: one empty chunk, so its columns are checked
            yield pl.DataFrame(schema=dict.fromkeys(header, pl.String))


def count_rows(path: Path) -> int | None:
    """Rows of a CSV or Parquet file without loading it (for the progress bar); None if unknown."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            lf = pl.scan_parquet(path)
        elif suffix in (".csv", ".txt"):
            lf = pl.scan_csv(
                path, infer_schema=False, separator=_sniff_separator(path), truncate_ragged_lines=True
            )
        else:
            return None
        return int(lf.select(pl.len()).collect().item())
    except Exception:  # an unreadable file is reported by read_chunks, with its message
        return None


def _sniff_separator(path: Path, skip_rows: int = 0) -> str:
    with path.open("rb") as fh:
        for _ in range(skip_rows):
            fh.readline()
        head = fh.readline().decode("utf-8", errors="replace")
    return max((",", ";", "\t"), key=head.count)
