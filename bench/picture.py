"""The national and provincial picture (issue 18): pages read stored aggregates, O(children).
Run: `.venv/bin/python bench/picture.py [--runs 9]` (SQLite test database; PostgreSQL with
``DATABASE_URL``).

Loads the official regions, generates prevalence figures for all 514 districts (and a coverage
layer) as ``RegionFigure`` rows, rolls them up to the provinces and the nation with the app's own
``rollup``, then times with the Django test client, as the national role: the national page
(``/gambaran/``), a province page (``/gambaran/32/``) and the roll-up of one province + the nation
after one district changes (what a publication adds to its own commit). Prints medians.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> int:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 9
    os.environ.setdefault("KONVERGENSI_VAR_DIR", tempfile.mkdtemp(prefix="konvergensi-bench-"))
    os.environ.setdefault("KONVERGENSI_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    import django
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from konvergensi.accounts.models import Membership, Role
        from konvergensi.picture import services
        from konvergensi.picture.models import RegionFigure
        from konvergensi.wilayah.models import Region
        from konvergensi.wilayah.services import region_load

        region_load()
        rng = random.Random(18)
        districts = list(Region.objects.filter(level="kabkota").values_list("kode", flat=True))
        rows = []
        for kab in districts:
            for key in ("prevalensi-stunted", "cakupan-A01"):
                n = rng.randint(2000, 60000)
                num = int(n * rng.uniform(0.1, 0.4))
                rows.append(services._finish(services.Figure(kab, key, "2026", num, n, n)).row())
        RegionFigure.objects.bulk_create(rows, batch_size=2000)
        t = time.perf_counter()
        for key in ("prevalensi-stunted", "cakupan-A01"):
            for prov in sorted({k[:2] for k in districts}):
                services.rollup(prov, key, "2026")
            services.rollup("", key, "2026")
        print(f"database: {connection.vendor}; districts: {len(districts)}")
        print(
            f"roll-up of every province and the nation, 2 layers: {1000 * (time.perf_counter() - t):.0f} ms"
        )
        user = get_user_model().objects.create_user(username="bench-pusat", password="x-bench-123456")  # noqa: S106 - a throwaway bench account
        Membership.objects.create(user=user, role=Role.PUSAT)
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["testserver"]
        client = Client()
        client.force_login(user)
        for name, url in (("national page", "/gambaran/?lapisan=prevalensi-stunted&tahun=2026"),
                          ("province page (32)", "/gambaran/32/?lapisan=prevalensi-stunted&tahun=2026")):  # fmt: skip
            assert client.get(url).status_code == 200
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
            print(
                f"{name:<20}: median {1000 * statistics.median(times):.1f} ms, {len(response.content)} bytes"
            )
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            services.rollup_up("32.11", ["prevalensi-stunted"], ["2026"])
            times.append(time.perf_counter() - t)
        print(f"one district changed → province + nation: median {1000 * statistics.median(times):.1f} ms")
    finally:
        teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
