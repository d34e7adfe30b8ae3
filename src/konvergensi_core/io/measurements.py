"""THE reader of child-measurement files: e-PPGBM exports and any spreadsheet of child visits.

One place for what the web import (``open_export`` + :func:`konvergensi_core.eppgbm.parse_export`),
the CLI ``konvergensi zscore`` (:func:`konvergensi_core.growth.files.zscore_file`) and the library
(:func:`konvergensi_core.growth.zscores_frame`) need to read such a file:

* **the file**: CSV/TXT in UTF-8, UTF-16 (with its byte-order mark) or Latin-1/Windows-1252, XLSX,
  Parquet; title lines above the header are found (:func:`header_row`, which counts the columns a
  saved mapping names too); CSV streams in bounded blocks (:func:`read_chunks`); a file that cannot
  be read raises :class:`UnreadableFile` with one Indonesian sentence;
* **the headers**: one alias table (:data:`ALIASES`), compared as keys (lower case, accents and units
  in brackets dropped, ``tanggal``→``tgl`` …) then by similarity; a saved mapping
  ``{file header: field}`` (``None`` = ignore) wins (:func:`recognise_headers`);
* **the values**, as Polars expressions over whole columns (no per-row Python): one number parser
  (decimal comma, a unit, no NaN/infinity), one date parser (ISO, ``15/08/2025``, ``15-08-2025``,
  ``15.08.2025``, ``2025/08/15``, ``15 Agustus 2025``, Excel serials), one set of code words (sex,
  position, oedema), the age at visit **always in days** (:func:`read_values`): from the two dates
  when the birth date is known, otherwise the file's age (``2 Tahun - 3 Bulan - 5 Hari``, or a
  number in the unit its header names — ``Usia (hari)``, ``Umur (bulan)`` — or the caller's default).
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, NamedTuple

import numpy as np
import polars as pl

CHUNK_ROWS = 200_000
DAYS_PER_MONTH = 365.25 / 12  # 30.4375, as the WHO software (and growth.who2006) counts a month

# ---- the headers -------------------------------------------------------------------------------

# field -> aliases, written as people write them (their keys are computed by header_key). The
# engine's standard names (sex, age, birth_date, visit_date, weight, lenhei, measure, oedema) are
# fields too: they are what ``konvergensi zscore --map`` and ``zscores_frame(columns=…)`` name.
ALIASES: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "NIK Anak", "NIK Balita", "No NIK", "Nomor NIK", "Nomor Induk Kependudukan"),
    "nama": (
        "Nama",
        "Nama Anak",
        "Nama Balita",
        "Nama Lengkap",
        "Nama Bayi",
        "Nama Anak Balita",
        "Nama Lengkap Anak",
    ),
    "sex": ("JK", "Jenis Kelamin", "Kelamin", "L/P", "Sex", "Gender", "Jns Kelamin", "Jenis Kel"),
    "birth_date": (
        "Tgl Lahir",
        "Tanggal Lahir",
        "Tgl Lhr",
        "Tanggal Lhr",
        "Tglahir",
        "Birth Date",
        "Date of Birth",
        "DOB",
    ),
    "birth_weight": ("BB Lahir", "Berat Lahir", "Berat Badan Lahir", "BBL"),
    "birth_length": ("TB Lahir", "PB Lahir", "Panjang Lahir", "Panjang Badan Lahir", "Tinggi Lahir", "PBL"),
    "nama_ortu": (
        "Nama Ortu",
        "Nama Orang Tua",
        "Nama Orangtua",
        "Orang Tua",
        "Ortu",
        "Nama Ibu",
        "Nama Ibu/Ayah",
        "Nama Ayah/Ibu",
        "Nama Ibu Kandung",
    ),
    "provinsi": ("Prov", "Provinsi", "Propinsi", "Nama Provinsi"),
    "kabkota": ("Kab/Kota", "Kabupaten/Kota", "Kota/Kabupaten", "Kabupaten", "Kota", "Kab", "Nama Kabupaten"),
    "kecamatan": ("Kec", "Kecamatan", "Nama Kecamatan"),
    "puskesmas": ("Puskesmas", "Pukesmas", "PKM", "Nama Puskesmas"),
    "desa": (
        "Desa/Kel",
        "Desa/Kelurahan",
        "Kelurahan/Desa",
        "Kel/Desa",
        "Desa",
        "Kelurahan",
        "Nama Desa",
        "Nama Desa/Kelurahan",
    ),
    "desa_kode": ("Kode Desa", "Kode Desa/Kel", "Kode Desa/Kelurahan", "Kode Kelurahan", "Kode Wilayah"),
    "posyandu": ("Posyandu", "Nama Posyandu"),
    "rt": ("RT",),
    "rw": ("RW",),
    "alamat": ("Alamat", "Alamat Lengkap", "Alamat Domisili"),
    "age": (
        "Usia Saat Ukur",
        "Usia",
        "Umur",
        "Umur Saat Ukur",
        "Usia Ukur",
        "Usia Pengukuran",
        "Age",
        "Usia Bulan",
        "Usia Hari",
        "Umur Bulan",
        "Umur Hari",
    ),
    "visit_date": (
        "Tanggal Pengukuran",
        "Tgl Pengukuran",
        "Tgl Ukur",
        "Tanggal Ukur",
        "Tanggal Penimbangan",
        "Tgl Penimbangan",
        "Tgl Timbang",
        "Tanggal Kunjungan",
        "Tgl Kunjungan",
        "Tanggal Periksa",
        "Tgl Periksa",
        "Tanggal Pemeriksaan",
        "Visit Date",
        "Measurement Date",
    ),
    "weight": ("Berat", "BB", "Berat Badan", "Weight", "BB Ukur", "Berat Ukur"),
    "lenhei": (
        "Tinggi",
        "TB",
        "PB",
        "TB/PB",
        "PB/TB",
        "Tinggi Badan",
        "Panjang Badan",
        "Tinggi/Panjang",
        "Panjang/Tinggi",
        "Panjang",
        "Tinggi/Panjang Badan",
        "Panjang/Tinggi Badan",
        "Height",
        "Length",
        "Lenhei",
    ),
    "measure": (
        "Cara Ukur",
        "Posisi",
        "Posisi Ukur",
        "Cara Ukur Panjang/Tinggi",
        "Cara Pengukuran",
        "Measure",
    ),
    "oedema": ("Edema", "Oedema", "Edema Bilateral", "Oedema Bilateral"),
    "lila": ("LiLA", "Lingkar Lengan Atas", "Lingkar Lengan", "LLA"),
    "head_circumference": ("Lingkar Kepala", "LiKA", "LK"),
    "weight_gain": ("Naik Berat Badan", "Naik BB", "BB Naik", "N/T"),
    "zs_bbu": ("ZS BB/U", "Z-Score BB/U", "ZS BBU", "Z BB/U"),
    "zs_tbu": ("ZS TB/U", "ZS PB/U", "Z-Score TB/U", "ZS TBU", "ZS PB/TB/U", "Z TB/U"),
    "zs_bbtb": ("ZS BB/TB", "ZS BB/PB", "Z-Score BB/TB", "ZS BBTB", "Z BB/TB"),
    "status_bbu": ("BB/U", "Status BB/U"),
    "status_tbu": ("TB/U", "PB/U", "PB/TB/U", "Status TB/U"),
    "status_bbtb": ("BB/TB", "BB/PB", "Status BB/TB"),
    "ignore": ("No", "Nomor", "PMT Diterima", "Jml Vit A", "Vit A", "KPSP", "KIA", "Detail", "Aksi"),
}
FIELDS = tuple(f for f in ALIASES if f != "ignore")
# Recognised so that they are not reported as unknown, but not read: we compute our own.
NOT_READ = ("zs_bbu", "zs_tbu", "zs_bbtb", "status_bbu", "status_tbu", "status_bbtb")
READ_FIELDS = tuple(f for f in FIELDS if f not in NOT_READ)

_SYNONYMS = {
    "tanggal": "tgl",
    "tangal": "tgl",
    "tgl": "tgl",
    "kelurahan": "kel",
    "kecamatan": "kec",
    "kabupaten": "kab",
    "provinsi": "prov",
    "propinsi": "prov",
    "umur": "usia",
    "orangtua": "ortu",
}
_UNIT_TOKENS = {"kg", "cm", "gr", "gram", "mm"}


def header_key(header: object) -> str:
    """A header reduced for comparison: ``Tgl. Lahir``, ``TANGGAL LAHIR`` and ``Tgl_Lahir`` → ``tgllahir``."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\([^)]*\)", " ", text)  # "Berat (kg)", "Usia (bulan)"
    text = text.replace("orang tua", "orangtua")
    tokens = [_SYNONYMS.get(t, t) for t in re.findall(r"[a-z0-9]+", text) if t not in _UNIT_TOKENS]
    return "".join(tokens)


_ALIAS_KEYS: dict[str, str] = {}
for _field, _aliases in ALIASES.items():
    for _alias in _aliases:
        _ALIAS_KEYS.setdefault(header_key(_alias), _field)
for _field in FIELDS:  # the field's own name ("birth_date", "lenhei") is always understood
    _ALIAS_KEYS.setdefault(header_key(_field), _field)


@dataclass(frozen=True)
class Columns:
    """Which file header holds which field."""

    fields: dict[str, str]  # field -> header
    unknown: tuple[str, ...]  # headers not recognised (nor ignored)
    age_unit: str | None  # "months" or "days" when the age column's header says so, else None


def age_unit_of(header: str) -> str | None:
    """The unit an age header names: ``Usia (hari)`` → days, ``Umur (bulan)`` → months, else None."""
    low = header.lower()
    if re.search(r"\bhari\b|\bdays?\b", low) or re.search(r"(usia|umur)hari", low):
        return "days"
    if re.search(r"\bbulan\b|\bbln\b|\bmonths?\b", low) or re.search(r"(usia|umur)(bulan|bln)", low):
        return "months"
    return None


def recognise_headers(headers: list[str], mapping: Mapping[str, str | None] | None = None) -> Columns:
    """Field → header for a file's headers, in any order; ``mapping`` {header: field|None} wins."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for header, target in (mapping or {}).items():
        if header not in headers:
            continue
        taken.add(header)
        if target is None or target == "ignore":
            continue
        if target not in FIELDS:
            raise ValueError(f"unknown field {target!r} in the saved mapping")
        found.setdefault(target, header)
    left: list[str] = []
    for header in headers:
        if header in taken:
            continue
        target = _ALIAS_KEYS.get(header_key(header))
        if target == "ignore":
            continue
        if target is not None and target not in found:
            found[target] = header
        elif target is None:
            left.append(header)
    unknown: list[str] = []
    for header in left:
        key = header_key(header)
        choice = None
        if len(key) >= 6:
            close = difflib.get_close_matches(key, list(_ALIAS_KEYS), n=5, cutoff=0.88)
            targets = {_ALIAS_KEYS[c] for c in close}
            if len(targets) == 1:
                choice = targets.pop()
        if choice is None or choice == "ignore" or choice in found:
            if choice is None:
                unknown.append(header)
            continue
        found[choice] = header
    return Columns(found, tuple(unknown), age_unit_of(found["age"]) if "age" in found else None)


def recognised_count(mapping: Mapping[str, str | None] | None = None) -> Callable[[list[str]], int]:
    """For :func:`header_row`: how many fields a row of cells names, the saved mapping included."""

    def count(names: list[str]) -> int:
        try:
            return len(recognise_headers(names, mapping).fields)
        except ValueError:  # a mapping naming an unknown field: counted without it
            return len(recognise_headers(names).fields)

    return count


# ---- the code words ----------------------------------------------------------------------------

SEX_CODES = {
    "1": 1,
    "l": 1,
    "lk": 1,
    "m": 1,
    "lakilaki": 1,
    "laki": 1,
    "male": 1,
    "pria": 1,
    "boy": 1,
    "2": 2,
    "p": 2,
    "pr": 2,
    "f": 2,
    "perempuan": 2,
    "female": 2,
    "wanita": 2,
    "girl": 2,
}
MEASURE_CODES = {
    "l": 1,
    "1": 1,
    "terlentang": 1,
    "telentang": 1,
    "berbaring": 1,
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
    "tdk": False,
    "": False,
}
MONTHS = {
    "januari": 1,
    "january": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "february": 2,
    "feb": 2,
    "peb": 2,
    "maret": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "agustus": 8,
    "august": 8,
    "agu": 8,
    "agt": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "december": 12,
    "des": 12,
    "dec": 12,
}
_MONTH_WORDS = sorted(MONTHS, key=len, reverse=True)  # longest first: "juni" before "jun"
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


# ---- the values (Polars expressions over text) -------------------------------------------------


def parse_number(text: pl.Expr) -> pl.Expr:
    """Decimal comma or point, an optional unit; NaN and infinity are not numbers."""
    cleaned = (
        text.str.strip_chars()
        .str.replace(r"(?i)\s*(kg|cm|gr|g|bln|bulan)\.?$", "")
        .str.replace(",", ".", literal=True)
    )
    value = cleaned.str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)


def parse_codes(text: pl.Expr, codes: Mapping, dtype) -> pl.Expr:
    """A code word (``L``, ``laki-laki``, ``Berdiri``, ``Ya`` …) → its value; unknown → null.
    A number written as ``1.0`` (a spreadsheet's float) is the code ``1``."""
    cleaned = (
        text.str.strip_chars().str.to_lowercase().str.replace(r"\.0+$", "").str.replace_all(r"[^a-z0-9]", "")
    )
    return cleaned.replace_strict(dict(codes), default=None, return_dtype=dtype)


def parse_date(text: pl.Expr) -> pl.Expr:
    """A date as written: ISO, day-month-year with ``/ - .``, month words, or an Excel serial."""
    text = text.str.strip_chars()
    head = text.str.slice(0, 10)
    parsed = [head.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS]
    # "15 Agustus 2025", "15-Agu-2025": month words to numbers, then day-month-year.
    worded = (
        text.str.to_lowercase()
        .str.replace_many(_MONTH_WORDS, [f"-{MONTHS[w]:02d}-" for w in _MONTH_WORDS], leftmost=True)
        .str.replace_all(r"[\s./-]+", "-")
        .str.strip_chars("-")
        .str.to_date("%d-%m-%Y", strict=False)
    )
    serial = text.cast(pl.Float64, strict=False)
    excel = pl.when(serial.is_between(1, 80000)).then(
        pl.lit(date(1899, 12, 30)) + pl.duration(days=serial.floor().cast(pl.Int64))
    )
    return pl.coalesce(*parsed, worded, excel)


def parse_age_days(text: pl.Expr, unit: str) -> pl.Expr:
    """Age at visit in days: ``2 Tahun - 3 Bulan - 5 Hari`` (y·365.25 + m·30.4375 + d), or a number
    in ``unit`` ("days" or "months"), rounded half up to whole days as the WHO software does."""
    text = text.str.strip_chars()
    low = text.str.to_lowercase()

    def part(pattern: str) -> pl.Expr:
        return low.str.extract(rf"(\d+)\s*(?:{pattern})", 1).cast(pl.Float64, strict=False)

    years, months, days = part("tahun|thn|th|y"), part("bulan|bln|bl|m"), part("hari|hr|d")
    worded = pl.when(years.is_not_null() | months.is_not_null() | days.is_not_null()).then(
        years.fill_null(0) * 365.25 + months.fill_null(0) * DAYS_PER_MONTH + days.fill_null(0)
    )
    number = parse_number(text)
    plain = number * DAYS_PER_MONTH if unit == "months" else number
    value = pl.coalesce(worded, plain)
    # beyond a century it is not an age
    return pl.when(value.is_between(0, 36525)).then((value + 0.5).floor())


def as_text(frame: pl.DataFrame, header: str) -> pl.Expr:
    """A column as text; whole floats lose their ``.0`` (a NIK or a code stored as a number)."""
    col = pl.col(header)
    dtype = frame.schema[header]
    if dtype.is_float():
        as_int = col.cast(pl.Int64, strict=False)
        return (
            pl.when(col == as_int.cast(pl.Float64))
            .then(as_int.cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return col.dt.date().cast(pl.String)
    return col.cast(pl.String)


def texts(frame: pl.DataFrame, columns: Mapping[str, str]) -> pl.DataFrame:
    """``{name: header}`` as text columns, empty → null.

    Stripping every cell costs more than all the rest of the parsing, so a column is stripped only
    when some cell starts or ends with a space; the parsers strip each distinct value themselves.
    """
    out = frame.select(**{name: as_text(frame, header) for name, header in columns.items()})
    if not columns:
        return out
    edged = out.select((pl.col(n).str.starts_with(" ") | pl.col(n).str.ends_with(" ")).any() for n in columns)
    strip = [n for n, e in zip(columns, edged.row(0), strict=True) if e]
    if strip:
        out = out.with_columns(pl.col(n).str.strip_chars() for n in strip)
    return out.with_columns(pl.when(pl.col(n) != "").then(pl.col(n)).alias(n) for n in columns)


def _parsed(
    data: pl.DataFrame, parsers: Mapping[str, tuple[str, Callable[[pl.Expr], pl.Expr]]]
) -> list[pl.Series]:
    """Each parser applied to the distinct values of its source column once, then mapped back
    (dates, weights and codes repeat: a million rows hold a few thousand distinct values)."""
    sources = list(dict.fromkeys(source for source, _ in parsers.values()))
    uniques = data.select(pl.col(s).drop_nulls().unique().implode() for s in sources).row(0, named=True)
    out = []
    for name, (source, parse) in parsers.items():
        keys = pl.Series("k", uniques[source], dtype=pl.String)
        column = data.get_column(source)
        if keys.len() > column.len() // 2:  # mostly distinct: mapping would cost more than it saves
            out.append(data.select(parse(pl.col(source)).alias(name)).to_series())
            continue
        table = pl.DataFrame({"k": keys}).select(pl.col("k"), v=parse(pl.col("k")))
        mapped = column.replace_strict(
            table.get_column("k"), table.get_column("v"), default=None, return_dtype=table.schema["v"]
        )
        out.append(mapped.alias(name))
    return out


def raw(name: str) -> pl.Expr:
    """The text a row holds for ``name`` in :func:`read_values`' frame (null when empty or absent)."""
    return pl.col(f"__raw_{name}")


def read_values(
    frame: pl.DataFrame, columns: Columns, *, first_row: int = 2, age_unit: str = "months"
) -> pl.DataFrame:
    """One chunk's values, typed: the one parsing of a child-measurement file.

    Returns one row per row of ``frame`` (empty spreadsheet lines included, marked ``__empty``)
    with ``__row`` (the file's row number, ``first_row`` for the first), ``__raw_<field>`` (the
    text as written, null when empty, for every field in :data:`READ_FIELDS`) and the typed
    ``sex`` (Int8 1/2), ``birth_date`` ``visit_date`` (Date), ``age_file`` (the file's age, days),
    ``__days_between`` (visit − birth), ``age_days`` (Int64: from the dates when the birth date is
    known — null if born after the visit — else the file's age), ``weight`` ``lenhei`` ``lila``
    ``head_circumference`` ``birth_weight`` ``birth_length`` (Float64), ``measure`` (Int8 1 lying,
    2 standing, null unknown), ``oedema`` (Boolean). A value that cannot be read is null, its text
    kept in ``__raw_<field>``. ``age_unit`` is the unit of a plain number in the age column when
    its header does not name one.
    """
    cols = columns.fields
    unit = columns.age_unit or age_unit
    used = [f for f in READ_FIELDS if f in cols]
    data = texts(frame, {f"__raw_{f}": cols[f] for f in used}).with_columns(
        __row=pl.int_range(pl.len(), dtype=pl.Int64) + first_row,
        **{f"__raw_{f}": pl.lit(None, pl.String) for f in READ_FIELDS if f not in cols},
    )
    # Typed values, each distinct raw value parsed once.
    parsers: dict[str, tuple[str, Callable[[pl.Expr], pl.Expr]]] = {
        "sex": ("sex", lambda e: parse_codes(e, SEX_CODES, pl.Int8)),
        "birth_date": ("birth_date", parse_date),
        "visit_date": ("visit_date", parse_date),
        "age_file": ("age", lambda e: parse_age_days(e, unit)),
        "weight": ("weight", parse_number),
        "lenhei": ("lenhei", parse_number),
        "measure": ("measure", lambda e: parse_codes(e, MEASURE_CODES, pl.Int8)),
        "oedema": ("oedema", lambda e: parse_codes(e, OEDEMA_CODES, pl.Boolean)),
        "lila": ("lila", parse_number),
        "head_circumference": ("head_circumference", parse_number),
        "birth_weight": ("birth_weight", parse_number),
        "birth_length": ("birth_length", parse_number),
    }
    data = data.with_columns(
        _parsed(data, {name: (f"__raw_{source}", parse) for name, (source, parse) in parsers.items()}),
        __empty=pl.all_horizontal([raw(f).is_null() for f in used]) if used else pl.lit(True),
    )
    days_between = (pl.col("visit_date") - pl.col("birth_date")).dt.total_days()
    return data.with_columns(
        __days_between=days_between,
        age_days=pl.when(pl.col("birth_date").is_not_null())
        .then(pl.when(days_between >= 0).then(days_between))
        .otherwise(pl.col("age_file").cast(pl.Int64)),
    )


# ---- one chunk for the z-score engine (konvergensi zscore) --------------------------------------

ENGINE_COLUMNS = ("sex", "birth_date", "visit_date", "age", "weight", "lenhei", "measure", "oedema")


def recognise_columns(headers: list[str], mapping: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Engine column → file header (the z-score engine's columns of :func:`recognise_headers`)."""
    found = recognise_headers(list(headers), mapping).fields
    return {name: header for name, header in found.items() if name in ENGINE_COLUMNS}


@dataclass
class Normalised:
    """One chunk, ready for :func:`konvergensi_core.growth.zscores` (age in days)."""

    sex: np.ndarray
    age: np.ndarray
    weight: np.ndarray
    lenhei: np.ndarray
    measure: np.ndarray
    oedema: np.ndarray
    age_unit: str = "days"
    problems: Counter = field(default_factory=Counter)


def normalise(
    frame: pl.DataFrame, columns: Mapping[str, str] | Columns, *, age_unit: str | None = None
) -> Normalised:
    """Parse one chunk with :func:`read_values`; every unreadable value becomes missing and is
    counted under a reason in Indonesian. ``columns`` is engine column → header (or a
    :class:`Columns`); ``age_unit`` (days or months) is the unit of a plain number in the age
    column: given, it wins over the header's; else the header's, else days."""
    if not isinstance(columns, Columns):
        fields = dict(columns)
        columns = Columns(fields, (), age_unit_of(fields["age"]) if "age" in fields else None)
    if age_unit is not None:
        columns = Columns(columns.fields, columns.unknown, age_unit)
    data = read_values(frame, columns, age_unit="days")
    cols = columns.fields

    def bad(name: str) -> pl.Expr:  # written but unreadable
        return raw(name).is_not_null() & pl.col(name).is_null()

    checks: dict[str, pl.Expr] = {}
    if "sex" in cols:
        checks["jenis kelamin tidak dikenal"] = bad("sex")
        checks["jenis kelamin kosong"] = raw("sex").is_null()
    for name, label in (("weight", "berat"), ("lenhei", "tinggi/panjang")):
        if name in cols:
            checks[f"{label} bukan angka"] = bad(name)
            checks[f"{label} kosong"] = raw(name).is_null()
    if "measure" in cols:
        checks["cara ukur tidak dikenal"] = bad("measure")
    if "oedema" in cols:
        checks["edema tidak dikenal"] = bad("oedema")
    birth = pl.col("birth_date").is_not_null()
    if "birth_date" in cols:
        checks["tanggal lahir tidak valid"] = bad("birth_date")
    if "visit_date" in cols:
        checks["tanggal pengukuran tidak valid"] = bad("visit_date")
    if "visit_date" in cols and "birth_date" in cols:
        checks["tanggal lahir setelah tanggal ukur"] = pl.col("__days_between") < 0
    if "age" in cols:
        negative = parse_number(raw("age")) < 0
        checks["usia bukan angka"] = (
            ~birth & raw("age").is_not_null() & pl.col("age_file").is_null() & ~negative
        )
        checks["usia negatif"] = ~birth & negative
    # A row with nothing in any recognised column is an empty spreadsheet line, not a child.
    checks = {reason: check & ~pl.col("__empty") for reason, check in checks.items()}
    checks["baris kosong"] = pl.col("__empty")
    counts = data.select(**{f"__{i}": e.fill_null(False).sum() for i, e in enumerate(checks.values())}).row(0)
    problems = Counter({reason: int(c) for reason, c in zip(checks, counts, strict=True) if c})

    def column(name: str, dtype, fill) -> np.ndarray:
        return data.get_column(name).cast(pl.Float64).fill_null(fill).to_numpy().astype(dtype)

    return Normalised(
        sex=column("sex", float, np.nan),
        age=column("age_days", float, np.nan),
        weight=column("weight", float, np.nan),
        lenhei=column("lenhei", float, np.nan),
        measure=column("measure", np.int8, 0),
        oedema=data.get_column("oedema").fill_null(False).to_numpy().astype(bool),
        age_unit="days",
        problems=problems,
    )


# ---- the file ----------------------------------------------------------------------------------


class UnreadableFile(ValueError):
    """The file cannot be opened as a table; the message is for the user.

    ``template`` and ``params`` (when given) are the Indonesian message before its values were put
    in, for an app that translates it: ``gettext(exc.template) % exc.params``."""

    def __init__(self, message: str, *, template: str | None = None, params: Mapping | None = None) -> None:
        super().__init__(message)
        self.template = template or message
        self.params = dict(params or {})


def _refuse(template: str, **params) -> UnreadableFile:
    return UnreadableFile(template % params if params else template, template=template, params=params)


HEADER_SEARCH_ROWS = 15
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
TEXT_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def detect_encoding(path: Path) -> str:
    """``utf-8`` (or ASCII), ``utf-16`` (with its byte-order mark, as Excel's "Unicode text"
    writes it) or ``cp1252`` (Latin-1/Windows-1252: Excel's plain "CSV" on Windows)."""
    with path.open("rb") as fh:
        if fh.read(4).startswith(UTF16_BOMS):
            return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


BINARY_TEXT = "Berkas ini bukan teks CSV (berisi data biner)."


def refuse_binary(fh: IO[bytes]) -> None:
    """Refuse (:class:`UnreadableFile`) a CSV/TXT whose first 4 KiB hold a NUL byte once decoded: a
    binary file, not text. UTF-16 (with its byte-order mark) has NULs of its own and is decoded first.
    ``fh`` is read from its start and left at its start (an upload is checked before it is kept)."""
    fh.seek(0)
    head = fh.read(4096)
    fh.seek(0)
    if head.startswith(UTF16_BOMS):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    if b"\x00" in head:
        raise _refuse(BINARY_TEXT)


@contextlib.contextmanager
def open_utf8(path: Path, encoding: str = "utf-8") -> Iterator[IO[bytes]]:
    """The file's bytes as UTF-8, whatever ``encoding`` it is stored in, decoded as it is read
    (the file itself is left as it is)."""
    with path.open("rb") as fh:
        if encoding == "utf-8":
            yield fh
        else:
            yield codecs.EncodedFile(fh, "utf-8", encoding, errors="replace")


def to_utf8(path: Path) -> str | None:
    """Rewrite a CSV saved as UTF-16 or Latin-1/Windows-1252 as UTF-8, in place and streamed.
    Returns the encoding it was read as, or None when it already was UTF-8 (or ASCII).
    (The readers here do not need it: they decode as they read.)"""
    import os

    encoding = detect_encoding(path)
    if encoding == "utf-8":
        return None
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


def _head_rows(path: Path, encoding: str | None) -> list[list[tuple]]:
    """The first HEADER_SEARCH_ROWS rows of a CSV or XLSX, each as its candidate splits into cells
    (a CSV line split by each usual separator: a title line has none, the header has many)."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        with open_utf8(path, encoding or detect_encoding(path)) as fh:
            lines = [fh.readline().removeprefix(b"\xef\xbb\xbf") for _ in range(HEADER_SEARCH_ROWS)]
        return [
            [
                next(iter(pl.read_csv(line, has_header=False, separator=sep, infer_schema=False,
                                      truncate_ragged_lines=True).iter_rows()), ())
                for sep in (",", ";", "\t")
            ]
            if line.strip() else []
            for line in lines
        ]  # fmt: skip
    if suffix in EXCEL_SUFFIXES:
        from itertools import islice

        from .xlsx import iter_sheet_rows

        # Our streaming reader gives the sheet's own row numbers (empty rows are skipped, not
        # renumbered), which is how the Excel reader counts the header row.
        with path.open("rb") as fh:
            numbered = list(islice(iter_sheet_rows(fh), HEADER_SEARCH_ROWS))
        rows: list[list[tuple]] = [[] for _ in range(numbered[-1][0] if numbered else 0)]
        for number, cells in numbered:
            rows[number - 1] = [tuple(cells)]
        return rows
    return []


def header_row(path: Path, recognised: Callable[[list[str]], int], *, encoding: str | None = None) -> int:
    """How many rows stand above the header (0 = the header is the first row): exports often begin
    with a title, the district and the date. The header is the first of the first
    HEADER_SEARCH_ROWS rows in which ``recognised`` (the number of known column names in a row:
    :func:`recognised_count`, which counts the saved mapping's columns too) finds the most, at
    least three; 0 when no row has three. The same search for every kind of file and every caller."""
    try:
        rows = _head_rows(path, encoding)
    except Exception:  # an unreadable head: read_chunks will say why
        return 0
    scores = [
        max((recognised([str(v) for v in cells if v is not None]) for cells in splits), default=0)
        for splits in rows
    ]
    best = max(scores, default=0)
    return scores.index(best) if best >= 3 else 0


def read_chunks(
    path: Path, chunk_rows: int = CHUNK_ROWS, *, skip_rows: int = 0, encoding: str | None = None
) -> Iterator[pl.DataFrame]:
    """The file as chunks of at most ``chunk_rows`` rows, every column as text (CSV) or as stored.

    CSV and Parquet stream with bounded memory (a 20-million-row CSV peaks where a 10-million-row
    one does: bench/README.md); XLSX is read whole (the format cannot be streamed
    and Excel holds at most 1,048,576 rows). A CSV in UTF-16 or Latin-1 is decoded as it is read.
    """
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            encoding = encoding or detect_encoding(path)
            separator = _sniff_separator(path, skip_rows, encoding)
            yield from _csv_chunks(path, chunk_rows, separator, skip_rows, encoding)
            return
        elif suffix == ".parquet":
            lf = pl.scan_parquet(path)
        elif suffix in EXCEL_SUFFIXES:
            # Empty lines inside the data are kept (as for a CSV): the rows after them keep the
            # sheet's own row numbers, and the parsers count them as empty; empty tail rows (a
            # formatted but unused range) are not data.
            frame = pl.read_excel(
                path,
                engine="calamine",
                infer_schema_length=0,
                drop_empty_rows=False,
                read_options={"header_row": skip_rows, "skip_whitespace_tail_rows": True},
            )
            for start in range(0, max(frame.height, 1), chunk_rows):
                yield frame.slice(start, chunk_rows)
            return
        else:
            raise _refuse(
                "Jenis berkas %(suffix)s tidak didukung. Gunakan CSV, XLSX atau Parquet.",
                suffix=suffix or "(tanpa ekstensi)",
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
    if suffix in EXCEL_SUFFIXES:
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


CSV_BLOCK_BYTES = 16 << 20


def _csv_chunks(
    path: Path, chunk_rows: int, separator: str, skip_rows: int = 0, encoding: str = "utf-8"
) -> Iterator[pl.DataFrame]:
    """A CSV in blocks of about CSV_BLOCK_BYTES cut on line ends outside quotes, each parsed whole.

    Polars' own batched scan keeps state that grows with the file (about 10 MB per million rows);
    cutting the bytes ourselves keeps the peak constant and parses as fast. A quoted field may hold
    a line break: a block ends only at a newline with an even number of quote characters before it.
    """
    with open_utf8(path, encoding) as fh:
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


def count_rows(path: Path, *, skip_rows: int = 0, encoding: str | None = None) -> int | None:
    """Rows of a CSV or Parquet file without loading it (for the progress bar); None if unknown."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            lf = pl.scan_parquet(path)
        elif suffix in TEXT_SUFFIXES:
            encoding = encoding or detect_encoding(path)
            lf = pl.scan_csv(
                path,
                infer_schema=False,
                separator=_sniff_separator(path, skip_rows, encoding),
                truncate_ragged_lines=True,
                skip_rows=skip_rows,
                encoding="utf8" if encoding == "utf-8" else "utf8-lossy",
            )
            if encoding == "utf-16":  # two bytes a character: Polars cannot count these lines
                return None
        else:
            return None
        return int(lf.select(pl.len()).collect().item())
    except Exception:  # an unreadable file is reported by read_chunks, with its message
        return None


def _sniff_separator(path: Path, skip_rows: int = 0, encoding: str = "utf-8") -> str:
    with open_utf8(path, encoding) as fh:
        for _ in range(skip_rows):
            fh.readline()
        head = fh.readline().decode("utf-8", errors="replace")
    return max((",", ";", "\t"), key=head.count)


XLSX_UNLIMITED_BYTES = 1 << 30  # without ``max_bytes``: a workbook Excel can hold stays far below


class OpenedExport(NamedTuple):
    """What :func:`open_export` gives: the file (renamed to its real extension), the number of
    title lines above the header, and the chunks."""

    path: Path
    skip: int
    chunks: Iterator[pl.DataFrame]


def open_export(
    path: Path,
    name: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    *,
    max_bytes: int | None = None,
    suffixes: tuple[str, ...] = (".csv", ".txt", ".xlsx"),
) -> OpenedExport:
    """Open a child-measurement file for reading, refusing with an Indonesian sentence what cannot
    be read (:class:`UnreadableFile`; a hostile or damaged workbook: ``XlsxRejected``).

    ``name`` is the name the user gave the file (its extension decides the kind; default
    ``path.name``): a stored upload without that extension is renamed to have it. ``mapping``
    {file header: field|None} is the saved column mapping: the header search counts its columns.
    ``suffixes`` are the kinds accepted (the web import: CSV/TXT and XLSX; the CLI adds Parquet).
    A CSV in UTF-16 or Latin-1 is decoded as it is read; the file is not rewritten.

    The chunks' first data row is file row ``skip + 2`` (1-based, after the header).
    """
    from .xlsx import check_xlsx, formula_without_value, sheet_names

    name = name or path.name
    suffix = Path(name).suffix.lower()
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise UnreadableFile("Berkas tidak ditemukan; unggah lagi.") from exc
    if size == 0:
        raise _refuse("Berkas kosong.")
    if max_bytes is not None and size > max_bytes:
        raise _refuse(
            "Berkas terlalu besar (%(mb)s MB); batasnya %(max)s MB.",
            mb=f"{size / 1_048_576:.0f}",
            max=max_bytes // 1_048_576,
        )
    encoding = None
    if suffix not in suffixes:
        if set(suffixes) <= {".csv", ".txt", ".xlsx"}:
            raise _refuse(
                "Berkas %(name)s bukan CSV atau Excel .xlsx. Ekspor data dari e-PPGBM sebagai Excel atau CSV.",
                name=name,
            )
        raise _refuse(
            "Jenis berkas %(suffix)s tidak didukung. Gunakan CSV, XLSX atau Parquet.",
            suffix=suffix or "(tanpa ekstensi)",
        )
    if suffix in EXCEL_SUFFIXES:
        limit = {"max_bytes": max_bytes if max_bytes is not None else XLSX_UNLIMITED_BYTES}
        with path.open("rb") as fh:
            check_xlsx(fh, name=name, **limit)
            # The workbook's XML through defusedxml (an entity attack is refused here), and no
            # formula without its stored value (calamine would read it as an empty cell).
            sheet_names(fh, **limit)
            formula_without_value(fh, **limit)
    elif suffix in TEXT_SUFFIXES:
        with path.open("rb") as fh:
            refuse_binary(fh)
        encoding = detect_encoding(path)  # UTF-16 ("Unicode text") and Latin-1 CSVs are read as what they are
    real = path
    if path.suffix.lower() != suffix:
        real = path.rename(path.with_suffix(suffix))
    skip = header_row(real, recognised_count(mapping), encoding=encoding)
    return OpenedExport(real, skip, read_chunks(real, chunk_rows, skip_rows=skip, encoding=encoding))
