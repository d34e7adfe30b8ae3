"""The approval lock on Aksi 5: the scorecards of a verified year are frozen, the roster is not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.kpm import services
from konvergensi.kpm.models import Scorecard
from tests.conftest import DESA, KAB
from tests.kpm.test_kpm import add_kpm, card, client_for

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 5 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def test_scorecards_of_a_locked_year_are_refused_the_roster_is_not(world):
    first = card(world)
    locks.lock(KAB, 2026, 5, world.user("provinsi"), "verifikasi")
    with pytest.raises(ValidationError) as exc:
        card(world, triwulan=2)
    assert exc.value.messages == [SENTENCE]
    with pytest.raises(ValidationError):
        services.scorecard_delete(scope=world.scopes["operator"], card=first, by=world.user("operator"))
    assert Scorecard.objects.count() == 1
    add_kpm(world)  # the roster is not per year: not locked
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=5, by=world.user("provinsi"),
                 reason="Triwulan 2 belum masuk")  # fmt: skip
    card(world, triwulan=2)
    assert Scorecard.objects.count() == 2


def test_the_scorecard_form_tells_the_lock(world):
    locks.lock(KAB, 2026, 5, world.user("provinsi"), "verifikasi")
    response = client_for(world, "desa").post(
        reverse("kpm:scorecard-save", kwargs={"kode": DESA}),
        {"tahun": "2026", "triwulan": "2", "sasaran_IH01": "4", "terima_IH01": "3"}, follow=True,
    )  # fmt: skip
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    assert not Scorecard.objects.exists()
