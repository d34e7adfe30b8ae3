"""Files of the penilaian kinerja: the rubric workbook (RUBRIK.xlsx), the grades (NILAI.csv/.xlsx),
the default rubric shipped as CSV files, and the rubric written back as a workbook (issue 18).

RUBRIK.xlsx has four sheets (headers matched ignoring case, spaces and punctuation; a header row
may sit below title lines):

* ``Indikator``: ``Kode``, ``Aksi`` (1–8), ``Tahap`` (``dokumen`` or ``panel``), ``Bobot`` (> 0),
  ``Uraian`` and, optionally, one ``Kriteria A``, ``Kriteria B`` … column per letter;
* ``Huruf``: ``Huruf``, ``Poin`` (≥ 0);
* ``Tahap``: ``Tahap``, ``Bobot`` (≥ 0);
* ``Kelas``: ``Kelas``, ``Skor Minimum`` (0–100; any order, sorted ascending here).

NILAI has the columns ``Kabkota`` (the kab/kota code, ``32.04`` or ``3204``), ``Kode`` (the
indicator), ``Penilai`` (the assessor) and ``Huruf``. Numbers accept a decimal comma and a trailing
``%``. Nothing raises because of a file: every problem is a
:class:`konvergensi_core.problems.Problem` naming the sheet, the row as the spreadsheet shows it,
the column and the value, and the result is all or nothing (``None`` / no grades when there is
any problem). Workbooks go through the safe reader (``konvergensi_core.io.xlsx``: macros,
passwords, zip bombs and old formats refused).
"""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction
from pathlib import Path

from ..assessment import Grade, Rubric, RubricIndicator, validate_rubric
from ..kode import InvalidKode, level_of, normalise
from ..problems import Problem, file_problem
from .ansit_input import CSV_EXTENSIONS, key, parse_number
from .cells import safe_text
from .table import Table, columns_shown
from .xlsx import XlsxRejected, sheet_names

SHEETS = ("Indikator", "Huruf", "Tahap", "Kelas")
# The default rubric's files in ``src/konvergensi/data/penilaian/``: one CSV per sheet.
DEFAULT_FILES = {
    "Indikator": "indikator.csv",
    "Huruf": "huruf.csv",
    "Tahap": "tahap.csv",
    "Kelas": "kelas.csv",
}

_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "Indikator": {
        "kode": ("kode", "kodeindikator"),
        "aksi": ("aksi",),
        "tahap": ("tahap",),
        "bobot": ("bobot",),
        "uraian": ("uraian", "indikator", "uraianindikator"),
    },
    "Huruf": {"huruf": ("huruf", "nilai", "nilaihuruf"), "poin": ("poin", "point", "skor")},
    "Tahap": {"tahap": ("tahap",), "bobot": ("bobot",)},
    "Kelas": {"kelas": ("kelas", "klasifikasi"), "minimum": ("skorminimum", "minimum", "skormin")},
}
_REQUIRED = {
    "Indikator": ("kode", "aksi", "tahap", "bobot"),
    "Huruf": ("huruf", "poin"),
    "Tahap": ("tahap", "bobot"),
    "Kelas": ("kelas", "minimum"),
}
_HEADERS = {
    "Indikator": "Kode, Aksi, Tahap, Bobot, Uraian",
    "Huruf": "Huruf, Poin",
    "Tahap": "Tahap, Bobot",
    "Kelas": "Kelas, Skor Minimum",
}
GRADE_COLUMNS = {
    "kabkota": ("kabkota", "kodekabkota", "kabupatenkota", "kodekabupatenkota"),
    "kode": ("kode", "kodeindikator", "indikator"),
    "penilai": ("penilai", "asesor", "namapenilai"),
    "huruf": ("huruf", "nilai", "nilaihuruf"),
}
_CRITERION = re.compile(r"kriteria([a-z]{1,3})")


def _number(text: object) -> Fraction | None:
    """A typed number as an exact Fraction (``12,5`` → 25/2; ``60%`` → 60); None when it is not one."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return Fraction(text)
    if isinstance(text, float):
        return Fraction(repr(text)) if text == text and abs(text) != float("inf") else None
    value, reason = parse_number(str(text))
    if value is None or reason:
        return None
    return Fraction(repr(value))


def _table(path: Path, sheet: str | None, name: str) -> Table:
    roles = _COLUMNS[name]
    required = _REQUIRED[name]
    return Table(
        path,
        aliases=roles,
        prefixes={},
        ready=lambda found: all(r in found for r in required),
        missing=lambda first: (
            f"Lembar {name} harus berkolom {_HEADERS[name]}; kolom yang ada: {columns_shown(first)}."
        ),
        sheet=sheet,
    )


class _Sheet:
    """One sheet's rows and the problems found in it."""

    def __init__(self, table: Table, name: str, problems: list[Problem]) -> None:
        self.table = table
        self.name = name
        self.problems = problems

    def problem(self, row: int | None, role: str, value: object, message: str) -> None:
        self.problems.append(
            Problem(
                sheet=self.table.sheet or self.name,
                row=row,
                column=self.table.column(role) or role,
                value="" if value is None else str(value),
                message=message,
            )
        )

    def required_text(self, row: int, values: tuple, role: str, what: str) -> str | None:
        text = self.table.text(values, role)
        if not text:
            self.problem(row, role, "", f"{what} kosong.")
            return None
        return text

    def number(self, row: int, values: tuple, role: str, what: str) -> Fraction | None:
        raw = self.table.cell(values, role)
        text = self.table.text(values, role)
        if not text:
            self.problem(row, role, "", f"{what} kosong.")
            return None
        value = _number(raw if isinstance(raw, int | float) else text)
        if value is None:
            self.problem(row, role, text, f"{what} bukan angka.")
        return value


_STAGE_NAMES = {
    "dokumen": "dokumen",
    "penilaiandokumen": "dokumen",
    "panel": "panel",
    "presentasi": "panel",
    "presentasipanel": "panel",
}


def _stage(text: str) -> str | None:
    """``dokumen`` or ``panel`` from what was typed (case, spaces and punctuation ignored)."""
    return _STAGE_NAMES.get(key(text))


def _read_letters(sheet: _Sheet) -> dict[str, Fraction]:
    letters: dict[str, Fraction] = {}
    rows: dict[str, int] = {}
    for row, values in sheet.table.rows:
        letter = sheet.required_text(row, values, "huruf", "Huruf")
        points = sheet.number(row, values, "poin", "Poin")
        if letter is None:
            continue
        letter = letter.upper()
        if letter in rows:
            sheet.problem(row, "huruf", letter, f"Huruf {letter} sudah ada di baris {rows[letter]}.")
            continue
        rows[letter] = row
        if points is not None and points < 0:
            sheet.problem(row, "poin", sheet.table.text(values, "poin"), "Poin tidak boleh negatif.")
        elif points is not None:
            letters[letter] = points
    if not sheet.table.rows and not sheet.table.problems:
        sheet.problem(None, "huruf", "", "Lembar Huruf belum berisi huruf nilai.")
    return letters


def _read_stages(sheet: _Sheet) -> dict[str, Fraction]:
    stages: dict[str, Fraction] = {}
    rows: dict[str, int] = {}
    for row, values in sheet.table.rows:
        text = sheet.required_text(row, values, "tahap", "Tahap")
        weight = sheet.number(row, values, "bobot", "Bobot")
        if text is None:
            continue
        stage = _stage(text)
        if stage is None:
            sheet.problem(row, "tahap", text, "Tahap tidak dikenal: pilih dokumen atau panel.")
            continue
        if stage in rows:
            sheet.problem(row, "tahap", text, f"Tahap {stage} sudah ada di baris {rows[stage]}.")
            continue
        rows[stage] = row
        if weight is not None and weight < 0:
            sheet.problem(row, "bobot", sheet.table.text(values, "bobot"), "Bobot tahap tidak boleh negatif.")
        elif weight is not None:
            stages[stage] = weight
    return stages


def _read_classes(sheet: _Sheet) -> tuple[tuple[str, Fraction], ...]:
    classes: list[tuple[str, Fraction]] = []
    names: dict[str, int] = {}
    minimums: dict[Fraction, int] = {}
    for row, values in sheet.table.rows:
        name = sheet.required_text(row, values, "kelas", "Nama kelas")
        minimum = sheet.number(row, values, "minimum", "Skor minimum")
        if name is None or minimum is None:
            continue
        if name.casefold() in names:
            sheet.problem(row, "kelas", name, f"Kelas {name} sudah ada di baris {names[name.casefold()]}.")
            continue
        names[name.casefold()] = row
        if not 0 <= minimum <= 100:
            text = sheet.table.text(values, "minimum")
            sheet.problem(row, "minimum", text, "Skor minimum harus 0 sampai 100.")
            continue
        if minimum in minimums:
            sheet.problem(
                row,
                "minimum",
                sheet.table.text(values, "minimum"),
                f"Skor minimum ini sama dengan kelas di baris {minimums[minimum]}; setiap kelas perlu batas sendiri.",
            )
            continue
        minimums[minimum] = row
        classes.append((name, minimum))
    if not sheet.table.rows and not sheet.table.problems:
        sheet.problem(None, "kelas", "", "Lembar Kelas belum berisi kelas.")
    return tuple(sorted(classes, key=lambda c: c[1]))


def _read_indicators(
    sheet: _Sheet, letters: dict[str, Fraction], stages: dict[str, Fraction]
) -> tuple[RubricIndicator, ...]:
    table = sheet.table
    criteria: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        found = _CRITERION.fullmatch(key(header))
        if found and index not in table.roles.values():
            letter = found.group(1).upper()
            if letters and letter not in letters:
                sheet.problems.append(
                    Problem(
                        sheet=table.sheet,
                        row=table.header_row,
                        column=header,
                        value=header,
                        message=f"Kolom kriteria untuk huruf {letter}, padahal huruf itu tidak ada di lembar Huruf.",
                    )
                )
            criteria[letter] = index
    indicators: list[RubricIndicator] = []
    codes: dict[str, int] = {}
    for row, values in table.rows:
        kode = sheet.required_text(row, values, "kode", "Kode indikator")
        aksi_number = sheet.number(row, values, "aksi", "Aksi")
        stage_text = sheet.required_text(row, values, "tahap", "Tahap")
        weight = sheet.number(row, values, "bobot", "Bobot")
        ok = kode is not None and aksi_number is not None and stage_text is not None and weight is not None
        if kode is not None:
            if kode in codes:
                sheet.problem(row, "kode", kode, f"Kode indikator {kode} sudah ada di baris {codes[kode]}.")
                ok = False
            codes.setdefault(kode, row)
        if aksi_number is not None and (aksi_number.denominator != 1 or not 1 <= aksi_number <= 8):
            sheet.problem(row, "aksi", table.text(values, "aksi"), "Aksi harus bilangan bulat 1 sampai 8.")
            ok = False
        stage = _stage(stage_text) if stage_text is not None else None
        if stage_text is not None and stage is None:
            sheet.problem(row, "tahap", stage_text, "Tahap tidak dikenal: pilih dokumen atau panel.")
            ok = False
        elif stage is not None and stage not in stages:
            sheet.problem(row, "tahap", stage_text, f"Tahap {stage} belum diberi bobot di lembar Tahap.")
            ok = False
        if weight is not None and weight <= 0:
            sheet.problem(row, "bobot", table.text(values, "bobot"), "Bobot indikator harus lebih dari 0.")
            ok = False
        if not ok:
            continue
        assert kode is not None and aksi_number is not None and stage is not None and weight is not None
        texts = {
            letter: " ".join(str(values[i]).split())
            for letter, i in criteria.items()
            if i < len(values) and values[i] is not None and str(values[i]).strip()
        }
        indicators.append(
            RubricIndicator(
                kode=kode,
                aksi=int(aksi_number),
                tahap=stage,
                bobot=weight,
                uraian=table.text(values, "uraian"),
                kriteria=texts,
            )
        )
    if not table.rows and not table.problems:
        sheet.problem(None, "kode", "", "Lembar Indikator belum berisi indikator.")
    return tuple(indicators)


def _read_tables(tables: dict[str, Table]) -> tuple[Rubric | None, list[Problem]]:
    problems: list[Problem] = []
    for table in tables.values():
        problems += table.problems
    sheets = {name: _Sheet(table, name, problems) for name, table in tables.items()}
    letters = _read_letters(sheets["Huruf"])
    stages = _read_stages(sheets["Tahap"])
    classes = _read_classes(sheets["Kelas"])
    indicators = _read_indicators(sheets["Indikator"], letters, stages)
    if problems:
        return None, problems
    rubric = Rubric(indicators=indicators, letters=letters, stages=stages, classes=classes)
    rest = validate_rubric(rubric)
    if rest:
        return None, [file_problem(message) for message in rest]
    return rubric, []


def read_rubric(source: Path | str) -> tuple[Rubric | None, list[Problem]]:
    """The rubric of a RUBRIK.xlsx workbook, or None and every problem found in it."""
    path = Path(source)
    if not path.is_file():
        return None, [
            file_problem(
                f"Berkas tidak ditemukan: {path.name}" if not path.exists() else f"Bukan berkas: {path.name}"
            )
        ]
    if path.suffix.lower() != ".xlsx":
        return None, [
            file_problem("Rubrik harus berkas Excel .xlsx dengan lembar Indikator, Huruf, Tahap dan Kelas.")
        ]
    try:
        with path.open("rb") as fh:
            names = sheet_names(fh)
    except XlsxRejected as exc:
        return None, [file_problem(str(exc))]
    except OSError as exc:
        return None, [file_problem(f"Berkas tidak dapat dibuka: {exc.strerror or 'galat'}.")]
    by_key = {key(n): n for n in names}
    missing = [s for s in SHEETS if key(s) not in by_key]
    if missing:
        return None, [
            file_problem(
                f"Lembar {', '.join(missing)} tidak ada. Rubrik perlu lembar {', '.join(SHEETS)}; "
                f"lembar dalam berkas: {', '.join(names) or '-'}."
            )
        ]
    tables = {s: _table(path, by_key[key(s)], s) for s in SHEETS}
    return _read_tables(tables)


def load_default_rubric(folder: Path) -> Rubric:
    """The rubric of a folder of CSV files (``indikator.csv``, ``huruf.csv``, ``tahap.csv``,
    ``kelas.csv``, the sheets' columns): the default rubric shipped in
    ``src/konvergensi/data/penilaian``. Raises :class:`ValueError` listing the problems when the
    files are wrong (shipped data: a bug, not user input)."""
    folder = Path(folder)
    tables = {name: _table(folder / file, None, name) for name, file in DEFAULT_FILES.items()}
    rubric, problems = _read_tables(tables)
    if rubric is None:
        lines = [f"{p.sheet or '-'} baris {p.row or '-'} {p.column}: {p.message}" for p in problems]
        raise ValueError("Rubrik bawaan tidak sah:\n" + "\n".join(lines))
    return rubric


def read_grades(
    source: Path | str, rubric: Rubric, kabkota_known: set[str] | None = None
) -> tuple[list[Grade], list[Problem]]:
    """The grades of a NILAI.csv (or .xlsx, first sheet or one named ``Nilai``) checked against the
    rubric and, when given, the official kab/kota codes; no grades when there is any problem."""
    path = Path(source)
    if not path.exists():
        return [], [file_problem(f"Berkas tidak ditemukan: {path.name}")]
    table = Table(
        path,
        aliases=GRADE_COLUMNS,
        prefixes={},
        ready=lambda found: all(r in found for r in GRADE_COLUMNS),
        missing=lambda first: (
            f"Berkas nilai harus berkolom Kabkota, Kode, Penilai, Huruf; kolom yang ada: {columns_shown(first)}."
        ),
        sheet=None if path.suffix.lower().lstrip(".") in CSV_EXTENSIONS else "Nilai",
    )
    if table.problems:
        return [], list(table.problems)
    problems: list[Problem] = []
    sheet = _Sheet(table, "", problems)
    codes = {i.kode for i in rubric.indicators}
    grades: list[Grade] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row, values in table.rows:
        raw_kabkota = sheet.required_text(row, values, "kabkota", "Kode kab/kota")
        kode = sheet.required_text(row, values, "kode", "Kode indikator")
        penilai = sheet.required_text(row, values, "penilai", "Penilai")
        letter = sheet.required_text(row, values, "huruf", "Huruf")
        kabkota = None
        if raw_kabkota is not None:
            try:
                kabkota = normalise(raw_kabkota)
                if level_of(kabkota) != "kabkota":
                    raise InvalidKode(kabkota)
            except InvalidKode:
                sheet.problem(
                    row, "kabkota", raw_kabkota, "Bukan kode kabupaten/kota (contoh: 32.04 atau 3204)."
                )
                kabkota = None
            else:
                if kabkota_known is not None and kabkota not in kabkota_known:
                    sheet.problem(
                        row,
                        "kabkota",
                        raw_kabkota,
                        f"Kode kabupaten/kota {kabkota} tidak ada dalam daftar resmi.",
                    )
                    kabkota = None
        if kode is not None and kode not in codes:
            sheet.problem(row, "kode", kode, f"Indikator {kode} tidak ada dalam rubrik.")
            kode = None
        if letter is not None:
            letter = letter.upper()
            if letter not in rubric.letters:
                allowed = ", ".join(rubric.letters)
                sheet.problem(row, "huruf", letter, f"Huruf {letter} tidak dikenal; pilih {allowed}.")
                letter = None
        if kabkota is None or kode is None or penilai is None or letter is None:
            continue
        triple = (kabkota, kode, penilai.casefold())
        if triple in seen:
            sheet.problem(
                row,
                "penilai",
                penilai,
                f"{penilai} sudah menilai indikator {kode} untuk {kabkota} di baris {seen[triple]}.",
            )
            continue
        seen[triple] = row
        grades.append(Grade(kabkota=kabkota, kode=kode, penilai=penilai, huruf=letter))
    if not table.rows:
        problems.append(file_problem("Berkas nilai belum berisi nilai.", sheet=table.sheet))
    return ([] if problems else grades), problems


def known_kabkota(path: Path | str) -> set[str]:
    """The kab/kota codes of the official list (``data/wilayah/kabkota.csv``: a ``kode`` column)."""
    return set(kabkota_names(path))


def _cell(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def write_rubric_xlsx(rubric: Rubric) -> bytes:
    """The rubric as a RUBRIK.xlsx workbook that :func:`read_rubric` reads back."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    letters = list(rubric.letters)
    sheets = {
        "Indikator": (
            ["Kode", "Aksi", "Tahap", "Bobot", "Uraian", *(f"Kriteria {letter}" for letter in letters)],
            [
                [i.kode, i.aksi, i.tahap, _cell(i.bobot), i.uraian, *(i.kriteria.get(x, "") for x in letters)]
                for i in rubric.indicators
            ],
        ),
        "Huruf": (["Huruf", "Poin"], [[letter, _cell(p)] for letter, p in rubric.letters.items()]),
        "Tahap": (["Tahap", "Bobot"], [[s, _cell(w)] for s, w in rubric.stages.items()]),
        "Kelas": (["Kelas", "Skor Minimum"], [[name, _cell(m)] for name, m in rubric.classes]),
    }
    first = True
    for name, (headers, rows) in sheets.items():
        ws = wb.active if first else wb.create_sheet(name)
        assert ws is not None
        ws.title = name
        first = False
        for c, text in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=c, value=text)
            cell.font, cell.fill = bold, fill
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=safe_text(value))
                if isinstance(value, str) and len(value) > 40:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c in range(1, len(headers) + 1):
            letter = ws.cell(row=1, column=c).column_letter
            ws.column_dimensions[letter].width = (
                50 if headers[c - 1].startswith(("Uraian", "Kriteria")) else 14
            )
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


RESULT_HEADERS = (
    "Peringkat",
    "Kode Kab/Kota",
    "Kabupaten/Kota",
    "Skor Dokumen",
    "Skor Panel",
    "Skor",
    "Kelas",
    "Indikator Belum Dinilai",
)


def result_rows(results, names: dict[str, str] | None = None) -> list[list[object]]:
    """One row per result (RESULT_HEADERS), scores rounded to 2 decimals for display."""
    from ..assessment import display

    names = names or {}
    return [
        [
            r.rank,
            r.kabkota,
            names.get(r.kabkota, ""),
            display(r.score_document),
            display(r.score_panel),
            display(r.score),
            r.klass or "",
            ", ".join(r.missing),
        ]
        for r in results
    ]


def write_results_xlsx(results, names: dict[str, str] | None = None, *, title: str = "") -> bytes:
    """The ranking as a workbook: sheet ``Peringkat`` with RESULT_HEADERS (a title line above when given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Peringkat"
    row = 1
    if title:
        ws.cell(row=1, column=1, value=safe_text(title)).font = Font(bold=True)
        row = 3
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for c, text in enumerate(RESULT_HEADERS, start=1):
        cell = ws.cell(row=row, column=c, value=text)
        cell.font, cell.fill = bold, fill
    for r, values in enumerate(result_rows(results, names), start=row + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=safe_text(value))
            if c in (4, 5, 6):
                cell.number_format = "0.00"
    for c, width in enumerate((10, 14, 34, 13, 13, 10, 14, 40), start=1):
        ws.column_dimensions[ws.cell(row=row, column=c).column_letter].width = width
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def kabkota_names(path: Path | str) -> dict[str, str]:
    """kode → nama from the official list (``data/wilayah/kabkota.csv``)."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return {
            row["kode"].strip(): row.get("nama", "").strip() for row in csv.DictReader(fh) if row.get("kode")
        }


__all__ = [
    "DEFAULT_FILES",
    "GRADE_COLUMNS",
    "RESULT_HEADERS",
    "SHEETS",
    "kabkota_names",
    "known_kabkota",
    "load_default_rubric",
    "read_grades",
    "read_rubric",
    "result_rows",
    "write_results_xlsx",
    "write_rubric_xlsx",
]
