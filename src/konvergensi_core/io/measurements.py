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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

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

SEX_CODES = {
    "1": 1,
    "l": 1,
    "m": 1,
    "lakilaki": 1,
    "laki": 1,
    "male": 1,
    "pria": 1,
    "2": 2,
    "p": 2,
    "f": 2,
    "perempuan": 2,
    "female": 2,
    "wanita": 2,
}
MEASURE_CODES = {
    "l": 1,
    "1": 1,
    "terlentang": 1,
    "telentang": 1,
    "lying": 1,
    "recumbent": 1,
    "pb": 1,
    "panjang": 1,
    "h": 2,
    "2": 2,
    "berdiri": 2,
    "standing": 2,
    "tb": 2,
    "tinggi": 2,
}
OEDEMA_CODES = {
    "y": True,
    "ya": True,
    "yes": True,
    "1": True,
    "true": True,
    "ada": True,
    "n": False,
    "tidak": False,
    "no": False,
    "0": False,
    "false": False,
    "t": False,
    "tidakada": False,
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
    exprs: dict[str, pl.Expr] = {}
    checks: dict[str, pl.Expr] = {}
    if "sex" in columns:
        c = columns["sex"]
        exprs["sex"] = _codes(c, SEX_CODES, pl.Float64)
        checks["jenis kelamin tidak dikenal"] = ~_blank(c) & exprs["sex"].is_null()
        checks["jenis kelamin kosong"] = _blank(c)
    for name, label in (("weight", "berat"), ("lenhei", "tinggi/panjang")):
        if name in columns:
            c = columns[name]
            exprs[name] = _number(c)
            checks[f"{label} bukan angka"] = ~_blank(c) & exprs[name].is_null()
            checks[f"{label} kosong"] = _blank(c)
    if "measure" in columns:
        c = columns["measure"]
        exprs["measure"] = _codes(c, MEASURE_CODES, pl.Int8)
        checks["cara ukur tidak dikenal"] = ~_blank(c) & exprs["measure"].is_null()
    if "oedema" in columns:
        c = columns["oedema"]
        exprs["oedema"] = _codes(c, OEDEMA_CODES, pl.Boolean)
        checks["edema tidak dikenal"] = ~_blank(c) & exprs["oedema"].is_null()
    unit = age_unit
    if "age" in columns:
        c = columns["age"]
        exprs["age"] = _number(c)
        checks["usia bukan angka"] = ~_blank(c) & exprs["age"].is_null()
        checks["usia negatif"] = exprs["age"] < 0
    elif "birth_date" in columns and "visit_date" in columns:
        b, v = columns["birth_date"], columns["visit_date"]
        birth, visit = _date(b), _date(v)
        days = (visit - birth).dt.total_days().cast(pl.Float64)
        exprs["age"] = pl.when(days >= 0).then(days)
        checks["tanggal lahir tidak valid"] = ~_blank(b) & birth.is_null()
        checks["tanggal pengukuran tidak valid"] = ~_blank(v) & visit.is_null()
        checks["tanggal lahir setelah tanggal ukur"] = days < 0
        unit = "days"
    # A row with nothing in any recognised column is an empty spreadsheet line, not a child.
    used = list(dict.fromkeys(columns.values()))
    empty = pl.all_horizontal([_blank(c) for c in used]) if used else pl.lit(True)
    checks = {reason: check & ~empty for reason, check in checks.items()}
    checks["baris kosong"] = empty
    out = frame.select(
        **exprs,
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


def read_chunks(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:
    """The file as chunks of at most ``chunk_rows`` rows, every column as text (CSV) or as stored.

    CSV and Parquet stream with bounded memory; XLSX is read whole (the format cannot be streamed
    and Excel holds at most 1,048,576 rows).
    """
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            separator = _sniff_separator(path)
            lf = pl.scan_csv(path, infer_schema=False, separator=separator, truncate_ragged_lines=True)
        elif suffix == ".parquet":
            lf = pl.scan_parquet(path)
        elif suffix in (".xlsx", ".xlsm"):
            frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
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
        raise UnreadableFile(f"Berkas tidak ditemukan: {path}") from exc
    except Exception as exc:  # any parser error of a damaged file
        raise UnreadableFile(
            f"Berkas {path.name} tidak dapat dibaca sebagai tabel ({exc.__class__.__name__})."
        ) from exc


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


def _sniff_separator(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.readline().decode("utf-8", errors="replace")
    return max((",", ";", "\t"), key=head.count)
