"""`konvergensi demo`: the demo district (Kabupaten Sumedang) and the national data set."""

from __future__ import annotations

from typing import Annotated

import typer

from konvergensi.cli.common import setup_django

demo_app = typer.Typer(
    help="Data demo (Kabupaten Sumedang) dan data nasional bangkitan.", no_args_is_help=True
)


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


@demo_app.command("national")
def demo_national(
    scale: Annotated[
        str, typer.Option("--scale", help="full (≈20 juta anak, dua putaran), small (1/20), tiny (uji)")
    ] = "small",
    provinsi: Annotated[
        list[str] | None, typer.Option("--provinsi", help="Hanya provinsi ini (kode, boleh berulang)")
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Benih data bangkitan (hasil sama untuk benih sama)")
    ] = 2026,
    budget: Annotated[
        bool, typer.Option("--anggaran/--tanpa-anggaran", help="Buat juga baris anggaran")
    ] = True,
    jobs: Annotated[
        int,
        typer.Option(
            "--proses", help="Bangun sekian provinsi sekaligus, satu proses masing-masing (PostgreSQL)"
        ),
    ] = 1,
) -> None:
    """A national data set on the real regions: for every district OPD, puskesmas, accounts, village
    data, two measurement rounds through the import pipeline (published), Aksi 1, budget, the aksi cycle."""
    setup_django()
    from konvergensi.demo_national import NationalError, national_load

    try:
        summary = national_load(
            scale=scale, provinsi=provinsi, seed=seed, budget=budget, jobs=jobs, echo=typer.echo
        )
    except NationalError as exc:
        typer.echo(f"Galat: {exc}", err=True)
        raise typer.Exit(2) from exc
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.counts.items()))
    typer.echo(
        f"data nasional ({summary.scale}): {summary.provinces} provinsi, {summary.districts} kab/kota"
        + (f" ({len(summary.skipped)} sudah ada, dilewati)" if summary.skipped else "")
        + f"; {counts}; {summary.seconds:.1f} s"
    )
    if summary.timings:
        typer.echo("detik per langkah: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.timings.items()))
