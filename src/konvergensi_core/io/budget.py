"""Budget lines (issue 15) from the Excel template, a CSV, or the SIPD export → ``BudgetLine``.

Columns (header case, spacing, punctuation and order free; title lines above the header skipped;
SIPD's synonyms accepted): ``Kode Sub Kegiatan``, ``Nama Sub Kegiatan``, ``Perangkat Daerah``
(SKPD, OPD), ``Sumber Dana``, ``Pagu`` (Anggaran, Pagu Anggaran, Nilai …), ``Realisasi TW1`` …
``Realisasi TW4`` (also TW I, Triwulan 1, Q1 …; the amount spent IN that quarter), ``Kategori``,
``Kelompok Sasaran`` (``;``-separated), ``Indikator`` (``;``-separated codes), ``Lokasi`` (desa codes,
``;``-separated; empty = district-wide), ``Langsung ke Sasaran`` (ya/tidak; empty = tidak).

Required: the code, name, OPD, source and pagu columns (else the file is refused), and in every
line the code, name, OPD, source, pagu and category. A workbook is read from its sheet "Anggaran"
when it has one, else its first sheet, through the safe reader (``konvergensi_core.io.xlsx``); a CSV
like the Aksi 2 readers (``konvergensi_core.io.table``).

Refused, each as a :class:`~konvergensi_core.problems.Problem` with the sheet, the row as the
spreadsheet numbers it, the column as its header reads and a message in Indonesian (the line is
left out): a code that is not a sub-kegiatan code, an unknown source, category or target group, a
negative or non-numeric amount (Rupiah text such as ``Rp 1.250.000.000,00`` is fine), realisation
above the pagu (the sum of the quarters), an empty required cell, a "Langsung ke Sasaran" other than
ya/tidak. Skipped: total lines, and the programme/kegiatan lines of a hierarchical SIPD export (a
code that is the parent of another line's code). What needs context (desa of the district, the
indicator catalogue, the same line twice) is ``konvergensi_core.budget.validate``. Nothing raises
because of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..ansit.problems import value_text
from ..budget.lines import (
    CATEGORIES,
    COLUMNS,
    SOURCES,
    TARGET_GROUP_LABELS,
    BudgetLine,
    parse_category,
    parse_source,
    parse_target_groups,
    parse_yes_no,
    split_parts,
)
from ..plan.codes import is_subkegiatan_code, normalize_code
from ..plan.rupiah import MAX_RUPIAH, NEGATIVE, format_rupiah, parse_rupiah
from ..problems import WARNING, Problem, file_problem
from .table import Table, columns_shown, is_total

SHEET = "Anggaran"
REQUIRED_COLUMNS = ("code", "name", "opd", "source", "pagu")


def _quarter_aliases(n: int, roman: str) -> tuple[str, ...]:
    words = ("tw", "triwulan", "q", "kuartal", "trw")
    return tuple(
        f"{pre}{word}{num}{suffix}"
        for pre in ("realisasi", "")
        for word in words
        for num in (str(n), roman)
        for suffix in ("", "rp")
        if pre or word != "q" or num == str(n)
    )


ALIASES: dict[str, tuple[str, ...]] = {
    "code": (
        "kodesubkegiatan",
        "kode",
        "kodesubkeg",
        "kodesub",
        "kodekegiatan",
        "kodenomenklatur",
        "koderekening",
        "kodesubkegiatanskpd",
    ),
    "name": (
        "namasubkegiatan",
        "subkegiatan",
        "nomenklatursubkegiatan",
        "uraiansubkegiatan",
        "namakegiatan",
        "kegiatan",
        "uraian",
        "nomenklatur",
        "programkegiatansubkegiatan",
    ),
    "opd": (
        "perangkatdaerah",
        "namaperangkatdaerah",
        "skpd",
        "namaskpd",
        "opd",
        "namaopd",
        "unitkerja",
        "opdpelaksana",
        "subunit",
    ),
    "source": (
        "sumberdana",
        "sumberpendanaan",
        "sumberanggaran",
        "sumber",
        "namasumberdana",
        "sumberdanaanggaran",
    ),
    "pagu": (
        "pagu",
        "paguanggaran",
        "anggaran",
        "nilai",
        "pagurp",
        "anggaranrp",
        "paguanggaranrp",
        "alokasi",
        "alokasianggaran",
        "jumlahanggaran",
        "pagudpa",
        "anggarandpa",
        "totalpagu",
        "paguakhir",
    ),
    "tw1": _quarter_aliases(1, "i"),
    "tw2": _quarter_aliases(2, "ii"),
    "tw3": _quarter_aliases(3, "iii"),
    "tw4": _quarter_aliases(4, "iv"),
    "category": ("kategori", "kategoriintervensi", "jenisintervensi", "intervensi", "kategorikegiatan"),
    "groups": ("kelompoksasaran", "sasaran", "kelompoksasaranprioritas", "sasaranprioritas"),
    "indicators": ("indikator", "kodeindikator", "indikatoryangdidukung", "indikatorstunting"),
    "locations": ("lokasi", "lokasidesa", "kodedesa", "lokus", "desa", "lokasikegiatan"),
    "direct": (
        "langsungkesasaran",
        "belanjalangsungkesasaran",
        "langsung",
        "belanjalangsung",
        "langsungsasaran",
    ),
}
PREFIXES: dict[str, tuple[str, ...]] = {
    "pagu": ("pagu", "anggaran"),
    "source": ("sumberdana",),
    "opd": ("perangkatdaerah", "skpd"),
    "groups": ("kelompoksasaran",),
    "direct": ("langsungkesasaran", "belanjalangsung"),
    "category": ("kategori",),
    "locations": ("lokasi",),
}
NUMBERS = ("pagu", "tw1", "tw2", "tw3", "tw4")


@dataclass
class BudgetRead:
    """What the reader found: the lines (refused ones left out), every problem, the file's column
    headers by role (for ``validate``'s problems), the sheet and the header's row."""

    lines: list[BudgetLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str = ""
    header_row: int | None = None


def _amount(raw: object) -> tuple[int | None, str | None]:
    """``parse_rupiah`` with a fast path for the plain whole numbers most cells hold."""
    if type(raw) is int and 0 <= raw <= MAX_RUPIAH:
        return raw, None
    if type(raw) is str and raw.isascii() and raw.isdigit() and len(raw) <= 17:
        value = int(raw)
        if value <= MAX_RUPIAH:
            return value, None
    return parse_rupiah(raw)


class _Memo[T]:
    """``parse(text)`` remembered per distinct text: a column holds few distinct words."""

    def __init__(self, parse: Callable[[str], T]) -> None:
        self.parse = parse
        self.seen: dict[str, T] = {}

    def __call__(self, text: str) -> T:
        try:
            return self.seen[text]
        except KeyError:
            value = self.seen[text] = self.parse(text)
            return value


def _parents(code: str) -> list[str]:
    return [code[:i] for i, ch in enumerate(code) if ch == "." and i > 0]


def read_budget(path: Path | str, *, categories: Mapping[str, str] | None = None) -> BudgetRead:
    """Read a budget file (see the module). ``categories``: a sub-kegiatan code (without spaces) →
    the catalogue's suggested category, used when a line's Kategori is empty."""
    table = Table(
        path,
        aliases=ALIASES,
        prefixes=PREFIXES,
        sheet=SHEET,
        ready=lambda roles: (
            "code" in roles and "pagu" in roles and len(roles.keys() & {"name", "opd", "source"}) > 0
        ),
        missing=lambda headers: (
            "Kolom 'Kode Sub Kegiatan' dan 'Pagu' tidak ditemukan di 20 baris pertama; judul kolom yang "
            f"diharapkan: {', '.join(COLUMNS.values())}. Kolom berkas: {columns_shown(headers)}."
        ),
    )
    out = BudgetRead(problems=list(table.problems), sheet=table.sheet, header_row=table.header_row)
    if table.problems:
        return out
    out.columns = {role: table.column(role) for role in table.roles}
    absent = [COLUMNS[r] for r in REQUIRED_COLUMNS if r not in table.roles]
    if absent:
        out.problems.append(
            file_problem(
                f"Kolom wajib tidak ditemukan: {', '.join(absent)}. Kolom berkas: {columns_shown(table.headers)}.",
                sheet=table.sheet,
            )
        )
        return out
    optional = [label for role, label in COLUMNS.items() if role not in table.roles]
    if optional:
        out.problems.append(
            Problem(
                sheet=table.sheet,
                row=table.header_row,
                column="",
                value="",
                message=f"kolom tidak ada dan dianggap kosong: {', '.join(optional)}",
                severity=WARNING,
                reject=False,
            )
        )

    def problem(row: int, role: str, value: object, message: str) -> Problem:
        return Problem(
            sheet=table.sheet,
            row=row,
            column=table.column(role) or COLUMNS[role],
            value=value_text(value),
            message=message,
        )

    codes = [normalize_code(value_text(table.cell(values, "code"))) for _n, values in table.rows]
    parents = {p for code in codes for p in _parents(code)}
    sources = ", ".join(SOURCES)
    categories_text = ", ".join(CATEGORIES)
    groups_text = ", ".join(f"{k} ({label})" for k, label in TARGET_GROUP_LABELS.items())
    source_of = _Memo(parse_source)
    category_of = _Memo(parse_category)
    groups_of = _Memo(lambda text: parse_target_groups(text or None))
    yes_no = _Memo(parse_yes_no)
    code_list = _Memo(lambda text: tuple(dict.fromkeys(normalize_code(p) for p in split_parts(text))))
    for (number, values), code in zip(table.rows, codes, strict=True):
        name = table.text(values, "name")
        opd = table.text(values, "opd")
        shaped = is_subkegiatan_code(code)
        if (not shaped and is_total(name, code, opd)) or (code and code in parents):
            continue
        found: list[Problem] = []
        if not code:
            found.append(problem(number, "code", "", "Kode Sub Kegiatan kosong"))
        elif not shaped:
            found.append(
                problem(
                    number,
                    "code",
                    code,
                    "bukan kode sub kegiatan Kepmendagri (bentuk U.BB.PP.K.KK.SSSS, mis. 1.02.02.2.02.0016)",
                )
            )
        if not name:
            found.append(problem(number, "name", "", "Nama Sub Kegiatan kosong"))
        if not opd:
            found.append(problem(number, "opd", "", "Perangkat Daerah kosong"))
        source_raw = table.text(values, "source")
        source = source_of(source_raw)
        if source is None:
            found.append(
                problem(
                    number,
                    "source",
                    source_raw,
                    (f"sumber dana tidak dikenal; gunakan salah satu: {sources}")
                    if source_raw
                    else f"Sumber Dana kosong; isi salah satu: {sources}",
                )
            )
        amounts: dict[str, int | None] = {}
        for role in NUMBERS:
            raw = table.cell(values, role)
            amount, reason = _amount(raw)
            if reason:
                if role != "pagu":
                    reason = "realisasi tidak boleh negatif" if reason == NEGATIVE else reason
                found.append(problem(number, role, raw, reason))
            elif amount is None and role == "pagu":
                found.append(problem(number, "pagu", raw, "Pagu kosong"))
            amounts[role] = amount
        pagu = amounts["pagu"]
        if pagu is not None:
            running = 0
            for i, role in enumerate(NUMBERS[1:], start=1):
                running += amounts[role] or 0
                if running > pagu:
                    found.append(
                        problem(
                            number,
                            role,
                            table.cell(values, role),
                            f"jumlah realisasi TW1–TW{i} ({format_rupiah(running)}) melebihi pagu "
                            f"({format_rupiah(pagu)})",
                        )
                    )
                    break
        category_raw = table.text(values, "category")
        category = category_of(category_raw)
        if not category_raw and categories:
            category = parse_category(categories.get(code))
        if category is None:
            found.append(
                problem(
                    number,
                    "category",
                    category_raw,
                    f"kategori tidak dikenal; gunakan {categories_text}"
                    if category_raw
                    else f"Kategori kosong; isi {categories_text}",
                )
            )
        groups_raw = table.cell(values, "groups")
        groups, unknown = groups_of(value_text(groups_raw))
        if unknown:
            found.append(
                problem(
                    number,
                    "groups",
                    groups_raw,
                    f"kelompok sasaran tidak dikenal: {'; '.join(unknown)}; gunakan (dipisah ';'): {groups_text}",
                )
            )
        direct_raw = table.cell(values, "direct")
        direct: bool | None = False
        if value_text(direct_raw).strip():
            direct = direct_raw if isinstance(direct_raw, bool) else yes_no(value_text(direct_raw).strip())
            if direct is None:
                found.append(problem(number, "direct", direct_raw, "Langsung ke Sasaran diisi ya atau tidak"))
        if found:
            out.problems.extend(found)
            continue
        assert source is not None and category is not None and pagu is not None and direct is not None
        indicators_raw = table.cell(values, "indicators")
        locations_raw = table.cell(values, "locations")
        out.lines.append(
            BudgetLine(
                code=code,
                name=name,
                opd=opd,
                source=source,
                pagu=pagu,
                realisasi=(amounts["tw1"], amounts["tw2"], amounts["tw3"], amounts["tw4"]),
                category=category,
                target_groups=groups,
                indicators=code_list(value_text(indicators_raw)),
                locations=code_list(value_text(locations_raw)),
                direct=direct,
                sheet=table.sheet,
                row=number,
            )
        )
    if not out.lines and not any(p.is_error for p in out.problems):
        out.problems.append(
            file_problem(
                f"Berkas tidak berisi baris anggaran di bawah baris judul (baris {table.header_row}).",
                sheet=table.sheet,
            )
        )
    return out


def read_budget_file(path: Path | str) -> tuple[list[BudgetLine], list[Problem]]:
    """The lines of a budget file and every problem (see the module)."""
    read = read_budget(path)
    return read.lines, read.problems


__all__ = ["ALIASES", "SHEET", "BudgetRead", "read_budget", "read_budget_file"]
