"""`konvergensi`: the command line. Pure commands run without Django; the others start it lazily."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from konvergensi.cli_ansit import ansit_app


def _asks_json(argv: list[str]) -> bool:
    return "--format=json" in argv or any(
        a == "--format" and b == "json" for a, b in zip(argv, argv[1:], strict=False)
    )


def _json_failure(message: str) -> None:
    typer.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))


class _App(typer.Typer):
    """The root command. With ``--format json`` on the command line, what the commands themselves
    cannot answer — a usage error (a missing or bad option: exit 2) or an unexpected failure (exit
    1) — is one JSON document on stdout as well, never a traceback."""

    def __call__(self, *args, **kwargs):
        if not _asks_json(list(kwargs.get("args") or sys.argv[1:])):
            return super().__call__(*args, **kwargs)
        try:
            result = super().__call__(*args, **{**kwargs, "standalone_mode": False})
        except typer.Abort:
            _json_failure("Dibatalkan.")
            sys.exit(1)
        except Exception as exc:
            if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
                _json_failure(exc.format_message())  # click's usage errors and bad parameters
                sys.exit(exc.exit_code)
            _json_failure(f"Galat tak terduga ({exc.__class__.__name__}): {exc}")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


app = _App(help="Konvergensi — 8 Aksi Konvergensi percepatan penurunan stunting.", no_args_is_help=True)
wilayah_app = typer.Typer(help="Wilayah administrasi (kode Kemendagri).", no_args_is_help=True)
demo_app = typer.Typer(help="Data demo (Kabupaten Sumedang).", no_args_is_help=True)
app.add_typer(wilayah_app, name="wilayah")
indicators_app = typer.Typer(help="Katalog indikator cakupan (2018 dan 2025).", no_args_is_help=True)
data_app = typer.Typer(help="Data cakupan per desa: impor templat Excel.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")
app.add_typer(indicators_app, name="indicators")
app.add_typer(data_app, name="data")
app.add_typer(ansit_app, name="ansit")
measurements_app = typer.Typer(
    help="Pengukuran anak (Aksi 7): impor ekspor e-PPGBM, ringkasan per wilayah.", no_args_is_help=True
)
app.add_typer(measurements_app, name="measurements")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    import django

    django.setup()


@app.command()
def version() -> None:
    """Print the version."""
    from importlib.metadata import version as v

    typer.echo(v("konvergensi"))


@app.command()
def kode(kode: str, format: Annotated[str, typer.Option("--format", help="text atau json")] = "text") -> None:
    """Explain a Kemendagri region code (level and ancestors), without a database."""
    from konvergensi_core import kode as rules

    try:
        dotted = rules.normalise(kode)
    except rules.InvalidKode as exc:
        _fail(str(exc), format)
    info = {
        "kode": dotted,
        "level": rules.level_of(dotted),
        "jenis": rules.jenis_of(dotted),
        "ancestors": rules.ancestors(dotted),
    }
    if format == "json":
        typer.echo(json.dumps(info))
    else:
        typer.echo(
            f"{info['kode']}: {info['level']} ({info['jenis']}); induk: {', '.join(info['ancestors']) or '-'}"
        )


ZSCORE_OUTPUTS = (
    "clenhei",
    "cmeasure",
    "c9mo_flag",
    "cbmi",
    "zlen",
    "zwei",
    "zwfl",
    "zbmi",
    "flen",
    "fwei",
    "fwfl",
    "fbmi",
)


@app.command()
def zscore(
    input: Annotated[Path, typer.Argument(help="Berkas CSV, XLSX atau Parquet")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Berkas hasil: .csv, .parquet atau .xlsx")],
    age_unit: Annotated[str, typer.Option("--age-unit", help="Satuan kolom usia: days atau months")] = "days",
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
    from konvergensi_core.growth import rounded, zscores
    from konvergensi_core.io.measurements import (
        UnreadableFile,
        count_rows,
        normalise,
        read_chunks,
        recognise_columns,
    )
    from konvergensi_core.io.writers import TableWriter, UnwritableFile, same_file

    if age_unit not in ("days", "months"):
        _fail("--age-unit harus days atau months.", format)
    mapping: dict[str, str] = {}
    for item in map or []:
        header, sep, target = item.rpartition("=")
        if not sep or not header:
            _fail(f"--map harus berbentuk kolom=nama, bukan {item!r}.", format)
        mapping[header] = target
    if not input.is_file():
        _fail(f"Berkas tidak ditemukan: {input}", format)
    if same_file(input, output):  # the same path, a symbolic or a hard link: writing would destroy it
        _fail(f"Berkas hasil {output} sama dengan berkas masukan; pilih nama lain untuk -o.", format)
    totals = {"rows": 0, "computed": 0, "flagged": 0, "missing": 0}
    problems: dict[str, int] = {}
    show_progress = (sys.stderr.isatty() and format != "json") if progress is None else progress
    bar = None
    try:
        bar = _ProgressBar(count_rows(input)) if show_progress else None
        # The result goes to a temporary file beside ``output``, moved into place only on success.
        with TableWriter(output) as writer:
            for chunk in read_chunks(input, chunk_rows):
                columns = recognise_columns(chunk.columns, mapping)
                needed = {"sex", "weight", "lenhei"} - set(columns)
                if "age" not in columns and not {"birth_date", "visit_date"} <= set(columns):
                    needed.add("age (atau tanggal lahir + tanggal pengukuran)")
                if needed:
                    _fail(
                        "Kolom wajib tidak ditemukan: "
                        + ", ".join(sorted(needed))
                        + f". Kolom berkas: {', '.join(chunk.columns)}. Gunakan --map 'Nama Kolom=sex'.",
                        format,
                    )
                parsed = normalise(chunk, columns, age_unit=age_unit)
                result = zscores(
                    parsed.sex,
                    parsed.age,
                    parsed.weight,
                    parsed.lenhei,
                    parsed.measure,
                    parsed.oedema,
                    age_unit=parsed.age_unit,
                )
                if round is not None:
                    result = rounded(result, round)
                import numpy as np

                z = np.column_stack([result[k] for k in ("zlen", "zwei", "zwfl", "zbmi")])
                flags = np.column_stack([result[k] for k in ("flen", "fwei", "fwfl", "fbmi")])
                computed = ~np.isnan(z).all(axis=1)
                totals["rows"] += chunk.height
                totals["computed"] += int(computed.sum())
                totals["missing"] += int((~computed).sum())
                totals["flagged"] += int((np.nan_to_num(flags) == 1).any(axis=1).sum())
                for reason, count in parsed.problems.items():
                    problems[reason] = problems.get(reason, 0) + count
                writer.write(chunk, {k: result[k] for k in ZSCORE_OUTPUTS})
                if bar:
                    bar.show(totals["rows"])
    except (UnreadableFile, UnwritableFile) as exc:
        _fail(str(exc), format)
    if bar:
        bar.done(totals["rows"])
    summary = {"ok": True, **totals, "problems": problems, "output": str(output)}
    if format == "json":
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        typer.echo(
            f"{totals['rows']} baris, {totals['computed']} dihitung, {totals['flagged']} ditandai tidak wajar, "
            f"{totals['missing']} tanpa z-score → {output}"
        )
        for reason, count in sorted(problems.items(), key=lambda kv: -kv[1]):
            typer.echo(f"  {reason}: {count}")


class _ProgressBar:
    """A one-line bar on stderr: rows done of the total (when the file tells it), elapsed seconds."""

    WIDTH = 30

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.start = time.perf_counter()

    def show(self, done: int) -> None:
        seconds = time.perf_counter() - self.start
        rows = f"{done:,}".replace(",", ".")
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


def _fail(message: str, format: str = "text") -> NoReturn:
    """Refuse with one message and exit 1: on stderr, or as ``{"ok": false, "error": …}`` on stdout
    with ``--format json``."""
    if format == "json":
        _json_failure(message)
    else:
        typer.echo(message, err=True)
    raise typer.Exit(1)


@wilayah_app.command("load")
def wilayah_load(
    only: Annotated[list[str] | None, typer.Option("--only", help="Hanya kode ini dan turunannya")] = None,
) -> None:
    """Load or refresh the official hierarchy (idempotent, bulk)."""
    _django()
    from konvergensi.wilayah.services import region_load

    result = region_load(only_prefixes=tuple(only or ()))
    typer.echo(
        f"wilayah: {result.created} baru, {result.updated} diperbarui, {result.unchanged} tetap ({result.seconds:.1f} s)"
    )


@wilayah_app.command("stats")
def wilayah_stats(
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Number of regions loaded per level."""
    _django()
    from konvergensi.wilayah.selectors import region_counts

    counts = region_counts()
    if format == "json":
        typer.echo(json.dumps(counts))
    else:
        for level, n in counts.items():
            typer.echo(f"{level:<10} {n:>7,}".replace(",", "."))


@indicators_app.command("list")
def indicators_list(
    set: Annotated[str | None, typer.Option("--set", help="2018 atau 2025 (bawaan: keduanya)")] = None,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """The indicator catalogue: code, set, name, target group, numerator, denominator, OPD, unit."""
    if set not in (None, "2018", "2025"):
        _fail("--set harus 2018 atau 2025.", format)
    _django()
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
    _django()
    from konvergensi.indicators.catalogue import load_into
    from konvergensi.indicators.models import CategoryBand, Indicator

    counts = load_into(Indicator, CategoryBand)
    typer.echo(
        f"indicators: {counts['added']} baru, {counts['updated']} diperbarui, {counts['kept']} diubah manual"
    )


@data_app.command("import")
def data_import(
    file: Annotated[Path, typer.Argument(help="Templat Excel (.xlsx) yang sudah diisi")],
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Periksa saja, tidak menyimpan")] = False,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Check and import coverage figures per desa (the web upload's checks), all or nothing."""
    from konvergensi_core import kode as rules
    from konvergensi_core.datadesa import Problem

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
        problem = Problem("", None, "", "", message).as_dict()
        finish({"ok": False, "problems": [problem], "added": 0, "changed": 0, "unchanged": 0}, 1)

    try:
        kab = rules.normalise(kabkota)
    except rules.InvalidKode:
        refuse(f"Kode kabupaten/kota tidak dikenal: {kabkota}")
    if rules.level_of(kab) != "kabkota":
        refuse(f"{kab} bukan kode kabupaten/kota.")
    if not file.is_file():
        refuse(f"Berkas tidak ditemukan: {file}")
    _django()
    from konvergensi.accounts.scope import Scope
    from konvergensi.indicators import services
    from konvergensi.wilayah.models import Region

    if not Region.objects.filter(kode=kab, level="kabkota").exists():
        refuse(f"Kabupaten/kota {kab} belum dimuat (jalankan `konvergensi wilayah load`).")
    # The command line acts as the district operator: every indicator of the district.
    scope = Scope(role="operator", kode=kab)
    with file.open("rb") as fh:
        result = services.import_check(stream=fh, name=file.name, kabkota=kab, allowed=None)
    if result.ok and not dry_run:
        services.import_commit(scope=scope, result=result, kabkota=kab, by=None)
    finish(result.as_json(), 0 if result.ok else 1)


def _district_or_refuse(kabkota: str, refuse) -> str:
    from konvergensi_core import kode as rules

    try:
        kab = rules.normalise(kabkota)
    except rules.InvalidKode:
        refuse(f"Kode kabupaten/kota tidak dikenal: {kabkota}")
    if rules.level_of(kab) != "kabkota":
        refuse(f"{kab} bukan kode kabupaten/kota.")
    return kab


@measurements_app.command("import")
def measurements_import(
    file: Annotated[Path, typer.Argument(help="Ekspor e-PPGBM (.xlsx atau .csv)")],
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")],
    round_name: Annotated[
        str, typer.Option("--round", help="Nama putaran, mis. 'Februari 2026' (dibuat bila belum ada)")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Periksa saja, tidak menyimpan")] = False,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Check and import child measurements into a round (the web import's checks), all or nothing."""

    def finish(payload: dict, code: int) -> None:
        if format == "json":
            typer.echo(json.dumps(payload, ensure_ascii=False, default=str))
        else:
            for p in payload["problems"][:200]:
                where = f"baris {p['row']}" if p["row"] else "berkas"
                column = f" [{p['column']}]" if p["column"] else ""
                typer.echo(f"{where}{column}: {p['message']} ({p['severity']})")
            if len(payload["problems"]) > 200:
                typer.echo(f"… dan {len(payload['problems']) - 200} masalah lain (pakai --format json)")
            state = "diperiksa, tidak disimpan" if dry_run else ("disimpan" if payload["ok"] else "DITOLAK")
            typer.echo(
                f"{state}: {payload['added']} baru, {payload['replaced']} diganti, "
                f"{payload.get('unchanged', 0)} tetap, {payload['rejected']} ditolak"
            )
        raise typer.Exit(code)

    def refuse(message: str) -> None:
        problem = {"row": None, "column": "", "value": "", "message": message, "severity": "error"}
        finish({"ok": False, "problems": [problem], "added": 0, "replaced": 0, "rejected": 0}, 1)

    kab = _district_or_refuse(kabkota, refuse)
    if not file.is_file():
        refuse(f"Berkas tidak ditemukan: {file}")
    if not round_name.strip():
        refuse("--round tidak boleh kosong.")
    _django()
    from django.core.exceptions import ValidationError
    from django.core.files import File
    from django.db import transaction

    from konvergensi.accounts.scope import Scope
    from konvergensi.measurements import imports
    from konvergensi.measurements.models import MeasurementRound
    from konvergensi.wilayah.models import Region

    region = Region.objects.filter(kode=kab, level="kabkota").first()
    if region is None:
        refuse(f"Kabupaten/kota {kab} belum dimuat (jalankan `konvergensi wilayah load`).")
    scope = Scope(role="operator", kode=kab)  # the command line acts as the district operator

    class DryRun(Exception):
        pass

    payload: dict = {}
    try:
        with transaction.atomic():
            rnd = MeasurementRound.objects.filter(kabkota=region, nama=round_name.strip()).first()
            created = rnd is None
            if created:
                from konvergensi.measurements import services as round_services

                today = timezone_today()
                rnd = round_services.round_create(scope=scope, kabkota=region, nama=round_name, tanggal_mulai=today,
                                                  tanggal_selesai=today, by=None)  # fmt: skip
            try:
                with file.open("rb") as fh:
                    imp = imports.import_stage(scope=scope, rnd=rnd, upload=File(fh, name=file.name), by=None)
            except ValidationError as exc:  # not a file e-PPGBM writes: nothing is kept, not even the round
                refuse(" ".join(exc.messages))
            try:
                result = imports.check_and_keep(imp=imp, scope=scope)
                payload = result.as_json()
                if result.ok and not dry_run:
                    done = imports.import_commit(imp=imp, scope=scope, by=None)
                    payload.update(added=done["added"], replaced=done["replaced"])
                    if created:
                        imports.round_dates_from_data(rnd)
            finally:
                imports.import_cleanup(imp)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    finish(payload, 0 if payload.get("ok") else 1)


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


@measurements_app.command("summary")
def measurements_summary(
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota")],
    round_name: Annotated[str, typer.Option("--round", help="Nama putaran")],
    level: Annotated[str, typer.Option("--level", help="kabkota, kecamatan atau desa")] = "kabkota",
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Children measured and stunting, wasting, underweight, overweight per unit, with 95 % CI (Wilson)."""
    if level not in ("kabkota", "kecamatan", "desa"):
        _fail("--level harus kabkota, kecamatan atau desa.", format)
    kab = _district_or_refuse(kabkota, lambda message: _fail(message, format))
    _django()
    from konvergensi.measurements.models import MeasurementRound
    from konvergensi.measurements.selectors import summary_rows

    rnd = MeasurementRound.objects.filter(kabkota_id=kab, nama=round_name.strip()).first()
    if rnd is None:
        _fail(f"Putaran '{round_name}' tidak ada di {kab}.", format)
    rows = summary_rows(rnd=rnd, level=level)
    if format == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    typer.echo(f"{'kode':<14} {'nama':<26} {'diukur':>7} {'stunting':>8} {'prev %':>7} {'IK 95 %':>15}")
    for r in rows:
        p = "–" if r["prevalence_stunting"] is None else f"{r['prevalence_stunting']:.1f}"
        ci = "" if r["ci_low"] is None else f"{r['ci_low']:.1f}–{r['ci_high']:.1f}"
        typer.echo(
            f"{r['kode']:<14} {r['nama'][:26]:<26} {r['measured']:>7} {r['stunted']:>8} {p:>7} {ci:>15}"
        )


@demo_app.command("load")
def demo_load() -> None:
    """Create the demo district (Kabupaten Sumedang) and one account per role."""
    _django()
    from konvergensi.demo import demo_load as load

    try:
        result = load()
    except RuntimeError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"demo: {result}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def worker(ctx: typer.Context) -> None:
    """Run the background task worker (django.tasks database backend). Extra options go to db_worker."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["konvergensi worker", "db_worker", *ctx.args])


@app.command()
def serve(
    port: int = 8000,
    host: str = "127.0.0.1",
    with_worker: Annotated[bool, typer.Option(help="Jalankan worker tugas latar sekaligus")] = True,
) -> None:
    """Serve the app for a demo or a single machine (Django's server + the task worker)."""
    _django()
    from django.core.management import call_command

    worker_proc = None
    if with_worker:
        worker_proc = subprocess.Popen([sys.executable, "-m", "konvergensi", "worker"])  # noqa: S603
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        if worker_proc:
            worker_proc.terminate()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Forward to Django's manage.py (e.g. `konvergensi manage migrate`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["konvergensi manage", *ctx.args])
