"""`konvergensi export dhis2|fhir --kabkota KODE … -o FILE.json`: a district's standard exports.

* ``dhis2 [--year N]``: DHIS2 metadata (organisation units with the Kemendagri codes, data elements)
  and the ``dataValues`` of the coverage values and published prevalence.
* ``fhir [--round NAME]``: a FHIR R4 ``Bundle`` of aggregate ``MeasureReport`` resources of the
  published rounds (or the one named).
* ``opendata [--kabkota KODE] -o FILE.parquet|.csv``: every published figure (nationwide, or one
  district), the same file as the public download (``konvergensi.exports.opendata``).

Only that district's figures, only published rounds, never a suppressed cell (docs/exports.md). Exit
codes: 0 written; 1 nothing to export, the district is not loaded, or the file cannot be written; 2 a
bad option — one Indonesian line, never a traceback. Registered in ``konvergensi.cli`` (``__init__``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from konvergensi.cli.common import fail, kabkota_or_refuse, setup_django

export_app = typer.Typer(help="Ekspor standar: DHIS2 dan FHIR R4.", no_args_is_help=True)

KabkotaOption = Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")]
OutputOption = Annotated[Path, typer.Option("-o", "--output", help="Berkas hasil (.json)")]


def _usage(message: str) -> NoReturn:
    typer.echo(f"Galat: {message}", err=True)
    raise typer.Exit(2)


def _start(kabkota: str, output: Path) -> str:
    if output.suffix.lower() != ".json":
        _usage(f"Akhiran berkas -o harus .json, bukan '{output.suffix or output.name}'.")
    kode = kabkota_or_refuse(kabkota, _usage)
    setup_django()
    from konvergensi.wilayah.models import Region

    if not Region.objects.filter(kode=kode, level="kabkota").exists():
        fail(f"Kabupaten/kota {kode} belum dimuat (jalankan `konvergensi wilayah load`).")
    return kode


def _write(output: Path, document: dict, what: str) -> None:
    from konvergensi_core.io.writers import UnwritableFile, write_atomic

    content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    try:
        write_atomic(output, content)
    except UnwritableFile as exc:
        fail(str(exc))
    typer.echo(f"{what}: {output} ({len(content) // 1024 or 1} KB)")


@export_app.command("dhis2")
def dhis2(
    kabkota: KabkotaOption,
    output: OutputOption,
    year: Annotated[
        int | None, typer.Option("--year", min=2000, max=2100, help="Tahun (bawaan: semua)")
    ] = None,
) -> None:
    """Metadata DHIS2 dan dataValues (cakupan per desa, prevalensi terpublikasi) satu kabupaten/kota."""
    kode = _start(kabkota, output)
    from konvergensi.exports.selectors import NothingToExport, dhis2_export

    try:
        document = dhis2_export(kode, year=year)
    except NothingToExport as exc:
        fail(str(exc))
    n = len(document["dataValueSets"]["dataValues"])
    _write(output, document, f"DHIS2 ({n} dataValues)")


@export_app.command("fhir")
def fhir(
    kabkota: KabkotaOption,
    output: OutputOption,
    round_name: Annotated[
        str | None, typer.Option("--round", help="Nama putaran (bawaan: semua putaran terpublikasi)")
    ] = None,
) -> None:
    """Bundle FHIR R4 berisi MeasureReport agregat putaran terpublikasi satu kabupaten/kota."""
    kode = _start(kabkota, output)
    from konvergensi.exports.selectors import NothingToExport, fhir_export

    try:
        document = fhir_export(kode, round_name=round_name)
    except NothingToExport as exc:
        fail(str(exc))
    _write(output, document, f"FHIR R4 ({len(document['entry'])} MeasureReport)")


@export_app.command("opendata")
def opendata(
    output: Annotated[Path, typer.Option("-o", "--output", help="Berkas hasil (.parquet atau .csv)")],
    kabkota: Annotated[
        str | None, typer.Option("--kabkota", help="Hanya satu kabupaten/kota (bawaan: nasional)")
    ] = None,
) -> None:
    """Semua angka terpublikasi (nasional atau satu kabupaten/kota) sebagai Parquet atau CSV."""
    suffix = output.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        _usage(f"Akhiran berkas -o harus .parquet atau .csv, bukan '{output.suffix or output.name}'.")
    kode = kabkota_or_refuse(kabkota, _usage) if kabkota is not None else None
    setup_django()
    from konvergensi.exports.opendata import opendata_bytes
    from konvergensi_core.io.writers import UnwritableFile, write_atomic

    content, height = opendata_bytes(kabkota=kode, fmt=suffix[1:])
    if not height:
        fail("Belum ada putaran pengukuran yang dipublikasikan.")
    try:
        write_atomic(output, content)
    except UnwritableFile as exc:
        fail(str(exc))
    typer.echo(f"Data terbuka: {output} ({height} baris)")
