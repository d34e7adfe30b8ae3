"""SIPD: the budget lines of a district (the SIPD export or the project's template) → ``BudgetLine``.

Read by the one budget reader (``konvergensi_core.io.budget.read_budget``: SIPD's header synonyms,
the hierarchical export's programme and kegiatan lines skipped, Rupiah text); the desa codes of the
``Lokasi`` column of the 2021 and 2022 editions are mapped to today's. What needs the district (its
desa, the indicator catalogue) is ``konvergensi_core.budget.validate``, run by the caller on the
mapped lines (``AdapterRead.merge`` keeps each cell told once).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import crosswalk as cw
from ..budget.lines import COLUMNS, SOURCES
from ..io import budget as reader
from ..io import plan as plan_reader
from ..plan.rows import DocRow
from .base import (
    CHOICE,
    LIST,
    RUPIAH,
    TEXT,
    AdapterRead,
    CodeMapper,
    Column,
    SourceAdapter,
    sample_desa,
    write_csv,
)

_MEANING = {
    "code": (TEXT, "Kode sub kegiatan menurut Kepmendagri 900.1.15.5-1317/2023 (mis. 1.02.02.2.02.0016); baris "
             "program dan kegiatan di atasnya dilewati."),
    "name": (TEXT, "Nomenklatur sub kegiatan."),
    "opd": (TEXT, "Perangkat daerah pelaksana (SKPD); yang belum ada dibuat saat disimpan."),
    "source": (CHOICE, "Sumber dana: " + ", ".join(SOURCES) + "."),
    "pagu": (RUPIAH, "Pagu anggaran (angka, atau teks seperti Rp 1.250.000.000,00)."),
    "tw1": (RUPIAH, "Realisasi yang dibelanjakan di triwulan I (kosong: belum dicatat)."),
    "tw2": (RUPIAH, "Realisasi triwulan II."),
    "tw3": (RUPIAH, "Realisasi triwulan III."),
    "tw4": (RUPIAH, "Realisasi triwulan IV."),
    "category": (CHOICE, "spesifik, sensitif atau pendamping; kosong: usulan katalog nasional bila kodenya ada."),
    "groups": (LIST, "Kelompok sasaran (remaja putri, catin, ibu hamil, baduta, balita, keluarga …)."),
    "indicators": (LIST, "Kode indikator katalog yang didukung."),
    "locations": (LIST, "Kode desa lokasi kegiatan (kosong: seluruh kabupaten/kota); kode edisi 2021/2022 "
                  "dipetakan ke kode sekarang."),
    "direct": (CHOICE, "ya/tidak: belanja langsung ke kelompok sasaran (kosong: tidak)."),
}  # fmt: skip


class SipdAdapter(SourceAdapter):
    name = "sipd"
    description = (
        "Baris anggaran sub kegiatan per perangkat daerah dan sumber dana dari ekspor SIPD (atau templat "
        "anggaran Konvergensi), dengan realisasi per triwulan dan lokasi desa."
    )
    columns = tuple(
        Column(header, _MEANING[role][0], role in reader.REQUIRED_COLUMNS, _MEANING[role][1],
               level="desa" if role == "locations" else None,
               aliases=tuple(a for a in reader.ALIASES.get(role, ())[:3]))
        for role, header in COLUMNS.items()
    )  # fmt: skip

    def read(
        self,
        path: Path | str,
        *,
        crosswalk: cw.Crosswalk | None = None,
        categories: Mapping[str, str] | None = None,
        **context: Any,
    ) -> AdapterRead[reader.BudgetRead]:
        mapper = CodeMapper(crosswalk)
        read = reader.read_budget(path, categories=categories)
        column = read.columns.get("locations") or COLUMNS["locations"]
        lines = []
        for line in read.lines:
            if line.locations:
                mapped = tuple(
                    mapper.map(loc, row=line.row, column=column, sheet=line.sheet or read.sheet)
                    for loc in line.locations
                )
                if mapped != line.locations:
                    line = dataclasses.replace(line, locations=mapped)
            lines.append(line)
        read.lines = lines
        read.problems = mapper.merge(read.problems)
        return AdapterRead(read, read.problems, mapper)

    def sample(self, path: Path | str, *, kabkota: str = "") -> Path:
        desa = sample_desa(kabkota, 2)
        rows = [
            ["1.02.02.2.02.0016", "Pengelolaan Pelayanan Kesehatan Gizi Masyarakat", "Dinas Kesehatan",
             "DAK non-fisik", 1_250_000_000, 300_000_000, 250_000_000, None, None, "spesifik", "balita; baduta",
             "", "; ".join(k for k, _n, _k in desa), "ya"],
            ["1.03.03.2.01.0007", "Pembangunan SPAM Jaringan Perpipaan di Kawasan Perdesaan",
             "Dinas Pekerjaan Umum dan Penataan Ruang", "DAU", 2_000_000_000, 0, 0, None, None, "sensitif",
             "keluarga", "", desa[0][0], "tidak"],
            ["2.14.04.2.01.0003", "Pelaksanaan Pendampingan Keluarga Berisiko Stunting", "Dinas Pengendalian "
             "Penduduk dan Keluarga Berencana", "BOKB", 500_000_000, 100_000_000, None, None, None, "pendamping",
             "catin; ibu hamil", "", "", "tidak"],
        ]  # fmt: skip
        return write_csv(path, list(COLUMNS.values()), rows)


_DOC_MEANING = {
    "code": "Kode sub kegiatan (mis. 1.02.02.2.02.0016); baris program dan kegiatan di atasnya dilewati. "
            "Wajib kode atau nama.",
    "name": "Nomenklatur sub kegiatan. Wajib kode atau nama.",
    "opd": "Perangkat daerah (SKPD) pelaksana.",
    "indicator": "Indikator keluaran sub kegiatan (tolok ukur).",
    "target": "Target keluaran.",
    "unit": "Satuan target.",
    "locations": "Kode atau nama desa/kecamatan lokasi (dipisah ;); kode edisi 2021/2022 dipetakan ke kode "
                 "sekarang.",
    "pagu": "Pagu sub kegiatan (angka, atau teks seperti Rp 1.250.000.000,00).",
}  # fmt: skip


class SipdDocumentAdapter(SourceAdapter):
    """SIPD's planning and budget documents (Renja OPD, RKPD, KUA-PPAS, APBD/APBD-P) for the Aksi 2
    integration check, read by ``konvergensi_core.io.plan.read_budget_document``; codes in ``Lokasi``
    of the 2021 and 2022 editions are mapped to today's (a name is left to the district's resolver)."""

    name = "sipd-dokumen"
    description = (
        "Dokumen perencanaan dan penganggaran dari SIPD (Renja OPD, RKPD, KUA-PPAS, APBD/APBD-P): sub kegiatan "
        "dengan indikator, target, lokasi dan pagu, untuk memeriksa integrasi rencana kegiatan Aksi 2."
    )
    columns = tuple(
        Column(header, RUPIAH if role == "pagu" else LIST if role == "locations" else TEXT, role == "pagu",
               _DOC_MEANING[role], level="desa" if role == "locations" else None,
               aliases=tuple(plan_reader.DOC_ALIASES.get(role, ())[1:4]))
        for role, header in plan_reader.DOC_LABELS.items()
    )  # fmt: skip

    def read(
        self,
        path: Path | str,
        *,
        crosswalk: cw.Crosswalk | None = None,
        document: str = "apbd",
        **context: Any,
    ) -> AdapterRead[list[DocRow]]:
        mapper = CodeMapper(crosswalk)
        rows, problems = plan_reader.read_budget_document(path, document=document)
        out = []
        for row in rows:
            if row.locations:
                # A name is left as it is (the crosswalk knows codes only) for the district's resolver.
                mapped = tuple(
                    mapper.map(loc, row=row.row, column=plan_reader.DOC_LABELS["locations"], sheet=row.sheet)
                    for loc in row.locations
                )
                if mapped != row.locations:
                    row = dataclasses.replace(row, locations=mapped)
            out.append(row)
        merged = mapper.merge(problems)
        return AdapterRead(out, merged, mapper)

    def sample(self, path: Path | str, *, kabkota: str = "") -> Path:
        desa = sample_desa(kabkota, 2)
        rows = [
            ["1.02.02.2.02.0016", "Pengelolaan Pelayanan Kesehatan Gizi Masyarakat", "Dinas Kesehatan",
             "Jumlah balita gizi kurang yang mendapat PMT", "250", "orang", "; ".join(k for k, _n, _k in desa),
             1_250_000_000],
            ["1.03.03.2.01.0007", "Pembangunan SPAM Jaringan Perpipaan di Kawasan Perdesaan",
             "Dinas Pekerjaan Umum dan Penataan Ruang", "Jumlah SPAM terbangun", "2", "unit", desa[0][0],
             2_000_000_000],
        ]  # fmt: skip
        return write_csv(path, list(plan_reader.DOC_LABELS.values()), rows)
