"""The approval lock on Aksi 1 reaches the village data (docs/aksi.md "Kunci data"): coverage values of
periods 2026, 2026-S1 and 2026-S2, the data sasaran of 2026 and their imports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.imports import services as pipeline
from konvergensi.indicators import services
from konvergensi.indicators.models import DataSasaran, DataValue, Indicator
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB, KEC
from tests.indicators.test_sasaran_targets import check

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 1 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def put(world, periode: str, n: int = 5):
    return services.value_set(
        scope=world.scopes["operator"], indicator=Indicator.objects.get(kode="U01"),
        desa=Region.objects.get(kode=DESA), periode=periode, numerator=n, denominator=10, expected_version=0,
        by=world.user("operator"),
    )  # fmt: skip


def test_values_and_sasaran_of_a_locked_year_are_refused_other_years_open(world):
    locks.lock(KAB, 2026, 1, world.user("provinsi"), "verifikasi")
    for periode in ("2026", "2026-S1", "2026-S2"):
        with pytest.raises(ValidationError) as exc:
            put(world, periode)
        assert exc.value.messages == [SENTENCE]
    with pytest.raises(ValidationError):
        services.sasaran_save(scope=world.scopes["operator"], desa=Region.objects.get(kode=DESA), tahun=2026,
                              values={"balita": 10}, expected_version=0, by=world.user("operator"))  # fmt: skip
    assert not DataValue.objects.exists() and not DataSasaran.objects.exists()
    put(world, "2025-S2")  # another year
    locks.lock(KAB, 2026, 2, world.user("provinsi"), "verifikasi")  # another aksi's lock changes nothing here
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=1, by=world.user("provinsi"),
                 reason="Angka posyandu terlambat")  # fmt: skip
    put(world, "2026-S1")
    assert DataValue.objects.count() == 2


def test_grid_sasaran_page_and_import_tell_the_lock(world):
    locks.lock(KAB, 2026, 1, world.user("provinsi"), "verifikasi")
    client = Client()
    client.force_login(world.user("operator"))
    response = client.post(reverse("indicators:cell-save", kwargs={"kode": KAB}),
                           {"desa": DESA, "indikator": "U01", "periode": "2026-S1", "numerator": "3",
                            "denominator": "10", "version": "0"})  # fmt: skip
    assert response.status_code == 400 and response.json()["message"] == SENTENCE
    # The grid of a locked period is read-only; another year's stays editable.
    grid = reverse("indicators:grid", kwargs={"kode": KAB}) + f"?kec={KEC}&set=2025&periode="
    locked, open_ = (client.get(grid + p).content.decode() for p in ("2026-S1", "2025"))
    assert SENTENCE in locked and 'class="num"' in locked and " readonly" in locked
    assert " readonly" not in open_
    assert "Ketik angka lalu pindah sel" in open_ and "Ketik angka lalu pindah sel" not in locked
    page = client.get(reverse("indicators:sasaran", kwargs={"kode": KAB}) + f"?kec={KEC}&tahun=2026")
    assert SENTENCE in page.content.decode()
    imp = check(world, "operator", [["Kode Desa", "Jumlah Balita"], [DESA, 10]], tahun=2026)
    assert imp.summary["file_problems"] == [SENTENCE] and not pipeline.ready(imp)
