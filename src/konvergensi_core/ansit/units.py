"""The units of an Aksi 1 analysis (desa, kecamatan or puskesmas area): pooled figures of an area
from its desa, and a file's unit labels → the district's unit codes. Pure Python; never imports
Django (the app passes the district's units in).

**Pooled figures** (:func:`pool`): an area's stunting cases are the sum over its desa with cases.
When every such desa also has children measured (> 0), the area's children measured are their sum
and the prevalence follows from the two sums; when only some have, the prevalence is pooled over
the desa that have both (cases ÷ measured of those desa) and given explicitly, without a count of
children measured; when none has, the area has cases only.

**Unit labels** (:class:`UnitLookup`): a label is matched, in this order, by

1. a **code** of the unit (the official code, its digits-only spelling, a puskesmas code), case and
   spacing ignored;
2. the unit's **name**, case and spacing ignored; for a puskesmas also without the leading
   "Puskesmas", "PKM", "UPT Puskesmas" or "UPTD Puskesmas";
3. the name's **spelling key** of :mod:`konvergensi_core.desa_match` (the words "desa", "kel", "kec",
   "kecamatan", "puskesmas", … and punctuation dropped, roman numerals as digits, the pre-1972
   spelling as today's, spaces removed), only when step 2 finds nothing.

A name (step 2 or 3) shared by several units is **ambiguous** (the file must give the code); a label
found nowhere is **unknown**.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from konvergensi_core.desa_match import DESA_WORDS, KECAMATAN_WORDS, spelling_key

Figures = tuple[float | None, float | None]  # (cases, children measured) of one desa

PUSKESMAS_WORDS = frozenset({"puskesmas", "pkm", "upt", "uptd"})
_PUSKESMAS_PREFIX = re.compile(r"^(puskesmas|pkm|upt puskesmas|uptd puskesmas)\s+")
_DROP = {"desa": DESA_WORDS, "kecamatan": KECAMATAN_WORDS, "puskesmas": PUSKESMAS_WORDS}


@dataclass(frozen=True)
class Pooled:
    cases: float | None
    measured: float | None
    prevalence: float | None  # given only when it cannot be cases ÷ measured (module docstring)


def pool(figures: Iterable[Figures]) -> Pooled:
    """The pooled figures of an area from the (cases, measured) of its desa (module docstring);
    desa without data are simply not passed, or passed as ``(None, None)``."""
    with_cases = [(c, m) for c, m in figures if c is not None]
    if not with_cases:
        return Pooled(None, None, None)
    cases = math.fsum(c for c, _m in with_cases)
    pairs = [(c, m) for c, m in with_cases if m is not None and m > 0]
    if len(pairs) == len(with_cases):
        return Pooled(cases, math.fsum(m for _c, m in pairs), None)
    if pairs:
        return Pooled(cases, None, 100.0 * math.fsum(c for c, _m in pairs) / math.fsum(m for _c, m in pairs))
    return Pooled(cases, None, None)


def normal(text: str) -> str:
    """Lower case, runs of white space as one space, trimmed."""
    return re.sub(r"\s+", " ", str(text)).strip().lower()


@dataclass(frozen=True)
class Unit:
    """One unit of the district: its code, name and other spellings of the code (e.g. the code
    without dots)."""

    kode: str
    nama: str
    other_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitMatch:
    kode: str | None
    ambiguous: bool = False  # the name belongs to several units


class UnitLookup:
    """A district's units of one level (``"desa"``, ``"kecamatan"`` or ``"puskesmas"``), to match
    the labels of a file (module docstring)."""

    def __init__(self, units: Iterable[Unit], *, level: str) -> None:
        self.level = str(level)
        self.names: dict[str, str] = {}
        self._by_code: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._by_key: dict[str, list[str]] = defaultdict(list)
        drop = _DROP.get(self.level, DESA_WORDS)
        for u in units:
            self.names[u.kode] = u.nama
            for code in (u.kode, *u.other_codes):
                if code:
                    self._by_code[normal(code)] = u.kode
            name = normal(u.nama)
            self._by_name[name].append(u.kode)
            if self.level == "puskesmas":
                short = _PUSKESMAS_PREFIX.sub("", name)
                if short != name:
                    self._by_name[short].append(u.kode)
            key = spelling_key(u.nama, drop=drop)
            if key and u.kode not in self._by_key[key]:
                self._by_key[key].append(u.kode)
        self._drop = drop

    def match(self, label: str) -> UnitMatch:
        text = normal(label)
        kode = self._by_code.get(text)
        if kode is not None:
            return UnitMatch(kode)
        for matches in (
            self._by_name.get(text, []),
            self._by_key.get(spelling_key(label, drop=self._drop), []),
        ):
            if len(set(matches)) > 1:
                return UnitMatch(None, ambiguous=True)
            if matches:
                return UnitMatch(matches[0])
        return UnitMatch(None)
