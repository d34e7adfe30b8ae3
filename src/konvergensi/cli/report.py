"""`konvergensi report KIND --kabkota KODE|--provinsi KODE [--year N] -o FILE`: one of the district's
documents (or, for the kinds that have one, the province's: ``penilaian``), as the
web app makes it, through the registry of :mod:`konvergensi.reports.registry` (each domain app
registers its kinds: ``ansit``, ``rencana``, ``publikasi``, …).

The format follows FILE's suffix (``.pdf`` or ``.docx``). Exit codes: 0 written; 1 the district has
nothing to put in that document (one Indonesian line, e.g. "Kabupaten Sumedang belum mempunyai
rencana kegiatan 2026."), or the file cannot be written; 2 a bad option (unknown kind, suffix or
code) — one line, never a traceback. Registered in ``konvergensi.cli`` (``__init__``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from konvergensi.cli.common import fail, kabkota_or_refuse, setup_django

SUFFIXES = {".pdf": "pdf", ".docx": "docx"}


def _usage(message: str) -> NoReturn:
    typer.echo(f"Galat: {message}", err=True)
    raise typer.Exit(2)


def _provinsi_or_refuse(provinsi: str) -> str:
    from konvergensi_core import kode as rules

    try:
        kode = rules.normalise(provinsi)
    except rules.InvalidKode:
        _usage(f"Kode provinsi tidak dikenal: {provinsi}")
    if rules.level_of(kode) != "provinsi":
        _usage(f"{kode} bukan kode provinsi.")
    return kode


def report(
    kind: Annotated[str, typer.Argument(help="Jenis dokumen, mis. ansit, rencana, publikasi")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Berkas hasil: .pdf atau .docx")],
    kabkota: Annotated[
        str | None, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")
    ] = None,
    provinsi: Annotated[
        str | None,
        typer.Option("--provinsi", help="Kode provinsi, mis. 32 (hanya untuk dokumen provinsi: penilaian)"),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", min=2000, max=2100, help="Tahun (bawaan: yang terakhir)")
    ] = None,
) -> None:
    """Buat dokumen kabupaten/kota atau provinsi (PDF atau Word, menurut akhiran berkas -o)."""
    fmt = SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        _usage(f"Akhiran berkas -o harus .pdf atau .docx, bukan '{output.suffix or output.name}'.")
    if (kabkota is None) == (provinsi is None):
        _usage("Sebutkan tepat satu: --kabkota KODE atau --provinsi KODE.")
    kode = kabkota_or_refuse(kabkota, _usage) if kabkota is not None else _provinsi_or_refuse(provinsi or "")
    setup_django()
    from konvergensi.reports import registry
    from konvergensi.wilayah.models import Region
    from konvergensi_core.io.writers import UnwritableFile, write_atomic

    chosen = registry.get(kind.strip().casefold())
    if chosen is None:
        known = ", ".join(k.key for k in registry.known())
        _usage(f"Jenis dokumen tidak dikenal: '{kind}'. Pilih salah satu: {known}.")
    build = chosen.build
    if provinsi is not None:
        if chosen.build_province is None:
            having = ", ".join(k.key for k in registry.known() if k.build_province is not None)
            _usage(f"Dokumen '{chosen.key}' dibuat per kabupaten/kota (--kabkota); per provinsi: {having}.")
        build = chosen.build_province
        if not Region.objects.filter(kode=kode, level="provinsi").exists():
            fail(f"Provinsi {kode} belum dimuat (jalankan `konvergensi wilayah load`).")
    elif not Region.objects.filter(kode=kode, level="kabkota").exists():
        fail(f"Kabupaten/kota {kode} belum dimuat (jalankan `konvergensi wilayah load`).")
    try:
        content, name = build(kode, year, fmt)
    except registry.NothingToReport as exc:
        fail(str(exc))
    try:
        write_atomic(output, content)
    except UnwritableFile as exc:
        fail(str(exc))
    typer.echo(f"{chosen.label}: {output} ({len(content) // 1024 or 1} KB; nama usulan {name})")
