"""The measurement import through the web and the real worker, and who sees what of a round."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from konvergensi.imports import services as pipeline
from konvergensi.imports.models import Import
from konvergensi.jobs.models import Job
from konvergensi.measurements import imports, services
from konvergensi.measurements.models import Measurement
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB
from tests.measurements.test_measurements import as_csv, export

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def make_round(world):
    return services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=world.user("operator"),
    )  # fmt: skip


def test_upload_check_preview_commit_through_the_worker(world):
    client = Client()
    client.force_login(world.user("operator"))
    url = reverse("measurements:rounds", kwargs={"kode": KAB})
    response = client.post(url, {"nama": "Februari 2026", "tanggal_mulai": "2026-02-01",
                                 "tanggal_selesai": "2026-02-28", "min_cell": "10"})  # fmt: skip
    rnd = world.siklus.kabkota.measurement_rounds.get()
    assert response["Location"] == reverse("measurements:round", kwargs={"pk": rnd.pk})
    frame = export(n=250, seed=11)
    response = client.post(reverse("measurements:import", kwargs={"pk": rnd.pk}),
                           {"file": SimpleUploadedFile("eppgbm.csv", as_csv(frame))})  # fmt: skip
    job = Job.objects.get(kind="measurement_check")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert job.status == "done" and "baris" in job.message
    imp = Import.objects.get()
    page = client.get(reverse("imports:detail", kwargs={"pk": imp.pk})).content.decode()
    assert 'id="commit"' in page and "ditolak" in page and not Measurement.objects.exists()
    report = client.get(reverse("imports:problems", kwargs={"pk": imp.pk}))
    assert report.status_code == 200 and report.content[:2] == b"PK"
    # Another user cannot see or commit this import (it holds children's personal data).
    other = Client()
    other.force_login(world.user("opd"))
    assert other.get(reverse("imports:detail", kwargs={"pk": imp.pk})).status_code == 404
    assert other.post(reverse("imports:commit", kwargs={"pk": imp.pk})).status_code == 404
    client.post(reverse("imports:commit", kwargs={"pk": imp.pk}))
    commit_job = Job.objects.get(kind="measurement_import")
    assert Measurement.objects.all().count() == 0  # nothing before the worker ran
    run_worker()
    commit_job.refresh_from_db()
    assert commit_job.status == "done" and commit_job.total > 0
    stored = Measurement.objects.all().count()
    assert (
        stored == imp.summary["counts"]["add"]
        if False
        else stored == Import.objects.get().summary["counts"]["add"]
    )
    detail = client.get(reverse("measurements:round", kwargs={"pk": rnd.pk})).content.decode()
    assert "Data rutin posyandu" in detail and "Wado" in detail


def committed_round(world, n=400):
    rnd = make_round(world)
    imp = imports.stage(scope=world.scopes["operator"], rnd=rnd,
                               upload=SimpleUploadedFile("e.csv", as_csv(export(n=n, seed=12, errors=False))),
                               by=world.user("operator"))  # fmt: skip
    imports.check(imp, scope=world.scopes["operator"])
    pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    # Generated names repeat; give each child a unique one so that pages can be searched for them.
    for m in Measurement.objects.filter(round=rnd):
        Measurement.objects.filter(pk=m.pk).update(nama=f"Anak-{m.pk:05d}-")
    return rnd


def test_children_lists_are_for_the_health_office_puskesmas_and_desa_only_in_their_area(world):
    rnd = committed_round(world)
    url = reverse("measurements:children", kwargs={"pk": rnd.pk}) + "?status=stunting"
    stunted = Measurement.objects.filter(stunted=True)
    names = {m.nama for m in stunted}
    own_desa = {m.nama for m in stunted.filter(desa_id=DESA)}
    area = world.scopes["puskesmas"].desa_codes
    in_area = {m.nama for m in stunted.filter(desa_id__in=area)}
    outside = names - in_area

    def page(persona):
        c = Client()
        c.force_login(world.user(persona))
        return c.get(url)

    assert page("opd").status_code == 200  # Dinas Kesehatan: the whole district
    assert all(n in page("opd").content.decode() for n in list(names)[:20])
    body = page("puskesmas").content.decode()
    assert all(n in body for n in in_area) and outside and not any(n in body for n in outside)
    desa_body = page("desa").content.decode()
    assert all(n in desa_body for n in own_desa)
    assert not any(n in desa_body for n in names - {m.nama for m in stunted.filter(desa_id=DESA)})
    for persona in ("operator", "kecamatan", "provinsi", "pusat"):
        assert page(persona).status_code == 403, persona
    for persona in ("neighbour", "other_province"):
        assert page(persona).status_code == 404, persona
    # Aggregates are for every district role, province and nation; names never on that page.
    c = Client()
    c.force_login(world.user("provinsi"))
    detail = c.get(reverse("measurements:round", kwargs={"pk": rnd.pk})).content.decode()
    assert not any(n in detail for n in names)


def test_the_round_page_of_a_kecamatan_counts_only_its_desa(world):
    rnd = committed_round(world)
    c = Client()
    c.force_login(world.user("kecamatan"))
    page = c.get(reverse("measurements:round", kwargs={"pk": rnd.pk}) + "?tingkat=desa")
    body = page.content.decode()
    in_kec = Measurement.objects.filter(desa__kode__startswith="32.11.01.").count()
    assert page.status_code == 200 and f"{in_kec} balita diukur" in body.replace(".", "")
    assert "Jatinunggal" not in body  # another kecamatan's name never appears


def test_a_save_refused_in_the_worker_says_why_on_the_job_page(world):
    """The province verifies Aksi 7 while the operator's save waits for the worker: the job page says
    the lock's own sentence (not "save failed"), nothing is written, and the import can be saved
    once the province unlocks it."""
    from konvergensi.aksi import locks

    client = Client()
    client.force_login(world.user("operator"))
    rnd = make_round(world)
    imp = imports.stage(scope=world.scopes["operator"], rnd=rnd,
                        upload=SimpleUploadedFile("e.csv", as_csv(export(n=80, seed=13, errors=False))),
                        by=world.user("operator"))  # fmt: skip
    assert imports.check(imp, scope=world.scopes["operator"], today=dt.date(2026, 3, 1)).ok
    client.post(reverse("imports:commit", kwargs={"pk": imp.pk}))
    locks.lock(KAB, rnd.tahun, 7, world.user("provinsi"), "verifikasi")
    run_worker()
    job = Job.objects.get(kind="measurement_import")
    assert job.status == "failed"
    assert job.message == (
        f"Data Aksi 7 tahun {rnd.tahun} sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
    )
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert job.message in page
    assert not Measurement.objects.exists()
    imp.refresh_from_db()
    assert imp.status == "checked" and pipeline.ready(imp)
