"""`konvergensi indicators`: the catalogue of coverage indicators (2018 and 2025)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from konvergensi.cli.common import fail, setup_django

indicators_app = typer.Typer(help="Katalog indikator cakupan (2018 dan 2025).", no_args_is_help=True)


@indicators_app.command("list")
def indicators_list(
    set: Annotated[str | None, typer.Option("--set", help="2018 atau 2025 (bawaan: keduanya)")] = None,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """The indicator catalogue: code, set, name, target group, numerator, denominator, OPD, unit."""
    if set not in (None, "2018", "2025"):
        fail("--set harus 2018 atau 2025.", format)
    setup_django()
    from konvergensi.indicators.models import Indicator

    rows = Indicator.objects.all().prefetch_related("bands")
    if set:
        rows = rows.filter(set=set)
    items = []
    for ind in rows:
        band = next((b for b in ind.bands.all() if b.tahun == 0), None)
        items.append(
            {
                "code": ind.kode,
                "set": ind.set,
                "name": ind.nama,
                "name_en": ind.nama_en,
                "group": ind.kelompok,
                "target_group": ind.kelompok_label,
                "definition": ind.definisi,
                "numerator": ind.numerator,
                "denominator": ind.denominator or None,
                "opd": ind.opd_sumber,
                "unit": ind.satuan,
                "main": ind.is_main,
                "national_target": float(ind.target_nasional) if ind.target_nasional is not None else None,
                "bands": {"memadai_above": float(band.memadai), "hampir_memadai_from": float(band.hampir),
                          "rendah_from": float(band.rendah)} if band else None,
            }
        )  # fmt: skip
    if format == "json":
        typer.echo(json.dumps(items, ensure_ascii=False))
    else:
        for item in items:
            typer.echo(
                f"{item['code']:<4} {item['set']}  {item['unit']:<6} {item['name'][:70]:<70} {item['opd']}"
            )


@indicators_app.command("load")
def indicators_load() -> None:
    """Refresh the catalogue from the shipped files (keeps what the national administrator edited)."""
    setup_django()
    from konvergensi.indicators.catalogue import load_into
    from konvergensi.indicators.models import CategoryBand, Indicator

    counts = load_into(Indicator, CategoryBand)
    typer.echo(
        f"indicators: {counts['added']} baru, {counts['updated']} diperbarui, {counts['kept']} diubah manual"
    )
