import csv
import subprocess

import pytest

from konvergensi.wilayah import selectors, services
from konvergensi.wilayah.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_full_load_has_every_official_region_and_a_second_load_writes_nothing():
    first = services.region_load()
    assert selectors.region_counts() == {"provinsi": 38, "kabkota": 514, "kecamatan": 7285, "desa": 83762}
    assert first.created + first.updated + first.unchanged == 91599
    second = services.region_load()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 91599)


def test_load_restores_a_changed_name_and_keeps_the_rest():
    Region.objects.filter(kode="32.11.01.2001").update(nama="Salah Ketik")
    result = services.region_load(only_prefixes=("32.11",))
    assert result.updated == 1 and result.created == 0
    assert Region.objects.get(kode="32.11.01.2001").nama == "Cimungkal"


def test_ancestors_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        chain = selectors.region_ancestors(kode="32.11.01.2001")
    assert [r.nama for r in chain] == ["Jawa Barat", "Kabupaten Sumedang", "Wado"]


def test_desa_get_coordinates_and_parents():
    desa = Region.objects.get(kode="32.11.01.2001")
    assert desa.parent_id == "32.11.01" and desa.level == "desa" and desa.jenis == "desa"
    assert desa.lat is not None and -11 < desa.lat < 6 and 95 < desa.lng < 141


def test_shipped_reference_data_match_their_checksums():
    data = services.DATA_DIR
    for folder in ("wilayah", "batas"):
        result = subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=data / folder, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
    with (data / "wilayah" / "wilayah.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == 91599


def test_geojson_of_a_province_holds_its_districts(client, world):
    client.force_login(world.user("provinsi"))
    r = client.get("/peta/32.geojson")
    import json

    features = json.loads(r.content)["features"]
    kodes = {f["properties"]["kode"] for f in features}
    assert len(kodes) == 27 and "32.11" in kodes and all(k.startswith("32.") for k in kodes)
