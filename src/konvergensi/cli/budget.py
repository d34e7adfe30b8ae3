"""`konvergensi budget`: the district's tagged budget lines — import (template or SIPD export) and the
summary of issue 15, through the same import pipeline and the same core rules as the web app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from konvergensi.cli.common import ImportPrinter, fail, kabkota_or_refuse, setup_django

budget_app = typer.Typer(
    help="Penandaan anggaran: impor baris anggaran dan ringkasannya.", no_args_is_help=True
)

STAGES = ("murni", "perubahan")


@budget_app.command("import")
def budget_import(
    file: Annotated[Path, typer.Argument(help="Templat anggaran (.xlsx) atau ekspor SIPD (.xlsx/.csv)")],
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")],
    year: Annotated[int, typer.Option("--year", min=2000, max=2100, help="Tahun anggaran")],
    stage: Annotated[str, typer.Option("--stage", help="murni atau perubahan")] = "murni",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Periksa saja, tidak menyimpan")] = False,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Check the whole file and replace the district's lines of the year and stage, all or nothing."""

    def line(p: dict) -> str:
        where = f"{p['sheet']}!{p['column'] or ''}{p['row'] or ''}"
        return f"{where:<16} {p['message']}" + (f"  [{p['value']}]" if p["value"] else "")

    def summary(payload: dict) -> str:
        state = (
            "disimpan"
            if payload.get("committed")
            else ("diperiksa, tidak disimpan" if payload["ok"] else "DITOLAK")
        )
        return (f"{state}: {payload['added']} baru, {payload['changed']} berubah, {payload['unchanged']} tetap, "
                f"{payload['removed']} dihapus; {len(payload['problems'])} masalah")  # fmt: skip

    printer = ImportPrinter(
        format, line, summary, counts=("added", "changed", "unchanged", "removed"), limit=200
    )
    refuse = printer.refuse
    if stage not in STAGES:
        refuse(f"Tahap harus murni atau perubahan, bukan {stage}.")
    kab = kabkota_or_refuse(kabkota, refuse)
    if not file.is_file():
        refuse(f"Berkas tidak ditemukan: {file}")
    setup_django()
    from django.core.exceptions import ValidationError

    from konvergensi.accounts.scope import Scope
    from konvergensi.budget import imports
    from konvergensi.imports import services as pipeline
    from konvergensi.wilayah.models import Region

    if not Region.objects.filter(kode=kab, level="kabkota").exists():
        refuse(f"Kabupaten/kota {kab} belum dimuat (jalankan `konvergensi wilayah load`).")
    scope = Scope(role="operator", kode=kab)  # the command line acts as the district operator
    try:
        payload = pipeline.run(kind=imports.KIND_INSTANCE, kabkota=kab, params={"tahun": year, "stage": stage},
                               path=file, scope=scope, by=None, dry_run=dry_run)  # fmt: skip
    except ValidationError as exc:
        refuse(" ".join(exc.messages))
    payload["ok"] = not any(p["severity"] == "error" for p in payload["problems"])
    payload["problems"] = [
        {k: p[k] for k in ("sheet", "row", "column", "value", "message", "severity")}
        for p in payload["problems"]
    ]
    printer.finish(payload, 0 if payload["ok"] else 1)


@budget_app.command("summary")
def budget_summary(
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota")],
    year: Annotated[int, typer.Option("--year", min=2000, max=2100, help="Tahun anggaran")],
    stage: Annotated[str, typer.Option("--stage", help="murni atau perubahan")] = "murni",
    format: Annotated[str, typer.Option("--format", help="json atau text")] = "json",
) -> None:
    """Totals, absorption and shares of the district's lines (issue 15's JSON)."""
    if stage not in STAGES:
        fail(f"Tahap harus murni atau perubahan, bukan {stage}.", format)
    kab = kabkota_or_refuse(kabkota, lambda m: fail(m, format))
    setup_django()
    from konvergensi.budget import selectors
    from konvergensi.wilayah.models import Region

    if not Region.objects.filter(kode=kab, level="kabkota").exists():
        fail(f"Kabupaten/kota {kab} belum dimuat (jalankan `konvergensi wilayah load`).", format)
    data = selectors.summary(kab, year, stage)
    if format == "json":
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    from konvergensi_core.numbers import id_percent
    from konvergensi_core.plan import format_rupiah

    typer.echo(f"Pagu {format_rupiah(data['pagu'])}, realisasi {format_rupiah(data['realisasi'])}, "
               f"serapan {id_percent(data['absorption'])}")  # fmt: skip
    typer.echo(f"Ke lokus: {id_percent(data['lokus']['share'])}; langsung ke sasaran: "
               f"{id_percent(data['direct_to_target']['share'])}")  # fmt: skip
    for name in ("by_category", "by_source", "by_opd"):
        typer.echo(f"{name}:")
        for key, v in data[name].items():
            typer.echo(f"  {key:<40} {format_rupiah(v['pagu']):>22} {format_rupiah(v['realisasi']):>22}")
