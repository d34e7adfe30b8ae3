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
    n = Aksi.objects.count()
    second = runner.invoke(app, ["demo", "load"])
    assert second.exit_code == 0 and Aksi.objects.count() == n
