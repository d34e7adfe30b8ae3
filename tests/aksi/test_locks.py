"""The approval lock (issue 18, docs/aksi.md "Kunci data"): verifying an aksi locks the data it rests
on for that year; only the district's province opens it again, with a reason, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from konvergensi.accounts.models import AuditEvent, Role
from konvergensi.accounts.scope import scope_for_user
from konvergensi.aksi import locks, work
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi.models import Aksi, DataLock, Transition
from konvergensi_core.aksi import Move
from tests.ansit.test_ansit import client_for
from tests.conftest import KAB, NEIGHBOUR, make_user

pytestmark = pytest.mark.django_db

SENTENCE = (
    "Data Aksi {n} tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def verify(world, nomor: int, monkeypatch) -> Aksi:
    """Verify aksi ``nomor`` of 2026 through ``aksi_move`` (the work rule is tested in test_aksi_work)."""
    monkeypatch.setattr(work, "missing_work", lambda **kw: None)
    aksi = world.aksi[nomor]
    Aksi.objects.filter(pk=aksi.pk).update(status="diajukan")
    aksi.refresh_from_db()
    aksi_services.aksi_move(
        scope=world.scopes["provinsi"], aksi=aksi, move=Move.VERIFY, expected_version=aksi.version,
        by=world.user("provinsi"),
    )  # fmt: skip
    aksi.refresh_from_db()
    return aksi


def test_verifying_locks_that_aksi_of_that_year_only(world, monkeypatch):
    verify(world, 2, monkeypatch)
    assert locks.is_locked(KAB, 2026, 2)
    lock = DataLock.objects.get(kabkota_id=KAB, tahun=2026, nomor=2)
    assert lock.source == "verifikasi" and lock.locked_by == world.user("provinsi") and lock.active
    assert AuditEvent.objects.filter(action="data.lock", region_kode=KAB).exists()
    # Other aksi, other years and other districts stay open.
    assert not locks.is_locked(KAB, 2026, 1)
    assert not locks.is_locked(KAB, 2025, 2)
    assert not locks.is_locked(KAB, 2027, 2)
    assert not locks.is_locked(NEIGHBOUR, 2026, 2)
    locks.require_open(KAB, 2026, 3)  # no exception
    with pytest.raises(ValidationError) as exc:
        locks.require_open(KAB, 2026, 2)
    assert exc.value.messages == [SENTENCE.format(n=2)]


def test_unlock_refused_to_the_district_and_to_another_province(world, monkeypatch):
    verify(world, 2, monkeypatch)
    other_province = make_user("jateng", Role.PROVINSI, "33")
    for scope, by in (
        (world.scopes["operator"], world.user("operator")),
        (world.scopes["neighbour"], world.user("neighbour")),
        (world.scopes["pusat"], world.user("pusat")),
        (scope_for_user(other_province), other_province),
    ):
        with pytest.raises(PermissionDenied):
            locks.unlock(scope=scope, kabkota=KAB, tahun=2026, nomor=2, by=by, reason="salah angka")
    assert locks.is_locked(KAB, 2026, 2)


def test_unlock_needs_a_reason_then_reopens_the_aksi_and_is_audited(world, monkeypatch):
    aksi = verify(world, 2, monkeypatch)
    with pytest.raises(ValidationError):
        locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=2,
                     by=world.user("provinsi"), reason="  ")  # fmt: skip
    assert locks.is_locked(KAB, 2026, 2)
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=2,
                 by=world.user("provinsi"), reason="Pagu OPD salah ketik")  # fmt: skip
    assert not locks.is_locked(KAB, 2026, 2)
    locks.require_open(KAB, 2026, 2)
    aksi.refresh_from_db()
    assert aksi.status == "perlu_perbaikan"  # the district can work on it, then submit again
    assert Transition.objects.filter(
        aksi=aksi, to_status="perlu_perbaikan", reason="Pagu OPD salah ketik"
    ).exists()
    lock = DataLock.objects.get(kabkota_id=KAB, tahun=2026, nomor=2)
    assert lock.unlocked_by == world.user("provinsi") and lock.unlocked_at and "Pagu OPD" in lock.reason
    event = AuditEvent.objects.get(action="data.unlock", region_kode=KAB)
    assert event.data["reason"] == "Pagu OPD salah ketik" and event.data["nomor"] == 2
    # Nothing left to open.
    with pytest.raises(ValidationError):
        locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=2,
                     by=world.user("provinsi"), reason="lagi")  # fmt: skip


def test_reopen_move_opens_the_lock_and_verifying_again_locks_again(world, monkeypatch):
    aksi = verify(world, 6, monkeypatch)
    aksi_services.aksi_move(scope=world.scopes["provinsi"], aksi=aksi, move=Move.REOPEN,
                            expected_version=aksi.version, reason="data baru", by=world.user("provinsi"))  # fmt: skip
    assert not locks.is_locked(KAB, 2026, 6)
    assert AuditEvent.objects.filter(action="data.unlock").count() == 1
    verify(world, 6, monkeypatch)
    assert locks.is_locked(KAB, 2026, 6)
    assert DataLock.objects.filter(kabkota_id=KAB, tahun=2026, nomor=6).count() == 2  # history kept


def test_lock_year_locks_all_eight_and_opens_on_its_own(world):
    locks.lock_year(kabkota=KAB, tahun=2026, by=world.user("provinsi"), reason="penilaian terbit")
    for nomor in range(1, 9):
        assert locks.is_locked(KAB, 2026, nomor)
    assert not locks.is_locked(KAB, 2025, 1)
    with pytest.raises(ValidationError) as exc:
        locks.require_open(KAB, 2026, 5)
    assert "penilaian kinerja" in exc.value.messages[0] and "Aksi 5 tahun 2026" in exc.value.messages[0]
    assert locks.lock_year(kabkota=KAB, tahun=2026, by=None).pk == DataLock.objects.get(nomor=None).pk
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=None,
                 by=world.user("provinsi"), reason="keberatan diterima")  # fmt: skip
    assert not any(locks.is_locked(KAB, 2026, n) for n in range(1, 9))
    assert world.aksi[1].status != "perlu_perbaikan"  # the year's lock leaves the aksi alone


def test_aksi_page_shows_the_lock_and_the_province_unlocks_it(world, monkeypatch):
    aksi = verify(world, 4, monkeypatch)
    url = reverse("aksi:detail", kwargs={"pk": aksi.pk})
    unlock = reverse("aksi:unlock", kwargs={"pk": aksi.pk})
    page = client_for(world, "provinsi").get(url).content.decode()
    assert "Terkunci sejak" in page and "(diverifikasi provinsi)" in page and unlock in page
    page = client_for(world, "operator").get(url).content.decode()
    assert "Terkunci sejak" in page and unlock not in page
    pantau = client_for(world, "operator").get(
        reverse("aksi:pantau-kabkota", kwargs={"kode": KAB}) + "?tahun=2026"
    )
    html = pantau.content.decode()
    assert html.count('data-lock="verifikasi"') == 1
    # The district and the neighbour cannot open it.
    assert client_for(world, "operator").post(unlock, {"reason": "x"}).status_code == 403
    assert client_for(world, "neighbour").post(unlock, {"reason": "x"}).status_code == 404
    assert locks.is_locked(KAB, 2026, 4)
    # No reason: told, nothing opened.
    r = client_for(world, "provinsi").post(unlock, {"reason": ""}, follow=True)
    assert "Tuliskan alasan membuka kunci." in r.content.decode() and locks.is_locked(KAB, 2026, 4)
    r = client_for(world, "provinsi").post(unlock, {"reason": "Perdes belum lengkap"}, follow=True)
    assert r.status_code == 200 and not locks.is_locked(KAB, 2026, 4)
    aksi.refresh_from_db()
    assert aksi.status == "perlu_perbaikan"
