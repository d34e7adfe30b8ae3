"""`konvergensi`: the command line. Pure commands run without Django; the others start it lazily."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from typer._click import exceptions as cx  # typer's own copy of click

from konvergensi.cli_ansit import ansit_app


def _asks_json(argv: list[str]) -> bool:
    return "--format=json" in argv or any(
        a == "--format" and b == "json" for a, b in zip(argv, argv[1:], strict=False)
    )


def _json_failure(message: str) -> None:
    typer.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))


def _report(message: str, as_json: bool, hint: str = "") -> None:
    """One failure: a JSON document on stdout with ``--format json``, else one line on stderr."""
    if as_json:
        _json_failure(message)
    else:
        typer.echo(f"Galat: {message}{hint}", err=True)


# Typer checks option values with pydantic, whose messages are English: the usual ones in Indonesian.
_VALUE_DETAILS = (
    (r"Input should be greater than or equal to (.+)", r"harus ≥ \1"),
    (r"Input should be greater than (.+)", r"harus > \1"),
    (r"Input should be less than or equal to (.+)", r"harus ≤ \1"),
    (r"Input should be less than (.+)", r"harus < \1"),
    (r"Input should be a valid integer.*", "harus bilangan bulat"),
    (r"Input should be a valid (number|decimal).*", "harus angka"),
    (r"Input should be a valid boolean.*", "harus ya/tidak (true/false)"),
    (r"Input should be (.+)", r"harus \1"),
)


def _value_detail(message: str) -> str:
    text = message.strip()
    for pattern, indonesian in _VALUE_DETAILS:
        if re.fullmatch(pattern, text, flags=re.DOTALL):
            return re.sub(pattern, indonesian, text, flags=re.DOTALL).replace(" or ", " atau ")
    return text


def _usage_message(exc: Exception) -> str:
    """Typer's usage errors (English) in Indonesian, keeping the option and command names."""
    if isinstance(exc, cx.BadParameter):
        raw = (
            exc.param_hint
            if exc.param_hint is not None
            else (exc.param.get_error_hint() if exc.param else "")
        )
        hint = cx._join_param_hints(raw) or ""
        if isinstance(exc, cx.MissingParameter):
            kind = exc.param_type or (exc.param.param_type_name if exc.param else "")
            noun = {"argument": "Argumen", "option": "Opsi"}.get(kind, "Parameter")
            return f"{noun} {hint} wajib diisi."
        return f"Nilai {hint} tidak sah: {_value_detail(exc.message)}"
    if isinstance(exc, cx.NoSuchOption):
        guess = f" Mungkin maksud Anda: {', '.join(exc.possibilities)}." if exc.possibilities else ""
        return f"Opsi tidak dikenal: {exc.option_name}.{guess}"
    text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    unknown = re.match(r"No such command (?P<name>'[^']*')\.(?: Did you mean (?P<guess>.*)\?)?", text)
    if unknown:
        guess = f" Mungkin maksud Anda: {unknown['guess']}." if unknown["guess"] else ""
        return f"Perintah tidak dikenal: {unknown['name']}.{guess}"
    if isinstance(exc, cx.UsageError):
        extra = re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)", text)
        if extra:
            return f"Argumen berlebih: {extra['args']}."
        needs = re.fullmatch(r"Option (?P<name>'[^']*') requires (?:an argument|\d+ arguments)\.", text)
        if needs:
            return f"Opsi {needs['name']} memerlukan nilai."
        return f"Penggunaan salah: {text}"
    return text


def _failure_message(exc: Exception) -> str:
    """An unexpected failure in one Indonesian sentence, naming what to do when we know it."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = exc.__class__.__name__
    if name in ("OperationalError", "ProgrammingError") and (
        "no such table" in text or ("relation" in text and "does not exist" in text)
    ):
        return f"Basis data belum disiapkan ({text}). Jalankan `konvergensi manage migrate` dahulu."
    if name == "OperationalError":
        return f"Basis data tidak dapat dipakai: {text}"
    if isinstance(exc, _SetupError):
        return f"Konfigurasi tidak dapat dimuat: {text}"
    if isinstance(exc, PermissionError | FileNotFoundError | IsADirectoryError) and exc.filename:
        return f"Berkas {exc.filename} tidak dapat dibuka ({exc.strerror})."
    if isinstance(exc, OSError):
        return f"Operasi berkas atau jaringan gagal: {exc}"
    return f"Kesalahan tak terduga ({name}): {text}"


def _debug() -> bool:
    return os.environ.get("KONVERGENSI_DEBUG", "").lower() in ("1", "true", "yes", "on", "ya")


class _SetupError(Exception):
    """Django could not start: the settings refused (e.g. no secret key) or failed to load."""


class _App(typer.Typer):
    """The root command: no outcome is ever a traceback. What the commands themselves cannot
    answer — a usage error (a missing or bad option: exit 2) or an unexpected failure (exit 1) — is
    one Indonesian line on stderr (``Galat: …``), or with ``--format json`` on the command line one
    JSON document on stdout. ``KONVERGENSI_DEBUG=1`` shows the traceback of an unexpected failure."""

    def __call__(self, *args, **kwargs):
        as_json = _asks_json(list(kwargs.get("args") or sys.argv[1:]))
        try:
            result = super().__call__(*args, **{**kwargs, "standalone_mode": False})
        except cx.NoArgsIsHelpError as exc:  # the bare command or group: its help
            exc.show()
            sys.exit(exc.exit_code)
        except typer.Abort:
            _report("Dibatalkan.", as_json)
            sys.exit(1)
        except cx.ClickException as exc:  # usage errors and bad parameters: exit 2
            command = exc.ctx.command_path if getattr(exc, "ctx", None) else "konvergensi"
            _report(_usage_message(exc), as_json, hint=f" (lihat `{command} --help`)")
            sys.exit(exc.exit_code)
        except Exception as exc:
            if _debug():
                raise
            _report(_failure_message(exc), as_json)
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

    try:
        django.setup()
    except Exception as exc:  # the settings refused to load: one line, not a traceback
        raise _SetupError(str(exc)) from exc


def _ensure_local_secret_key() -> None:
    """Before the first migration of the embedded SQLite database, the local configuration: a
    generated secret key in <var>/secret_key (kept if it exists). Not under test, never when
    KONVERGENSI_SECRET_KEY is set, never on PostgreSQL (docs/configuration.md)."""
    from konvergensi import local_config

    testing = os.environ.get("KONVERGENSI_TESTING", "").lower() in ("1", "true", "yes", "on", "ya")
    if os.environ.get("KONVERGENSI_SECRET_KEY") or testing or "pytest" in sys.modules:
        return
    if local_config.embedded_database():
        local_config.ensure_secret_key(local_config.var_dir())


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
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USERNAME",
            help="Impor atas nama akun ini: dengan cakupan dan haknya, tercatat sebagai pengunggah. "
            "Tanpa --as impor dibuat sebagai operator kabupaten tanpa pengunggah tercatat.",
        ),
    ] = None,
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
    by = None
    if as_user is None:
        scope = Scope(role="operator", kode=kab)  # the command line acts as the district operator
    else:
        by, scope = _import_account_or_refuse(as_user, kab, round_name.strip(), refuse)

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
                                                  tanggal_selesai=today, by=by)  # fmt: skip
            try:
                with file.open("rb") as fh:
                    imp = imports.import_stage(scope=scope, rnd=rnd, upload=File(fh, name=file.name), by=by)
            except ValidationError as exc:  # not a file e-PPGBM writes: nothing is kept, not even the round
                refuse(" ".join(exc.messages))
            try:
                result = imports.check_and_keep(imp=imp, scope=scope)
                payload = result.as_json()
                if result.ok and not dry_run:
                    done = imports.import_commit(imp=imp, scope=scope, by=by)
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


def _import_account_or_refuse(username: str, kab: str, round_name: str, refuse):
    """The account ``--as`` names and its scope, refused unless it is active and may import the
    district's measurements (and, for a round that does not exist yet, create rounds)."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    from konvergensi.accounts.permissions import Permission, has_permission
    from konvergensi.accounts.scope import scope_for_user
    from konvergensi.measurements.models import MeasurementRound

    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        refuse(_("Akun %(username)s tidak ada atau tidak aktif.") % {"username": username})
    scope = scope_for_user(user)
    if not has_permission(scope, Permission.MEASUREMENT_IMPORT, kab):
        refuse(
            _("Akun %(username)s tidak berhak mengimpor pengukuran untuk %(kabkota)s.")
            % {"username": username, "kabkota": kab}
        )
    exists = MeasurementRound.objects.filter(kabkota_id=kab, nama=round_name).exists()
    if not exists and not has_permission(scope, Permission.ROUND_MANAGE, kab):
        refuse(
            _(
                "Putaran '%(round)s' belum ada di %(kabkota)s dan akun %(username)s tidak berhak membuatnya; "
                "minta operator kabupaten membuat putaran itu dulu."
            )
            % {"round": round_name, "kabkota": kab, "username": username}
        )
    return user, scope


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
    """Forward to Django's manage.py (e.g. `konvergensi manage migrate`; on the embedded SQLite
    database the first migrate also creates the local secret key in <var>/secret_key)."""
    if ctx.args[:1] == ["migrate"]:
        _ensure_local_secret_key()
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["konvergensi manage", *ctx.args])
