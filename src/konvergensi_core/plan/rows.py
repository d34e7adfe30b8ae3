"""The two kinds of row the Aksi 2 rules work on: a row of the plan (Tabel 2.3) and a line of a
planning or budgeting document (Renja OPD, RKPD, KUA-PPAS, APBD, APBD-P)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanRow:
    """One Tabel 2.3 row. ``budget`` in whole rupiah (None = not given; 0 = no budget needed),
    ``locations`` desa/kecamatan codes or names, ``source`` the funding source as written (see
    ``parse_funding_source``), ``group`` 1–4 (Tabel 2.2), ``row_class`` a ``RowClass`` value or '',
    ``adjustments`` what an adjusted row changes (``ADJUSTMENTS``)."""

    no: str
    code: str
    activity: str
    opd: str
    budget: int | None
    locations: tuple[str, ...] = ()
    indicator: str = ""
    baseline: str = ""
    target: str = ""
    unit: str = ""
    source: str = ""
    schedule: str = ""
    group: int | None = None
    row_class: str = ""
    adjustments: tuple[str, ...] = ()
    sheet: str = ""  # where a row read from a file came from (for the problems the app finds)
    row: int | None = None


@dataclass(frozen=True)
class DocRow:
    """One line of a document; ``row`` is the sheet's own row number, ``pagu`` whole rupiah."""

    code: str
    name: str
    opd: str
    indicator: str
    target: str
    unit: str
    locations: tuple[str, ...]
    pagu: int | None
    sheet: str
    row: int
