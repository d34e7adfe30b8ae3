"""Aksi 1 (the situation analysis) recomputed for the district with the most desa, as the operator's
pages run it (never timed unit tests). Run: `.venv/bin/python bench/ansit.py [--runs N]
[--profile] [--json out.json]` (SQLite; or PostgreSQL with `DATABASE_URL`).

Builds a test database: the official regions of the province of the district with the most desa
in the shipped wilayah data (``wilayah.csv``), the district's OPD and an operator account, its
village data through the demo helper (``indicators.demo.village_data``: data sasaran, coverage
values, programme mapping), then every gap of the coverage grid filled through the app's own
service (``indicators.services.value_set``) so that every desa has a value for every main
indicator of the analysis's set (2025: 31 indicators).

Then ``runs`` times the **recompute** the operator does when the data changed, through the web
pages with Django's test client (middleware, permissions, templates: what a browser waits for):

1. ``POST /ansit/<kode>/analisis/baru/`` — a new distribution analysis from the data sasaran at
   desa level (reads the figures, the core's hotspots, stores the analysis and its Aksi 6 notes);
2. ``GET /analisis/<pk>/lokus/?kelayakan=…`` — "Hitung ulang" on the lokus page (reads the
   coverage of every desa and indicator, the core's criteria, ranking and selection);
3. ``POST /analisis/<pk>/lokus/konfirmasi/`` — the lokus list confirmed (ranked again and stored).

Each run's time is split into **reading values** (the selectors' reads of figures, coverage and
desa), **core analysis** (``konvergensi_core.ansit``: hotspots, lokus ranking and selection, the
matrix), **writing results** (the analysis, its notes, the lokus list, the audit events) and
**other** (the rest: request handling, permissions, templates), exclusive times (a call inside
another counts for the inner one), with the SQL statements of each step. Also: the core alone on
the same inputs, and the analysis page (charts), the lokus page and the matrix page after a
recompute, cold (cache emptied) and warm. Prints medians; ``--profile`` prints a cProfile of one
recompute.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import functools
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter

PARTS = ("read", "core", "write", "other")
LOKUS_QUERY = {"kelayakan": "any", "metode": "share", "nilai": "10", "biaya": ""}


class Parts:
    """Exclusive time per category of the wrapped functions (a stack: time inside a nested wrapped
    call is the inner call's), and the SQL statements run."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, float]] = []
        self.totals: Counter = Counter()
        self.queries = 0
        self.sql_seconds = 0.0

    def reset(self) -> None:
        self.stack.clear()
        self.totals = Counter()
        self.queries = 0
        self.sql_seconds = 0.0

    def wrap(self, category: str, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            now = time.perf_counter()
            if self.stack:  # pause the caller's category
                outer, since = self.stack[-1]
                self.totals[outer] += now - since
            self.stack.append((category, now))
            try:
                return fn(*args, **kwargs)
            finally:
                end = time.perf_counter()
                cat, since = self.stack.pop()
                self.totals[cat] += end - since
                if self.stack:
                    outer, _ = self.stack[-1]
                    self.stack[-1] = (outer, end)

        return wrapper

    def sql(self, execute, sql, params, many, context):
        self.queries += 1
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_seconds += time.perf_counter() - t


def instrument(parts: Parts) -> None:
    """Wrap the functions of each category where the app's modules look them up."""
    from konvergensi.ansit import selectors
    from konvergensi.ansit.models import Analysis, DataGapNote
    from konvergensi.ansit.services import analysis as analysis_service
    from konvergensi.ansit.services import lokus as lokus_service
    from konvergensi.ansit.services import units as units_service

    def patch(module, name: str, category: str) -> None:
        setattr(module, name, parts.wrap(category, getattr(module, name)))

    for name in ("coverage", "kabkota_desa", "visible_desa_codes", "lokus_confirmed", "lokus_history"):
        patch(selectors, name, "read")
    patch(units_service, "sasaran_figures", "read")
    patch(analysis_service, "sasaran_figures", "read")
    patch(analysis_service, "_notes", "read")  # reads every coverage value of the period
    for name in ("analyse_hotspots", "rank_lokus", "select_lokus", "prioritisation_matrix"):
        patch(selectors, name, "core")
    for name in ("coarse_coverage", "data_gap_notes"):
        patch(analysis_service, name, "core")
    patch(analysis_service, "audit", "write")
    patch(lokus_service, "_lokus_write", "write")
    Analysis.save = parts.wrap("write", Analysis.save)
    manager = DataGapNote.objects
    manager.bulk_create = parts.wrap("write", manager.bulk_create)


def largest_district(kode: str | None = None) -> tuple[str, str, int]:
    """(kode, nama, desa) of the district with the most desa in the shipped wilayah data (or of
    the district ``kode``)."""
    from konvergensi.wilayah.services import WILAYAH_CSV

    names: dict[str, str] = {}
    desa: Counter = Counter()
    with WILAYAH_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["level"] == "kabkota":
                names[row["kode"]] = row["nama"]
            elif row["level"] == "desa":
                desa[row["kode"][:5]] += 1
    if kode is None:
        kode = max(desa, key=lambda k: (desa[k], k))
    return kode, names[kode], desa[kode]


def _fill(indicators, desa, have: set, *, scope, periode: str, user) -> int:
    """A value (drawn from the positions, 35–100 %) for every desa × indicator cell that has none,
    through the grid's own service."""
    from konvergensi.indicators import services as indicator_services

    filled = 0
    for n, ind in enumerate(indicators):
        for i, d in enumerate(desa):
            if (ind.pk, d.kode) in have:
                continue
            den = 40 + (i * 7 + n * 13) % 400
            num = den * (35 + (i * 11 + n * 17) % 66) // 100
            indicator_services.value_set(
                scope=scope, indicator=ind, desa=d, periode=periode, numerator=num, denominator=den,
                expected_version=0, by=user,
            )  # fmt: skip
            filled += 1
    return filled


def build(kode: str) -> tuple[object, str, dict]:
    """The district's regions, OPD, operator and village data; every main indicator of the 2025
    set filled for every desa (``value_set``). Returns (operator, periode, counts)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from konvergensi.accounts.models import Membership, Role
    from konvergensi.accounts.scope import scope_for_user
    from konvergensi.indicators.demo import village_data
    from konvergensi.indicators.models import DataValue, Indicator
    from konvergensi.indicators.selectors import default_periode
    from konvergensi.wilayah import services as wilayah_services
    from konvergensi.wilayah.models import Region

    User = get_user_model()
    periode = default_periode(timezone.localdate())
    if User.objects.filter(username="bench-operator").exists():  # --keepdb: built by an earlier run
        print("district data kept from an earlier run (--keepdb)")
        return User.objects.get(username="bench-operator"), periode, {"kept": 1}
    t = time.perf_counter()
    wilayah_services.region_load(only_prefixes=(kode[:2],))
    kab = Region.objects.get(kode=kode)
    wilayah_services.opd_create_standard(kabkota=kab)
    user = User.objects.create_user(
        "bench-operator",
        password=None,
        first_name="Bench",  # force_login: no password
    )
    Membership.objects.create(user=user, role=Role.OPERATOR, region=kab)
    print(f"regions of province {kode[:2]} loaded in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    counts = village_data(kode, seed=2026)
    print(f"village data (demo helper) in {time.perf_counter() - t:.1f} s: {counts}")
    t = time.perf_counter()
    scope = scope_for_user(user)
    indicators = [i for i in Indicator.objects.filter(set="2025") if i.is_main and not i.is_count]
    desa = list(Region.objects.filter(level="desa", kode__startswith=kode + ".").order_by("kode"))
    have = set(
        DataValue.objects.filter(kabkota_id=kode, periode=periode, indicator__in=indicators)
        .exclude(denominator__isnull=True)
        .values_list("indicator_id", "desa_id")
    )
    filled = 0
    with transaction.atomic():  # one commit (SQLite would sync the file after each cell)
        filled = _fill(indicators, desa, have, scope=scope, periode=periode, user=user)
    cells = DataValue.objects.filter(kabkota_id=kode, periode=periode, indicator__in=indicators).count()
    print(
        f"{filled} gaps filled through value_set in {time.perf_counter() - t:.1f} s: "
        f"{cells} values = {len(desa)} desa × {len(indicators)} main indicators (2025), periode {periode}"
    )
    counts.update({"filled": filled, "cells": cells, "indicators": len(indicators), "desa": len(desa)})
    return user, periode, counts


def recompute(client, kode: str, periode: str, tahun: int, parts: Parts) -> tuple[dict, int]:
    """One recompute through the pages; seconds of each step and part, and the new analysis' pk."""
    from django.db import connection

    from konvergensi.ansit.models import Analysis

    steps: dict = {}
    with connection.execute_wrapper(parts.sql):
        parts.reset()
        t = time.perf_counter()
        response = client.post(
            f"/ansit/{kode}/analisis/baru/?tahun={tahun}",
            {"input_source": "sasaran", "level": "desa", "data_source": "balita_1_tahun", "margin": "50",
             "indicator_set": "2025", "periode": periode, "tahun": str(tahun)},
        )  # fmt: skip
        steps["analysis"] = _step(parts, time.perf_counter() - t)
        assert response.status_code == 302, (response.status_code, response.content[:2000])
        pk = Analysis.objects.filter(kabkota_id=kode).order_by("-pk").values_list("pk", flat=True).first()
        parts.reset()
        t = time.perf_counter()
        response = client.get(f"/analisis/{pk}/lokus/", LOKUS_QUERY)
        steps["lokus_page"] = _step(parts, time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
        parts.reset()
        t = time.perf_counter()
        response = client.post(f"/analisis/{pk}/lokus/konfirmasi/", {**LOKUS_QUERY, "note": "bench"})
        steps["lokus_confirm"] = _step(parts, time.perf_counter() - t)
        assert response.status_code == 302, response.status_code
    total = {k: sum(s[k] for s in steps.values()) for k in ("seconds", *PARTS, "queries", "sql_seconds")}
    steps["recompute"] = total
    return steps, pk


def _step(parts: Parts, seconds: float) -> dict:
    out = {"seconds": seconds, **{k: parts.totals.get(k, 0.0) for k in PARTS[:3]}}
    out["other"] = seconds - sum(out[k] for k in PARTS[:3])
    out["queries"] = parts.queries
    out["sql_seconds"] = parts.sql_seconds
    return out


def core_alone(pk: int, runs: int) -> dict:
    """The core's functions alone on the inputs of the analysis ``pk`` (read once)."""
    from konvergensi.ansit import selectors
    from konvergensi.ansit.models import Analysis
    from konvergensi_core.ansit import analyse_hotspots, prioritisation_matrix, rank_lokus, select_lokus

    analysis = Analysis.objects.get(pk=pk)
    units = analysis.units
    cov = selectors.coverage(analysis=analysis)
    codes = [d.kode for d in selectors.kabkota_desa(analysis.kabkota_id)]
    figures = selectors.desa_figures(analysis)
    coverage = {i.kode: [cov.values.get(i.kode, {}).get(c) for c in codes] for i in cov.indicators}
    labels = {i.kode: i.nama for i in cov.indicators}
    settings = selectors.LokusSettings(eligibility="any", method="share", value=0.1)
    times: dict[str, list[float]] = {"hotspots": [], "rank_lokus": [], "select_lokus": [], "matrix": []}
    for _ in range(runs):
        t = time.perf_counter()
        analyse_hotspots(
            [u["kode"] for u in units],
            cases=[u.get("cases") for u in units],
            measured=[u.get("measured") for u in units],
            prevalence=[u.get("prevalence") for u in units],
            margin=float(analysis.margin),
        )
        t1 = time.perf_counter()
        ranking = rank_lokus(
            codes,
            prevalence=[figures.get(c, {}).get("prevalence") for c in codes],
            cases=[figures.get(c, {}).get("cases") for c in codes],
            measured=[figures.get(c, {}).get("measured") for c in codes],
            coverage=coverage,
            bands=cov.bands,
            eligibility=settings.eligibility,
            indicator_labels=labels,
        )
        t2 = time.perf_counter()
        ranking = select_lokus(ranking, **settings.kwargs())
        t3 = time.perf_counter()
        prioritisation_matrix(ranking)
        t4 = time.perf_counter()
        for key, seconds in zip(times, (t1 - t, t2 - t1, t3 - t2, t4 - t3), strict=True):
            times[key].append(seconds)
    out = {k: statistics.median(v) for k, v in times.items()}
    out["total"] = statistics.median([sum(x) for x in zip(*times.values(), strict=True)])
    out["units"] = len(units)
    out["indicators"] = len(cov.indicators)
    return out


def pages_after(client, pk: int, runs: int) -> dict:
    """The analysis page (its two charts), the lokus page and the matrix page after a recompute:
    cold (the cache emptied first: the charts drawn) and warm (again)."""
    from django.core.cache import cache

    urls = {
        "analysis_page": f"/analisis/{pk}/",
        "lokus_page": f"/analisis/{pk}/lokus/",
        "matrix_page": f"/analisis/{pk}/matriks/",
    }
    times: dict[str, list[float]] = {f"{k}_{w}": [] for k in urls for w in ("cold", "warm")}
    sizes = {}
    for _ in range(runs):
        for key, url in urls.items():
            cache.clear()
            for when in ("cold", "warm"):
                t = time.perf_counter()
                response = client.get(url)
                times[f"{key}_{when}"].append(time.perf_counter() - t)
                assert response.status_code == 200, (url, response.status_code)
                sizes[key] = len(response.content)
    out = {k: statistics.median(v) for k, v in times.items()}
    out["bytes"] = sizes
    return out


def measure(kode: str, runs: int, profile: bool) -> dict:
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    user, periode, counts = build(kode)
    tahun = timezone.localdate().year
    client = Client()
    client.force_login(user)
    parts = Parts()
    instrument(parts)
    recompute(client, kode, periode, tahun, parts)  # warm-up: templates, translations, imports
    runs_out = []
    pk = None
    for _ in range(runs):
        steps, pk = recompute(client, kode, periode, tahun, parts)
        runs_out.append(steps)
    medians = {
        step: {k: statistics.median(r[step][k] for r in runs_out) for k in runs_out[0][step]}
        for step in runs_out[0]
    }
    results = {"village_data": counts, "periode": periode, "runs": runs, "steps": medians}
    results["recompute_runs_s"] = [round(r["recompute"]["seconds"], 4) for r in runs_out]
    print(f"\nrecompute through the pages, medians of {runs} runs (ms; exclusive parts):")
    print(f"{'step':<15}{'total':>9}{'read':>9}{'core':>9}{'write':>9}{'other':>9}{'SQL n':>8}{'SQL ms':>9}")
    for step, row in medians.items():
        print(
            f"{step:<15}{1000 * row['seconds']:9.1f}"
            + "".join(f"{1000 * row[k]:9.1f}" for k in PARTS)
            + f"{row['queries']:8.0f}{1000 * row['sql_seconds']:9.1f}"
        )
    print("runs (s):", ", ".join(f"{s:.3f}" for s in results["recompute_runs_s"]))
    core = core_alone(pk, runs)
    results["core_alone"] = core
    print(
        f"\ncore alone ({core['units']} units, {core['indicators']} indicators), medians (ms): "
        + ", ".join(f"{k} {1000 * core[k]:.1f}" for k in ("hotspots", "rank_lokus", "select_lokus", "matrix"))
        + f"; total {1000 * core['total']:.1f}"
    )
    after = pages_after(client, pk, runs)
    results["pages_after"] = after
    print("\npages after a recompute, medians (ms):")
    for key in ("analysis_page", "lokus_page", "matrix_page"):
        print(
            f"  {key:<14} cold {1000 * after[key + '_cold']:8.1f}  warm {1000 * after[key + '_warm']:8.1f}"
            f"  {after['bytes'][key] / 1024:.0f} KB"
        )
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        recompute(client, kode, periode, tahun, parts)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print("\n--- one recompute (cProfile, cumulative) ---")
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print("\n--- one recompute (cProfile, own time) ---")
        print(out.getvalue())
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_REPEAT", "9")))
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--kabkota", help="another district (code, e.g. 32.01) instead of the largest")
    parser.add_argument(
        "--keepdb",
        action="store_true",
        help="PostgreSQL: keep the test database and its data for the next run",
    )
    parser.add_argument("--json", help="also write the medians to this file")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="konvergensi-bench-")
    os.environ.setdefault("KONVERGENSI_VAR_DIR", tmp)
    os.environ.setdefault("KONVERGENSI_TESTING", "1")  # plain static storage; the in-memory cache
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    import django
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    kode, nama, n_desa = largest_district(args.kabkota)
    print(
        f"{'district' if args.kabkota else 'largest district in the shipped wilayah data'}: {kode} {nama}, {n_desa} desa"
    )
    old = setup_databases(verbosity=0, interactive=False, keepdb=args.keepdb)
    try:
        from django.db import connection

        print(f"database: {connection.vendor}")
        results = measure(kode, args.runs, args.profile)
        results.update({"database": connection.vendor, "kabkota": kode, "nama": nama, "desa": n_desa})
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(results, f, indent=2)
    finally:
        teardown_databases(old, verbosity=0, keepdb=args.keepdb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
