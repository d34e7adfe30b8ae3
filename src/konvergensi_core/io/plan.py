"""Aksi 2 spreadsheets → the rows of ``konvergensi_core.plan``: a plan (Tabel 2.3, the app's own
export) and the planning/budgeting documents (Renja OPD, RKPD, KUA-PPAS, APBD, APBD-P exported from
SIPD or typed).

Files are CSV (comma, semicolon or tab separated, UTF-8) or XLSX (first sheet, the safe streaming
reader), read by ``konvergensi_core.io.ansit_input.read_rows``. The header row is the first of the
first 20 rows that names the required columns (title lines above it are skipped); headers are
matched ignoring case, spaces, punctuation and order, with the usual SIPD synonyms. Total and
subtotal lines ("Total", "Jumlah", "Sub total 1") are skipped. Nothing raises because of the file:
every problem is a :class:`konvergensi_core.problems.Problem` (sheet, row as the sheet numbers it,
column as its header reads, value, Indonesian message).

Documents: the lines of a hierarchical export whose code is a parent of another line's code
(programme ``1.02.02``, kegiatan ``1.02.02.2.02`` above their sub-kegiatan) are headings, skipped
so their pagu is not counted twice.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from ..ansit.problems import value_text
from ..plan.codes import (
    RowClass,
    is_subkegiatan_code,
    normalize_code,
    parse_adjustments,
    parse_group,
    parse_row_class,
)
from ..plan.rows import DocRow, PlanRow
from ..plan.rupiah import parse_rupiah
from ..problems import WARNING, Problem, file_problem
from .ansit_input import CSV_EXTENSIONS, XLSX_EXTENSIONS, key, read_rows
from .xlsx import XlsxRejected, sheet_names

HEADER_SCAN_ROWS = 20

PLAN_ALIASES: dict[str, tuple[str, ...]] = {
    "no": ("no", "nomor", "nourut", "nomorurut"),
    "code": (
        "kodesubkegiatan",
        "kode",
        "kodesubkeg",
        "kodekegiatan",
        "kodeprogramkegiatan",
        "kodenomenklatur",
    ),
    "activity": (
        "programkegiatan",
        "programkegiatansubkegiatan",
        "kegiatan",
        "namakegiatan",
        "subkegiatan",
        "namasubkegiatan",
        "rekomendasikegiatan",
        "program",
        "uraian",
    ),
    "indicator": ("indikatorkinerja", "indikator", "kodeindikator"),
    "baseline": ("baseline", "kondisiawal", "capaianawal", "nilaidasar"),
    "target": ("targetkinerja", "target"),
    "unit": ("satuan",),
    "locations": ("lokasi", "lokus", "lokasidesa", "lokasikegiatan"),
    "budget": ("anggaran", "anggaranrp", "pagu", "paguanggaran", "nilai", "biaya"),
    "source": ("sumberpendanaan", "sumberdana", "sumberanggaran", "sumber", "sumberpembiayaan"),
    "opd": ("opd", "opdpenanggungjawab", "perangkatdaerah", "skpd", "penanggungjawab", "opdpj"),
    "schedule": ("jadwal", "jadwalpelaksanaan", "waktu", "waktupelaksanaan", "waktupenyelesaian"),
    "group": ("kelompok", "kelompokkegiatan", "kelompokrekomendasi"),
    "row_class": ("kelas", "kelaskegiatan", "jeniskegiatan", "klasifikasi", "klasifikasikegiatan"),
    "adjustments": ("penyesuaian", "yangdisesuaikan", "jenispenyesuaian"),
}
PLAN_PREFIXES: dict[str, tuple[str, ...]] = {
    "budget": ("anggaran", "pagu"),
    "target": ("targetkinerja",),
    "source": ("sumberpendanaan", "sumberdana"),
    "opd": ("opdpenanggungjawab",),
    "schedule": ("jadwal",),
}
DOC_ALIASES: dict[str, tuple[str, ...]] = {
    "code": (
        "kodesubkegiatan",
        "kode",
        "kodesubkeg",
        "kodesub",
        "kodekegiatan",
        "kodenomenklatur",
        "koderekening",
    ),
    "name": (
        "namasubkegiatan",
        "subkegiatan",
        "nomenklatursubkegiatan",
        "namakegiatan",
        "kegiatan",
        "uraian",
        "uraiansubkegiatan",
        "programkegiatansubkegiatan",
        "programkegiatan",
        "nomenklatur",
    ),
    "opd": (
        "perangkatdaerah",
        "namaperangkatdaerah",
        "skpd",
        "namaskpd",
        "opd",
        "namaopd",
        "unitkerja",
        "opdpenanggungjawab",
    ),
    "indicator": (
        "indikator",
        "indikatorkinerja",
        "indikatorkeluaran",
        "indikatorsubkegiatan",
        "tolokukur",
        "tolakukur",
        "tolokukurkinerja",
        "keluaran",
    ),
    "target": ("target", "targetkinerja", "targetkeluaran", "targetcapaian"),
    "unit": ("satuan",),
    "locations": ("lokasi", "lokasikegiatan", "lokus"),
    "pagu": (
        "pagu",
        "paguindikatif",
        "paguanggaran",
        "anggaran",
        "nilai",
        "jumlah",
        "jumlahanggaran",
        "total",
        "pagurp",
        "anggaranrp",
        "nilairp",
        "alokasi",
        "alokasianggaran",
    ),
}
DOC_PREFIXES: dict[str, tuple[str, ...]] = {
    "pagu": ("pagu", "anggaran", "nilai", "alokasi"),
    "indicator": ("indikator", "tolokukur"),
    "target": ("target",),
    "opd": ("perangkatdaerah", "skpd"),
    "locations": ("lokasi",),
}
PLAN_LABELS = {
    "no": "No",
    "code": "Kode Sub Kegiatan",
    "activity": "Program/Kegiatan",
    "indicator": "Indikator Kinerja",
    "baseline": "Baseline",
    "target": "Target Kinerja",
    "unit": "Satuan",
    "locations": "Lokasi",
    "budget": "Anggaran",
    "source": "Sumber Pendanaan",
    "opd": "OPD",
    "schedule": "Jadwal",
}
DOC_LABELS = {
    "code": "Kode Sub Kegiatan",
    "name": "Nama Sub Kegiatan",
    "opd": "Perangkat Daerah",
    "indicator": "Indikator",
    "target": "Target",
    "unit": "Satuan",
    "locations": "Lokasi",
    "pagu": "Pagu",
}
_TOTAL = re.compile(r"(sub)?total\d*|jumlah(total|keseluruhan|\d+)?|grandtotal|totalanggaran")
LOCATION_SEPARATORS = re.compile(r"[;\n|]")


def _roles(
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


def _sheet(path: Path) -> str:
    """The name of the sheet read (the first of an XLSX), '' for CSV or an unreadable file."""
    if path.suffix.lower().lstrip(".") not in XLSX_EXTENSIONS:
        return ""
    try:
        with path.open("rb") as fh:
            names = sheet_names(fh)
    except (XlsxRejected, OSError):
        return ""
    return names[0] if names else ""


def _csv_rows(path: Path) -> tuple[list[tuple[int, tuple]], list[Problem]] | None:
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


def _read(path: Path) -> tuple[list[tuple[int, tuple]], list[Problem]]:
    if path.suffix.lower().lstrip(".") in CSV_EXTENSIONS and path.is_file():
        own = _csv_rows(path)
        if own is not None:
            return own
    rows, problems = read_rows(path)
    return rows, [file_problem(p.message) for p in problems]


class _Table:
    """The data rows of a file below its recognised header, or the file's problems."""

    def __init__(
        self,
        path: Path | str,
        *,
        aliases: dict[str, tuple[str, ...]],
        prefixes: dict[str, tuple[str, ...]],
        ready: Callable[[dict[str, int]], bool],
        missing: Callable[[list[str]], str],
    ) -> None:
        self.path = Path(path)
        self.problems: list[Problem] = []
        self.headers: list[str] = []
        self.roles: dict[str, int] = {}
        self.rows: list[tuple[int, tuple]] = []
        self.sheet = ""
        rows, read_problems = _read(self.path)
        if read_problems:
            self.problems = read_problems
            return
        self.sheet = _sheet(self.path)
        if not rows:
            self.problems = [file_problem("Berkas tidak berisi data.", sheet=self.sheet)]
            return
        start = None
        for position, (_number, values) in enumerate(rows[:HEADER_SCAN_ROWS]):
            headers = [value_text(v).strip() for v in values]
            if ready(_roles(headers, aliases, prefixes)):
                start = position
                break
        if start is None:
            first = [value_text(v).strip() for v in rows[0][1]]
            self.problems = [file_problem(missing(first), sheet=self.sheet)]
            return
        number, values = rows[start]
        self.header_row = number
        self.headers = [value_text(v).strip() for v in values]
        self.roles = _roles(self.headers, aliases, prefixes)
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
            severity=WARNING if warning else "error",
            reject=not warning,
        )


def _is_total(*texts: str) -> bool:
    return any(_TOTAL.fullmatch(key(t)) for t in texts if t)


def _locations(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in LOCATION_SEPARATORS.split(text) if p.strip()))


def _columns_shown(headers: list[str]) -> str:
    return ", ".join(h for h in headers if h) or "-"


def read_plan_sheet(path: Path | str) -> tuple[list[PlanRow], list[Problem]]:
    """A Tabel 2.3 sheet (columns No, Kode Sub Kegiatan, Program/Kegiatan, Indikator Kinerja,
    Baseline, Target Kinerja, Satuan, Lokasi, Anggaran, Sumber Pendanaan, OPD, Jadwal, and optional
    Kelompok, Kelas, Penyesuaian) → its rows and the problems. Only Program/Kegiatan is required;
    Lokasi is a list separated by ';'. A line naming a Tabel 2.2 group (e.g. "1 Perbaikan alokasi
    …") and nothing else is a heading: the rows below it without a Kelompok take its group."""
    table = _Table(
        path,
        aliases=PLAN_ALIASES,
        prefixes=PLAN_PREFIXES,
        ready=lambda roles: "activity" in roles and len(roles) >= 2,
        missing=lambda headers: (
            "Kolom 'Program/Kegiatan' tidak ditemukan di 20 baris pertama; judul kolom Tabel 2.3: "
            + ", ".join(PLAN_LABELS.values())
            + f". Kolom berkas: {_columns_shown(headers)}."
        ),
    )
    if table.problems:
        return [], table.problems
    problems: list[Problem] = []
    out: list[PlanRow] = []
    absent = [label for role, label in PLAN_LABELS.items() if role not in table.roles and role != "no"]
    if absent:
        problems.append(
            Problem(
                sheet=table.sheet,
                row=table.header_row,
                column="",
                value="",
                message=f"kolom tidak ada dan dianggap kosong: {', '.join(absent)}",
                severity=WARNING,
                reject=False,
            )
        )
    heading_group: int | None = None
    for number, values in table.rows:
        activity = table.text(values, "activity")
        no = table.text(values, "no")
        if _is_total(activity, no):
            continue
        budget_raw = table.cell(values, "budget")
        others = [
            table.text(values, r)
            for r in (
                "code",
                "opd",
                "target",
                "locations",
                "indicator",
                "source",
                "baseline",
                "unit",
                "schedule",
            )
        ]
        if not activity:
            if any(others) or value_text(budget_raw).strip():
                problems.append(table.problem(number, "activity", "", "Program/Kegiatan kosong"))
            continue
        if not any(others) and not value_text(budget_raw).strip():
            heading = parse_group(activity) if not activity.isdigit() else None
            if heading is None and no:
                heading = parse_group(f"{no} {activity}")
            if heading is not None:  # a Tabel 2.2 group heading: the rows below are in it
                heading_group = heading
                continue
        budget, reason = parse_rupiah(budget_raw)
        if reason:
            problems.append(table.problem(number, "budget", budget_raw, reason))
        code = normalize_code(table.cell(values, "code"))
        if code and not is_subkegiatan_code(code):
            problems.append(
                table.problem(
                    number,
                    "code",
                    code,
                    "bukan kode sub kegiatan Kepmendagri (mis. 1.02.02.2.02.0016); kode tetap dipakai untuk "
                    "pencocokan",
                    warning=True,
                )
            )
        group: int | None = heading_group
        group_raw = table.cell(values, "group")
        if value_text(group_raw).strip():
            group = parse_group(group_raw)
            if group is None:
                problems.append(
                    table.problem(
                        number,
                        "group",
                        group_raw,
                        "Kelompok harus 1–4 (1 alokasi program/anggaran, 2 manajemen penyampaian, 3 data, "
                        "4 koordinasi)",
                    )
                )
        row_class = ""
        class_raw = table.cell(values, "row_class")
        if value_text(class_raw).strip():
            cls = parse_row_class(class_raw)
            if cls is None:
                problems.append(
                    table.problem(
                        number,
                        "row_class",
                        class_raw,
                        "Kelas tidak dikenal; gunakan tetap, disesuaikan, baru_tanpa_anggaran atau "
                        "baru_dengan_anggaran",
                    )
                )
            else:
                row_class = cls.value
        adjustments: tuple[str, ...] = ()
        adjust_raw = table.cell(values, "adjustments")
        if value_text(adjust_raw).strip():
            adjustments, unknown = parse_adjustments(adjust_raw)
            if unknown:
                problems.append(
                    table.problem(
                        number,
                        "adjustments",
                        adjust_raw,
                        f"penyesuaian tidak dikenal: {', '.join(unknown)}; gunakan target, lokus, "
                        "penyampaian atau anggaran",
                    )
                )
            if adjustments and row_class and row_class != RowClass.DISESUAIKAN:
                problems.append(
                    table.problem(
                        number,
                        "adjustments",
                        adjust_raw,
                        "penyesuaian hanya untuk kegiatan yang disesuaikan; diabaikan",
                        warning=True,
                    )
                )
                adjustments = ()
        out.append(
            PlanRow(
                no=no or str(len(out) + 1),
                code=code,
                activity=activity,
                opd=table.text(values, "opd"),
                budget=budget,
                locations=_locations(value_text(table.cell(values, "locations"))),
                indicator=table.text(values, "indicator"),
                baseline=table.text(values, "baseline"),
                target=table.text(values, "target"),
                unit=table.text(values, "unit"),
                source=table.text(values, "source"),
                schedule=table.text(values, "schedule"),
                group=group,
                row_class=row_class,
                adjustments=adjustments,
                sheet=table.sheet,
                row=number,
            )
        )
    if not out and not any(p.is_error for p in problems):
        problems.append(
            file_problem(
                f"Berkas tidak berisi kegiatan di bawah baris judul (baris {table.header_row}).",
                sheet=table.sheet,
            )
        )
    return out, problems


def read_budget_document(path: Path | str, *, document: str) -> tuple[list[DocRow], list[Problem]]:
    """A Renja/RKPD/KUA-PPAS/APBD export (columns Kode Sub Kegiatan, Nama Sub Kegiatan, Perangkat
    Daerah, Indikator, Target, Satuan, Lokasi, Pagu, with SIPD's synonyms) → its lines and the
    problems. Required: a code or a name column, and a pagu column. ``document`` names the document
    in the messages (a key of ``DOCUMENTS`` or its label)."""
    from ..plan.matching import DOCUMENTS

    label = DOCUMENTS.get(document, document)
    table = _Table(
        path,
        aliases=DOC_ALIASES,
        prefixes=DOC_PREFIXES,
        ready=lambda roles: ("code" in roles or "name" in roles) and "pagu" in roles,
        missing=lambda headers: (
            f"Dokumen {label}: kolom kode atau nama sub kegiatan dan kolom pagu tidak ditemukan di 20 baris "
            f"pertama (judul kolom: {', '.join(DOC_LABELS.values())}). Kolom berkas: {_columns_shown(headers)}."
        ),
    )
    if table.problems:
        return [], table.problems
    problems: list[Problem] = []
    lines: list[DocRow] = []
    for number, values in table.rows:
        code = normalize_code(table.cell(values, "code"))
        name = table.text(values, "name")
        if _is_total(name, code, table.text(values, "opd")):
            continue
        pagu_raw = table.cell(values, "pagu")
        if not code and not name:
            if any(table.text(values, r) for r in ("indicator", "target", "locations")):
                problems.append(
                    table.problem(
                        number, "name" if "name" in table.roles else "code", "", "kode dan nama kosong"
                    )
                )
            continue
        pagu, reason = parse_rupiah(pagu_raw)
        if reason:
            problems.append(table.problem(number, "pagu", pagu_raw, reason))
        lines.append(
            DocRow(
                code=code,
                name=name,
                opd=table.text(values, "opd"),
                indicator=table.text(values, "indicator"),
                target=table.text(values, "target"),
                unit=table.text(values, "unit"),
                locations=_locations(value_text(table.cell(values, "locations"))),
                pagu=pagu,
                sheet=table.sheet,
                row=number,
            )
        )
    parents = {c for line in lines for c in _parent_codes(line.code)}
    kept = [line for line in lines if not (line.code and line.code in parents)]
    if not kept and not any(p.is_error for p in problems):
        problems.append(
            file_problem(
                f"Dokumen {label} tidak berisi baris sub kegiatan di bawah baris judul (baris {table.header_row}).",
                sheet=table.sheet,
            )
        )
    return kept, problems


def _parent_codes(code: str) -> list[str]:
    """The codes above ``code`` in the nomenclature: every prefix ending at a '.'."""
    return [code[:i] for i, ch in enumerate(code) if ch == "." and i > 0]


__all__ = ["read_budget_document", "read_plan_sheet"]
