"""The catalogue files → the Indicator table (used by the migration and `konvergensi indicators load`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from konvergensi_core.indicators import load_catalogue

DATA = Path(__file__).resolve().parents[1] / "data" / "indikator"
FILES = ("cakupan_intervensi_2018.csv", "indikator_konvergensi_2025.csv")


def catalogue_version() -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((DATA / name).read_bytes())
    return digest.hexdigest()[:12]


def load_into(Indicator, CategoryBand) -> dict[str, int]:
    """Insert new indicators and refresh those the national administrator has not edited.

    Every indicator gets a default band (all years) if it has none. Returns counts.
    """
    version = catalogue_version()
    existing = {i.kode: i for i in Indicator.objects.all()}
    counts = {"added": 0, "updated": 0, "kept": 0}
    for d in load_catalogue(DATA):
        fields = {
            "set": d.set,
            "nama": d.nama,
            "nama_en": d.nama_en,
            "definisi": d.definisi,
            "numerator": d.numerator,
            "denominator": d.denominator,
            "kelompok": d.kelompok,
            "kelompok_label": d.kelompok_label,
            "opd_sumber": d.opd_sumber,
            "satuan": d.satuan,
            "target_nasional": d.target_nasional,
            "jenis_intervensi": d.jenis_intervensi,
            "padanan_2018": d.padanan_2018,
            "catatan": d.catatan,
            "urutan": d.urutan,
            "versi_katalog": version,
        }
        row = existing.get(d.kode)
        if row is None:
            row = Indicator.objects.create(kode=d.kode, **fields)
            counts["added"] += 1
        elif row.diubah_manual:
            counts["kept"] += 1
        elif row.versi_katalog != version:
            Indicator.objects.filter(pk=row.pk).update(**fields)
            counts["updated"] += 1
        if not CategoryBand.objects.filter(indicator=row, tahun=0).exists():
            CategoryBand.objects.create(indicator=row, tahun=0)
    return counts
