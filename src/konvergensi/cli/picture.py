"""`konvergensi picture`: the stored aggregates of the national and provincial picture (gambaran)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from konvergensi.cli.common import setup_django

picture_app = typer.Typer(
    help="Gambaran nasional dan provinsi: angka agregat tersimpan.", no_args_is_help=True
)


@picture_app.command("refresh")
def picture_refresh(
    kabkota: Annotated[
        str | None, typer.Option("--kabkota", help="Hanya kab/kota ini (kode), lalu provinsi dan nasional")
    ] = None,
) -> None:
    """Rebuild the stored prevalence, coverage and budget figures (all districts, or one)."""
    setup_django()
    from konvergensi.picture.services import refresh_all
    from konvergensi.wilayah.models import Region

    if kabkota is not None and not Region.objects.filter(kode=kabkota, level="kabkota").exists():
        typer.echo(f"Galat: kab/kota '{kabkota}' tidak dikenal.", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps(refresh_all(kabkota), ensure_ascii=False))
