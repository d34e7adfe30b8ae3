"""One shape for what an import finds wrong, from the core's readers to the CLI's JSON, the preview
page and the Excel report (issue 12).

A problem names where it is as the person who made the file sees it: the sheet, the row number as
the spreadsheet shows it (1-based, header rows counted; ``None`` for the whole file or a whole
column), the column's header as written in the file, the value as typed, a message in plain
Indonesian, and its severity: an ``error`` stops the row (or the file) from being saved, a
``warning`` is saved but worth a look. ``reject`` says whether the row was refused because of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

# The columns of a problem table (Polars), in this order: the vectorised readers build their
# problems as one frame of this schema and hand them over as ``Problem`` rows (``from_rows``).
COLUMNS = ("sheet", "row", "column", "value", "message", "severity", "reject")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    severity: str = ERROR
    reject: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def from_rows(rows: Iterable[dict[str, Any]], *, sheet: str = "") -> Iterator[Problem]:
    """Problems from dict rows (a Polars frame's ``iter_rows(named=True)``); a row without a sheet
    takes ``sheet``. Extra keys (an internal ``code``) are dropped."""
    for r in rows:
        raw = r.get("severity")
        severity = raw if isinstance(raw, str) and raw in SEVERITIES else ERROR
        yield Problem(
            sheet=r.get("sheet") or sheet,
            row=None if r.get("row") is None else int(r["row"]),
            column=str(r.get("column") or ""),
            value="" if r.get("value") is None else str(r["value"]),
            message=str(r.get("message") or ""),
            severity=severity,
            reject=bool(r.get("reject", severity == ERROR)),
        )


def file_problem(message: str, *, sheet: str = "", value: str = "") -> Problem:
    """A problem of the whole file (no row, no column): the file cannot be read or lacks a column."""
    return Problem(sheet=sheet, row=None, column="", value=value, message=message)


def counts(problems: Iterable[Problem]) -> dict[str, int]:
    """``{"errors": n, "warnings": m}``."""
    errors = warnings = 0
    for p in problems:
        if p.is_error:
            errors += 1
        else:
            warnings += 1
    return {"errors": errors, "warnings": warnings}
