"""The approval lock on Aksi 8: the review of a verified year is frozen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.reviews import services
from konvergensi.reviews.models import Review
from tests.conftest import KAB
from tests.reviews.test_reviews import build, client_for

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 8 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def test_the_review_of_a_locked_year_is_refused_in_service_and_form(world):
    review = build(world)
    locks.lock(KAB, 2026, 8, world.user("provinsi"), "verifikasi")
    with pytest.raises(ValidationError) as exc:
        build(world)
    assert exc.value.messages == [SENTENCE]
    with pytest.raises(ValidationError):
        services.recommendation_add(scope=world.scopes["operator"], review=review, text="Baru",
                                    expected_version=review.version, by=world.user("operator"))  # fmt: skip
    response = client_for(world, "operator").post(
        reverse("reviews:build", kwargs={"kode": KAB}), {"tahun": 2026}, follow=True
    )
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    assert Review.objects.get().version == review.version
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=8, by=world.user("provinsi"),
                 reason="Data realisasi baru")  # fmt: skip
    build(world)
