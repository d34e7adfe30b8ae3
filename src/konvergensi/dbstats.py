"""Fresh planner statistics after a bulk write.

PostgreSQL's autovacuum analyzes a table some time after it changed; SQLite never does: until
``ANALYZE`` runs its planner has no statistics at all, and it then reads "the desa of a kabupaten"
through the ``level`` index (83,000 rows) instead of the parent links (the completeness page spent
71 ms of SQL instead of 9 ms, bench/README.md). So whoever writes in bulk — an import's commit, the
region load, the demo — refreshes the statistics of what it filled. ANALYZE reads a bounded sample:
0.17 s for the whole demo database on SQLite.
"""

from __future__ import annotations

from django.db import connections

# A write at least this large refreshes the statistics of the tables it filled.
BULK_ROWS = 10_000


def refresh(*tables: str, using: str = "default") -> None:
    """ANALYZE the given tables (our own models' ``db_table`` names)."""
    conn = connections[using]
    with conn.cursor() as cur:
        for table in tables:
            cur.execute(f"ANALYZE {conn.ops.quote_name(table)}")


def refresh_all(using: str = "default") -> None:
    """ANALYZE the whole database (after the demo fills it)."""
    with connections[using].cursor() as cur:
        cur.execute("ANALYZE")
