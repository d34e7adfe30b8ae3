"""Dukcapil: aggregate population per desa → the denominators of data sasaran.

A file with one row per desa: the Kemendagri desa code and the counts Dukcapil publishes (population,
families, and the age groups that are data sasaran denominators). Read by the one data-sasaran
reader (``konvergensi_core.io.sasaran.read_sasaran``, which also takes the other counts of
``konvergensi_core.sasaran.FIELDS``); desa codes of the 2021 and 2022 editions are mapped to today's.
Aggregates only: no name, no NIK.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import crosswalk as cw
from .. import sasaran as rules
from ..io import sasaran as reader
from .base import COUNT, REGION, TEXT, AdapterRead, CodeMapper, Column, SourceAdapter, sample_desa, write_csv

FIELDS = tuple(f for f in rules.FIELDS if "Dukcapil" in f.source)

# A plausible desa of 3,000 people, its parts never above their wholes.
_SAMPLE = {"penduduk": 3120, "jumlah_keluarga": 1010, "rumah_tangga": 980, "remaja_putri": 260,
           "lahir_hidup": 48, "bayi_0_5": 30, "anak_6_23": 72, "baduta": 104, "anak_24_59": 130, "balita": 236, "anak_0_17": 910}  # fmt: skip


def _meaning(f: rules.Field) -> str:
    return f"Jumlah {f.label} di desa (sumber: {f.source})."


class DukcapilAdapter(SourceAdapter):
    name = "dukcapil"
    description = (
        "Agregat penduduk per desa dari Dukcapil (jumlah penduduk, keluarga dan kelompok umur) sebagai "
        "penyebut data sasaran; satu baris per desa, tanpa nama atau NIK."
    )
    columns = (
        Column(reader.KODE_HEADER, REGION, True, "Kode Kemendagri desa/kelurahan, bertitik (32.11.01.2001) "
               "atau tidak (3211012001); kode edisi 2021/2022 dipetakan ke kode sekarang.", level="desa",
               aliases=("Kode Wilayah", "Kode Kemendagri", "Kode Desa/Kelurahan")),
        Column("Nama Desa", TEXT, False, "Nama desa, untuk dibaca orang (tidak diperiksa)."),
        Column("Kecamatan", TEXT, False, "Nama kecamatan, untuk dibaca orang (tidak diperiksa)."),
        *(Column(f.header, COUNT, False, _meaning(f), aliases=f.aliases[:3]) for f in FIELDS),
    )  # fmt: skip

    def read(
        self,
        path: Path | str,
        *,
        crosswalk: cw.Crosswalk | None = None,
        kabkota: str = "",
        desa: Mapping[str, str] | None = None,
        **context: Any,
    ) -> AdapterRead[reader.SasaranRead]:
        """``context``: ``writable``, ``locked``, ``stored`` of :func:`read_sasaran`."""
        mapper = CodeMapper(crosswalk)
        read = reader.read_sasaran(path, kabkota=kabkota, desa=desa or {}, remap=mapper.map, **context)
        read.problems = mapper.merge(read.problems)
        return AdapterRead(read, read.problems, mapper)

    def sample(self, path: Path | str, *, kabkota: str = "") -> Path:
        header = [c.name for c in self.columns]
        rows = []
        for i, (kode, nama, kecamatan) in enumerate(sample_desa(kabkota)):
            rows.append([kode, nama, kecamatan, *(_SAMPLE[f.name] * (i + 1) for f in FIELDS)])
        return write_csv(path, header, rows)
