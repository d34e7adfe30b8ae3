"""Benchmark of the e-PPGBM measurement import, end to end on PostgreSQL (`make bench-measurements`).

A generated export of Kabupaten Sumedang (32.11; real desa, kecamatan and puskesmas names, with the
duplicates and bad rows :func:`konvergensi.measurements.demo.generate` puts in) is imported the way
the web page and the CLI do it, through the import pipeline — :func:`imports.stage` (keep the upload),
:func:`imports.check` (parse, validate, WHO z-scores, desa matching, duplicates, preview; the
problems kept), :func:`pipeline.commit` (claimed once; on PostgreSQL one transaction of COPYs) —
followed by the round's aggregates (:func:`selectors.counts_by` per desa and per puskesmas). Each run
is a fresh process on a fresh round, so the peak resident memory (``ru_maxrss``) is that of one
import.

The physical floor is a plain ``COPY … FROM STDIN (FORMAT csv)`` of the very rows the import wrote
(exported from the table after the run, in the file's order) into a table of the same shape (``LIKE
measurements_measurement INCLUDING ALL``: same columns, defaults, checks and indexes). Our ratio is
our time ÷ the COPY's time.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/konvergensi_bench .venv/bin/python bench/measurements.py
    … --rows 200000 --runs 1          # shorter
    … --profile                       # one run under cProfile: where the time goes

The database is created when missing, migrated, and loaded with the official regions and one demo
puskesmas per kecamatan of Sumedang.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/konvergensi_bench"
KAB = "32.11"
VISIT_FROM, VISIT_TO = dt.date(2026, 2, 1), dt.date(2026, 2, 20)
TODAY = dt.date(2026, 3, 1)
WORK = Path(os.environ.get("BENCH_WORK", Path(tempfile.gettempdir()) / "konvergensi-bench-measurements"))


def _env() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("KONVERGENSI_SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("KONVERGENSI_VAR_DIR", str(WORK / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    (WORK / "var").mkdir(parents=True, exist_ok=True)


def _create_database() -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if not cfg["ENGINE"].endswith("postgresql"):
        sys.exit("bench/measurements.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    admin = psycopg.connect(
        host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True,
    )  # fmt: skip
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            print(f"created database {cfg['NAME']}")


def setup() -> None:
    """Migrate, load the regions and Sumedang's demo puskesmas, an operator account."""
    import django

    _create_database()
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from konvergensi.accounts.models import Membership, Role
    from konvergensi.demo import puskesmas_for_kecamatan
    from konvergensi.wilayah.models import Region
    from konvergensi.wilayah.services import region_load

    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.filter(kode=KAB).exists() or Region.objects.count() < 90_000:
        region_load()
    puskesmas_for_kecamatan(KAB)
    user, created = get_user_model().objects.get_or_create(username="bench-operator")
    if created:
        Membership.objects.create(user=user, role=Role.OPERATOR, region_id=KAB)


def generated_csv(rows: int) -> Path:
    """The export, generated once per size and kept in WORK (``;``-separated, as e-PPGBM writes)."""
    import django

    django.setup()
    from konvergensi.measurements.demo import generate, kabkota_desa, write_csv

    path = WORK / f"eppgbm-{KAB}-{rows}.csv"
    if not path.exists():
        t = time.perf_counter()
        frame = generate(kabkota_desa(KAB), n=rows, visit_from=VISIT_FROM, visit_to=VISIT_TO, seed=7)
        write_csv(frame, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)
        print(
            f"generated {frame.height:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s"
        )
    return path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def checkpoint(connection) -> None:
    """Before the import and before the floor (not timed): a CHECKPOINT, so that neither pays for
    the other's dirty pages and write-ahead log (a million rows write ~1 GB of it, the size that
    triggers a checkpoint by default) — the floor varied 14–23 s without. Needs a superuser (or
    ``pg_checkpoint``); skipped otherwise."""
    from django.db import DatabaseError

    try:
        with connection.cursor() as cur:
            cur.execute("CHECKPOINT")
    except DatabaseError:
        pass


def one_run(csv_path: Path, *, profile: bool = False) -> dict:
    """One import of the file into a fresh round, then the COPY floor. Run in its own process."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.db import connection

    from konvergensi.accounts.scope import scope_for_user
    from konvergensi.imports import services as pipeline
    from konvergensi.measurements import imports, selectors, services, tasks
    from konvergensi.measurements.models import Measurement, MeasurementRound
    from konvergensi.wilayah.models import Region

    # The generated million-row export is about 230 MB (every e-PPGBM column filled), above the
    # upload limit of the web page; the benchmark measures the import, not the limit.
    imports.MAX_BYTES = max(imports.MAX_BYTES, csv_path.stat().st_size + 1)
    user = get_user_model().objects.get(username="bench-operator")
    scope = scope_for_user(user)
    rss_start = _rss_mb()
    rnd = services.round_create(
        scope=scope, kabkota=Region.objects.get(kode=KAB), nama=f"bench {time.time_ns()}",
        tanggal_mulai=VISIT_FROM, tanggal_selesai=VISIT_TO, by=user,
    )  # fmt: skip
    profiler = cProfile.Profile() if profile else None
    phases: dict[str, float] = {}
    checkpoint(connection)

    def timed(name, fn):
        t = time.perf_counter()
        if profiler:
            profiler.enable()
        try:
            return fn()
        finally:
            if profiler:
                profiler.disable()
            phases[name] = time.perf_counter() - t

    with csv_path.open("rb") as fh:
        upload = File(fh, name=csv_path.name)
        imp = timed("stage", lambda: imports.stage(scope=scope, rnd=rnd, upload=upload, by=user))
    check = timed("check", lambda: imports.check(imp, scope=scope, today=TODAY))
    assert check.ok, (check.file_problems, check.ambiguous[:3])
    # The commit ends by warming the round's page caches (``tasks.warm``: the round's rows, its
    # analyses, the data-quality panel and its charts): timed apart, as "warm", so that "commit" is
    # the write itself, the part a COPY is compared with.
    real_warm = tasks.warm

    def warm(rnd):
        t = time.perf_counter()
        try:
            real_warm(rnd)
        finally:
            phases["warm"] = time.perf_counter() - t

    tasks.warm = warm
    try:
        done = timed("commit", lambda: pipeline.commit(imp, scope=scope, by=user))
    finally:
        tasks.warm = real_warm
    phases["commit"] -= phases.get("warm", 0.0)
    timed("aggregate", lambda: (selectors.counts_by(round_id=rnd.pk, key="desa_id"),
                                selectors.counts_by(round_id=rnd.pk, key="puskesmas_id")))  # fmt: skip
    rss_import = _rss_mb()
    file_rows = check.counts["rows"]
    written = Measurement.objects.filter(round=rnd).count()

    # The floor: the same rows, as CSV, in the file's order (not in the order the import inserted
    # them: sorted by the unique index's key, they would go in ~1/3 faster), COPY'd into a table of
    # the same shape.
    table = Measurement._meta.db_table
    cols = [f.column for f in Measurement._meta.concrete_fields if f.column != "id"]
    col_list = ", ".join(cols)
    dump = WORK / "copy-floor.csv"
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy_floor")
        cur.execute(f"CREATE TABLE bench_copy_floor (LIKE {table} INCLUDING ALL)")
        with (
            dump.open("wb") as out,
            cur.cursor.copy(
                f"COPY (SELECT {col_list} FROM {table} WHERE round_id = {int(rnd.pk)} ORDER BY source_row) "  # noqa: S608
                "TO STDOUT WITH (FORMAT csv)"
            ) as copy,
        ):
            for block in copy:
                out.write(block)
        checkpoint(connection)
        t = time.perf_counter()
        with (
            dump.open("rb") as src,
            cur.cursor.copy(f"COPY bench_copy_floor ({col_list}) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            while block := src.read(1 << 20):
                copy.write(block)
        copy_seconds = time.perf_counter() - t
        cur.execute("DROP TABLE bench_copy_floor")
        # Leave the bench database as it was: the round and its rows go (not timed).
        cur.execute(f"DELETE FROM {table} WHERE round_id = %s", [rnd.pk])  # noqa: S608
        # …and their dead tuples, so that the next run does not meet them (or autovacuum) in the
        # partition's indexes.
        cur.execute(f"VACUUM {table}_p{KAB[:2]}")
    MeasurementRound.objects.filter(pk=rnd.pk).delete()
    if not os.environ.get("BENCH_KEEP_DUMP"):
        dump.unlink(missing_ok=True)
    result = {
        "file_rows": file_rows,
        "written": written,
        "added": done["added"],
        "phases": phases,
        "total": sum(v for k, v in phases.items() if k != "warm"),  # the import; the warm apart
        "copy": copy_seconds,
        "rss_start_mb": rss_start,
        "rss_peak_mb": rss_import,
    }
    if profiler:
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        result["profile"] = buffer.getvalue()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="one run under cProfile")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)  # internal: one run in this process
    args = parser.parse_args()
    _env()
    if args.run:
        print(json.dumps(one_run(args.run, profile=args.profile)))
        return
    setup()
    csv_path = generated_csv(args.rows)
    runs = []
    for i in range(1 if args.profile else args.runs):
        cmd = [sys.executable, __file__, "--run", str(csv_path)] + (["--profile"] if args.profile else [])
        out = subprocess.run(cmd, capture_output=True, text=True, env=os.environ, check=False)  # noqa: S603 - ourselves
        if out.returncode:
            sys.exit(f"run {i + 1} failed:\n{out.stderr[-4000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        runs.append(result)
        p = result["phases"]
        print(
            f"run {i + 1}: {result['file_rows']:,} rows → {result['written']:,} stored in {result['total']:.1f} s "
            f"(stage {p['stage']:.1f}, check {p['check']:.1f}, commit {p['commit']:.1f}, aggregate {p['aggregate']:.2f}; "
            f"then warming the page caches {p.get('warm', 0):.1f}); "
            f"COPY floor {result['copy']:.1f} s; peak RSS {result['rss_peak_mb']:.0f} MB"
        )
        if args.profile:
            print(result["profile"])
    rows = runs[0]["file_rows"]
    total = statistics.median(r["total"] for r in runs)
    copy = statistics.median(r["copy"] for r in runs)
    written = runs[0]["written"]
    summary = {
        "rows_in_file": rows,
        "rows_written": written,
        "runs": len(runs),
        "median_total_s": total,
        "median_phases_s": {k: statistics.median(r["phases"][k] for r in runs) for k in runs[0]["phases"]},
        "ours_rows_per_s": rows / total,
        "copy_s": copy,
        "copy_rows_per_s": written / copy,
        "ratio_to_copy": total / copy,
        "peak_rss_mb": max(r["rss_peak_mb"] for r in runs),
    }
    print(
        f"\nmedian of {len(runs)}: ours {summary['ours_rows_per_s']:,.0f} rows/s ({total:.1f} s) · "
        f"COPY {summary['copy_rows_per_s']:,.0f} rows/s ({copy:.1f} s) · ours = {summary['ratio_to_copy']:.1f}× the COPY time · "
        f"peak RSS {summary['peak_rss_mb']:.0f} MB"
    )
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
