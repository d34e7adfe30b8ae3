"""The approval lock on Aksi 7 (docs/aksi.md "Kunci data"): the rounds that start in a verified year
take no new round, import, publication or withdrawal until the province opens the lock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.imports.models import Import
from konvergensi.measurements import services
from konvergensi.measurements.models import MeasurementRound
from konvergensi.publication import services as publication_services
from konvergensi.publication import tasks as publication_tasks
from konvergensi.wilayah.models import Region
from tests.conftest import KAB
from tests.measurements.test_measurements_web import make_round

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 7 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def new_round(world, year: int):
    return services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama=f"Agustus {year}",
        tanggal_mulai=dt.date(year, 8, 1), tanggal_selesai=dt.date(year, 8, 31), by=world.user("operator"),
    )  # fmt: skip


def test_rounds_of_a_locked_year_refuse_new_rounds_publish_and_withdraw(world):
    rnd = make_round(world)
    locks.lock(KAB, 2026, 7, world.user("provinsi"), "verifikasi")
    op, by = world.scopes["operator"], world.user("operator")
    for write in (
        lambda: new_round(world, 2026),
        lambda: publication_tasks.round_publish(scope=op, rnd=rnd, by=by),
        lambda: publication_services.round_withdraw(scope=op, rnd=rnd, by=by, reason="x"),
    ):
        with pytest.raises(ValidationError) as exc:
            write()
        assert exc.value.messages == [SENTENCE]
    assert MeasurementRound.objects.count() == 1
    new_round(world, 2025)  # a round of another year
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=7, by=world.user("provinsi"),
                 reason="Putaran Agustus")  # fmt: skip
    new_round(world, 2026)


def test_the_round_page_says_it_and_an_upload_is_refused_before_anything_is_kept(world):
    rnd = make_round(world)
    locks.lock(KAB, 2026, 7, world.user("provinsi"), "verifikasi")
    client = Client()
    client.force_login(world.user("operator"))
    assert SENTENCE in client.get(reverse("measurements:round", kwargs={"pk": rnd.pk})).content.decode()
    upload = SimpleUploadedFile("eppgbm.csv", b"NIK;Nama\n", "text/csv")
    response = client.post(
        reverse("measurements:import", kwargs={"pk": rnd.pk}), {"file": upload}, follow=True
    )
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    assert not Import.objects.exists()
