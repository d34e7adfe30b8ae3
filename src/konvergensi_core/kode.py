"""Kemendagri administrative codes (kode wilayah).

A code encodes its whole ancestry: ``32.04.12.2001`` is a desa in kecamatan ``32.04.12``, in
kab/kota ``32.04``, in provinsi ``32``. Everything here works on the string alone, so looking up
ancestors never needs a recursive query.
"""

from __future__ import annotations

import re
from typing import Literal

Level = Literal["provinsi", "kabkota", "kecamatan", "desa"]
LEVELS: tuple[Level, ...] = ("provinsi", "kabkota", "kecamatan", "desa")

_PATTERNS: dict[Level, re.Pattern[str]] = {
    "provinsi": re.compile(r"^\d{2}$"),
    "kabkota": re.compile(r"^\d{2}\.\d{2}$"),
    "kecamatan": re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    "desa": re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
}
# Length of the dotted code at each level: "32", "32.04", "32.04.12", "32.04.12.2001".
_LENGTHS: dict[Level, int] = {"provinsi": 2, "kabkota": 5, "kecamatan": 8, "desa": 13}


class InvalidKode(ValueError):
    """A string that is not a Kemendagri code."""


def level_of(kode: str) -> Level:
    """The level of a dotted code; raises :class:`InvalidKode` for anything else."""
    for level, pattern in _PATTERNS.items():
        if pattern.match(kode):
            return level
    raise InvalidKode(f"Kode wilayah tidak dikenal: {kode!r}")


def normalise(kode: str) -> str:
    """Accept ``3204122001`` or `` 32.04.12.2001 `` and return the dotted form."""
    raw = kode.strip()
    digits = raw.replace(".", "")
    if not digits.isdigit() or len(digits) not in (2, 4, 6, 10):
        raise InvalidKode(f"Kode wilayah tidak dikenal: {kode!r}")
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    dotted = ".".join(p for p in parts if p)
    level_of(dotted)
    return dotted


def ancestors(kode: str) -> list[str]:
    """Codes of every ancestor, from the province down to the parent (excluding ``kode``)."""
    level = level_of(kode)
    depth = LEVELS.index(level)
    return [kode[: _LENGTHS[LEVELS[i]]] for i in range(depth)]


def parent(kode: str) -> str | None:
    chain = ancestors(kode)
    return chain[-1] if chain else None


def at_level(kode: str, level: Level) -> str:
    """The ancestor (or the code itself) at ``level``; raises if ``kode`` is above that level."""
    own = level_of(kode)
    if LEVELS.index(own) < LEVELS.index(level):
        raise InvalidKode(f"{kode} berada di atas tingkat {level}")
    return kode[: _LENGTHS[level]]


def subtree_range(kode: str) -> tuple[str, str] | None:
    """``(low, high)`` with ``low <= c < high`` for ``kode`` and every code inside it, so that an
    index on the code column can seek to the subtree ("32.05" <= "32.05.…" < "32.06"). The same holds in
    byte order and in linguistic collations, which compare the digits and ignore the dots. None for a
    string that is not a code, or whose last digit is 9 (the next character, ":", is ignored by those
    collations)."""
    try:
        level_of(kode)
    except InvalidKode:
        return None
    if kode[-1] == "9":
        return None
    return kode, kode[:-1] + chr(ord(kode[-1]) + 1)


def contains(outer: str, inner: str) -> bool:
    """True when region ``inner`` is ``outer`` or lies inside it."""
    if inner == outer:
        return True
    return inner.startswith(outer + ".")


def jenis_of(kode: str) -> str:
    """kabupaten/kota for kab/kota codes (KK 01–69 / 71–99); kelurahan/desa/desa_adat for desa."""
    level = level_of(kode)
    if level == "kabkota":
        return "kota" if int(kode[3:5]) >= 71 else "kabupaten"
    if level == "desa":
        return {"1": "kelurahan", "2": "desa", "3": "desa_adat"}.get(kode[9], "desa")
    return level


# Indonesia's three time zones by province code (Kemendagri). WIB: Sumatra, Java, West and
# Central Kalimantan; WITA: Bali, Nusa Tenggara, South, East and North Kalimantan, Sulawesi;
# WIT: Maluku and Papua. Every region (kab/kota, kecamatan, desa) keeps its province's zone.
WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
_ZONE_PROVINCES: dict[str, tuple[int, ...]] = {
    WIB: (11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 61, 62),
    WITA: (51, 52, 53, 63, 64, 65, 71, 72, 73, 74, 75, 76),
    WIT: (81, 82, 91, 92, 93, 94, 95, 96),
}
_PROVINCE_ZONE: dict[str, str] = {f"{p:02d}": zone for zone, codes in _ZONE_PROVINCES.items() for p in codes}
# The short names Indonesians write after a time ("01.30 WIB").
ZONE_ABBREVIATIONS: dict[str, str] = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


def time_zone(kode: str) -> str:
    """The IANA time zone of a region, from its province (``"73.71"`` → ``"Asia/Makassar"``).

    Raises :class:`InvalidKode` for a string that is not a region code or a province code
    Indonesia does not have.
    """
    level_of(kode)
    try:
        return _PROVINCE_ZONE[kode[:2]]
    except KeyError:
        raise InvalidKode(f"Provinsi tidak dikenal: {kode[:2]!r}") from None


def zone_abbreviation(kode: str) -> str:
    """WIB, WITA or WIT for a region code."""
    return ZONE_ABBREVIATIONS[time_zone(kode)]
