"""Nutritional status categories of Permenkes 2/2020 (Standar Antropometri Anak), vectorised.

Each function takes a z-score array and returns an int8 code array (-1 = missing: NaN z, or a
record flagged as implausible when ``flags`` is given) indexing the matching label tuple.

| index | category (code) | cut-off |
|---|---|---|
| BB/U (0–60 mo) | 0 berat badan sangat kurang | z < −3 |
| | 1 berat badan kurang | −3 ≤ z < −2 |
| | 2 berat badan normal | −2 ≤ z ≤ +1 |
| | 3 risiko berat badan lebih | z > +1 |
| PB/U, TB/U | 0 sangat pendek | z < −3 |
| | 1 pendek | −3 ≤ z < −2 |
| | 2 normal | −2 ≤ z ≤ +3 |
| | 3 tinggi | z > +3 |
| BB/PB, BB/TB; IMT/U (0–60 mo) | 0 gizi buruk | z < −3 |
| | 1 gizi kurang | −3 ≤ z < −2 |
| | 2 gizi baik | −2 ≤ z ≤ +1 |
| | 3 berisiko gizi lebih | +1 < z ≤ +2 |
| | 4 gizi lebih | +2 < z ≤ +3 |
| | 5 obesitas | z > +3 |
| IMT/U (5–18 y) | 0 gizi buruk | z < −3 |
| | 1 gizi kurang | −3 ≤ z < −2 |
| | 2 gizi baik | −2 ≤ z ≤ +1 |
| | 3 gizi lebih | +1 < z ≤ +2 |
| | 4 obesitas | z > +2 |

The derived indicators follow the WHO definitions used for prevalence: stunted z_len < −2,
severely stunted < −3, wasted z_wfl < −2, severely wasted < −3, underweight z_wei < −2,
overweight z_wfl > +2.
"""

from __future__ import annotations

import numpy as np

BBU = ("berat badan sangat kurang", "berat badan kurang", "berat badan normal", "risiko berat badan lebih")
TBU = ("sangat pendek", "pendek", "normal", "tinggi")
BBTB = ("gizi buruk", "gizi kurang", "gizi baik", "berisiko gizi lebih", "gizi lebih", "obesitas")
IMTU_5_18 = ("gizi buruk", "gizi kurang", "gizi baik", "gizi lebih", "obesitas")


def _classify(z, lower_edges: tuple[float, ...], upper_edges: tuple[float, ...], flags=None) -> np.ndarray:
    """Codes from cut-offs: ``lower_edges`` are "z < edge" boundaries (edge belongs above),
    ``upper_edges`` are "z > edge" boundaries (edge belongs below)."""
    z = np.asarray(z, dtype=float)
    code = np.zeros(z.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        for edge in lower_edges:
            code += z >= edge
        for edge in upper_edges:
            code += z > edge
    code[np.isnan(z)] = -1
    if flags is not None:
        code[np.asarray(flags, dtype=float) == 1] = -1
    return code


def bbu(zwei, flags=None) -> np.ndarray:
    """Berat badan menurut umur (weight-for-age) → index into :data:`BBU`."""
    return _classify(zwei, (-3.0, -2.0), (1.0,), flags)


def tbu(zlen, flags=None) -> np.ndarray:
    """Panjang/tinggi badan menurut umur → index into :data:`TBU`."""
    return _classify(zlen, (-3.0, -2.0), (3.0,), flags)


def bbtb(zwfl, flags=None) -> np.ndarray:
    """Berat badan menurut panjang/tinggi badan (and IMT/U 0–60 months) → index into :data:`BBTB`."""
    return _classify(zwfl, (-3.0, -2.0), (1.0, 2.0, 3.0), flags)


imtu = bbtb  # IMT/U for 0–60 months uses the same six classes


def imtu_5_18(zbfa, flags=None) -> np.ndarray:
    """IMT/U for 5–18 years → index into :data:`IMTU_5_18`."""
    return _classify(zbfa, (-3.0, -2.0), (1.0, 2.0), flags)


def labels(codes: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Codes → label strings ('' for missing)."""
    table = np.array(("", *names), dtype=object)
    return table[np.asarray(codes, dtype=np.int64) + 1]


def indicators(result: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Boolean prevalence indicators from a :func:`~konvergensi_core.growth.zscores` result.

    Each indicator is False where its z is missing or flagged; ``valid_*`` says which records
    count in the denominator (z present and not flagged).
    """
    out: dict[str, np.ndarray] = {}
    spec = {
        "len": (("stunted", lambda z: z < -2), ("severely_stunted", lambda z: z < -3)),
        "wfl": (
            ("wasted", lambda z: z < -2),
            ("severely_wasted", lambda z: z < -3),
            ("overweight", lambda z: z > 2),
        ),
        "wei": (("underweight", lambda z: z < -2),),
    }
    for index, rules in spec.items():
        z = result[f"z{index}"]
        valid = ~np.isnan(z) & (np.asarray(result[f"f{index}"], dtype=float) != 1)
        out[f"valid_{index}"] = valid
        with np.errstate(invalid="ignore"):
            for name, rule in rules:
                out[name] = rule(z) & valid
    return out
