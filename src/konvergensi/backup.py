"""Backup and restore of one installation in one file (issue 19): ``konvergensi backup -o FILE`` and
``konvergensi restore FILE`` (:mod:`konvergensi.cli.backup`).

The file is a tar archive (gzip-compressed when its name ends in ``.gz`` or ``.tgz``) holding

- ``manifest.json`` — the format version, the versions of the app, Django and the database engine, the
  migration state (the latest applied migration of each app), when it was made, and the SHA-256 of every
  other member;
- the database: ``database.sqlite3`` (SQLite, copied with the online backup API, consistent while the app
  runs) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/…`` — every file under ``MEDIA_ROOT`` (the uploaded evidence and documents).

Not in the file: the settings (``/etc/konvergensi.env``: the secret key and the NIK key), the cache, the
static files, the logs. A restore refuses (:class:`BackupRefused`, one Indonesian sentence) a file that is
not such a backup, a member whose checksum does not match, a backup of the other database engine, a
backup whose migrations are ahead of the code, and a non-empty target database unless ``replace=True``
(``--yes``). It runs nothing afterwards except clearing the caches (no ``migrate``).

The connection settings of PostgreSQL travel to ``pg_dump``/``pg_restore`` in their environment
(``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``, ``PGDATABASE``), never on the command line.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

FORMAT = "konvergensi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA = "media"
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupRefused(Exception):
    """The backup or restore cannot go on: the message is one Indonesian sentence for the user."""


@dataclass
class Outcome:
    """What a backup holds or a restore wrote."""

    path: Path
    engine: str
    database_bytes: int
    media_files: int
    media_bytes: int
    created_at: str
    app_version: str
    migrations: dict[str, str] = field(default_factory=dict)


# --- what the running installation is ------------------------------------------------------------


def _vendor() -> str:
    from django.db import connection

    if connection.vendor not in ENGINES:
        raise BackupRefused(
            f"Mesin basis data {connection.vendor} tidak didukung (hanya SQLite dan PostgreSQL)."
        )
    return connection.vendor


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("konvergensi")
    except PackageNotFoundError:  # pragma: no cover - always installed
        return "unknown"


def _engine_version(vendor: str) -> str:
    from django.db import connection

    if vendor == "sqlite":
        return sqlite3.sqlite_version
    connection.ensure_connection()
    pg = connection.pg_version  # e.g. 150020
    return f"{pg // 10000}.{pg % 10000}"


def _applied_migrations() -> dict[str, str]:
    """The latest applied migration of each app (by name: they are numbered), from django_migrations."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    latest: dict[str, str] = {}
    for app, name in recorder.applied_migrations():
        if app not in latest or name > latest[app]:
            latest[app] = name
    return dict(sorted(latest.items()))


def _database_is_empty() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return not tables


def _pg_env() -> dict[str, str]:
    """The connection settings of DATABASES['default'] as libpq environment variables."""
    from django.db import connection

    db = connection.settings_dict
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _pg_tool(tool: str) -> str:
    """The path of ``pg_dump``/``pg_restore``, refused unless its major version is the server's."""
    from django.db import connection

    path = shutil.which(tool)
    if path is None:
        raise BackupRefused(f"{tool} tidak ditemukan; pasang paket klien PostgreSQL (postgresql-client).")
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if found is None or int(found.group(1)) != server:
        have = found.group(1) if found else "?"
        raise BackupRefused(
            f"{tool} versi {have} tidak cocok dengan server PostgreSQL versi {server}; pasang "
            f"postgresql-client-{server} (versi utama harus sama)."
        )
    return path


def _run_pg(args: list[str], what: str) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["tanpa keterangan"])[-1]
        raise BackupRefused(f"{what} gagal: {detail}")


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """SQLite's online backup API from ``source`` into ``target``; both connections are closed."""
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _compressed(path: Path) -> bool:
    return path.name.lower().endswith((".gz", ".tgz"))


# --- backup ---------------------------------------------------------------------------------------


def create(output: Path) -> Outcome:
    """Write the backup of the database and media of this installation to ``output`` (atomically)."""
    import django
    from django.conf import settings
    from django.db import connection

    vendor = _vendor()
    media_root = Path(settings.MEDIA_ROOT)
    output = output.resolve()
    if not output.parent.is_dir():
        raise BackupRefused(f"Folder {output.parent} tidak ada.")
    with tempfile.TemporaryDirectory(prefix="konvergensi-backup-") as tmp:
        work = Path(tmp)
        if vendor == "sqlite":
            member, dump = SQLITE_MEMBER, work / SQLITE_MEMBER
            db_path = Path(connection.settings_dict["NAME"]).resolve()
            _sqlite_copy(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True), sqlite3.connect(dump))
        else:
            member, dump = PG_MEMBER, work / PG_MEMBER
            _run_pg([_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={dump}"], "pg_dump")
        members: list[tuple[str, Path]] = [(member, dump)]
        members += [(f"{MEDIA}/{p.relative_to(media_root).as_posix()}", p) for p in _media_files(media_root)]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": _app_version(),
            "django_version": django.get_version(),
            "database": {"engine": vendor, "version": _engine_version(vendor), "member": member},
            "migrations": _applied_migrations(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "members": {
                name: {"sha256": _sha256(path), "size": path.stat().st_size} for name, path in members
            },
        }
        partial = output.with_name(f".{output.name}.part")
        old_umask = os.umask(0o077)  # children's data: never readable by others
        try:
            with tarfile.open(partial, "w:gz" if _compressed(output) else "w") as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
                tar.addfile(info, io.BytesIO(data))
                for name, path in members:
                    tar.add(path, arcname=name, recursive=False)
            partial.replace(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        finally:
            os.umask(old_umask)
    return _outcome(output, manifest)


def _outcome(path: Path, manifest: dict) -> Outcome:
    db_member = manifest["database"]["member"]
    media = [v for k, v in manifest["members"].items() if k.startswith(f"{MEDIA}/")]
    return Outcome(
        path=path,
        engine=manifest["database"]["engine"],
        database_bytes=manifest["members"][db_member]["size"],
        media_files=len(media),
        media_bytes=sum(v["size"] for v in media),
        created_at=manifest["created_at"],
        app_version=manifest["app_version"],
        migrations=manifest["migrations"],
    )


# --- restore --------------------------------------------------------------------------------------


def _not_a_backup(path: Path, why: str = "") -> BackupRefused:
    return BackupRefused(f"{path} bukan berkas cadangan Konvergensi{why}.")


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        f = tar.extractfile(member)
        manifest = json.loads(f.read()) if f else None
    except KeyError:
        raise _not_a_backup(path, " (tidak ada manifest.json)") from None
    except (ValueError, UnicodeDecodeError):
        raise _not_a_backup(path, " (manifest.json tidak terbaca)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_a_backup(path)
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupRefused(
            f"{path} dibuat dengan format cadangan versi {version}, lebih baru dari yang dikenal aplikasi ini "
            f"({FORMAT_VERSION}); perbarui aplikasi dahulu."
        )
    try:
        engine = manifest["database"]["engine"]
        db_member = manifest["database"]["member"]
        members = manifest["members"]
        if engine not in ENGINES or db_member not in members or not isinstance(manifest["migrations"], dict):
            raise ValueError
        for name, info in members.items():
            if not isinstance(info["sha256"], str) or not isinstance(info["size"], int):
                raise ValueError
            _safe_name(name)
    except (KeyError, TypeError, ValueError):
        raise _not_a_backup(path, " (manifest.json tidak lengkap)") from None
    return manifest


def _safe_name(name: str) -> PurePosixPath:
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        raise ValueError(name)
    return p


def _extract_verified(tar: tarfile.TarFile, manifest: dict, work: Path, path: Path) -> None:
    """Extract every member into ``work``, each checked against the manifest's SHA-256."""
    expected = manifest["members"]
    seen: set[str] = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        if member.name not in expected or not member.isfile():
            raise BackupRefused(f"{path} rusak: anggota {member.name} tidak tercatat di manifest.")
        target = work / _safe_name(member.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is None:
            raise BackupRefused(f"{path} rusak: anggota {member.name} tidak terbaca.")
        digest = hashlib.sha256()
        with target.open("wb") as out:
            while block := source.read(1 << 20):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != expected[member.name]["sha256"]:
            raise BackupRefused(f"{path} rusak: checksum {member.name} tidak cocok dengan manifest.")
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupRefused(f"{path} rusak: anggota {missing[0]} hilang.")


def _check_migrations(manifest: dict) -> None:
    """Refuse a backup made by newer code: a migration it has applied that this code does not know."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(connection, ignore_no_migrations=True, load=True).disk_migrations
    for app, name in manifest["migrations"].items():
        if (app, name) not in known:
            raise BackupRefused(
                f"Cadangan ini dibuat oleh versi aplikasi yang lebih baru (migrasi {app}.{name} tidak dikenal "
                f"kode ini, versi cadangan {manifest.get('app_version')}); perbarui aplikasi dahulu."
            )


def inspect(path: Path) -> Outcome:
    """Read and verify ``path`` without restoring it (every checksum)."""
    with tempfile.TemporaryDirectory(prefix="konvergensi-restore-") as tmp:
        manifest = _open_verified(path, Path(tmp))
    return _outcome(path, manifest)


def _open_verified(path: Path, work: Path) -> dict:
    if not path.is_file():
        raise BackupRefused(f"Berkas {path} tidak ditemukan.")
    try:
        with tarfile.open(path, "r:*") as tar:
            manifest = _read_manifest(tar, path)
            _extract_verified(tar, manifest, work, path)
    except tarfile.ReadError:
        raise _not_a_backup(path) from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        if isinstance(exc, PermissionError):
            raise
        raise BackupRefused(f"{path} rusak atau terpotong ({exc}).") from None
    return manifest


def restore(path: Path, *, replace: bool = False) -> Outcome:
    """Restore the database and media of ``path`` into this installation (see the module docstring)."""
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection, connections

    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix="konvergensi-restore-") as tmp:
        work = Path(tmp)
        manifest = _open_verified(path, work)
        engine = manifest["database"]["engine"]
        if engine != vendor:
            raise BackupRefused(
                f"Cadangan ini dari basis data {ENGINES[engine]}, sedangkan basis data tujuan {ENGINES[vendor]}; "
                "pulihkan ke mesin yang sama."
            )
        _check_migrations(manifest)
        if not replace and not _database_is_empty():
            raise BackupRefused(
                "Basis data tujuan tidak kosong; isinya akan diganti oleh cadangan. Ulangi dengan --yes bila memang itu maksudnya."
            )
        dump = work / manifest["database"]["member"]
        if vendor == "sqlite":
            name = connection.settings_dict["NAME"]
            connections.close_all()
            _sqlite_copy(sqlite3.connect(dump), sqlite3.connect(name, timeout=20))
        else:
            tool = _pg_tool("pg_restore")
            connections.close_all()
            _run_pg(
                [tool, "--clean", "--if-exists", "--no-owner", "--no-password", "--single-transaction",
                 "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(dump)],
                "pg_restore",
            )  # fmt: skip
        media_root = Path(settings.MEDIA_ROOT)
        source_media = work / MEDIA
        if source_media.is_dir():
            for file in _media_files(source_media):
                target_file = media_root / file.relative_to(source_media)
                target_file.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target_file)
        for cache in caches.all(initialized_only=False):
            cache.clear()
    return _outcome(path, manifest)
