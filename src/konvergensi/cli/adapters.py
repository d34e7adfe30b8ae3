"""`konvergensi adapters`: the incoming data sources (issue 19, "Adapters"), without a database.

``list`` prints each adapter (``konvergensi_core.adapters``) with its description and columns
(``--format json``: ``[{"name", "description", "suffixes", "columns": [{"name", "type", "required",
"meaning", "level", "aliases"}]}]``); ``sample NAME -o FILE [--kabkota KODE]`` writes a sample file
of that source (CSV), with desa of the district given (today's codes; default Kab. Sumedang), that
the web import and ``konvergensi … import`` read as they are. An unknown adapter or district is
one Indonesian line and exit 2. Registered in ``konvergensi.cli`` as
``app.add_typer(adapters_app, name="adapters")``. See docs/adapters.md.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

adapters_app = typer.Typer(
    help="Sumber data masuk (e-PPGBM, SIPD, Dukcapil): kolom yang diterima dan berkas contoh.",
    no_args_is_help=True,
)


@adapters_app.command("list")
def list_(
    format: Annotated[str, typer.Option("--format", help="table atau json.")] = "table",
) -> None:
    """Daftar adapter sumber data beserta kolomnya."""
    from konvergensi_core.adapters import ADAPTERS

    if format not in ("table", "json"):
        typer.echo("Galat: --format harus table atau json.", err=True)
        raise typer.Exit(2)
    if format == "json":
        out = [
            {
                "name": a.name,
                "description": a.description,
                "suffixes": list(a.suffixes),
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "required": c.required,
                        "meaning": c.meaning,
                        "level": c.level,
                        "aliases": list(c.aliases),
                    }
                    for c in a.columns
                ],  # fmt: skip
            }
            for a in ADAPTERS.values()
        ]
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for a in ADAPTERS.values():
        typer.echo(f"{a.name}: {a.description}")
        for c in a.columns:
            mark = "*" if c.required else " "
            kind = c.type + (f", {c.level}" if c.level else "")
            typer.echo(f"  {mark} {c.name} ({kind})")
        typer.echo("")
    typer.echo("* wajib. Berkas contoh: konvergensi adapters sample NAMA -o BERKAS")


@adapters_app.command()
def sample(
    name: Annotated[str, typer.Argument(help="Nama adapter: eppgbm, sipd atau dukcapil.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Berkas contoh yang ditulis (.csv).")],
    kabkota: Annotated[
        str, typer.Option("--kabkota", help="Kode kabupaten/kota untuk desa di contoh (mis. 32.11).")
    ] = "",
) -> None:
    """Tulis berkas contoh sebuah sumber data."""
    from konvergensi_core.adapters import ADAPTERS
    from konvergensi_core.io.writers import UnwritableFile, write_atomic
    from konvergensi_core.kode import InvalidKode

    adapter = ADAPTERS.get(name)
    if adapter is None:
        typer.echo(f"Galat: adapter '{name}' tidak dikenal; pilih {', '.join(ADAPTERS)}.", err=True)
        raise typer.Exit(2)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            written = adapter.sample(Path(tmp) / f"contoh{adapter.sample_suffix}", kabkota=kabkota)
        except (ValueError, InvalidKode) as exc:
            typer.echo(f"Galat: {exc}", err=True)
            raise typer.Exit(2) from None
        try:
            write_atomic(output, written.read_bytes())
        except UnwritableFile as exc:
            typer.echo(f"Galat: {exc}", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"Berkas contoh {adapter.name} ditulis ke {output}.")
