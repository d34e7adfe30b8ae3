"""Writes for the region hierarchy, puskesmas and OPD."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from konvergensi import dbstats
from konvergensi.accounts.services import audit
from konvergensi_core import kode as kode_rules

from .models import OPD, Puskesmas, Region

DATA_DIR = settings.BASE_DIR / "data"
WILAYAH_CSV = DATA_DIR / "wilayah" / "wilayah.csv"
DESA_POINTS_CSV = DATA_DIR / "batas" / "desa_titik.csv"
CENTROID_CSVS = (DATA_DIR / "wilayah" / "provinsi.csv", DATA_DIR / "wilayah" / "kabkota.csv")
_FIELDS = ("nama", "level", "jenis", "parent_id", "lat", "lng")
_BATCH = 2000


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int
    seconds: float


def _points() -> dict[str, tuple[float, float]]:
    points: dict[str, tuple[float, float]] = {}
    for path in (*CENTROID_CSVS, DESA_POINTS_CSV):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                points[row["kode"]] = (float(row["lat"]), float(row["lng"]))
    return points


def region_load(*, path: Path = WILAYAH_CSV, only_prefixes: tuple[str, ...] = (), by=None) -> LoadResult:
    """Load (or refresh) the official hierarchy from ``wilayah.csv``; idempotent.

    Only new or changed rows are written, in bulk, parents before children, in one
    transaction. ``only_prefixes`` restricts the load to some provinces/districts (tests).
    """
    started = time.perf_counter()
    points = _points()
    wanted: list[Region] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kode = row["kode"]
            if only_prefixes and not any(
                kode_rules.contains(p, kode) or kode_rules.contains(kode, p) for p in only_prefixes
            ):
                continue
            lat, lng = points.get(kode, (None, None))
            wanted.append(
                Region(
                    kode=kode,
                    nama=row["nama"],
                    level=row["level"],
                    jenis=row["jenis"],
                    parent_id=row["kode_induk"] or None,
                    lat=lat,
                    lng=lng,
                )
            )
    wanted.sort(key=lambda r: (kode_rules.LEVELS.index(r.level), r.kode))
    existing = {
        row[0]: row[1:] for row in Region.objects.values_list("kode", *_FIELDS).iterator(chunk_size=5000)
    }
    to_write = []
    created = 0
    for region in wanted:
        current = existing.get(region.kode)
        values = tuple(getattr(region, f) for f in _FIELDS)
        if current is None:
            created += 1
            to_write.append(region)
        elif current != values:
            to_write.append(region)
    with transaction.atomic():
        for i in range(0, len(to_write), _BATCH):
            Region.objects.bulk_create(
                to_write[i : i + _BATCH],
                update_conflicts=True,
                unique_fields=["kode"],
                update_fields=list(_FIELDS),
            )
        if to_write:
            audit(by=by, action="wilayah.load", target=None, data={"written": len(to_write)})
    if len(to_write) >= dbstats.BULK_ROWS:
        dbstats.refresh(Region._meta.db_table)
    return LoadResult(
        created=created,
        updated=len(to_write) - created,
        unchanged=len(wanted) - len(to_write),
        seconds=time.perf_counter() - started,
    )


# The agencies the guideline names for the convergence actions. A district adds its own.
STANDARD_OPD: tuple[tuple[str, str], ...] = (
    ("Bappeda", "Badan Perencanaan Pembangunan Daerah"),
    ("Dinkes", "Dinas Kesehatan"),
    ("DP2KB", "Dinas Pengendalian Penduduk dan Keluarga Berencana"),
    ("Dinsos", "Dinas Sosial"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("Disdik", "Dinas Pendidikan"),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa"),
    ("Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DKP", "Dinas Ketahanan Pangan dan Pertanian"),
    ("Diskominfo", "Dinas Komunikasi dan Informatika"),
    ("Kemenag", "Kantor Kementerian Agama"),
)


def opd_create(*, kabkota: Region, singkatan: str, nama: str, by) -> OPD:
    with transaction.atomic():
        opd = OPD.objects.create(kabkota=kabkota, singkatan=singkatan.strip(), nama=nama.strip())
        audit(
            by=by,
            action="opd.create",
            target=opd,
            region_kode=kabkota.kode,
            data={"singkatan": opd.singkatan, "nama": opd.nama},
        )
    return opd


def opd_create_standard(*, kabkota: Region, by=None) -> list[OPD]:
    existing = set(OPD.objects.filter(kabkota=kabkota).values_list("singkatan", flat=True))
    created = [OPD(kabkota=kabkota, singkatan=s, nama=n) for s, n in STANDARD_OPD if s not in existing]
    OPD.objects.bulk_create(created)
    return created


def puskesmas_create(*, kode: str, nama: str, kecamatan: Region, desa: list[Region], by=None) -> Puskesmas:
    """Register a puskesmas and the desa it serves (all in the same district)."""
    kabkota = kode_rules.at_level(kecamatan.kode, "kabkota")
    errors: dict[str, list[str]] = {}
    if kecamatan.level != "kecamatan":
        errors["kecamatan"] = [_("Pilih kecamatan.")]
    outside = [d.kode for d in desa if d.level != "desa" or not kode_rules.contains(kabkota, d.kode)]
    if outside:
        errors["desa"] = [_("Desa di luar kabupaten/kota ini: %(kode)s") % {"kode": ", ".join(outside)}]
    if not desa:
        errors.setdefault("desa", []).append(_("Pilih minimal satu desa wilayah kerja."))
    if Puskesmas.objects.filter(kode=kode.strip()).exists():
        errors["kode"] = [_("Kode puskesmas sudah terdaftar.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pkm = Puskesmas.objects.create(
            kode=kode.strip(), nama=nama.strip(), kecamatan=kecamatan, kabkota_id=kabkota
        )
        pkm.desa.set(desa)
        audit(
            by=by,
            action="puskesmas.create",
            target=pkm,
            region_kode=kecamatan.kode,
            data={"nama": nama, "desa": [d.kode for d in desa]},
        )
    return pkm
