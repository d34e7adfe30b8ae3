"""Reads of the Aksi 4 registers, always within the reader's scope.

The district's Perbup/Perwali is read by everyone who sees the district. A desa's regulations and
APBDes allocations are read by the whole-district readers (operator, OPD, province, nation) and by
the kecamatan, desa or puskesmas whose area holds the desa (``Permission.REGULATION_READ``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.wilayah.models import Region

from .models import SIGNED, Allocation, Regulation, VillageRegulation


def regulation_list(*, scope: Scope, kabkota: str) -> QuerySet[Regulation]:
    qs = Regulation.objects.filter(kabkota_id=kabkota).prefetch_related("steps")
    return scope_filter(qs, scope, "kabkota_id").order_by("-id")


def regulation_get(*, scope: Scope, pk: int) -> Regulation | None:
    qs = Regulation.objects.select_related("kabkota")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def signed_regulation(kabkota: str, tahun: int) -> Regulation | None:
    """The district's Perbup/Perwali signed (or promulgated) by the end of ``tahun``, newest first."""
    return (
        Regulation.objects.filter(
            kabkota_id=kabkota,
            status__in=SIGNED,
            steps__status="ditandatangani",
            steps__date__lte=dt.date(tahun, 12, 31),
        )
        .order_by("-steps__date", "-id")
        .first()
    )


def current_regulation(*, scope: Scope, kabkota: str, tahun: int) -> Regulation | None:
    """What the district page leads with: the signed one of the year, else the newest in progress."""
    found = signed_regulation(kabkota, tahun)
    if (
        found is not None
        and scope_filter(Regulation.objects.filter(pk=found.pk), scope, "kabkota_id").exists()
    ):
        return found
    return regulation_list(scope=scope, kabkota=kabkota).first()


def visible_desa(*, scope: Scope, kabkota: str) -> QuerySet[Region]:
    qs = Region.objects.filter(level="desa", kode__startswith=kabkota + ".")
    return scope_filter(qs, scope, "kode", purpose="region").order_by("kode")


def village_regulations(*, scope: Scope, desa: str) -> QuerySet[VillageRegulation]:
    qs = VillageRegulation.objects.filter(desa_id=desa)
    return scope_filter(qs, scope, "desa_id", purpose="region").order_by("-date", "-id")


def village_regulation_get(*, scope: Scope, pk: int) -> VillageRegulation | None:
    qs = VillageRegulation.objects.select_related("desa")
    return scope_filter(qs, scope, "desa_id", purpose="region").filter(pk=pk).first()


def allocations(*, scope: Scope, desa: str) -> QuerySet[Allocation]:
    qs = Allocation.objects.filter(desa_id=desa)
    return scope_filter(qs, scope, "desa_id", purpose="region").order_by("-tahun", "id")


def allocation_get(*, scope: Scope, pk: int) -> Allocation | None:
    qs = Allocation.objects.select_related("desa")
    return scope_filter(qs, scope, "desa_id", purpose="region").filter(pk=pk).first()


@dataclass(frozen=True)
class DesaRow:
    kode: str
    nama: str
    kecamatan: str
    lokus: bool
    lokus_rank: int | None
    regulation: VillageRegulation | None  # the newest Perdes/Perkades in force by the end of the year
    allocation: int  # the year's APBDes allocations for stunting (Rp), 0 when none
    lat: float | None
    lng: float | None

    @property
    def complete(self) -> bool:
        return self.regulation is not None and self.allocation > 0

    @property
    def group(self) -> str:
        """The map's colour: a lokus desa with both, a lokus desa missing one, any other desa."""
        if not self.lokus:
            return "lain"
        return "lengkap" if self.complete else "kurang"


@dataclass(frozen=True)
class Coverage:
    rows: list[DesaRow]  # lokus first (in rank order), then the other desa by code
    n_lokus: int
    n_lokus_complete: int
    n_with_regulation: int
    n_with_allocation: int
    lokus_confirmed: bool


def coverage(*, scope: Scope, kabkota: str, tahun: int) -> Coverage:
    """Per desa the reader sees: whether it has a regulation (by the end of ``tahun``) and an APBDes
    allocation for stunting in ``tahun``, with the confirmed lokus desa first and counted."""
    from konvergensi.ansit.selectors import lokus_confirmed

    lokus_list = lokus_confirmed(kabkota, tahun, scope=scope)
    lokus = lokus_list.desa_codes() if lokus_list else []
    rank = {kode: i for i, kode in enumerate(lokus)}
    desa = list(visible_desa(scope=scope, kabkota=kabkota))
    codes = [d.kode for d in desa]
    regs: dict[str, VillageRegulation] = {}
    for r in VillageRegulation.objects.filter(desa_id__in=codes, date__lte=dt.date(tahun, 12, 31)).order_by(
        "date", "id"
    ):
        regs[r.desa_id] = r  # the newest wins
    money = dict(
        Allocation.objects.filter(desa_id__in=codes, tahun=tahun)
        .values("desa_id")
        .annotate(total=Sum("amount"))
        .values_list("desa_id", "total")
    )
    kec_names = dict(Region.objects.filter(level="kecamatan", parent_id=kabkota).values_list("kode", "nama"))
    rows = [
        DesaRow(
            kode=d.kode,
            nama=d.nama,
            kecamatan=kec_names.get(d.kode[:8], d.kode[:8]),
            lokus=d.kode in rank,
            lokus_rank=rank[d.kode] + 1 if d.kode in rank else None,
            regulation=regs.get(d.kode),
            allocation=int(money.get(d.kode) or 0),
            lat=d.lat,
            lng=d.lng,
        )
        for d in desa
    ]
    rows.sort(key=lambda r: (0, r.lokus_rank) if r.lokus else (1, r.kode))
    lokus_rows = [r for r in rows if r.lokus]
    return Coverage(
        rows=rows,
        n_lokus=len(lokus_rows),
        n_lokus_complete=sum(r.complete for r in lokus_rows),
        n_with_regulation=sum(r.regulation is not None for r in rows),
        n_with_allocation=sum(r.allocation > 0 for r in rows),
        lokus_confirmed=lokus_list is not None,
    )


def lokus_counts(kabkota: str, tahun: int) -> tuple[int, int] | None:
    """(lokus desa with a regulation and an allocation, lokus desa) of the confirmed list, whoever
    reads; None without a confirmed list."""
    from konvergensi.ansit.selectors import lokus_confirmed

    lokus_list = lokus_confirmed(kabkota, tahun)
    if lokus_list is None:
        return None
    lokus = lokus_list.desa_codes()
    with_reg = set(
        VillageRegulation.objects.filter(desa_id__in=lokus, date__lte=dt.date(tahun, 12, 31)).values_list(
            "desa_id", flat=True
        )
    )
    with_money = set(
        Allocation.objects.filter(desa_id__in=lokus, tahun=tahun).values_list("desa_id", flat=True)
    )
    return len(with_reg & with_money & set(lokus)), len(lokus)
