"""`konvergensi`: the command line. Pure commands run without Django; the others start it lazily."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Annotated

import typer

app = typer.Typer(
    help="Konvergensi — 8 Aksi Konvergensi percepatan penurunan stunting.", no_args_is_help=True
)
wilayah_app = typer.Typer(help="Wilayah administrasi (kode Kemendagri).", no_args_is_help=True)
demo_app = typer.Typer(help="Data demo (Kabupaten Sumedang).", no_args_is_help=True)
app.add_typer(wilayah_app, name="wilayah")
app.add_typer(demo_app, name="demo")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    import django

    django.setup()


@app.command()
def version() -> None:
    """Print the version."""
    from importlib.metadata import version as v

    typer.echo(v("konvergensi"))


@app.command()
def kode(kode: str, format: Annotated[str, typer.Option("--format", help="text atau json")] = "text") -> None:
    """Explain a Kemendagri region code (level and ancestors), without a database."""
    from konvergensi_core import kode as rules

    try:
        dotted = rules.normalise(kode)
    except rules.InvalidKode as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    info = {
        "kode": dotted,
        "level": rules.level_of(dotted),
        "jenis": rules.jenis_of(dotted),
        "ancestors": rules.ancestors(dotted),
    }
    if format == "json":
        typer.echo(json.dumps(info))
    else:
        typer.echo(
            f"{info['kode']}: {info['level']} ({info['jenis']}); induk: {', '.join(info['ancestors']) or '-'}"
        )


@wilayah_app.command("load")
def wilayah_load(
    only: Annotated[list[str] | None, typer.Option("--only", help="Hanya kode ini dan turunannya")] = None,
) -> None:
    """Load or refresh the official hierarchy (idempotent, bulk)."""
    _django()
    from konvergensi.wilayah.services import region_load

    result = region_load(only_prefixes=tuple(only or ()))
    typer.echo(
        f"wilayah: {result.created} baru, {result.updated} diperbarui, {result.unchanged} tetap ({result.seconds:.1f} s)"
    )


@wilayah_app.command("stats")
def wilayah_stats(
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Number of regions loaded per level."""
    _django()
    from konvergensi.wilayah.selectors import region_counts

    counts = region_counts()
    if format == "json":
        typer.echo(json.dumps(counts))
    else:
        for level, n in counts.items():
            typer.echo(f"{level:<10} {n:>7,}".replace(",", "."))


@demo_app.command("load")
def demo_load() -> None:
    """Create the demo district (Kabupaten Sumedang) and one account per role."""
    _django()
    from konvergensi.demo import demo_load as load

    try:
        result = load()
    except RuntimeError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"demo: {result}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def worker(ctx: typer.Context) -> None:
    """Run the background task worker (django.tasks database backend). Extra options go to db_worker."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["konvergensi worker", "db_worker", *ctx.args])


@app.command()
def serve(
    port: int = 8000,
    host: str = "127.0.0.1",
    with_worker: Annotated[bool, typer.Option(help="Jalankan worker tugas latar sekaligus")] = True,
) -> None:
    """Serve the app for a demo or a single machine (Django's server + the task worker)."""
    _django()
    from django.core.management import call_command

    worker_proc = None
    if with_worker:
        worker_proc = subprocess.Popen([sys.executable, "-m", "konvergensi", "worker"])  # noqa: S603
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        if worker_proc:
            worker_proc.terminate()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Forward to Django's manage.py (e.g. `konvergensi manage migrate`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["konvergensi manage", *ctx.args])
