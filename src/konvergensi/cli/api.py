"""`konvergensi api`: the REST API (/api/v1/). ``schema`` prints its OpenAPI document (JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from konvergensi.cli.common import setup_django

api_app = typer.Typer(help="REST API /api/v1/: dokumen OpenAPI.", no_args_is_help=True)


@api_app.command("schema")
def api_schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Tulis ke berkas ini (bawaan: layar)")
    ] = None,
) -> None:
    """Print the OpenAPI 3 document of the REST API (or write it to FILE)."""
    setup_django()
    from konvergensi.api.api import api

    text = json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        typer.echo(f"Galat: tidak dapat menulis {output}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    typer.echo(str(output))
