"""``/healthz`` answers 503 naming what fails (database, media, cache, static, worker), and only names.

The folder checks are real: a folder made read-only with chmod, checked as an unprivileged user (the
test drops to ``nobody`` for the request when it runs as root, for whom no folder is read-only).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.test import Client

from konvergensi import health

pytestmark = pytest.mark.django_db

NOBODY = 65534


@contextlib.contextmanager
def unprivileged():
    """Run the block as ``nobody`` when the tests run as root (root writes into any folder)."""
    if os.geteuid() != 0:
        yield
        return
    # What a request imports is imported now, as root: a checkout in a private folder (``mktemp -d``, as
    # CI clones) is unreadable to nobody, and the first request of a test worker may be this one.
    from django.urls import get_resolver
    from django.utils.module_loading import import_string

    for path in django_settings.MIDDLEWARE:
        import_string(path)
    get_resolver().resolve("/healthz")
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def open_dir():
    """A folder every user may enter (pytest's tmp_path is private to root when run as root)."""
    base = Path(tempfile.mkdtemp(prefix="healthz-"))
    base.chmod(0o755)
    yield base
    for path in sorted(base.rglob("*"), reverse=True):
        path.chmod(0o700)
    for path in sorted(base.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    base.rmdir()


def folder(base: Path, name: str, mode: int) -> Path:
    path = base / name
    path.mkdir()
    path.chmod(mode)
    return path


def get():
    response = Client().get("/healthz")
    return response.status_code, json.loads(response.content)


def test_ok_when_everything_is_there(settings, tmp_path):
    health.heartbeat()
    status, body = get()
    assert (status, body) == (200, {"status": "ok"})


def test_head_for_uptime_checks_and_no_post(settings):
    health.heartbeat()
    assert Client().head("/healthz").status_code == 200
    assert Client().post("/healthz").status_code == 405


def test_no_worker_seen(settings):
    status, body = get()
    assert (status, body) == (503, {"status": "fails", "fails": ["worker"]})


def test_worker_seen_too_long_ago():
    health.heartbeat(now=time.time() - health.WORKER_STALE_SECONDS - 5)
    assert get() == (503, {"status": "fails", "fails": ["worker"]})
    health.heartbeat()
    assert get() == (200, {"status": "ok"})


def test_no_worker_needed_without_the_database_task_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert get() == (200, {"status": "ok"})


def test_read_only_media_folder(settings, open_dir, caplog):
    health.heartbeat()
    settings.MEDIA_ROOT = folder(open_dir, "media", 0o555)
    with unprivileged():
        status, body = get()
    assert (status, body) == (503, {"status": "fails", "fails": ["media"]})
    assert "media fails" in caplog.text and str(settings.MEDIA_ROOT) in caplog.text  # the log says where
    settings.MEDIA_ROOT.chmod(0o777)
    with unprivileged():
        assert get() == (200, {"status": "ok"})  # the same folder, writable: the chmod was the cause
    assert list(settings.MEDIA_ROOT.iterdir()) == []  # the probe leaves nothing behind


def test_read_only_cache_folder(settings, open_dir):
    cache_dir = folder(open_dir, "cache", 0o777)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir),
        }
    }
    settings.MEDIA_ROOT = folder(open_dir, "media", 0o777)
    with unprivileged():
        assert health.heartbeat()
        assert get() == (200, {"status": "ok"})
    cache_dir.chmod(0o555)
    with unprivileged():
        status, body = get()
    assert status == 503 and body["fails"][0] == "cache"


def test_missing_static_manifest(settings, tmp_path):
    health.heartbeat()
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert get() == (503, {"status": "fails", "fails": ["static"]})
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text("{not json")  # a broken collectstatic
    assert get() == (503, {"status": "fails", "fails": ["static"]})
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert get() == (200, {"status": "ok"})


def test_database_unreachable(monkeypatch):
    health.heartbeat()

    def broken():
        raise OperationalError("connection to server at 127.0.0.1 failed: password authentication failed")

    monkeypatch.setattr(connection, "cursor", broken)
    assert health.failures() == ["database"]


def test_the_answer_names_only(settings, open_dir):
    """Several failures at once: the names, in a fixed order, and nothing of paths or errors."""
    settings.MEDIA_ROOT = folder(open_dir, "media", 0o555)
    settings.STATIC_ROOT = open_dir / "no-static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with unprivileged():
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "fails", "fails": ["media", "static", "worker"]}
    text = response.content.decode()
    assert str(open_dir) not in text and "staticfiles.json" not in text and "heartbeat" not in text
    assert "no-store" in response["Cache-Control"]
