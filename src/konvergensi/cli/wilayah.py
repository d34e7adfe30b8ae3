"""`konvergensi wilayah`: the administrative regions (Kemendagri codes)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from konvergensi.cli.common import setup_django
from konvergensi_core.numbers import id_count

wilayah_app = typer.Typer(help="Wilayah administrasi (kode Kemendagri).", no_args_is_help=True)


@wilayah_app.command("load")
def wilayah_load(
    only: Annotated[list[str] | None, typer.Option("--only", help="Hanya kode ini dan turunannya")] = None,
) -> None:
    """Load or refresh the official hierarchy (idempotent, bulk)."""
    setup_django()
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
    setup_django()
    from konvergensi.wilayah.selectors import region_counts

    counts = region_counts()
    if format == "json":
        typer.echo(json.dumps(counts))
    else:
        for level, n in counts.items():
            typer.echo(f"{level:<10} {id_count(n):>7}")
