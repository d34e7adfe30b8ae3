"""`konvergensi data`: coverage figures per desa, imported from the filled Excel template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from konvergensi.cli.common import setup_django

data_app = typer.Typer(help="Data cakupan per desa: impor templat Excel.", no_args_is_help=True)


@data_app.command("import")
def data_import(
    file: Annotated[Path, typer.Argument(help="Templat Excel (.xlsx) yang sudah diisi")],
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Periksa saja, tidak menyimpan")] = False,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Check and import coverage figures per desa (the web upload's checks), all or nothing."""
    from konvergensi_core import kode as rules
    from konvergensi_core.problems import file_problem

    def finish(payload: dict, code: int) -> None:
        if format == "json":
            typer.echo(json.dumps(payload, ensure_ascii=False))
        else:
            for p in payload["problems"]:
                where = f"{p['sheet']}!{p['column'] or ''}{p['row'] or ''}"
                typer.echo(f"{where:<12} {p['message']}" + (f"  [{p['value']}]" if p["value"] else ""))
            state = (
                "disimpan"
                if payload.get("committed")
                else ("diperiksa, tidak disimpan" if payload["ok"] else "DITOLAK")
            )
            typer.echo(
                f"{state}: {payload['added']} baru, {payload['changed']} berubah, {payload['unchanged']} tetap; "
                f"{len(payload['problems'])} masalah"
            )
        raise typer.Exit(code)

    def refuse(message: str) -> None:
        problem = file_problem(message).as_dict()
        finish({"ok": False, "problems": [problem], "added": 0, "changed": 0, "unchanged": 0}, 1)

    try:
        kab = rules.normalise(kabkota)
    except rules.InvalidKode:
        refuse(f"Kode kabupaten/kota tidak dikenal: {kabkota}")
    if rules.level_of(kab) != "kabkota":
        refuse(f"{kab} bukan kode kabupaten/kota.")
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
