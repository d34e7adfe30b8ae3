"""The Skor Konvergensi Desa (Aksi 5): the share of (target × indicator) pairs that were received.

For every target (a pregnant woman, a child 0–23 months) and every indicator that applies to her
group, the KPM records whether she received the service. The score is

    received pairs ÷ (targets × applicable indicators) pairs × 100

per group and overall. Entered as counts per indicator (targets_i, received_i) it is
Σ received_i ÷ Σ targets_i over the applicable indicators. A person for whom an indicator does not
apply ("-", e.g. PAUD for a baby) is no target of it. No pairs: no score (``None``).

Exact: the score is a :class:`fractions.Fraction`; round only for display (:func:`percent_text`).
The per-person reader (:func:`read_people`) takes the rows of the Excel template (no NIK, no names:
row number, age, one column Y / T / - per indicator) and gives counts and problems; only counts are
stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .problems import Problem

GROUPS = ("ibu_hamil", "anak_0_23")
GROUP_LABELS = {"ibu_hamil": "Ibu hamil", "anak_0_23": "Anak 0–23 bulan"}
YES, NO, NA = "Y", "T", "-"


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    name: str


@dataclass(frozen=True)
class Count:
    """One indicator of one scorecard: how many targets, how many received it."""

    code: str
    group: str
    targets: int
    received: int


@dataclass(frozen=True)
class Score:
    received: int
    pairs: int

    @property
    def value(self) -> Fraction | None:
        """The score in percent, exact; None when there are no pairs."""
        return Fraction(100 * self.received, self.pairs) if self.pairs else None

    def __add__(self, other: Score) -> Score:
        return Score(self.received + other.received, self.pairs + other.pairs)


NO_PAIRS = Score(0, 0)


def score(
    counts: Iterable[Count], applicable: Iterable[str] | None = None, group: str | None = None
) -> Score:
    """Σ received ÷ Σ targets over the counts of the ``applicable`` indicator codes (all when None),
    of ``group`` only when given."""
    allowed = None if applicable is None else set(applicable)
    received = pairs = 0
    for c in counts:
        if (allowed is not None and c.code not in allowed) or (group is not None and c.group != group):
            continue
        received += c.received
        pairs += c.targets
    return Score(received, pairs)


def scores(counts: Sequence[Count], applicable: Iterable[str] | None = None) -> dict[str, Score]:
    """Per group and ``"total"``."""
    allowed = None if applicable is None else set(applicable)
    out = {g: score(counts, allowed, g) for g in GROUPS}
    out["total"] = score(counts, allowed)
    return out


def percent_text(value: Fraction | float | None, digits: int = 1) -> str:
    """ "72,5" (Indonesian decimal comma), "—" when there is no score. Rounds half up."""
    if value is None:
        return "—"
    q = Fraction(value) * 10**digits
    rounded = (q.numerator * 2 + q.denominator) // (q.denominator * 2)
    whole, frac = divmod(rounded, 10**digits)
    return f"{whole},{frac:0{digits}d}" if digits else str(whole)


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def count_problems(counts: Iterable[Count]) -> list[str]:
    """What is wrong with counts typed in a form: negative numbers, received above targets."""
    out = []
    for c in counts:
        if c.targets < 0 or c.received < 0:
            out.append(f"{c.code}: jumlah tidak boleh negatif.")
        elif c.received > c.targets:
            out.append(
                f"{c.code}: jumlah yang menerima ({c.received}) melebihi jumlah sasaran ({c.targets})."
            )
    return out


# --- per person ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One target of the template: her group, age in months (None when not given) and per
    indicator code Y, T or -."""

    group: str
    age: int | None
    answers: Mapping[str, str]


def counts_from_people(people: Iterable[Person], indicators: Sequence[Indicator]) -> list[Count]:
    """The counts per indicator: targets = people of its group for whom it applies (not "-"),
    received = those with Y."""
    tally = {i.code: [0, 0] for i in indicators}
    group_of = {i.code: i.group for i in indicators}
    for p in people:
        for code, answer in p.answers.items():
            if code not in tally or group_of[code] != p.group or answer == NA:
                continue
            tally[code][0] += 1
            tally[code][1] += answer == YES
    return [Count(i.code, i.group, *tally[i.code]) for i in indicators]


def pairs_of_people(people: Iterable[Person], applicable: Iterable[str]) -> Score:
    """The score counted pair by pair (the definition), for checking the counts' way."""
    allowed = set(applicable)
    received = pairs = 0
    for p in people:
        for code, answer in p.answers.items():
            if code in allowed and answer != NA:
                pairs += 1
                received += answer == YES
    return Score(received, pairs)


ANSWERS = {
    "y": YES, "ya": YES, "yes": YES, "1": YES,
    "t": NO, "tidak": NO, "n": NO, "no": NO, "0": NO,
    "-": NA, "–": NA, "tb": NA, "": NA,
}  # fmt: skip
MAX_PEOPLE = 5000


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of the template: its name, its group, the header of the age column and its range,
    and its indicators (headers are ``"<kode> <nama>"``; the code alone is enough)."""

    name: str
    group: str
    age_header: str
    age_range: tuple[int, int]
    age_required: bool
    indicators: tuple[Indicator, ...]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_people(
    sheet: SheetSpec, rows: Iterable[tuple[int, tuple]], *, header_row: int | None = None
) -> tuple[list[Person], list[Problem]]:
    """People and problems from (Excel row number, values) of one sheet. The header is the first row
    whose first cell reads "No" (or ``header_row``); a column per indicator is found by its code.
    Rows with nothing but a number are skipped. Every problem names sheet, row and column."""
    people: list[Person] = []
    problems: list[Problem] = []
    header: tuple | None = None
    columns: dict[int, str] = {}
    age_col: int | None = None
    for number, values in rows:
        if header is None:
            first = _cell(values[0] if values else None).lower()
            if (header_row is not None and number == header_row) or (header_row is None and first == "no"):
                header = values
                for i, v in enumerate(values):
                    text = _cell(v)
                    if text.lower().startswith(sheet.age_header.lower()[:6]):
                        age_col = i
                    for ind in sheet.indicators:
                        if text.split(" ")[0].upper() == ind.code:
                            columns[i] = ind.code
                missing = [i.code for i in sheet.indicators if i.code not in columns.values()]
                for code in missing:
                    problems.append(
                        Problem(
                            sheet.name, number, code, "", f"Kolom indikator {code} tidak ada di baris judul."
                        )
                    )
                if age_col is None and sheet.age_required:
                    problems.append(
                        Problem(
                            sheet.name, number, sheet.age_header, "", f"Kolom '{sheet.age_header}' tidak ada."
                        )
                    )
            continue
        cells = [_cell(v) for v in values]
        if not any(cells[1:]):
            continue
        if len(people) >= MAX_PEOPLE:
            problems.append(
                Problem(sheet.name, number, "", "", f"Terlalu banyak baris (paling banyak {MAX_PEOPLE}).")
            )
            break
        age: int | None = None
        if age_col is not None:
            raw = cells[age_col] if age_col < len(cells) else ""
            if raw:
                try:
                    age = int(raw)
                except ValueError:
                    age = None
                lo, hi = sheet.age_range
                if age is None or not lo <= age <= hi:
                    problems.append(
                        Problem(
                            sheet.name,
                            number,
                            sheet.age_header,
                            raw,
                            f"Isi umur dalam bulan, bilangan bulat {lo}–{hi}.",
                        )  # fmt: skip
                    )
                    age = None
            elif sheet.age_required:
                problems.append(
                    Problem(sheet.name, number, sheet.age_header, "", "Umur (bulan) belum diisi.")
                )
        answers: dict[str, str] = {}
        for i, code in columns.items():
            raw = cells[i] if i < len(cells) else ""
            answer = ANSWERS.get(raw.lower())
            head = _cell(header[i]) if header is not None else code
            if answer is None:
                problems.append(
                    Problem(sheet.name, number, head, raw, "Isi Y (ya), T (tidak) atau - (tidak berlaku).")
                )
                continue
            answers[code] = answer
        people.append(Person(sheet.group, age, answers))
    if header is None:
        problems.append(
            Problem(
                sheet.name, None, "", "", "Baris judul (kolom pertama 'No') tidak ditemukan di lembar ini."
            )
        )
    return people, problems
