"""The rules of budget tagging (issue 15): what needs context to validate, what a re-import changes,
the totals and shares, and the flags of a quarter.

Amounts are whole Rupiah (``int``) throughout; only the ratios are floats.

* **Absorption** (``absorption``) = realisation ÷ pagu, where a line's realisation is the sum of its
  quarters (each quarter holds the amount spent IN that quarter). It is ``None`` when the pagu is 0
  (nothing to absorb: neither 0 % nor 100 % would be true).
* **Shares** (``direct_to_target.share``, ``lokus.share``) are fractions 0–1 of the total pagu, and
  0 when the total pagu is 0.
* A line counts **toward lokus** when at least one of its locations is a lokus desa (codes compared
  without spaces); a district-wide line (no location) does not.
* A line counts **fully in each** of its target groups and of its indicators: those breakdowns may
  add up to more than the total, by design. The breakdowns by category, source and OPD add up to
  the total exactly.
* **Per desa** (``by_desa``): a line's pagu (and realisation) is split equally over its desa, in
  whole Rupiah, the remainder of the division going to the first desa of the line; district-wide
  lines are not in it. So ``by_desa`` adds up exactly to the pagu of the lines with a location.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..plan.codes import normalize_code
from ..plan.rupiah import format_rupiah
from ..problems import Problem
from .lines import CATEGORIES, COLUMNS, QUARTERS, SOURCES, TARGET_GROUPS, BudgetLine

TANPA_REALISASI = "tanpa_realisasi"
SERAPAN_RENDAH_TW3 = "serapan_rendah_tw3"
FLAG_CODES = (TANPA_REALISASI, SERAPAN_RENDAH_TW3)

Key = tuple[str, str, str]


def _column(columns: Mapping[str, str] | None, role: str) -> str:
    return (columns or {}).get(role) or COLUMNS[role]


def _line_label(line: BudgetLine) -> str:
    return f"{line.code} ({line.opd}, {line.source})"


def validate(
    lines: Sequence[BudgetLine],
    *,
    desa_codes: Collection[str] | None = None,
    indicator_codes: Collection[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> list[Problem]:
    """The problems only context can find, in line order: a location that is not a desa of the
    district (``desa_codes``; not checked when None), an indicator code not in the catalogue
    (``indicator_codes``; not checked when None), the same (code, OPD, source) twice in one file
    (the second and later lines are refused). ``columns``: role → header as the file wrote it
    (``BudgetRead.columns``), for the problems' column; the template's headers otherwise."""
    desa = {normalize_code(c) for c in desa_codes} if desa_codes is not None else None
    indicators = (
        {normalize_code(c).casefold() for c in indicator_codes} if indicator_codes is not None else None
    )
    seen: dict[Key, BudgetLine] = {}
    out: list[Problem] = []
    for line in lines:
        if desa is not None:
            for location in line.locations:
                if normalize_code(location) not in desa:
                    out.append(
                        Problem(
                            sheet=line.sheet,
                            row=line.row,
                            column=_column(columns, "locations"),
                            value=location,
                            message=f"desa {location} bukan desa kabupaten/kota ini (tulis kode desa, mis. "
                            "3211010001)",
                        )
                    )
        if indicators is not None:
            for code in line.indicators:
                if normalize_code(code).casefold() not in indicators:
                    out.append(
                        Problem(
                            sheet=line.sheet,
                            row=line.row,
                            column=_column(columns, "indicators"),
                            value=code,
                            message=f"kode indikator {code} tidak ada dalam katalog indikator",
                        )
                    )
        first = seen.get(line.key)
        if first is None:
            seen[line.key] = line
        else:
            where = f"baris {first.row}" if first.row is not None else "baris lain"
            out.append(
                Problem(
                    sheet=line.sheet,
                    row=line.row,
                    column=_column(columns, "code"),
                    value=line.code,
                    message=f"sub kegiatan {line.code} dengan perangkat daerah dan sumber dana yang sama sudah "
                    f"ada di {where}; gabungkan menjadi satu baris",
                )
            )
    return out


@dataclass
class Diff:
    """What replacing ``old`` with ``new`` does, by line key: lines added, changed (the new
    version; ``was`` gives the old one by key), unchanged, removed."""

    added: list[BudgetLine] = field(default_factory=list)
    changed: list[BudgetLine] = field(default_factory=list)
    unchanged: list[BudgetLine] = field(default_factory=list)
    removed: list[BudgetLine] = field(default_factory=list)
    was: dict[Key, BudgetLine] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
        }


def diff(old: Sequence[BudgetLine], new: Sequence[BudgetLine]) -> Diff:
    """Compare by ``BudgetLine.key``; a line is changed when any of its ``values`` differs (name,
    pagu, a quarter, a tag …), not when only its sheet/row or the spelling of its OPD's case and
    punctuation does. A key repeated in ``new`` counts once (``validate`` refuses the repeat)."""
    before: dict[Key, BudgetLine] = {}
    for line in old:
        before.setdefault(line.key, line)
    out = Diff()
    seen: set[Key] = set()
    for line in new:
        if line.key in seen:
            continue
        seen.add(line.key)
        previous = before.get(line.key)
        if previous is None:
            out.added.append(line)
        elif previous.values == line.values:
            out.unchanged.append(line)
        else:
            out.changed.append(line)
            out.was[line.key] = previous
    out.removed = [line for key, line in before.items() if key not in seen]
    return out


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def absorption(realisasi: int, pagu: int) -> float | None:
    """realisasi ÷ pagu; None when the pagu is 0."""
    return realisasi / pagu if pagu else None


def _add(table: dict[str, dict[str, int]], name: str, line: BudgetLine, pagu: int, realised: int) -> None:
    entry = table.setdefault(name, {"pagu": 0, "realisasi": 0})
    entry["pagu"] += pagu
    entry["realisasi"] += realised


def split_evenly(amount: int, parts: int) -> list[int]:
    """``amount`` in ``parts`` whole shares that add up to it exactly: equal shares, the remainder
    to the first."""
    if parts <= 0:
        return []
    share = amount // parts
    return [amount - share * (parts - 1)] + [share] * (parts - 1)


def summary(lines: Iterable[BudgetLine], *, lokus: Collection[str] = ()) -> dict[str, Any]:
    """The totals of a district's lines, exactly the JSON of ``konvergensi budget summary``:
    ``pagu``, ``realisasi``, ``absorption`` (None when the pagu is 0), ``by_category`` /
    ``by_source`` (every category / source, in their order) / ``by_opd`` (as first written, sorted
    by name) / ``by_target_group`` (every group; a line counts fully in each of its groups):
    ``{"pagu", "realisasi"}``; ``direct_to_target`` and ``lokus``: ``{"pagu", "share"}`` (share of
    the total pagu, 0 when it is 0; a line reaches lokus when one of its locations is in ``lokus``).

    Extra keys for the web: ``by_quarter`` (``TW1``…``TW4``: ``realisasi`` spent in it,
    ``cumulative`` through it, ``absorption`` of the cumulative), ``by_indicator`` (indicator code,
    spaces removed, upper case → ``{"pagu", "realisasi"}``, a line counting fully in each) and ``by_desa`` (desa
    code → ``{"pagu", "realisasi"}``, each line split equally over its desa, the remainder to its
    first desa; district-wide lines not included)."""
    lokus_codes = {normalize_code(c) for c in lokus}
    pagu = realisasi = direct = in_lokus = 0
    by_category: dict[str, dict[str, int]] = {c: {"pagu": 0, "realisasi": 0} for c in CATEGORIES}
    by_source: dict[str, dict[str, int]] = {s: {"pagu": 0, "realisasi": 0} for s in SOURCES}
    by_group: dict[str, dict[str, int]] = {g: {"pagu": 0, "realisasi": 0} for g in TARGET_GROUPS}
    by_opd: dict[str, dict[str, int]] = {}
    opd_names: dict[str, str] = {}
    by_indicator: dict[str, dict[str, int]] = {}
    indicator_names: dict[str, str] = {}
    by_desa: dict[str, dict[str, int]] = {}
    quarters = [0, 0, 0, 0]
    codes: dict[str, str] = {}  # a location or indicator as written → as compared (few distinct)

    def code(text: str) -> str:
        found = codes.get(text)
        if found is None:
            found = codes[text] = normalize_code(text)
        return found

    for line in lines:
        realised = line.realised
        pagu += line.pagu
        realisasi += realised
        for i, amount in enumerate(line.realisasi):
            quarters[i] += amount or 0
        _add(by_category, line.category, line, line.pagu, realised)
        _add(by_source, line.source, line, line.pagu, realised)
        opd = opd_names.setdefault(line.key[1], " ".join(line.opd.split()))
        _add(by_opd, opd, line, line.pagu, realised)
        for group in line.target_groups:
            _add(by_group, group, line, line.pagu, realised)
        for indicator in dict.fromkeys(code(i).casefold() for i in line.indicators):
            name = indicator_names.setdefault(indicator, indicator.upper())
            _add(by_indicator, name, line, line.pagu, realised)
        desas = list(dict.fromkeys(c for c in map(code, line.locations) if c))
        if desas:
            for desa, p, r in zip(
                desas, split_evenly(line.pagu, len(desas)), split_evenly(realised, len(desas)), strict=True
            ):
                _add(by_desa, desa, line, p, r)
            if lokus_codes.intersection(desas):
                in_lokus += line.pagu
        if line.direct:
            direct += line.pagu
    by_quarter: dict[str, dict[str, Any]] = {}
    cumulative = 0
    for name, amount in zip(QUARTERS, quarters, strict=True):
        cumulative += amount
        by_quarter[name] = {
            "realisasi": amount,
            "cumulative": cumulative,
            "absorption": absorption(cumulative, pagu),
        }
    return {
        "pagu": pagu,
        "realisasi": realisasi,
        "absorption": absorption(realisasi, pagu),
        "by_category": by_category,
        "by_source": by_source,
        "by_opd": dict(sorted(by_opd.items(), key=lambda item: (item[0].casefold(), item[0]))),
        "by_target_group": by_group,
        "direct_to_target": {"pagu": direct, "share": _ratio(direct, pagu)},
        "lokus": {"pagu": in_lokus, "share": _ratio(in_lokus, pagu)},
        "by_quarter": by_quarter,
        "by_indicator": dict(sorted(by_indicator.items())),
        "by_desa": dict(sorted(by_desa.items())),
    }


@dataclass(frozen=True)
class Flag:
    """A line worth a look at the end of a quarter: ``code`` one of ``FLAG_CODES``."""

    key: Key
    code: str
    message: str
    sheet: str = ""
    row: int | None = None


def flags(lines: Iterable[BudgetLine], *, quarter: int) -> list[Flag]:
    """The flags at the end of TW``quarter`` (1–4), in line order; lines with a pagu of 0 are never
    flagged.

    * ``tanpa_realisasi``: nothing spent in TW1 … TW``quarter`` (no quarter recorded, or only 0);
    * ``serapan_rendah_tw3`` (from TW3 on): spent through TW3 below 50 % of the pagu — not given
      to a line already flagged ``tanpa_realisasi``."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1, 2, 3 or 4")
    out: list[Flag] = []
    for line in lines:
        if line.pagu <= 0:
            continue
        spent = line.realised_until(quarter)
        if spent == 0:
            out.append(
                Flag(
                    line.key,
                    TANPA_REALISASI,
                    f"Sub kegiatan {_line_label(line)} belum mempunyai realisasi sampai akhir TW{quarter}",
                    line.sheet,
                    line.row,
                )
            )
            continue
        if quarter >= 3:
            through_tw3 = line.realised_until(3)
            if through_tw3 * 2 < line.pagu:  # < 50 %, exactly in integers
                percent = through_tw3 * 100 // line.pagu  # rounded down: never "50%" when below
                out.append(
                    Flag(
                        line.key,
                        SERAPAN_RENDAH_TW3,
                        f"Serapan sub kegiatan {_line_label(line)} sampai akhir TW3 baru "
                        f"{percent}% ({format_rupiah(through_tw3)} dari pagu {format_rupiah(line.pagu)}), di "
                        "bawah 50%",
                        line.sheet,
                        line.row,
                    )
                )
    return out


__all__ = [
    "FLAG_CODES",
    "SERAPAN_RENDAH_TW3",
    "TANPA_REALISASI",
    "Diff",
    "Flag",
    "absorption",
    "diff",
    "flags",
    "split_evenly",
    "summary",
    "validate",
]
