"""Integration matrices (Tabel 2.4 and 2.5): does each plan row land in a planning or budgeting
document?

Per plan row and document (issue 14):

* a document line **matches** the row by sub-kegiatan code (spaces ignored) when both have one —
  and when both give an OPD and lines with that code exist in the row's OPD, only those lines; a
  line matches by name (``normalize_name``) when the row or the line has no code, within the same
  OPD (OPD names compared with ``normalize_name``; when either side gives no OPD, the name alone);
* several lines may match one row (one line per location, say): their pagu is summed and their
  locations united;
* **masuk**: found, pagu ≥ the row's budget (a row without budget or with 0 is satisfied), and every
  planned location is in the lines' locations or the lines give no location at all;
  **sebagian**: found, but the pagu is below the budget or planned locations are missing (the
  reason says which); **tidak_masuk**: no line matches;
* locations are compared after ``resolve`` (e.g. a desa name → its code; identity when None) and
  ``normalize_name``;
* the lines no plan row matched are the document's *unplanned* lines: spending that may be
  stunting-relevant but is not in the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .codes import normalize_code, normalize_name
from .rows import DocRow, PlanRow
from .rupiah import format_rupiah

DOCUMENTS: dict[str, str] = {
    "renja": "Renja OPD",
    "rkpd": "RKPD",
    "kua-ppas": "KUA-PPAS",
    "apbd": "APBD",
    "apbd-p": "APBD-P",
}
# Tabel 2.4 (Matriks Pemantauan Integrasi Rencana Kegiatan) and Tabel 2.5 (… Integrasi Anggaran).
TABLE_2_4 = ("renja", "rkpd")
TABLE_2_5 = ("kua-ppas", "apbd", "apbd-p")


class Status(StrEnum):
    MASUK = "masuk"
    SEBAGIAN = "sebagian"
    TIDAK_MASUK = "tidak_masuk"


STATUS_LABELS: dict[Status, str] = {
    Status.MASUK: "Masuk",
    Status.SEBAGIAN: "Sebagian",
    Status.TIDAK_MASUK: "Tidak masuk",
}


@dataclass(frozen=True)
class Match:
    """The outcome for one plan row in one document. ``doc_rows``: the sheet row numbers of the
    matching lines; ``reason``: why sebagian/tidak_masuk, in Indonesian ('' when masuk)."""

    status: Status
    pagu: int | None
    missing_locations: tuple[str, ...]
    doc_rows: tuple[int, ...]
    reason: str


Resolve = Callable[[str], str]


def _location_key(text: str, resolve: Resolve | None) -> str:
    resolved = resolve(text) if resolve is not None else text
    return normalize_name(resolved or text)


Keys = list[tuple[str, str, str]]  # per document line: (code, OPD, name) as compared


def _keys(doc: Sequence[DocRow]) -> Keys:
    return [(normalize_code(d.code), normalize_name(d.opd), normalize_name(d.name)) for d in doc]


def _matches(row: PlanRow, keys: Keys) -> list[int]:
    """Indexes of the document lines (their ``_keys``) that match ``row``."""
    code = normalize_code(row.code)
    opd = normalize_name(row.opd)
    name = normalize_name(row.activity)
    by_code = [i for i, (c, _o, _n) in enumerate(keys) if code and c == code]
    if opd:
        same_opd = [i for i in by_code if keys[i][1] == opd]
        if same_opd:
            by_code = same_opd
    by_name = [
        i
        for i, (c, o, n) in enumerate(keys)
        if name and not (code and c) and n == name and (not opd or not o or o == opd)
    ]
    return sorted(set(by_code) | set(by_name))


def _judge(row: PlanRow, lines: Sequence[DocRow], resolve: Resolve | None) -> Match:
    if not lines:
        return Match(Status.TIDAK_MASUK, None, (), (), "tidak ditemukan")
    pagus = [d.pagu for d in lines if d.pagu is not None]
    pagu = sum(pagus) if pagus else None
    reasons: list[str] = []
    if row.budget:
        if pagu is None:
            reasons.append(f"pagu tidak tercantum (anggaran rencana {format_rupiah(row.budget)})")
        elif pagu < row.budget:
            reasons.append(
                f"pagu {format_rupiah(pagu)} di bawah anggaran rencana {format_rupiah(row.budget)}"
            )
    present = {_location_key(loc, resolve) for d in lines for loc in d.locations if loc.strip()}
    present.discard("")
    missing: tuple[str, ...] = ()
    if present:
        wanted: dict[str, str] = {}  # location key -> the plan's first spelling
        for loc in row.locations:
            if loc.strip():
                wanted.setdefault(_location_key(loc, resolve), loc.strip())
        missing = tuple(text for k, text in wanted.items() if k and k not in present)
        if missing:
            reasons.append(f"lokasi tidak ada: {', '.join(missing)}")
    status = Status.SEBAGIAN if reasons else Status.MASUK
    return Match(status, pagu, missing, tuple(d.row for d in lines), "; ".join(reasons))


def match_document(
    plan: Sequence[PlanRow], doc: Sequence[DocRow], *, resolve: Resolve | None = None
) -> tuple[list[Match], list[DocRow]]:
    """One Match per plan row (in order), and the lines of ``doc`` that no row matched."""
    used: set[int] = set()
    out: list[Match] = []
    keys = _keys(doc)
    for row in plan:
        found = _matches(row, keys)
        used.update(found)
        out.append(_judge(row, [doc[i] for i in found], resolve))
    return out, [d for i, d in enumerate(doc) if i not in used]


@dataclass(frozen=True)
class IntegrationRow:
    row: PlanRow
    documents: dict[str, Match]


@dataclass
class Integration:
    """The matrices of a plan against the documents given (keys of DOCUMENTS, in its order).

    ``summary[doc]``: ``masuk``/``sebagian``/``tidak_masuk`` (number of plan rows),
    ``budget_masuk``/``budget_sebagian``/``budget_tidak_masuk`` (the plan budget of those rows),
    ``pagu`` (the pagu found for the plan rows), ``unplanned`` and ``unplanned_pagu``."""

    rows: list[IntegrationRow]
    unplanned: dict[str, list[DocRow]]
    summary: dict[str, dict[str, int]]
    documents: dict[str, list[DocRow]] = field(default_factory=dict)

    @property
    def document_keys(self) -> list[str]:
        return list(self.summary)

    def doc_lines(self, document: str, match: Match) -> list[DocRow]:
        """The lines of ``document`` behind ``match`` (for their target and locations)."""
        rows = set(match.doc_rows)
        return [d for d in self.documents.get(document, []) if d.row in rows]

    def as_json(self) -> dict[str, Any]:
        """The CLI's document: ``{"ok": true, "rows": [...], "unplanned": {...}, "summary": {...},
        "budgets": {...}}`` (summary: the three counts per document; budgets: the plan budget of the
        rows of each status, the pagu found for them and the pagu of the unplanned lines)."""
        return {
            "ok": True,
            "rows": [
                {
                    "no": item.row.no,
                    "code": item.row.code,
                    "activity": item.row.activity,
                    "opd": item.row.opd,
                    "budget": item.row.budget,
                    "documents": {
                        key: {
                            "status": m.status.value,
                            "pagu": m.pagu,
                            "missing_locations": list(m.missing_locations),
                        }
                        for key, m in item.documents.items()
                    },
                }
                for item in self.rows
            ],
            "unplanned": {
                key: [{"code": d.code, "name": d.name, "pagu": d.pagu} for d in lines]
                for key, lines in self.unplanned.items()
            },
            "summary": {
                key: {s.value: counts[s.value] for s in Status} for key, counts in self.summary.items()
            },
            "budgets": {
                key: {s.value: counts[f"budget_{s.value}"] for s in Status}
                | {"pagu": counts["pagu"], "unplanned": counts["unplanned_pagu"]}
                for key, counts in self.summary.items()
            },
        }


def integration(
    plan: Sequence[PlanRow],
    documents: Mapping[str, Sequence[DocRow]],
    *,
    resolve: Resolve | None = None,
) -> Integration:
    """Match every plan row against every document given (a key of DOCUMENTS; unknown keys are
    kept after the known ones, in their given order)."""
    keys = [k for k in DOCUMENTS if k in documents] + [k for k in documents if k not in DOCUMENTS]
    per_doc: dict[str, list[Match]] = {}
    unplanned: dict[str, list[DocRow]] = {}
    summary: dict[str, dict[str, int]] = {}
    for key in keys:
        matches, rest = match_document(plan, documents[key], resolve=resolve)
        per_doc[key] = matches
        unplanned[key] = rest
        counts = {s.value: 0 for s in Status} | {f"budget_{s.value}": 0 for s in Status}
        pagu = 0
        for row, m in zip(plan, matches, strict=True):
            counts[m.status.value] += 1
            counts[f"budget_{m.status.value}"] += row.budget or 0
            pagu += m.pagu or 0
        counts["pagu"] = pagu
        counts["unplanned"] = len(rest)
        counts["unplanned_pagu"] = sum(d.pagu or 0 for d in rest)
        summary[key] = counts
    rows = [IntegrationRow(row, {key: per_doc[key][i] for key in keys}) for i, row in enumerate(plan)]
    return Integration(rows, unplanned, summary, {key: list(documents[key]) for key in keys})
