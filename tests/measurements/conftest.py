"""Fixtures shared by the measurement tests."""

from __future__ import annotations

import datetime as dt

import pytest

from konvergensi.measurements import services
from konvergensi.wilayah.models import Region
from tests.conftest import KAB


@pytest.fixture
def rnd(world):
    return services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=world.user("operator"),
    )  # fmt: skip
