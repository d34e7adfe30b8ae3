"""Writes through the REST API: data sasaran and coverage values of one desa, and an aksi's status.
Each calls the web's own service (same validation, approval lock, audit) and answers a refusal with
its Indonesian message — 422 (validation), 403 (role), 404 (another district), 409 (lock, stale version,
status) — never a 500. A bearer token needs no CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from konvergensi.accounts.models import AuditEvent
from konvergensi.aksi import lock_rows
from konvergensi.aksi.models import Aksi, Transition
from konvergensi.api import tokens
from konvergensi.indicators.models import DataSasaran, DataValue, DataValueHistory
from tests.conftest import DESA, KAB, NEIGHBOUR

pytestmark = pytest.mark.django_db

SASARAN = f"/api/v1/sasaran/{DESA}/2026"
CELL = f"/api/v1/cakupan/{DESA}/2026/U01"


def client(w, persona: str) -> Client:
    secret = tokens.create(user=w.user(persona), scope=w.scopes[persona], name="uji", days=30).secret
    # Django's test client skips CSRF unless asked: ask, to show a bearer token needs none.
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")


def put(c: Client, url: str, data: dict):
    return c.put(url, data, content_type="application/json")


def test_the_operator_saves_a_desas_data_sasaran_as_the_web_form_does(world):
    c = client(world, "operator")
    r = put(c, SASARAN, {"version": 0, "balita": 120, "baduta": 50})
    assert r.status_code == 200, r.content
    assert (r.json()["balita"], r.json()["baduta"], r.json()["version"], r.json()["status"]) == (
        120,
        50,
        1,
        "draf",
    )
    row = DataSasaran.objects.get(desa_id=DESA, tahun=2026)
    assert (row.balita, row.baduta, row.updated_by) == (120, 50, world.user("operator"))
    event = AuditEvent.objects.get(action="sasaran.save")
    assert (event.actor, event.region_kode, event.data["balita"]) == (world.user("operator"), DESA, 120)
    # The next save carries the version read; a stale one is refused and changes nothing.
    assert put(c, SASARAN, {"version": 1, "balita": 130, "baduta": 50}).json()["version"] == 2
    stale = put(c, SASARAN, {"version": 1, "balita": 999})
    assert stale.status_code == 409 and "diubah oleh pengguna lain" in stale.json()["detail"]
    assert DataSasaran.objects.get(desa_id=DESA, tahun=2026).balita == 130
    # What the API wrote, the API reads back.
    listed = c.get("/api/v1/sasaran/?tahun=2026").json()["items"]
    assert [(x["desa"], x["balita"]) for x in listed] == [(DESA, 130)]


def test_the_camat_saves_the_data_sasaran_of_their_own_desa(world):
    r = put(client(world, "kecamatan"), SASARAN, {"version": 0, "balita": 90})
    assert r.status_code == 200 and DataSasaran.objects.get(desa_id=DESA).balita == 90


def test_invalid_data_sasaran_is_refused_with_the_web_forms_message(world):
    c = client(world, "operator")
    r = put(c, SASARAN, {"version": 0, "balita": 40, "baduta": 50})
    assert r.status_code == 422
    assert "tidak boleh lebih dari" in r.json()["detail"] and "(50)" in r.json()["detail"]
    r = put(c, SASARAN, {"version": 0, "balita": -1})
    assert r.status_code == 422 and r.json()["detail"] == "Angka tidak boleh negatif."
    kecamatan = put(c, "/api/v1/sasaran/32.11.01/2026", {"version": 0, "balita": 1})
    assert kecamatan.status_code == 404  # data sasaran are per desa: a kecamatan is no desa
    assert put(c, SASARAN, {"version": 0, "balita": "banyak"}).status_code == 422
    assert put(c, f"/api/v1/sasaran/{DESA}/99999", {"version": 0, "balita": 1}).status_code == 422
    assert not DataSasaran.objects.exists() and not AuditEvent.objects.filter(action="sasaran.save").exists()


def test_data_sasaran_write_refused_by_role_and_outside_the_district(world):
    for persona in ("opd", "provinsi", "pusat", "desa", "puskesmas"):
        r = put(client(world, persona), SASARAN, {"version": 0, "balita": 1})
        assert r.status_code == 403, persona
        assert r.json()["detail"] == "Peran Anda tidak berwenang melakukan perubahan ini."
    for persona in ("neighbour", "other_province"):
        assert put(client(world, persona), SASARAN, {"version": 0, "balita": 1}).status_code == 404, persona
    assert (
        put(client(world, "kecamatan"), "/api/v1/sasaran/32.11.02.2001/2026", {"version": 0}).status_code
        == 404
    )
    assert not DataSasaran.objects.exists()


def test_data_sasaran_write_refused_by_the_approval_lock_and_the_camats_verification(world):
    c = client(world, "operator")
    lock_rows.lock(KAB, 2026, 1, world.user("provinsi"))
    r = put(c, SASARAN, {"version": 0, "balita": 1})
    assert r.status_code == 409 and "dikunci" in r.json()["detail"]
    assert not DataSasaran.objects.exists()
    # Another year is open; once the camat verifies the desa, it is locked as on the web.
    assert put(c, f"/api/v1/sasaran/{DESA}/2025", {"version": 0, "balita": 1}).status_code == 200
    from konvergensi.indicators import services

    row = DataSasaran.objects.get(desa_id=DESA, tahun=2025)
    services.sasaran_verify(
        scope=world.scopes["kecamatan"], row=row, expected_version=1, by=world.user("kecamatan")
    )
    r = put(c, f"/api/v1/sasaran/{DESA}/2025", {"version": 2, "balita": 5})
    assert r.status_code == 409 and "diverifikasi camat" in r.json()["detail"]
    assert DataSasaran.objects.get(desa_id=DESA, tahun=2025).balita == 1


def test_a_coverage_value_is_saved_as_the_entry_grid_saves_it(world):
    c = client(world, "operator")
    r = put(c, CELL, {"numerator": 40, "denominator": 50, "version": 0})
    assert r.status_code == 200, r.content
    assert (r.json()["numerator"], r.json()["denominator"], r.json()["version"]) == (40, 50, 1)
    value = DataValue.objects.get(desa_id=DESA, periode="2026", indicator__kode="U01")
    assert (value.numerator, value.denominator, value.updated_by) == (40, 50, world.user("operator"))
    history = DataValueHistory.objects.get(desa_id=DESA, periode="2026")
    assert (history.source, history.by, history.numerator) == ("api", world.user("operator"), 40)
    wrong = put(c, CELL, {"numerator": 60, "denominator": 50, "version": 1})
    assert (
        wrong.status_code == 422
        and wrong.json()["detail"] == "Pembilang (60) lebih besar dari penyebut (50)."
    )
    assert put(c, CELL, {"numerator": 41, "denominator": 50, "version": 0}).status_code == 409
    assert (
        put(c, f"/api/v1/cakupan/{DESA}/kemarin/U01", {"numerator": 1, "denominator": 2}).status_code == 422
    )
    assert put(c, f"/api/v1/cakupan/{DESA}/2026/TIDAK-ADA", {"numerator": 1}).status_code == 404
    # Both numbers empty: the value is deleted (the grid's rule).
    assert put(c, CELL, {"numerator": None, "denominator": None, "version": 1}).json()["version"] == 0
    assert not DataValue.objects.exists()


def test_coverage_write_refused_by_role_lock_and_district(world):
    for persona in ("kecamatan", "desa", "provinsi"):
        r = put(client(world, persona), CELL, {"numerator": 1, "denominator": 2, "version": 0})
        assert r.status_code == 403, persona
    assert put(client(world, "neighbour"), CELL, {"numerator": 1, "denominator": 2}).status_code == 404
    lock_rows.lock(KAB, 2026, 1, world.user("provinsi"))
    r = put(client(world, "operator"), CELL, {"numerator": 1, "denominator": 2, "version": 0})
    assert r.status_code == 409 and "dikunci" in r.json()["detail"]
    assert not DataValue.objects.exists()


def transition(c: Client, nomor: int, move: str, version: int, reason: str = "", kab: str = KAB):
    return c.post(
        f"/api/v1/aksi/{kab}/2026/{nomor}/transisi",
        {"move": move, "version": version, "reason": reason},
        content_type="application/json",
    )


def test_aksi_transitions_follow_the_web_rules(world):
    operator, provinsi = client(world, "operator"), client(world, "provinsi")
    a2 = world.aksi[2]
    r = transition(operator, 2, "start", a2.version)
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["version"]) == ("draf", a2.version + 1)
    a2.refresh_from_db()
    assert a2.status == "draf" and Transition.objects.filter(
        aksi=a2, to_status="draf", by=world.user("operator")
    )
    assert AuditEvent.objects.filter(action="aksi.start", actor=world.user("operator")).exists()
    # Started already: 409 with the web's sentence. Stale version: 409. The operator may not verify:
    # 403; the province may not verify a draft: 409.
    again = transition(operator, 2, "start", a2.version)
    assert again.status_code == 409 and "Status aksi sudah berubah" in again.json()["detail"]
    a1 = world.aksi[1]  # a draft with its evidence (the world fixture)
    assert a1.status == "draf"
    assert transition(operator, 1, "submit", a1.version - 1).status_code == 409
    refused = transition(operator, 1, "verify", a1.version)
    assert refused.status_code == 403 and refused.json()["detail"]
    assert transition(provinsi, 1, "verify", a1.version).status_code == 409
    # Aksi 1 has its evidence: submitted; the province sends it back only with a reason.
    assert transition(operator, 1, "submit", a1.version).json()["status"] == "diajukan"
    a1.refresh_from_db()
    no_reason = transition(provinsi, 1, "request_revision", a1.version)
    assert no_reason.status_code == 422 and "alasan" in no_reason.json()["detail"].lower()
    back = transition(provinsi, 1, "request_revision", a1.version, reason="Lengkapi notulen")
    assert back.status_code == 200 and back.json()["status"] == "perlu_perbaikan"
    assert Transition.objects.filter(aksi=a1).last().reason == "Lengkapi notulen"


def test_aksi_submit_without_evidence_and_other_districts(world):
    operator = client(world, "operator")
    a3 = world.aksi[3]
    transition(operator, 3, "start", a3.version)
    a3.refresh_from_db()
    r = transition(operator, 3, "submit", a3.version)
    assert r.status_code == 422 and "bukti" in r.json()["detail"]
    assert Aksi.objects.get(pk=a3.pk).status == "draf"
    assert transition(operator, 9, "start", 1).status_code == 422  # there are eight aksi
    assert transition(operator, 2, "lompat", 1).status_code == 422
    # Another district's aksi: not found, unchanged.
    neighbour_aksi = world.neighbour_siklus.aksi_set.get(nomor=2)
    assert transition(operator, 2, "start", neighbour_aksi.version, kab=NEIGHBOUR).status_code == 404
    assert transition(client(world, "neighbour"), 2, "start", world.aksi[2].version).status_code == 404
    assert Aksi.objects.get(pk=neighbour_aksi.pk).status == neighbour_aksi.status
    assert Aksi.objects.get(pk=world.aksi[2].pk).status == "belum_mulai"
    # No token: 401, whatever the session.
    anonymous = Client().post(f"/api/v1/aksi/{KAB}/2026/2/transisi", {"move": "start", "version": 1})
    assert anonymous.status_code == 401
