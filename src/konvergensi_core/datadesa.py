"""Village coverage data in a spreadsheet: the template's layout and the checks of an upload.

Pure Python: it reads rows (Excel row number, cell values) — from ``konvergensi_core.io.xlsx`` or
any other source — and returns the values it understood and every problem it found, each with its
sheet, row, column and value and a message in Indonesian. Nothing is written here; the caller
writes all or nothing.

The template (``Data`` sheet), written by the web app and read back here:

    row 1   title
    row 2   Kabupaten/Kota | <kode>  <nama>
    row 3   Periode        | 2026        (a year, or a semester 2026-S1 / 2026-S2)
    row 4   OPD            | <nama OPD>  (information only)
    row 6   indicator names above their columns
    row 7   Kode Desa | Desa/Kelurahan | Kecamatan | U01 Pembilang | U01 Penyebut | C05 Jumlah | …
    row 8…  one row per desa

Only the ``Kode Desa`` header and the indicator columns matter; the others may be moved, and rows
may be in any order. A pair left empty is "not reported" and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from . import kode as kode_rules
from . import sasaran as sasaran_rules
from .indicators import IndicatorDef
from .problems import WARNING, Problem  # the one problem shape (issue 12)

SHEET = "Data"
HEADER_ROW = 7
PERIOD_RE = re.compile(r"^(20[1-9]\d)(-S[12])?$")
YEAR_RE = re.compile(r"^20[1-9]\d$")
COLUMN_RE = re.compile(r"^\s*([A-Z]\d{2})\s*[-–:]?\s*(pembilang|penyebut|jumlah)\b", re.IGNORECASE)
SASARAN_LABEL = sasaran_rules.LABEL  # field → plain label (the data sasaran counts)


@dataclass(frozen=True)
class Value:
    desa: str
    indicator: str
    numerator: int
    denominator: int | None
    row: int


@dataclass
class Parsed:
    periode: str | None = None
    kabkota: str | None = None
    values: list[Value] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        """No error (warnings — a denominator above the verified data sasaran — do not stop a save)."""
        return not any(p.is_error for p in self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


MAX_COUNT = 10_000_000  # people, families or desa of one desa: larger is a typing error (and no int column holds 1e11)


def parse_count(value) -> tuple[int | None, str | None]:
    """A cell or form field as a whole number 0…MAX_COUNT: (number, None), (None, None) when empty,
    or (None, reason in Indonesian). One rule for the Excel template, the grid and the forms."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, "bukan angka"
    if isinstance(value, int):
        number: float = value
    elif isinstance(value, float):
        number = value
    else:
        text = str(value).strip().replace(" ", "")
        # Indonesian spreadsheets write thousands with dots: 1.250 is one thousand two hundred and fifty.
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None, "bukan angka"
    if number != number or number in (float("inf"), float("-inf")):
        return None, "bukan angka"
    if number < 0:
        return None, "tidak boleh negatif"
    if not float(number).is_integer():
        return None, "harus bilangan bulat (jumlah orang, keluarga atau desa)"
    if number > MAX_COUNT:
        return None, "terlalu besar untuk satu desa (paling banyak 10.000.000)"
    return int(number), None


def parse_coverage(
    rows: Iterable[tuple[int, tuple]],
    *,
    kabkota: str,
    desa: Mapping[str, str],
    indicators: Mapping[str, IndicatorDef],
    allowed: set[str] | None = None,
    sasaran: Mapping[str, Mapping[str, int | None]] | Callable[[int], Mapping] | None = None,
    sheet: str = SHEET,
) -> Parsed:
    """Check a coverage sheet of district ``kabkota``.

    ``desa``: code → name of the district's desa/kelurahan; ``indicators``: code → definition;
    ``allowed``: the indicator codes the uploader may fill (an OPD fills only its own; None = all);
    ``sasaran``: desa code → the *verified* data sasaran (``ibu_hamil``, ``baduta``, ``balita`` …) to
    warn of figures larger than the population they are drawn from (``konvergensi_core.sasaran``), or a function of the period's year giving it
    (the year is only known once the sheet's header block is read).
    """
    out = Parsed()
    targets: Mapping[str, Mapping[str, int | None]] | None = None if callable(sasaran) else (sasaran or {})
    columns: dict[int, tuple[str, str]] = {}  # column index -> (indicator, role)
    kode_col: int | None = None
    seen: dict[str, int] = {}

    def problem(row: int | None, col: int | None, value, message: str) -> None:
        letter = column_letter(col) if col is not None else ""
        out.problems.append(Problem(sheet, row, letter, _text(value)[:60], message))

    for number, cells in rows:
        cells = tuple(cells)
        if kode_col is None:
            # The block above the header: the district and the period, then the header row itself.
            _header_block(number, cells, out, kabkota, problem)
            kode_col = _kode_column(cells)
            if kode_col is not None:
                refused: set[str] = set()  # one message per indicator, not per column
                for i, cell in enumerate(cells):
                    match = COLUMN_RE.match(_text(cell))
                    if not match:
                        continue
                    code, role = match.group(1).upper(), match.group(2).lower()
                    if code not in indicators:
                        if code not in refused:
                            problem(number, i, cell, f"Indikator {code} tidak ada dalam katalog.")
                        refused.add(code)
                        continue
                    if allowed is not None and code not in allowed:
                        if code not in refused:
                            problem(number, i, cell, f"Indikator {code} bukan tanggung jawab OPD Anda.")
                        refused.add(code)
                        continue
                    unit_count = indicators[code].is_count
                    if unit_count != (role == "jumlah"):
                        want = "Jumlah" if unit_count else "Pembilang dan Penyebut"
                        problem(number, i, cell, f"Kolom {code} harus berjudul {want}.")
                        continue
                    if (code, role) in columns.values():
                        problem(number, i, cell, f"Kolom {code} {role} muncul dua kali.")
                        continue
                    columns[i] = (code, role)
                out.indicators = sorted({c for c, _ in columns.values()})
                # A percentage needs both columns: a renamed or deleted half would drop its figures unseen.
                roles: dict[str, set[str]] = {}
                for c, role in columns.values():
                    roles.setdefault(c, set()).add(role)
                for c, present in sorted(roles.items()):
                    if not indicators[c].is_count and present != {"pembilang", "penyebut"}:
                        missing = "Penyebut" if "pembilang" in present else "Pembilang"
                        problem(number, None, "", f"Kolom '{c} {missing}' tidak ada. Jangan mengubah judul kolom "
                                f"baris {HEADER_ROW}; unduh templat baru bila perlu.")  # fmt: skip
                if not columns:
                    problem(
                        number, None, "", "Tidak ada kolom indikator (mis. 'U01 Pembilang', 'U01 Penyebut')."
                    )
            continue

        # A data row.
        if not any(_text(c) for c in cells):
            continue
        raw_kode = cells[kode_col] if kode_col < len(cells) else None
        numbers: dict[str, dict[str, int | None]] = {}
        for i, (code, role) in columns.items():
            value = cells[i] if i < len(cells) else None
            parsed, reason = parse_count(value)
            if reason:
                problem(number, i, value, f"{code} {role}: {reason}.")
            numbers.setdefault(code, {})[role] = parsed
        if not any(v is not None for pair in numbers.values() for v in pair.values()) and not _text(raw_kode):
            continue
        out.rows += 1
        kode = _desa_kode(number, kode_col, raw_kode, desa=desa, kabkota=kabkota, seen=seen, problem=problem)
        if kode is None:
            continue
        if targets is None:
            targets = sasaran(int(out.periode[:4])) if out.periode and callable(sasaran) else {}
        target = targets.get(kode, {})
        for code, pair in numbers.items():
            ind = indicators[code]
            cols = {role: i for i, (c, role) in columns.items() if c == code}
            if ind.is_count:
                jumlah = pair.get("jumlah")
                if jumlah is not None:
                    out.values.append(Value(kode, code, jumlah, None, number))
                continue
            num, den = pair.get("pembilang"), pair.get("penyebut")
            if num is None and den is None:
                continue  # not reported
            if num is None:
                if "pembilang" in cols and not _has_problem(out, number, cols["pembilang"]):
                    problem(
                        number, cols["pembilang"], "", f"{code}: pembilang wajib diisi bila penyebut diisi."
                    )
                continue
            if den is None:
                if "penyebut" in cols and not _has_problem(out, number, cols["penyebut"]):
                    problem(
                        number,
                        cols.get("penyebut"),
                        "",
                        f"{code}: penyebut wajib diisi bila pembilang diisi.",
                    )
                continue
            if num > den:
                problem(
                    number,
                    cols["pembilang"],
                    num,
                    f"{code}: pembilang ({num}) lebih besar dari penyebut ({den}).",
                )
                continue
            exceeded = sasaran_rules.bound_exceeded(code, den, target)
            if exceeded is not None:
                # A warning, not a refusal: the figure is kept; the data sasaran may be what is wrong.
                letter = column_letter(cols["penyebut"])
                out.problems.append(
                    Problem(sheet, number, letter, str(den), sasaran_rules.bound_message(code, den, *exceeded),
                            severity=WARNING, reject=False)
                )  # fmt: skip
            out.values.append(Value(kode, code, num, den, number))
    if kode_col is None:
        out.problems.append(
            Problem(
                sheet, None, "", "", "Baris judul dengan kolom 'Kode Desa' tidak ditemukan. Gunakan templat."
            )
        )
    elif out.periode is None and not any(p.message.startswith("Periode") for p in out.problems):
        out.problems.append(Problem(sheet, 3, "B", "", "Periode belum diisi (mis. 2026)."))
    # In the order of the sheet: by row, then column (A … Z, AA …).
    out.problems.sort(key=lambda p: (p.row or 0, len(p.column), p.column))
    return out


def _has_problem(parsed: Parsed, row: int, col: int) -> bool:
    letter = column_letter(col)
    # Only the problems of this row can match: they are the last ones appended.
    for p in reversed(parsed.problems):
        if p.row != row:
            return False
        if p.column == letter:
            return True
    return False


def _header_block(number: int, cells: tuple, out: Parsed | ParsedProgram, kabkota: str, problem) -> None:
    """Read the 'Kabupaten/Kota' and 'Periode' (or 'Tahun') lines above a template's header row."""
    label = _text(cells[0]).lower().rstrip(":").strip() if cells else ""
    value = cells[1] if len(cells) > 1 else None
    if label in ("periode", "tahun"):
        text = _text(value)
        if label == "tahun" and not YEAR_RE.match(text):
            problem(number, 1, value, "Tahun harus empat angka, mis. 2026.")
        elif not PERIOD_RE.match(text):
            problem(number, 1, value, "Periode harus tahun (mis. 2026) atau semester (2026-S1, 2026-S2).")
        else:
            out.periode = text
    elif label in ("kabupaten/kota", "kab/kota", "kabkota"):
        text = _text(value).split(" ")[0]
        try:
            out.kabkota = kode_rules.normalise(text)
        except kode_rules.InvalidKode:
            problem(number, 1, value, "Kode kabupaten/kota tidak dikenal.")
        else:
            if out.kabkota != kabkota:
                problem(
                    number,
                    1,
                    value,
                    f"Templat ini untuk kab/kota {out.kabkota}, bukan {kabkota}. "
                    "Unduh templat kabupaten/kota Anda sendiri.",
                )


def _kode_column(cells: tuple) -> int | None:
    return next((i for i, cell in enumerate(cells) if _text(cell).lower() == "kode desa"), None)


def _desa_kode(
    number: int, col: int, raw, *, desa: Mapping[str, str], kabkota: str, seen: dict[str, int], problem
) -> str | None:
    """The official code in a row's 'Kode Desa' cell, or None after reporting why not."""
    text = _text(raw)
    if not text:
        problem(number, col, raw, "Kode desa kosong.")
        return None
    try:
        kode = kode_rules.normalise(text)
    except kode_rules.InvalidKode:
        problem(number, col, raw, "Kode desa tidak sah (10 angka, mis. 3211012001).")
        return None
    if kode not in desa:
        problem(number, col, raw, f"Desa {kode} tidak ada di kabupaten/kota {kabkota}.")
        return None
    if kode in seen:
        problem(number, col, raw, f"Desa {kode} sudah ada di baris {seen[kode]}.")
        return None
    seen[kode] = number
    return kode


def diff(
    values: Iterable[Value], current: Mapping[tuple[str, str], tuple[int | None, int | None]]
) -> dict[str, list[Value]]:
    """Split parsed values into new / changed / unchanged against ``current``
    ((desa, indicator) → (numerator, denominator) stored for the same period)."""
    out: dict[str, list[Value]] = {"added": [], "changed": [], "unchanged": []}
    for v in values:
        now = current.get((v.desa, v.indicator))
        if now is None:
            out["added"].append(v)
        elif now == (v.numerator, v.denominator):
            out["unchanged"].append(v)
        else:
            out["changed"].append(v)
    return out


# --- the programme-mapping template -------------------------------------------------------------

PROGRAM_SHEET = "Program"
PROGRAM_COLUMN_RE = re.compile(r"^\s*([A-Z]\d{2})\b")
# Funding sources as officers write them (compared after lower-casing and dropping spaces and dots).
FUNDING_ALIASES: dict[str, str] = {
    "apbn": "apbn",
    "apbdprov": "apbd_prov",
    "apbdprovinsi": "apbd_prov",
    "apbdi": "apbd_prov",
    "apbdkab": "apbd_kab",
    "apbdkota": "apbd_kab",
    "apbdkab/kota": "apbd_kab",
    "apbdkabkota": "apbd_kab",
    "apbdii": "apbd_kab",
    "dak": "dak",
    "danadesa": "dana_desa",
    "dd": "dana_desa",
    "apbdes": "dana_desa",
    "lainnya": "lainnya",
    "lain": "lainnya",
    "swasta": "lainnya",
    "csr": "lainnya",
}
ABSENT = frozenset({"tidak", "tidakada", "0", "-", "no", "belum"})
PRESENT = frozenset({"ada", "ya", "1", "yes", "v", "x", "✓"})


@dataclass(frozen=True)
class ProgramValue:
    desa: str
    indicator: str
    ada: bool
    sumber: tuple[str, ...]
    row: int


def parse_funding(value) -> tuple[bool | None, tuple[str, ...], str | None]:
    """A programme cell: (present?, funding sources, problem). Empty = not reported (None)."""
    text = _text(value)
    if not text:
        return None, (), None
    key = re.sub(r"[\s.]", "", text.lower())
    if key in ABSENT:
        return False, (), None
    if key in PRESENT:
        return True, (), None
    sources: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,;+\n]", text):
        token = re.sub(r"[\s.]", "", part.lower())
        if not token:
            continue
        code = FUNDING_ALIASES.get(token)
        if code is None:
            unknown.append(part.strip())
        elif code not in sources:
            sources.append(code)
    if unknown:
        return (
            None,
            (),
            f"sumber dana tidak dikenal: {', '.join(unknown)}. Gunakan APBN, APBD Prov, APBD Kab/Kota, "
            "DAK, Dana Desa atau Lainnya (dipisah koma), 'ada' tanpa sumber, atau 'tidak'.",
        )
    return True, tuple(sources), None


@dataclass
class ParsedProgram:
    periode: str | None = None  # the year
    kabkota: str | None = None
    values: list[ProgramValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_program(
    rows: Iterable[tuple[int, tuple]],
    *,
    kabkota: str,
    desa: Mapping[str, str],
    indicators: Mapping[str, IndicatorDef],
    allowed: set[str] | None = None,
    sheet: str = PROGRAM_SHEET,
) -> ParsedProgram:
    """Check a programme-mapping sheet: row 7 holds 'Kode Desa' and one column per indicator code;
    each cell says whether the desa has the programme and who funds it (see :func:`parse_funding`)."""
    out = ParsedProgram()
    columns: dict[int, str] = {}
    kode_col: int | None = None
    seen: dict[str, int] = {}

    def problem(row: int | None, col: int | None, value, message: str) -> None:
        letter = column_letter(col) if col is not None else ""
        out.problems.append(Problem(sheet, row, letter, _text(value)[:60], message))

    for number, cells in rows:
        cells = tuple(cells)
        if kode_col is None:
            _header_block(number, cells, out, kabkota, problem)
            kode_col = _kode_column(cells)
            if kode_col is not None:
                for i, cell in enumerate(cells):
                    match = PROGRAM_COLUMN_RE.match(_text(cell)) if i != kode_col else None
                    if not match:
                        continue
                    code = match.group(1).upper()
                    if code not in indicators:
                        problem(number, i, cell, f"Indikator {code} tidak ada dalam katalog.")
                    elif allowed is not None and code not in allowed:
                        problem(number, i, cell, f"Indikator {code} bukan tanggung jawab OPD Anda.")
                    elif code in columns.values():
                        problem(number, i, cell, f"Kolom {code} muncul dua kali.")
                    else:
                        columns[i] = code
                out.indicators = sorted(columns.values())
                if not columns:
                    problem(number, None, "", "Tidak ada kolom indikator (mis. 'U01').")
            continue
        if not any(_text(c) for c in cells):
            continue
        raw_kode = cells[kode_col] if kode_col < len(cells) else None
        parsed: list[tuple[str, bool, tuple[str, ...]]] = []
        for i, code in columns.items():
            value = cells[i] if i < len(cells) else None
            ada, sources, reason = parse_funding(value)
            if reason:
                problem(number, i, value, f"{code}: {reason}")
            elif ada is not None:
                parsed.append((code, ada, sources))
        out.rows += 1
        kode = _desa_kode(number, kode_col, raw_kode, desa=desa, kabkota=kabkota, seen=seen, problem=problem)
        if kode is not None:
            out.values.extend(ProgramValue(kode, code, ada, src, number) for code, ada, src in parsed)
    if kode_col is None:
        out.problems.append(
            Problem(
                sheet, None, "", "", "Baris judul dengan kolom 'Kode Desa' tidak ditemukan. Gunakan templat."
            )
        )
    elif out.periode is None and not any(p.message.startswith("Tahun") for p in out.problems):
        out.problems.append(Problem(sheet, 3, "B", "", "Tahun belum diisi (mis. 2026)."))
    out.problems.sort(key=lambda p: (p.row or 0, len(p.column), p.column))
    return out


def diff_program(
    values: Iterable[ProgramValue], current: Mapping[tuple[str, str], tuple[bool, tuple[str, ...]]]
) -> dict[str, list[ProgramValue]]:
    """New / changed / unchanged against ``current`` ((desa, indicator) → (ada, sources))."""
    out: dict[str, list[ProgramValue]] = {"added": [], "changed": [], "unchanged": []}
    for v in values:
        now = current.get((v.desa, v.indicator))
        if now is None:
            out["added"].append(v)
        elif (now[0], tuple(sorted(now[1]))) == (v.ada, tuple(sorted(v.sumber))):
            out["unchanged"].append(v)
        else:
            out["changed"].append(v)
    return out
