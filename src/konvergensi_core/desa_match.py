"""Desa names as written in a file → official Kemendagri codes within the district.

A file names its villages as people type them ("Ds. Soekamaju", "SUKA MAJU", "Sukamju", "Kel.
Cibeusi"); the official list has one spelling per code. The file's distinct (kecamatan, desa)
pairs — a few hundred at most, so plain Python per pair is fine — are matched in this order:

1. **code**: the desa column holds a code (``3211012001`` or ``32.11.01.2001``) → that desa if it is
   in the district, else ``unknown``;
2. the **kecamatan** is found by name (exact, then spelling variant, then similarity with a clear
   winner); one desa of it with the same normalised name (**exact**) or spelling key (**variant**)
   → ``matched``; without a recognised kecamatan, one such desa in the whole district (**district**);
3. **remembered**: a choice the user made before for the same (kecamatan, desa) names — only for a
   name that did not match exactly in step 2, so that a remembered answer never moves a desa the
   official list names exactly;
4. within the kecamatan, several desa of the same name → ``ambiguous``; else the desa is
   **fuzzy** (difflib ratio of the spelling keys ≥ ``cutoff`` = 0.85 and at least ``margin`` = 0.05
   above the runner-up) → ``matched``; several names within the margin, or the best between
   ``suggest`` = 0.75 and the cutoff → ``ambiguous`` with the candidates (the app asks once and
   remembers the answer);
5. otherwise the desa name is looked up in the **whole district**: one exact/variant match → ``matched``
   when the kecamatan name was not recognised (method ``district``), ``ambiguous`` when it was (the
   desa is in another kecamatan than the file says: the user confirms); close names → ``ambiguous``;
6. nothing → ``unknown``.

Normalisation (:func:`normalise_name`): lower case, accents dropped, punctuation → space, the words
"desa", "ds", "kel", "kelurahan" (and for kecamatan "kec", "kecamatan", "distrik") dropped, roman
numerals I–X → digits, "kp" → "kampung", spaces collapsed. The spelling key (:func:`spelling_key`)
also maps the pre-1972 spelling to today's — ``oe``→``u``, ``dj``→``j``, ``tj``→``c``, ``nj``→``ny``,
``sj``→``sy``, ``ch``→``kh`` — applied to both sides alike (so "Tanjung" and "Tandjung" meet at the
same key) and removes the spaces ("Suka Maju" = "Sukamaju").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from . import kode as kode_rules

DESA_WORDS = frozenset({"desa", "ds", "kel", "kelurahan", "kalurahan"})
KECAMATAN_WORDS = frozenset({"kec", "kecamatan", "distrik", "kapanewon", "kemantren"})
ROMAN = {
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "x": "10",
}
ABBREVIATIONS = {"kp": "kampung", "kamp": "kampung"}
# Old (Van Ophuijsen / Soewandi) spelling → EYD, longest first.
SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("nj", "ny"), ("sj", "sy"), ("ch", "kh"))

CUTOFF = 0.85
MARGIN = 0.05
SUGGEST = 0.75
MAX_CANDIDATES = 5
_CODE = re.compile(r"^(\d{10}|\d{2}\.\d{2}\.\d{2}\.\d{4})$")

RESULT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "kecamatan": pl.String,
    "desa": pl.String,
    "status": pl.String,  # matched | ambiguous | unknown
    "kode": pl.String,
    "method": pl.String,  # kode | remembered | exact | variant | fuzzy | district | None
    "score": pl.Float64,
    "kecamatan_kode": pl.String,  # the kecamatan recognised from the file's name, if any
    "candidates": pl.List(
        pl.Struct({"kode": pl.String, "desa": pl.String, "kecamatan": pl.String, "score": pl.Float64})
    ),
    "message": pl.String,
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def normalise_name(name: str | None, *, drop: frozenset[str] = DESA_WORDS) -> str:
    """``"Ds. Suka-Maju II"`` → ``"suka maju 2"``; ``drop`` lists the words to leave out."""
    if name is None:
        return ""
    tokens = re.findall(r"[a-z0-9]+", _ascii(str(name)))
    out = [ROMAN.get(t, ABBREVIATIONS.get(t, t)) for t in tokens if t not in drop]
    if not out and tokens:  # a desa really called "Desa": keep the word
        out = tokens
    return " ".join(out)


def spelling_key(name: str | None, *, drop: frozenset[str] = DESA_WORDS) -> str:
    """The normalised name in today's spelling, without spaces: ``"Soeka Madjoe"`` → ``"sukamaju"``."""
    key = normalise_name(name, drop=drop).replace(" ", "")
    for old, new in SPELLING:
        key = key.replace(old, new)
    return key


def remember_key(kecamatan: str | None, desa: str | None) -> tuple[str, str]:
    """The key under which the app remembers a user's choice for a (kecamatan, desa) pair."""
    return normalise_name(kecamatan, drop=KECAMATAN_WORDS), normalise_name(desa)


@dataclass(frozen=True)
class _Desa:
    kode: str
    name: str
    kecamatan_kode: str
    kecamatan: str
    norm: str
    key: str


def _ratio[T](query: str, others: Iterable[tuple[str, T]], floor: float) -> list[tuple[float, T]]:
    """Similarity of ``query`` to each (key, item), best first; only those ≥ ``floor``."""
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(query)
    out: list[tuple[float, T]] = []
    for key, item in others:
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor:
            score = matcher.ratio()
            if score >= floor:
                out.append((score, item))
    out.sort(key=lambda pair: -pair[0])
    return out


def _candidates(scored: list[tuple[float, _Desa]]) -> list[dict]:
    return [
        {"kode": d.kode, "desa": d.name, "kecamatan": d.kecamatan, "score": round(score, 3)}
        for score, d in scored[:MAX_CANDIDATES]
    ]


def match_desa(
    official: pl.DataFrame,
    pairs: pl.DataFrame | Iterable[tuple[str | None, str | None]],
    remembered: Mapping[tuple[str, str], str] | None = None,
    *,
    cutoff: float = CUTOFF,
    margin: float = MARGIN,
    suggest: float = SUGGEST,
) -> pl.DataFrame:
    """Match each distinct (kecamatan, desa) pair of a file to an official desa of the district.

    ``official`` has columns ``kode`` (desa code, dotted or 10 digits), ``desa``, ``kecamatan_kode``,
    ``kecamatan``; ``pairs`` is a frame with columns ``kecamatan`` and ``desa`` (the file's values;
    duplicates are fine) or an iterable of such pairs; ``remembered`` maps :func:`remember_key` to a
    desa kode. Returns one row per distinct pair (in order of first appearance) with the columns of
    :data:`RESULT_SCHEMA`.
    """
    desas = [
        _Desa(
            kode_rules.normalise(str(row["kode"])),
            row["desa"],
            kode_rules.normalise(str(row["kecamatan_kode"])),
            row["kecamatan"],
            normalise_name(row["desa"]),
            spelling_key(row["desa"]),
        )
        for row in official.select("kode", "desa", "kecamatan_kode", "kecamatan").iter_rows(named=True)
    ]
    by_kode = {d.kode: d for d in desas}
    by_kec: dict[str, list[_Desa]] = defaultdict(list)
    kec_names: dict[str, str] = {}
    for d in desas:
        by_kec[d.kecamatan_kode].append(d)
        kec_names[d.kecamatan_kode] = d.kecamatan
    kec_norm = {k: normalise_name(v, drop=KECAMATAN_WORDS) for k, v in kec_names.items()}
    kec_key = {k: spelling_key(v, drop=KECAMATAN_WORDS) for k, v in kec_names.items()}
    kabkota_norm: dict[str, list[_Desa]] = defaultdict(list)
    kabkota_key: dict[str, list[_Desa]] = defaultdict(list)
    for d in desas:
        kabkota_norm[d.norm].append(d)
        kabkota_key[d.key].append(d)
    remembered = remembered or {}

    if isinstance(pairs, pl.DataFrame):
        items = pairs.select(pl.col("kecamatan").cast(pl.String), pl.col("desa").cast(pl.String)).unique(
            maintain_order=True
        )
        unique_pairs = list(items.iter_rows())
    else:
        unique_pairs = list(dict.fromkeys((k, d) for k, d in pairs))

    def find_kecamatan(name: str | None) -> str | None:
        norm = normalise_name(name, drop=KECAMATAN_WORDS)
        if not norm:
            return None
        exact = [k for k, v in kec_norm.items() if v == norm]
        if len(exact) == 1:
            return exact[0]
        key = spelling_key(name, drop=KECAMATAN_WORDS)
        variant = [k for k, v in kec_key.items() if v == key]
        if len(variant) == 1:
            return variant[0]
        scored = _ratio(key, ((v, k) for k, v in kec_key.items()), cutoff)
        if scored and (len(scored) == 1 or scored[0][0] - scored[1][0] >= margin):
            return str(scored[0][1])
        return None

    results: list[dict] = []
    for kec_text, desa_text in unique_pairs:
        row: dict = {
            "kecamatan": kec_text,
            "desa": desa_text,
            "status": "unknown",
            "kode": None,
            "method": None,
            "score": None,
            "kecamatan_kode": None,
            "candidates": [],
            "message": None,
        }
        results.append(row)
        text = (desa_text or "").strip()
        kec_kode = find_kecamatan(kec_text)
        row["kecamatan_kode"] = kec_kode

        def matched(d: _Desa, method: str, score: float, row: dict = row) -> None:
            row.update(status="matched", kode=d.kode, method=method, score=round(score, 3))

        def ambiguous(scored: list[tuple[float, _Desa]], message: str, row: dict = row) -> None:
            row.update(status="ambiguous", candidates=_candidates(scored), message=message)

        if not text:
            row["message"] = "Desa/kelurahan kosong"
            continue
        if _CODE.match(text):
            code = kode_rules.normalise(text)
            if code in by_kode:
                matched(by_kode[code], "kode", 1.0)
            else:
                row["message"] = f"Kode desa {code} tidak ada di kabupaten/kota ini"
            continue
        norm, key = normalise_name(text), spelling_key(text)
        # An exact official name (or its old spelling) always wins: a remembered answer never
        # moves a desa the official list names exactly (issue 11).
        same_name: list[_Desa] = []
        if kec_kode is not None:
            pool = by_kec[kec_kode]
            for method, hits in (
                ("exact", [d for d in pool if d.norm == norm]),
                ("variant", [d for d in pool if d.key == key]),
            ):
                if len(hits) == 1:
                    matched(hits[0], method, 1.0)
                    break
                if len(hits) > 1:
                    same_name = hits
                    break
        else:
            hits = kabkota_norm.get(norm) or kabkota_key.get(key) or []
            if len(hits) == 1:
                matched(hits[0], "district", 1.0)
        if row["status"] == "matched":
            continue
        # A remembered answer resolves only what did not match exactly.
        choice = remembered.get(remember_key(kec_text, desa_text))
        if choice is not None:
            try:
                choice = kode_rules.normalise(choice)
            except kode_rules.InvalidKode:
                choice = None
            if choice in by_kode:
                matched(by_kode[str(choice)], "remembered", 1.0)
                continue
        if kec_kode is not None:
            if same_name:
                ambiguous(
                    [(1.0, d) for d in same_name], "Beberapa desa bernama sama di kecamatan ini: pilih satu"
                )
                continue
            scored = _ratio(key, ((d.key, d) for d in pool), suggest)
            if not scored and len(key) >= 4:
                # A shortened name ("Cikareo" for "Cikareo Selatan" and "Cikareo Utara"): ask.
                shortened = [d for d in pool if d.key.startswith(key) or key.startswith(d.key)]
                if shortened:
                    ambiguous(
                        [(0.0, d) for d in shortened],
                        f"Desa {text!r} bisa berarti {len(shortened)} desa di Kecamatan {kec_names[kec_kode]}: "
                        "pilih satu",
                    )
                    continue
            if scored:
                best = scored[0][0]
                clear = len(scored) == 1 or best - scored[1][0] >= margin
                if best >= cutoff and clear:
                    matched(scored[0][1], "fuzzy", best)
                else:
                    close = [s for s in scored if s[0] >= best - margin] if best >= cutoff else scored
                    ambiguous(
                        close,
                        f"Desa {text!r} mirip beberapa desa di Kecamatan {kec_names[kec_kode]}: pilih satu",
                    )
                continue
        # The whole district.
        hits = kabkota_norm.get(norm) or kabkota_key.get(key) or []
        if len(hits) == 1 and kec_kode is None:
            matched(hits[0], "district", 1.0)
            continue
        if hits:
            if kec_kode is not None:
                message = (
                    f"Desa {text!r} tidak ada di Kecamatan {kec_names[kec_kode]}, tetapi ada di kecamatan lain: "
                    "pilih yang benar"
                )
            else:
                message = f"Kecamatan {kec_text!r} tidak dikenal dan desa {text!r} ada di beberapa kecamatan: pilih satu"
            ambiguous([(1.0, d) for d in hits], message)
            continue
        scored = _ratio(key, ((d.key, d) for d in desas), cutoff)
        if scored:
            ambiguous(scored, f"Desa {text!r} tidak ditemukan persis; beberapa nama mirip: pilih satu")
            continue
        where = f" di Kecamatan {kec_names[kec_kode]}" if kec_kode else ""
        row["message"] = f"Desa {text!r} tidak ditemukan{where}: pilih desa yang benar atau perbaiki berkas"
    return pl.DataFrame(results, schema=RESULT_SCHEMA)
