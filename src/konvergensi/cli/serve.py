"""`konvergensi worker`, `serve` and `manage`: the commands that run Django itself."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Annotated

import typer

from konvergensi.cli.common import setup_django


def _ensure_local_secret_key() -> None:
    """Before the first migration of the embedded SQLite database, the local configuration: a
    generated secret key in <var>/secret_key (kept if it exists). Not under test, never when
    KONVERGENSI_SECRET_KEY is set, never on PostgreSQL (docs/configuration.md)."""
    from konvergensi import local_config

    testing = os.environ.get("KONVERGENSI_TESTING", "").lower() in ("1", "true", "yes", "on", "ya")
    if os.environ.get("KONVERGENSI_SECRET_KEY") or testing or "pytest" in sys.modules:
        return
    if local_config.embedded_database():
        local_config.ensure_secret_key(local_config.var_dir())


def worker(ctx: typer.Context) -> None:
    """Run the background task worker (django.tasks database backend). Extra options go to db_worker."""
    setup_django()
    from django.core.management import execute_from_command_line

    from konvergensi import health

    health.heartbeat_start()  # what /healthz looks at to say the worker runs
    execute_from_command_line(["konvergensi worker", "db_worker", *ctx.args])


def serve(
    port: int = 8000,
    host: str = "127.0.0.1",
    with_worker: Annotated[bool, typer.Option(help="Jalankan worker tugas latar sekaligus")] = True,
) -> None:
    """Serve the app for a demo or a single machine (Django's server + the task worker)."""
    setup_django()
    from django.core.management import call_command

    worker_proc = None
    if with_worker:
        worker_proc = subprocess.Popen([sys.executable, "-m", "konvergensi", "worker"])  # noqa: S603
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        if worker_proc:
            worker_proc.terminate()


def manage(ctx: typer.Context) -> None:
    """Forward to Django's manage.py (e.g. `konvergensi manage migrate`; on the embedded SQLite
    database the first migrate also creates the local secret key in <var>/secret_key)."""
    if ctx.args[:1] == ["migrate"]:
        _ensure_local_secret_key()
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["konvergensi manage", *ctx.args])
