"""Benchmarks (never timed unit tests). Run: `make bench` (SQLite) or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/konvergensi_bench make bench`.

Measures the official region load (91,599 rows): a first load into an empty table and a
refresh that finds nothing to change; the server time and size of the main pages with the demo
(all regions, 514 districts' cycles); the first and later visits of a round's data-quality panel
and desa-level page (`python bench/run.py rounds` for those alone); and the national Pantau Aksi
aggregate. Prints medians.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def pages() -> None:
    """Server time of the main pages with the demo (all regions, 514 districts' cycles)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from konvergensi.aksi.models import Aksi
    from konvergensi.demo import demo_load

    settings.ALLOWED_HOSTS = ["*"]
    demo_load(tahun=2026)
    aksi = Aksi.objects.get(siklus__kabkota_id="32.11", siklus__tahun=2026, nomor=1)
    cases = [
        ("bangda", "/pantau/nasional/?tahun=2026"),
        ("prov-jabar", "/pantau/provinsi/32/?tahun=2026"),
        ("bappeda-sumedang", "/pantau/kabkota/32.11/?tahun=2026"),
        ("bappeda-sumedang", f"/aksi/{aksi.pk}/"),
        ("bappeda-sumedang", "/wilayah/32.11/"),
        ("bappeda-sumedang", "/"),
        ("prov-jabar", "/peta/32.geojson"),
    ]
    users = get_user_model().objects
    for username, url in cases:
        client = Client()
        client.force_login(users.get(username=username))
        client.get(url)  # warm caches (templates, boundaries)
        times = []
        size = 0
        for _ in range(REPEAT * 6):
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.content)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(
            f"GET {url:<38} as {username:<17} median {1000 * statistics.median(times):6.1f} ms  p95 {1000 * p95:6.1f} ms  {size / 1024:6.1f} KB"
        )


def round_pages(repeat: int = REPEAT) -> None:
    """First and later visits of the round's heavy pages on the demo round (Sumedang, Februari
    2026, ~110,000 children): the data-quality panel and the round page at desa level, as the
    district health office (sees the whole district) and as a kecamatan. Medians of ``repeat``
    runs of: **cold** — the cache emptied (nothing computed yet); **after import** — the cache
    emptied, then what the worker does after each commit (``measurements.tasks.warm``), then the
    first visit; **warm** — the same page again."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from konvergensi.measurements.models import MeasurementRound
    from konvergensi.measurements.tasks import warm

    settings.ALLOWED_HOSTS = ["*"]
    rnd = MeasurementRound.objects.filter(kabkota_id="32.11").order_by("-tanggal_mulai").first()
    pages = (f"/pengukuran/putaran/{rnd.pk}/kualitas/", f"/pengukuran/putaran/{rnd.pk}/?tingkat=desa")
    users = get_user_model().objects
    for username in ("dinkes-sumedang", "kec-wado"):
        client = Client()
        client.force_login(users.get(username=username))
        for url in pages:
            cold, after, again = [], [], []
            for _ in range(repeat):
                for times, prepare in ((cold, cache.clear), (after, lambda: (cache.clear(), warm(rnd)))):
                    prepare()
                    t = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - t)
                    assert response.status_code == 200, (url, response.status_code)
                t = time.perf_counter()
                client.get(url)
                again.append(time.perf_counter() - t)
            ms = lambda times: f"{1000 * statistics.median(times):7.0f} ms"  # noqa: E731
            print(
                f"GET {url:<38} as {username:<16} cold {ms(cold)}  after import {ms(after)}  warm {ms(again)}"
            )
    t = time.perf_counter()
    warm(rnd)
    print(f"warm() after a commit (cache full: nothing to do): {1000 * (time.perf_counter() - t):.0f} ms")
    cache.clear()
    t = time.perf_counter()
    warm(rnd)
    print(f"warm() after a commit (empty cache): {time.perf_counter() - t:.2f} s")


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="konvergensi-bench-")
    os.environ.setdefault("KONVERGENSI_VAR_DIR", tmp)
    os.environ.setdefault("KONVERGENSI_DEMO", "1")
    os.environ.setdefault("KONVERGENSI_TESTING", "1")  # plain static storage: no collectstatic needed
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
        from konvergensi.wilayah.models import Region
        from konvergensi.wilayah.services import region_load

        print(f"database: {connection.vendor}; repeats: {REPEAT}")
        if "rounds" in sys.argv[1:]:  # `python bench/run.py rounds`: the round pages alone
            from konvergensi.demo import demo_load
            from konvergensi.wilayah.services import region_load

            region_load()
            demo_load(tahun=2026)
            round_pages()
            return 0
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

        pages()
        round_pages()
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
