"""e-PPGBM: the export of child measurements (one row per measurement) → checked rows with z-scores.

Read by the one measurement reader (``konvergensi_core.io.measurements.open_export``: CSV/TXT in
UTF-8, Latin-1 or UTF-16, XLSX; title lines above the header; the district's saved column mapping)
and checked chunk by chunk by ``konvergensi_core.eppgbm.parse_export``. The ``Kode Desa`` column's
codes of the 2021 and 2022 editions are mapped to today's before the desa are matched; a removed or
split code refuses its row with a problem. The measurement import (``konvergensi.measurements``)
reads every file through this adapter.

The file holds personal data (names, NIK): the adapter passes it to the reader and keeps nothing;
its notes and problems carry region codes only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from .. import crosswalk as cw
from .. import eppgbm
from ..io import measurements as reader
from ..problems import Problem
from .base import (
    CHOICE,
    DATE,
    NUMBER,
    REGION,
    TEXT,
    AdapterRead,
    CodeMapper,
    Column,
    SourceAdapter,
    sample_desa,
    write_csv,
)

CODE_FIELD = "desa_kode"
REMOVED_CODE = "desa_kode_lama"  # the problem code of a removed or split desa code


NAMES = {"nama": "Nama Anak", "kecamatan": "Kecamatan"}  # the sample's header where not the first alias


def _column(field_: str, type_: str, required: bool, meaning: str, level: str | None = None) -> Column:
    """A column under the reader's own aliases (``io.measurements.ALIASES``): one list of headers."""
    name = NAMES.get(field_, reader.ALIASES[field_][0])
    aliases = tuple(a for a in reader.ALIASES[field_] if a != name)[:4]
    return Column(name, type_, required, meaning, level=level, aliases=aliases)


class ParsedChunk(NamedTuple):
    """One chunk: its number of file lines (for the row numbers and the progress) and what
    ``parse_export`` made of it, codes mapped."""

    lines: int
    parsed: eppgbm.ParsedExport


@dataclass
class EppgbmRead:
    """An opened export: the file (renamed to its real extension), the title lines above the header,
    and the chunks, parsed as they are asked for (the notes grow as they are)."""

    path: Path
    skip: int
    chunks: Iterator[pl.DataFrame]
    mapper: CodeMapper
    options: dict[str, Any] = field(default_factory=dict)

    def parsed(self) -> Iterator[ParsedChunk]:
        first_row = self.skip + 2  # file row numbers as the spreadsheet shows them
        for chunk in self.chunks:
            parsed = eppgbm.parse_export(chunk, first_row=first_row, **self.options)
            first_row += chunk.height
            yield ParsedChunk(chunk.height, map_codes(parsed, self.mapper))


def map_codes(parsed: eppgbm.ParsedExport, mapper: CodeMapper) -> eppgbm.ParsedExport:
    """``desa_kode`` of older editions → today's (a note per code); a removed or split code refuses
    its rows with a problem (the desa is then not looked for, so the row is told once)."""
    rows = parsed.rows
    header = parsed.columns.fields.get(CODE_FIELD)
    if not header or CODE_FIELD not in rows.columns or rows.is_empty():
        return parsed
    given = rows.select("row", code=pl.col(CODE_FIELD).cast(pl.String).str.strip_chars()).drop_nulls("code")
    by_code = given.group_by("code").agg(first=pl.col("row").min(), n=pl.len(), rows=pl.col("row"))
    mapped: dict[str, str] = {}
    refused: list[dict[str, Any]] = []
    for code, first, n, at in by_code.iter_rows():
        change = mapper.change(code)
        if change is None:
            continue
        if change.new is not None:
            mapped[code] = mapper.map(code, row=first, column=header, rows=n)
        else:
            message = change.describe()
            refused += [{"row": r, "column": header, "value": code, "code": REMOVED_CODE, "message": message,
                         "severity": "error", "reject": True} for r in at]  # fmt: skip
    if not mapped and not refused:
        return parsed
    code = pl.col(CODE_FIELD).cast(pl.String).str.strip_chars()
    rows = rows.with_columns(
        pl.when(code.is_in(list(mapped)))
        .then(code.replace(mapped))
        .otherwise(pl.col(CODE_FIELD))
        .alias(CODE_FIELD)
    )
    problems = parsed.problems
    if refused:
        bad = pl.DataFrame(refused, schema=eppgbm.PROBLEM_SCHEMA)
        rows = rows.with_columns(
            accepted=pl.col("accepted") & ~pl.col("row").is_in(bad.get_column("row").implode())
        )
        problems = pl.concat([problems, bad.select(problems.columns)], how="vertical").sort(
            "row", maintain_order=True
        )
    return eppgbm.ParsedExport(rows=rows, problems=problems, columns=parsed.columns, empty_rows=parsed.empty_rows,
                               file_problems=parsed.file_problems)  # fmt: skip


class EppgbmAdapter(SourceAdapter):
    name = "eppgbm"
    description = (
        "Ekspor pengukuran balita dari e-PPGBM (satu baris per pengukuran): identitas anak, tanggal, berat, "
        "tinggi, desa dan posyandu; z-skor dihitung Konvergensi dengan standar WHO."
    )
    suffixes = (".csv", ".txt", ".xlsx")
    columns = (
        _column("nik", TEXT, False, "NIK anak (16 angka); disimpan sebagai sidik kunci, tidak pernah utuh."),
        _column("nama", TEXT, False, "Nama anak (untuk mengenali anak yang sama tanpa NIK)."),
        _column("sex", CHOICE, True, "Jenis kelamin: L/P (juga 1/2, laki-laki/perempuan)."),
        _column("birth_date", DATE, False, "Tanggal lahir (wajib bila tidak ada Usia Saat Ukur)."),
        _column("age", NUMBER, False, "Usia saat ukur dalam bulan (atau hari bila judulnya berkata demikian)."),
        _column("visit_date", DATE, True, "Tanggal pengukuran."),
        _column("weight", NUMBER, False, "Berat badan (kg); wajib bila tidak ada tinggi."),
        _column("lenhei", NUMBER, False, "Panjang/tinggi badan (cm); wajib bila tidak ada berat."),
        _column("measure", CHOICE, False, "Cara ukur: telentang (panjang) atau berdiri (tinggi)."),
        _column("kecamatan", TEXT, False, "Nama kecamatan."),
        _column("puskesmas", TEXT, False, "Nama puskesmas."),
        _column("desa", TEXT, True, "Nama desa/kelurahan (wajib bila tidak ada Kode Desa)."),
        _column(CODE_FIELD, REGION, False, "Kode Kemendagri desa; kode edisi 2021/2022 dipetakan ke kode sekarang.",
                level="desa"),
        _column("posyandu", TEXT, False, "Nama posyandu."),
        _column("nama_ortu", TEXT, False, "Nama orang tua (untuk mengenali anak yang sama)."),
    )  # fmt: skip

    def open(
        self,
        path: Path | str,
        name: str | None = None,
        mapping: Mapping[str, str | None] | None = None,
        chunk_rows: int = reader.CHUNK_ROWS,
        *,
        max_bytes: int | None = None,
        crosswalk: cw.Crosswalk | None = None,
        **options: Any,
    ) -> EppgbmRead:
        """Open the export (raises the reader's ``UnreadableFile`` / ``XlsxRejected``); ``options``
        go to ``parse_export`` (``kabkota``, ``today``, ``nik_key``)."""
        opened = reader.open_export(Path(path), name, mapping, chunk_rows, max_bytes=max_bytes)
        return EppgbmRead(opened.path, opened.skip, opened.chunks, CodeMapper(crosswalk),
                          {"mapping": mapping, **options})  # fmt: skip

    def read(self, path: Path | str, *, crosswalk: cw.Crosswalk | None = None, **context: Any) -> AdapterRead:
        """The whole file at once (a small file; the import streams with :meth:`open`): ``result``
        is the list of parsed chunks. ``context``: ``kabkota``, ``today``, ``name``, ``mapping``…"""
        context.setdefault("today", dt.date.today())
        context.setdefault("kabkota", "")
        name, mapping = context.pop("name", None), context.pop("mapping", None)
        opened = self.open(path, name, mapping, crosswalk=crosswalk, **context)
        chunks = [c.parsed for c in opened.parsed()]
        problems: list[Problem] = []
        for c in chunks:
            problems += [Problem(sheet="", row=p["row"], column=p["column"] or "", value=p["value"] or "",
                                 message=p["message"], severity=p["severity"], reject=bool(p["reject"]))
                         for p in c.problems.iter_rows(named=True)]  # fmt: skip
        return AdapterRead(chunks, problems, opened.mapper)

    def sample(self, path: Path | str, *, kabkota: str = "") -> Path:
        desa = sample_desa(kabkota, 2)
        header = ["Nama Anak", "JK", "Tgl Lahir", "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur",
                  "Kecamatan", "Desa/Kel", "Kode Desa", "Posyandu", "Nama Ortu"]  # fmt: skip
        children = [  # invented children: a sample holds no real person
            ("Contoh Anak Satu", "L", "2024-03-05", 10.2, 78.5, "telentang"),
            ("Contoh Anak Dua", "P", "2023-07-19", 11.0, 86.0, "berdiri"),
            ("Contoh Anak Tiga", "P", "2022-11-02", 12.4, 92.3, "berdiri"),
            ("Contoh Anak Empat", "L", "2025-01-15", 8.1, 70.2, "telentang"),
        ]
        rows = []
        for i, (nama, jk, lahir, berat, tinggi, cara) in enumerate(children):
            kode, desa_nama, kec = desa[i % len(desa)]
            rows.append([nama, jk, lahir, "2026-02-10", berat, tinggi, cara, kec, desa_nama, kode,
                         f"Posyandu Contoh {i % 2 + 1}", f"Orang Tua Contoh {i + 1}"])  # fmt: skip
        return write_csv(path, header, rows)
