"""`konvergensi kode`: a Kemendagri region code explained, without a database."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from konvergensi.cli.common import fail


def kode(kode: str, format: Annotated[str, typer.Option("--format", help="text atau json")] = "text") -> None:
    """Explain a Kemendagri region code (level and ancestors), without a database."""
    from konvergensi_core import kode as rules

    try:
        dotted = rules.normalise(kode)
    except rules.InvalidKode as exc:
        fail(str(exc), format)
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
