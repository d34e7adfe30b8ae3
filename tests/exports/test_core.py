"""The pure builders (no database): DHIS2 uids, periods and shape; FHIR R4 validity (fhir.resources R4B,
the R4-family module fhir.resources 8 offers)."""

from __future__ import annotations

import datetime as dt

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.measurereport import MeasureReport

from konvergensi_core.exports import dhis2, fhir

UNITS = [
    dhis2.OrgUnit("32", "Jawa Barat", "provinsi", None),
    dhis2.OrgUnit("32.11", "Kabupaten Sumedang", "kabkota", "32"),
    dhis2.OrgUnit("32.11.01", "Wado", "kecamatan", "32.11"),
    dhis2.OrgUnit("32.11.01.2001", "Cimungkal", "desa", "32.11.01"),
]
INDICATORS = [dhis2.CatalogueIndicator("U01", "Cakupan ibu hamil KEK mendapat PMT", False),
              dhis2.CatalogueIndicator("K01", "Kasus malaria", True)]  # fmt: skip


def test_uids_are_dhis2_uids_deterministic_and_distinct():
    codes = [f"32.11.{i:02d}.{j:04d}" for i in range(1, 30) for j in range(2001, 2040)]
    uids = [dhis2.uid("ou", c) for c in codes]
    assert all(dhis2.UID_PATTERN.fullmatch(u) for u in uids)
    assert len(set(uids)) == len(uids)
    assert uids == [dhis2.uid("ou", c) for c in codes]  # stable between exports
    assert dhis2.uid("ou", "32.11") != dhis2.uid("de", "32.11")


@pytest.mark.parametrize(
    ("periode", "expected"), [("2026", "2026"), ("2026-S1", "2026S1"), ("2025-S2", "2025S2")]
)
def test_periods_in_dhis2_form(periode, expected):
    assert dhis2.period_of(periode) == expected


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError):
        dhis2.period_of("2026-Q1")


def test_the_document_has_metadata_and_data_values_and_leaves_suppressed_cells_out():
    coverage = [dhis2.CoverageValue("U01", "32.11.01.2001", "2026-S1", 8, 10),
                dhis2.CoverageValue("U01", "32.11.01.2001", "2026", 3, 0),  # no denominator: no value
                dhis2.CoverageValue("K01", "32.11.01.2001", "2026", 4, None)]  # fmt: skip
    prevalence = [dhis2.PrevalenceValue("stunted", "32.11.01", dt.date(2026, 2, 1), 0.2134),
                  dhis2.PrevalenceValue("wasted", "32.11.01", dt.date(2026, 2, 1), None)]  # fmt: skip
    doc = dhis2.export(UNITS, INDICATORS, coverage, prevalence, kabkota="32.11", exported_at="x")
    meta = doc["metadata"]
    assert set(doc) == {"metadata", "dataValueSets", "source"}
    ous = {o["code"]: o for o in meta["organisationUnits"]}
    assert set(ous) == {"32", "32.11", "32.11.01", "32.11.01.2001"}
    assert (
        ous["32.11.01.2001"]["parent"] == {"id": ous["32.11.01"]["id"]} and ous["32.11.01.2001"]["level"] == 4
    )
    assert "parent" not in ous["32"] and ous["32"]["level"] == 1
    des = {d["code"]: d for d in meta["dataElements"]}
    assert {"KONV_U01", "KONV_K01", "KONV_PREV_STUNTED", "KONV_PREV_WASTED"} <= set(des)
    for obj in [*ous.values(), *des.values()]:
        assert dhis2.UID_PATTERN.fullmatch(obj["id"]) and len(obj["shortName"]) <= 50
    assert all(d["categoryCombo"] == {"id": dhis2.DEFAULT_CATEGORY_COMBO} for d in des.values())
    values = doc["dataValueSets"]["dataValues"]
    assert values == [
        {"dataElement": des["KONV_U01"]["id"], "period": "2026S1", "orgUnit": ous["32.11.01.2001"]["id"], "value": "80.0"},
        {"dataElement": des["KONV_K01"]["id"], "period": "2026", "orgUnit": ous["32.11.01.2001"]["id"], "value": "4"},
        {"dataElement": des["KONV_PREV_STUNTED"]["id"], "period": "202602", "orgUnit": ous["32.11.01"]["id"], "value": "21.3"},
    ]  # fmt: skip


ROUND = fhir.RoundInfo(
    7, "Februari 2026", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026-03-01T10:00:00+07:00"
)


def _unit(kode="32.11.01", prevalence=0.2041):
    keys = fhir.MEASURES.values()
    return fhir.UnitFigures(kode, "Wado", 100, counts=dict.fromkeys(keys, 20), valid=dict.fromkeys(keys, 98),
                            prevalence=dict.fromkeys(keys, prevalence) | {"wasted": None})  # fmt: skip


def test_the_fhir_bundle_validates_as_r4_and_holds_aggregate_measure_reports():
    doc = fhir.bundle(
        [(ROUND, [_unit()])],
        kabkota="32.11",
        kabkota_nama="Kabupaten Sumedang",
        timestamp="2026-03-02T00:00:00+07:00",
    )
    bundle = Bundle.model_validate(doc)
    assert bundle.type == "collection"
    reports = [MeasureReport.model_validate(e["resource"]) for e in doc["entry"]]
    # wasting is suppressed in this unit: three reports, not four
    assert sorted(r.measure for r in reports) == [
        fhir.MEASURE_BASE + m for m in ("overweight", "stunting", "underweight")
    ]
    r = next(r for r in reports if r.measure.endswith("/stunting"))
    assert (r.status, r.type) == ("complete", "summary")
    assert r.subject.identifier.value == "32.11.01" and r.subject.type == "Location"
    assert r.reporter.identifier.value == "32.11" and r.reporter.type == "Organization"
    counts = {p.code.coding[0].code: p.count for p in r.group[0].population}
    assert counts == {"initial-population": 100, "denominator": 98, "numerator": 20}
    assert float(r.group[0].measureScore.value) == 20.41
    assert str(r.period.start) == "2026-02-01"
    # deterministic: the same input gives the same document
    again = fhir.bundle(
        [(ROUND, [_unit()])],
        kabkota="32.11",
        kabkota_nama="Kabupaten Sumedang",
        timestamp="2026-03-02T00:00:00+07:00",
    )
    assert again == doc


def test_the_validator_would_catch_a_broken_report():
    doc = fhir.bundle(
        [(ROUND, [_unit()])], kabkota="32.11", kabkota_nama="K", timestamp="2026-03-02T00:00:00+07:00"
    )
    report = doc["entry"][0]["resource"]
    # fhir.resources checks cardinality, types and unknown elements (not code values): each breaks it.
    for broken in ({k: v for k, v in report.items() if k != "status"}, dict(report, childName="x"),
                   dict(report, period={"start": "01-02-2026"})):  # fmt: skip
        with pytest.raises(ValueError):
            MeasureReport.model_validate(broken)
