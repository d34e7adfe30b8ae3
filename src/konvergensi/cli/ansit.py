"""`konvergensi ansit`: the situation analysis (Aksi 1) on a spreadsheet, without a database.

A thin shell over ``konvergensi_core.ansit`` (the analysis) and ``konvergensi_core.io.ansit_input``
(the reader): ``hotspots`` (stunting distribution, Gambar 1.2–1.4) and ``lokus`` (focus-village
criteria, ranking, selection and the Tabel 1.2 matrix). Exit code 0 on success, 1 when the file or
an option cannot be used; problems are printed (under ``problems`` with ``--format json``), never
a traceback. Registered in ``konvergensi.cli`` (``__init__``) as ``app.add_typer(ansit_app, name="ansit")``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from konvergensi_core.ansit.problems import Problem, has_errors, id_number

ansit_app = typer.Typer(
    help="Analisis situasi (Aksi 1): sebaran stunting dan desa lokasi fokus dari berkas CSV/XLSX, "
    "tanpa basis data.",
    no_args_is_help=True,
)

LEVELS = ("desa", "kecamatan", "puskesmas")


def _fail(message: str, format: str = "table") -> NoReturn:
    """Refuse an option or a file with one message, and exit 1; with ``--format json`` the message is
    one blocking problem of the usual refusal document ``{"problems": [...]}``."""
    if format == "json":
        _refuse([Problem(None, "", "", message)], format=format)
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _problem_line(p: Problem) -> str:
    where = []
    if p.row is not None:
        where.append(f"baris {p.row}")
    if p.column:
        where.append(f"kolom '{p.column}'")
    prefix = "Peringatan" if not p.blocking else "Masalah"
    place = f" ({', '.join(where)})" if where else ""
    value = f" [{p.value}]" if p.value else ""
    return f"{prefix}{place}: {p.message}{value}"


def _emit(text: str, output: Path | None, format: str = "table") -> None:
    """Print ``text``, or write it to ``output`` whole (a temporary file moved into place)."""
    from konvergensi_core.io.writers import UnwritableFile, write_atomic

    if output is None:
        typer.echo(text)
        return
    try:
        write_atomic(output, (text + "\n").encode("utf-8"))
    except UnwritableFile as exc:
        _fail(f"Berkas hasil tidak dapat ditulis: {output} ({exc}).", format)


def _check_output(file: Path, output: Path | None, format: str) -> None:
    """Refuse an output that is the input file (the same path, or a link to it)."""
    from konvergensi_core.io.writers import same_file

    if output is not None and same_file(file, output):
        _fail(f"Berkas hasil {output} sama dengan berkas masukan; pilih nama lain untuk -o.", format)


def _json(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)


def _refuse(problems: list[Problem], *, format: str, extra: dict | None = None) -> NoReturn:
    """Print the problems of a file that cannot be analysed, and exit 1."""
    if format == "json":
        typer.echo(_json({**(extra or {}), "problems": [p.as_dict() for p in problems]}))
    else:
        for p in problems:
            typer.echo(_problem_line(p), err=True)
        errors = sum(p.blocking for p in problems)
        typer.echo(f"Berkas ditolak: {errors} masalah harus diperbaiki dulu.", err=True)
    raise typer.Exit(1)


def _warn(problems: list[Problem]) -> None:
    for p in problems:
        typer.echo(_problem_line(p), err=True)


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _flag(value: bool | None) -> str:
    return "t.a." if value is None else ("ya" if value else "-")


def _count(value: float | None) -> str:
    return "–" if value is None else id_number(value, 0)


@ansit_app.command(
    "hotspots",
    short_help="Sebaran stunting dan wilayah hotspot (Gambar 1.2–1.4), rekomendasi analisis situasi.",
    help="Sebaran stunting: rata-rata prevalensi wilayah (angka kabupaten/kota) dan prevalensi gabungan, "
    "wilayah di atas rata-rata dan yang signifikan (prevalensi dan jumlah kasus), serta rekomendasi "
    "analisis situasi (khusus, perhatian khusus atau umum). Berkas: satu baris per wilayah dengan "
    "kolom wilayah, jumlah kasus, dan prevalensi (%) atau jumlah diukur.",
)
def hotspots(
    file: Annotated[Path, typer.Argument(help="Berkas CSV atau XLSX")],
    level: Annotated[
        str, typer.Option("--level", help="Tingkat wilayah: desa, kecamatan atau puskesmas")
    ] = "desa",
    margin: Annotated[
        float, typer.Option("--margin", help="Batas signifikan di atas rata-rata (0.5 = 50 %)")
    ] = 0.5,
    format: Annotated[str, typer.Option("--format", help="table atau json")] = "table",
    sheet: Annotated[str | None, typer.Option("--sheet", help="Lembar XLSX (bawaan: lembar pertama)")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Tulis hasil ke berkas ini")] = None,
) -> None:
    """The stunting distribution of a file (``konvergensi_core.ansit.hotspots``)."""
    from konvergensi_core.ansit.hotspots import LEVEL_LABEL, Level, analyse_hotspots, data_gap_notes
    from konvergensi_core.io.ansit_input import read_hotspot_file

    if format not in ("table", "json"):
        _fail("--format harus table atau json.")
    if level not in LEVELS:
        _fail("--level harus desa, kecamatan atau puskesmas.", format)
    if not (margin >= 0 and margin != float("inf")):
        _fail("--margin harus angka ≥ 0 (0.5 = 50 % di atas rata-rata).", format)
    _check_output(file, output, format)
    data = read_hotspot_file(file, level=level, sheet=sheet)
    head = {"level": level, "margin": margin}
    if has_errors(data.problems):
        _refuse(data.problems, format=format, extra=head)
    result = analyse_hotspots(
        data.units,
        cases=data.cases,
        measured=data.measured,
        prevalence=data.prevalence,
        margin=margin,
        rows=data.rows,
        columns=data.columns,
    )
    problems = data.problems + result.problems
    if has_errors(result.problems):
        _refuse(problems, format=format, extra=head)
    if format == "json":
        _emit(
            _json({**head, **result.as_dict(), "problems": [p.as_dict() for p in problems]}), output, format
        )
        return

    names = dict(zip(data.units, data.names, strict=True)) if data.names else {}
    label = LEVEL_LABEL[Level(level)]
    headers = [label] + (["Nama"] if names else [])
    headers += [
        "Prevalensi (%)",
        "Kasus",
        "Prev > rata2",
        "Prev signifikan",
        "Kasus > rata2",
        "Kasus signifikan",
    ]
    rows = []
    for u in result.units:
        rows.append(
            [u.unit]
            + ([names.get(u.unit, "")] if names else [])
            + [
                id_number(u.prevalence),
                _count(u.cases),
                _flag(u.above_mean_prevalence),
                _flag(u.significant_prevalence),
                _flag(u.above_mean_cases),
                _flag(u.significant_cases),
            ]
        )
    start = 2 if names else 1
    pct = margin * 100
    lines = [
        f"Sebaran stunting per {label.lower()}: {len(result.units)} wilayah; "
        f"signifikan = lebih dari {id_number(pct, 0 if pct.is_integer() else 1)} % di atas rata-rata",
        "",
        *_table(headers, rows, right=set(range(start, start + 2))),
        "",
    ]
    counts = result.counts()
    if result.mean_prevalence is not None:
        lines.append(
            f"Rata-rata prevalensi (angka kabupaten/kota): {id_number(result.mean_prevalence)} %; "
            f"ambang signifikan: {id_number(result.prevalence_threshold)} %; "
            f"{counts['above_mean_prevalence']} wilayah di atas rata-rata, "
            f"{counts['significant_prevalence']} signifikan"
        )
    else:
        lines.append("Prevalensi: tidak ada data.")
    if result.pooled_prevalence is not None:
        lines.append(
            f"Prevalensi gabungan (total kasus / total diukur): {id_number(result.pooled_prevalence)} %"
        )
    if result.mean_cases is not None:
        lines.append(
            f"Rata-rata jumlah kasus: {id_number(result.mean_cases)}; "
            f"ambang signifikan: {id_number(result.cases_threshold)}; "
            f"{counts['above_mean_cases']} wilayah di atas rata-rata, {counts['significant_cases']} signifikan"
        )
    else:
        lines.append("Jumlah kasus: tidak ada data.")
    lines.append(f"Rekomendasi: {result.recommendation.label}")
    if result.separate_analysis:
        lines.append(f"  Calon analisis situasi tersendiri (khusus): {', '.join(result.separate_analysis)}")
    if result.special_attention:
        lines.append(f"  Wilayah yang memerlukan perhatian khusus: {', '.join(result.special_attention)}")
    for note in data_gap_notes(level):
        lines.append(f"Catatan untuk Aksi 6: {note}")
    _emit("\n".join(lines), output)
    _warn(problems)


@ansit_app.command(
    "lokus",
    short_help="Desa lokasi fokus: kriteria, peringkat, pemilihan dan matriks prioritisasi (Tabel 1.2).",
    help="Desa lokasi fokus: tiga kriteria (prevalensi di atas rata-rata, kasus di atas rata-rata, lebih "
    "dari 50 % indikator utama bercakupan rendah), peringkat (jumlah indikator bercakupan rendah, "
    "prevalensi, kasus) dan pemilihan jumlah lokus. Berkas: satu baris per desa dengan kolom desa, jumlah "
    "kasus, prevalensi (%) atau jumlah diukur, dan cakupan (%) tiap indikator utama (U01, U02, …). "
    "Format xlsx menulis matriks prioritisasi (Tabel 1.2) ke -o.",
)
def lokus(
    file: Annotated[Path, typer.Argument(help="Berkas CSV atau XLSX")],
    eligibility: Annotated[
        str,
        typer.Option("--eligibility", help="Syarat kriteria: any (salah satu), all (ketiganya) atau angka K"),
    ] = "any",
    top: Annotated[int | None, typer.Option("--top", help="Pilih N desa layak teratas sebagai lokus")] = None,
    share: Annotated[
        float | None,
        typer.Option("--share", help="Pilih lokus sebanyak persentase ini dari seluruh desa (mis. 20)"),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option("--budget", help="Pilih lokus menurut urutan selama biaya kumulatif ≤ anggaran"),
    ] = None,
    cost: Annotated[
        float | None,
        typer.Option("--cost", help="Perkiraan biaya per desa (bawaan: kolom 'Biaya' berkas) untuk --budget"),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table, json atau xlsx")] = "table",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Berkas hasil (wajib untuk xlsx)")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Lembar XLSX (bawaan: lembar pertama)")] = None,
) -> None:
    """Focus-village criteria, ranking and selection of a file (``konvergensi_core.ansit.lokus``)."""
    from konvergensi_core.ansit.lokus import parse_eligibility, rank_lokus, select_lokus
    from konvergensi_core.ansit.matrix import prioritisation_matrix
    from konvergensi_core.io.ansit_input import read_lokus_file
    from konvergensi_core.io.ansit_xlsx import write_matrix_xlsx
    from konvergensi_core.io.writers import UnwritableFile, write_atomic

    if format not in ("table", "json", "xlsx"):
        _fail("--format harus table, json atau xlsx.")
    if format == "xlsx" and output is None:
        _fail("Format xlsx memerlukan berkas hasil: -o matriks.xlsx")
    try:
        k = parse_eligibility(eligibility)
    except ValueError as exc:
        _fail(f"--eligibility: {exc}.", format)
    chosen = [name for name, v in (("--top", top), ("--share", share), ("--budget", budget)) if v is not None]
    if len(chosen) > 1:
        _fail(f"Pilih satu cara menentukan jumlah lokus saja, bukan {' dan '.join(chosen)}.", format)
    if top is not None and top < 0:
        _fail("--top harus bilangan bulat ≥ 0.", format)
    if share is not None and not 0 < share <= 100:
        _fail("--share harus persentase lebih dari 0 dan paling banyak 100.", format)
    if budget is not None and not (budget >= 0 and budget != float("inf")):
        _fail("--budget harus angka ≥ 0.", format)
    if cost is not None and not (cost >= 0 and cost != float("inf")):
        _fail("--cost harus angka ≥ 0.", format)
    _check_output(file, output, format)

    data = read_lokus_file(file, sheet=sheet)
    if has_errors(data.problems):
        _refuse(data.problems, format=format)
    ranking = rank_lokus(
        data.units,
        prevalence=data.prevalence,
        cases=data.cases,
        measured=data.measured,
        coverage=data.coverage,
        eligibility=k,
        indicator_labels=data.indicator_labels,
        rows=data.rows,
        columns=data.columns,
    )
    if top is not None:
        ranking = select_lokus(ranking, count=top)
    elif share is not None:
        ranking = select_lokus(ranking, share=share / 100)
    elif budget is not None:
        if cost is None and data.cost is None:
            _fail("--budget memerlukan --cost (biaya per desa) atau kolom 'Biaya' di berkas.", format)
        per_desa = cost if cost is not None else dict(zip(data.units, data.cost or [], strict=True))
        ranking = select_lokus(ranking, budget=budget, cost=per_desa)  # type: ignore[arg-type]
    problems = data.problems + [p for p in ranking.problems if p not in data.problems]
    if has_errors(problems):
        _refuse(problems, format=format)

    names = dict(zip(data.units, data.names, strict=True)) if data.names else {}
    if format == "json":
        _emit(_json(ranking.as_list()), output, format)
    elif format == "xlsx":
        assert output is not None
        matrix = prioritisation_matrix(ranking)
        buffer = io.BytesIO()
        write_matrix_xlsx(matrix, buffer, names=names or None, title="Matriks Prioritisasi Desa Lokasi Fokus")
        try:
            write_atomic(output, buffer.getvalue())
        except UnwritableFile as exc:
            _fail(f"Berkas hasil tidak dapat ditulis: {output} ({exc}).")
        typer.echo(
            f"Matriks prioritisasi: {len(matrix.rows)} desa × {len(matrix.indicators)} indikator → {output}"
        )
    else:
        _emit("\n".join(_lokus_table(ranking, names)), output)
    _warn(problems)


def _lokus_table(ranking, names: dict[str, str]) -> list[str]:
    headers = ["Peringkat", "Desa"] + (["Nama"] if names else [])
    headers += ["Prevalensi (%)", "Kasus", "Cakupan rendah", "Kriteria", "Layak"]
    selecting = ranking.selection is not None
    if selecting:
        headers.append("Lokus")
    rows = []
    for d in ranking.desa:
        crit = d.criteria
        met = [str(i) for i, ok in enumerate(crit.as_dict().values(), start=1) if ok]
        row = [str(d.rank), d.desa] + ([names.get(d.desa, "")] if names else [])
        row += [
            id_number(d.prevalence),
            _count(d.cases),
            f"{d.low_coverage_count}/{d.coverage_count}",
            ",".join(met) or "-",
            "ya" if d.eligible else "-",
        ]
        if selecting:
            row.append("ya" if d.selected else "-")
        rows.append(row)
    offset = 1 if names else 0
    lines = _table(headers, rows, right={0, 2 + offset, 3 + offset, 4 + offset})
    eligibility = {1: "salah satu kriteria", 3: "ketiga kriteria"}.get(ranking.eligibility)
    lines += [
        "",
        f"Rata-rata prevalensi desa: {id_number(ranking.mean_prevalence)} %; "
        f"rata-rata jumlah kasus: {id_number(ranking.mean_cases)}",
        "Kriteria: 1 = prevalensi di atas rata-rata, 2 = kasus di atas rata-rata, "
        "3 = lebih dari 50 % indikator utama bercakupan rendah (dari indikator yang berdata)",
        f"Layak: memenuhi {eligibility or f'sedikitnya {ranking.eligibility} kriteria'}; "
        f"{len(ranking.eligible)} dari {len(ranking.desa)} desa",
    ]
    sel = ranking.selection
    if sel is not None:
        how = {
            "count": f"{sel.target} desa layak teratas",
            "share": f"{id_number(sel.value * 100)} % dari {len(ranking.desa)} desa = {sel.target} desa",
            "budget": f"anggaran {id_number(sel.value, 0)}, terpakai {id_number(sel.total_cost, 0)}",
        }[sel.method]
        lines.append(f"Lokus terpilih: {sel.selected} desa ({how})")
    return lines
