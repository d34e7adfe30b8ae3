"""The approval lock on Aksi 4 (docs/aksi.md "Kunci data"): a verified Aksi 4 of 2026 freezes the
Perbup/Perwali signed in 2026, the Perdes/Perkades of 2026 and the APBDes allocations of 2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.regulations.models import Allocation, Regulation
from tests.conftest import DESA, KAB
from tests.regulations.test_regulations import client_for, draft, money, signed, step, village

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 4 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def test_a_locked_year_refuses_every_regulation_write_and_other_years_stay_open(world):
    reg = signed(world)
    row = money(world)
    perdes = village(world)
    locks.lock(KAB, 2026, 4, world.user("provinsi"), "verifikasi")
    for write in (
        lambda: draft(world),
        lambda: step(world, reg, "diundangkan", dt.date(2026, 5, 1)),
        lambda: money(world),
        lambda: village(world),
        lambda: services_delete(world, row),
        lambda: services_delete_village(world, perdes),
    ):
        with pytest.raises(ValidationError) as exc:
            write()
        assert exc.value.messages == [SENTENCE]
    assert Regulation.objects.count() == 1 and Allocation.objects.count() == 1
    money(world, tahun=2027)  # another year is open
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=4, by=world.user("provinsi"),
                 reason="Perbup diundangkan")  # fmt: skip
    step(world, reg, "diundangkan", dt.date(2026, 5, 1))


def services_delete(w, row):
    from konvergensi.regulations import services

    services.allocation_delete(scope=w.scopes["operator"], row=row, by=w.user("operator"))


def services_delete_village(w, reg):
    from konvergensi.regulations import services

    services.village_regulation_delete(scope=w.scopes["operator"], reg=reg, by=w.user("operator"))


def test_the_form_tells_the_lock_instead_of_failing(world):
    locks.lock(KAB, 2026, 4, world.user("provinsi"), "verifikasi")
    response = client_for(world, "operator").post(
        reverse("regulations:add", kwargs={"kode": KAB}),
        {"kind": "perbup", "title": "Peran desa", "date": "2026-02-01"}, follow=True,
    )  # fmt: skip
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    assert not Regulation.objects.exists()
    assert DESA  # the desa pages use the same services
