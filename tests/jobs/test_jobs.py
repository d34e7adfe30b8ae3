"""Background work: a real task through the database backend and the real worker."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def test_excel_recap_runs_in_the_worker_and_is_downloadable_by_its_owner_only(world):
    c = Client()
    c.force_login(world.user("provinsi"))
    r = c.post(reverse("aksi:export-pantau"), {"kode": "32", "tahun": "2026"})
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == "queued"
    page = c.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page  # the page polls while waiting

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.percent) == ("done", 100)
    partial = c.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and reverse("jobs:download", args=[job.pk]) in partial
    assert "<html" not in partial  # only the partial is re-rendered

    download = c.get(reverse("jobs:download", args=[job.pk]))
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Kode", "Kabupaten/Kota", "Provinsi", "Aksi 1")
    by_kode = {row[0]: row for row in rows[1:]}
    assert set(by_kode) == {"32.10", "32.11"}  # Jawa Barat's districts loaded in the test DB
    assert by_kode["32.11"][3] == "Draf"  # Aksi 1 has evidence, so it is in draft

    other = Client()
    other.force_login(world.user("operator"))
    assert other.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_large_upload_is_committed_by_the_worker_with_progress(world, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from konvergensi.imports.models import Import
    from konvergensi.indicators import imports
    from konvergensi.indicators.models import DataValue
    from tests.conftest import DESA, KAB
    from tests.indicators.test_indicators import filled_template

    monkeypatch.setattr(imports, "BACKGROUND_CELLS", 0)  # every commit goes to the worker
    c = Client()
    c.force_login(world.user("operator"))
    content = filled_template(edits={(DESA, "U01 Pembilang"): 7, (DESA, "U01 Penyebut"): 8})
    preview = c.post(
        reverse("indicators:upload", kwargs={"kode": KAB}), {"file": SimpleUploadedFile("a.xlsx", content)}
    )
    r = c.post(preview["Location"] + "simpan/")
    job = Job.objects.get(kind="data_import")
    assert r["Location"] == reverse("jobs:detail", args=[job.pk]) and not DataValue.objects.exists()

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.percent, job.done, job.total) == ("done", 100, job.total, job.total)
    assert job.total > 1 and "1 baru" in job.message
    assert DataValue.objects.get(desa_id=DESA, indicator__kode="U01").numerator == 7
    assert Import.objects.get().committed_at is not None
    page = c.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert job.params["next"] in page  # "Lanjut" back to the completeness page
