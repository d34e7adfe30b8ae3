"""FHIR R4 export: one aggregate ``MeasureReport`` (status ``complete``, type ``summary``) per published
unit, measure and round, in a ``Bundle`` of type ``collection``. Aggregates only: counts and a
prevalence; no child-level resource exists here (NIK is never stored).

* ``measure``: ``https://konvergensi.id/fhir/Measure/{stunting|wasting|underweight|overweight}``.
* ``subject``: the unit, a ``Location`` referred to by its Kemendagri code (identifier system
  :data:`KODE_SYSTEM`); ``reporter``: the district government, an ``Organization`` by the district's code.
* ``period``: the round's first and last day.
* ``group[0].population``: ``initial-population`` (children measured in the unit), ``denominator``
  (children with a valid z-score for that index), ``numerator`` (children below/above the cut-off);
  ``measureScore``: the prevalence in percent (UCUM ``%``).

Ids are deterministic (uuid5 of the district, round, unit and measure), so a re-export is identical.
A cell the publication suppressed (prevalence null) gives no report.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

MEASURE_BASE = "https://konvergensi.id/fhir/Measure/"
KODE_SYSTEM = "https://konvergensi.id/fhir/sid/kode-wilayah"
POPULATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-population"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://konvergensi.id/fhir")
# Measure name in the canonical URL → the key of the publication's figures.
MEASURES = {
    "stunting": "stunted",
    "wasting": "wasted",
    "underweight": "underweight",
    "overweight": "overweight",
}


@dataclass(frozen=True)
class UnitFigures:
    """One published unit of a round: children measured and, per figure key (``stunted``…), the
    count, the valid children behind it and the prevalence (a fraction; None where suppressed)."""

    kode: str
    nama: str
    measured: int | None
    counts: dict[str, int | None] = field(default_factory=dict)
    valid: dict[str, int | None] = field(default_factory=dict)
    prevalence: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class RoundInfo:
    id: int
    nama: str
    start: dt.date
    end: dt.date
    published_at: str  # ISO 8601 with time zone


def _population(code: str, count: int) -> dict:
    return {"code": {"coding": [{"system": POPULATION_SYSTEM, "code": code}]}, "count": count}


def _kode_ref(kind: str, kode: str, display: str) -> dict:
    return {"type": kind, "identifier": {"system": KODE_SYSTEM, "value": kode}, "display": display}


def measure_report(unit: UnitFigures, measure: str, rnd: RoundInfo, *, kabkota: str,
                   kabkota_nama: str) -> dict | None:  # fmt: skip
    """One MeasureReport, or None where the figure is not published (suppressed or absent)."""
    key = MEASURES[measure]
    prevalence, count = unit.prevalence.get(key), unit.counts.get(key)
    if prevalence is None or count is None or unit.measured is None:
        return None
    denominator = unit.valid.get(key)
    if denominator is None:
        denominator = unit.measured
    ident = uuid.uuid5(NAMESPACE, f"{kabkota}/{rnd.id}/{unit.kode}/{measure}")
    return {
        "resourceType": "MeasureReport",
        "id": str(ident),
        "status": "complete",
        "type": "summary",
        "measure": MEASURE_BASE + measure,
        "subject": _kode_ref("Location", unit.kode, unit.nama),
        "date": rnd.published_at,
        "reporter": _kode_ref("Organization", kabkota, kabkota_nama),
        "period": {"start": rnd.start.isoformat(), "end": rnd.end.isoformat()},
        "group": [
            {
                "population": [
                    _population("initial-population", unit.measured),
                    _population("denominator", denominator),
                    _population("numerator", count),
                ],
                "measureScore": {
                    "value": round(100 * prevalence, 2),
                    "unit": "%",
                    "system": "http://unitsofmeasure.org",
                    "code": "%",
                },  # fmt: skip
            }
        ],
    }


def bundle(rounds: Iterable[tuple[RoundInfo, list[UnitFigures]]], *, kabkota: str, kabkota_nama: str,
           timestamp: str) -> dict:  # fmt: skip
    """A collection Bundle of every published MeasureReport of the given rounds."""
    entries = []
    rounds = list(rounds)
    for rnd, units in rounds:
        for unit in units:
            for measure in MEASURES:
                report = measure_report(unit, measure, rnd, kabkota=kabkota, kabkota_nama=kabkota_nama)
                if report is not None:
                    entries.append({"fullUrl": f"urn:uuid:{report['id']}", "resource": report})
    ident = uuid.uuid5(NAMESPACE, f"{kabkota}/bundle/" + ",".join(str(r.id) for r, _ in rounds))
    return {"resourceType": "Bundle", "id": str(ident), "type": "collection", "timestamp": timestamp,
            "entry": entries}  # fmt: skip
