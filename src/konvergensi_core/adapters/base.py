"""What every incoming source has alike (issue 19, "Adapters").

An adapter is one source of data (e-PPGBM, SIPD, Dukcapil): its name and description, the columns
it accepts (one :class:`Column` list, from which ``docs/adapters.md`` and the sample file are made),
``read(file) -> AdapterRead`` (a file now; a live service later implements the same method) and
``sample(path)``. It never reads a file itself: it calls the project's one reader for the kind of
file (``konvergensi_core.io``) and adds what every source needs, the region codes of older
Kemendagri editions mapped to today's through :mod:`konvergensi_core.crosswalk`:

* a code that moved (``pindah_kode``) is read as today's code, and the mapping is reported as a
  :class:`Note` (sheet, row, column, old → new, kind) that the import preview shows;
* a code that was removed or split is a :class:`~konvergensi_core.problems.Problem` (error) with
  its sheet, row and column, never guessed; the reader's own problem for the same cell (e.g. "not
  a desa of the district") is then left out, so each cell is told once.
"""

from __future__ import annotations

import csv
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from .. import crosswalk as cw
from .. import kode as kode_rules
from ..problems import Problem

# Column types, as the documentation names them.
TEXT = "teks"
REGION = "kode wilayah"
COUNT = "bilangan bulat"
NUMBER = "angka desimal"
DATE = "tanggal"
RUPIAH = "rupiah"
CHOICE = "pilihan"
LIST = "daftar (dipisah ;)"


@dataclass(frozen=True)
class Column:
    """One column an adapter accepts. ``level``: for a region-code column, the level of its codes
    (they are mapped through the crosswalk); ``aliases``: other headers the reader accepts."""

    name: str
    type: str
    required: bool
    meaning: str
    level: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Note:
    """One old code mapped to today's in one column: the first row it was met in and how many rows
    carried it (a file of 40,000 children of one desa gets one note, not 40,000)."""

    sheet: str
    row: int | None
    column: str
    old: str
    new: str
    kind: str
    edition: str
    rows: int = 1

    @property
    def message(self) -> str:
        where = f"baris {self.row}" + (f" dan {self.rows - 1} baris lain" if self.rows > 1 else "")
        return (
            f"Kode {self.old} ({cw.EDITION_LABELS.get(self.edition, self.edition)}) di kolom {self.column}, "
            f"{where}, dibaca sebagai kode sekarang {self.new} (pindah kode)."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet, "row": self.row, "column": self.column, "old": self.old, "new": self.new,
            "kind": self.kind, "edition": self.edition, "rows": self.rows, "message": self.message,
        }  # fmt: skip


class CodeMapper:
    """Maps the region codes of one read, keeping its notes and problems."""

    def __init__(self, crosswalk: cw.Crosswalk | None = None, *, sheet: str = "") -> None:
        self.crosswalk = crosswalk or cw.load()
        self.sheet = sheet
        self.problems: list[Problem] = []
        self._notes: dict[tuple[str, str, str], Note] = {}
        self._flagged: set[tuple[int | None, str]] = set()

    def map(self, kode: str, *, row: int | None, column: str, value: str | None = None, rows: int = 1,
            sheet: str | None = None) -> str:  # fmt: skip
        """Today's code for ``kode`` (as given when it is current or unknown); ``rows``: how many
        rows carry it (a vectorised reader maps each distinct code once)."""
        change = self.crosswalk.to_current(kode)
        if change is None:
            return kode
        sheet = self.sheet if sheet is None else sheet
        if change.new is not None:
            self.note(Note(sheet, row, column, change.old, change.new, change.kind, change.edition, rows))
            return change.new
        self.problems.append(Problem(sheet=sheet, row=row, column=column, value=value or kode,
                                     message=change.describe()))  # fmt: skip
        self._flagged.add((row, column))
        return kode

    def change(self, kode: str) -> cw.Change | None:
        return self.crosswalk.to_current(kode)

    def note(self, note: Note) -> None:
        key = (note.sheet, note.column, note.old)
        seen = self._notes.get(key)
        if seen is None:
            self._notes[key] = note
        else:
            first = min((r for r in (seen.row, note.row) if r is not None), default=None)
            self._notes[key] = Note(seen.sheet, first, seen.column, seen.old, seen.new, seen.kind, seen.edition,
                                    seen.rows + note.rows)  # fmt: skip

    def flagged(self, problem: Problem) -> bool:
        """Whether the mapping already reported ``problem``'s cell."""
        return (problem.row, problem.column) in self._flagged

    @property
    def notes(self) -> list[Note]:
        return sorted(self._notes.values(), key=lambda n: (n.sheet, n.row or 0, n.column))

    def merge(self, problems: Iterable[Problem]) -> list[Problem]:
        """The reader's problems with the mapping's, one per cell: a reader's problem in a cell the
        mapping already reported (a removed code is also "not a desa of the district") is left out."""
        kept = [p for p in problems if not self.flagged(p)]
        return sorted([*self.problems, *kept], key=lambda p: (p.row or 0, p.column))


@dataclass
class AdapterRead[T]:
    """What an adapter read: ``result`` the reader's own result (its rows), every problem, and the
    code mappings made (notes). ``mapper`` drops the reader's later duplicates (``merge``)."""

    result: T
    problems: list[Problem] = field(default_factory=list)
    mapper: CodeMapper = field(default_factory=CodeMapper)

    @property
    def notes(self) -> list[Note]:
        return self.mapper.notes

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def merge(self, later: Iterable[Problem]) -> list[Problem]:
        """Every problem: the read's and those found later from the rows (rules with context), but
        for the cells the mapping already told (a removed code is not a desa of the district either)."""
        flagged = self.mapper.flagged
        kept = [p for p in later if not flagged(p)]
        return sorted([*self.problems, *kept], key=lambda p: (p.row or 0, p.column))


class SourceAdapter(ABC):
    """One incoming source. Subclasses set the class attributes and implement ``read`` (calling the
    project's reader) and ``sample``."""

    name: ClassVar[str]
    description: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    suffixes: ClassVar[tuple[str, ...]] = (".xlsx", ".csv")
    sample_suffix: ClassVar[str] = ".csv"

    @property
    def region_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.level)

    @abstractmethod
    def read(self, path: Path | str, *, crosswalk: cw.Crosswalk | None = None, **context: Any) -> AdapterRead:
        """Read ``path`` through the project's reader, old region codes mapped; ``context``: what the
        reader needs to check the rows (the district's desa …)."""

    @abstractmethod
    def sample(self, path: Path | str, *, kabkota: str = "") -> Path:
        """Write a sample file of this source to ``path`` (desa of ``kabkota`` when given)."""


# --- the sample's desa ------------------------------------------------------------------------------

SAMPLE_KABKOTA = "32.11"  # Kabupaten Sumedang (any district will do; the CLI takes --kabkota)


def sample_desa(kabkota: str = "", n: int = 3) -> list[tuple[str, str, str]]:
    """``n`` desa of ``kabkota`` (today's codes) as (kode, nama, kecamatan), from ``wilayah.csv``."""
    kabkota = kode_rules.normalise(kabkota or SAMPLE_KABKOTA)
    names: dict[str, str] = {}
    desa: list[tuple[str, str]] = []
    with (cw.DATA_DIR / "wilayah.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if not r["kode"].startswith(kabkota + "."):
                continue
            if r["level"] == "kecamatan":
                names[r["kode"]] = r["nama"]
            elif r["level"] == "desa" and len(desa) < n:
                desa.append((r["kode"], r["nama"]))
    if not desa:
        raise ValueError(f"Kabupaten/kota {kabkota} tidak dikenal atau tidak punya desa.")
    return [(k, nama, names.get(k.rsplit(".", 1)[0], "")) for k, nama in desa]


def write_csv(path: Path | str, header: list[str], rows: list[list[Any]]) -> Path:
    """A sample as CSV (UTF-8, ``;``-separated as Indonesian Excel writes it)."""
    out = Path(path)
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\n")
        w.writerow(header)
        w.writerows(["" if v is None else v for v in r] for r in rows)
    return out


def columns_markdown(columns: Iterable[Column]) -> str:
    """The columns as the Markdown table of ``docs/adapters.md`` (the docs test compares them)."""
    lines = ["| kolom | jenis | wajib | arti |", "|---|---|---|---|"]
    for c in columns:
        kind = c.type + (f" ({c.level})" if c.level else "")
        also = f" Juga: {', '.join(c.aliases)}." if c.aliases else ""
        lines.append(f"| {c.name} | {kind} | {'ya' if c.required else 'tidak'} | {c.meaning}{also} |")
    return "\n".join(lines)
