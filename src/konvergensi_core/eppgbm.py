"""e-PPGBM child-measurement exports: the columns, the checks of every row, z-scores.

An e-PPGBM "data pengukuran" export has one row per child visit with the columns

    No | NIK | Nama | JK | Tgl Lahir | BB Lahir | TB Lahir | Nama Ortu | Prov | Kab/Kota | Kec |
    Pukesmas | Desa/Kel | Posyandu | RT | RW | Alamat | Usia Saat Ukur | Tanggal Pengukuran |
    Berat | Tinggi | Cara Ukur | LiLA | Lingkar Kepala | BB/U | ZS BB/U | TB/U | ZS TB/U |
    BB/TB | ZS BB/TB | Naik Berat Badan | PMT Diterima (kg) | Jml Vit A | KPSP | KIA

Headers are recognised in any order and with the variants people type (``Tgl. Lahir``, ``TANGGAL
LAHIR``, ``Tgl_Lahir``, ``Desa/Kelurahan``, ``Kelurahan/Desa``, ``Nama Anak`` …): a header is
reduced to a key (lower case, accents and units in brackets dropped, ``tanggal``→``tgl``,
``kelurahan``→``kel`` …, then only letters and digits) and compared with the keys of the aliases;
a header left over is compared by similarity (difflib ratio ≥ 0.88, keys of 6 letters or more,
one field only). A saved mapping ``{file header: field}`` (``None`` = ignore the column) wins.

:func:`parse_export` reads one chunk with Polars expressions over whole columns (no per-row Python)
and returns clean typed columns, the WHO 2006 z-scores and Permenkes 2/2020 indicators of the
accepted rows, and one problem per finding (row, column header as in the file, value, message in
Indonesian, severity). The rule: **a row is rejected when it has a problem with ``reject``** — every
``error`` except those on the NIK (the NIK is discarded, the child kept: see
:mod:`konvergensi_core.nik`); warnings never reject. The checks:

| code | severity | rule |
|---|---|---|
| ``sex_missing`` / ``sex_unknown`` | error | JK empty / not L, P, 1, 2, laki-laki, perempuan … |
| ``birth_missing`` | error | no birth date and no age at visit |
| ``birth_unreadable`` / ``age_unreadable`` | error | the date / the age cannot be read |
| ``visit_missing`` / ``visit_unreadable`` | error | no or unreadable measurement date |
| ``birth_after_visit`` | error | birth date after the measurement date |
| ``visit_future`` | error | measurement date after ``today`` |
| ``age_out_of_scope`` | error | 60 months or more at the visit (not a balita: outside the WHO 2006 standard) |
| ``measurement_missing`` | error | neither weight nor length/height |
| ``weight_unreadable`` / ``weight_range`` | error | not a number / outside 0.5–60 kg |
| ``lenhei_unreadable`` / ``lenhei_range`` | error | not a number / outside 30–150 cm |
| ``desa_missing`` | error | no desa/kelurahan (name or code) |
| ``weight_missing`` / ``lenhei_missing`` | warning | one of the two measurements missing: the other indices are computed |
| ``measure_unknown`` / ``oedema_unknown`` | warning | unreadable: position unknown / no oedema |
| ``lila_range`` / ``head_range`` / ``birth_weight_range`` / ``birth_length_range`` | warning | unreadable or implausible: the value is dropped |
| ``name_missing`` | warning | no name (a child without NIK cannot be recognised on re-import) |
| ``nik_*`` | see :mod:`~konvergensi_core.nik` | NIK missing, invalid (error, row kept) or inconsistent (warning) |
| ``standing_under_9mo`` | warning | measured standing before 9 months (the WHO engine treats the position as unknown) |
| ``flag_len`` ``flag_wei`` ``flag_wfl`` ``flag_bmi`` | warning | WHO flag (implausible z): kept, excluded from that indicator |

Dates: ISO ``2025-08-15``, ``15/08/2025``, ``15-08-2025``, ``15.08.2025``, ``2025/08/15``, ``15 Agustus
2025`` (Indonesian and English month names, abbreviated or not) or Excel serial numbers. The age at
visit comes from the two dates; only without a birth date is the file's "Usia Saat Ukur" used
(``2 Tahun - 3 Bulan - 5 Hari``, or a number of months — days when the header says "hari").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from . import nik as nik_rules
from .growth import categories as cat
from .growth import zscores
from .growth.who2006 import DAYS_PER_MONTH

Severity = nik_rules.Severity

# field -> aliases, written as people write them (their keys are computed by header_key).
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
    "age": ("Usia Saat Ukur", "Usia", "Umur", "Umur Saat Ukur", "Usia Ukur", "Usia Pengukuran"),
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
    ),
    "measure": ("Cara Ukur", "Posisi", "Posisi Ukur", "Cara Ukur Panjang/Tinggi", "Cara Pengukuran"),
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


@dataclass(frozen=True)
class Columns:
    """Which file header holds which field."""

    fields: dict[str, str]  # field -> header
    unknown: tuple[str, ...]  # headers not recognised (nor ignored)
    age_unit: str  # "months" or "days": unit of a plain number in the age column


def recognise_headers(headers: list[str], mapping: Mapping[str, str | None] | None = None) -> Columns:
    """Field → header for an export's headers, in any order; ``mapping`` {header: field|None} wins."""
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
    age_unit = "months"
    if "age" in found and re.search(r"\bhari\b|\bdays?\b", found["age"].lower()):
        age_unit = "days"
    return Columns(found, tuple(unknown), age_unit)


# ---- value parsing (Polars expressions over whole columns) -------------------------------------

SEX_CODES = {
    "1": 1,
    "l": 1,
    "lk": 1,
    "m": 1,
    "lakilaki": 1,
    "laki": 1,
    "male": 1,
    "pria": 1,
    "2": 2,
    "p": 2,
    "pr": 2,
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

WEIGHT_RANGE = (0.5, 60.0)  # kg: physically possible for a child under five
LENHEI_RANGE = (30.0, 150.0)  # cm
LILA_RANGE = (5.0, 35.0)  # cm
HEAD_RANGE = (20.0, 65.0)  # cm
BIRTH_WEIGHT_RANGE = (0.3, 7.0)  # kg
BIRTH_LENGTH_RANGE = (20.0, 65.0)  # cm
MAX_AGE_MONTHS = 60.0  # the WHO 2006 standard: 0 to under 60 months


def _number(text: pl.Expr) -> pl.Expr:
    """Decimal comma or point, an optional unit; NaN and infinity are not numbers."""
    cleaned = (
        text.str.strip_chars()
        .str.replace(r"(?i)\s*(kg|cm|gr|g|bln|bulan)\.?$", "")
        .str.replace(",", ".", literal=True)
    )
    value = cleaned.str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)


def _codes(text: pl.Expr, codes: Mapping, dtype) -> pl.Expr:
    cleaned = text.str.strip_chars().str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    return cleaned.replace_strict(dict(codes), default=None, return_dtype=dtype)


def _date(text: pl.Expr) -> pl.Expr:
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


def _age_days(text: pl.Expr, unit: str) -> pl.Expr:
    """Age at visit in days: ``2 Tahun - 3 Bulan - 5 Hari`` (y·365.25 + m·30.4375 + d), or a number."""
    text = text.str.strip_chars()
    low = text.str.to_lowercase()

    def part(pattern: str) -> pl.Expr:
        return low.str.extract(rf"(\d+)\s*(?:{pattern})", 1).cast(pl.Float64, strict=False)

    years, months, days = part("tahun|thn|th|y"), part("bulan|bln|bl|m"), part("hari|hr|d")
    worded = pl.when(years.is_not_null() | months.is_not_null() | days.is_not_null()).then(
        years.fill_null(0) * 365.25 + months.fill_null(0) * DAYS_PER_MONTH + days.fill_null(0)
    )
    number = _number(text)
    plain = number * DAYS_PER_MONTH if unit == "months" else number
    value = pl.coalesce(worded, plain)
    # round half up as the WHO software does for ages; beyond a century it is not an age
    return pl.when(value.is_between(0, 36525)).then((value + 0.5).floor())


def _decimal(value: pl.Expr, digits: int = 1) -> pl.Expr:
    """A number as Indonesian text: 9.5 → "9,5"."""
    text = value.round(digits).cast(pl.String).str.replace(r"\.0$", "")
    return text.str.replace(".", ",", literal=True)


def _indonesian_date(value: pl.Expr) -> pl.Expr:
    return value.dt.strftime("%d-%m-%Y")


# ---- the checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    code: str
    field: str  # whose header and raw value the problem shows
    severity: Severity
    reject: bool
    condition: pl.Expr
    message: pl.Expr


REQUIRED = ("sex", "visit_date", "desa")  # plus birth_date or age, weight or lenhei
TEXT_FIELDS = (
    "nama",
    "nama_ortu",
    "provinsi",
    "kabkota",
    "kecamatan",
    "puskesmas",
    "desa",
    "desa_kode",
    "posyandu",
    "rt",
    "rw",
    "alamat",
    "weight_gain",
)
INDICATORS = ("stunted", "severely_stunted", "wasted", "severely_wasted", "underweight", "overweight")
PROBLEM_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "code": pl.String,
    "message": pl.String,
    "severity": pl.String,
    "reject": pl.Boolean,
}


@dataclass
class ParsedExport:
    """One chunk of an export: clean rows (accepted and rejected) and every problem found."""

    rows: pl.DataFrame
    problems: pl.DataFrame
    columns: Columns
    empty_rows: int = 0
    file_problems: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> pl.DataFrame:
        return self.rows.filter(pl.col("accepted"))


def _as_text(frame: pl.DataFrame, header: str) -> pl.Expr:
    """A column as text; whole floats lose their ``.0`` (a NIK stored as a number)."""
    col = pl.col(header)
    if frame.schema[header].is_float():
        as_int = col.cast(pl.Int64, strict=False)
        return (
            pl.when(col == as_int.cast(pl.Float64))
            .then(as_int.cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    return col.cast(pl.String)


def _texts(frame: pl.DataFrame, columns: Mapping[str, str]) -> pl.DataFrame:
    """``{name: header}`` as text columns, empty → null.

    Stripping every cell costs more than all the rest of the parsing, so a column is stripped only
    when some cell starts or ends with a space; the parsers strip each distinct value themselves.
    """
    out = frame.select(**{name: _as_text(frame, header) for name, header in columns.items()})
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


def _empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def parse_export(
    frame: pl.DataFrame,
    *,
    kabkota: str,
    today: date,
    mapping: Mapping[str, str | None] | None = None,
    first_row: int = 2,
    nik_key: bytes | str | None = None,
) -> ParsedExport:
    """Check and type one chunk of an e-PPGBM export; compute z-scores of the accepted rows.

    ``kabkota`` is the importing district's kode (for the NIK region check), ``today`` the date
    after which a measurement is in the future, ``first_row`` the file row number of the chunk's
    first row (2 when row 1 holds the headers). With ``nik_key``, ``nik_hash`` and ``nik_masked``
    are added (the app stores only these, never ``nik``).

    ``rows`` columns: ``row accepted nik nama sex birth_date visit_date age_days age_months weight
    lenhei measure oedema lila head_circumference birth_weight birth_length`` + the text fields
    (``nama_ortu provinsi kabkota kecamatan puskesmas desa desa_kode posyandu rt rw alamat
    weight_gain``, as written) + ``zlen zwei zwfl zbmi flen fwei fwfl fbmi valid_len valid_wei
    valid_wfl`` + the indicators ``stunted severely_stunted wasted severely_wasted underweight
    overweight`` + the Permenkes 2/2020 categories ``tbu bbu bbtb imtu`` (labels). ``sex`` is 1/2,
    ``measure`` 1 lying, 2 standing, 0 unknown. Rejected rows keep their parsed values but get no
    z-score (null) and no indicator (false). Completely empty rows are dropped (``empty_rows``).

    ``problems`` columns: ``row column value code message severity reject``, sorted by row; a
    required column missing from the file is one problem with a null row, and rejects every row.
    """
    columns = recognise_headers(list(frame.columns), mapping)
    cols = columns.fields
    file_problems: list[str] = []
    for required, label in (("sex", "JK"), ("visit_date", "Tanggal Pengukuran"), ("desa", "Desa/Kel")):
        if required not in cols and not (required == "desa" and "desa_kode" in cols):
            file_problems.append(f"Kolom {label} tidak ditemukan")
    if "birth_date" not in cols and "age" not in cols:
        file_problems.append("Kolom Tgl Lahir (atau Usia Saat Ukur) tidak ditemukan")
    if "weight" not in cols and "lenhei" not in cols:
        file_problems.append("Kolom Berat dan Tinggi tidak ditemukan")

    def raw(name: str) -> pl.Expr:
        return pl.col(f"__raw_{name}")

    used = [f for f in READ_FIELDS if f in cols]
    data = _texts(frame, {f"__raw_{f}": cols[f] for f in used}).with_columns(
        __row=pl.int_range(pl.len(), dtype=pl.Int64) + first_row,
        **{f"__raw_{f}": pl.lit(None, pl.String) for f in READ_FIELDS if f not in cols},
    )
    data = data.filter(~pl.all_horizontal([raw(f).is_null() for f in used])) if used else data.clear()

    # Typed values, each distinct raw value parsed once.
    parsers: dict[str, tuple[str, Callable[[pl.Expr], pl.Expr]]] = {
        "sex": ("sex", lambda e: _codes(e, SEX_CODES, pl.Int8)),
        "birth_date": ("birth_date", _date),
        "visit_date": ("visit_date", _date),
        "age_file": ("age", lambda e: _age_days(e, columns.age_unit)),
        "weight": ("weight", _number),
        "lenhei": ("lenhei", _number),
        "measure": ("measure", lambda e: _codes(e, MEASURE_CODES, pl.Int8)),
        "oedema": ("oedema", lambda e: _codes(e, OEDEMA_CODES, pl.Boolean)),
        "lila": ("lila", _number),
        "head_circumference": ("head_circumference", _number),
        "birth_weight": ("birth_weight", _number),
        "birth_length": ("birth_length", _number),
    }
    data = data.with_columns(
        _parsed(data, {name: (f"__raw_{source}", parse) for name, (source, parse) in parsers.items()})
    )
    days_between = (pl.col("visit_date") - pl.col("birth_date")).dt.total_days()
    data = data.with_columns(
        __days_between=days_between,
        age_days=pl.when(pl.col("birth_date").is_not_null())
        .then(pl.when(days_between >= 0).then(days_between))
        .otherwise(pl.col("age_file").cast(pl.Int64)),
    )
    data = data.hstack(
        nik_rules.check_frame(data, "__raw_nik", kabkota=kabkota, birth_date="birth_date", sex="sex")
    )

    # The checks.
    def bad(name: str) -> pl.Expr:  # written but unreadable
        return raw(name).is_not_null() & pl.col(name).is_null()

    def outside(name: str, bounds: tuple[float, float]) -> pl.Expr:
        return ~pl.col(name).is_between(*bounds)

    age_months = pl.col("age_days") / DAYS_PER_MONTH
    birth_known = pl.col("birth_date").is_not_null()
    checks = [
        Check("sex_missing", "sex", "error", True, raw("sex").is_null(), pl.lit("Jenis kelamin kosong")),
        Check(
            "sex_unknown",
            "sex",
            "error",
            True,
            bad("sex"),
            pl.lit("Jenis kelamin tidak dikenal: tulis L (laki-laki) atau P (perempuan)"),
        ),
        Check(
            "birth_missing",
            "birth_date" if "birth_date" in cols else "age",
            "error",
            True,
            raw("birth_date").is_null() & raw("age").is_null(),
            pl.lit("Tanggal lahir kosong (dan usia saat ukur tidak diisi)"),
        ),
        Check(
            "birth_unreadable",
            "birth_date",
            "error",
            True,
            bad("birth_date"),
            pl.lit("Tanggal lahir tidak dapat dibaca: tulis seperti 15-08-2023 atau 2023-08-15"),
        ),
        Check(
            "age_unreadable",
            "age",
            "error",
            True,
            raw("birth_date").is_null() & raw("age").is_not_null() & pl.col("age_file").is_null(),
            pl.lit("Usia saat ukur tidak dapat dibaca: tulis seperti 2 Tahun - 3 Bulan - 5 Hari"),
        ),
        Check(
            "visit_missing",
            "visit_date",
            "error",
            True,
            raw("visit_date").is_null(),
            pl.lit("Tanggal pengukuran kosong"),
        ),
        Check(
            "visit_unreadable",
            "visit_date",
            "error",
            True,
            bad("visit_date"),
            pl.lit("Tanggal pengukuran tidak dapat dibaca: tulis seperti 15-08-2025 atau 2025-08-15"),
        ),
        Check(
            "birth_after_visit",
            "birth_date",
            "error",
            True,
            pl.col("__days_between") < 0,
            pl.format(
                "Tanggal lahir {} setelah tanggal pengukuran {}",
                _indonesian_date(pl.col("birth_date")),
                _indonesian_date(pl.col("visit_date")),
            ),
        ),
        Check(
            "visit_future",
            "visit_date",
            "error",
            True,
            pl.col("visit_date") > pl.lit(today),
            pl.format(
                "Tanggal pengukuran {} belum terjadi (hari ini {})",
                _indonesian_date(pl.col("visit_date")),
                pl.lit(today.strftime("%d-%m-%Y")),
            ),
        ),
        *(
            Check(
                "age_out_of_scope",
                source,
                "error",
                True,
                (age_months >= MAX_AGE_MONTHS) & (birth_known if source == "birth_date" else ~birth_known),
                pl.format(
                    "Usia saat ukur {} bulan: di luar sasaran balita (0–59 bulan), tidak dihitung",
                    age_months.floor().cast(pl.Int64),
                ),
            )
            for source in ("birth_date", "age")
        ),
        Check(
            "measurement_missing",
            "weight" if "weight" in cols else "lenhei",
            "error",
            True,
            raw("weight").is_null() & raw("lenhei").is_null(),
            pl.lit("Berat dan tinggi/panjang badan kosong"),
        ),
        Check("weight_unreadable", "weight", "error", True, bad("weight"), pl.lit("Berat bukan angka")),
        Check(
            "weight_range",
            "weight",
            "error",
            True,
            outside("weight", WEIGHT_RANGE),
            pl.format(
                "Berat {} kg tidak mungkin untuk balita (harus 0,5–60 kg)", _decimal(pl.col("weight"), 2)
            ),
        ),
        Check(
            "lenhei_unreadable",
            "lenhei",
            "error",
            True,
            bad("lenhei"),
            pl.lit("Tinggi/panjang badan bukan angka"),
        ),
        Check(
            "lenhei_range",
            "lenhei",
            "error",
            True,
            outside("lenhei", LENHEI_RANGE),
            pl.format(
                "Tinggi/panjang badan {} cm tidak mungkin untuk balita (harus 30–150 cm)",
                _decimal(pl.col("lenhei"), 2),
            ),
        ),
        Check(
            "desa_missing",
            "desa" if "desa" in cols else "desa_kode",
            "error",
            True,
            raw("desa").is_null() & raw("desa_kode").is_null(),
            pl.lit("Desa/kelurahan kosong"),
        ),
        Check(
            "weight_missing",
            "weight",
            "warning",
            False,
            raw("weight").is_null() & raw("lenhei").is_not_null(),
            pl.lit("Berat kosong: hanya TB/U yang dihitung"),
        ),
        Check(
            "lenhei_missing",
            "lenhei",
            "warning",
            False,
            raw("lenhei").is_null() & raw("weight").is_not_null(),
            pl.lit("Tinggi/panjang badan kosong: hanya BB/U yang dihitung"),
        ),
        Check(
            "measure_unknown",
            "measure",
            "warning",
            False,
            bad("measure"),
            pl.lit(
                "Cara ukur tidak dikenal (tulis Berdiri atau Terlentang): posisi dianggap tidak diketahui"
            ),
        ),
        Check(
            "oedema_unknown",
            "oedema",
            "warning",
            False,
            bad("oedema"),
            pl.lit("Edema tidak dikenal (tulis Ya atau Tidak): dianggap tidak ada"),
        ),
        Check(
            "name_missing",
            "nama",
            "warning",
            False,
            raw("nama").is_null(),
            pl.lit("Nama anak kosong: tanpa NIK, anak ini tidak dapat dikenali saat impor ulang"),
        ),
    ]
    dropped: dict[str, str] = {}  # value column -> the warning check that drops it
    for name, code, label, bounds, unit in (
        ("lila", "lila_range", "LiLA", LILA_RANGE, "cm"),
        ("head_circumference", "head_range", "Lingkar kepala", HEAD_RANGE, "cm"),
        ("birth_weight", "birth_weight_range", "Berat lahir", BIRTH_WEIGHT_RANGE, "kg"),
        ("birth_length", "birth_length_range", "Panjang lahir", BIRTH_LENGTH_RANGE, "cm"),
    ):
        lo, hi = (f"{b:g}".replace(".", ",") for b in bounds)
        dropped[name] = code
        checks.append(
            Check(
                code,
                name,
                "warning",
                False,
                bad(name) | outside(name, bounds),
                pl.when(pl.col(name).is_null())
                .then(pl.lit(f"{label} bukan angka: tidak disimpan"))
                .otherwise(
                    pl.format(
                        f"{label} {{}} {unit} tidak wajar (harus {lo}–{hi} {unit}): tidak disimpan",
                        _decimal(pl.col(name), 2),
                    )
                ),
            )
        )
    for code, (severity, _) in nik_rules.PROBLEMS.items():
        checks.append(
            Check(f"nik_{code}", "nik", severity, False, pl.col("nik_problem") == code, pl.col("nik_message"))
        )
    checks = [c for c in checks if c.field in cols]

    data = data.with_columns(**{f"__c{i}": c.condition.fill_null(False) for i, c in enumerate(checks)})
    rejecting = [pl.col(f"__c{i}") for i, c in enumerate(checks) if c.reject]
    accepted = ~pl.any_horizontal(rejecting) if rejecting else pl.lit(True)
    data = data.with_columns(accepted=pl.lit(False) if file_problems else accepted)
    problem_frames = [
        data.lazy()
        .filter(pl.col(f"__c{i}"))
        .select(
            row=pl.col("__row"),
            column=pl.lit(cols[c.field]),
            value=raw(c.field).fill_null(""),
            code=pl.lit(c.code),
            message=c.message,
            severity=pl.lit(c.severity),
            reject=pl.lit(c.reject),
        )
        for i, c in enumerate(checks)
    ]

    # Values that failed a warning check are dropped (after their messages above took them).
    index = {c.code: i for i, c in enumerate(checks)}
    data = data.with_columns(
        pl.when(~pl.col(f"__c{index[code]}")).then(pl.col(name)).alias(name)
        for name, code in dropped.items()
        if code in index
    )

    # z-scores over the whole chunk, kept for the accepted rows only.
    ok = data.get_column("accepted").to_numpy()

    def arr(name: str, dtype, fill) -> np.ndarray:
        return data.get_column(name).fill_null(fill).to_numpy().astype(dtype, copy=False)

    result = zscores(
        arr("sex", float, np.nan),
        arr("age_days", float, np.nan),
        arr("weight", float, np.nan),
        arr("lenhei", float, np.nan),
        arr("measure", np.int8, 0),
        arr("oedema", bool, False),
    )
    for key in ("zlen", "zwei", "zwfl", "zbmi", "flen", "fwei", "fwfl", "fbmi"):
        result[key] = np.where(ok, result[key], np.nan)
    indicators = cat.indicators(result)
    growth = pl.DataFrame(
        {
            **{k: pl.Series(k, result[k], nan_to_null=True) for k in ("zlen", "zwei", "zwfl", "zbmi")},
            **{
                k: pl.Series(k, result[k], nan_to_null=True).cast(pl.Boolean)
                for k in ("flen", "fwei", "fwfl", "fbmi")
            },
            **{k: pl.Series(k, indicators[k]) for k in ("valid_len", "valid_wei", "valid_wfl", *INDICATORS)},
            "tbu": _labels(cat.tbu(result["zlen"], result["flen"]), cat.TBU),
            "bbu": _labels(cat.bbu(result["zwei"], result["fwei"]), cat.BBU),
            "bbtb": _labels(cat.bbtb(result["zwfl"], result["fwfl"]), cat.BBTB),
            "imtu": _labels(cat.imtu(result["zbmi"], result["fbmi"]), cat.BBTB),
            "__c9mo": pl.Series(result["c9mo_flag"].astype(bool) & ok),
        },
        height=data.height,
    )
    data = data.hstack(growth)
    weight_or_height = "weight" if "weight" in cols else "lenhei"
    flag_checks = (
        (
            "standing_under_9mo",
            "measure",
            "__c9mo",
            "Diukur berdiri pada usia di bawah 9 bulan: posisi dianggap tidak diketahui",
            None,
        ),
        (
            "flag_len",
            "lenhei",
            "flen",
            "Z-score TB/U {} di luar batas WHO (−6 s.d. +6): tidak dihitung dalam prevalensi stunting; "
            "periksa tinggi dan tanggal lahir",
            "zlen",
        ),
        (
            "flag_wei",
            "weight",
            "fwei",
            "Z-score BB/U {} di luar batas WHO (−6 s.d. +5): tidak dihitung dalam prevalensi berat badan "
            "kurang; periksa berat dan tanggal lahir",
            "zwei",
        ),
        (
            "flag_wfl",
            "weight",
            "fwfl",
            "Z-score BB/TB {} di luar batas WHO (−5 s.d. +5): tidak dihitung dalam prevalensi wasting dan "
            "gizi lebih; periksa berat dan tinggi",
            "zwfl",
        ),
        (
            "flag_bmi",
            "weight",
            "fbmi",
            "Z-score IMT/U {} di luar batas WHO (−5 s.d. +5): periksa berat dan tinggi",
            "zbmi",
        ),
    )
    for code, name, flag_col, text, z in flag_checks:
        if name not in cols:
            name = weight_or_height
        if name not in cols:
            continue
        problem_frames.append(
            data.lazy()
            .filter(pl.col(flag_col).fill_null(False))
            .select(
                row=pl.col("__row"),
                column=pl.lit(cols[name]),
                value=raw(name).fill_null(""),
                code=pl.lit(code),
                message=pl.format(text, _decimal(pl.col(z), 2)) if z else pl.lit(text),
                severity=pl.lit("warning"),
                reject=pl.lit(False),
            )
        )
    problems = pl.concat(problem_frames).collect() if problem_frames else _empty_problems()
    file_rows = pl.DataFrame(
        {
            "row": [None] * len(file_problems),
            "column": [""] * len(file_problems),
            "value": [""] * len(file_problems),
            "code": ["column_missing"] * len(file_problems),
            "message": file_problems,
            "severity": ["error"] * len(file_problems),
            "reject": [True] * len(file_problems),
        },
        schema=PROBLEM_SCHEMA,
    )
    problems = pl.concat([file_rows, problems.cast(PROBLEM_SCHEMA)]).sort(
        "row", nulls_last=False, maintain_order=True
    )

    out = data.select(
        row=pl.col("__row"),
        accepted=pl.col("accepted"),
        nik=pl.col("nik"),
        nama=raw("nama"),
        sex=pl.col("sex"),
        birth_date=pl.col("birth_date"),
        visit_date=pl.col("visit_date"),
        age_days=pl.col("age_days").cast(pl.Int32, strict=False),
        age_months=pl.col("age_days") / DAYS_PER_MONTH,
        weight=pl.col("weight"),
        lenhei=pl.col("lenhei"),
        measure=pl.col("measure").fill_null(0),
        oedema=pl.col("oedema").fill_null(False),
        lila=pl.col("lila"),
        head_circumference=pl.col("head_circumference"),
        birth_weight=pl.col("birth_weight"),
        birth_length=pl.col("birth_length"),
        **{name: raw(name) for name in TEXT_FIELDS if name != "nama"},
        **{k: pl.col(k) for k in ("zlen", "zwei", "zwfl", "zbmi", "flen", "fwei", "fwfl", "fbmi")},
        **{k: pl.col(k) for k in ("valid_len", "valid_wei", "valid_wfl", *INDICATORS)},
        **{k: pl.col(k) for k in ("tbu", "bbu", "bbtb", "imtu")},
    )
    if nik_key is not None:
        out = out.with_columns(
            nik_hash=nik_rules.nik_hash(out.get_column("nik"), nik_key),
            nik_masked=nik_rules.mask_expr(pl.col("nik")),
        )
    return ParsedExport(
        rows=out,
        problems=problems,
        columns=columns,
        empty_rows=frame.height - out.height,
        file_problems=file_problems,
    )


def _labels(codes: np.ndarray, names: tuple[str, ...]) -> pl.Series:
    """Category codes (−1 = none) → an Enum of the Permenkes labels."""
    enum = pl.Enum(list(dict.fromkeys(names)))
    return pl.Series(codes.astype(np.int64)).replace_strict(
        dict(enumerate(names)), default=None, return_dtype=enum
    )
