"""Data sasaran from an aggregate file (Dukcapil, BKKBN, a puskesmas recap): one row per desa, the
target-population counts in columns → checked values per desa, or every problem.

Pure Python: the file is read by ``konvergensi_core.io.table`` (CSV — comma, semicolon or tab —
or XLSX through the safe reader; the sheet "Sasaran" when the workbook has it, else the first);
title lines above the header are skipped. Columns (case, spacing, punctuation and order free):

* ``Kode Desa`` (also Kode Wilayah, Kode Kemendagri, Kode Desa/Kelurahan): the Kemendagri code,
  dotted (32.11.01.2001) or not (3211012001);
* one column per count of ``konvergensi_core.sasaran.FIELDS``, under its header ("Remaja Putri")
  or an alias ("Jumlah Remaja Putri", "Rematri", "Jumlah KK" …); a file may carry any subset;
* anything else (Nama Desa, Kecamatan, No) is read past; an unknown header is a warning.

An empty cell (or "-") is "not reported" and keeps what is stored. Problems, each with its sheet,
row as the spreadsheet numbers it, column as its header reads and a message in plain Indonesian:
an empty or invalid code, a desa not in the district, a desa outside the uploader's area, the same
desa twice, a desa whose data sasaran the camat has verified (locked: unlock first, nothing is
overwritten), a count that is not a whole number 0 … 10.000.000, and a part larger than its whole
(stunting > balita diukur, baduta > balita …) once the file's counts are laid over what is stored.
Every error blocks the whole file (the caller writes all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import kode as kode_rules
from .. import sasaran as rules
from ..ansit.problems import value_text
from ..datadesa import parse_count
from ..problems import WARNING, Problem
from .ansit_input import key
from .table import Table, columns_shown, is_total

SHEET = "Sasaran"
KODE_HEADER = "Kode Desa"
# Columns a recap carries beside the counts, read past without a warning.
KNOWN_OTHER = frozenset(
    key(h)
    for h in ("No", "No.", "Nomor", "Desa", "Nama Desa", "Desa/Kelurahan", "Nama Desa/Kelurahan", "Kelurahan",
              "Kecamatan", "Nama Kecamatan", "Kode Kecamatan", "Kabupaten", "Kabupaten/Kota", "Tahun",
              "Keterangan", "Sumber", "Status")
)  # fmt: skip


def _aliases() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {
        "kode": tuple(
            key(h)
            for h in (
                "Kode Desa",
                "Kode Wilayah",
                "Kode Kemendagri",
                "Kode Desa/Kelurahan",
                "Kode Desa Kel",
                "Kd Desa",
                "Kode Wilayah Desa",
                "Kode Kelurahan",
            )
        )  # fmt: skip
    }
    for f in rules.FIELDS:
        names = [f.header, f.name.replace("_", " "), *f.aliases]
        keys = [key(n) for n in names]
        keys += [k if k.startswith("jumlah") else "jumlah" + k for k in keys]
        out[f.name] = tuple(dict.fromkeys(keys))
    return out


ALIASES = _aliases()


@dataclass(frozen=True)
class SasaranRow:
    desa: str
    values: dict[str, int]  # only the counts the file reports for this desa
    row: int


@dataclass
class SasaranRead:
    rows: list[SasaranRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheet: str = ""
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field → header as written in the file

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def read_sasaran(
    path: Path | str,
    *,
    kabkota: str,
    desa: Mapping[str, str],
    writable: set[str] | None = None,
    locked: set[str] | frozenset[str] = frozenset(),
    stored: Mapping[str, Mapping[str, int | None]] | None = None,
    remap: Callable[..., str] | None = None,
) -> SasaranRead:
    """Read and check an aggregate data sasaran file for district ``kabkota``.

    ``desa``: code → name of the district's desa; ``writable``: the desa the uploader may write
    (a kecamatan: its own; None = all of ``desa``); ``locked``: desa whose row of the year is
    verified; ``stored``: desa → the counts stored for the year (for the part-of-whole checks);
    ``remap``: today's code for an older edition's (``konvergensi_core.adapters``: called as
    ``remap(kode, row=, column=, value=, sheet=)``, it reports what it mapped)."""
    table = Table(
        path,
        aliases=ALIASES,
        prefixes={},
        sheet=SHEET,
        ready=lambda roles: "kode" in roles and len(roles) > 1,
        missing=lambda headers: (
            f"Kolom '{KODE_HEADER}' dan paling sedikit satu kolom data sasaran (mis. "
            f"'{rules.BY_NAME['remaja_putri'].header}') tidak ditemukan di 20 baris pertama. "
            f"Kolom berkas: {columns_shown(headers)}."
        ),
    )
    out = SasaranRead(problems=list(table.problems), sheet=table.sheet, header_row=table.header_row)
    if table.problems:
        return out
    out.columns = {role: table.column(role) for role in table.roles if role != "kode"}
    used = set(table.roles.values())
    unknown = [h for i, h in enumerate(table.headers) if h and i not in used and key(h) not in KNOWN_OTHER]
    if unknown:
        out.problems.append(
            Problem(sheet=table.sheet, row=table.header_row, column=", ".join(unknown)[:60], value="",
                    message=f"Kolom tidak dikenal dan diabaikan: {', '.join(unknown)}.", severity=WARNING,
                    reject=False)
        )  # fmt: skip
    seen: dict[str, int] = {}
    stored = stored or {}
    for number, values in table.rows:
        raw = table.cell(values, "kode")
        text = table.text(values, "kode")
        counts: dict[str, int] = {}
        bad = False
        for name in out.columns:
            cell = table.cell(values, name)
            if isinstance(cell, str) and cell.strip() in ("-", "–"):
                continue
            number_, reason = parse_count(cell)
            if reason:
                out.problems.append(
                    table.problem(number, name, cell, f"{rules.LABEL[name].capitalize()}: {reason}.")
                )
                bad = True
            elif number_ is not None:
                counts[name] = number_
        if not text:
            if not counts and not bad:
                continue  # an empty line
            if is_total(*(value_text(v) for v in values if isinstance(v, str))):
                continue  # a total line without a code
            out.problems.append(table.problem(number, "kode", raw, "Kode desa kosong."))
            continue
        if is_total(text):
            continue
        try:
            kode = kode_rules.normalise(text.replace(" ", ""))
            if kode_rules.level_of(kode) != "desa":
                raise kode_rules.InvalidKode(text)
        except kode_rules.InvalidKode:
            out.problems.append(
                table.problem(number, "kode", raw, "Kode desa tidak sah (10 angka, mis. 3211012001).")
            )
            continue
        if remap is not None:
            kode = remap(kode, row=number, column=table.column("kode"), value=text, sheet=table.sheet)
        if kode not in desa:
            out.problems.append(
                table.problem(number, "kode", raw, f"Desa {kode} tidak ada di kabupaten/kota {kabkota}.")
            )
            continue
        if writable is not None and kode not in writable:
            out.problems.append(
                table.problem(number, "kode", raw, f"Desa {kode} ({desa[kode]}) di luar wilayah kerja Anda; "
                              "data sasarannya diisi kecamatannya atau operator kabupaten.")
            )  # fmt: skip
            continue
        if kode in seen:
            out.problems.append(
                table.problem(number, "kode", raw, f"Desa {kode} sudah ada di baris {seen[kode]}.")
            )
            continue
        seen[kode] = number
        if kode in locked:
            out.problems.append(
                table.problem(number, "kode", raw, f"Data sasaran {desa[kode]} tahun ini sudah diverifikasi camat "
                              "dan terkunci; minta camat membuka kuncinya dengan alasan, lalu unggah lagi.")
            )  # fmt: skip
            continue
        if bad:
            continue
        merged = {**{k: v for k, v in (stored.get(kode) or {}).items() if v is not None}, **counts}
        wrong = rules.consistency(merged)
        for part, whole, message in wrong:
            where = part if part in counts else whole
            out.problems.append(table.problem(number, where if where in out.columns else "kode",
                                              merged.get(where), message))  # fmt: skip
        if wrong or not counts:
            continue
        out.rows.append(SasaranRow(kode, counts, number))
    if not out.rows and out.ok:
        out.problems.append(
            Problem(
                sheet=table.sheet,
                row=None,
                column="",
                value="",
                message="Berkas tidak berisi angka data sasaran.",
            )
        )
    out.problems.sort(key=lambda p: (p.row or 0, p.column))
    return out


def diff(
    rows: list[SasaranRow], stored: Mapping[str, Mapping[str, int | None]]
) -> dict[str, list[SasaranRow]]:
    """New desa rows / changed / unchanged against the counts stored for the year."""
    out: dict[str, list[SasaranRow]] = {"added": [], "changed": [], "unchanged": []}
    for r in rows:
        now = stored.get(r.desa)
        if now is None:
            out["added"].append(r)
        elif all(now.get(k) == v for k, v in r.values.items()):
            out["unchanged"].append(r)
        else:
            out["changed"].append(r)
    return out


def template_header() -> list[str]:
    """The header of the downloadable template: the code, two columns to read by, every count."""
    return [KODE_HEADER, "Nama Desa", "Kecamatan", *(f.header for f in rules.FIELDS)]


__all__ = ["ALIASES", "KODE_HEADER", "SHEET", "SasaranRead", "SasaranRow", "diff", "read_sasaran",
           "template_header"]  # fmt: skip
