"""`konvergensi plan`: the Aksi 2 plan on spreadsheets, without a database.

``integration`` matches a Tabel 2.3 plan against the planning and budgeting documents given
(``--document renja=FILE`` …; any subset of Renja OPD, RKPD, KUA-PPAS, APBD, APBD-P) with
``konvergensi_core.plan`` (the rules) and ``konvergensi_core.io.plan`` (the readers), and prints the
matrices (Tabel 2.4 and 2.5) as a table, as JSON or as a workbook. Exit codes: 0 done; 1 a file is
refused (its problems printed, under ``problems`` with ``--format json``); 2 a bad option (bad
``--document``, unknown document, missing file) — one Indonesian line, never a traceback.
Registered in ``konvergensi.cli`` (``__init__``) as ``app.add_typer(plan_app, name="plan")``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from konvergensi.cli.common import file_problem_line, refuse_file_problems

plan_app = typer.Typer(
    help="Rencana kegiatan (Aksi 2): integrasi rencana ke Renja OPD, RKPD, KUA-PPAS dan APBD dari berkas "
    "CSV/XLSX, tanpa basis data.",
    no_args_is_help=True,
)

FORMATS = ("table", "json", "xlsx")


def _usage(message: str, format: str) -> NoReturn:
    """A bad option or argument: one Indonesian line (``{"ok": false, "error": …}`` with json), exit 2."""
    if format == "json":
        typer.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
    else:
        typer.echo(f"Galat: {message}", err=True)
    raise typer.Exit(2)


def _documents(specs: list[str], format: str) -> dict[str, Path]:
    from konvergensi_core.plan import DOCUMENTS

    known = ", ".join(DOCUMENTS)
    out: dict[str, Path] = {}
    for spec in specs:
        name, sep, file = spec.partition("=")
        name = name.strip().casefold().replace("_", "-")
        if not sep or not name or not file.strip():
            _usage(f"--document harus berbentuk NAMA=BERKAS (mis. renja=renja.xlsx), bukan '{spec}'.", format)
        if name == "kuappas":
            name = "kua-ppas"
        if name == "apbdp":
            name = "apbd-p"
        if name not in DOCUMENTS:
            _usage(f"Dokumen tidak dikenal: '{name}'. Pilih salah satu: {known}.", format)
        if name in out:
            _usage(f"Dokumen {name} diberikan dua kali.", format)
        out[name] = Path(file.strip())
    return out


def _check_file(path: Path, what: str, format: str) -> None:
    if not path.exists():
        _usage(f"Berkas {what} tidak ditemukan: {path}", format)
    if not path.is_file():
        _usage(f"Berkas {what} bukan berkas biasa: {path}", format)


def _write(output: Path, data: bytes, format: str) -> None:
    from konvergensi_core.io.writers import UnwritableFile, write_atomic

    try:
        write_atomic(output, data)
    except UnwritableFile as exc:
        if format == "json":
            typer.echo(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
        else:
            typer.echo(f"Galat: {exc}", err=True)
        raise typer.Exit(1) from None


@plan_app.command(
    "integration",
    short_help="Matriks integrasi rencana kegiatan (Tabel 2.4 dan 2.5): masuk, sebagian, tidak masuk.",
    help="Mencocokkan setiap baris rencana kegiatan (Tabel 2.3) dengan dokumen perencanaan dan penganggaran: "
    "menurut kode sub kegiatan bila keduanya mempunyai kode, selain itu menurut nama dalam OPD yang sama. "
    "Status per dokumen: masuk (ditemukan, pagu ≥ anggaran rencana, semua lokasi ada), sebagian (pagu "
    "kurang atau lokasi tidak ada), tidak_masuk (tidak ditemukan); baris dokumen di luar rencana ikut "
    "didaftar. Dokumen: renja, rkpd, kua-ppas, apbd, apbd-p (--document NAMA=BERKAS, boleh sebagian). "
    "Format xlsx menulis Tabel 2.4 dan 2.5 ke -o.",
)
def integration(
    plan: Annotated[Path, typer.Argument(help="Rencana kegiatan (Tabel 2.3), CSV atau XLSX")],
    document: Annotated[
        list[str] | None,
        typer.Option("--document", "-d", help="NAMA=BERKAS: renja, rkpd, kua-ppas, apbd atau apbd-p"),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table, json atau xlsx")] = "table",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Berkas hasil (wajib untuk xlsx)")
    ] = None,
    title: Annotated[str, typer.Option("--title", help="Judul di bawah judul tabel (xlsx)")] = "",
) -> None:
    """The integration matrices of a plan (``konvergensi_core.plan.integration``)."""
    from konvergensi_core.io.plan import read_budget_document, read_plan_sheet
    from konvergensi_core.io.writers import same_file
    from konvergensi_core.plan import integration as integrate

    if format not in FORMATS:
        _usage("--format harus table, json atau xlsx.", "table")
    if format == "xlsx" and output is None:
        _usage("Format xlsx memerlukan berkas hasil: -o matriks.xlsx", format)
    files = _documents(document or [], format)
    _check_file(plan, "rencana", format)
    for name, path in files.items():
        _check_file(path, name, format)
    if output is not None and any(same_file(f, output) for f in [plan, *files.values()]):
        _usage(f"Berkas hasil {output} sama dengan berkas masukan; pilih nama lain untuk -o.", format)

    rows, plan_problems = read_plan_sheet(plan)
    found = [(plan, p) for p in plan_problems]
    docs = {}
    for name, path in files.items():
        lines, problems = read_budget_document(path, document=name)
        docs[name] = lines
        found += [(path, p) for p in problems]
    if any(p.is_error for _, p in found):
        refuse_file_problems(found, format)

    result = integrate(rows, docs)
    if format == "json":
        text = json.dumps(result.as_json(), ensure_ascii=False)
        if output is None:
            typer.echo(text)
        else:
            _write(output, (text + "\n").encode("utf-8"), format)
    elif format == "xlsx":
        from konvergensi_core.io.plan_xlsx import write_integration_xlsx

        assert output is not None
        buffer = io.BytesIO()
        write_integration_xlsx(result, buffer, title=title)
        _write(output, buffer.getvalue(), format)
        typer.echo(f"Matriks integrasi: {len(rows)} kegiatan × {len(docs)} dokumen → {output}")
    else:
        text = "\n".join(_table(result))
        if output is None:
            typer.echo(text)
        else:
            _write(output, (text + "\n").encode("utf-8"), format)
    for f, p in found:
        typer.echo(file_problem_line(f, p), err=True)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(result) -> list[str]:
    from konvergensi_core.numbers import id_count
    from konvergensi_core.plan import DOCUMENTS, STATUS_LABELS, Status, format_rupiah

    keys = result.document_keys
    headers = ["No", "Program/Kegiatan", "OPD", "Anggaran", *(DOCUMENTS[k] for k in keys)]
    body = [
        [
            item.row.no,
            _cut(item.row.activity, 40),
            _cut(item.row.opd, 24),
            id_count(item.row.budget),
            *(STATUS_LABELS[item.documents[k].status] for k in keys),
        ]
        for item in result.rows
    ]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i == 3 else c.ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    lines = [line(headers), line(["-" * w for w in widths]), *(line(r) for r in body)]
    if not keys:
        lines += ["", "Tidak ada dokumen: berikan --document renja=BERKAS, rkpd=…, kua-ppas=…, apbd=…"]
    notes = [
        f"  {item.row.no} {DOCUMENTS[k]}: {STATUS_LABELS[m.status].lower()} — {m.reason}"
        for item in result.rows
        for k, m in item.documents.items()
        if m.status is Status.SEBAGIAN
    ]
    if notes:
        lines += ["", "Sebagian:", *notes]
    for k in keys:
        s = result.summary[k]
        lines += [
            "",
            f"{DOCUMENTS[k]}: masuk {s['masuk']} ({format_rupiah(s['budget_masuk'])}), "
            f"sebagian {s['sebagian']} ({format_rupiah(s['budget_sebagian'])}), "
            f"tidak masuk {s['tidak_masuk']} ({format_rupiah(s['budget_tidak_masuk'])}); "
            f"di luar rencana {s['unplanned']} baris ({format_rupiah(s['unplanned_pagu'])})",
        ]
        for d in result.unplanned[k]:
            lines.append(
                f"  di luar rencana: {d.code or '-'} {d.name} ({d.opd or '-'}) {format_rupiah(d.pagu)}"
            )
    return lines
