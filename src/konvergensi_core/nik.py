"""NIK (Nomor Induk Kependudukan) checks over a column, keyed hashes and the masked form.

A NIK has 16 digits: ``PPKKCC`` the region where it was issued (province, kab/kota, kecamatan),
``DDMMYY`` the birth date with 40 added to the day for women, and a 4-digit serial (never 0000).

Every check is a Polars expression over the whole column; each row gets at most one problem code,
the most serious first:

| code | severity | what | effect on the import |
|---|---|---|---|
| ``missing`` | warning | the cell is empty | the child is matched by name, birth date, sex and desa |
| ``format`` | error | not 16 digits (letters, too short, Excel's ``3,21101E+15``) | NIK discarded, row kept |
| ``structure`` | error | impossible region part (unknown province, kab/kota or kecamatan ``00``) or serial ``0000`` | NIK discarded, row kept |
| ``date`` | error | impossible date part (day 00, 32–40, > 71; month 00 or > 12; 30 Feb; 29 Feb of a non-leap year) | NIK discarded, row kept |
| ``birth_date`` | warning | the NIK's date differs from the date of birth (often: the parent's NIK was typed) | NIK kept |
| ``sex`` | warning | the NIK's sex (day + 40 = female) differs from the sex | NIK kept |
| ``region`` | warning | the first 4 digits are not the district's kode (people move; children born elsewhere) | NIK kept |

The rule of the import: an ``error`` on the NIK makes the NIK unusable (the cleaned ``nik`` is
null: never stored, never used for matching) but never rejects the measurement — a child without a
valid NIK is still a child who was weighed. The century of ``YY`` is unknown (a parent's NIK is
19YY); every 19YY/20YY pair has the same leap years except 1900, so 29 Feb is possible exactly when
``YY`` is divisible by 4 (YY = 00 stands for 2000).

The app stores only :func:`nik_hash` (HMAC-SHA256 with a secret key, for matching across imports)
and :func:`nik_mask` (``3211********0001``, for display).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Literal

import polars as pl

from . import kode as kode_rules

Severity = Literal["error", "warning"]

# code -> (severity, generic message); the checks below give messages with the row's details.
PROBLEMS: dict[str, tuple[Severity, str]] = {
    "missing": ("warning", "NIK kosong: anak dikenali dari nama, tanggal lahir, jenis kelamin dan desa"),
    "format": ("error", "NIK tidak sah: harus 16 angka"),
    "structure": ("error", "NIK tidak sah: kode wilayah atau nomor urut tidak mungkin"),
    "date": ("error", "NIK tidak sah: tanggal lahir di dalam NIK tidak mungkin"),
    "birth_date": ("warning", "Tanggal lahir di NIK berbeda dengan tanggal lahir anak"),
    "sex": ("warning", "Jenis kelamin di NIK berbeda dengan jenis kelamin anak"),
    "region": ("warning", "NIK diterbitkan di luar kabupaten/kota ini"),
}
MONTH_DAYS = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
ORDER = tuple(PROBLEMS)  # priority: the first code that applies is the row's problem
ERRORS = frozenset(code for code, (severity, _) in PROBLEMS.items() if severity == "error")

# Province codes of Kemendagri (2025: 38 provinces, incl. the Papua provinces of 2022).
PROVINCES: tuple[int, ...]
PROVINCES = (11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65)
PROVINCES += (71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96)


def clean_expr(raw: pl.Expr) -> pl.Expr:
    """The cell as typed, minus what spreadsheets add: spaces, dots, dashes, quotes, a trailing ``.0``."""
    text = raw.cast(pl.String).str.strip_chars(" \t\r\n'\"`")
    text = text.str.replace(r"\.0+$", "").str.replace_all(r"[\s.\-]", "")
    return pl.when(text != "").then(text)


def check_frame(
    frame: pl.DataFrame,
    nik: str,
    *,
    kabkota: str | None = None,
    birth_date: str | None = None,
    sex: str | None = None,
) -> pl.DataFrame:
    """The checks of column ``nik`` of ``frame``: a frame of the same height with ``nik`` (the 16
    digits; null when missing or unusable), ``nik_problem`` (code or null) and ``nik_message``
    (Indonesian, with the row's details; null without a problem).

    ``birth_date`` names a Date column, ``sex`` an integer column (1 male, 2 female), ``kabkota`` is
    the district kode (``32.11`` or ``3211``) for the region check. The work is staged in columns
    (each intermediate computed once) and the messages are formatted for the problem rows only.
    """
    own = None
    if kabkota is not None:
        own = kode_rules.normalise(kabkota).replace(".", "")
        if len(own) != 4:
            raise kode_rules.InvalidKode(f"Bukan kode kabupaten/kota: {kabkota!r}")
    extra = {}
    if birth_date is not None:
        extra["__birth"] = pl.col(birth_date).cast(pl.Date, strict=False)
    if sex is not None:
        extra["__sex"] = pl.col(sex).cast(pl.Int32, strict=False)
    s = frame.select(__orig=pl.col(nik).cast(pl.String), **extra)
    # Fast path: cells that already hold 16 digits are not cleaned (most of a real export).
    orig = s.get_column("__orig")
    messy = s.select(m=orig.is_not_null() & ~pl.col("__orig").str.contains(r"^\d{16}$")).get_column("m")
    n16 = orig
    if messy.any():
        rows = messy.arg_true()
        cleaned = pl.DataFrame({"v": orig.gather(rows)}).select(clean_expr(pl.col("v"))).to_series()
        n16 = orig.scatter(rows, cleaned)
    s = s.with_columns(__n=n16)
    n = pl.col("__n")
    # The digits by integer arithmetic on the number (much faster than slicing strings).
    s = s.with_columns(__d16=n.str.contains(r"^\d{16}$").fill_null(False))
    s = s.with_columns(__x=pl.when(pl.col("__d16")).then(n.cast(pl.Int64, strict=False)))
    x = pl.col("__x")

    def part(divisor: int, modulo: int) -> pl.Expr:
        return ((x // divisor) % modulo).cast(pl.Int32)

    s = s.with_columns(
        __prov=(x // 10**14).cast(pl.Int32),
        __kab=part(10**12, 100),
        __kec=part(10**10, 100),
        __dd=part(10**8, 100),
        __mm=part(10**6, 100),
        __yy=part(10**4, 100),
        __serial=part(1, 10**4),
    )
    dd = pl.col("__dd")
    # 29 Feb exists in 19YY and 20YY alike when YY is divisible by 4 (YY = 00: 2000).
    days_in_month = pl.col("__mm").replace_strict(MONTH_DAYS, default=0, return_dtype=pl.Int32) + (
        (pl.col("__mm") == 2) & (pl.col("__yy") % 4 == 0)
    ).cast(pl.Int32)
    s = s.with_columns(
        __region_ok=pl.col("__prov").is_in(list(PROVINCES)) & (pl.col("__kab") != 0) & (pl.col("__kec") != 0),
        __day=dd - pl.when(dd > 40).then(40).otherwise(0),
        __nik_sex=pl.when(dd > 40).then(2).otherwise(1),
    )
    s = s.with_columns(
        __structure=pl.col("__region_ok") & (pl.col("__serial") != 0),
        __date_ok=(dd.is_between(1, 31) | dd.is_between(41, 71)) & (pl.col("__day") <= days_in_month),
    )
    conditions: list[tuple[str, pl.Expr]] = [
        ("missing", n.is_null()),
        ("format", ~pl.col("__d16")),
        ("structure", ~pl.col("__structure")),
        ("date", ~pl.col("__date_ok")),
    ]
    birth, nik_sex = pl.col("__birth"), pl.col("__nik_sex")
    if birth_date is not None:
        differs = (
            (pl.col("__day") != birth.dt.day())
            | (pl.col("__mm") != birth.dt.month())
            | (pl.col("__yy") != birth.dt.year() % 100)
        )
        conditions.append(("birth_date", differs))
    if sex is not None:
        conditions.append(("sex", nik_sex != pl.col("__sex")))
    if own is not None:
        conditions.append(("region", (x // 10**12) != int(own)))
    problem = pl.coalesce([pl.when(cond.fill_null(False)).then(pl.lit(code)) for code, cond in conditions])
    s = s.with_columns(nik_problem=problem)
    usable = pl.col("nik_problem").is_null() | ~pl.col("nik_problem").is_in(list(ERRORS))
    s = s.with_columns(nik=pl.when(usable).then(n))

    # Messages, for the rows with a problem only.
    code = pl.col("nik_problem")
    sex_too = (nik_sex != pl.col("__sex")).fill_null(False) if sex is not None else pl.lit(False)
    two = [pl.col(c).cast(pl.String).str.zfill(2) for c in ("__day", "__mm", "__yy")]
    texts: dict[str, pl.Expr] = {
        "missing": pl.lit(PROBLEMS["missing"][1]),
        "format": pl.when(pl.col("__orig").str.contains(r"^\d([.,]\d+)?[eE]\+?\d+$"))
        .then(
            pl.format(
                "NIK rusak oleh Excel (tertulis {}): simpan kolom NIK sebagai teks lalu ekspor ulang",
                pl.col("__orig"),
            )
        )
        .when(n.str.contains(r"^\d+$"))
        .then(pl.format("NIK tidak sah: harus 16 angka, tertulis {} angka", n.str.len_chars()))
        .otherwise(pl.lit("NIK tidak sah: harus 16 angka tanpa huruf")),
        "structure": pl.when(pl.col("__region_ok"))
        .then(pl.lit("NIK tidak sah: nomor urut 0000 tidak mungkin"))
        .otherwise(pl.format("NIK tidak sah: kode wilayah {} tidak mungkin", n.str.slice(0, 6))),
        "date": pl.format(
            "NIK tidak sah: tanggal lahir di NIK tidak mungkin (hari {}, bulan {}, tahun {})",
            n.str.slice(6, 2),
            n.str.slice(8, 2),
            n.str.slice(10, 2),
        ),
        "sex": pl.when(nik_sex == 2)
        .then(pl.lit("NIK menunjukkan perempuan (tanggal lahir + 40), data menulis laki-laki"))
        .otherwise(pl.lit("NIK menunjukkan laki-laki, data menulis perempuan (tanggal lahir + 40)")),
    }
    if birth_date is not None:
        texts["birth_date"] = pl.format(
            "Tanggal lahir di NIK ({}-{}-{}) berbeda dengan tanggal lahir anak ({}){}",
            *two,
            birth.dt.strftime("%d-%m-%y"),
            pl.when(sex_too)
            .then(pl.lit("; jenis kelamin juga berbeda: mungkin NIK orang tua"))
            .otherwise(pl.lit("")),
        )
    if own is not None:
        texts["region"] = pl.format(
            "NIK diterbitkan di wilayah {} (bukan {}): wajar bila anak pindah, periksa bila banyak",
            n.str.slice(0, 4),
            pl.lit(own),
        )
    s = s.with_row_index("__i")
    hit = s.filter(code.is_not_null())
    message = pl.coalesce([pl.when(code == c).then(t) for c, t in texts.items()]).alias("m")
    found = hit.select("__i", message)
    out = pl.Series("nik_message", [None] * s.height, dtype=pl.String)
    if found.height:
        out = out.scatter(found.get_column("__i"), found.get_column("m"))
    return s.select("nik", "nik_problem").with_columns(out)


def check_nik(
    niks: pl.Series,
    *,
    kabkota: str | None = None,
    birth_date: pl.Series | None = None,
    sex: pl.Series | None = None,
) -> pl.DataFrame:
    """Per row: ``nik`` (16 digits or null), ``nik_problem``, ``nik_message``, ``nik_severity``."""
    frame = pl.DataFrame({"n": niks.cast(pl.String)})
    if birth_date is not None:
        frame = frame.with_columns(b=birth_date.cast(pl.Date, strict=False))
    if sex is not None:
        frame = frame.with_columns(s=sex.cast(pl.Int32, strict=False))
    out = check_frame(
        frame,
        "n",
        kabkota=kabkota,
        birth_date="b" if birth_date is not None else None,
        sex="s" if sex is not None else None,
    )
    return out.with_columns(nik_severity=severity_expr(pl.col("nik_problem")))


def severity_expr(code: pl.Expr) -> pl.Expr:
    """The severity (``error``/``warning``) of a problem-code column."""
    return code.replace_strict({k: v[0] for k, v in PROBLEMS.items()}, default=None, return_dtype=pl.String)


def nik_problem(
    nik: str | None,
    *,
    kabkota: str | None = None,
    birth_date: date | None = None,
    sex: int | None = None,
) -> str | None:
    """The problem code of one NIK (see the table above), or None when it is valid."""
    out = check_nik(
        pl.Series([nik], dtype=pl.String),
        kabkota=kabkota,
        birth_date=None if birth_date is None else pl.Series([birth_date], dtype=pl.Date),
        sex=None if sex is None else pl.Series([sex], dtype=pl.Int32),
    )
    return out.item(0, "nik_problem")


def _hmac_sha256(key: bytes):
    """A function computing HMAC-SHA256 (RFC 2104) with ``key``, the pads hashed once.

    Copying the pre-fed inner and outer hash states is 3–4× faster per value than ``hmac.digest``.
    """
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(message: bytes) -> str:
        i = inner.copy()
        i.update(message)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return digest


def nik_hash(niks: pl.Series, key: bytes | str) -> pl.Series:
    """HMAC-SHA256 (hex) of each NIK under a secret ``key``; null stays null.

    Pass cleaned NIKs (``check_nik(...)["nik"]``). Each distinct value is hashed once.
    """
    if isinstance(key, str):
        key = key.encode()
    if not key:
        raise ValueError("nik_hash needs a non-empty secret key")
    digest = _hmac_sha256(key)
    s = niks.cast(pl.String)
    unique = s.drop_nulls().unique()
    hashed = pl.Series([digest(v.encode()) for v in unique.to_list()], dtype=pl.String)
    table = pl.DataFrame({"v": unique, "h": hashed})
    out = pl.DataFrame({"v": s}).join(table, on="v", how="left", maintain_order="left")
    return out.get_column("h").rename(niks.name)


def nik_hash_one(nik: str, key: bytes | str) -> str:
    """:func:`nik_hash` of one NIK (equal to ``hmac.new(key, nik, sha256).hexdigest()``)."""
    return hmac.new(key.encode() if isinstance(key, str) else key, nik.encode(), hashlib.sha256).hexdigest()


def mask_expr(nik: pl.Expr) -> pl.Expr:
    """``3211********0001``: the district and the serial, the rest hidden (null stays null)."""
    return pl.concat_str(nik.str.slice(0, 4), pl.lit("*" * 8), nik.str.slice(12, 4))


def nik_mask(niks: pl.Series) -> pl.Series:
    """:func:`mask_expr` over a Series of cleaned NIKs."""
    return (
        pl.DataFrame({"n": niks.cast(pl.String)}).select(mask_expr(pl.col("n"))).to_series().rename(niks.name)
    )
