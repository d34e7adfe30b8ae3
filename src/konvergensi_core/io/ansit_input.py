"""Situation-analysis spreadsheets (CSV or XLSX) → the inputs of ``konvergensi_core.ansit``.

Files: CSV (comma, semicolon or tab separated, UTF-8 with or without BOM, decimal comma allowed:
``12,5``; with comma separators such a number must be quoted) or XLSX (read with the safe
streaming reader ``konvergensi_core.io.xlsx``, first sheet unless one is named). Nothing here
raises because of the file: a missing file, a file that is not a spreadsheet, a bad header or a bad
value all become :class:`~konvergensi_core.ansit.problems.Problem` entries (row, column, value,
message in Indonesian), every one of them reported, not only the first.

Headers are matched ignoring case, spaces and punctuation, in Indonesian or English:

* the unit: ``kode desa``/``desa``/``kelurahan``, ``kecamatan``, ``puskesmas`` (the column of the
  requested level first, its code before its name), else ``unit``/``wilayah``/``kode``/``nama``;
  when both a code and a name column exist, the code is the unit and the name is kept for display;
* ``cases``: kasus, jumlah kasus, jumlah stunting, kasus stunting …;
* ``measured``: diukur, jumlah diukur, balita diukur, baduta diukur …;
* ``prevalence``: prevalensi, prevalensi stunting (%), persen …;
* lokus files also: ``cost`` (biaya, perkiraan biaya) and the main indicators: every column whose
  header starts with an indicator code (``U01``, ``U02 Cakupan …``), and every other column whose
  values are mostly numbers (row numbers, years and population columns excepted), as coverage %.

A header row need not be the first row: the first of the first 20 rows naming a unit column is
taken. Rows whose unit reads "Total"/"Jumlah"/"Rata-rata" are totals, skipped with a warning.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..ansit.hotspots import Level
from ..ansit.problems import ERROR, WARNING, Problem, clean_units, has_errors, value_text
from .xlsx import MAX_BYTES, XlsxRejected, check_xlsx, iter_sheet_rows

HEADER_SCAN_ROWS = 20
CSV_EXTENSIONS = ("csv", "txt", "tsv")
XLSX_EXTENSIONS = ("xlsx", "xlsm", "xls")

UNIT_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    # level -> {"code": keys, "name": keys}
    "desa": {
        "code": ("kodedesa", "kodedesakelurahan", "kodekelurahan", "kddesa", "iddesa"),
        "name": (
            "desa",
            "kelurahan",
            "desakelurahan",
            "desakel",
            "namadesa",
            "namadesakelurahan",
            "namakelurahan",
            "village",
        ),
    },
    "kecamatan": {
        "code": ("kodekecamatan", "kdkecamatan", "kodekec"),
        "name": ("kecamatan", "kec", "namakecamatan", "subdistrict"),
    },
    "puskesmas": {
        "code": ("kodepuskesmas", "kodepkm"),
        "name": ("puskesmas", "pkm", "namapuskesmas", "wilayahpuskesmas", "wilayahkerjapuskesmas"),
    },
    "generic": {
        "code": ("kode", "kodewilayah", "kodekemendagri", "kodeunit"),
        "name": ("unit", "wilayah", "namawilayah", "nama", "lokasi", "area", "namaunit"),
    },
}
ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "cases": (
        "cases",
        "kasus",
        "jumlahkasus",
        "jumlahstunting",
        "kasusstunting",
        "jumlahkasusstunting",
        "stunting",
        "jumlahbalitastunting",
        "balitastunting",
        "badutastunting",
        "jumlahbadutastunting",
        "jumlahanakstunting",
        "jmlkasus",
        "jmlstunting",
    ),
    "measured": (
        "measured",
        "diukur",
        "jumlahdiukur",
        "balitadiukur",
        "jumlahbalitadiukur",
        "badutadiukur",
        "jumlahbadutadiukur",
        "anakdiukur",
        "jumlahanakdiukur",
        "jmldiukur",
        "sasarandiukur",
    ),
    "prevalence": (
        "prevalence",
        "prevalensi",
        "persen",
        "prevalensistunting",
        "persenstunting",
        "persentase",
        "persentasestunting",
        "prevalensistuntingpersen",
    ),
    "cost": (
        "cost",
        "biaya",
        "perkiraanbiaya",
        "estimasibiaya",
        "biayaperdesa",
        "anggaran",
        "kebutuhanbiaya",
    ),
}
ROLE_PREFIXES: dict[str, tuple[str, ...]] = {
    "prevalence": ("prevalensi", "prevalence", "persenstunting", "persentasestunting"),
    "cases": (
        "jumlahkasus",
        "kasusstunting",
        "jumlahstunting",
        "jumlahbalitastunting",
        "jumlahbadutastunting",
    ),
    "measured": ("jumlahdiukur", "balitadiukur", "badutadiukur", "jumlahbalitadiukur", "jumlahbadutadiukur"),
    "cost": ("biaya", "perkiraanbiaya"),
}
NOT_INDICATORS = frozenset(
    {
        "no",
        "nomor",
        "nourut",
        "urut",
        "tahun",
        "periode",
        "bulan",
        "semester",
        "keterangan",
        "catatan",
        "balita",
        "baduta",
        "jumlahbalita",
        "jumlahbaduta",
        "sasaran",
        "jumlahsasaran",
        "penduduk",
        "jumlahpenduduk",
        "populasi",
        "kk",
        "jumlahkk",
        "latitude",
        "longitude",
        "lat",
        "lon",
        "lng",
        "kodepos",
        "luas",
        "luaswilayah",
        "rank",
        "peringkat",
    }
)
TOTAL_LABELS = frozenset(
    {"total", "jumlah", "jumlahtotal", "grandtotal", "ratarata", "rerata", "kabupaten", "kota"}
)
MISSING_TEXT = frozenset({"", "-", "–", "—", "na", "n/a", "#n/a", "null", "none", "tidakada", "td", "?"})
INDICATOR_RE = re.compile(r"^\s*([A-Za-z]\d{2})(?!\d)")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def key(header: object) -> str:
    """A header compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def parse_number(value: object, *, count: bool = False) -> tuple[float | None, str | None]:
    """A cell as a number: (number, None); (None, None) when empty or "-"; (None, reason) when it
    is not a number. Text accepts a decimal comma (12,5), a trailing %, and, for counts
    (``count=True``), dots as thousands separators (1.250 = 1250)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, "bukan angka"
    if isinstance(value, int | float):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            return None, "bukan angka"
        return number, None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text.lower() in MISSING_TEXT:
        return None, None
    if text.endswith("%"):
        text = text[:-1]
    if "," in text and "." in text:
        # the separator that comes last is the decimal one: 1.234,5 or 1,234.5
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            return None, "bukan angka"
        text = text.replace(",", ".")
    elif count and THOUSANDS_RE.fullmatch(text):
        text = text.replace(".", "")
    if not NUMBER_RE.fullmatch(text):
        return None, "bukan angka"
    return float(text), None


# --- reading rows -----------------------------------------------------------------------------


def _file_problem(message: str) -> Problem:
    return Problem(None, "", "", message, ERROR)


def _csv_rows(data: bytes) -> tuple[list[tuple[int, tuple]], list[Problem]]:
    if b"\x00" in data:
        return [], [_file_problem("Berkas ini bukan CSV teks (berisi data biner). Gunakan .csv atau .xlsx.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            _file_problem(
                "Berkas CSV bukan teks UTF-8. Di Excel pilih Simpan Sebagai → 'CSV UTF-8 (dibatasi koma)'."
            )
        ]
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
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
        return [], [_file_problem(f"Berkas CSV tidak dapat dibaca (baris {reader.line_num}: {exc}).")]
    return rows, []


def read_rows(path: Path | str, *, sheet: str | None = None) -> tuple[list[tuple[int, tuple]], list[Problem]]:
    """(row number, cell values) of every non-empty row of a CSV or XLSX file, or the problem that
    stops it from being read."""
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if not path.exists():
        return [], [_file_problem(f"Berkas tidak ditemukan: {path}")]
    if not path.is_file():
        return [], [_file_problem(f"Bukan berkas: {path}")]
    if ext not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        return [], [_file_problem(f"Berkas .{ext or '?'} tidak dikenal: gunakan berkas .csv atau .xlsx.")]
    try:
        size = path.stat().st_size
        if size == 0:
            return [], [_file_problem("Berkas kosong.")]
        if size > MAX_BYTES:
            return [], [_file_problem(f"Berkas terlalu besar; batasnya {MAX_BYTES // 1_048_576} MB.")]
        if ext in CSV_EXTENSIONS:
            return _csv_rows(path.read_bytes())
        with path.open("rb") as fh:
            check_xlsx(fh, name=path.name)  # the extension's own advice (.xls, .xlsm) first
            return list(iter_sheet_rows(fh, sheet)), []
    except XlsxRejected as exc:
        return [], [_file_problem(str(exc))]
    except OSError as exc:
        return [], [_file_problem(f"Berkas tidak dapat dibuka: {exc.strerror or exc.__class__.__name__}.")]


# --- recognising columns ----------------------------------------------------------------------


def _unit_candidates(headers: list[str]) -> dict[tuple[str, str], int]:
    """(level, code|name) → the first column index with such a header."""
    found: dict[tuple[str, str], int] = {}
    for index, header in enumerate(headers):
        k = key(header)
        for level, kinds in UNIT_ALIASES.items():
            for kind, keys in kinds.items():
                if k in keys:
                    found.setdefault((level, kind), index)
    return found


def _role(header: str) -> str | None:
    k = key(header)
    for role, keys in ROLE_ALIASES.items():
        if k in keys:
            return role
    for role, prefixes in ROLE_PREFIXES.items():
        if any(k.startswith(p) for p in prefixes):
            return role
    return None


@dataclass
class _Columns:
    unit: int | None = None
    name: int | None = None
    roles: dict[str, int] = field(default_factory=dict)
    unit_like: set[int] = field(default_factory=set)


def _find_header(rows: list[tuple[int, tuple]]) -> int:
    for position, (_number, values) in enumerate(rows[:HEADER_SCAN_ROWS]):
        if _unit_candidates([value_text(v) for v in values]):
            return position
    return 0


def _columns(headers: list[str], level: str, problems: list[Problem]) -> _Columns:
    found = _unit_candidates(headers)
    out = _Columns(unit_like=set(found.values()))
    order = [level, "generic"] + [lv for lv in ("desa", "kecamatan", "puskesmas") if lv != level]
    for lv in order:
        code, name = found.get((lv, "code")), found.get((lv, "name"))
        if code is not None:  # the code column is the unit, the name column (if any) its name
            unit, out.name = code, name
        elif name is not None:
            unit, out.name = name, None
        else:
            continue
        out.unit = unit
        if lv not in (level, "generic"):
            problems.append(
                Problem(
                    None,
                    headers[unit],
                    "",
                    f"kolom {level} tidak ditemukan; kolom '{headers[unit]}' dipakai sebagai wilayah",
                    WARNING,
                )
            )
        break
    for index, header in enumerate(headers):
        if index in out.unit_like:
            continue
        role = _role(header)
        if role is not None and role not in out.roles:
            out.roles[role] = index
    return out


@dataclass
class _Parsed:
    headers: list[str]
    columns: _Columns
    rows: list[tuple[int, tuple]]  # data rows, totals removed
    problems: list[Problem]


def _parse(path: Path | str, *, level: str, sheet: str | None) -> _Parsed | list[Problem]:
    rows, problems = read_rows(path, sheet=sheet)
    if problems:
        return problems
    if not rows:
        return [_file_problem("Berkas tidak berisi data.")]
    start = _find_header(rows)
    header_number, header_values = rows[start]
    headers = [value_text(v).strip() for v in header_values]
    problems = []
    columns = _columns(headers, level, problems)
    if columns.unit is None:
        shown = ", ".join(h for h in headers if h) or "-"
        return [
            _file_problem(
                f"Kolom wilayah tidak ditemukan (mis. 'Desa', 'Kecamatan', 'Puskesmas' atau 'Kode Desa'). "
                f"Kolom berkas: {shown}."
            )
        ]
    data: list[tuple[int, tuple]] = []
    is_csv = Path(path).suffix.lower().lstrip(".") in CSV_EXTENSIONS
    for number, values in rows[start + 1 :]:
        extra = [v for v in values[len(headers) :] if value_text(v).strip()]
        if extra:
            hint = (
                "; angka desimal berkoma harus diapit tanda kutip, atau pakai pemisah titik koma (;)"
                if is_csv
                else ""
            )
            problems.append(
                Problem(
                    number,
                    "",
                    value_text(extra[0]),
                    f"baris memiliki lebih banyak nilai daripada judul kolom{hint}",
                )
            )
            continue
        label = key(values[columns.unit]) if columns.unit < len(values) else ""
        if label in TOTAL_LABELS:
            problems.append(
                Problem(
                    number,
                    headers[columns.unit],
                    value_text(values[columns.unit]),
                    "baris total diabaikan",
                    WARNING,
                )
            )
            continue
        data.append((number, values))
    if not data and not has_errors(problems):
        problems.append(
            _file_problem(f"Berkas tidak berisi data di bawah baris judul (baris {header_number}).")
        )
    return _Parsed(headers, columns, data, problems)


def _cell(values: tuple, index: int | None) -> object:
    return values[index] if index is not None and index < len(values) else None


def _numbers(
    parsed: _Parsed, index: int | None, *, count: bool, problems: list[Problem]
) -> list[float | None] | None:
    if index is None:
        return None
    out: list[float | None] = []
    for number, values in parsed.rows:
        raw = _cell(values, index)
        value, reason = parse_number(raw, count=count)
        if reason:
            problems.append(Problem(number, parsed.headers[index], value_text(raw), reason))
        out.append(value)
    return out


# --- the two kinds of file --------------------------------------------------------------------


@dataclass
class HotspotInput:
    """Per-unit figures of a distribution file, checked: bad values are None and in ``problems``,
    duplicate units after the first are dropped. A column absent from the file is None."""

    level: Level
    units: list[str] = field(default_factory=list)
    names: list[str] | None = None
    cases: list[float | None] | None = None
    measured: list[float | None] | None = None
    prevalence: list[float | None] | None = None
    rows: list[int | None] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # role -> header as written
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


@dataclass
class LokusInput(HotspotInput):
    """Per-desa figures of a lokus file, plus the coverage of each main indicator (percent) and
    an optional cost per desa."""

    coverage: dict[str, list[float | None]] = field(default_factory=dict)
    indicator_labels: dict[str, str] = field(default_factory=dict)
    cost: list[float | None] | None = None


def _to_list(array, present: bool) -> list[float | None] | None:
    if not present:
        return None
    return [None if v != v else float(v) for v in array.tolist()]


def _read_units(path: Path | str, *, level: str, sheet: str | None, target: HotspotInput):
    parsed = _parse(path, level=level, sheet=sheet)
    if isinstance(parsed, list):
        target.problems = list(parsed)
        return None, None
    problems = list(parsed.problems)
    cols = parsed.columns
    roles = cols.roles
    headers = parsed.headers
    assert cols.unit is not None
    cases = _numbers(parsed, roles.get("cases"), count=True, problems=problems)
    measured = _numbers(parsed, roles.get("measured"), count=True, problems=problems)
    prevalence = _numbers(parsed, roles.get("prevalence"), count=False, problems=problems)
    rows: list[int | None] = [number for number, _ in parsed.rows]
    units = [value_text(_cell(values, cols.unit)).strip() for _, values in parsed.rows]
    names = {"unit": headers[cols.unit]} | {role: headers[i] for role, i in roles.items()}
    clean = clean_units(
        units, cases=cases, measured=measured, prevalence=prevalence, rows=rows, columns=names
    )
    problems.extend(clean.problems)
    target.units = clean.units
    target.rows = clean.rows
    target.cases = _to_list(clean.cases, cases is not None)
    target.measured = _to_list(clean.measured, measured is not None)
    target.prevalence = _to_list(clean.prevalence, prevalence is not None)
    if cols.name is not None:
        all_names = [value_text(_cell(values, cols.name)).strip() for _, values in parsed.rows]
        target.names = [all_names[i] for i in clean.kept]
    target.columns = names
    target.problems = problems
    return parsed, clean


def _sort(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda q: (q.row is not None, q.row or 0))


def read_hotspot_file(
    path: Path | str, *, level: Level | str = Level.DESA, sheet: str | None = None
) -> HotspotInput:
    """A stunting distribution file: one row per unit with cases and prevalence (or measured)."""
    level = Level(level)
    out = HotspotInput(level=level)
    parsed, _clean = _read_units(path, level=level.value, sheet=sheet, target=out)
    if parsed is not None:
        roles = parsed.columns.roles
        if "cases" not in roles and "prevalence" not in roles:
            out.problems.append(
                _file_problem(
                    "Kolom kasus atau prevalensi tidak ditemukan (mis. 'Jumlah Kasus', 'Prevalensi (%)'). "
                    f"Kolom berkas: {', '.join(h for h in parsed.headers if h)}."
                )
            )
        elif "prevalence" not in roles and "measured" not in roles:
            out.problems.append(
                Problem(
                    None,
                    "",
                    "",
                    "tidak ada kolom prevalensi atau jumlah diukur: hanya jumlah kasus yang dianalisis",
                    WARNING,
                )
            )
    out.problems = _sort(out.problems)
    return out


def read_lokus_file(path: Path | str, *, sheet: str | None = None) -> LokusInput:
    """A lokus file: one row per desa with cases, prevalence (or measured), the coverage (%) of the
    main indicators, and optionally a cost per desa."""
    out = LokusInput(level=Level.DESA)
    parsed, clean = _read_units(path, level="desa", sheet=sheet, target=out)
    if parsed is None or clean is None:
        out.problems = _sort(out.problems)
        return out
    problems = out.problems
    cols = parsed.columns
    used = set(cols.unit_like) | set(cols.roles.values())
    for index, header in enumerate(parsed.headers):
        if index in used or not header:
            continue
        match = INDICATOR_RE.match(header)
        if match is None:
            k = key(header)
            if k in NOT_INDICATORS:
                continue
            cells = [_cell(values, index) for _, values in parsed.rows]
            filled = [c for c in cells if parse_number(c) != (None, None)]
            numeric = [c for c in filled if parse_number(c)[1] is None]
            if not filled or 2 * len(numeric) <= len(filled):
                continue
            code = header
        else:
            code = match.group(1).upper()
        if code in out.coverage:
            problems.append(
                Problem(None, header, "", f"indikator {code} muncul di dua kolom; kolom kedua diabaikan")
            )
            continue
        values = _numbers(parsed, index, count=False, problems=problems) or []
        for i, value in enumerate(values):
            if value is not None and value < 0:
                problems.append(
                    Problem(parsed.rows[i][0], header, value_text(value), "cakupan tidak boleh negatif")
                )
                values[i] = None
        out.coverage[code] = [values[i] for i in clean.kept]
        out.indicator_labels[code] = header
    if "cost" in cols.roles:
        costs = _numbers(parsed, cols.roles["cost"], count=True, problems=problems) or []
        header = parsed.headers[cols.roles["cost"]]
        kept = [costs[i] for i in clean.kept]
        for i, value in enumerate(kept):
            if value is not None and value < 0:
                problems.append(Problem(out.rows[i], header, value_text(value), "biaya tidak boleh negatif"))
                kept[i] = None
        out.cost = kept
    if not out.coverage:
        problems.append(
            Problem(
                None,
                "",
                "",
                "tidak ada kolom indikator cakupan (mis. 'U01'): kriteria 3 (cakupan rendah) tidak dapat dinilai",
                WARNING,
            )
        )
    if "prevalence" not in cols.roles and "measured" not in cols.roles:
        problems.append(
            Problem(
                None,
                "",
                "",
                "tidak ada kolom prevalensi atau jumlah diukur: kriteria 1 tidak dapat dinilai",
                WARNING,
            )
        )
    if "cases" not in cols.roles:
        problems.append(
            Problem(None, "", "", "tidak ada kolom jumlah kasus: kriteria 2 tidak dapat dinilai", WARNING)
        )
    out.problems = _sort(problems)
    return out
