"""Issue 12 §1: the two importers (village data, e-PPGBM measurements) commit once, never go back
after a commit, keep no personal data longer than needed and refuse what they cannot read without
leaving anything behind. The PostgreSQL tests send real concurrent requests (threads, each with its
own connection; skipped on SQLite's in-memory test database, see tests/aksi/test_aksi_race.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.accounts.models import AuditEvent
from konvergensi.imports import services as pipeline
from konvergensi.imports.models import Import, ImportStatus
from konvergensi.indicators.models import DataValue, DataValueHistory
from konvergensi.jobs.models import Job
from konvergensi.measurements import imports, services
from konvergensi.wilayah.models import Region
from tests.concurrency import concurrently
from tests.conftest import DESA, KAB, ensure_catalogue
from tests.indicators.test_indicators import filled_template
from tests.measurements.test_measurements import as_csv, export

NIK16 = re.compile(r"(?<!\d)\d{16}(?!\d)")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _catalogue(db):
    ensure_catalogue()


def _files(settings) -> list[Path]:
    """The files the two importers keep (the world's evidence files are elsewhere)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(
        p for folder in ("impor", "uploads", "pengukuran") for p in (root / folder).rglob("*") if p.is_file()
    )


def _client(world, persona="operator") -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def _round(world):
    return services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=world.user("operator"),
    )  # fmt: skip


def _checked(world, rnd, *, errors=False, n=60, name="eppgbm.csv", content=None) -> Import:
    imp = imports.stage(
        scope=world.scopes["operator"], rnd=rnd,
        upload=SimpleUploadedFile(name, content if content is not None else as_csv(export(n=n, seed=5, errors=errors))),
        by=world.user("operator"),
    )  # fmt: skip
    imports.check(imp, scope=world.scopes["operator"])
    imp.refresh_from_db()
    return imp


def _messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def _upload_data(client, content: bytes, name="isi.xlsx"):
    return client.post(
        reverse("indicators:upload", kwargs={"kode": KAB}), {"file": SimpleUploadedFile(name, content)}
    )


GOOD = {(DESA, "U01 Pembilang"): 9, (DESA, "U01 Penyebut"): 10, (DESA, "U02 Pembilang"): 3,
        (DESA, "U02 Penyebut"): 4}  # fmt: skip


# --- 1. a commit happens once -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_simpan_of_a_measurement_import_makes_no_second_job(world):
    imp = _checked(world, _round(world))
    assert imp.status == ImportStatus.CHECKED and imp.summary["ok"]
    client = _client(world)
    url = reverse("imports:commit", kwargs={"pk": imp.pk})
    first, second = client.post(url), client.post(url)
    assert first.status_code == second.status_code == 302
    assert Job.objects.filter(kind="measurement_import").count() == 1
    assert "sedang disimpan" in _messages(second)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.COMMITTING


@pytest.mark.django_db
def test_a_measurement_import_commits_once_through_the_service(world):
    imp = _checked(world, _round(world))
    pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    with pytest.raises(imports.ValidationError):
        pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    assert AuditEvent.objects.filter(action="measurement.import").count() == 1


@pytest.mark.django_db
def test_a_second_simpan_of_a_village_data_upload_saves_nothing_more(world):
    client = _client(world)
    preview = _upload_data(client, filled_template(edits=GOOD))["Location"]
    first, second = client.post(preview + "simpan/"), client.post(preview + "simpan/")
    assert first.status_code == second.status_code == 302
    assert AuditEvent.objects.filter(action="data.import").count() == 1
    assert DataValueHistory.objects.count() == 2 and set(
        DataValue.objects.values_list("version", flat=True)
    ) == {1}
    assert "sudah disimpan" in _messages(second)


@pytest.mark.django_db
def test_a_claimed_village_data_upload_is_not_committed_by_a_second_request(world):
    """The second of two concurrent "Simpan" finds the upload already claimed (committing)."""
    client = _client(world)
    preview = _upload_data(client, filled_template(edits=GOOD))["Location"]
    staged = Import.objects.get()
    pipeline.claim(staged)  # the first request, between its claim and its commit
    response = client.post(preview + "simpan/")
    assert response.status_code == 302 and not DataValue.objects.exists()
    assert not AuditEvent.objects.filter(action="data.import").exists()
    assert "sedang disimpan" in _messages(response)


# --- 2. a committed import never goes back ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ImportStatus.COMMITTED, ImportStatus.COMMITTING])
def test_an_empty_post_never_restages_a_committed_import(world, status):
    imp = _checked(world, _round(world))
    if status == ImportStatus.COMMITTED:
        pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    else:
        pipeline.claim(imp)
    imp.refresh_from_db()
    before = (imp.status, imp.summary)
    client = _client(world)
    url = reverse("imports:detail", kwargs={"pk": imp.pk})
    for data in ({}, {"pilih-0": DESA, "kec-0": "x", "desa-0": "y"}):
        response = client.post(url, data)
        assert response.status_code == 302
        imp.refresh_from_db()
        assert (imp.status, imp.summary) == before
    assert not Job.objects.filter(kind="measurement_check").exists()


# --- 3. personal data do not linger -----------------------------------------------------------------


@pytest.mark.django_db
def test_batal_deletes_the_files_of_a_measurement_import_at_once(world, settings):
    imp = _checked(world, _round(world), errors=True)
    assert imports._workdir(imp).exists() and Path(imp.file.path).exists()
    response = _client(world).post(reverse("imports:cancel", kwargs={"pk": imp.pk}))
    assert response.status_code == 302
    assert _files(settings) == []
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and not imp.file
    # Nothing is left to commit.
    assert _client(world).post(reverse("imports:commit", kwargs={"pk": imp.pk})).status_code == 302
    assert not Job.objects.filter(kind="measurement_import").exists()


@pytest.mark.django_db
def test_batal_deletes_a_village_data_upload_at_once(world, settings):
    client = _client(world)
    preview = _upload_data(client, filled_template(edits=GOOD))["Location"]
    assert len(_files(settings)) == 1
    assert client.post(preview + "batal/").status_code == 302
    cancelled = Import.objects.get()  # the row stays, with its counts only
    assert _files(settings) == [] and cancelled.status == ImportStatus.FAILED and not cancelled.file


@pytest.mark.django_db
def test_uncommitted_files_expire_and_committed_ones_keep_no_raw_file(world, settings):
    settings.KONVERGENSI_STAGED_DAYS = 7
    rnd = _round(world)
    old = _checked(world, rnd, errors=True)
    fresh = _checked(world, rnd)
    done = _checked(world, rnd, n=30)
    pipeline.commit(done, scope=world.scopes["operator"], by=world.user("operator"))
    done.refresh_from_db()
    assert not done.file and not imports._workdir(done).exists()  # after commit: only the counts
    client = _client(world)
    stale = Import.objects.get(
        pk=_upload_data(client, filled_template(edits=GOOD))["Location"].split("/")[-2]
    )
    week_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
    Import.objects.filter(pk=old.pk).update(created_at=week_ago)
    Import.objects.filter(pk=stale.pk).update(created_at=week_ago)
    old_files = [Path(old.file.path), imports._workdir(old), Path(stale.file.path)]
    call_command("imports_cleanup", verbosity=0)
    assert not any(p.exists() for p in old_files)
    stale.refresh_from_db()
    assert stale.status == ImportStatus.FAILED and not stale.file
    old.refresh_from_db()
    assert old.status == ImportStatus.FAILED and not old.file
    fresh.refresh_from_db()
    assert Path(fresh.file.path).exists() and imports._workdir(fresh).exists()


@pytest.mark.django_db
def test_a_village_data_upload_keeps_no_file_after_its_commit(world, settings):
    client = _client(world)
    preview = _upload_data(client, filled_template(edits=GOOD))["Location"]
    client.post(preview + "simpan/")
    assert _files(settings) == []
    page = client.get(preview)  # no file any more: the page says it was saved, no 500
    assert page.status_code == 200 and "sudah disimpan" in page.content.decode()


@pytest.mark.django_db
def test_nik_is_masked_on_the_preview_and_in_the_problems_workbook(world):
    frame = export(n=300, seed=5, errors=True)
    niks = {n for n in frame.get_column("NIK").drop_nulls().to_list() if NIK16.fullmatch(n)}
    imp = _checked(world, _round(world), content=as_csv(frame))
    problems = imports.problems_of(imp)
    nik_rows = [p for p in problems if p["code"].startswith("nik_")]
    assert nik_rows, "the export has NIK problems to show"
    for p in nik_rows:
        if p["code"] == "nik_format":  # not a NIK: shown as typed, the uploader must fix it
            assert not NIK16.fullmatch(p["value"])
        else:
            assert p["value"] == "" or re.fullmatch(r"\d{4}\*{8}\d{4}", p["value"]), p
    client = _client(world)
    page = client.get(reverse("imports:detail", kwargs={"pk": imp.pk})).content.decode()
    report = client.get(reverse("imports:problems", kwargs={"pk": imp.pk}))
    cells = " ".join(
        str(v)
        for row in load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True)
        for v in row
    )
    assert "********" in page + cells
    assert not niks & set(NIK16.findall(page)), "a full NIK on the preview page"
    assert not niks & set(NIK16.findall(cells)), "a full NIK in masalah.xlsx"


@pytest.mark.django_db
def test_a_district_over_its_staged_quota_is_refused_with_a_message(world, settings):
    settings.KONVERGENSI_STAGED_MB_PER_KABKOTA = 1
    rnd = _round(world)
    big = b"a;b;c\n" + b"1;2;3\n" * 100_000  # 600 kB
    client = _client(world)
    url = reverse("measurements:import", kwargs={"pk": rnd.pk})
    client.post(url, {"file": SimpleUploadedFile("satu.csv", big)})
    assert Import.objects.count() == 1
    files = _files(settings)
    response = client.post(url, {"file": SimpleUploadedFile("dua.csv", big)})
    assert response.status_code == 302 and "penuh" in _messages(response)
    assert Import.objects.count() == 1 and _files(settings) == files
    # The village-data upload counts against the same quota.
    settings.KONVERGENSI_STAGED_MB_PER_KABKOTA = 0
    response = _upload_data(client, filled_template(edits=GOOD))
    assert "penuh" in _messages(response) and Import.objects.count() == 1


# --- 4. refused uploads leave nothing behind --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("data.pdf", b"%PDF-1.4 nothing", "format Excel"),
        ("data.csv", b"\x00\x01\x02binary", "bukan teks CSV"),
        ("data.xlsx", b"PK\x03\x04 not really", "Excel"),
        ("data.xlsx", b"", "kosong"),
    ],
)
def test_a_refused_measurement_upload_leaves_no_row_and_no_file(world, settings, name, content, fragment):
    rnd = _round(world)
    response = _client(world).post(reverse("measurements:import", kwargs={"pk": rnd.pk}),
                                   {"file": SimpleUploadedFile(name, content)})  # fmt: skip
    assert response.status_code == 302 and fragment in _messages(response)
    assert not Import.objects.exists() and _files(settings) == []
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_measurement_upload_over_the_size_limit_leaves_nothing(world, settings, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    rnd = _round(world)
    response = _client(world).post(reverse("measurements:import", kwargs={"pk": rnd.pk}),
                                   {"file": SimpleUploadedFile("besar.csv", b"a;b\n" + b"1;2\n" * 1000)})  # fmt: skip
    assert "terlalu besar" in _messages(response)
    assert not Import.objects.exists() and _files(settings) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [("isi.xlsx", b"PK\x03\x04 rusak"), ("isi.pdf", b"%PDF"),
                                               ("isi.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old")])  # fmt: skip
def test_a_refused_village_data_upload_leaves_no_row_and_no_file(world, settings, name, content):
    response = _upload_data(_client(world), content, name=name)
    assert response.status_code == 302 and _messages(response)
    assert not Import.objects.exists() and _files(settings) == []


@pytest.mark.django_db
def test_a_file_found_unreadable_by_the_check_is_deleted(world, settings):
    imp = _checked(world, _round(world), name="data.xlsx", content=_broken_sheet_xlsx())
    assert imp.summary["file_problems"] and not imp.file and _files(settings) == []


# --- 5. messages ------------------------------------------------------------------------------------


CLASS_NAME = re.compile(r"\w+(Error|Exception|Forbidden)\b|\(\w+\)")


def _broken_sheet_xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.save(buffer)
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle: not XML any more
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.django_db
def test_latin1_and_utf16_exports_are_read_as_what_they_are(world):
    rnd = _round(world)
    frame = export(n=40, seed=9, errors=False)
    frame = frame.with_columns(frame.get_column("Nama").str.replace(r"^", "José ").alias("Nama"))
    text = as_csv(frame).decode()
    assert "é" in text
    for encoding in ("cp1252", "utf-16"):
        content = text.encode(encoding)
        imp = _checked(world, rnd, content=content, name=f"ekspor-{encoding}.csv")
        assert imp.summary["ok"], imp.summary.get("file_problems")
        assert imp.summary["counts"]["rows"] == 40


@pytest.mark.django_db
def test_check_messages_name_no_class_and_no_internal_file(world):
    rnd = _round(world)
    imp = _checked(world, rnd, name="data.xlsx", content=_broken_sheet_xlsx())
    for message in imp.summary["file_problems"]:
        assert not CLASS_NAME.search(message) and str(imp.pk) not in message and ".xml" not in message, (
            message
        )


@pytest.mark.django_db
def test_a_300_character_file_name_keeps_its_extension(world):
    rnd = _round(world)
    imp = _checked(world, rnd, name="e" * 300 + ".csv")
    assert imp.original_name.endswith(".csv") and len(imp.original_name) <= 200 and imp.summary["ok"]
    client = _client(world)
    response = _upload_data(client, filled_template(edits=GOOD), name="d" * 300 + ".xlsx")
    staged = Import.objects.get(kind="data-desa")
    assert staged.original_name.endswith(".xlsx") and len(staged.original_name) <= 200
    page = client.get(response["Location"]).content.decode()
    assert 'id="commit"' in page


# --- PostgreSQL: real concurrent requests -----------------------------------------------------------


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's in-memory test database cannot serve concurrent writers.")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_concurrent_simpan_of_one_village_data_upload_save_once(world):
    _postgresql_only()
    for attempt in range(5):
        DataValue.objects.all().delete()
        DataValueHistory.objects.all().delete()
        AuditEvent.objects.filter(action="data.import").delete()
        edits = {key: value + attempt for key, value in GOOD.items()}
        owner = _client(world)
        preview = _upload_data(owner, filled_template(edits=edits))["Location"]
        clients = [_client(world) for _ in range(3)]
        responses = concurrently(*(lambda c=c, url=preview + "simpan/": c.post(url) for c in clients))
        assert {r.status_code for r in responses} == {302}
        assert AuditEvent.objects.filter(action="data.import").count() == 1
        assert DataValueHistory.objects.count() == 2
        assert set(DataValue.objects.values_list("version", flat=True)) == {1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_concurrent_simpan_of_one_measurement_import_make_one_job(world):
    _postgresql_only()
    rnd = _round(world)
    for _ in range(5):
        imp = _checked(world, rnd, n=30)
        Job.objects.filter(kind="measurement_import").delete()
        clients = [_client(world) for _ in range(3)]
        url = reverse("imports:commit", kwargs={"pk": imp.pk})
        responses = concurrently(*(lambda c=c, url=url: c.post(url) for c in clients))
        assert {r.status_code for r in responses} == {302}
        assert Job.objects.filter(kind="measurement_import").count() == 1
        Import.objects.filter(pk=imp.pk).update(status=ImportStatus.FAILED)


@pytest.mark.django_db
def test_an_xml_entity_attack_in_an_upload_is_refused_with_a_plain_sentence(world, settings):
    import zipfile

    from openpyxl import Workbook

    buffer = io.BytesIO()
    wb = Workbook()
    wb.active.append(["NIK", "Nama"])
    wb.save(buffer)
    out = io.BytesIO()
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = bomb + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)
            dst.writestr(item, data)
    response = _client(world).post(
        reverse("measurements:import", kwargs={"pk": _round(world).pk}),
        {"file": SimpleUploadedFile("ekspor.xlsx", out.getvalue())},
    )
    message = _messages(response)
    assert "entitas" in message and not CLASS_NAME.search(message), message
    assert not Import.objects.exists() and _files(settings) == []
    response = _upload_data(_client(world), out.getvalue())
    assert "entitas" in _messages(response) and not Import.objects.exists() and _files(settings) == []


@pytest.mark.django_db
def test_an_export_with_a_formula_without_its_value_is_refused_by_name(world, settings):
    from openpyxl import Workbook

    frame = export(n=20, seed=3, errors=False)
    wb = Workbook()
    wb.active.append(frame.columns)
    for row in frame.iter_rows():
        wb.active.append(list(row))
    wb.active.cell(3, frame.columns.index("BB Lahir") + 1, "=1+2")  # openpyxl stores no computed value
    buffer = io.BytesIO()
    wb.save(buffer)
    imp = _checked(world, _round(world), name="ekspor.xlsx", content=buffer.getvalue())
    (message,) = imp.summary["file_problems"]
    assert "rumus tanpa nilai tersimpan" in message and not CLASS_NAME.search(message), message
    assert _files(settings) == []
