"""The district exports read from the database: only that district, only current publications of
published rounds, never a suppressed cell; through the command line (``konvergensi export``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.measurereport import MeasureReport
from typer.testing import CliRunner

from konvergensi.cli import app
from konvergensi.exports import selectors
from konvergensi.indicators.models import DataValue, Indicator
from konvergensi.measurements import services
from konvergensi.measurements.models import RoundStatus
from konvergensi.publication import snapshot
from konvergensi.publication.models import Publication
from konvergensi.wilayah.models import Region
from konvergensi_core.exports import dhis2
from tests.conftest import DESA, KAB, KEC, NEIGHBOUR
from tests.publication.test_publication import crafted  # noqa: F401  (the fixture: known small cells)

pytestmark = pytest.mark.django_db
runner = CliRunner()
MEASURES = ("stunted", "severely_stunted", "wasted", "underweight", "overweight")


def row(kode: str, level: str, measured: int, prevalence: float | None, hidden: bool = False) -> dict:
    out = {"kode": kode, "nama": kode, "level": level, "parent": None, "hidden": hidden, "measured": measured}
    for m in MEASURES:
        out[m] = None if prevalence is None else round(measured * prevalence)
        out[f"{m}_n"] = None if prevalence is None else measured
        out[f"{m}_prevalence"] = prevalence
    return out


def publish(world, kabkota: str, nama: str, start: dt.date, rows: list[dict], *, status=RoundStatus.DIPUBLIKASIKAN,
            withdrawn: bool = False, persona: str = "operator") -> Publication:  # fmt: skip
    rnd = services.round_create(scope=world.scopes[persona], kabkota=Region.objects.get(kode=kabkota), nama=nama,
                                tanggal_mulai=start, tanggal_selesai=start + dt.timedelta(days=27),
                                by=world.user(persona))  # fmt: skip
    rnd.status = status
    rnd.save(update_fields=["status"])
    data = {"district": rows[0], "kecamatan": [r for r in rows[1:] if r["level"] == "kecamatan"],
            "desa": [r for r in rows[1:] if r["level"] == "desa"]}  # fmt: skip
    return Publication.objects.create(
        round=rnd, data=data, withdrawn_at=dt.datetime.now(dt.UTC) if withdrawn else None
    )


@pytest.fixture
def stored(world):
    ind = Indicator.objects.filter(satuan="persen").order_by("kode").first()
    DataValue.objects.create(
        indicator=ind, desa_id=DESA, kabkota_id=KAB, periode="2026-S1", numerator=8, denominator=10
    )
    DataValue.objects.create(
        indicator=ind, desa_id=DESA, kabkota_id=KAB, periode="2025", numerator=1, denominator=4
    )
    neighbour_desa = Region.objects.filter(kode__startswith=NEIGHBOUR + ".", level="desa").first()
    DataValue.objects.create(indicator=ind, desa=neighbour_desa, kabkota_id=NEIGHBOUR, periode="2026-S1",
                             numerator=9, denominator=10)  # fmt: skip
    publish(
        world,
        KAB,
        "Februari 2026",
        dt.date(2026, 2, 1),
        [
            row(KAB, "kabkota", 500, 0.2),
            row(KEC, "kecamatan", 120, 0.25),
            row(DESA, "desa", 7, None, hidden=True),
        ],
    )
    publish(
        world,
        KAB,
        "Agustus 2026 (draf)",
        dt.date(2026, 8, 1),
        [row(KAB, "kabkota", 400, 0.31)],
        status=RoundStatus.DRAF,
    )
    publish(
        world,
        KAB,
        "Mei 2026 (ditarik)",
        dt.date(2026, 5, 1),
        [row(KAB, "kabkota", 400, 0.32)],
        withdrawn=True,
    )
    publish(
        world,
        NEIGHBOUR,
        "Februari 2026",
        dt.date(2026, 2, 1),
        [row(NEIGHBOUR, "kabkota", 300, 0.33)],
        persona="neighbour",
    )
    return ind


def ids_of(meta: dict) -> tuple[dict, dict]:
    return (
        {o["id"]: o["code"] for o in meta["organisationUnits"]},
        {d["id"]: d["code"] for d in meta["dataElements"]},
    )


def test_dhis2_exports_the_district_only_its_published_figures_and_no_suppressed_cell(stored):
    doc = selectors.dhis2_export(KAB)
    ous, des = ids_of(doc["metadata"])
    assert set(ous.values()) >= {"32", KAB, KEC, DESA}
    assert all(code in ("32", KAB) or code.startswith(KAB + ".") for code in ous.values())
    values = [
        (des[v["dataElement"]], v["period"], ous[v["orgUnit"]], v["value"])
        for v in doc["dataValueSets"]["dataValues"]
    ]
    code = dhis2.indicator_code(stored.kode)
    assert (code, "2026S1", DESA, "80.0") in values and (code, "2025", DESA, "25.0") in values
    prevalence = {(c, p, ou, v) for c, p, ou, v in values if c.startswith("KONV_PREV_")}
    assert ("KONV_PREV_STUNTED", "202602", KAB, "20.0") in prevalence
    assert ("KONV_PREV_STUNTED", "202602", KEC, "25.0") in prevalence
    # the hidden desa, the draft round (31 %), the withdrawn publication (32 %) and the neighbour (33 %) are absent
    assert {ou for _, _, ou, _ in prevalence} == {KAB, KEC}
    assert {p for _, p, _, _ in prevalence} == {"202602"}
    assert all(v["orgUnit"] in ous for v in doc["dataValueSets"]["dataValues"])


def test_dhis2_year_filters_coverage_and_rounds(stored):
    doc = selectors.dhis2_export(KAB, year=2025)
    periods = {v["period"] for v in doc["dataValueSets"]["dataValues"]}
    assert periods == {"2025"}


def test_nothing_to_export_is_one_sentence(world):
    with pytest.raises(selectors.NothingToExport, match="Sumedang"):
        selectors.dhis2_export(KAB, year=2030)
    with pytest.raises(selectors.NothingToExport, match="belum mempunyai putaran"):
        selectors.fhir_export(KAB)


def test_fhir_bundle_of_the_published_round_validates_and_stays_in_the_district(stored):
    doc = selectors.fhir_export(KAB)
    Bundle.model_validate(doc)
    reports = [MeasureReport.model_validate(e["resource"]) for e in doc["entry"]]
    subjects = {r.subject.identifier.value for r in reports}
    assert subjects == {KAB, KEC}  # not the hidden desa, not the neighbour
    assert len(reports) == 2 * 4  # stunting, wasting, underweight, overweight per unit
    assert {str(r.period.start) for r in reports} == {"2026-02-01"}  # not the draft nor the withdrawn round
    assert {r.reporter.identifier.value for r in reports} == {KAB}


def test_fhir_round_by_name_and_an_unknown_round(stored):
    assert len(selectors.fhir_export(KAB, round_name="februari 2026")["entry"]) == 8
    with pytest.raises(selectors.NothingToExport, match="Agustus"):
        selectors.fhir_export(KAB, round_name="Agustus 2026 (draf)")


def test_a_real_snapshot_exports_no_cell_it_suppressed(crafted):  # noqa: F811
    rnd, _ = crafted
    data = snapshot.publication_build(rnd)
    Publication.objects.create(round=rnd, data=data)
    type(rnd).objects.filter(pk=rnd.pk).update(status=RoundStatus.DIPUBLIKASIKAN)
    hidden = {r["kode"] for r in [data["district"], *data["kecamatan"], *data["desa"]] if r["hidden"]}
    assert DESA in hidden  # Cimungkal: 7 children, under the round's min_cell
    suppressed = {(r["kode"], m) for r in [data["district"], *data["kecamatan"], *data["desa"]]
                  for m in ("stunted", "wasted", "underweight", "overweight") if r[f"{m}_prevalence"] is None}  # fmt: skip
    bundle = selectors.fhir_export(KAB)
    Bundle.model_validate(bundle)
    names = {
        "stunting": "stunted",
        "wasting": "wasted",
        "underweight": "underweight",
        "overweight": "overweight",
    }
    exported = {(e["resource"]["subject"]["identifier"]["value"], names[e["resource"]["measure"].rsplit("/", 1)[1]])
                for e in bundle["entry"]}  # fmt: skip
    assert exported and not exported & suppressed
    assert not {k for k, _ in exported} & hidden
    doc = selectors.dhis2_export(KAB)
    ous, _ = ids_of(doc["metadata"])
    assert not {ous[v["orgUnit"]] for v in doc["dataValueSets"]["dataValues"]} & hidden


def test_the_cli_writes_the_district_files(stored, tmp_path):
    out = tmp_path / "dhis2.json"
    result = runner.invoke(app, ["export", "dhis2", "--kabkota", "3211", "--year", "2026", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    ous, _ = ids_of(doc["metadata"])
    assert {ous[v["orgUnit"]] for v in doc["dataValueSets"]["dataValues"]} == {KAB, KEC, DESA}
    out = tmp_path / "fhir.json"
    result = runner.invoke(
        app, ["export", "fhir", "--kabkota", KAB, "--round", "Februari 2026", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    Bundle.model_validate(json.loads(out.read_text()))


def test_the_cli_refuses_in_one_line(world, tmp_path):
    result = runner.invoke(app, ["export", "fhir", "--kabkota", KAB, "-o", str(tmp_path / "x.json")])
    assert (
        result.exit_code == 1
        and "belum mempunyai putaran" in result.stderr
        and "Traceback" not in result.output
    )
    result = runner.invoke(app, ["export", "dhis2", "--kabkota", "32", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "bukan kode kabupaten/kota" in result.stderr
    result = runner.invoke(app, ["export", "dhis2", "--kabkota", KAB, "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and ".json" in result.stderr


def test_opendata_parquet_holds_every_published_figure_nationwide_and_nothing_else(stored, tmp_path):
    import polars as pl

    out = tmp_path / "national.parquet"
    result = runner.invoke(app, ["export", "opendata", "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = pl.read_parquet(out)
    got = {(r["kabkota_kode"], r["kode"], r["stunted_prevalensi"]) for r in frame.iter_rows(named=True)}
    # both districts' published rounds; not the hidden desa, the draft or the withdrawn round
    assert got == {(KAB, KAB, 0.2), (KAB, KEC, 0.25), (NEIGHBOUR, NEIGHBOUR, 0.33)}
    assert frame.schema["tanggal_mulai"] == pl.Date and frame.schema["diukur"] == pl.Int64
    out = tmp_path / "sumedang.csv"
    result = runner.invoke(app, ["export", "opendata", "--kabkota", KAB, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert set(pl.read_csv(out, schema_overrides={"kabkota_kode": pl.String})["kabkota_kode"]) == {KAB}
