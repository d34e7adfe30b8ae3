"""The approval lock on Aksi 3: the rembuk of a verified year is frozen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.rembuk import services
from konvergensi.wilayah.models import Region
from tests.conftest import KAB, KEC
from tests.rembuk.test_rembuk import EVENT, client_for, district

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 3 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def test_the_rembuk_of_a_locked_year_is_refused_in_service_and_form(world):
    rembuk = district(world)
    locks.lock(KAB, 2026, 3, world.user("provinsi"), "verifikasi")
    op, by = world.scopes["operator"], world.user("operator")
    with pytest.raises(ValidationError) as exc:
        services.rembuk_update(scope=op, rembuk=rembuk, data={**EVENT, "place": "Lain"},
                               expected_version=rembuk.version, by=by)  # fmt: skip
    assert exc.value.messages == [SENTENCE]
    with pytest.raises(ValidationError):
        services.rembuk_create(scope=op, region=Region.objects.get(kode=KEC), tahun=2026, by=by)
    services.rembuk_create(scope=op, region=Region.objects.get(kode=KEC), tahun=2027, by=by)  # open
    response = client_for(world, "operator").post(
        reverse("rembuk:signatory-add", kwargs={"pk": rembuk.pk}),
        {"role": "bupati", "name": "Nama", "position": "Jabatan"}, follow=True,
    )  # fmt: skip
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    rembuk.refresh_from_db()
    assert rembuk.place == EVENT["place"]
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=3, by=world.user("provinsi"),
                 reason="Tempat salah")  # fmt: skip
    services.rembuk_update(scope=op, rembuk=rembuk, data={**EVENT, "place": "Lain"},
                           expected_version=rembuk.version, by=by)  # fmt: skip
