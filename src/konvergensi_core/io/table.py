"""A table typed by people (CSV or XLSX) below a header found among its first rows: shared by the
readers of the Aksi 2 plan and documents (``konvergensi_core.io.plan``) and of budget lines
(``konvergensi_core.io.budget``).

Files are CSV (comma, semicolon or tab separated — the separator most used by a line of the first
20 —, UTF-8 with or without BOM, else Windows-1252 as Excel saves it) or XLSX (the safe streaming
reader, the first sheet or a preferred one when the workbook has it), read through
``konvergensi_core.io.ansit_input.read_rows``. The header row is the first of the first 20 rows that
names the required columns (title lines above it are skipped); headers are matched ignoring case,
spaces, punctuation and order (``roles``): exact aliases first, then prefixes, each column used once.
Total lines ("Total", "Jumlah", "Sub total 1") are recognised by ``is_total``. Nothing raises
because of the file: what cannot be read is a :class:`konvergensi_core.problems.Problem`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from ..ansit.problems import value_text
from ..problems import Problem, file_problem
from .ansit_input import CSV_EXTENSIONS, XLSX_EXTENSIONS, key, read_rows
from .xlsx import XlsxRejected, sheet_names

HEADER_SCAN_ROWS = 20
TOTAL = re.compile(r"(sub)?total\d*|jumlah(total|keseluruhan|\d+)?|grandtotal|totalanggaran")
LOCATION_SEPARATORS = re.compile(r"[;\n|]")


def roles(
    headers: list[str], aliases: dict[str, tuple[str, ...]], prefixes: dict[str, tuple[str, ...]]
) -> dict[str, int]:
    """role → column index: exact aliases first, then prefixes, each column used once."""
    found: dict[str, int] = {}
    keys = [key(h) for h in headers]
    for role, names in aliases.items():
        for index, k in enumerate(keys):
            if k in names and index not in found.values():
                found[role] = index
                break
    for role, starts in prefixes.items():
        if role in found:
            continue
        for index, k in enumerate(keys):
            if k and k.startswith(starts) and index not in found.values():
                found[role] = index
                break
    return found


def _sheet_names(path: Path) -> list[str]:
    if path.suffix.lower().lstrip(".") not in XLSX_EXTENSIONS:
        return []
    try:
        with path.open("rb") as fh:
            return sheet_names(fh)
    except (XlsxRejected, OSError):
        return []


def chosen_sheet(path: Path, prefer: str | None = None) -> str:
    """The name of the sheet read: ``prefer`` when the workbook has it, else the first; '' for CSV
    or an unreadable file."""
    names = _sheet_names(path)
    if prefer is not None and prefer in names:
        return prefer
    return names[0] if names else ""


def csv_rows(path: Path) -> tuple[list[tuple[int, tuple]], list[Problem]] | None:
    """The rows of a CSV whose separator is the one most used by a line of its first 20 (title lines
    above the header have none); UTF-8 (with or without BOM), else Windows-1252 as Excel saves it.
    None when the file cannot be read here (``read_rows`` then says why)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data or b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    head = [line for line in text.splitlines() if line.strip()][:HEADER_SCAN_ROWS]
    counts = {sep: max((line.count(sep) for line in head), default=0) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=lambda s: (counts[s], s == ";"))
    if counts[delimiter] == 0:
        delimiter = ","
    rows: list[tuple[int, tuple]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((reader.line_num, tuple(values)))
    except csv.Error as exc:
        return [], [file_problem(f"Berkas CSV tidak dapat dibaca (baris {reader.line_num}: {exc}).")]
    return rows, []


def read_table_rows(path: Path, *, sheet: str | None = None) -> tuple[list[tuple[int, tuple]], list[Problem]]:
    """(row number, values) of every non-empty row (of ``sheet`` of a workbook, the first when None),
    or the problems that stop the file from being read."""
    if path.suffix.lower().lstrip(".") in CSV_EXTENSIONS and path.is_file():
        own = csv_rows(path)
        if own is not None:
            return own
    rows, problems = read_rows(path, sheet=sheet)
    return rows, [file_problem(p.message) for p in problems]


def is_total(*texts: str) -> bool:
    """Whether one of ``texts`` is a total line's label ("Total", "Jumlah", "Sub total 1")."""
    return any(TOTAL.fullmatch(key(t)) for t in texts if t)


def split_list(text: str) -> tuple[str, ...]:
    """The parts of a list cell separated by ';', '|' or a line break: stripped, without empty
    parts or repeats, in order."""
    return tuple(dict.fromkeys(p.strip() for p in LOCATION_SEPARATORS.split(text) if p.strip()))


def columns_shown(headers: list[str]) -> str:
    return ", ".join(h for h in headers if h) or "-"


class Table:
    """The data rows of a file below its recognised header, or the file's problems. ``sheet``: the
    workbook sheet to read when it exists (else the first)."""

    def __init__(
        self,
        path: Path | str,
        *,
        aliases: dict[str, tuple[str, ...]],
        prefixes: dict[str, tuple[str, ...]],
        ready: Callable[[dict[str, int]], bool],
        missing: Callable[[list[str]], str],
        sheet: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.problems: list[Problem] = []
        self.headers: list[str] = []
        self.roles: dict[str, int] = {}
        self.rows: list[tuple[int, tuple]] = []
        self.sheet = ""
        self.header_row: int | None = None
        name = chosen_sheet(self.path, sheet) if sheet is not None else ""
        rows, read_problems = read_table_rows(self.path, sheet=name or None)
        if read_problems:
            self.problems = read_problems
            return
        self.sheet = name or chosen_sheet(self.path)
        if not rows:
            self.problems = [file_problem("Berkas tidak berisi data.", sheet=self.sheet)]
            return
        start = None
        for position, (_number, values) in enumerate(rows[:HEADER_SCAN_ROWS]):
            headers = [value_text(v).strip() for v in values]
            if ready(roles(headers, aliases, prefixes)):
                start = position
                break
        if start is None:
            first = [value_text(v).strip() for v in rows[0][1]]
            self.problems = [file_problem(missing(first), sheet=self.sheet)]
            return
        number, values = rows[start]
        self.header_row = number
        self.headers = [value_text(v).strip() for v in values]
        self.roles = roles(self.headers, aliases, prefixes)
        self.rows = rows[start + 1 :]

    def cell(self, values: tuple, role: str) -> object:
        index = self.roles.get(role)
        return values[index] if index is not None and index < len(values) else None

    def text(self, values: tuple, role: str) -> str:
        value = self.cell(values, role)
        return " ".join(value_text(value).split()) if value is not None else ""

    def column(self, role: str) -> str:
        return self.headers[self.roles[role]] if role in self.roles else ""

    def problem(self, row: int, role: str, value: object, message: str, *, warning: bool = False) -> Problem:
        return Problem(
            sheet=self.sheet,
            row=row,
            column=self.column(role),
            value=value_text(value),
            message=message,
            severity="warning" if warning else "error",
            reject=not warning,
        )


__all__ = [
    "HEADER_SCAN_ROWS",
    "LOCATION_SEPARATORS",
    "TOTAL",
    "Table",
    "chosen_sheet",
    "columns_shown",
    "csv_rows",
    "is_total",
    "read_table_rows",
    "roles",
    "split_list",
]
