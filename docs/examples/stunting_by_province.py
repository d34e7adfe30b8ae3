"""Stunting by province and round, from Konvergensi's national open-data file.

Download the file from the public pages (``/publik/data/konvergensi-nasional.parquet``; the data
dictionary is ``/publik/data/``) or write it with ``konvergensi export opendata -o FILE.parquet``, then:

    python stunting_by_province.py konvergensi-nasional.parquet            # Polars
    python stunting_by_province.py konvergensi-nasional.parquet --duckdb   # DuckDB, the same answer

The province is the first two digits of the district's Kemendagri code; a "round" is the month in which
the districts' measurement rounds start (bulan timbang, e.g. 2026-02), since each district names its
own rounds. The province's prevalence is its districts' published prevalence weighted by the children
measured; a district whose figure was suppressed is left out (``kabkota`` counts those kept).

Polars is what Konvergensi itself uses; DuckDB is not a dependency of Konvergensi (``pip install
duckdb`` where you analyse). Both read a local path or an ``https://`` URL.
"""

from __future__ import annotations

import argparse

import polars as pl

SQL = """\
SELECT left(kabkota_kode, 2) AS provinsi_kode,
       strftime(tanggal_mulai, '%Y-%m') AS bulan,
       count(*) AS kabkota,
       sum(diukur)::BIGINT AS diukur,
       round(100 * sum(stunted_prevalensi * diukur) / sum(diukur), 1) AS stunting_persen
FROM read_parquet($path)
WHERE tingkat = 'kabkota' AND stunted_prevalensi IS NOT NULL
GROUP BY ALL
ORDER BY provinsi_kode, bulan"""


def with_polars(path: str) -> pl.DataFrame:
    """The answer with Polars (lazy: only the columns needed are read)."""
    return (
        pl.scan_parquet(path)
        .filter(pl.col("tingkat") == "kabkota", pl.col("stunted_prevalensi").is_not_null())
        .group_by(
            pl.col("kabkota_kode").str.slice(0, 2).alias("provinsi_kode"),
            pl.col("tanggal_mulai").dt.strftime("%Y-%m").alias("bulan"),
        )
        .agg(
            pl.len().cast(pl.Int64).alias("kabkota"),
            pl.col("diukur").sum(),
            (100 * (pl.col("stunted_prevalensi") * pl.col("diukur")).sum() / pl.col("diukur").sum())
            .round(1)
            .alias("stunting_persen"),
        )
        .sort("provinsi_kode", "bulan")
        .collect()
    )


def with_duckdb(path: str) -> pl.DataFrame:
    """The same answer with DuckDB's SQL (needs ``pip install duckdb``)."""
    import duckdb

    return duckdb.sql(SQL, params={"path": path}).pl()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="konvergensi-nasional.parquet (a path or an https:// URL)")
    parser.add_argument("--duckdb", action="store_true", help="answer with DuckDB instead of Polars")
    args = parser.parse_args()
    answer = (with_duckdb if args.duckdb else with_polars)(args.path)
    with pl.Config(tbl_rows=-1):
        print(answer)


if __name__ == "__main__":
    main()
