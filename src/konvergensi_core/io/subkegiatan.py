"""The national catalogue of stunting-relevant sub-kegiatan as a file (Excel or CSV): `Kode Sub
Kegiatan`, `Nama Sub Kegiatan`, `Kategori` (optional: spesifik / sensitif / pendamping, the suggested
category). Read whole, every problem named by sheet, row and column; nothing raises."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..ansit.problems import value_text
from ..budget import parse_category
from ..plan import is_subkegiatan_code, normalize_code
from ..problems import Problem, file_problem
from .table import is_total, read_table_rows, roles

ALIASES = {
    "code": ("kodesubkegiatan", "kode", "kodesub"),
    "name": ("namasubkegiatan", "subkegiatan", "nama", "uraian"),
    "category": ("kategori", "kategoriusulan", "jenisintervensi"),
}
PREFIXES = {"code": ("kode",), "name": ("nama", "subkeg"), "category": ("kategori",)}


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    category: str  # '' when not given


def read_catalogue(path: Path | str) -> tuple[list[Entry], list[Problem]]:
    rows, problems = read_table_rows(Path(path))
    if problems and not rows:
        return [], problems
    header_at = None
    columns: dict[str, int] = {}
    for i, (_number, values) in enumerate(rows[:20]):
        found = roles([value_text(v) for v in values], ALIASES, PREFIXES)
        if "code" in found and "name" in found:
            header_at, columns = i, found
            break
    if header_at is None:
        return [], [
            file_problem(
                "Kolom „Kode Sub Kegiatan” dan „Nama Sub Kegiatan” tidak ditemukan di 20 baris pertama."
            )
        ]
    sheet = ""
    out: list[Entry] = []
    seen: dict[str, int] = {}

    def cell(values: tuple, role: str) -> str:
        index = columns.get(role)
        return value_text(values[index]).strip() if index is not None and index < len(values) else ""

    for number, values in rows[header_at + 1 :]:
        code, name = normalize_code(cell(values, "code")), cell(values, "name")
        category_text = cell(values, "category")
        if not code and not name:
            continue
        if is_total(code, name):
            continue
        bad = False
        if not is_subkegiatan_code(code):
            problems.append(Problem(sheet, number, "Kode Sub Kegiatan", code,
                                    "Kode tidak berbentuk kode nomenklatur Kepmendagri (contoh 1.02.02.2.02.0016)"))  # fmt: skip
            bad = True
        if not name:
            problems.append(Problem(sheet, number, "Nama Sub Kegiatan", "", "Nama sub kegiatan kosong"))
            bad = True
        category = ""
        if category_text:
            category = parse_category(category_text) or ""
            if not category:
                problems.append(Problem(sheet, number, "Kategori", category_text,
                                        "Kategori harus spesifik, sensitif atau pendamping"))  # fmt: skip
                bad = True
        if code in seen:
            problems.append(Problem(sheet, number, "Kode Sub Kegiatan", code,
                                    f"Kode ini sudah ada di baris {seen[code]}"))  # fmt: skip
            bad = True
        seen.setdefault(code, number)
        if not bad:
            out.append(Entry(code, name[:400], category))
    return out, problems
