"""`konvergensi zscore`: WHO 2006 z-scores for a measurement file, streamed in chunks, without a
database."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from konvergensi.cli.common import fail
from konvergensi_core.numbers import id_count


def zscore(
    input: Annotated[Path, typer.Argument(help="Berkas CSV, XLSX atau Parquet")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Berkas hasil: .csv, .parquet atau .xlsx")],
    age_unit: Annotated[
        str | None,
        typer.Option(
            "--age-unit",
            help="Satuan kolom usia: days atau months (bawaan: menurut judul kolom, mis. 'Usia (bulan)', "
            "selain itu days)",
        ),
    ] = None,
    map: Annotated[
        list[str] | None, typer.Option("--map", help="Kolom berkas=kolom baku, mis. 'Umur (bln)=age'")
    ] = None,
    round: Annotated[int | None, typer.Option("--round", help="Bulatkan z-score ke N desimal")] = None,
    format: Annotated[str, typer.Option("--format", help="Ringkasan: text atau json")] = "text",
    chunk_rows: Annotated[
        int, typer.Option("--chunk-rows", min=1, help="Baris per potongan; lebih kecil = memori lebih hemat")
    ] = 200_000,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress", help="Bilah kemajuan di stderr (bawaan: bila stderr terminal)"
        ),
    ] = None,
) -> None:
    """WHO 2006 z-scores (0–60 months) for a measurement file, streamed in chunks; no database."""
    # The work is the core's (konvergensi_core.growth.files.zscore_file, the same reader as the web
    # import); this command only parses its arguments, shows progress and the summary.
    from konvergensi_core.growth.files import MissingColumns, zscore_file
    from konvergensi_core.io.measurements import FIELDS, UnreadableFile
    from konvergensi_core.io.writers import UnwritableFile, same_file

    if age_unit not in (None, "days", "months"):
        fail("--age-unit harus days atau months.", format)
    mapping: dict[str, str] = {}
    for item in map or []:
        header, sep, target = item.rpartition("=")
        if not sep or not header:
            fail(f"--map harus berbentuk kolom=nama, bukan {item!r}.", format)
        if target not in FIELDS and target != "ignore":
            fail(f"--map: kolom baku {target!r} tidak dikenal (mis. sex, age, weight, lenhei).", format)
        mapping[header] = target
    if not input.is_file():
        fail(f"Berkas tidak ditemukan: {input}", format)
    if same_file(input, output):  # the same path, a symbolic or a hard link: writing would destroy it
        fail(f"Berkas hasil {output} sama dengan berkas masukan; pilih nama lain untuk -o.", format)
    show_progress = (sys.stderr.isatty() and format != "json") if progress is None else progress
    bar = ProgressBar(None) if show_progress else None

    def shown(done: int, total: int | None) -> None:
        bar.total = total
        bar.show(done)

    try:
        summary = zscore_file(
            input,
            out=output,
            mapping=mapping,
            age_unit=age_unit,
            digits=round,
            chunk_rows=chunk_rows,
            progress=shown if bar else None,
        )
    except MissingColumns as exc:
        fail(f"{exc} Gunakan --map 'Nama Kolom=sex'.", format)
    except (UnreadableFile, UnwritableFile) as exc:
        fail(str(exc), format)
    if bar:
        bar.done(summary.rows)
    if format == "json":
        typer.echo(json.dumps({"ok": True, **summary.as_dict()}, ensure_ascii=False))
    else:
        typer.echo(
            f"{summary.rows} baris, {summary.computed} dihitung, {summary.flagged} ditandai tidak wajar, "
            f"{summary.missing} tanpa z-score → {output}"
        )
        for reason, count in sorted(summary.problems.items(), key=lambda kv: -kv[1]):
            typer.echo(f"  {reason}: {count}")


class ProgressBar:
    """A one-line bar on stderr: rows done of the total (when the file tells it), elapsed seconds."""

    WIDTH = 30

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.start = time.perf_counter()

    def show(self, done: int) -> None:
        seconds = time.perf_counter() - self.start
        rows = id_count(done)
        if self.total:
            share = min(done / self.total, 1.0)
            filled = round(share * self.WIDTH)
            line = (
                f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {share:4.0%}  {rows} baris  {seconds:.0f} s"
            )
        else:
            line = f"{rows} baris diproses  {seconds:.0f} s"
        typer.echo(f"\r{line}", err=True, nl=False)

    def done(self, done: int) -> None:
        self.show(done)
        typer.echo("", err=True)
