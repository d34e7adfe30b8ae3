"""`konvergensi assessment`: the penilaian kinerja computed from files, without a database (issue 18).

``score RUBRIK.xlsx NILAI.csv`` reads the rubric (``konvergensi_core.io.assessment.read_rubric``)
and the grades (``read_grades``, district codes checked against the official list shipped in
``konvergensi/data/wilayah/kabkota.csv``), computes the scores with
``konvergensi_core.assessment.score`` and prints them in rank order: ``--format json`` (the
default) a list of ``{"kabkota", "score_document", "score_panel", "score", "class", "rank",
"missing"}`` with scores rounded to 2 decimals; ``table`` a terminal table; ``xlsx`` a workbook
written to ``-o``. A file with any problem (missing, corrupt, unknown letter, indicator or
district …) prints ``{"ok": false, "problems": [{"file", "sheet", "row", "column", "value",
"message"}]}`` (or one line per problem with ``table``/``xlsx``) and exits 1 — never a traceback.
A bad option exits 2. ``template -o RUBRIK.xlsx`` writes the default rubric
(``konvergensi/data/penilaian``). Registered in ``konvergensi.cli`` as
``app.add_typer(assessment_app, name="assessment")``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from konvergensi.cli.common import refuse_file_problems

assessment_app = typer.Typer(
    help="Penilaian kinerja kabupaten/kota: skor, kelas (Berdaya, Berkembang, Bertumbuh) dan peringkat "
    "dari berkas rubrik dan nilai, tanpa basis data.",
    no_args_is_help=True,
)

FORMATS = ("json", "table", "xlsx")
DATA = Path(__file__).resolve().parent.parent / "data"
KABKOTA_CSV = DATA / "wilayah" / "kabkota.csv"
DEFAULT_RUBRIC = DATA / "penilaian"


def _usage(message: str, format: str) -> NoReturn:
    """A bad option: one Indonesian line (``{"ok": false, "error": …}`` with json), exit 2."""
    if format == "json":
        typer.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
    else:
        typer.echo(f"Galat: {message}", err=True)
    raise typer.Exit(2)


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


def _table(results, names: dict[str, str]) -> list[str]:
    from konvergensi_core.io.assessment import RESULT_HEADERS, result_rows

    def shown(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.2f}".replace(".", ",")
        return str(value)

    rows = [[shown(v) for v in row] for row in result_rows(results, names)]
    for row in rows:
        row[2] = row[2] if len(row[2]) <= 30 else row[2][:29] + "…"
        row[7] = row[7] if len(row[7]) <= 40 else row[7][:39] + "…"
    headers = list(RESULT_HEADERS)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    right = {0, 3, 4, 5}

    def line(values: list[str]) -> str:
        cells = [v.rjust(widths[i]) if i in right else v.ljust(widths[i]) for i, v in enumerate(values)]
        return "  ".join(cells).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


@assessment_app.command(
    "score",
    short_help="Skor penilaian kinerja, kelas dan peringkat kabupaten/kota dari RUBRIK.xlsx dan NILAI.csv.",
    help="Menghitung skor penilaian kinerja setiap kabupaten/kota: poin indikator = rata-rata poin huruf "
    "dari para penilai (indikator yang belum dinilai bernilai 0 dan dicatat di daftar missing); skor tahap "
    "(dokumen, panel) = Σ(bobot × poin) ÷ Σ bobot, diskalakan ke 0–100 dengan poin huruf tertinggi; skor "
    "total = rata-rata tertimbang skor tahap; kelas = kelas dengan skor minimum tertinggi yang tidak melebihi "
    "skor; peringkat menurut skor (menurun), seri menurut kode kab/kota. RUBRIK.xlsx: lembar Indikator, "
    "Huruf, Tahap, Kelas. NILAI (CSV atau XLSX): kolom Kabkota, Kode, Penilai, Huruf. Skor dibulatkan ke 2 "
    "desimal hanya untuk keluaran. Berkas bermasalah: daftar masalah dan kode keluar 1.",
)
def score(
    rubrik: Annotated[Path, typer.Argument(help="Rubrik penilaian (RUBRIK.xlsx)", show_default=False)],
    nilai: Annotated[
        Path, typer.Argument(help="Nilai para penilai (NILAI.csv atau .xlsx)", show_default=False)
    ],
    format: Annotated[str, typer.Option("--format", help="json, table atau xlsx")] = "json",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Berkas hasil (wajib untuk xlsx)")
    ] = None,
) -> None:
    """Scores, classes and ranks of the districts graded in NILAI under RUBRIK (no database)."""
    from konvergensi_core.assessment import score as compute
    from konvergensi_core.io.assessment import kabkota_names, read_grades, read_rubric, write_results_xlsx
    from konvergensi_core.io.writers import same_file
    from konvergensi_core.problems import file_problem

    if format not in FORMATS:
        _usage(
            "--format harus json, table atau xlsx.", "json" if format.strip().lower() == "json" else "table"
        )
    if format == "xlsx" and output is None:
        _usage("Format xlsx memerlukan berkas hasil: -o peringkat.xlsx", format)
    if output is not None and any(same_file(f, output) for f in (rubrik, nilai)):
        _usage(f"Berkas hasil {output} sama dengan berkas masukan; pilih nama lain untuk -o.", format)

    rubric, problems = read_rubric(rubrik)
    found = [(rubrik, p) for p in problems if p.is_error]
    if rubric is None:
        if not nilai.is_file():  # say it now too rather than after the rubric is fixed
            found.append((nilai, file_problem(f"Berkas tidak ditemukan: {nilai.name}")))
        refuse_file_problems(found, format)
    names = kabkota_names(KABKOTA_CSV)
    grades, problems = read_grades(nilai, rubric, set(names))
    found += [(nilai, p) for p in problems if p.is_error]
    if found:
        refuse_file_problems(found, format)

    results = compute(rubric, grades)
    if format == "json":
        text = json.dumps([r.as_json() for r in results], ensure_ascii=False)
        if output is None:
            typer.echo(text)
        else:
            _write(output, (text + "\n").encode("utf-8"), format)
    elif format == "xlsx":
        assert output is not None
        _write(output, write_results_xlsx(results, names, title="Peringkat penilaian kinerja"), format)
        typer.echo(f"Penilaian kinerja: {len(results)} kabupaten/kota → {output}")
    else:
        text = "\n".join(_table(results, names))
        if output is None:
            typer.echo(text)
        else:
            _write(output, (text + "\n").encode("utf-8"), format)


@assessment_app.command(
    "template",
    short_help="Menulis rubrik penilaian bawaan sebagai RUBRIK.xlsx.",
    help="Menulis rubrik penilaian kinerja bawaan (indikator per aksi dengan kriteria huruf A–E, poin huruf, "
    "bobot tahap dokumen dan panel, batas kelas Berdaya/Berkembang/Bertumbuh) ke berkas Excel yang dapat "
    "diubah lalu dipakai oleh `konvergensi assessment score`. Batas kelas resmi tidak dipublikasikan: "
    "batas bawaan adalah usulan yang dapat diubah.",
)
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="Berkas Excel yang ditulis (RUBRIK.xlsx)")],
) -> None:
    """Write the default rubric as RUBRIK.xlsx."""
    from konvergensi_core.io.assessment import load_default_rubric, write_rubric_xlsx

    if output.suffix.lower() != ".xlsx":
        _usage("Berkas rubrik harus berakhiran .xlsx (mis. -o RUBRIK.xlsx).", "table")
    rubric = load_default_rubric(DEFAULT_RUBRIC)
    _write(output, write_rubric_xlsx(rubric), "table")
    typer.echo(f"Rubrik bawaan: {len(rubric.indicators)} indikator → {output}")
