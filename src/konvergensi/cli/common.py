"""What every command group of ``konvergensi`` shares: the root command that turns every outcome into
one Indonesian line (or one JSON document), the lazy start of Django, and the refusals."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import typer
from typer._click import exceptions as cx  # typer's own copy of click


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


class RootApp(typer.Typer):
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


def setup_django() -> None:
    """Start Django (the settings of ``DJANGO_SETTINGS_MODULE``, by default the app's)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergensi.settings")
    import django

    try:
        django.setup()
    except Exception as exc:  # the settings refused to load: one line, not a traceback
        raise _SetupError(str(exc)) from exc


def fail(message: str, format: str = "text") -> NoReturn:
    """Refuse with one message and exit 1: on stderr, or as ``{"ok": false, "error": …}`` on stdout
    with ``--format json``."""
    if format == "json":
        _json_failure(message)
    else:
        typer.echo(message, err=True)
    raise typer.Exit(1)


def kabkota_or_refuse(kabkota: str, refuse: Callable[[str], object]) -> str:
    """The normalised code of a kabupaten/kota, or ``refuse(message)`` (which must not return)."""
    from konvergensi_core import kode as rules

    try:
        kab = rules.normalise(kabkota)
    except rules.InvalidKode:
        refuse(f"Kode kabupaten/kota tidak dikenal: {kabkota}")
    if rules.level_of(kab) != "kabkota":
        refuse(f"{kab} bukan kode kabupaten/kota.")
    return kab


@dataclass(frozen=True)
class ImportPrinter:
    """How an import command (``data import``, ``measurements import``) ends: the whole payload as
    JSON with ``--format json``, else a line a problem (the first ``limit``), then ``summary(payload)``.

    ``line(problem)`` writes one problem (a :meth:`~konvergensi_core.problems.Problem.as_dict`);
    ``counts`` are the payload's counters, all zero when the command refuses before the pipeline."""

    format: str
    line: Callable[[dict], str]
    summary: Callable[[dict], str]
    counts: tuple[str, ...]
    limit: int | None = None

    def finish(self, payload: dict, code: int) -> NoReturn:
        if self.format == "json":
            typer.echo(json.dumps(payload, ensure_ascii=False, default=str))
        else:
            problems = payload["problems"]
            for problem in problems[: self.limit]:
                typer.echo(self.line(problem))
            if self.limit is not None and len(problems) > self.limit:
                typer.echo(f"… dan {len(problems) - self.limit} masalah lain (pakai --format json)")
            typer.echo(self.summary(payload))
        raise typer.Exit(code)

    def refuse(self, message: str) -> NoReturn:
        """Refuse before (or instead of) the pipeline: one file-level problem, nothing counted, exit 1."""
        from konvergensi_core.problems import file_problem

        self.finish(
            {"ok": False, "problems": [file_problem(message).as_dict()], **dict.fromkeys(self.counts, 0)}, 1
        )


def file_problem_line(file: object, p) -> str:
    """One problem of an input file as a line for stderr: where (file, sheet, row, column), then what."""
    where = [str(file)]
    if p.sheet:
        where.append(f"lembar '{p.sheet}'")
    if p.row is not None:
        where.append(f"baris {p.row}")
    if p.column:
        where.append(f"kolom '{p.column}'")
    prefix = "Masalah" if p.is_error else "Peringatan"
    value = f" [{p.value}]" if p.value else ""
    return f"{prefix} ({', '.join(where)}): {p.message}{value}"


def refuse_file_problems(found: list, format: str) -> NoReturn:
    """Refuse input files for their problems (``(file, problem)`` pairs), exit 1.

    JSON: ``{"ok": false, "problems": [{"file", "sheet", "row", "column", "value", "message"}]}`` with the
    errors only; text: every problem (warnings too) on stderr, then how many errors block the files.
    """
    errors = [(f, p) for f, p in found if p.is_error]
    if format == "json":
        problems = [
            {"file": str(f), "sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value,
             "message": p.message}
            for f, p in errors
        ]  # fmt: skip
        typer.echo(json.dumps({"ok": False, "problems": problems}, ensure_ascii=False))
    else:
        for f, p in found:
            typer.echo(file_problem_line(f, p), err=True)
        typer.echo(f"Berkas ditolak: {len(errors)} masalah harus diperbaiki dulu.", err=True)
    raise typer.Exit(1)
