import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from konvergensi.cli import app

runner = CliRunner()


def test_kode_explains_a_code_without_a_database():
    # A pure command: it must work with no database configured at all.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    out = subprocess.run(
        [sys.executable, "-m", "konvergensi", "kode", "3211012001", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(out.stdout) == {
        "kode": "32.11.01.2001",
        "level": "desa",
        "jenis": "desa",
        "ancestors": ["32", "32.11", "32.11.01"],
    }


def test_kode_rejects_nonsense_with_a_message():
    result = runner.invoke(app, ["kode", "12345"])
    assert result.exit_code == 1 and "tidak dikenal" in result.output


@pytest.mark.django_db
def test_wilayah_stats_json_counts_the_loaded_regions():
    result = runner.invoke(app, ["wilayah", "stats", "--format", "json"])
    assert result.exit_code == 0
    counts = json.loads(result.output)
    # the session fixture loaded Sumedang, Majalengka (Jawa Barat) and Brebes (Jawa Tengah)
    assert counts["provinsi"] == 2 and counts["kabkota"] == 3
    assert counts["desa"] == 277 + 343 + 297


@pytest.mark.django_db
def test_manage_forwards_to_django():
    result = runner.invoke(app, ["manage", "check", "--fail-level", "ERROR"])
    assert result.exit_code == 0, result.output


@pytest.mark.django_db
def test_demo_load_builds_the_demo_and_is_idempotent(settings, tmp_path):
    from konvergensi.accounts.models import Membership
    from konvergensi.aksi.models import Aksi

    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"operator", "opd", "kecamatan", "desa", "puskesmas", "provinsi", "pusat"}
    statuses = dict(Aksi.objects.filter(siklus__kabkota_id="32.11").values_list("nomor", "status"))
    assert statuses[1] == "diverifikasi" and statuses[3] == "perlu_perbaikan"
    # The Aksi 1 analysis is made from the district's own latest published round: the analysis and the
    # public page show one stunting rate, not two.
    from konvergensi.ansit.models import Analysis
    from konvergensi.measurements.models import MeasurementRound

    latest = MeasurementRound.objects.filter(kabkota_id="32.11", publications__isnull=False).order_by(
        "-tanggal_mulai"
    )[0]
    analysis = Analysis.objects.get(kabkota_id="32.11")
    assert (analysis.input_source, analysis.round_id) == ("putaran", latest.pk)
    # The cycle knows the work: Aksi 1 was verified after its analysis existed, and Aksi 7 moved with
    # the publication of the year's round (then submitted), not "belum mulai".
    from konvergensi.aksi.models import Transition

    verified = Transition.objects.get(
        aksi__nomor=1, aksi__siklus__kabkota_id="32.11", to_status="diverifikasi"
    )
    assert analysis.created_at <= verified.at and analysis.lokus_lists.exists()
    tahun = verified.aksi.siklus.tahun
    has_round = MeasurementRound.objects.filter(
        kabkota_id="32.11", tanggal_mulai__year=tahun, publications__isnull=False
    ).exists()
    assert statuses[7] == ("diajukan" if has_round else "belum_mulai")
    n = Aksi.objects.count()
    second = runner.invoke(app, ["demo", "load"])
    assert second.exit_code == 0 and Aksi.objects.count() == n


# --- measurements import --as USERNAME ------------------------------------------------------------


@pytest.fixture
def eppgbm(tmp_path):
    from tests.measurements.test_measurements import as_csv, export

    path = tmp_path / "eppgbm.csv"
    path.write_bytes(as_csv(export(n=60, seed=13, errors=False)))
    return path


def import_as(path, round_name: str, *extra: str):
    args = ["measurements", "import", str(path), "--kabkota", "32.11", "--round", round_name]
    return runner.invoke(app, [*args, "--format", "json", *extra])


def test_measurements_import_as_a_user_is_made_with_their_scope_and_recorded_as_theirs(world, eppgbm):
    from konvergensi.imports.models import Import
    from konvergensi.measurements.models import Measurement, MeasurementRound

    done = import_as(eppgbm, "Maret 2026", "--as", "operator")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["added"] == Measurement.objects.all().count() > 0
    rnd = MeasurementRound.objects.get(kabkota_id="32.11", nama="Maret 2026")
    imp = Import.objects.get(params__round=rnd.pk)
    assert imp.created_by == world.user("operator") and rnd.created_by == world.user("operator")
    assert json.loads(done.stdout)["rejected"] == 0  # a clean file: the district takes every row
    # A puskesmas imports into the existing round with its own scope: the desa outside its service
    # area are rejected, and the import is recorded as the puskesmas's.
    again = import_as(eppgbm, "Maret 2026", "--as", "pkm")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["rejected"] > 0
    assert Import.objects.filter(params__round=rnd.pk, created_by=world.user("puskesmas")).count() == 1


def test_measurements_import_without_as_has_no_uploader(world, eppgbm):
    from konvergensi.imports.models import Import
    from konvergensi.measurements.models import MeasurementRound

    done = import_as(eppgbm, "April 2026")
    assert done.exit_code == 0, done.output
    assert (
        Import.objects.get(params__round=MeasurementRound.objects.get(nama="April 2026").pk).created_by
        is None
    )


@pytest.mark.parametrize(
    ("username", "words"),
    [
        ("tidakada", "tidak ada atau tidak aktif"),
        ("kades", "tidak berhak mengimpor"),  # a desa account
        ("majalengka", "tidak berhak mengimpor"),  # the neighbouring district's operator
        ("dinkes", "tidak berhak membuatnya"),  # may import, but not create the round
    ],
)
def test_measurements_import_as_refuses_an_account_that_may_not(world, eppgbm, username, words):
    from konvergensi.imports.models import Import
    from konvergensi.measurements.models import MeasurementRound

    refused = import_as(eppgbm, "Mei 2026", "--as", username)
    assert refused.exit_code == 1, refused.output
    doc = json.loads(refused.stdout)
    assert doc["ok"] is False and words in doc["problems"][0]["message"], doc
    assert not MeasurementRound.objects.filter(nama="Mei 2026").exists()
    assert not Import.objects.exists()
