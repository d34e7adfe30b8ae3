"""DHIS2 export: metadata (organisation units, data elements) and ``dataValues`` of a district.

**Stable uids.** DHIS2 identifies objects by an 11-character uid (a letter first, then letters or
digits). :func:`uid` derives one from a kind and a code: the SHA-256 of ``"konvergensi:{kind}:{code}"``
read as a big integer, its first character taken from the 52 letters and the next ten from the 62
letters and digits (base conversion). The same code always gives the same uid, so a second export
updates the objects the first one created instead of duplicating them. Kinds: ``ou`` (organisation
unit, code the dotted Kemendagri code), ``de`` (data element, code its DHIS2 ``code``).

**Periods.** A coverage value's ``periode`` ``2026`` is the DHIS2 yearly period ``2026``; ``2026-S1`` and
``2026-S2`` are the six-monthly ``2026S1``/``2026S2``. A measurement round's prevalence is reported
in the monthly period of the round's first month (``YYYYMM``).

Only values that exist are exported: a suppressed cell of a publication (its prevalence null) never is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass

LETTERS = string.ascii_letters
ALPHANUMERIC = string.ascii_letters + string.digits
UID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
# The uid of DHIS2's built-in "default" category combination (the same on every instance).
DEFAULT_CATEGORY_COMBO = "bjDvmb4bfuf"
LEVELS = {"provinsi": 1, "kabkota": 2, "kecamatan": 3, "desa": 4}
LEVEL_NAMES = {
    "provinsi": "Provinsi",
    "kabkota": "Kabupaten/Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/Kelurahan",
}
# The published stunting indicators (prevalence, percent) and their data element codes.
PREVALENCE = {
    "stunted": "Prevalensi stunting (TB/U < -2 SD)",
    "severely_stunted": "Prevalensi sangat pendek (TB/U < -3 SD)",
    "wasted": "Prevalensi gizi kurang/wasting (BB/TB < -2 SD)",
    "underweight": "Prevalensi berat badan kurang (BB/U < -2 SD)",
    "overweight": "Prevalensi gizi lebih (BB/TB > +2 SD)",
}
_PERIODE = re.compile(r"^(20\d\d)(?:-S([12]))?$")


def uid(kind: str, code: str) -> str:
    """A deterministic DHIS2 uid (11 characters, a letter first) for ``code`` of ``kind``."""
    n = int.from_bytes(hashlib.sha256(f"konvergensi:{kind}:{code}".encode()).digest(), "big")
    n, first = divmod(n, len(LETTERS))
    chars = [LETTERS[first]]
    for _ in range(10):
        n, i = divmod(n, len(ALPHANUMERIC))
        chars.append(ALPHANUMERIC[i])
    return "".join(chars)


def period_of(periode: str) -> str:
    """A coverage period (``2026``, ``2026-S1``) in DHIS2 form (``2026``, ``2026S1``)."""
    m = _PERIODE.match(periode)
    if m is None:
        raise ValueError(f"Periode tidak dikenal: {periode!r}")
    return m.group(1) + (f"S{m.group(2)}" if m.group(2) else "")


def month_period(day: dt.date) -> str:
    """The monthly DHIS2 period (``YYYYMM``) of a date."""
    return f"{day.year:04d}{day.month:02d}"


def indicator_code(kode: str) -> str:
    return f"KONV_{kode}"


def prevalence_code(measure: str) -> str:
    return f"KONV_PREV_{measure.upper()}"


@dataclass(frozen=True)
class OrgUnit:
    kode: str  # dotted Kemendagri code
    nama: str
    level: str  # provinsi, kabkota, kecamatan, desa
    parent: str | None


@dataclass(frozen=True)
class CatalogueIndicator:
    kode: str
    nama: str
    is_count: bool  # a count (jumlah) rather than a coverage percent


@dataclass(frozen=True)
class CoverageValue:
    indicator: str  # catalogue kode
    desa: str
    periode: str  # 2026 or 2026-S1
    numerator: int
    denominator: int | None


@dataclass(frozen=True)
class PrevalenceValue:
    measure: str  # a key of PREVALENCE
    kode: str  # the published unit
    month: dt.date  # the round's first day
    prevalence: float | None  # a fraction; None where the publication suppressed it


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _coverage_number(v: CoverageValue, is_count: bool) -> str | None:
    if is_count:
        return str(v.numerator)
    if not v.denominator:
        return None
    return f"{100 * v.numerator / v.denominator:.1f}"


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}"


def metadata(org_units: Iterable[OrgUnit], indicators: Iterable[CatalogueIndicator], *,
             opening_date: str = "1970-01-01") -> dict:  # fmt: skip
    """DHIS2 metadata: organisation units (with levels) and data elements on the default combination."""
    units = sorted(org_units, key=lambda u: u.kode)
    present = {u.kode for u in units}
    out_units = []
    for u in units:
        unit = {"id": uid("ou", u.kode), "code": u.kode, "name": _short(u.nama, 230),
                "shortName": _short(u.nama, 50), "openingDate": opening_date, "level": LEVELS[u.level]}  # fmt: skip
        if u.parent is not None and u.parent in present:
            unit["parent"] = {"id": uid("ou", u.parent)}
        out_units.append(unit)
    levels = sorted({u.level for u in units}, key=LEVELS.__getitem__)
    elements = []
    for ind in indicators:
        code = indicator_code(ind.kode)
        suffix = "jumlah" if ind.is_count else "%"
        elements.append(_element(code, f"{ind.kode} {ind.nama} ({suffix})", f"{ind.kode} {ind.nama}"))
    for measure, label in PREVALENCE.items():
        code = prevalence_code(measure)
        elements.append(_element(code, f"{label} (%)", label))
    return {
        "organisationUnitLevels": [
            {"id": uid("oul", level), "name": LEVEL_NAMES[level], "level": LEVELS[level]} for level in levels
        ],
        "organisationUnits": out_units,
        "dataElements": elements,
    }


def _element(code: str, name: str, short: str) -> dict:
    return {
        "id": uid("de", code),
        "code": code,
        "name": _short(name, 230),
        "shortName": _short(short, 50),
        "valueType": "NUMBER",
        "domainType": "AGGREGATE",
        "aggregationType": "AVERAGE",
        "categoryCombo": {"id": DEFAULT_CATEGORY_COMBO},
    }


def data_values(coverage: Iterable[CoverageValue], prevalence: Iterable[PrevalenceValue], *,
                indicators: Iterable[CatalogueIndicator]) -> list[dict]:  # fmt: skip
    """``dataValues`` of a data value set: coverage per desa and period, published prevalence per
    unit and round; values without a number (no denominator, suppressed) are left out."""
    is_count = {i.kode: i.is_count for i in indicators}
    out = []
    for v in coverage:
        if v.indicator not in is_count:
            continue
        value = _coverage_number(v, is_count[v.indicator])
        if value is None:
            continue
        out.append({"dataElement": uid("de", indicator_code(v.indicator)), "period": period_of(v.periode),
                    "orgUnit": uid("ou", v.desa), "value": value})  # fmt: skip
    for p in prevalence:
        if p.prevalence is None or p.measure not in PREVALENCE:
            continue
        out.append({"dataElement": uid("de", prevalence_code(p.measure)), "period": month_period(p.month),
                    "orgUnit": uid("ou", p.kode), "value": _percent(p.prevalence)})  # fmt: skip
    return out


def export(org_units: Iterable[OrgUnit], indicators: Iterable[CatalogueIndicator],
           coverage: Iterable[CoverageValue], prevalence: Iterable[PrevalenceValue], *,
           kabkota: str, exported_at: str) -> dict:  # fmt: skip
    """The whole DHIS2 document: ``metadata`` (import first) and a ``dataValueSets``-style body."""
    indicators = list(indicators)
    return {
        "metadata": metadata(org_units, indicators),
        "dataValueSets": {
            "dataValues": data_values(coverage, prevalence, indicators=indicators),
        },
        "source": {"system": "Konvergensi", "kabkota": kabkota, "exported_at": exported_at},
    }
