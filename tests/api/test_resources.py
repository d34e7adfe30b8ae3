"""The REST API's read resources beyond the first five: OPD, puskesmas, data sasaran, measurement rounds
and their suppressed aggregates, Aksi 1 analyses and lokus, plans, budget lines and summaries,
assessments — each for the district's operator and for the neighbouring district (who sees nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from konvergensi.api import tokens
from konvergensi.indicators.models import DataSasaran
from konvergensi.measurements.models import MeasurementRound
from tests.conftest import DESA, KAB, KEC, NEIGHBOUR, PDF_BYTES
from tests.test_persona_matrix import (
    assessment_round,
    budget_line,
    measurement_round,
    plan_draft,
)

pytestmark = pytest.mark.django_db

PERSONAL = ("nama_ortu", "nik", "nik_masked", "nik_hash", "child_key", "birth_date", "alamat")


def secret_for(w, persona: str) -> str:
    return tokens.create(user=w.user(persona), scope=w.scopes[persona], name="uji", days=30).secret


def get(w, persona: str, url: str):
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret_for(w, persona)}")


def items(w, persona: str, url: str) -> list[dict]:
    r = get(w, persona, url)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == len(body["items"]) or body["count"] > len(body["items"])
    return body["items"]


def test_opd_and_puskesmas_of_the_district_only(world):
    opd = items(world, "operator", "/api/v1/opd/")
    assert opd and {o["kabkota"] for o in opd} == {KAB}
    assert "Dinkes" in {o["singkatan"] for o in opd}
    assert {o["kabkota"] for o in items(world, "provinsi", "/api/v1/opd/")} == {KAB, NEIGHBOUR}
    assert {o["kabkota"] for o in items(world, "neighbour", "/api/v1/opd/")} == {NEIGHBOUR}
    assert items(world, "neighbour", f"/api/v1/opd/?kode={KAB}") == []
    pkm = items(world, "operator", "/api/v1/puskesmas/")
    assert [(p["kode"], p["kecamatan"]) for p in pkm] == [("P321101001", KEC)]
    assert DESA in pkm[0]["desa"]
    assert items(world, "operator", "/api/v1/puskesmas/?kode=32.11.02") == []
    assert items(world, "neighbour", "/api/v1/puskesmas/") == []


def test_data_sasaran_by_the_readers_area(world):
    DataSasaran.objects.create(desa_id=DESA, tahun=2026, balita=120, baduta=50)
    DataSasaran.objects.create(desa_id="32.11.02.2001", tahun=2026, balita=80)
    rows = items(world, "operator", "/api/v1/sasaran/?tahun=2026")
    assert {r["desa"] for r in rows} == {DESA, "32.11.02.2001"}
    mine = next(r for r in rows if r["desa"] == DESA)
    assert (mine["balita"], mine["baduta"], mine["ibu_hamil"], mine["version"]) == (120, 50, None, 1)
    assert {r["desa"] for r in items(world, "kecamatan", "/api/v1/sasaran/")} == {DESA}
    assert {r["desa"] for r in items(world, "desa", "/api/v1/sasaran/")} == {DESA}
    assert items(world, "operator", "/api/v1/sasaran/?kode=32.11.02&tahun=2026")[0]["balita"] == 80
    assert items(world, "operator", "/api/v1/sasaran/?tahun=2025") == []
    assert items(world, "neighbour", "/api/v1/sasaran/") == []
    assert items(world, "other_province", f"/api/v1/sasaran/?kode={KAB}") == []


def commit_measurements(w, rnd: MeasurementRound, n: int = 60) -> None:
    from konvergensi.imports import services as pipeline
    from konvergensi.measurements import imports
    from tests.measurements.test_measurements import as_csv, export

    imp = imports.stage(scope=w.scopes["operator"], rnd=rnd, by=w.user("operator"),
                        upload=SimpleUploadedFile("e.csv", as_csv(export(n=n, errors=False))))  # fmt: skip
    assert imports.check(imp, scope=w.scopes["operator"], today=dt.date(2026, 3, 1)).ok
    pipeline.commit(imp, scope=w.scopes["operator"], by=w.user("operator"))


def no_personal_field(payload) -> None:
    text = str(payload)
    for key in PERSONAL:
        assert f"'{key}'" not in text, key


def test_rounds_and_the_aggregates_of_a_draft_round_are_suppressed(world):
    rnd = MeasurementRound.objects.get(pk=measurement_round(world)["pk"])
    commit_measurements(world, rnd)
    rounds = items(world, "operator", "/api/v1/pengukuran/")
    assert [(r["id"], r["status"], r["measured"], r["dipublikasikan"]) for r in rounds] == [
        (rnd.pk, "draf", 60, False)
    ]
    # A kecamatan sees the round, not the district's count.
    assert [r["measured"] for r in items(world, "kecamatan", "/api/v1/pengukuran/")] == [None]
    assert items(world, "neighbour", "/api/v1/pengukuran/") == []
    assert get(world, "neighbour", f"/api/v1/pengukuran/{rnd.pk}/agregat").status_code == 404
    assert get(world, "operator", "/api/v1/pengukuran/999999/agregat").status_code == 404

    r = get(world, "operator", f"/api/v1/pengukuran/{rnd.pk}/agregat")
    assert r.status_code == 200
    body = r.json()
    assert body["sumber"] == "putaran" and body["published_at"] is None
    no_personal_field(body)
    units = {u["kode"]: u for u in body["units"]}
    district = units[KAB]
    assert district["level"] == "kabkota" and district["measured"] == 60 and not district["hidden"]
    desa = [u for u in body["units"] if u["level"] == "desa"]
    assert desa, "the desa with children measured are listed"
    # 60 children over the district's desa: every desa is below the round's minimum cell (10) here,
    # so none shows a count or a rate — the small-cell suppression of a publication.
    from konvergensi.measurements.models import Measurement

    per_desa = {u["kode"]: Measurement.objects.filter(round=rnd, desa_id=u["kode"]).count() for u in desa}
    small = [u for u in desa if per_desa[u["kode"]] < rnd.min_cell]
    assert small
    for u in small:
        assert u["hidden"] and u["measured"] is None and u["stunted_prevalence"] is None, u
    # A kecamatan user gets the units of their kecamatan only, no district total.
    kec = get(world, "kecamatan", f"/api/v1/pengukuran/{rnd.pk}/agregat").json()
    assert kec["units"] and all(u["kode"].startswith(KEC) for u in kec["units"])


def test_a_published_round_answers_with_its_frozen_publication(world):
    from konvergensi.publication.selectors import publication_current_for_round

    rnd = MeasurementRound.objects.get(pk=measurement_round(world)["pk"])
    commit_measurements(world, rnd, n=40)
    from konvergensi.publication import services, snapshot

    services.publication_store(
        rnd=rnd, data=snapshot.publication_build(rnd), pdf=PDF_BYTES, by=world.user("operator")
    )
    rnd.refresh_from_db()
    pub = publication_current_for_round(rnd)
    assert pub is not None
    body = get(world, "operator", f"/api/v1/pengukuran/{rnd.pk}/agregat").json()
    assert body["sumber"] == "publikasi" and body["published_at"]
    no_personal_field(body)
    snapshot_rows = [pub.data["district"], *pub.data["kecamatan"], *pub.data["desa"]]
    assert [u["kode"] for u in body["units"]] == [row["kode"] for row in snapshot_rows]
    for unit, row in zip(body["units"], snapshot_rows, strict=True):
        assert (unit["measured"], unit["hidden"]) == (row["measured"], row["hidden"])
    # More measurements after publishing change nothing of what the API answers.
    commit_measurements(world, rnd, n=80)
    again = get(world, "operator", f"/api/v1/pengukuran/{rnd.pk}/agregat").json()
    assert again["units"] == body["units"]


def test_analyses_and_lokus_of_aksi_1(world):
    from tests.ansit.test_ansit import HOT_JATI, HOT_WADO, confirm_lokus, make_analysis, seed

    seed()
    analysis = make_analysis(world)
    confirm_lokus(world, analysis, count=2)
    found = items(world, "operator", "/api/v1/ansit/?tahun=2026")
    assert [a["id"] for a in found] == [analysis.pk]
    assert found[0]["level"] == "desa" and not found[0]["restricted"]
    with_data = [u for u in found[0]["units"] if u["status"] != "none"]
    assert len(with_data) == 19 and with_data[0]["kode"] == HOT_JATI  # highest prevalence first
    lokus = items(world, "operator", "/api/v1/ansit/lokus?tahun=2026")
    assert [(x["kabkota"], x["tahun"], x["analysis"]) for x in lokus] == [(KAB, 2026, analysis.pk)]
    desa = lokus[0]["desa"]
    assert {d["kode"] for d in desa} == {HOT_WADO, HOT_JATI}
    assert all(d["nama"] and d["alasan"] for d in desa), desa
    assert [d["rank"] for d in desa] == [1, 2]
    # A kecamatan sees its own units and lokus desa only.
    kec = items(world, "kecamatan", "/api/v1/ansit/")[0]
    assert kec["restricted"] and {u["kode"][:8] for u in kec["units"]} == {KEC}
    assert len([u for u in kec["units"] if u["status"] != "none"]) == 10
    assert {d["kode"] for d in items(world, "kecamatan", "/api/v1/ansit/lokus")[0]["desa"]} == {HOT_WADO}
    assert items(world, "neighbour", "/api/v1/ansit/") == []
    assert items(world, "neighbour", "/api/v1/ansit/lokus") == []


def test_plans_budget_lines_and_summary(world):
    plan_draft(world)
    budget_line(world)
    plans = items(world, "operator", "/api/v1/rencana/?tahun=2026")
    assert [(p["kabkota"], p["versi"], p["stage"]) for p in plans] == [(KAB, 1, "draf")]
    assert [(r["activity"], r["opd"], r["locations"], r["no"]) for r in plans[0]["rows"]] == [
        ("PMT lokal", "Dinkes", [DESA], "1.1")
    ]
    assert items(world, "neighbour", "/api/v1/rencana/") == []
    lines = items(world, "operator", "/api/v1/anggaran/?tahun=2026")
    assert [(x["code"], x["opd"], x["pagu"]) for x in lines] == [("1.02.02.2.02.0016", "Dinkes", 1_000_000)]
    assert items(world, "operator", "/api/v1/anggaran/?tahun=2026&tahap=perubahan") == []
    summary = items(world, "operator", "/api/v1/anggaran/ringkasan?tahun=2026")
    assert [(s["kabkota"], s["tahun"], s["pagu"], s["realisasi"]) for s in summary] == [
        (KAB, 2026, 1_000_000, 0)
    ]
    assert summary[0]["by_category"]["spesifik"]["pagu"] == 1_000_000
    assert items(world, "provinsi", "/api/v1/anggaran/ringkasan")[0]["kabkota"] == KAB
    # The web's budget pages are the district's operator and OPD, the province, the nation: not a desa.
    assert items(world, "desa", "/api/v1/anggaran/") == []
    assert items(world, "neighbour", "/api/v1/anggaran/") == []
    assert items(world, "neighbour", "/api/v1/anggaran/ringkasan") == []


def test_assessments_only_once_published_for_the_district(world):
    rnd = assessment_round(world, published=False)["pk"]
    assert items(world, "operator", "/api/v1/penilaian/") == []
    assert items(world, "provinsi", "/api/v1/penilaian/") == []  # results of published rounds only
    from konvergensi.assessment import services
    from konvergensi.assessment.models import Round

    services.round_publish(
        scope=world.scopes["provinsi"], rnd=Round.objects.get(pk=rnd), by=world.user("provinsi")
    )
    mine = items(world, "operator", "/api/v1/penilaian/?tahun=2026")
    assert [(x["round"], x["kabkota"], x["rank"]) for x in mine] == [(rnd, KAB, 1)]
    assert mine[0]["score"] is not None and mine[0]["kelas"]
    assert [x["kabkota"] for x in items(world, "provinsi", "/api/v1/penilaian/")] == [KAB]
    assert [x["kabkota"] for x in items(world, "pusat", "/api/v1/penilaian/")] == [KAB]
    assert items(world, "neighbour", "/api/v1/penilaian/") == []
    assert items(world, "other_province", "/api/v1/penilaian/") == []
    assert items(world, "kecamatan", "/api/v1/penilaian/") == []
