"""Coverage indicators: the catalogue files, coverage categories, and the rules of village data.

Pure Python (no Django): the web app, the CLI and the tests use the same rules.

* The catalogue: the 2018 coverage table (Tabel 1.1 of the guideline: 20 main, 5 complementary,
  3 special-condition) and the 2025 list of 31 indicators by target group, read from the CSV files
  shipped in ``konvergensi/data/indikator`` (provenance in their README).
* Categories (Sangat Rendah / Rendah / Hampir Memadai / Memadai): only "Memadai > 90 %" is fixed by
  the guideline; the lower bands are settings, with the defaults of PRODUCT.md (Hampir Memadai
  70–90 %, Rendah 50–< 70 %, Sangat Rendah < 50 %). "Low coverage" (cakupan kurang) is Rendah or
  Sangat Rendah.
* Aggregates of coverage sum numerators and denominators, never average percentages.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from . import sasaran as _sasaran


class Category(StrEnum):
    SANGAT_RENDAH = "sangat_rendah"
    RENDAH = "rendah"
    HAMPIR_MEMADAI = "hampir_memadai"
    MEMADAI = "memadai"


CATEGORY_LABEL = {
    Category.SANGAT_RENDAH: "Sangat Rendah",
    Category.RENDAH: "Rendah",
    Category.HAMPIR_MEMADAI: "Hampir Memadai",
    Category.MEMADAI: "Memadai",
}
LOW = frozenset({Category.SANGAT_RENDAH, Category.RENDAH})


@dataclass(frozen=True)
class Bands:
    """Lower edges of the categories in percent: Memadai above ``memadai`` (strictly, as the
    guideline says "> 90 %"), Hampir Memadai from ``hampir`` up to ``memadai``, Rendah from ``rendah``
    below ``hampir``, Sangat Rendah below ``rendah``."""

    memadai: float = 90.0
    hampir: float = 70.0
    rendah: float = 50.0

    def __post_init__(self) -> None:
        if not 0 <= self.rendah <= self.hampir <= self.memadai <= 100:
            raise ValueError("batas kategori harus 0 ≤ rendah ≤ hampir memadai ≤ memadai ≤ 100")


DEFAULT_BANDS = Bands()


def percent(numerator: float | None, denominator: float | None) -> float | None:
    """Coverage in percent; None when it cannot be computed (missing or zero denominator)."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return 100.0 * numerator / denominator


def category(pct: float | None, bands: Bands = DEFAULT_BANDS) -> Category | None:
    if pct is None:
        return None
    if pct > bands.memadai:
        return Category.MEMADAI
    if pct >= bands.hampir:
        return Category.HAMPIR_MEMADAI
    if pct >= bands.rendah:
        return Category.RENDAH
    return Category.SANGAT_RENDAH


def pooled(pairs: Iterable[tuple[float | None, float | None]]) -> tuple[float, float, float | None]:
    """Sum of numerators, sum of denominators and their percent over the pairs where both are
    known: the aggregate of a kecamatan or district (never the mean of the village percentages)."""
    num = den = 0.0
    for n, d in pairs:
        if n is None or d is None:
            continue
        num += n
        den += d
    return num, den, percent(num, den)


# --- the catalogue files ----------------------------------------------------------------------

SET_2018 = "2018"
SET_2025 = "2025"

GROUP_2018_LABEL = {
    "utama": "Indikator utama",
    "pelengkap": "Indikator pelengkap",
    "kondisi_khusus": "Indikator kondisi khusus",
}

# The data sasaran count an indicator's denominator cannot exceed (its target group): derived from
# ``konvergensi_core.sasaran.DENOMINATOR``, which says which denominator each indicator uses.
DENOMINATOR_BOUND: dict[str, str] = {k: p.field for k, p in _sasaran.DENOMINATOR.items() if p is not None}

# The kinds of agency (OPD) named in the catalogue, recognised in a district's OPD names so that
# each indicator can be given to the agency that owns its data (the district can change it).
OPD_KEYWORDS: dict[str, tuple[str, ...]] = {
    "kesehatan": ("kesehatan", "dinkes"),
    "sosial": ("sosial", "dinsos"),
    "pu": ("pekerjaan umum", "pupr", "dpupr", "perkim", "dinas pu"),
    "dukcapil": ("dukcapil", "kependudukan"),
    "pendidikan": ("pendidikan", "disdik"),
    "pertanian": ("pertanian", "ketahanan pangan"),
    "kb": ("keluarga berencana", "ppkb", "dppkb", "bkkbn", "dalduk"),
    "puskesmas": ("kesehatan", "dinkes"),  # puskesmas data are collected by the health office
}


def opd_kind(source: str) -> str | None:
    """The first kind of agency named in a catalogue's source text ("Dinas Kesehatan / BPJS")."""
    text = source.lower()
    if "puskesmas" in text:
        return "puskesmas"
    if "keluarga berencana" in text or "ppkb" in text or "bkkbn" in text:
        return "kb"
    for kind, words in OPD_KEYWORDS.items():
        if any(w in text for w in words):
            return kind
    return None


@dataclass(frozen=True)
class IndicatorDef:
    kode: str
    set: str
    nama: str
    nama_en: str
    definisi: str
    numerator: str
    denominator: str
    kelompok: str  # 2018: utama/pelengkap/kondisi_khusus; 2025: the target group key
    kelompok_label: str
    opd_sumber: str
    satuan: str  # persen | jumlah
    target_nasional: float | None
    jenis_intervensi: str
    padanan_2018: str
    catatan: str
    urutan: int

    @property
    def is_count(self) -> bool:
        return self.satuan == "jumlah"

    @property
    def is_main(self) -> bool:
        """Main indicators (2018 utama; every 2025 indicator) count for the lokus criterion."""
        return self.set == SET_2025 or self.kelompok == "utama"


def _target(text: str) -> float | None:
    text = (text or "").strip()
    try:
        return float(text) if text else None
    except ValueError:
        return None


def load_catalogue(folder: Path) -> list[IndicatorDef]:
    """Both sets from the CSV files of ``folder`` (see its README for the columns)."""
    out: list[IndicatorDef] = []
    with (folder / "cakupan_intervensi_2018.csv").open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            out.append(
                IndicatorDef(
                    kode=row["kode"],
                    set=SET_2018,
                    nama=row["indikator"],
                    nama_en=row["indikator_en"],
                    definisi=row["definisi_operasional"],
                    numerator=row["numerator"],
                    denominator=row["denominator"],
                    kelompok=row["kelompok"],
                    kelompok_label=GROUP_2018_LABEL.get(row["kelompok"], row["kelompok"]),
                    opd_sumber=row["sumber_data_opd"],
                    satuan="persen",
                    target_nasional=None,
                    jenis_intervensi="",
                    padanan_2018="",
                    catatan=row["catatan"],
                    urutan=i,
                )
            )
    with (folder / "indikator_konvergensi_2025.csv").open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            out.append(
                IndicatorDef(
                    kode=row["kode"],
                    set=SET_2025,
                    nama=row["indikator"],
                    nama_en=row["indikator_en"],
                    definisi=row["status_definisi"],
                    numerator=row["numerator_usulan"],
                    denominator=row["denominator_usulan"] if row["satuan"] != "jumlah" else "",
                    kelompok=row["kelompok_sasaran"],
                    kelompok_label=row["kelompok_sasaran_label"],
                    opd_sumber=row["opd_penanggung_jawab_usulan"],
                    satuan=row["satuan"],
                    target_nasional=_target(row["target_nasional_2024_perpres72"]),
                    jenis_intervensi=row["jenis_intervensi"],
                    padanan_2018=row["padanan_pedoman_2018"],
                    catatan=row["catatan"],
                    urutan=100 + i,
                )
            )
    return distinct_names(out)


def distinct_names(defs: list[IndicatorDef]) -> list[IndicatorDef]:
    """No two indicators of one set under the same name: the source table of 2018 lists one
    indicator twice (P01 and P05, its note says so); the later one is named as the copy it is, so a
    list, a chart or a choice never shows two identical entries."""
    from dataclasses import replace

    first: dict[tuple[str, str], str] = {}
    out = []
    for d in defs:
        key = (d.set, d.nama.strip().casefold())
        if key in first:
            d = replace(
                d,
                nama=f"{d.nama} (sama dengan {first[key]} di tabel sumber)",
                nama_en=f"{d.nama_en} (same as {first[key]} in the source table)",
            )
        else:
            first[key] = d.kode
        out.append(d)
    return out
