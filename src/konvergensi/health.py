"""``/healthz``: does this installation have what it needs to serve pages and run its work?

Checked on every call (cheap: one query, two temporary files, a stat, a cache read):

- ``database``: the database answers ``SELECT 1``;
- ``media``: the media folder (``KONVERGENSI_MEDIA_ROOT``) can be written (evidence, exports);
- ``cache``: the file cache folder (``<var>/cache``) can be written (figures shared with the worker);
- ``static``: the static manifest (``<var>/static/staticfiles.json``, written by ``collectstatic``) is
  present and readable, when the hashed manifest storage is used (production);
- ``worker``: the background worker (``konvergensi worker``) was seen in the last
  :data:`WORKER_STALE_SECONDS`: the worker records a heartbeat (a timestamp under
  :data:`HEARTBEAT_KEY` in the shared cache) every :data:`HEARTBEAT_SECONDS`; a worker that is not
  running, keeps dying, or cannot write the shared cache leaves no fresh heartbeat. Only with the
  database task backend (the default), the one that needs a worker.

The answer is ``200 {"status": "ok"}`` or ``503 {"status": "fails", "fails": ["media", "worker"]}``:
names only, never a path, an error text or a setting, whoever asks. The reasons go to the log
(journald under systemd) as one warning line per failing check.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("konvergensi.health")

HEARTBEAT_KEY = "konvergensi:worker-heartbeat"
HEARTBEAT_SECONDS = 30
WORKER_STALE_SECONDS = 180
CHECKS = ("database", "media", "cache", "static", "worker")


def _database() -> str | None:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 (any failure of the database is the answer)
        return type(exc).__name__
    return None


def _writable(folder: Path) -> str | None:
    """None when a file can be created (and removed) in ``folder``, created if missing as the
    app's own storage would; else why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-"):
            pass
    except OSError as exc:
        return f"{folder}: {exc.strerror or type(exc).__name__}"
    return None


def _media() -> str | None:
    return _writable(Path(settings.MEDIA_ROOT))


def _cache() -> str | None:
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("FileBasedCache"):
        return None  # an in-memory cache has no folder
    return _writable(Path(settings.CACHES["default"]["LOCATION"]))


def _static() -> str | None:
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return None  # development and tests serve the files as they are
    try:
        path = Path(storage.manifest_storage.path(storage.manifest_name))
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"{storage.manifest_name}: {getattr(exc, 'strerror', None) or type(exc).__name__}"
    return None


def _needs_worker() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def _worker() -> str | None:
    if not _needs_worker():
        return None
    seen = last_heartbeat()
    if seen is None:
        return "no heartbeat"
    age = time.time() - seen
    if age > WORKER_STALE_SECONDS:
        return f"last heartbeat {age:.0f} s ago"
    return None


def failures() -> list[str]:
    """The names of the failing checks, in :data:`CHECKS` order (empty: healthy); reasons logged."""
    failed = []
    for name in CHECKS:
        try:
            reason = globals()[f"_{name}"]()
        except Exception as exc:  # noqa: BLE001 (a check that breaks is a failing check)
            reason = type(exc).__name__
        if reason is not None:
            logger.warning("healthz: %s fails (%s)", name, reason)
            failed.append(name)
    return failed


@never_cache
@require_safe
def healthz(request):
    failed = failures()
    if failed:
        return JsonResponse({"status": "fails", "fails": failed}, status=503)
    return JsonResponse({"status": "ok"})


# --- the worker's heartbeat --------------------------------------------------------------------------


def heartbeat(now: float | None = None) -> bool:
    """Record that the worker is alive (the worker calls this every :data:`HEARTBEAT_SECONDS`)."""
    from django.core.cache import cache

    try:
        cache.set(HEARTBEAT_KEY, now if now is not None else time.time(), timeout=None)
    except Exception:  # noqa: BLE001 (the cache folder not writable: /healthz will say so)
        logger.exception("Worker heartbeat could not be written")
        return False
    return True


def last_heartbeat() -> float | None:
    from django.core.cache import cache

    value = cache.get(HEARTBEAT_KEY)
    return float(value) if isinstance(value, int | float) else None


def heartbeat_start(interval: float = HEARTBEAT_SECONDS) -> threading.Thread:
    """Beat from a daemon thread for as long as the worker process lives."""

    def beat() -> None:
        while True:
            heartbeat()
            time.sleep(interval)

    thread = threading.Thread(target=beat, name="konvergensi-heartbeat", daemon=True)
    thread.start()
    return thread
