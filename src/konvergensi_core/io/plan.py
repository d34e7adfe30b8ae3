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
from .table import HEADER_SCAN_ROWS, LOCATION_SEPARATORS
from .table import Table as _Table
from .table import columns_shown as _columns_shown
from .table import is_total as _is_total
from .table import split_list as _locations

# The table machinery moved to ``konvergensi_core.io.table`` (shared with the budget reader); the
# names above stay importable from here.


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


__all__ = ["HEADER_SCAN_ROWS", "LOCATION_SEPARATORS", "read_budget_document", "read_plan_sheet"]
