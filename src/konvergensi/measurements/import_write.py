"""Writing a checked e-PPGBM import (the commit): the prepared rows compared with what the round
stores *now*, then written all or nothing.

SQLite: the rows go into the staging table in chunks (each its own transaction, so the progress
bar moves), then, in one short transaction, the replaced children are removed and the staged rows
become measurements. PostgreSQL: the check already COPYs its prepared rows into an UNLOGGED table
of the import's own (:class:`StagingCopy`: no index, no constraint, the server parsing one part
while the client checks the next); the commit is one transaction that removes the replaced
children, inserts the staged rows that are still to be written in the order of the unique index
(``INSERT … SELECT … ORDER BY child_key``) and drops the staging table. Analyses see the whole
import or none of it; nothing reaches the measurement table before the commit."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.imports import services as pipeline
from konvergensi.imports.models import Import, ImportStatus
from konvergensi_core import duplicates, eppgbm

from .models import Measurement, MeasurementRound, MeasurementStaging

WRITE_ROWS = 20_000


def round_of(imp: Import) -> MeasurementRound:
    return MeasurementRound.objects.select_related("kabkota").get(pk=imp.params["round"])


def _workdir(imp: Import) -> Path:
    return pipeline.workdir(imp)


def _parts(folder: Path, prefix: str) -> list[Path]:
    return sorted(folder.glob(f"{prefix}-*.parquet"))


def write_part(frame: pl.DataFrame, path: Path) -> None:
    """A work file of the check (read once or twice, deleted with the work folder): LZ4 without
    column statistics writes twice as fast as the default zstd (bench/README.md, issue 20)."""
    frame.write_parquet(path, compression="lz4", statistics=False)


def _stored(round_id: int, *, with_ids: bool = False) -> pl.DataFrame:
    """The round's children with the values a re-import compares (and their ids)."""
    fields = ["child_key", "sex", "birth_date", "visit_date", "age_days", "weight", "lenhei", "measure",
              "oedema", "lila", "desa_id", "posyandu"]  # fmt: skip
    schema = {"child_key": pl.String, "sex": pl.Int64, "birth_date": pl.Date, "visit_date": pl.Date,
              "age_days": pl.Int64, "weight": pl.Float64, "lenhei": pl.Float64, "measure": pl.Int64,
              "oedema": pl.Boolean, "lila": pl.Float64, "desa_kode": pl.String, "posyandu": pl.String}  # fmt: skip
    if with_ids:
        fields, schema = [*fields, "id"], {**schema, "id": pl.Int64}
    data = list(Measurement.objects.of_rounds([round_id]).values_list(*fields))
    frame = pl.DataFrame(data, schema=schema, orient="row")
    # Stored text is "" where the file had nothing; the parser gives null.
    return frame.with_columns(posyandu=pl.when(pl.col("posyandu") != "").then(pl.col("posyandu")))


# Columns written to the measurement table, in this order (COPY and INSERT alike).
TEXT_COLUMNS = ("posyandu", "child_key", "nik_hash", "nik_masked", "nama", "nama_ortu", "alamat", "rt", "rw")
VALUE_COLUMNS = (
    "birth_date", "sex", "visit_date", "age_days", "weight", "lenhei", "measure", "oedema", "lila",
    "zlen", "zwei", "zwfl", "zbmi", "flen", "fwei", "fwfl", "fbmi",
    *eppgbm.INDICATORS,
)  # fmt: skip
VALID_COLUMN = {  # the denominator of each indicator in parse_export's rows
    "stunted": "valid_len",
    "severely_stunted": "valid_len",
    "wasted": "valid_wfl",
    "severely_wasted": "valid_wfl",
    "overweight": "valid_wfl",
    "underweight": "valid_wei",
}
# What a prepared part keeps when its rows are staged (PostgreSQL): what the commit compares with
# what the round stores then (``_to_write``).
PREPARED_COMPARED = frozenset({"row", "accepted", "duplicate", "child_key", "action", *duplicates.COMPARED})
TEXT_LIMITS = {"posyandu": 120, "nama": 120, "nama_ortu": 120, "alamat": 200, "rt": 8, "rw": 8}


# --- the commit ----------------------------------------------------------------------------------


def _to_write(part: Path, stored: pl.DataFrame) -> pl.DataFrame:
    """A prepared part's rows to add or replace, against what the round stores now."""
    prepared = pl.read_parquet(part)
    actions = duplicates.import_actions(prepared.drop("action"), stored)
    return actions.filter(pl.col("action").is_in(["add", "replace"]))


def _table(frame: pl.DataFrame, imp: Import) -> pl.DataFrame:
    """The frame as the staging table's columns, in the order of ``COLUMNS``."""
    out = frame.select(
        import_id=pl.lit(imp.pk.hex),
        round_id=pl.lit(int(imp.params["round"]), pl.Int64),
        kabkota_id=pl.lit(imp.kabkota_id),
        provinsi_id=pl.lit(imp.kabkota_id[:2]),  # the partition key on PostgreSQL (partitions.py)
        desa_id=pl.col("desa_kode"),
        puskesmas_id=pl.col("puskesmas_id"),
        **{c: pl.col(c).cast(pl.String).fill_null("").str.slice(0, TEXT_LIMITS.get(c, 64))
           if c in frame.columns else pl.lit("") for c in TEXT_COLUMNS},
        **{c: pl.col(c) for c in VALUE_COLUMNS},
        source_import_id=pl.lit(imp.pk.hex),
        source_row=pl.col("row"),
    )  # fmt: skip
    # An indicator is NULL where its index is missing or flagged: it is then in no denominator.
    valid = {m: VALID_COLUMN[m] for m in eppgbm.INDICATORS}
    return out.with_columns(
        oedema=pl.col("oedema").fill_null(False),
        measure=pl.col("measure").fill_null(0),
        **{f: pl.col(f).cast(pl.Boolean) for f in ("flen", "fwei", "fwfl", "fbmi")},
        **{m: pl.when(frame.get_column(v).fill_null(False)).then(pl.col(m)) for m, v in valid.items()},
    )


# The columns a measurement takes from the staging table.
COLUMNS = ["round_id", "kabkota_id", "provinsi_id", "desa_id", "puskesmas_id", *TEXT_COLUMNS, *VALUE_COLUMNS,
           "source_import_id", "source_row"]  # fmt: skip


def _csv(frame: pl.DataFrame, imp: Import) -> bytes:
    """Rows as the COPY's CSV. Text is never null here (""), so an unquoted empty field is NULL and
    a quoted one is an empty string."""
    buffer = io.BytesIO()
    _table(frame, imp).select(COLUMNS).write_csv(
        buffer, include_header=False, null_value="", quote_style="non_numeric", date_format="%Y-%m-%d"
    )
    return buffer.getvalue()


STAGING_PREFIX = "measurements_staging_"


def staging_table(imp: Import) -> str:
    """PostgreSQL: the name of the import's own staging table."""
    return f"{STAGING_PREFIX}{imp.pk.hex}"


def drop_staging(imp: Import) -> None:
    """PostgreSQL: the import's staging table goes (commit, "Batal", expiry, a new check)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {staging_table(imp)}")


def sweep_staging() -> int:
    """PostgreSQL: drop the staging tables of imports that no longer await their commit (committed,
    cancelled, expired, or whose row is gone) but kept their table — a crash between the end of an
    import and its cleanup. The tables of imports still staged, checked or committing stay."""
    if connection.vendor != "postgresql":
        return 0
    prefix = STAGING_PREFIX
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
            [prefix.replace("_", r"\_") + "%"],
        )
        tables = {name[len(prefix) :]: name for (name,) in cur.fetchall()}
        waiting = {
            pk.hex
            for pk in Import.objects.filter(
                pk__in=[h for h in tables if _is_hex_uuid(h)],
                status__in=(ImportStatus.STAGED, ImportStatus.CHECKED, ImportStatus.COMMITTING),
            ).values_list("pk", flat=True)
        }
        gone = [name for key, name in tables.items() if key not in waiting]
        for name in gone:
            cur.execute(f'DROP TABLE IF EXISTS "{name}"')
    return len(gone)


def _is_hex_uuid(text: str) -> bool:
    import uuid

    try:
        return uuid.UUID(hex=text).hex == text
    except ValueError:
        return False


class StagingCopy:
    """PostgreSQL, during the check: the rows to save COPYed into an UNLOGGED table of the import's
    own (the measurement table's columns, no index, no constraint, no write-ahead log), one COPY for
    the whole check, its slices queued to psycopg's writer thread — the server parses a part on the
    second core while the client checks the next; the duplicates found afterwards are discarded.
    Elsewhere (SQLite) it does nothing. The rows are personal data as much as the work folder's
    files: they go with them (``drop_staging``)."""

    def __init__(self, imp: Import) -> None:
        self.imp = imp
        self.rows = 0
        self._copy = None
        self._stack = None

    def __enter__(self) -> StagingCopy:
        if connection.vendor != "postgresql":
            return self
        import contextlib

        from psycopg.copy import QueuedLibpqWriter

        table = staging_table(self.imp)
        drop_staging(self.imp)
        self._stack = contextlib.ExitStack()
        cur = self._stack.enter_context(connection.cursor())
        cur.execute(
            f"CREATE UNLOGGED TABLE {table} AS SELECT {', '.join(COLUMNS)} "  # noqa: S608 - our own names
            f"FROM {Measurement._meta.db_table} WITH NO DATA"
        )
        pg = cur.cursor
        sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv)"  # noqa: S608
        self._copy = self._stack.enter_context(pg.copy(sql, writer=QueuedLibpqWriter(pg)))
        return self

    @property
    def active(self) -> bool:
        return self._copy is not None

    def write(self, frame: pl.DataFrame) -> None:
        if self._copy is None:
            return
        for start in range(0, frame.height, WRITE_ROWS):
            self._copy.write(_csv(frame.slice(start, WRITE_ROWS), self.imp))
        self.rows += frame.height

    def __exit__(self, *exc) -> None:
        if self._stack is not None:
            self._stack.__exit__(*exc)

    def discard(self, rows: list[int]) -> None:
        """After the COPY: the staged rows of these file rows go (found duplicates later)."""
        if self._copy is None or not rows:
            return
        with connection.cursor() as cur:
            cur.execute(
                f"DELETE FROM {staging_table(self.imp)} WHERE source_row = ANY(%s)",  # noqa: S608
                [rows],
            )
            self.rows -= cur.rowcount


def _stage(frame: pl.DataFrame, imp: Import) -> None:
    """SQLite: insert rows into the staging table (no index, no foreign key), in the caller's
    transaction. (PostgreSQL stages during the check: :class:`StagingCopy`.)"""
    table = MeasurementStaging._meta.db_table
    cols = ["import_id", *COLUMNS]
    # SQLite stores dates as ISO text (Python 3.12 deprecates the implicit date adapter).
    data = (
        _table(frame, imp)
        .select(cols)
        .with_columns(pl.col("birth_date", "visit_date").dt.strftime("%Y-%m-%d"))
    )
    placeholders = ", ".join(["%s"] * len(cols))
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders})",  # noqa: S608 - our own names
            data.iter_rows(),
        )


def _check_desa(codes: list[str]) -> None:
    """Every desa the rows to write name is an official desa: what the foreign key checked row by
    row, done once for the import's few hundred codes, in the commit's transaction. On PostgreSQL the
    desa are locked (``FOR KEY SHARE``, as a foreign key locks them) until it commits."""
    from konvergensi.wilayah.models import Region

    table = Region._meta.db_table
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    found: set[str] = set()
    with connection.cursor() as cur:
        for start in range(0, len(codes), 500):
            batch = codes[start : start + 500]
            cur.execute(
                f"SELECT kode FROM {table} WHERE level = 'desa' AND kode IN "  # noqa: S608 - our own names
                f"({', '.join(['%s'] * len(batch))}){lock}",
                batch,
            )
            found.update(r[0] for r in cur.fetchall())
    if len(found) != len(set(codes)):
        raise ValidationError(
            _("Sebagian desa berkas ini tidak ada lagi di daftar wilayah: periksa berkas sekali lagi.")
        )


def _publish_staged(imp: Import) -> int:
    """In the caller's transaction: drop the round's rows of the children this import replaces, then
    insert the staged rows as measurements (written once), then empty the staging."""
    m, st = Measurement._meta.db_table, MeasurementStaging._meta.db_table
    key = imp.pk.hex
    cols = ", ".join(COLUMNS)
    with connection.cursor() as cur:
        cur.execute(f"SELECT DISTINCT desa_id FROM {st} WHERE import_id = %s", [key])  # noqa: S608
        _check_desa([r[0] for r in cur.fetchall()])
        cur.execute(
            f"DELETE FROM {m} WHERE round_id = %s AND child_key IN "  # noqa: S608 - our own names
            f"(SELECT child_key FROM {st} WHERE import_id = %s)",
            [int(imp.params["round"]), key],
        )
        cur.execute(
            f"INSERT INTO {m} ({cols}) SELECT {cols} FROM {st} WHERE import_id = %s",  # noqa: S608
            [key],
        )
        inserted = cur.rowcount
        cur.execute(f"DELETE FROM {st} WHERE import_id = %s", [key])  # noqa: S608 - our own names
    return inserted


def import_commit(
    *, imp: Import, scope: Scope, by, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Write a checked import claimed by the pipeline: staged in chunks (progress), then made
    measurements at once, marked committed in the same transaction."""
    rnd = round_of(imp)
    require(scope, Permission.MEASUREMENT_IMPORT, rnd.kabkota_id)
    locks.require_open(rnd.kabkota_id, rnd.tahun, 7)  # the approval lock (docs/aksi.md)
    parts = _parts(_workdir(imp), "prepared")
    if not parts:
        raise ValidationError(_("Periksa berkas dulu sebelum menyimpan."))
    counts = (imp.summary or {}).get("counts", {})
    total = int(counts.get("add", 0) + counts.get("replace", 0)) or 1
    if connection.vendor == "postgresql":
        return _commit_in_one_transaction(
            imp=imp, rnd=rnd, parts=parts, total=total, by=by, progress=progress
        )
    done = replaced = 0
    try:
        stored = _stored(rnd.pk)  # what the round holds now (another import may have come in)
        for part in parts:
            frame = _to_write(part, stored)
            replaced += int((frame.get_column("action") == "replace").sum())
            for start in range(0, frame.height, WRITE_ROWS):
                with transaction.atomic():
                    _stage(frame.slice(start, WRITE_ROWS), imp)
                done += min(WRITE_ROWS, frame.height - start)
                if progress:
                    progress(min(done, total), max(total, done))
        del stored
        with transaction.atomic():
            MeasurementRound.objects.select_for_update().filter(pk=rnd.pk).first()  # one commit at a time
            written = _publish_staged(imp)
            result = {"added": written - replaced, "replaced": replaced}
            pipeline.mark_committed(imp, result)
            audit(by=by, action="measurement.import", target=imp, region_kode=rnd.kabkota_id,
                  data={"round": rnd.pk, **result})  # fmt: skip
    except Exception:
        MeasurementStaging.objects.filter(import_id=imp.pk).delete()
        raise
    return result


def _commit_in_one_transaction(
    *, imp: Import, rnd: MeasurementRound, parts: list[Path], total: int, by,
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:  # fmt: skip
    """PostgreSQL: the whole commit is one transaction, from the import's staging table (filled by
    the check, :class:`StagingCopy`): the replaced children removed, the staged rows still to be
    written inserted in the unique index's order (its pages then fill one after the other instead of
    at random: ~7 s less for a million rows, bench/README.md), the staging table dropped. When the
    round stores nothing (a first import) every staged row is an addition; otherwise the prepared
    rows are compared with what the round stores now, under the round's lock. The progress is told
    through ``progress``, which the task writes on a connection of its own
    (``jobs.services.job_progress_aside``) so that the page sees it."""
    st = staging_table(imp)
    cols = ", ".join(COLUMNS)
    counts = (imp.summary or {}).get("counts", {})
    staged = int(counts.get("add", 0) + counts.get("replace", 0) + counts.get("unchanged", 0))
    with transaction.atomic(), connection.cursor() as cur:
        MeasurementRound.objects.select_for_update().filter(pk=rnd.pk).first()  # one commit at a time
        m = _partition_of(cur, rnd.kabkota_id[:2])
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [st])
        if not cur.fetchone()[0]:  # never checked here, or the server lost the UNLOGGED table
            raise ValidationError(_("Data yang diperiksa tidak ditemukan lagi: periksa berkas sekali lagi."))
        if progress:
            progress(0, total)
        cur.execute(f"SELECT DISTINCT desa_id FROM {st}")  # noqa: S608 - our own names
        _check_desa([r[0] for r in cur.fetchall()])
        if not Measurement.objects.of_rounds([rnd.pk]).exists():
            cur.execute(f"INSERT INTO {m} ({cols}) SELECT {cols} FROM {st} ORDER BY child_key")  # noqa: S608
            written, replaced, expected = cur.rowcount, 0, staged
        else:
            stored = _stored(rnd.pk, with_ids=True)  # read under the lock: nothing changes it now
            rows: list[int] = []
            replaced = 0
            for part in parts:
                frame = _to_write(part, stored)
                replacing = frame.filter(pl.col("action") == "replace").get_column("child_key")
                if replacing.len():
                    ids = stored.filter(pl.col("child_key").is_in(replacing.implode())).get_column("id")
                    Measurement.objects.filter(pk__in=ids.to_list()).delete()
                replaced += replacing.len()
                rows += frame.get_column("row").to_list()
            del stored
            cur.execute(
                f"INSERT INTO {m} ({cols}) SELECT {cols} FROM {st} "  # noqa: S608 - our own names
                "WHERE source_row = ANY(%s) ORDER BY child_key",
                [rows],
            )
            written, expected = cur.rowcount, len(rows)
        if written != expected:  # the staging table is not what the check left: nothing is written
            raise ValidationError(_("Data yang diperiksa tidak ditemukan lagi: periksa berkas sekali lagi."))
        cur.execute(f"DROP TABLE {st}")
        if progress:
            progress(total, total)
        result = {"added": written - replaced, "replaced": replaced}
        pipeline.mark_committed(imp, result)
        audit(by=by, action="measurement.import", target=imp, region_kode=rnd.kabkota_id,
              data={"round": rnd.pk, **result})  # fmt: skip
    return result


def _partition_of(cur, provinsi: str) -> str:
    """PostgreSQL: the partition of the province, where an import's rows go (all of one district,
    hence one province), written to directly — the database then checks one partition bound per row
    instead of routing each row (~1 s less for a million rows, bench/README.md); the table itself
    when it is not partitioned or the province has no partition of its own (the default one)."""
    from . import partitions

    cur.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass AND pg_get_expr(c.relpartbound, c.oid) = %s",
        [partitions.TABLE, f"FOR VALUES IN ('{provinsi}')"],
    )
    row = cur.fetchone()
    return row[0] if row else partitions.TABLE


def analyze_partition(rnd: MeasurementRound) -> None:
    """PostgreSQL: fresh statistics of the partition a large import filled (the pipeline calls it
    through the importer, ``dbstats``). Without them the planner guesses a handful of rows for the round and
    reads it through the wrong index (the round's aggregates took 4–6 s instead of 1.3 s after a
    500,000-row import, bench/README.md); autovacuum would analyze it only later. ANALYZE samples a
    fixed number of rows: well under a second."""
    from . import partitions

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT tableoid::regclass::text FROM {partitions.TABLE} "  # noqa: S608 - our own names
            "WHERE round_id = %s AND provinsi_id = %s LIMIT 1",
            [rnd.pk, rnd.kabkota_id[:2]],
        )
        row = cur.fetchone()
        if row:
            cur.execute(f'ANALYZE "{row[0]}"')
