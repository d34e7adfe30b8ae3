"""Which rows of a measurement round are the same child, and what a re-import changes.

**Identity.** Within one round a child is identified by, in this order:

1. the NIK hash (``nik:<hash>``) when the row has a usable NIK;
2. else the normalised name + birth date + sex + desa (``anak:<name>|<date>|<sex>|<desa>``) — the name
   lower-cased, everything but letters and digits dropped, spaces collapsed;
3. else, when the name or birth date is missing too, the row's own content (``baris:<birth date or
   age>|<sex>|<desa>|<visit date>|<weight>|<length>``): such a row cannot be followed across
   rounds, but importing the same file twice still finds it again.

**Duplicates in a file.** When the same child appears more than once among the accepted rows of a
round, the row with the LATEST visit date is kept (ties: the last row of the file); the others are
marked ``duplicate`` and rejected with a warning naming the kept row.

**Re-import.** Each kept row is compared with what the round already stores for the same child:
``add`` (not stored yet), ``unchanged`` (every compared value equal — numbers to 3 decimals, nulls
equal to nulls), ``replace`` (some value differs); rejected and duplicate rows are ``reject``. A child
stored but absent from the file is left alone: an import never deletes. Importing the same file
twice therefore changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from .eppgbm import PROBLEM_SCHEMA

# Values whose change makes a stored measurement "replace"d (those present in both frames are compared).
COMPARED = (
    "sex",
    "birth_date",
    "visit_date",
    "age_days",
    "weight",
    "lenhei",
    "measure",
    "oedema",
    "lila",
    "head_circumference",
    "desa_kode",
    "posyandu",
)


def name_key_expr(name: pl.Expr) -> pl.Expr:
    """``"  Siti  Nur'aini "`` → ``"siti nuraini"``."""
    text = name.cast(pl.String).str.to_lowercase().str.replace_all(r"['`’]", "")
    text = text.str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()
    return pl.when(text != "").then(text)


def child_key_expr(
    *,
    nik_hash: str = "nik_hash",
    nama: str = "nama",
    birth_date: str = "birth_date",
    sex: str = "sex",
    desa: str = "desa_kode",
    visit_date: str = "visit_date",
    age_days: str = "age_days",
    weight: str = "weight",
    lenhei: str = "lenhei",
) -> pl.Expr:
    """The identity of each row's child as a string (see the module docstring)."""

    def text(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.String)

    by_person = pl.concat_str(
        pl.lit("anak:"),
        name_key_expr(pl.col(nama)),
        pl.lit("|"),
        text(birth_date),
        pl.lit("|"),
        text(sex),
        pl.lit("|"),
        text(desa),
    )  # null when any part is null
    by_content = pl.concat_str(
        [
            pl.lit("baris:"),
            pl.coalesce(text(birth_date), pl.concat_str(pl.lit("u"), text(age_days))).fill_null(""),
            pl.lit("|"),
            text(sex).fill_null(""),
            pl.lit("|"),
            text(desa).fill_null(""),
            pl.lit("|"),
            text(visit_date).fill_null(""),
            pl.lit("|"),
            pl.col(weight).round(3).cast(pl.String).fill_null(""),
            pl.lit("|"),
            pl.col(lenhei).round(3).cast(pl.String).fill_null(""),
        ]
    )
    return pl.coalesce(pl.concat_str(pl.lit("nik:"), text(nik_hash)), by_person, by_content)


def mark_duplicates(
    rows: pl.DataFrame,
    *,
    key: str = "child_key",
    visit_date: str = "visit_date",
    row: str = "row",
    accepted: str = "accepted",
) -> pl.DataFrame:
    """``rows`` with ``duplicate`` (bool) and ``kept_row`` (the row kept for that child; null when
    the row is itself kept or not accepted). Only accepted rows take part."""
    candidates = pl.col(accepted) & pl.col(key).is_not_null()
    ranked = rows.with_columns(__i=pl.int_range(pl.len()))
    kept = (
        ranked.filter(candidates)
        .sort([visit_date, row, "__i"], nulls_last=False)
        .group_by(key, maintain_order=True)
        .agg(__kept_row=pl.col(row).last(), __kept_i=pl.col("__i").last())
    )
    out = ranked.join(kept, on=key, how="left", maintain_order="left", nulls_equal=False)
    duplicate = candidates & pl.col("__kept_i").is_not_null() & (pl.col("__kept_i") != pl.col("__i"))
    return out.with_columns(
        duplicate=duplicate.fill_null(False),
        kept_row=pl.when(duplicate.fill_null(False)).then(pl.col("__kept_row")),
    ).drop("__i", "__kept_row", "__kept_i")


def duplicate_problems(
    marked: pl.DataFrame, *, row: str = "row", visit_date: str = "visit_date"
) -> pl.DataFrame:
    """One problem (warning, rejecting the row) per duplicate, naming the kept row; the problem
    frame of :func:`konvergensi_core.eppgbm.parse_export`."""
    kept_visit = marked.select(pl.col(row).alias("kept_row"), pl.col(visit_date).alias("__kept_visit"))
    dups = marked.filter(pl.col("duplicate")).join(
        kept_visit, on="kept_row", how="left", maintain_order="left"
    )
    same_day = pl.col(visit_date) == pl.col("__kept_visit")
    message = (
        pl.when(same_day)
        .then(
            pl.format(
                "Anak yang sama tercatat lagi di baris {} dengan tanggal ukur yang sama: baris itu yang dipakai",
                pl.col("kept_row"),
            )
        )
        .otherwise(
            pl.format(
                "Anak yang sama tercatat lagi di baris {} dengan tanggal ukur lebih baru ({}): baris itu yang dipakai",
                pl.col("kept_row"),
                pl.col("__kept_visit").dt.strftime("%d-%m-%Y"),
            )
        )
    )
    return dups.select(
        row=pl.col(row).cast(pl.Int64),
        column=pl.lit(""),
        value=pl.lit(""),
        code=pl.lit("duplicate"),
        message=message,
        severity=pl.lit("warning"),
        reject=pl.lit(True),
    ).cast(pl.Schema(PROBLEM_SCHEMA))


def import_actions(
    incoming: pl.DataFrame,
    stored: pl.DataFrame,
    *,
    key: str = "child_key",
    values: Sequence[str] = COMPARED,
    accepted: str = "accepted",
    duplicate: str = "duplicate",
) -> pl.DataFrame:
    """``incoming`` with ``action``: ``add`` | ``replace`` | ``unchanged`` | ``reject``.

    ``stored`` holds the round's stored children: ``key`` and the compared ``values`` (those present
    in both frames). ``incoming`` needs ``key`` and ``accepted`` (and ``duplicate`` if marked).
    """
    compared = [v for v in values if v in incoming.columns and v in stored.columns and v != key]
    latest = stored.select(key, *compared).unique(subset=[key], keep="last", maintain_order=True)
    renamed = latest.rename({v: f"__stored_{v}" for v in compared}).with_columns(__found=pl.lit(True))
    out = incoming.with_columns(__i=pl.int_range(pl.len())).join(
        renamed, on=key, how="left", maintain_order="left"
    )

    def same(v: str) -> pl.Expr:
        a, b = pl.col(v), pl.col(f"__stored_{v}")
        dtype = incoming.schema[v]
        if dtype.is_float() or stored.schema[v].is_float():
            a, b = a.cast(pl.Float64).round(3), b.cast(pl.Float64).round(3)
        elif dtype != stored.schema[v]:
            a, b = a.cast(pl.String), b.cast(pl.String)
        return a.eq_missing(b)

    rejected = ~pl.col(accepted).fill_null(False)
    if duplicate in incoming.columns:
        rejected = rejected | pl.col(duplicate).fill_null(False)
    identical = pl.all_horizontal([same(v) for v in compared]) if compared else pl.lit(True)
    action = (
        pl.when(rejected)
        .then(pl.lit("reject"))
        .when(pl.col("__found").is_null())
        .then(pl.lit("add"))
        .when(identical)
        .then(pl.lit("unchanged"))
        .otherwise(pl.lit("replace"))
    )
    return out.with_columns(action=action).drop("__i", "__found", *[f"__stored_{v}" for v in compared])
