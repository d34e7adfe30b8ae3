"""The command line on a fresh machine (issue 13): commands that need no database never load the
settings; `konvergensi manage migrate` leaves a working local configuration (a generated secret
key in <var>/secret_key); production still refuses to start without an explicit key; and no
failure is ever a traceback: one Indonesian line (``Galat: …``) and an exit code.

Every command runs in a subprocess with an empty environment apart from PATH and the var folder:
what a user gets after `make demo` in a new shell, not what pytest has configured."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from konvergensi import local_config

CHILDREN = "No;JK;Usia (hari);Berat (kg);Tinggi\n1;L;400;9,5;76,2\n2;P;500;10,1;80,0\n"
SEBARAN = "Kecamatan;Jumlah Kasus;Prevalensi (%)\nWado;10;12,5\nJati;20;15\n"
POSTGRES = "postgres://postgres@127.0.0.1:5432/konvergensi_clisetup_never_used"

# Runs the real root command in this process, then tells whether Django's settings were loaded.
PURE_PROBE = """
import sys
from konvergensi.cli import app
code = 0
try:
    app(args=sys.argv[1:], prog_name="konvergensi")
except SystemExit as exc:
    code = exc.code
loaded = "konvergensi.settings" in sys.modules or "django.conf" in sys.modules
print("SETTINGS-LOADED" if loaded else "NO-SETTINGS", file=sys.stderr)
sys.exit(code)
"""


def clean_env(var: Path, **extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KONVERGENSI_VAR_DIR": str(var), **extra}


def cli(var: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "konvergensi", *args],
        env=clean_env(var, **extra),
        capture_output=True,
        text=True,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The failure is exactly one line on stderr, starting with ``Galat:``, and no traceback."""
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Galat: "), result.stderr
    return lines[0]


# --- commands without a database never need settings ---------------------------------------------


@pytest.mark.parametrize("command", ["kode", "zscore", "ansit-hotspots", "ansit-lokus"])
def test_commands_without_a_database_run_with_an_empty_environment_and_never_load_settings(tmp_path, command):
    measurements = tmp_path / "ukur.csv"
    measurements.write_text(CHILDREN, encoding="utf-8")
    sebaran = tmp_path / "sebaran.csv"
    sebaran.write_text(SEBARAN, encoding="utf-8")
    args = {
        "kode": ["kode", "3211012001", "--format", "json"],
        "zscore": ["zscore", str(measurements), "-o", str(tmp_path / "hasil.csv"), "--format", "json"],
        "ansit-hotspots": ["ansit", "hotspots", str(sebaran), "--level", "kecamatan", "--format", "json"],
        "ansit-lokus": ["ansit", "lokus", str(sebaran), "--format", "json"],
    }[command]
    var = tmp_path / "var"  # no secret key, no database: a machine where nothing was set up
    result = subprocess.run(
        [sys.executable, "-c", PURE_PROBE, *args], env=clean_env(var), capture_output=True, text=True
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().endswith("NO-SETTINGS"), result.stderr
    assert result.returncode == 0 and json.loads(result.stdout), result.stdout
    assert not var.exists()  # nothing created either


# --- the local configuration ----------------------------------------------------------------------


def test_the_first_migrate_creates_a_private_local_key_that_the_cli_and_the_app_then_use(tmp_path):
    var = tmp_path / "var"
    before = cli(var, "wilayah", "stats")
    assert before.returncode == 1 and "konvergensi manage migrate" in one_line_error(before)

    migrated = cli(var, "manage", "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    key_file = var / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50 and stat.S_IMODE(key_file.stat().st_mode) == 0o600

    stats = cli(var, "wilayah", "stats", "--format", "json")  # a new shell: no variable set
    assert stats.returncode == 0, stats.stderr
    assert set(json.loads(stats.stdout)) == {"provinsi", "kabkota", "kecamatan", "desa"}

    # The app reads the same key, also in demo mode (the Makefile's), so the NIK key derived from
    # it is the same whichever way the database is used; a second migrate never replaces it.
    again = cli(var, "manage", "migrate", "--noinput", "-v0", KONVERGENSI_DEMO="1")
    assert again.returncode == 0, again.stderr
    assert key_file.read_text().strip() == key
    probe = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    for extra in ({}, {"KONVERGENSI_DEMO": "1"}, {"KONVERGENSI_DEBUG": "1"}):
        env = clean_env(var, DJANGO_SETTINGS_MODULE="konvergensi.settings", **extra)
        seen = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
        assert seen.stdout.strip() == key, (extra, seen.stderr)


def test_production_refuses_to_start_without_an_explicit_key_even_beside_a_local_one(tmp_path):
    var = tmp_path / "var"
    local_config.ensure_secret_key(var)
    env = clean_env(var, DATABASE_URL=POSTGRES, DJANGO_SETTINGS_MODULE="konvergensi.settings")
    r = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert r.returncode != 0 and "KONVERGENSI_SECRET_KEY" in r.stderr
    # Through the command line: one line, exit 1; and `manage migrate` creates no key for PostgreSQL.
    stats = cli(var, "wilayah", "stats", DATABASE_URL=POSTGRES)
    assert stats.returncode == 1 and "KONVERGENSI_SECRET_KEY" in one_line_error(stats)
    fresh = tmp_path / "fresh"
    migrate = cli(fresh, "manage", "migrate", DATABASE_URL=POSTGRES)
    assert migrate.returncode == 1 and "KONVERGENSI_SECRET_KEY" in one_line_error(migrate)
    assert not (fresh / "secret_key").exists()


def test_a_local_key_is_never_replaced_and_an_empty_one_is_refused(tmp_path):
    path = local_config.ensure_secret_key(tmp_path)
    first = path.read_text()
    assert local_config.ensure_secret_key(tmp_path) == path and path.read_text() == first
    assert local_config.read_secret_key(tmp_path) == first.strip()
    assert local_config.read_secret_key(tmp_path / "elsewhere") == ""  # none yet
    other = tmp_path / "other"
    other.mkdir()
    (other / "secret_key").write_text("\n")
    with pytest.raises(local_config.LocalKeyError, match="kosong"):
        local_config.read_secret_key(other)


# --- no traceback, ever ---------------------------------------------------------------------------


def test_an_unmigrated_database_is_one_line_and_a_json_document(tmp_path):
    var = tmp_path / "var"
    result = cli(var, "wilayah", "stats", KONVERGENSI_SECRET_KEY="k" * 50)
    assert result.returncode == 1
    assert "konvergensi manage migrate" in one_line_error(result)
    as_json = cli(var, "wilayah", "stats", "--format", "json", KONVERGENSI_SECRET_KEY="k" * 50)
    assert as_json.returncode == 1 and "Traceback" not in as_json.stderr
    doc = json.loads(as_json.stdout)
    assert doc["ok"] is False and "konvergensi manage migrate" in doc["error"]
    # The traceback is there for whoever asks for it.
    debug = cli(var, "wilayah", "stats", KONVERGENSI_SECRET_KEY="k" * 50, KONVERGENSI_DEBUG="1")
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "no such table" in debug.stderr


def test_an_unreadable_local_key_is_one_line(tmp_path):
    var = tmp_path / "var"
    (var / "secret_key").mkdir(parents=True)  # something that is not a readable file
    result = cli(var, "wilayah", "stats")
    assert result.returncode == 1 and "tidak dapat dibaca" in one_line_error(result)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["zscore", "{csv}", "-o", "{out}", "--chunk-rows", "0"],
            "Nilai '--chunk-rows' tidak sah: harus ≥ 1",
        ),
        (["zscore", "{csv}", "-o", "{out}", "--chunk-rows", "banyak"], "harus bilangan bulat"),
        (["zscore", "{csv}", "-o", "{out}", "--bogus"], "Opsi tidak dikenal: --bogus"),
        (["zscore", "{csv}"], "Opsi '-o' / '--output' wajib diisi"),
        (["zscore"], "Argumen 'input' wajib diisi"),
        (["wilayah", "stat"], "Perintah tidak dikenal: 'stat'. Mungkin maksud Anda: 'stats'"),
        (["measurements", "import", "{csv}", "--kabkota"], "Opsi '--kabkota' memerlukan nilai"),
    ],
)
def test_usage_errors_are_one_indonesian_line_with_exit_code_2(tmp_path, args, words):
    csv_path = tmp_path / "ukur.csv"
    csv_path.write_text(CHILDREN, encoding="utf-8")
    paths = {"csv": csv_path, "out": tmp_path / "hasil.csv"}
    result = cli(tmp_path / "var", *[a.format(**paths) for a in args])
    assert result.returncode == 2
    line = one_line_error(result)
    assert words in line and "--help" in line, line
    assert not (tmp_path / "hasil.csv").exists()
