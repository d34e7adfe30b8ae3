"""The local configuration of one machine: a generated secret key in ``<var>/secret_key``.

Django-free, so that the settings can read it and the command line can create it before Django
starts. The rule (docs/configuration.md): without ``KONVERGENSI_SECRET_KEY``, and only on the
embedded SQLite database (no ``DATABASE_URL``, or a ``sqlite://`` one), the key is read from this
file; `konvergensi manage migrate` on that database (and so `make db` / `make demo`) creates it,
random, readable by its owner only, and never replaces it: the children's NIK hashes are derived
from it when ``KONVERGENSI_NIK_KEY`` is unset. On PostgreSQL the file is never read.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
KEY_FILE = "secret_key"


def var_dir() -> Path:
    """The folder of the embedded database, the cache and the uploads (``KONVERGENSI_VAR_DIR``)."""
    return Path(os.environ.get("KONVERGENSI_VAR_DIR", str(PROJECT_DIR / "var")))


def embedded_database() -> bool:
    """Whether the database is the embedded SQLite one, i.e. a single machine's local installation."""
    url = os.environ.get("DATABASE_URL", "")
    return not url or url.startswith("sqlite:")


class LocalKeyError(Exception):
    """The local key file exists but cannot be used (Indonesian message)."""


def read_secret_key(folder: Path) -> str:
    """The key kept in ``folder/secret_key``, or "" when there is none."""
    path = folder / KEY_FILE
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise LocalKeyError(f"Kunci lokal {path} tidak dapat dibaca ({exc}).") from exc
    if not key:
        raise LocalKeyError(
            f"Kunci lokal {path} kosong. Isi KONVERGENSI_SECRET_KEY, atau pulihkan berkas itu dari cadangan."
        )
    return key


def ensure_secret_key(folder: Path) -> Path:
    """Create ``folder/secret_key`` (random, mode 0600) unless it exists; never replace one: the NIK
    hashes of the stored children may depend on it. Safe against two processes doing it at once."""
    path = folder / KEY_FILE
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".secret_key.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(50) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process made one meanwhile: keep it
            os.link(tmp, path)  # the key appears whole, never half-written
    finally:
        os.unlink(tmp)
    return path
