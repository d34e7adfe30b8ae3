"""Issue 12 §1: one import pipeline for every importer — one model, one preview and problems page,
one Excel report, one problem shape from the core to the CLI's JSON; its pages seen by the uploader
only; a failed commit writes nothing and may be tried again; the problem list is capped but counted."""

from __future__ import annotations

import io
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from typer.testing import CliRunner

from konvergensi.cli import app
from konvergensi.imports import services as pipeline
from konvergensi.imports.models import Import, ImportProblem, ImportStatus
from konvergensi.indicators import imports as village
from konvergensi.indicators.models import DataValue
from konvergensi.measurements import imports as eppgbm_imports
from konvergensi.measurements import services as round_services
from konvergensi.wilayah.models import Region
from konvergensi_core.problems import COLUMNS
from tests.conftest import DESA, KAB, ensure_catalogue
from tests.indicators.test_indicators import filled_template
from tests.measurements.test_measurements import as_csv, export

pytestmark = pytest.mark.django_db

GOOD = {(DESA, "U01 Pembilang"): 9, (DESA, "U01 Penyebut"): 10}
BAD = {(DESA, "U01 Pembilang"): 12, (DESA, "U01 Penyebut"): 10}  # more than the denominator


@pytest.fixture(autouse=True)
def _setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_catalogue()


def _client(world, persona="operator") -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def _village(world, edits, persona="operator") -> Import:
    imp = pipeline.stage(kind=village.KIND_INSTANCE, kabkota=KAB, params={}, by=world.user(persona),
                         upload=SimpleUploadedFile("isi.xlsx", filled_template(edits=edits)))  # fmt: skip
    pipeline.check(imp, scope=world.scopes[persona])
    return imp


def _measurements(world, *, errors: bool, n: int = 60) -> Import:
    import datetime as dt

    rnd = round_services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=world.user("operator"),
    )  # fmt: skip
    imp = eppgbm_imports.stage(scope=world.scopes["operator"], rnd=rnd, by=world.user("operator"),
                               upload=SimpleUploadedFile("e.csv", as_csv(export(n=n, errors=errors))))  # fmt: skip
    eppgbm_imports.check(imp, scope=world.scopes["operator"])
    return imp


def test_both_importers_keep_their_uploads_and_problems_in_the_one_model(world):
    data = _village(world, BAD)
    measured = _measurements(world, errors=True)
    assert {data.kind, measured.kind} == {"data-desa", "pengukuran"}
    for imp in (data, measured):
        assert imp.status == ImportStatus.CHECKED and ImportProblem.objects.filter(imp=imp).exists()
        assert imp.counts["problems"] == ImportProblem.objects.filter(imp=imp).count()
    (bad,) = ImportProblem.objects.filter(imp=data)
    assert (bad.sheet, bad.severity, bad.reject) == ("Data", "error", True) and bad.row and bad.column


def test_the_preview_and_the_report_show_the_one_problem_shape_for_each_importer(world):
    client = _client(world)
    for imp in (_village(world, BAD), _measurements(world, errors=True)):
        page = client.get(reverse("imports:detail", kwargs={"pk": imp.pk})).content.decode()
        first = ImportProblem.objects.filter(imp=imp).first()
        assert first.message in page
        # The sheet column only where the file has sheets (a workbook, not a CSV).
        assert (">Lembar<" in page) == ImportProblem.objects.filter(imp=imp).exclude(sheet="").exists()
        report = client.get(reverse("imports:problems", kwargs={"pk": imp.pk}))
        rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
        assert rows[0] == ("Lembar", "Baris", "Kolom", "Nilai", "Masalah", "Tingkat", "Baris ditolak")
        assert len(rows) - 1 == imp.counts["problems"]
        assert rows[1][4] == first.message


def test_the_preview_shows_the_cores_catalogued_sentences_in_the_readers_language(world):
    """The core writes Indonesian; the page runs each stored message through the catalogue."""
    imp = _measurements(world, errors=True)
    sentence = "Berkas tidak berisi baris data."  # a sentence the catalogue has (measurements/imports.py)
    ImportProblem.objects.filter(imp=imp, position=0).update(message=sentence)
    Import.objects.filter(pk=imp.pk).update(summary={**imp.summary, "file_problems": [sentence]})
    client = _client(world)
    url = reverse("imports:detail", kwargs={"pk": imp.pk})
    assert client.get(url).content.decode().count(sentence) == 2
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert page.count("The file contains no data rows.") == 2 and sentence not in page
    assert ImportProblem.objects.get(imp=imp, position=0).message == sentence  # stored as it was


def test_an_import_is_seen_only_by_its_uploader_and_only_while_their_role_allows_it(world):
    imp = _village(world, GOOD)
    for persona in ("opd", "kecamatan", "provinsi", "pusat", "neighbour", "other_province"):
        client = _client(world, persona)
        for name in ("imports:detail", "imports:problems"):
            assert client.get(reverse(name, kwargs={"pk": imp.pk})).status_code == 404, (persona, name)
        for name in ("imports:commit", "imports:cancel"):
            assert client.post(reverse(name, kwargs={"pk": imp.pk})).status_code == 404, (persona, name)
    assert not DataValue.objects.exists()
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CHECKED and imp.file


def test_a_failed_commit_writes_nothing_and_can_be_tried_again(world, monkeypatch):
    imp = _village(world, GOOD)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(village, "import_commit", broken)
    with pytest.raises(RuntimeError):
        pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CHECKED and imp.file and not DataValue.objects.exists()
    monkeypatch.undo()
    assert pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))["added"] == 1
    imp.refresh_from_db()
    assert imp.status == ImportStatus.COMMITTED and not imp.file
    assert not ImportProblem.objects.filter(imp=imp).exists()  # nothing of the file lingers


def test_the_problem_list_is_capped_but_every_problem_is_counted(world, monkeypatch):
    monkeypatch.setattr(pipeline, "KEPT_PROBLEMS", 3)
    imp = _measurements(world, errors=True, n=200)
    assert imp.counts["problems"] > 3 and ImportProblem.objects.filter(imp=imp).count() == 3
    page = _client(world).get(reverse("imports:detail", kwargs={"pk": imp.pk})).content.decode()
    assert f"dan {imp.counts['problems'] - 3} masalah lain" in page


def test_a_file_the_check_cannot_read_is_deleted_and_told_as_a_file_problem(world):
    rnd_imp = _measurements(world, errors=False)
    rnd = eppgbm_imports.round_of(rnd_imp)
    imp = eppgbm_imports.stage(scope=world.scopes["operator"], rnd=rnd, by=world.user("operator"),
                               upload=SimpleUploadedFile("kosong.csv", b"\n\n"))  # fmt: skip
    path = imp.file.path
    eppgbm_imports.check(imp, scope=world.scopes["operator"])
    imp.refresh_from_db()
    assert not imp.file and not os.path.exists(path)
    (problem,) = ImportProblem.objects.filter(imp=imp)
    assert problem.row is None and problem.column == "" and problem.message
    assert not imp.summary["ok"] and imp.summary["file_problems"] == [problem.message]


def test_old_addresses_of_the_import_pages_lead_to_the_pipeline_page(world):
    imp = _village(world, GOOD)
    client = _client(world)
    target = reverse("imports:detail", kwargs={"pk": imp.pk})
    for name in ("indicators:upload-moved", "measurements:import-moved"):
        assert client.get(reverse(name, kwargs={"pk": imp.pk}))["Location"] == target


def test_the_cli_answers_with_the_one_problem_shape_for_both_importers(world, tmp_path):
    runner = CliRunner()
    data = tmp_path / "isi.xlsx"
    data.write_bytes(filled_template(edits=BAD))
    export_file = tmp_path / "e.csv"
    export_file.write_bytes(as_csv(export(n=60, errors=True)))
    answers = [
        runner.invoke(app, ["data", "import", str(data), "--kabkota", KAB, "--dry-run", "--format", "json"]),
        runner.invoke(app, ["measurements", "import", str(export_file), "--kabkota", KAB, "--round", "Maret 2026",
                            "--dry-run", "--format", "json"]),
    ]  # fmt: skip
    for result in answers:
        payload = json.loads(result.output)
        assert payload["problems"], result.output
        assert all(set(p) == set(COLUMNS) for p in payload["problems"]), payload["problems"][0]
    # Nothing of either file lingers after the command line's check.
    assert not any(imp.file for imp in Import.objects.all())
    assert not ImportProblem.objects.exists()


def test_a_cli_dry_run_leaves_no_import_row_and_no_file(world, tmp_path, settings):
    runner = CliRunner()
    good, bad = tmp_path / "baik.xlsx", tmp_path / "salah.xlsx"
    good.write_bytes(filled_template(edits=GOOD))
    bad.write_bytes(filled_template(edits=BAD))
    export_file = tmp_path / "e.csv"
    export_file.write_bytes(as_csv(export(n=40, errors=True)))
    for args in (
        ["data", "import", str(good), "--kabkota", KAB, "--dry-run"],
        ["data", "import", str(bad), "--kabkota", KAB, "--dry-run", "--format", "json"],
        ["measurements", "import", str(export_file), "--kabkota", KAB, "--round", "Maret 2026", "--dry-run"],
    ):
        result = runner.invoke(app, args)
        assert "diperiksa" in result.output or json.loads(result.output)["problems"], result.output
        assert not Import.objects.exists(), (args, list(Import.objects.values_list("status", flat=True)))
    assert not [p for p in (settings.MEDIA_ROOT / "impor").rglob("*") if p.is_file()]
    assert not DataValue.objects.exists()
    # Without --dry-run a file found wanting stays as a failed import (its counts), its file gone.
    runner.invoke(app, ["data", "import", str(bad), "--kabkota", KAB])
    (imp,) = Import.objects.all()
    assert imp.status == ImportStatus.FAILED and not imp.file


# --- Planner statistics after a bulk write (konvergensi.dbstats) --------------------------------------

sqlite_only = pytest.mark.skipif(
    "sqlite" not in os.environ.get("DATABASE_URL", "sqlite"), reason="SQLite's own statistics table"
)


def _analyzed_on_sqlite(table: str) -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cur.fetchone()[0]:
            return False
        cur.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cur.fetchone()[0] > 0


def _forget_sqlite_statistics() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE sqlite_schema")  # makes sqlite_stat1 if missing
        cur.execute("DELETE FROM sqlite_stat1")


@sqlite_only
def test_a_large_import_refreshes_the_statistics_of_what_it_filled(world, monkeypatch):
    """SQLite has no planner statistics until ANALYZE runs; the pipeline runs it after a bulk commit
    of at least dbstats.BULK_ROWS rows (lowered here), on the tables the importer fills."""
    from konvergensi import dbstats

    _forget_sqlite_statistics()
    monkeypatch.setattr(dbstats, "BULK_ROWS", 10**9)
    pipeline.commit(_village(world, GOOD), scope=world.scopes["operator"], by=world.user("operator"))
    assert not _analyzed_on_sqlite(DataValue._meta.db_table)  # a small import leaves them alone
    monkeypatch.setattr(dbstats, "BULK_ROWS", 1)
    changed = {(DESA, "U01 Pembilang"): 8, (DESA, "U01 Penyebut"): 10}
    pipeline.commit(_village(world, changed), scope=world.scopes["operator"], by=world.user("operator"))
    assert _analyzed_on_sqlite(DataValue._meta.db_table)
    measured = _measurements(world, errors=False)
    assert not _analyzed_on_sqlite("measurements_measurement")
    pipeline.commit(measured, scope=world.scopes["operator"], by=world.user("operator"))
    assert _analyzed_on_sqlite("measurements_measurement")


@sqlite_only
def test_with_statistics_the_desa_of_a_district_are_read_through_the_parent_links(world):
    """Without statistics SQLite read every desa of the country through the `level` index to find
    those of one district; the region load and the demo refresh them."""
    from django.db import connection

    from konvergensi import dbstats
    from konvergensi.indicators.selectors import visible_desa

    dbstats.refresh(Region._meta.db_table)
    # The national reader: no scope range (accounts.scope.subtree_filter) beside the parent links.
    sql, params = visible_desa(scope=world.scopes["pusat"], kabkota=KAB).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cur.fetchall())
    assert "parent_id" in plan and "level" not in plan.replace("parent", ""), plan
