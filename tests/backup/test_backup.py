"""`konvergensi backup` / `konvergensi restore` (issue 19), run as the real command line on a database of
their own: a SQLite file in tmp_path, and two PostgreSQL databases (``konvergensi_backup`` as the
source, ``konvergensi_backup2`` as the target; skipped when pg_dump or the server is missing). Round
trips keep the rows and the media files; corrupted, foreign and too-new files are refused with one
Indonesian line, exit 1, the target untouched."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

MEDIA_BYTES = b"%PDF-1.3 bukti kegiatan \x00\xff" * 50
PG_SERVER = os.environ.get("KONVERGENSI_BACKUP_PG", "postgres://postgres@127.0.0.1:5432")


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "konvergensi", *args], capture_output=True, text=True, env=env, timeout=120
    )


def site_env(root: Path, database_url: str, media: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KONVERGENSI_DEBUG"}
    env.update(
        KONVERGENSI_TESTING="1",
        KONVERGENSI_VAR_DIR=str(root),
        KONVERGENSI_MEDIA_ROOT=str(media),
        DATABASE_URL=database_url,
    )
    return env


def refused(out: subprocess.CompletedProcess, words: str) -> None:
    assert out.returncode == 1, out.stdout + out.stderr
    assert words in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


# --- SQLite ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    # Only auth and contenttypes are migrated (the whole schema takes too long here): the backup copies
    # whatever the database holds, and the manifest's migration state is still real.
    root = tmp_path_factory.mktemp("site")
    db, media = root / "db.sqlite3", root / "media"
    env = site_env(root, f"sqlite:///{db}", media)
    out = cli("manage", "migrate", "auth", "-v0", env=env)
    assert out.returncode == 0, out.stderr
    with sqlite3.connect(db) as c:
        c.executemany("insert into auth_group(name) values (?)", [("Tim Percepatan",), ("Bappeda",)])
    (media / "bukti" / "2026").mkdir(parents=True)
    (media / "bukti" / "2026" / "rembuk.pdf").write_bytes(MEDIA_BYTES)
    backup = root / "cadangan.tar.gz"
    out = cli("backup", "-o", str(backup), env=env)
    assert out.returncode == 0, out.stderr
    assert "Cadangan ditulis" in out.stdout and "1 berkas media" in out.stdout
    return root, db, media, env, backup


def groups(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("select name from auth_group order by name")]


def test_the_backup_holds_the_database_media_and_a_manifest_with_checksums(sqlite_site):
    _, _, _, _, backup = sqlite_site
    assert oct(backup.stat().st_mode & 0o777) == "0o600"  # children's data
    with tarfile.open(backup, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json"
    assert set(names) == {"manifest.json", "database.sqlite3", "media/bukti/2026/rembuk.pdf"}
    assert manifest["format_version"] == 1 and manifest["database"]["engine"] == "sqlite"
    assert manifest["django_version"] and manifest["app_version"] and manifest["created_at"]
    assert manifest["migrations"]["auth"].startswith("00") and "contenttypes" in manifest["migrations"]
    import hashlib

    assert (
        manifest["members"]["media/bukti/2026/rembuk.pdf"]["sha256"]
        == hashlib.sha256(MEDIA_BYTES).hexdigest()
    )


def test_sqlite_round_trip_restores_rows_and_media_after_a_wipe(sqlite_site, tmp_path):
    root, db, media, env, backup = sqlite_site
    before = groups(db)
    assert before == ["Bappeda", "Tim Percepatan"]
    # A new server: an empty database file and no media.
    target_db, target_media = tmp_path / "baru.sqlite3", tmp_path / "media"
    target_env = site_env(tmp_path, f"sqlite:///{target_db}", target_media)
    out = cli("restore", str(backup), env=target_env)
    assert out.returncode == 0, out.stderr
    assert "Dipulihkan" in out.stdout and "1 berkas media" in out.stdout
    assert groups(target_db) == before
    assert (target_media / "bukti" / "2026" / "rembuk.pdf").read_bytes() == MEDIA_BYTES
    # Now the target is not empty: it asks for --yes, then replaces what changed since.
    with sqlite3.connect(target_db) as c:
        c.execute("insert into auth_group(name) values ('Setelah cadangan')")
    (target_media / "bukti" / "2026" / "rembuk.pdf").write_bytes(b"diubah")
    refused(cli("restore", str(backup), env=target_env), "--yes")
    assert "Setelah cadangan" in groups(target_db)
    out = cli("restore", str(backup), "--yes", env=target_env)
    assert out.returncode == 0, out.stderr
    assert groups(target_db) == before
    assert (target_media / "bukti" / "2026" / "rembuk.pdf").read_bytes() == MEDIA_BYTES


def rewrite(backup: Path, target: Path, *, manifest=None, member=None, compress=True) -> Path:
    """A copy of ``backup`` with the manifest changed by ``manifest(dict)`` or a member's bytes replaced."""
    with tarfile.open(backup, "r:gz") as tar:
        items = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(target, "w:gz" if compress else "w") as out:
        for info, data in items:
            if info.name == "manifest.json" and manifest:
                doc = json.loads(data)
                manifest(doc)
                data = json.dumps(doc).encode()
            if member and info.name == member[0]:
                data = member[1]
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def test_refusals_leave_the_target_database_untouched(sqlite_site, tmp_path):
    root, db, media, env, backup = sqlite_site
    target_db = tmp_path / "t.sqlite3"
    shutil.copyfile(db, target_db)
    with sqlite3.connect(target_db) as c:
        c.execute("insert into auth_group(name) values ('Hanya di tujuan')")
    target_env = site_env(tmp_path, f"sqlite:///{target_db}", tmp_path / "media")
    expected = groups(target_db)

    corrupted = rewrite(backup, tmp_path / "rusak.tar.gz", member=("media/bukti/2026/rembuk.pdf", b"lain"))
    refused(cli("restore", str(corrupted), "--yes", env=target_env), "checksum media/bukti/2026/rembuk.pdf")

    truncated = tmp_path / "terpotong.tar.gz"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    refused(cli("restore", str(truncated), "--yes", env=target_env), "rusak")

    def other_engine(doc):
        doc["database"]["engine"] = "postgresql"

    foreign = rewrite(backup, tmp_path / "pg.tar.gz", manifest=other_engine)
    refused(cli("restore", str(foreign), "--yes", env=target_env), "PostgreSQL")

    def ahead(doc):
        doc["migrations"]["auth"] = "9999_dari_masa_depan"

    newer = rewrite(backup, tmp_path / "baru.tar", manifest=ahead, compress=False)
    refused(cli("restore", str(newer), "--yes", env=target_env), "auth.9999_dari_masa_depan")

    not_backup = tmp_path / "lain.tar"
    with tarfile.open(not_backup, "w") as tar:
        tar.add(db, arcname="db.sqlite3")
    refused(cli("restore", str(not_backup), "--yes", env=target_env), "bukan berkas cadangan")
    junk = tmp_path / "acak.tar.gz"
    junk.write_bytes(b"bukan arsip sama sekali")
    refused(cli("restore", str(junk), "--yes", env=target_env), "bukan berkas cadangan")

    assert groups(target_db) == expected
    assert not (tmp_path / "media").exists()


# --- PostgreSQL -----------------------------------------------------------------------------------


def pg_connect(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{dbname}", autocommit=True, connect_timeout=3)


@pytest.fixture
def pg_databases():
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.skip("pg_dump/pg_restore tidak terpasang")
    try:
        conn = pg_connect()
    except Exception as exc:  # noqa: BLE001 - no server: skip
        pytest.skip(f"server PostgreSQL tidak tersedia: {exc}")
    with conn:
        for name in ("konvergensi_backup", "konvergensi_backup2"):
            conn.execute(f"drop database if exists {name} with (force)")
            conn.execute(f"create database {name}")
    return f"{PG_SERVER}/konvergensi_backup", f"{PG_SERVER}/konvergensi_backup2"


def pg_groups(dbname: str) -> list[str]:
    with pg_connect(dbname) as conn:
        return [r[0] for r in conn.execute("select name from auth_group order by name")]


def test_postgresql_round_trip_into_a_second_database(pg_databases, tmp_path):
    source_url, target_url = pg_databases
    source_env = site_env(tmp_path, source_url, tmp_path / "media")
    assert cli("manage", "migrate", "auth", "-v0", env=source_env).returncode == 0
    with pg_connect("konvergensi_backup") as conn:
        conn.execute("insert into auth_group(name) values ('Tim Percepatan'), ('Bappeda')")
    (tmp_path / "media" / "bukti").mkdir(parents=True)
    (tmp_path / "media" / "bukti" / "a.pdf").write_bytes(MEDIA_BYTES)
    backup = tmp_path / "pg.tar"
    out = cli("backup", "-o", str(backup), env=source_env)
    assert out.returncode == 0, out.stderr

    target_env = site_env(tmp_path, target_url, tmp_path / "media2")
    out = cli("restore", str(backup), env=target_env)
    assert out.returncode == 0, out.stderr
    assert pg_groups("konvergensi_backup2") == ["Bappeda", "Tim Percepatan"]
    assert (tmp_path / "media2" / "bukti" / "a.pdf").read_bytes() == MEDIA_BYTES

    # Not empty any more: --yes, and pg_restore --clean replaces what was added since.
    with pg_connect("konvergensi_backup2") as conn:
        conn.execute("insert into auth_group(name) values ('Setelah cadangan')")
    refused(cli("restore", str(backup), env=target_env), "--yes")
    out = cli("restore", str(backup), "--yes", env=target_env)
    assert out.returncode == 0, out.stderr
    assert pg_groups("konvergensi_backup2") == ["Bappeda", "Tim Percepatan"]

    # A PostgreSQL backup is refused by a SQLite installation.
    sqlite_env = site_env(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "m3")
    refused(cli("restore", str(backup), env=sqlite_env), "PostgreSQL")
