"""The measurement table partitioned by province on PostgreSQL (issue 20, docs/scale.md).

``measurements_measurement`` is the one table that grows with the nation (two rounds of ~10 million
children a year). On PostgreSQL it is a declaratively partitioned table, ``PARTITION BY LIST
(provinsi_id)``: one partition per province of the shipped region list (``measurements_measurement_p32``
for Jawa Barat…) and a default partition for a province code that list does not have yet. The
schema is the one Django's model declares, with two differences PostgreSQL requires of a
partitioned table: the primary key is ``(id, provinsi_id)`` and the unique constraint holds the
province (``measurement_one_per_child``: round, child key, province — a round belongs to one
district, so this is still one row per child and round). ``id`` is taken from a sequence owned by
the column (PostgreSQL 15 has no identity column on a partitioned table).

A distributed PostgreSQL (Citus) takes the same schema with ``provinsi_id`` as the distribution
column (docs/scale.md). SQLite (the embedded default) keeps an ordinary table.

The conversion keeps every row, constraint name and index name, so later Django migrations that
add a column or an index apply to the partitioned table as they would to the plain one.
"""

from __future__ import annotations

import csv
from pathlib import Path

TABLE = "measurements_measurement"
KEY = "provinsi_id"
PROVINCES_CSV = Path(__file__).resolve().parent.parent / "data" / "wilayah" / "provinsi.csv"


def province_codes() -> list[str]:
    """The province codes of the shipped region list (``data/wilayah/provinsi.csv``)."""
    with PROVINCES_CSV.open(encoding="utf-8") as f:
        return sorted(row["kode"] for row in csv.DictReader(f))


def partition_name(code: str | None) -> str:
    return f"{TABLE}_p{code}" if code else f"{TABLE}_default"


def is_partitioned(cursor) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = %s AND pg_table_is_visible(c.oid))",
        [TABLE],
    )
    return bool(cursor.fetchone()[0])


def partitions(cursor) -> dict[str, str]:
    """Partition table name → its bound (``FOR VALUES IN ('32')`` or ``DEFAULT``)."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
        "WHERE p.relname = %s AND pg_table_is_visible(p.oid) ORDER BY c.relname",
        [TABLE],
    )
    return dict(cursor.fetchall())


def _definitions(cursor, table: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The table's constraints (name, type, definition) but NOT NULL and CHECK (``LIKE`` copies
    those), and the definitions of its indexes that back no constraint."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [table],
    )
    return constraints, [r[0] for r in cursor.fetchall()]


def _rebuild(cursor, *, partitioned: bool) -> None:
    """Copy the table into a new one (partitioned or not), keeping rows, names and the id sequence."""
    new = f"{TABLE}_new"
    # Foreign-key checks still pending in this transaction (rows written earlier in it) run now:
    # PostgreSQL does not drop a table with pending trigger events.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    constraints, indexes = _definitions(cursor, TABLE)
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {TABLE}")  # noqa: S608 - our own names
    top = cursor.fetchone()[0]
    clause = f" PARTITION BY LIST ({KEY})" if partitioned else ""
    cursor.execute(
        f"CREATE TABLE {new} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE INCLUDING COMMENTS){clause}"
    )
    if partitioned:
        for code in province_codes():
            cursor.execute(f"CREATE TABLE {partition_name(code)} PARTITION OF {new} FOR VALUES IN ('{code}')")
        cursor.execute(f"CREATE TABLE {partition_name(None)} PARTITION OF {new} DEFAULT")
    columns = ", ".join(_columns(cursor, TABLE))
    cursor.execute(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {TABLE}")  # noqa: S608
    cursor.execute(f"DROP TABLE {TABLE} CASCADE")
    cursor.execute(f"ALTER TABLE {new} RENAME TO {TABLE}")
    sequence = f"{TABLE}_id_seq"
    cursor.execute(f"DROP SEQUENCE IF EXISTS {sequence}")
    if partitioned:
        cursor.execute(f"CREATE SEQUENCE {sequence} AS bigint OWNED BY {TABLE}.id")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, max(top, 1), top > 0])
    else:
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), %s, %s)", [max(top, 1), top > 0]
        )
    for name, kind, definition in constraints:
        if kind == "p":
            definition = f"PRIMARY KEY (id, {KEY})" if partitioned else "PRIMARY KEY (id)"
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    for definition in indexes:
        cursor.execute(definition)


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return [r[0] for r in cursor.fetchall()]


def partition(apps, schema_editor) -> None:
    """Migration step: PostgreSQL gets the partitioned table; other databases are left as they are."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not is_partitioned(cursor):
            _rebuild(cursor, partitioned=True)


def unpartition(apps, schema_editor) -> None:
    """The migration's reverse: an ordinary table again (rows, names and ids kept)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if is_partitioned(cursor):
            _rebuild(cursor, partitioned=False)
