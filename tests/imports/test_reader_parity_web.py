"""One reader, end to end (issue 12 §2): the messy files of ``tests/core/io/test_reader_parity.py``
uploaded through the web import (upload page, background check, "Simpan", background commit) are
stored with the z-scores and flags ``konvergensi zscore`` gives the same rows on the command line.

The files name a Sumedang desa here (the web import places every row in an official desa); the
saved column mapping of the odd layout is saved for the district as the mapping page does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from konvergensi.imports.models import Import, ImportStatus
from konvergensi.jobs.models import Job
from konvergensi.measurements import desa_names
from konvergensi.measurements.models import Measurement
from konvergensi.wilayah.models import Region
from tests.conftest import KAB
from tests.core.io import test_reader_parity as parity
from tests.measurements.test_measurements_web import make_round, run_worker

pytestmark = pytest.mark.django_db(transaction=True)  # the worker runs the enqueued tasks

Z = ("zlen", "zwei", "zwfl", "zbmi")
FLAGS = ("flen", "fwei", "fwfl", "fbmi")


@pytest.fixture
def sumedang_rows(monkeypatch):
    """The parity files' rows, placed in Wado / Cimungkal (32.11.01.2001)."""
    rows = [[*row[:11], "Wado", "Cimungkal"] if any(row) else row for row in parity.ROWS]
    monkeypatch.setattr(parity, "ROWS", rows)


@pytest.mark.parametrize("kind", list(parity.FILES))
def test_the_web_import_stores_what_the_cli_computes_for_a_messy_file(kind, world, sumedang_rows, tmp_path):
    path, mapping = parity.FILES[kind](tmp_path)
    if mapping:
        desa_names.mapping_save(scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB),
                             mapping=mapping, by=world.user("operator"))  # fmt: skip
    client = Client()
    client.force_login(world.user("operator"))
    rnd = make_round(world)
    client.post(reverse("measurements:import", kwargs={"pk": rnd.pk}),
                {"file": SimpleUploadedFile(path.name, path.read_bytes())})  # fmt: skip
    run_worker()
    imp = Import.objects.get(kind="pengukuran")
    assert imp.status == ImportStatus.CHECKED and imp.summary["ok"], imp.summary
    client.post(reverse("imports:commit", kwargs={"pk": imp.pk}))
    run_worker()
    assert Job.objects.get(kind="measurement_import").status == "done"

    out = parity.cli(path, tmp_path / "hasil.parquet", mapping)
    skip = 0 if kind == "utf16" else 3
    by_row = {
        r["source_row"]: r for r in Measurement.objects.filter(round=rnd).values("source_row", *Z, *FLAGS)
    }
    assert len(by_row) >= 7, sorted(by_row)
    computed = 0
    for i, cli_row in enumerate(out.iter_rows(named=True)):
        stored = by_row.get(skip + 2 + i)
        if stored is None:
            continue  # rejected by the web import's checks (named on its problem list)
        for z, f in zip(Z, FLAGS, strict=True):
            assert stored[z] == cli_row[z] or (stored[z] is None and cli_row[z] is None), (kind, i, z)
            assert bool(stored[f]) == (cli_row[f] == 1), (kind, i, f)
            computed += stored[z] is not None
    assert computed >= 20
