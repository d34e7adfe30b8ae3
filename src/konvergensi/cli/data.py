"""`konvergensi data`: coverage figures per desa, imported from the filled Excel template."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from konvergensi.cli.common import ImportPrinter, kabkota_or_refuse, setup_django

data_app = typer.Typer(help="Data cakupan per desa: impor templat Excel.", no_args_is_help=True)


@data_app.command("import")
def data_import(
    file: Annotated[Path, typer.Argument(help="Templat Excel (.xlsx) yang sudah diisi")],
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Periksa saja, tidak menyimpan")] = False,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Check and import coverage figures per desa (the web upload's checks), all or nothing."""

    def line(p: dict) -> str:
        where = f"{p['sheet']}!{p['column'] or ''}{p['row'] or ''}"
        return f"{where:<12} {p['message']}" + (f"  [{p['value']}]" if p["value"] else "")

    def summary(payload: dict) -> str:
        state = (
            "disimpan"
            if payload.get("committed")
            else ("diperiksa, tidak disimpan" if payload["ok"] else "DITOLAK")
        )
        return (
            f"{state}: {payload['added']} baru, {payload['changed']} berubah, {payload['unchanged']} tetap; "
            f"{len(payload['problems'])} masalah"
        )

    printer = ImportPrinter(format, line, summary, counts=("added", "changed", "unchanged"))
    finish, refuse = printer.finish, printer.refuse

    kab = kabkota_or_refuse(kabkota, refuse)
    if not file.is_file():
        refuse(f"Berkas tidak ditemukan: {file}")
    setup_django()
    from django.core.exceptions import ValidationError

    from konvergensi.accounts.scope import Scope
    from konvergensi.imports import services as pipeline
    from konvergensi.indicators import imports
    from konvergensi.wilayah.models import Region

    if not Region.objects.filter(kode=kab, level="kabkota").exists():
        refuse(f"Kabupaten/kota {kab} belum dimuat (jalankan `konvergensi wilayah load`).")
    # The command line acts as the district operator: every indicator of the district.
    scope = Scope(role="operator", kode=kab)
    try:
        payload = pipeline.run(kind=imports.KIND_INSTANCE, kabkota=kab, params={}, path=file, scope=scope,
                               by=None, dry_run=dry_run)  # fmt: skip
    except ValidationError as exc:  # not a workbook at all: nothing is kept
        refuse(" ".join(exc.messages))
    # "ok" is whether the file is acceptable (a file that changes nothing is too).
    payload["ok"] = not any(p["severity"] == "error" for p in payload["problems"])
    finish(payload, 0 if payload["ok"] else 1)


@data_app.command("sasaran")
def data_sasaran(
    file: Annotated[
        Path, typer.Argument(help="Berkas agregat data sasaran (.xlsx atau .csv), satu baris per desa")
    ],
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")],
    tahun: Annotated[int, typer.Option("--tahun", help="Tahun data sasaran, mis. 2025")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Periksa saja, tidak menyimpan")] = False,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Check and import data sasaran per desa from a Dukcapil/BKKBN-style aggregate file (the web
    upload's checks: unknown desa, negatives, stunting > balita diukur, verified desa), all or nothing."""

    def line(p: dict) -> str:
        where = f"{p['sheet'] or 'berkas'}!{p['column'] or ''}:{p['row'] or ''}"
        return f"{where:<24} {p['message']}" + (f"  [{p['value']}]" if p["value"] else "")

    def summary(payload: dict) -> str:
        state = (
            "disimpan"
            if payload.get("committed")
            else ("diperiksa, tidak disimpan" if payload["ok"] else "DITOLAK")
        )
        return (f"{state}: {payload['added']} desa baru, {payload['changed']} berubah, {payload['unchanged']} tetap; "
                f"{len(payload['problems'])} masalah")  # fmt: skip

    printer = ImportPrinter(format, line, summary, counts=("added", "changed", "unchanged"))
    finish, refuse = printer.finish, printer.refuse

    kab = kabkota_or_refuse(kabkota, refuse)
    if not file.is_file():
        refuse(f"Berkas tidak ditemukan: {file}")
    if not 2015 <= tahun <= 2100:
        refuse(f"Tahun tidak sah: {tahun}")
    setup_django()
    from django.core.exceptions import ValidationError

    from konvergensi.accounts.scope import Scope
    from konvergensi.imports import services as pipeline
    from konvergensi.indicators import sasaran_import
    from konvergensi.wilayah.models import Region

    if not Region.objects.filter(kode=kab, level="kabkota").exists():
        refuse(f"Kabupaten/kota {kab} belum dimuat (jalankan `konvergensi wilayah load`).")
    scope = Scope(role="operator", kode=kab)  # the command line acts as the district operator
    try:
        payload = pipeline.run(kind=sasaran_import.KIND_INSTANCE, kabkota=kab, params={"tahun": tahun}, path=file,
                               scope=scope, by=None, dry_run=dry_run)  # fmt: skip
    except ValidationError as exc:
        refuse(" ".join(exc.messages))
    payload["ok"] = not any(p["severity"] == "error" for p in payload["problems"])
    finish(payload, 0 if payload["ok"] else 1)
