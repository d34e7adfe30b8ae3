"""Benchmarks (never timed unit tests). Run: `make bench` (SQLite) or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/konvergensi_bench make bench`.

Measures the official region load (91,599 rows): a first load into an empty table and a
refresh that finds nothing to change; and the national Pantau Aksi aggregate over 514 districts.
Prints medians over repeated runs.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="konvergensi-bench-")
    os.environ.setdefault("KONVERGENSI_VAR_DIR", tmp)
    os.environ.setdefault("KONVERGENSI_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    import django
    from django.core.management import call_command
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from django.db import connection

        from konvergensi.accounts.scope import Scope
        from konvergensi.aksi import selectors
        from konvergensi.aksi.models import Aksi, Siklus
        from konvergensi.demo import _other_districts
        from konvergensi.wilayah.models import Region
        from konvergensi.wilayah.services import region_load

        print(f"database: {connection.vendor}; repeats: {REPEAT}")
        first, refresh = [], []
        for _ in range(REPEAT):
            Aksi.objects.all().delete()
            Siklus.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {Region._meta.db_table}")  # noqa: S608 (model metadata, not input)
            t = time.perf_counter()
            region_load()
            first.append(time.perf_counter() - t)
            t = time.perf_counter()
            region_load()
            refresh.append(time.perf_counter() - t)
        print(f"wilayah load, empty table  : median {statistics.median(first):.2f} s (min {min(first):.2f})")
        print(
            f"wilayah load, nothing to do: median {statistics.median(refresh):.2f} s (min {min(refresh):.2f})"
        )

        _other_districts(2026, dt.date(2026, 11, 22))
        national = Scope(role="pusat")
        runs = []
        for _ in range(REPEAT * 4):
            t = time.perf_counter()
            selectors.national_rows(scope=national, tahun=2026, today=dt.date(2026, 11, 22))
            runs.append(time.perf_counter() - t)
        print(
            f"national Pantau Aksi rows (514 districts x 8 aksi): median {1000 * statistics.median(runs):.1f} ms"
        )
        call_command("check", verbosity=0)
    finally:
        teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
