"""The data-quality panel of a round, cold and warm, at every level of reader (never timed unit
tests). Run: `.venv/bin/python bench/quality.py [--repeat N] [--profile] [--json out.json]`
(SQLite; or PostgreSQL with `DATABASE_URL`).

Builds the demo as `bench/run.py` does (official regions, then the demo round of Sumedang,
Februari 2026, ~111,500 children, 277 desa), then for each reader — the district health office
(sees the whole district), a kecamatan, a puskesmas, a desa — times ``repeat`` runs of:

- **cold**: the cache emptied, nothing computed (e.g. the cache lost, or a week after the import);
- **after import**: the cache emptied, then what the worker does after each commit
  (``measurements.tasks.warm``, then the task it queues: ``warm_areas``), then the first visit;
- **warm**: the same page again.

The panel's page and its charts (everything a browser fetches to show the panel) are timed
together, one after the other; a cold visit is also given for the page alone (the charts are images
of their own since 2026-12-07). ``--profile`` prints where a cold visit of the district and of the kecamatan spends its
time (cProfile, by cumulative time). Prints medians.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import sys
import tempfile
import time

READERS = (
    ("district", "dinkes-sumedang"),
    ("kecamatan", "kec-wado"),
    ("puskesmas", "pkm-wado"),
    ("desa", "desa-cimungkal"),
)


def _visit(client, url: str) -> tuple[float, float]:
    """Server time of the panel's page, and of the panel as a browser shows it: the page, then
    every chart it links (one after the other; a browser fetches them side by side)."""
    t = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = time.perf_counter() - t
    for src in re.findall(r'<img[^>]+src="([^"]+/kualitas/grafik/[^"]+)"', response.content.decode()):
        chart = client.get(src.replace("&amp;", "&"))
        assert chart.status_code == 200, (src, chart.status_code)
    return page, time.perf_counter() - t


def measure(repeat: int, profile: bool) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from konvergensi.measurements import tasks
    from konvergensi.measurements.models import MeasurementRound

    def warm(rnd) -> None:  # everything the worker does after a commit
        tasks.warm(rnd)
        if hasattr(tasks, "warm_areas"):  # (absent before the kecamatan were warmed)
            tasks.warm_areas(rnd)

    settings.ALLOWED_HOSTS = ["*"]
    rnd = MeasurementRound.objects.filter(kabkota_id="32.11").order_by("-tanggal_mulai").first()
    url = f"/pengukuran/putaran/{rnd.pk}/kualitas/"
    users = get_user_model().objects
    results: dict = {"round": rnd.nama, "children": rnd.measurements.count(), "levels": {}}
    print(f"round {rnd.nama}: {results['children']} children; medians of {repeat} runs")
    clients = {}
    for level, username in READERS:
        clients[level] = Client()
        clients[level].force_login(users.get(username=username))
        clients[level].get(url)  # templates and translations loaded once
    runs = {level: {"cold_page": [], "cold": [], "after_import": [], "warm": []} for level, _ in READERS}
    worker = []
    for _ in range(repeat):
        for level, _ in READERS:
            cache.clear()
            page, whole = _visit(clients[level], url)
            runs[level]["cold_page"].append(page)
            runs[level]["cold"].append(whole)
        cache.clear()
        t = time.perf_counter()
        warm(rnd)
        worker.append(time.perf_counter() - t)
        for level, _ in READERS:
            runs[level]["after_import"].append(_visit(clients[level], url)[1])
            runs[level]["warm"].append(_visit(clients[level], url)[1])
    for level, username in READERS:
        row = {k: round(1000 * statistics.median(v)) for k, v in runs[level].items()}
        results["levels"][level] = row
        print(f"{level:<10} ({username:<15}) cold: page {row['cold_page']:6d} ms, with its charts "
              f"{row['cold']:6d} ms  after import {row['after_import']:6d} ms  warm {row['warm']:6d} ms")  # fmt: skip
    results["worker_s"] = round(statistics.median(worker), 2)
    print(f"the worker after a commit (empty cache): median {results['worker_s']:.2f} s")
    if profile:
        for level, username in READERS[:3]:
            client = Client()
            client.force_login(users.get(username=username))
            client.get(url)
            cache.clear()
            profiler = cProfile.Profile()
            profiler.enable()
            _visit(client, url)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            print(f"\n--- cold visit, {level} ({username}) ---")
            print(out.getvalue())
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "5")))
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json", help="also write the medians to this file")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="konvergensi-bench-")
    os.environ.setdefault("KONVERGENSI_VAR_DIR", tmp)
    os.environ.setdefault("KONVERGENSI_DEMO", "1")
    os.environ.setdefault("KONVERGENSI_TESTING", "1")  # plain static storage; the in-memory cache
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    import django
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from django.db import connection

        from konvergensi.demo import demo_load
        from konvergensi.wilayah.services import region_load

        print(f"database: {connection.vendor}")
        t = time.perf_counter()
        region_load()
        demo_load(tahun=2026)
        print(f"regions and demo loaded in {time.perf_counter() - t:.0f} s")
        results = measure(args.repeat, args.profile)
        results["database"] = connection.vendor
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(results, f, indent=2)
    finally:
        teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
