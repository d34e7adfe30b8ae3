"""A cheap fingerprint of everything a request could change: every table's rows, and the stored files.

Take one before a request that must change nothing (a refused or invalid POST) and one after, and
compare them with ``assert_unchanged``. Tables that legitimately change on any request (sessions,
django-axes' access log) are left out.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

# Tables a refused request may still write: the session (login, messages) and the login-attempt log.
EXCLUDED = frozenset({"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"})


def _plain(value):
    if isinstance(value, memoryview):  # PostgreSQL returns binary columns as memoryview: compare bytes
        return bytes(value)
    return value


def table_fingerprints(excluded=EXCLUDED) -> dict[str, tuple[int, str]]:
    """{table: (row count, SHA-256 of its rows in primary-key order)} for every managed table."""
    result = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            table = meta.db_table
            if meta.proxy or not meta.managed or table in excluded or table in result:
                continue
            q = connection.ops.quote_name
            columns = ", ".join(q(f.column) for f in meta.concrete_fields)
            cursor.execute(f"SELECT {columns} FROM {q(table)} ORDER BY {q(meta.pk.column)}")  # noqa: S608
            rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def media_fingerprint() -> dict[str, int]:
    """{relative path: size} of every stored file under MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT)
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            files[str(path.relative_to(root))] = path.stat().st_size
    return files


def fingerprint(excluded=EXCLUDED) -> dict:
    return {"tables": table_fingerprints(excluded), "media": media_fingerprint()}


def assert_unchanged(before: dict, after: dict, what: str = "") -> None:
    """Fail naming the tables (and files) that differ, not with two walls of hashes."""
    changed = sorted(t for t in before["tables"].keys() | after["tables"].keys()
                     if before["tables"].get(t) != after["tables"].get(t))  # fmt: skip
    files = sorted(before["media"].keys() ^ after["media"].keys())
    files += sorted(
        f for f in before["media"].keys() & after["media"].keys() if before["media"][f] != after["media"][f]
    )
    assert not changed and not files, f"{what}: changed tables {changed}, files {files}"
