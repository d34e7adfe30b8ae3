"""Measurements carry their province; on PostgreSQL the table is partitioned by it (issue 20,
``measurements/partitions.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from konvergensi import dbstats
from konvergensi.imports import services as pipeline
from konvergensi.measurements import imports, partitions, selectors, services
from konvergensi.measurements.models import Measurement
from konvergensi.wilayah.models import Region
from tests.conftest import KAB
from tests.measurements.test_measurements import as_csv, export, stage

pytestmark = pytest.mark.django_db


def imported(world, n=120, seed=5, nama="Februari 2026"):
    rnd = services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama=nama,
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=world.user("operator"),
    )  # fmt: skip
    imp = stage(world, rnd, as_csv(export(n=n, seed=seed, errors=False)))
    assert imports.check(imp, scope=world.scopes["operator"], today=dt.date(2026, 3, 1)).ok
    pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    return rnd


def test_every_imported_row_carries_the_province_of_its_district(world):
    rnd = imported(world)
    provinces = set(Measurement.objects.filter(round=rnd).values_list("provinsi_id", flat=True))
    assert provinces == {KAB[:2]}
    # The reads by round go through the province condition and still find every row.
    assert selectors.measured(rnd.pk).count() == Measurement.objects.filter(round=rnd).count() > 0


def test_a_round_whose_rows_are_filed_under_another_province_is_not_read_as_its_own(world):
    """The province condition is real: rows of the round under another province are not the round's
    (they cannot be written so; the test moves them by hand). On SQLite the table is not
    partitioned, on PostgreSQL the row moves to the other partition."""
    rnd = imported(world, n=40)
    n = Measurement.objects.filter(round=rnd).count()
    Measurement.objects.filter(round=rnd).update(provinsi_id="31")
    assert selectors.measured(rnd.pk).count() == 0
    assert Measurement.objects.filter(round=rnd).count() == n


pg = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only: partitioning")


def partition_of_rows(round_id: int) -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tableoid::regclass::text, count(*) FROM measurements_measurement WHERE round_id = %s "
            "GROUP BY 1",
            [round_id],
        )
        return dict(cur.fetchall())


@pytest.mark.postgres
@pg
def test_on_postgresql_the_table_has_one_partition_per_province_and_a_default():
    with connection.cursor() as cur:
        assert partitions.is_partitioned(cur)
        bounds = partitions.partitions(cur)
    codes = partitions.province_codes()
    assert len(codes) == 38
    assert bounds[partitions.partition_name("32")] == "FOR VALUES IN ('32')"
    assert bounds[partitions.partition_name(None)] == "DEFAULT"
    assert len(bounds) == len(codes) + 1


@pytest.mark.postgres
@pg
def test_on_postgresql_an_import_lands_in_its_province_partition_and_a_read_by_round_scans_only_it(world):
    rnd = imported(world)
    n = Measurement.objects.filter(round=rnd).count()
    assert partition_of_rows(rnd.pk) == {partitions.partition_name("32"): n}
    sql, params = selectors.measured(rnd.pk).values("id").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}", params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    # Pruned when planned: only Jawa Barat's partition is in the plan, and it is read.
    scanned = [
        line for line in plan.splitlines()
        if "measurements_measurement_p" in line or "measurements_measurement_default" in line
    ]  # fmt: skip
    assert len(scanned) == 1 and "on measurements_measurement_p32 " in scanned[0], plan
    assert f"actual rows={n} " in scanned[0], plan
    # Without the province condition every partition would be in the plan.
    sql, params = Measurement.objects.filter(round_id=rnd.pk).values("id").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (COSTS OFF) {sql}", params)
        assert sum("measurements_measurement_default" in r[0] for r in cur.fetchall()) == 1


@pytest.mark.postgres
@pg
def test_on_postgresql_the_unique_rule_and_the_id_sequence_hold_on_the_partitioned_table(world):
    rnd = imported(world, n=30)
    first = Measurement.objects.filter(round=rnd).order_by("id").first()
    ids = list(Measurement.objects.filter(round=rnd).values_list("id", flat=True))
    assert len(set(ids)) == len(ids)
    copy = Measurement.objects.get(pk=first.pk)
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()  # the same child twice in one round
    copy.child_key = "another-child"
    copy.save()
    assert copy.pk > max(ids)  # from the sequence the partitioned table took over


@pytest.mark.postgres
@pg
def test_on_postgresql_the_conversion_both_ways_keeps_rows_ids_and_names(world):
    rnd = imported(world, n=50)
    before = sorted(Measurement.objects.filter(round=rnd).values_list("id", "child_key", "provinsi_id"))
    with connection.cursor() as cur:
        names_before = partitions._definitions(cur, partitions.TABLE)
        partitions._rebuild(cur, partitioned=False)
        assert not partitions.is_partitioned(cur)
        assert (
            sorted(Measurement.objects.filter(round=rnd).values_list("id", "child_key", "provinsi_id"))
            == before
        )
        partitions._rebuild(cur, partitioned=True)
        assert partitions.is_partitioned(cur)
        names_after = partitions._definitions(cur, partitions.TABLE)
    assert (
        sorted(Measurement.objects.filter(round=rnd).values_list("id", "child_key", "provinsi_id")) == before
    )
    assert [n for n, _, _ in names_after[0]] == [n for n, _, _ in names_before[0]]
    assert names_after[1] == names_before[1]
    assert partition_of_rows(rnd.pk) == {partitions.partition_name("32"): len(before)}


@pytest.mark.postgres
@pg
def test_on_postgresql_a_large_import_leaves_statistics_of_its_round_for_the_planner(world, monkeypatch):
    """Without statistics of the new rows the planner read a 500,000-row round through the wrong
    index (bench/README.md); a large import analyzes its partition when it commits."""
    monkeypatch.setattr(dbstats, "BULK_ROWS", 10)

    def rounds_in_statistics() -> str:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT coalesce(most_common_vals::text, '') || coalesce(histogram_bounds::text, '') "
                "FROM pg_stats WHERE tablename = %s AND attname = 'round_id'",
                [partitions.partition_name("32")],
            )
            row = cur.fetchone()
        return row[0] if row else ""

    rnd = imported(world, n=60)
    assert str(rnd.pk) in rounds_in_statistics().strip("{}").split(",")
    monkeypatch.setattr(dbstats, "BULK_ROWS", 10**9)
    other = imported(world, n=20, seed=9, nama="Agustus 2026")
    assert str(other.pk) not in rounds_in_statistics().strip("{}").split(",")


@pytest.mark.postgres
@pg
def test_on_postgresql_the_round_frame_read_by_copy_equals_the_one_read_by_the_cursor(world):
    """The round's rows are read by ``COPY … TO STDOUT`` and parsed by Polars on PostgreSQL: empty
    texts stay empty (not null), nulls stay null, booleans and floats come back exactly."""
    import polars as pl

    rnd = services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=world.user("operator"),
    )  # fmt: skip
    every = pl.int_range(pl.len())
    frame = export(n=200, seed=12, errors=False).with_columns(
        Posyandu=pl.when(every % 3 == 0).then(pl.lit("")).otherwise(pl.col("Posyandu")),
        Tinggi=pl.when(every % 7 == 0).then(None).otherwise(pl.col("Tinggi")),  # no length: NULL z-score
    )
    imp = stage(world, rnd, as_csv(frame))
    imports.check(imp, scope=world.scopes["operator"], today=dt.date(2026, 3, 1))
    pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    sql, params = (
        selectors.measured(rnd.pk).values_list(*selectors.FRAME_FIELDS).order_by("id").query.sql_with_params()
    )
    by_copy = selectors._frame_copy(connection, sql, params)
    by_cursor = selectors._frame_fetch(connection, sql, params)
    assert by_copy.height == Measurement.objects.filter(round=rnd).count() > 100
    assert by_copy.schema == by_cursor.schema
    assert by_copy.equals(by_cursor, null_equal=True)
    assert by_copy.get_column("posyandu").eq("").sum() > 0  # empty texts, not nulls
    assert by_copy.get_column("zlen").null_count() > 0 and by_copy.get_column("stunted").null_count() > 0
    assert by_copy.get_column("stunted").sum() > 0
