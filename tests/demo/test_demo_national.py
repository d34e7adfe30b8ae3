"""`konvergensi demo national`: the national data set, at its tiny scale on one small province (DKI
Jakarta, 31: the fewest desa, six districts, one of them with only two kecamatan). Runs on SQLite and,
with ``DATABASE_URL=postgres://…``, on PostgreSQL (plain ``django_db``, nothing engine-specific)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt

import pytest
from typer.testing import CliRunner

from konvergensi.cli import app
from tests.conftest import ensure_catalogue

runner = CliRunner()
PROV = "31"


def _kabkota_csv() -> list[dict]:
    from konvergensi.demo_national import KABKOTA_CSV

    with KABKOTA_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_children_are_shared_by_population_and_small_is_a_twentieth():
    from konvergensi.demo_national import TINY_CHILDREN, children_per_round

    rows = _kabkota_csv()
    codes = [r["kode"] for r in rows]
    full = children_per_round("full", codes)
    small = children_per_round("small", codes)
    assert 9_900_000 < sum(full.values()) < 10_100_000  # ≈ 10 M a round, 20 M over the two
    assert 0.049 < sum(small.values()) / sum(full.values()) < 0.051
    pop = {r["kode"]: int(r["penduduk_total"]) for r in rows}
    big, little = max(pop, key=pop.get), min(pop, key=pop.get)
    assert full[big] / full[little] == pytest.approx(pop[big] / pop[little], rel=0.01)
    assert set(children_per_round("tiny", ["31.71"]).values()) == {TINY_CHILDREN}


def test_the_rounds_are_the_last_two_weighing_months_over():
    from konvergensi.demo_national import rounds_for

    assert [n for n, _s, _e in rounds_for(dt.date(2026, 12, 7))] == ["Februari 2026", "Agustus 2026"]
    assert rounds_for(dt.date(2026, 8, 15))[-1][0] == "Februari 2026"  # August is not over yet
    assert rounds_for(dt.date(2026, 1, 10)) == [
        ("Februari 2025", dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        ("Agustus 2025", dt.date(2025, 8, 1), dt.date(2025, 8, 31)),
    ]


@pytest.mark.django_db
def test_an_unknown_province_or_scale_is_refused_in_indonesian():
    bad = runner.invoke(app, ["demo", "national", "--scale", "tiny", "--provinsi", "99"])
    assert bad.exit_code == 2 and "Kode provinsi tidak dikenal: 99" in bad.output
    bad = runner.invoke(app, ["demo", "national", "--scale", "huge", "--provinsi", PROV])
    assert bad.exit_code == 2 and "Skala 'huge' tidak dikenal" in bad.output


@pytest.mark.django_db
def test_a_generated_password_is_told_once_and_works(monkeypatch, settings):
    from django.contrib.auth import get_user_model

    from konvergensi.demo_national import PASSWORD_ENV, _Accounts

    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    settings.DEMO_MODE = False  # outside demo mode: no fixed known password
    told: list[str] = []
    accounts = _Accounts(told.append)
    user, made = accounts.ensure("nasional-uji", "Uji", "Satu", "pusat", None)
    again, made_again = accounts.ensure("nasional-uji", "Uji", "Satu", "pusat", None)
    accounts.ensure("nasional-uji-2", "Uji", "Dua", "pusat", None)  # the same password, not told again
    assert (made, made_again) == (1, 0) and again.pk == user.pk
    assert accounts.generated and len(accounts.generated) >= 16
    assert len(told) == 1 and accounts.generated in told[0]  # told once, when it was made
    for username in ("nasional-uji", "nasional-uji-2"):
        user = get_user_model().objects.get(username=username)
        assert user.check_password(accounts.generated) and not user.check_password("demo-konvergensi")


@pytest.mark.slow
@pytest.mark.django_db
def test_tiny_national_data_set_of_one_province(monkeypatch):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from konvergensi.accounts.models import Membership
    from konvergensi.aksi.models import Aksi, Siklus
    from konvergensi.ansit.models import Analysis
    from konvergensi.budget.models import BudgetLine
    from konvergensi.demo_national import (
        PASSWORD_ENV,
        TINY_CHILDREN,
        national_load,
        operator_username,
        rounds_for,
    )
    from konvergensi.imports.models import Import
    from konvergensi.indicators.models import DataSasaran, DataValue, Indicator
    from konvergensi.indicators.selectors import default_periode
    from konvergensi.measurements.models import Measurement, MeasurementRound
    from konvergensi.picture.models import RegionFigure
    from konvergensi.picture.services import main_indicators
    from konvergensi.publication.models import Publication
    from konvergensi.wilayah.models import OPD, Puskesmas, Region
    from konvergensi.wilayah.services import STANDARD_OPD

    ensure_catalogue()  # a transactional test before this one (same worker) flushed the catalogue
    monkeypatch.setenv(PASSWORD_ENV, "sandi-nasional-uji-123")
    today = timezone.localdate()  # the village data are of the current period
    lines: list[str] = []
    summary = national_load(scale="tiny", provinsi=[PROV], today=today, echo=lines.append)

    # The real regions of the province were loaded for it (the session has only three districts).
    districts = sorted(Region.objects.filter(level="kabkota", parent_id=PROV).values_list("kode", flat=True))
    expected = sorted(r["kode"] for r in _kabkota_csv() if r["kode_induk"] == PROV)
    assert districts == expected and len(districts) == 6
    desa = set(
        Region.objects.filter(level="desa", kode__startswith=PROV + ".").values_list("kode", flat=True)
    )
    kecamatan = Region.objects.filter(level="kecamatan", kode__startswith=PROV + ".").count()
    assert summary.districts == 6 and summary.provinces == 1 and not summary.skipped
    assert any(line.startswith("[31] ") and "6 kab/kota" in line for line in lines)

    in_prov = {"kabkota__parent_id": PROV}
    assert OPD.objects.filter(**in_prov).count() == 6 * len(STANDARD_OPD)
    assert Puskesmas.objects.filter(**in_prov).count() == kecamatan  # one per kecamatan
    # Accounts: an operator per district, one for the province, one national; the password from the env.
    roles = dict(
        Membership.objects.filter(user__username__startswith="nasional-").values_list(
            "user__username", "role"
        )
    )
    assert roles == {
        "nasional-pusat": "pusat",
        "nasional-prov-31": "provinsi",
        **{operator_username(k): "operator" for k in districts},
    }
    assert get_user_model().objects.get(username="nasional-pusat").check_password("sandi-nasional-uji-123")
    assert summary.password is None and not any("sandi" in line for line in lines)  # the env's is not told

    # The 8-aksi cycle of the year, in varied states.
    assert Siklus.objects.filter(kabkota_id__in=districts, tahun=today.year).count() == 6
    aksi = Aksi.objects.filter(siklus__kabkota_id__in=districts)
    assert aksi.count() == 48 and aksi.values("status").distinct().count() > 1

    # Data sasaran for every desa; coverage values for every desa, the main indicators also per semester.
    assert (
        set(DataSasaran.objects.filter(desa__kode__startswith=PROV + ".").values_list("desa_id", flat=True))
        == desa
    )
    values = DataValue.objects.filter(kabkota_id__in=districts)
    assert set(values.values_list("desa_id", flat=True)) == desa
    semester = {
        i.kode: i
        for i in Indicator.objects.filter(values__in=values.filter(periode=f"{default_periode(today)}-S1"))
    }
    assert set(main_indicators()) <= set(semester) and all(i.is_main for i in semester.values())

    # Two rounds per district, imported through the pipeline (committed imports), published.
    rounds = MeasurementRound.objects.filter(kabkota_id__in=districts)
    assert set(rounds.values_list("nama", flat=True)) == {nama for nama, _s, _e in rounds_for(today)}
    assert rounds.count() == 12
    imports = Import.objects.filter(kind="pengukuran", kabkota_id__in=districts)
    assert imports.count() == 12 and set(imports.values_list("status", flat=True)) == {"committed"}
    assert {i.params["round"] for i in imports} == set(rounds.values_list("pk", flat=True))
    measured = Measurement.objects.filter(round__in=rounds)
    assert measured.count() == summary.counts["measurements"]
    for rnd in rounds:
        n = rnd.measurements.count()
        assert 0.85 * TINY_CHILDREN < n < 1.1 * TINY_CHILDREN, (rnd, n)  # a few bad rows are rejected
    assert Publication.objects.filter(round__in=rounds, withdrawn_at__isnull=True).count() == 12

    # Aksi 1 with lokus from the latest published round, and the budget through its import.
    analyses = Analysis.objects.filter(kabkota_id__in=districts)
    assert analyses.count() == 6 and all(a.lokus_lists.exists() for a in analyses)
    assert set(analyses.values_list("input_source", flat=True)) == {"putaran"}
    assert BudgetLine.objects.filter(kabkota_id__in=districts).count() == summary.counts["budget_lines"] > 0

    # The stored aggregates: every district, the province and the nation.
    prevalence = RegionFigure.objects.filter(key="prevalensi-stunted")
    assert set(prevalence.filter(level="kabkota").values_list("kode", flat=True)) >= set(districts)
    assert prevalence.filter(kode=PROV).exists() and prevalence.filter(kode="").exists()
    assert RegionFigure.objects.filter(key__startswith="cakupan-", kode=PROV).exists()

    # A second run adds nothing: every district is found complete and skipped.
    counts = {
        m.__name__: m.objects.count()
        for m in (
            Membership,
            Siklus,
            Aksi,
            DataValue,
            MeasurementRound,
            Measurement,
            Import,
            Publication,
            Analysis,
        )
    }
    again = national_load(scale="tiny", provinsi=[PROV], today=today)
    assert sorted(again.skipped) == districts
    assert counts == {
        m.__name__: m.objects.count()
        for m in (
            Membership,
            Siklus,
            Aksi,
            DataValue,
            MeasurementRound,
            Measurement,
            Import,
            Publication,
            Analysis,
        )
    }


@pytest.mark.django_db
def test_more_than_one_process_is_refused_on_sqlite():
    from django.db import connection

    from konvergensi.demo_national import NationalError, national_load

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL takes the processes")
    with pytest.raises(NationalError, match="hanya untuk PostgreSQL"):
        national_load(scale="tiny", provinsi=[PROV], jobs=2)
    bad = runner.invoke(app, ["demo", "national", "--scale", "tiny", "--provinsi", PROV, "--proses", "0"])
    assert bad.exit_code == 2 and "paling sedikit 1" in bad.output


def _rolled_up(codes) -> dict:
    from konvergensi.picture.models import RegionFigure

    rows = RegionFigure.objects.filter(kode__in=codes).values_list(
        "kode", "key", "periode", "numerator", "denominator", "n", "value"
    )
    return {r[:3]: r[3:] for r in rows}


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the build processes read what this test's process wrote
def test_two_provinces_built_in_two_processes_roll_up_as_one_process_would(monkeypatch):
    """`--proses 2` on PostgreSQL: DKI Jakarta (31) and DI Yogyakarta (34) built at once in two spawned
    processes. Every district is complete, and the province and national figures, which every
    district's refresh rewrites, are those a whole-country refresh computes afterwards."""
    from django.db import connection
    from django.utils import timezone

    from konvergensi.aksi.models import Siklus
    from konvergensi.demo_national import PASSWORD_ENV, national_load
    from konvergensi.measurements.models import Measurement
    from konvergensi.picture.services import refresh_all
    from konvergensi.publication.models import Publication
    from konvergensi.wilayah.models import Region

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite takes one writer at a time (refused, tested above)")
    ensure_catalogue()  # an earlier transactional test in this worker may have flushed the catalogue
    monkeypatch.setenv(PASSWORD_ENV, "sandi-nasional-uji-123")
    today = timezone.localdate()
    lines: list[str] = []
    summary = national_load(scale="tiny", provinsi=["34", PROV], today=today, jobs=2, echo=lines.append)

    districts = set(
        Region.objects.filter(level="kabkota", parent_id__in=[PROV, "34"]).values_list("kode", flat=True)
    )
    assert len(districts) == 11 and summary.districts == 11 and summary.provinces == 2
    assert summary.skipped == []  # the district built before the processes start is not "already there"
    assert sorted(line[:4] for line in lines) == ["[31]", "[34]"]
    assert set(Siklus.objects.filter(tahun=today.year).values_list("kabkota_id", flat=True)) == districts
    published = Publication.objects.filter(withdrawn_at__isnull=True).values_list(
        "round__kabkota_id", flat=True
    )
    assert sorted(published) == sorted(2 * list(districts))
    assert Measurement.objects.count() == summary.counts["measurements"] > 11 * 2 * 200
    assert summary.timings["gambaran"] > 0  # the workers' step times reach the parent

    codes = ["", PROV, "34"]
    after_build = _rolled_up(codes)
    assert {k[0] for k in after_build} == set(codes)
    refresh_all()  # the whole country from its districts, in one process
    assert _rolled_up(codes) == after_build

    again = national_load(scale="tiny", provinsi=[PROV, "34"], today=today, jobs=2)
    assert sorted(again.skipped) == sorted(districts) and again.counts.get("measurements", 0) == 0


@pytest.mark.django_db
def test_two_desa_of_one_name_in_a_kecamatan_are_answered_as_an_operator_would(monkeypatch):
    """Kabupaten Tapanuli Tengah's kecamatan Sorkam Barat has two desa named Sorkam Kanan (a kelurahan
    and a desa): the generated export cannot tell them apart, so its check asks which one is meant.
    The national fill stopped there; it now answers through the app (a remembered desa name, as on the
    check's page) and imports every row."""
    from django.utils import timezone

    from konvergensi.demo_national import PASSWORD_ENV, _Accounts, _import_round, operator_username
    from konvergensi.measurements.demo import kabkota_desa
    from konvergensi.measurements.models import DesaAlias, MeasurementRound
    from konvergensi.wilayah import services as wilayah_services
    from konvergensi.wilayah.models import Region

    ensure_catalogue()  # an earlier transactional test in this worker may have flushed the catalogue
    monkeypatch.setenv(PASSWORD_ENV, "sandi-nasional-uji-123")
    wilayah_services.region_load(only_prefixes=("12.01",))
    kab = Region.objects.select_related("parent").get(kode="12.01")
    operator, _made = _Accounts().ensure(
        operator_username(kab.kode), "Operator", kab.nama, "operator", kab.kode
    )
    same = [d for d in kabkota_desa(kab.kode) if d[0] in ("12.01.10.1001", "12.01.10.2018")]
    assert len(same) == 2 and same[0][1].lower() == same[1][1].lower()  # one name, two desa
    today = timezone.localdate()
    added = _import_round(kab, operator, nama="Februari 2026", start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28),
                          n=60, stunting=0.2, seed=7, desa=same, weights=None, today=today,
                          step=lambda _name: contextlib.nullcontext())  # fmt: skip
    rnd = MeasurementRound.objects.get(kabkota=kab, nama="Februari 2026")
    assert added == rnd.measurements.count() > 50  # a generated row or two may be rejected
    assert set(rnd.measurements.values_list("desa_id", flat=True)) == {"12.01.10.1001"}  # the first candidate
    assert DesaAlias.objects.filter(kabkota=kab, desa_id="12.01.10.1001").count() == 1
