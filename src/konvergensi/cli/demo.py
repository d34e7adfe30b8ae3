"""`konvergensi demo`: the demo district (Kabupaten Sumedang)."""

from __future__ import annotations

import typer

from konvergensi.cli.common import setup_django

demo_app = typer.Typer(help="Data demo (Kabupaten Sumedang).", no_args_is_help=True)


@demo_app.command("load")
def demo_load() -> None:
    """Create the demo district (Kabupaten Sumedang) and one account per role."""
    setup_django()
    from konvergensi.demo import demo_load as load

    try:
        result = load()
    except RuntimeError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"demo: {result}")
