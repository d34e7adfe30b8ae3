"""The approval lock on Aksi 6: the improvement plan of a verified year is frozen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.datasystem.models import Action
from tests.conftest import KAB
from tests.datasystem.test_datasystem import action, client_for

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 6 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def test_actions_of_a_locked_year_are_refused_in_service_and_form(world):
    mine = action(world, opd=world.opd["Dinkes"])
    locks.lock(KAB, 2026, 6, world.user("provinsi"), "verifikasi")
    with pytest.raises(ValidationError) as exc:
        action(world)
    assert exc.value.messages == [SENTENCE]
    response = client_for(world, "opd").post(
        reverse("datasystem:action", kwargs={"pk": mine.pk}),
        {"version": "1", "status": "selesai", "done": "2026-11-02", "status_note": "Beres"}, follow=True,
    )  # fmt: skip
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    mine.refresh_from_db()
    assert mine.status != "selesai" and Action.objects.count() == 1
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=6, by=world.user("provinsi"),
                 reason="Tambah tindakan")  # fmt: skip
    action(world)
    assert Action.objects.count() == 2
