"""The approval lock on Aksi 1 (docs/aksi.md "Kunci data"): the situation analysis of a verified year,
its decision, lokus and recommendations cannot change until the province opens the lock."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.ansit import services
from konvergensi.ansit.models import Analysis, Recommendation
from konvergensi.wilayah.models import Region
from tests.ansit.test_ansit import client_for, confirm_lokus, make_analysis, seed
from tests.conftest import KAB

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 1 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def test_analysis_lokus_and_recommendations_of_a_locked_year_are_refused(world):
    seed(coverage=False)
    analysis = make_analysis(world)
    locks.lock(KAB, 2026, 1, world.user("provinsi"), "verifikasi")
    op, by, kab = world.scopes["operator"], world.user("operator"), Region.objects.get(kode=KAB)
    for write in (
        lambda: make_analysis(world),
        lambda: confirm_lokus(world, analysis),
        lambda: services.analysis_decide(
            scope=op,
            analysis=analysis,
            decision=analysis.summary["recommendation"],
            reason="",
            expected_version=analysis.version,
            by=by,
        ),  # fmt: skip
        lambda: services.recommendation_add(scope=op, kabkota=kab, tahun=2026, kind="lokus", text="X", by=by),
    ):
        with pytest.raises(ValidationError) as exc:
            write()
        assert exc.value.messages == [SENTENCE]
    assert Analysis.objects.count() == 1 and not Recommendation.objects.exists()
    services.recommendation_add(scope=op, kabkota=kab, tahun=2027, kind="lokus", text="X", by=by)  # open
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=1, by=world.user("provinsi"),
                 reason="Data sasaran diperbaiki")  # fmt: skip
    confirm_lokus(world, analysis)


def test_the_pages_say_it_and_a_form_post_is_told(world):
    seed(coverage=False)
    analysis = make_analysis(world)
    locks.lock(KAB, 2026, 1, world.user("provinsi"), "verifikasi")
    client = client_for(world, "operator")
    page = client.get(reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk})).content.decode()
    assert SENTENCE in page
    response = client.post(reverse("ansit:recommendation-add", kwargs={"kode": KAB}) + "?tahun=2026",
                           {"tahun": "2026", "kind": "lokus", "text": "Tambah desa"}, follow=True)  # fmt: skip
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    assert not Recommendation.objects.exists()
