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
found nowhere is **unknown**; a label of a unit an earlier label already named is **repeated**
(:meth:`UnitLookup.match_labels`).

**Areas** of desa: a kecamatan's desa follow from their codes (:func:`kecamatan_areas`); a desa
served by several puskesmas counts in the first (by code) only (:func:`puskesmas_areas`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from konvergensi_core.desa_match import DESA_WORDS, KECAMATAN_WORDS, spelling_key
from konvergensi_core.kode import at_level

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


def pool_area(members: Iterable[str], figures: Mapping[str, Figures]) -> Pooled:
    """The pooled figures of an area from its desa codes and the figures per desa code (a desa
    without figures is left out)."""
    return pool(figures[d] for d in members if d in figures)


def kecamatan_areas(desa: Iterable[str]) -> dict[str, list[str]]:
    """The desa codes of each kecamatan (its code is the start of theirs), in the order given."""
    out: dict[str, list[str]] = {}
    for kode in desa:
        out.setdefault(at_level(kode, "kecamatan"), []).append(kode)
    return out


Area = tuple[str, str, list[str]]  # (kode, nama, desa codes) of a puskesmas area


def puskesmas_areas(
    puskesmas: Iterable[tuple[str, str, Iterable[str]]], desa: Iterable[str]
) -> tuple[list[Area], list[str]]:
    """The area of each puskesmas from the desa it serves, given in code order: a desa served by
    several counts in the first only; also the district's desa no puskesmas serves."""
    taken: set[str] = set()
    areas: list[Area] = []
    for kode, nama, served in puskesmas:
        members = sorted(d for d in set(served) if d not in taken)
        taken.update(members)
        areas.append((kode, nama, members))
    return areas, [d for d in desa if d not in taken]


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


AMBIGUOUS = "ambiguous"
UNKNOWN = "unknown"
REPEATED = "repeated"


@dataclass(frozen=True)
class LabelMatch:
    """One label of a file: the unit it names, or why it names none (``AMBIGUOUS``, ``UNKNOWN``,
    ``REPEATED``: a unit an earlier label already named)."""

    label: str
    kode: str | None
    problem: str = ""


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

    def match_labels(self, labels: Iterable[str]) -> list[LabelMatch]:
        """Every label of a file, in order (module docstring); only the first label of a unit
        keeps its code."""
        seen: set[str] = set()
        out = []
        for label in labels:
            found = self.match(label)
            if found.ambiguous:
                out.append(LabelMatch(label, None, AMBIGUOUS))
            elif found.kode is None:
                out.append(LabelMatch(label, None, UNKNOWN))
            elif found.kode in seen:
                out.append(LabelMatch(label, None, REPEATED))
            else:
                seen.add(found.kode)
                out.append(LabelMatch(label, found.kode))
        return out
