"""Every shipped reference-data folder matches its SHA256SUMS, and lists every data file it holds."""

import pytest
from django.conf import settings

from tests.checksums import checksum_problems

DATA = settings.BASE_DIR / "data"


def test_every_data_folder_has_checksums():
    folders = sorted(p.parent.name for p in DATA.glob("*/SHA256SUMS"))
    assert folders == ["batas", "indikator", "penilaian", "skor", "wilayah"], (
        "a new data folder needs a SHA256SUMS (and a row here)"
    )


@pytest.mark.parametrize("folder", ["batas", "indikator", "penilaian", "skor", "wilayah"])
def test_shipped_data_match_their_checksums_and_are_all_listed(folder):
    assert checksum_problems(DATA / folder) == []
