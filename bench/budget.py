"""Budget tagging (issue 15): a national file read and summarised, in the pure core (never timed unit
tests). Run: `.venv/bin/python bench/budget.py [--districts 514] [--lines 400] [--runs 3] [--json out.json]`.

``generate()`` writes one CSV of ``districts`` × ``lines`` budget lines (seeded) with the template's
columns: real-looking sub-kegiatan codes, 12 OPD per district, every funding source (also as
people type them: "BOK", "dak-fisik", "APBD Prov"), pagu as plain numbers or Rupiah text
(``Rp 1.250.000.000,00``, ``1.250.000.000``), realisation in 0–4 quarters, 0–3 target groups and
indicators, 0–4 desa of the district. Each run, in this process, times:

- **read**: ``read_budget_file`` of the national CSV (parse, recognise the header, validate every
  cell);
- **validate**: ``validate`` with the desa of each district and the indicator catalogue as context
  (the check the import adds), over all lines;
- **summary**: the national ``summary`` and one per district (514 of them, as the province and
  nation pages need), lines grouped by district first;
- **diff**: a re-import of the same file (``diff`` of the lines with themselves: all unchanged);
- **district XLSX**: the template of one district written with its 400 lines and read back.

Prints the median of ``runs`` runs of each and their sum.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from konvergensi_core.budget import COLUMNS, diff, parse_source, summary, validate  # noqa: E402
from konvergensi_core.io.budget import read_budget_file  # noqa: E402
from konvergensi_core.io.budget_xlsx import write_template  # noqa: E402

OPDS = (
    "Dinas Kesehatan",
    "Dinas Pengendalian Penduduk dan KB",
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Dinas Pemberdayaan Masyarakat dan Desa",
    "Dinas Sosial",
    "Dinas Pendidikan",
    "Dinas Ketahanan Pangan",
    "Dinas Perumahan dan Kawasan Permukiman",
    "Bappeda",
    "Dinas Komunikasi dan Informatika",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Kementerian Agama (KUA)",
)
SOURCES_TYPED = (
    "PAD",
    "DAU",
    "DBH",
    "DAK Fisik",
    "dak-fisik",
    "DAK non-fisik",
    "BOK",
    "BOKB",
    "BOP PAUD",
    "DID",
    "Dana Desa",
    "APBD Prov",
    "lainnya",
)
GROUPS = ("remaja_putri", "catin", "Ibu hamil", "ibu_nifas_menyusui", "baduta", "Balita", "keluarga")
INDICATORS = tuple(f"U{i:02d}" for i in range(1, 21))


def _rupiah_text(amount: int, rng: random.Random) -> object:
    style = rng.random()
    if style < 0.5:
        return amount
    dotted = f"{amount:,}".replace(",", ".")
    return f"Rp {dotted},00" if style < 0.75 else dotted


def generate(path: Path, *, districts: int, lines: int, seed: int = 15) -> dict[str, list[str]]:
    """Write the national CSV; return each district's desa codes."""
    rng = random.Random(seed)
    desa: dict[str, list[str]] = {}
    rows: list[list[object]] = [list(COLUMNS.values())]
    for d in range(districts):
        kab = f"{11 + d // 40:02d}{1 + d % 40:02d}"
        desa[kab] = [f"{kab}{k:03d}{v:03d}" for k in range(1, 21) for v in range(1, 16)]
        used: set[tuple[str, str, str | None]] = set()
        while len(used) < lines:
            code = f"{rng.randint(1, 3)}.0{rng.randint(1, 9)}.{rng.randint(1, 20):02d}.2.0{rng.randint(1, 9)}.{rng.randint(1, 60):04d}"
            opd = f"{rng.choice(OPDS)} {kab}"  # each district its own agencies
            source = rng.choice(SOURCES_TYPED)
            if (code, opd, parse_source(source)) in used:
                continue
            used.add((code, opd, parse_source(source)))
            pagu = rng.randint(0, 5_000_000) * 1000
            left = pagu
            quarters: list[object] = []
            for _ in range(4):
                if left and rng.random() < 0.6:
                    q = rng.randint(0, left // 3)
                    left -= q
                    quarters.append(_rupiah_text(q, rng))
                else:
                    quarters.append("")
            values = [
                code,
                f"Sub kegiatan {code}",
                opd,
                source,
                _rupiah_text(pagu, rng),
                *quarters,
                rng.choice(("spesifik", "Sensitif", "pendamping")),
                "; ".join(rng.sample(GROUPS, rng.randint(0, 3))),
                "; ".join(rng.sample(INDICATORS, rng.randint(0, 3))),
                "; ".join(rng.sample(desa[kab], rng.randint(0, 4))),
                rng.choice(("ya", "tidak", "Ya", "")),
            ]
            rows.append(values)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return desa


def one_run(path: Path, desa: dict[str, list[str]], work: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    t = time.perf_counter()
    lines, problems = read_budget_file(path)
    times["read"] = time.perf_counter() - t
    assert not [p for p in problems if p.is_error], problems[:5]

    t = time.perf_counter()
    by_district: dict[str, list] = defaultdict(list)
    for line in lines:  # the generated OPD names end with the district's code
        by_district[line.opd[-4:]].append(line)
    all_desa = [c for codes in desa.values() for c in codes]
    found = validate(lines, desa_codes=all_desa, indicator_codes=INDICATORS)
    times["validate"] = time.perf_counter() - t
    assert not found, found[:5]

    t = time.perf_counter()
    national = summary(lines, lokus=all_desa[::7])
    for kab, codes in desa.items():
        summary(by_district.get(kab, []), lokus=codes[::7])
    times["summary"] = time.perf_counter() - t
    assert national["pagu"] == sum(x.pagu for x in lines)

    t = time.perf_counter()
    d = diff(lines, lines)
    times["diff"] = time.perf_counter() - t
    assert not d.added and not d.changed and not d.removed

    some = lines[:400]
    t = time.perf_counter()
    out = work / "district.xlsx"
    write_template(out, kabkota_name="Kabupaten Contoh", tahun=2026, stage="murni", lines=some)
    back, xproblems = read_budget_file(out)
    times["district_xlsx"] = time.perf_counter() - t
    assert len(back) == len(some) and not xproblems
    times["lines"] = len(lines)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--districts", type=int, default=514)
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="konvergensi-bench-budget-") as tmp:
        work = Path(tmp)
        path = work / "national.csv"
        t = time.perf_counter()
        desa = generate(path, districts=args.districts, lines=args.lines)
        print(
            f"generated {args.districts} × {args.lines} lines, {path.stat().st_size / 1e6:.1f} MB "
            f"in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
        runs = []
        for i in range(args.runs):
            r = one_run(path, desa, work)
            runs.append(r)
            print(
                f"run {i + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in r.items() if k != "lines"),
                flush=True,
            )
    keys = [k for k in runs[0] if k != "lines"]
    medians = {k: statistics.median(r[k] for r in runs) for k in keys}
    core = medians["read"] + medians["validate"] + medians["summary"] + medians["diff"]
    print(f"lines: {int(runs[0]['lines']):,}; medians of {args.runs} runs:")
    for k, v in medians.items():
        print(f"  {k:14s} {v:7.2f} s")
    print(f"  national import check + summaries: {core:.2f} s")
    if args.json:
        args.json.write_text(json.dumps({"medians_s": medians, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
