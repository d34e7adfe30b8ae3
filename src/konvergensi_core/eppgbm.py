"""e-PPGBM child-measurement exports: the columns, the checks of every row, z-scores.

An e-PPGBM "data pengukuran" export has one row per child visit with the columns

    No | NIK | Nama | JK | Tgl Lahir | BB Lahir | TB Lahir | Nama Ortu | Prov | Kab/Kota | Kec |
    Pukesmas | Desa/Kel | Posyandu | RT | RW | Alamat | Usia Saat Ukur | Tanggal Pengukuran |
    Berat | Tinggi | Cara Ukur | LiLA | Lingkar Kepala | BB/U | ZS BB/U | TB/U | ZS TB/U |
    BB/TB | ZS BB/TB | Naik Berat Badan | PMT Diterima (kg) | Jml Vit A | KPSP | KIA

The file, its headers and its values are read by THE reader of child-measurement files,
:mod:`konvergensi_core.io.measurements` (one alias table, one date and one number parser, one set
of code words, the age in days; the CLI ``konvergensi zscore`` reads through it too). Headers are
recognised in any order and with the variants people type (``Tgl. Lahir``, ``TANGGAL LAHIR``,
``Tgl_Lahir``, ``Desa/Kelurahan``, ``Nama Anak`` …); a saved mapping ``{file header: field}``
(``None`` = ignore the column) wins.

:func:`parse_export` checks one chunk with Polars expressions over whole columns (no per-row Python)
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

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from . import nik as nik_rules
from .growth import categories as cat
from .growth import zscores
from .growth.who2006 import DAYS_PER_MONTH

# The vocabulary lives in the one reader; these names stay importable from here.
from .io.measurements import (  # noqa: F401
    ALIASES,
    DATE_FORMATS,
    FIELDS,
    MEASURE_CODES,
    MONTHS,
    NOT_READ,
    OEDEMA_CODES,
    READ_FIELDS,
    SEX_CODES,
    Columns,
    header_key,
    raw,
    read_values,
    recognise_headers,
)

Severity = nik_rules.Severity

WEIGHT_RANGE = (0.5, 60.0)  # kg: physically possible for a child under five
LENHEI_RANGE = (30.0, 150.0)  # cm
LILA_RANGE = (5.0, 35.0)  # cm
HEAD_RANGE = (20.0, 65.0)  # cm
BIRTH_WEIGHT_RANGE = (0.3, 7.0)  # kg
BIRTH_LENGTH_RANGE = (20.0, 65.0)  # cm
MAX_AGE_MONTHS = 60.0  # the WHO 2006 standard: 0 to under 60 months


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


def _empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


# ---- parse_export, step by step ----------------------------------------------------------------


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

    The steps: find the columns, read the values (the one reader), check the NIK, check every
    row, drop implausible optional values, z-scores, flag problems, assemble.
    """
    columns = recognise_headers(list(frame.columns), mapping)  # 1. find the columns
    cols = columns.fields
    file_problems = missing_columns(cols)
    # 2. read the values (typed, age in days); a completely empty line is not a child
    data = read_values(frame, columns, first_row=first_row, age_unit="months")
    data = data.filter(~pl.col("__empty"))
    # 3. the NIK's own checks
    data = data.hstack(
        nik_rules.check_frame(data, "__raw_nik", kabkota=kabkota, birth_date="birth_date", sex="sex")
    )
    # 4. every check of every row; the rejecting ones decide ``accepted``
    checks = [c for c in row_checks(cols, today) if c.field in cols]
    data = _mark_checks(data, checks, rejected_all=bool(file_problems))
    problem_frames = [_problem_rows(data, f"__c{i}", c, cols) for i, c in enumerate(checks)]
    # 5. optional values that failed their warning are dropped (after their messages took them)
    data = _drop_implausible(data, checks)
    # 6. z-scores of the accepted rows, indicators and categories
    data = data.hstack(_growth(data))
    # 7. the WHO flags as warnings
    problem_frames += _flag_problems(data, cols)
    # 8. assemble
    return ParsedExport(
        rows=_assemble(data, nik_key),
        problems=_problems_frame(problem_frames, file_problems),
        columns=columns,
        empty_rows=frame.height - data.height,
        file_problems=file_problems,
    )


def missing_columns(cols: Mapping[str, str]) -> list[str]:
    """One message per required column the file lacks (each rejects every row)."""
    problems: list[str] = []
    for required, label in (("sex", "JK"), ("visit_date", "Tanggal Pengukuran"), ("desa", "Desa/Kel")):
        if required not in cols and not (required == "desa" and "desa_kode" in cols):
            problems.append(f"Kolom {label} tidak ditemukan")
    if "birth_date" not in cols and "age" not in cols:
        problems.append("Kolom Tgl Lahir (atau Usia Saat Ukur) tidak ditemukan")
    if "weight" not in cols and "lenhei" not in cols:
        problems.append("Kolom Berat dan Tinggi tidak ditemukan")
    return problems


def _bad(name: str) -> pl.Expr:
    """Written but unreadable."""
    return raw(name).is_not_null() & pl.col(name).is_null()


def _outside(name: str, bounds: tuple[float, float]) -> pl.Expr:
    return ~pl.col(name).is_between(*bounds)


# Optional values dropped when unreadable or implausible (a warning, the row is kept).
IMPLAUSIBLE_DROPPED = (
    ("lila", "lila_range", "LiLA", LILA_RANGE, "cm"),
    ("head_circumference", "head_range", "Lingkar kepala", HEAD_RANGE, "cm"),
    ("birth_weight", "birth_weight_range", "Berat lahir", BIRTH_WEIGHT_RANGE, "kg"),
    ("birth_length", "birth_length_range", "Panjang lahir", BIRTH_LENGTH_RANGE, "cm"),
)


def row_checks(cols: Mapping[str, str], today: date) -> list[Check]:
    """Every check of a row (see the module's table), over :func:`read_values`' columns and the
    NIK's (``nik_problem``, ``nik_message``). A check whose field the file lacks is left out by
    the caller."""
    age_months = pl.col("age_days") / DAYS_PER_MONTH
    birth_known = pl.col("birth_date").is_not_null()
    bad, outside = _bad, _outside
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
    for name, code, label, bounds, unit in IMPLAUSIBLE_DROPPED:
        lo, hi = (f"{b:g}".replace(".", ",") for b in bounds)
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
    return checks


def _mark_checks(data: pl.DataFrame, checks: list[Check], *, rejected_all: bool) -> pl.DataFrame:
    """``__c<i>`` (check i found a problem on the row) and ``accepted`` (no rejecting problem, and
    no required column missing from the file)."""
    data = data.with_columns(**{f"__c{i}": c.condition.fill_null(False) for i, c in enumerate(checks)})
    rejecting = [pl.col(f"__c{i}") for i, c in enumerate(checks) if c.reject]
    accepted = ~pl.any_horizontal(rejecting) if rejecting else pl.lit(True)
    return data.with_columns(accepted=pl.lit(False) if rejected_all else accepted)


def _problem_rows(data: pl.DataFrame, found: str, check: Check, cols: Mapping[str, str]) -> pl.LazyFrame:
    """The problems of one check: a row for each row where the column ``found`` is true."""
    return (
        data.lazy()
        .filter(pl.col(found))
        .select(
            row=pl.col("__row"),
            column=pl.lit(cols[check.field]),
            value=raw(check.field).fill_null(""),
            code=pl.lit(check.code),
            message=check.message,
            severity=pl.lit(check.severity),
            reject=pl.lit(check.reject),
        )
    )


def _drop_implausible(data: pl.DataFrame, checks: list[Check]) -> pl.DataFrame:
    index = {c.code: i for i, c in enumerate(checks)}
    return data.with_columns(
        pl.when(~pl.col(f"__c{index[code]}")).then(pl.col(name)).alias(name)
        for name, code, *_ in IMPLAUSIBLE_DROPPED
        if code in index
    )


def _growth(data: pl.DataFrame) -> pl.DataFrame:
    """WHO 2006 z-scores over the whole chunk, kept for the accepted rows only, with the
    indicators and the Permenkes categories (one column each, the chunk's height)."""
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
    return pl.DataFrame(
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


# (code, field, flag column, message, z column shown in the message)
FLAG_CHECKS = (
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


def _flag_problems(data: pl.DataFrame, cols: Mapping[str, str]) -> list[pl.LazyFrame]:
    """A warning for each WHO flag (implausible z) and each standing measurement under 9 months."""
    weight_or_height = "weight" if "weight" in cols else "lenhei"
    frames = []
    for code, name, flag_col, text, z in FLAG_CHECKS:
        if name not in cols:
            name = weight_or_height
        if name not in cols:
            continue
        frames.append(
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
    return frames


def _problems_frame(frames: list[pl.LazyFrame], file_problems: list[str]) -> pl.DataFrame:
    """Every problem, sorted by row; a missing column first (its row is null)."""
    problems = pl.concat(frames).collect() if frames else _empty_problems()
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
    return pl.concat([file_rows, problems.cast(pl.Schema(PROBLEM_SCHEMA))]).sort(
        "row", nulls_last=False, maintain_order=True
    )


def _assemble(data: pl.DataFrame, nik_key: bytes | str | None) -> pl.DataFrame:
    """The ``rows`` of :class:`ParsedExport` (see :func:`parse_export`)."""
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
    return out


def _labels(codes: np.ndarray, names: tuple[str, ...]) -> pl.Series:
    """Category codes (−1 = none) → an Enum of the Permenkes labels."""
    enum = pl.Enum(list(dict.fromkeys(names)))
    return pl.Series(codes.astype(np.int64)).replace_strict(
        dict(enumerate(names)), default=None, return_dtype=enum
    )
