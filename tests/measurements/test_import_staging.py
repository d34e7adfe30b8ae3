"""The commit of an e-PPGBM import is all or nothing, from what the check staged (issue 20).

On PostgreSQL the check COPYs its prepared rows into an UNLOGGED table of the import's own and the
commit inserts them into the measurement table in one transaction; on SQLite the commit stages
them itself. Either way nothing reaches the measurement table before the commit, a failed commit
leaves nothing written (and can be tried again), and the staged rows go with the import's files
(commit, "Batal", expiry)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from konvergensi.imports import services as pipeline
from konvergensi.imports.models import Import, ImportStatus
from konvergensi.measurements import import_write, imports
from konvergensi.measurements.models import Measurement, MeasurementStaging
from tests.conftest import KAB, KEC
from tests.measurements.test_measurements import as_csv, export, stage

pytestmark = pytest.mark.django_db


postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL stages at the check"
)


def staged_rows(imp: Import) -> int | None:
    """Rows of the import's staging: its own table on PostgreSQL (None when there is none), the
    shared staging table on SQLite."""
    if connection.vendor != "postgresql":
        return MeasurementStaging.objects.filter(import_id=imp.pk).count()
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [import_write.staging_table(imp)])
        if not cur.fetchone()[0]:
            return None
        cur.execute(f"SELECT count(*) FROM {import_write.staging_table(imp)}")  # noqa: S608
        return cur.fetchone()[0]


def checked(world, rnd, n=60, seed=21, **kw) -> Import:
    imp = stage(world, rnd, as_csv(export(n=n, seed=seed, errors=False, **kw)))
    assert imports.check(imp, scope=world.scopes["operator"], today=dt.date(2026, 3, 1)).ok
    imp.refresh_from_db()
    return imp


def commit(world, imp: Import) -> dict[str, int]:
    return pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))


@pytest.mark.postgres
@postgresql_only
def test_on_postgresql_the_check_stages_the_rows_to_save_and_writes_no_measurement(world, rnd):
    imp = checked(world, rnd, n=60)
    assert staged_rows(imp) == imp.counts["add"] == 60
    assert not Measurement.objects.filter(round=rnd).exists()  # the operator has not said "Simpan"
    assert commit(world, imp) == {"added": 60, "replaced": 0}
    assert Measurement.objects.filter(round=rnd).count() == 60
    assert staged_rows(imp) is None  # dropped in the commit's transaction


def test_a_commit_that_fails_at_its_end_writes_nothing_and_can_be_tried_again(world, rnd, monkeypatch):
    """The failure comes after the rows were inserted (the audit event, last thing in the
    transaction): they are rolled back with it. On PostgreSQL the staged rows stay for another try;
    on SQLite the commit removes what it staged."""
    imp = checked(world, rnd, n=50)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_write, "audit", broken)
    with pytest.raises(RuntimeError):
        commit(world, imp)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CHECKED
    assert not Measurement.objects.filter(round=rnd).exists()
    assert staged_rows(imp) == (50 if connection.vendor == "postgresql" else 0)
    monkeypatch.undo()
    assert commit(world, imp) == {"added": 50, "replaced": 0}
    assert Measurement.objects.filter(round=rnd).count() == 50
    assert not staged_rows(imp)


def test_a_reimport_replaces_the_changed_children_from_what_the_second_check_staged(world, rnd):
    """A round that stores children already: only the rows that are still to be added or replaced
    at commit time are written (the check's comparison is done again under the round's lock)."""
    import polars as pl

    frame = export(n=40, seed=22, errors=False)
    first = stage(world, rnd, as_csv(frame))
    imports.check(first, scope=world.scopes["operator"])
    commit(world, first)
    changed = frame.with_columns(
        Berat=pl.when(pl.col("No").is_in([3, 7])).then(pl.lit("9,9")).otherwise(pl.col("Berat"))
    )
    second = stage(world, rnd, as_csv(changed))
    assert imports.check(second, scope=world.scopes["operator"]).counts["replace"] == 2
    assert commit(world, second) == {"added": 0, "replaced": 2}
    weights = dict(Measurement.objects.filter(round=rnd).values_list("source_row", "weight"))
    assert len(weights) == 40 and weights[4] == weights[8] == 9.9  # No 3 and 7 are rows 4 and 8
    assert set(Measurement.objects.filter(round=rnd).values_list("source_import_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert not staged_rows(second)


def test_batal_and_the_expiry_remove_what_the_check_staged(world, rnd, settings):
    cancelled = checked(world, rnd, n=30, seed=23)
    assert pipeline.cancel(cancelled, by=world.user("operator"))
    assert not staged_rows(cancelled)
    old = checked(world, rnd, n=30, seed=24)
    Import.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=int(settings.KONVERGENSI_STAGED_DAYS) + 1)
    )
    assert pipeline.expire() >= 1
    assert not staged_rows(old)
    assert not Measurement.objects.filter(round=rnd).exists()


@pytest.mark.postgres
@postgresql_only
def test_on_postgresql_the_expiry_sweeps_staging_tables_left_behind(world, rnd):
    """A crash between an import's end and its cleanup, or its row deleted, leaves its staging table
    (personal data): the next expiry drops it, and leaves the tables of imports still waiting."""
    import uuid

    waiting = checked(world, rnd, n=20, seed=26)
    done = checked(world, rnd, n=20, seed=27)
    Import.objects.filter(pk=done.pk).update(status=ImportStatus.FAILED)  # cancelled, table not dropped
    orphan = Import(pk=uuid.uuid4())  # its row is gone
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE {import_write.staging_table(orphan)} (x int)")
        cur.execute("CREATE TABLE measurements_staging_not_an_import (x int)")
    assert pipeline.expire() == 3
    assert staged_rows(waiting) == 20
    assert staged_rows(done) is None and staged_rows(orphan) is None
    assert pipeline.expire() == 0


@pytest.mark.postgres
@postgresql_only
def test_on_postgresql_staged_rows_the_server_lost_are_never_half_written(world, rnd):
    """An UNLOGGED table is emptied when the server restarts after a crash: the commit finds fewer
    rows than the check prepared, writes nothing and asks for the file to be checked again."""
    imp = checked(world, rnd, n=40, seed=25)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {import_write.staging_table(imp)} WHERE source_row % 2 = 0")  # noqa: S608
    with pytest.raises(ValidationError):
        commit(world, imp)
    assert not Measurement.objects.filter(round=rnd).exists()
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CHECKED


def test_the_commit_checks_its_desa_as_the_foreign_key_did(world):
    """The database no longer checks a measurement's desa row by row: the commit checks the set of
    the import's desa against the region list — a code that is not a desa refuses the whole import."""
    import_write._check_desa(["32.11.01.2001", "32.11.01.2002", "32.11.01.2001"])
    for codes in (["32.11.01.2001", "32.11.99.9999"], [KEC], [KAB]):
        with pytest.raises(ValidationError):
            import_write._check_desa(codes)


@pytest.mark.postgres
@postgresql_only
def test_on_postgresql_a_staged_desa_missing_from_the_regions_refuses_the_whole_commit(world, rnd):
    imp = checked(world, rnd, n=30, seed=26)
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {import_write.staging_table(imp)} SET desa_id = '32.11.99.9999' WHERE source_row = 2"  # noqa: S608
        )
    with pytest.raises(ValidationError):
        commit(world, imp)
    assert not Measurement.objects.filter(round=rnd).exists()


def test_two_imports_checked_together_each_writes_what_is_new_when_it_commits(world, rnd):
    """Both checked against an empty round (every row an addition, and staged so); the second to
    commit finds the round filled by the first and writes only the child whose values differ."""
    import polars as pl

    frame = export(n=30, seed=27, errors=False)
    one = stage(world, rnd, as_csv(frame))
    other = stage(world, rnd, as_csv(frame.with_columns(
        Berat=pl.when(pl.col("No") == 4).then(pl.lit("7,7")).otherwise(pl.col("Berat"))
    )))  # fmt: skip
    for imp in (one, other):
        assert imports.check(imp, scope=world.scopes["operator"]).counts["add"] == 30
    assert commit(world, one) == {"added": 30, "replaced": 0}
    assert commit(world, other) == {"added": 0, "replaced": 1}
    rows = dict(Measurement.objects.filter(round=rnd).values_list("source_row", "source_import_id"))
    assert len(rows) == 30 and rows[5] == other.pk  # No 4 is row 5
    assert sum(v == one.pk for v in rows.values()) == 29
    assert not staged_rows(one) and not staged_rows(other)


def test_a_reimport_of_the_same_file_commits_and_writes_nothing(world, rnd):
    content = as_csv(export(n=25, seed=28, errors=False))
    first = stage(world, rnd, content)
    imports.check(first, scope=world.scopes["operator"])
    commit(world, first)
    ids = set(Measurement.objects.filter(round=rnd).values_list("pk", flat=True))
    again = stage(world, rnd, content)
    assert imports.check(again, scope=world.scopes["operator"]).counts["unchanged"] == 25
    assert commit(world, again) == {"added": 0, "replaced": 0}
    assert set(Measurement.objects.filter(round=rnd).values_list("pk", flat=True)) == ids
    assert not staged_rows(again)
