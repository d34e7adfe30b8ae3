"""Scoped reads of the annual cycle and the Pantau Aksi aggregates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.wilayah.models import Level, Region
from konvergensi_core import aksi as rules

from .models import Aksi, Evidence, Siklus


def siklus_get(*, scope: Scope, kabkota_kode: str, tahun: int) -> Siklus | None:
    qs = scope_filter(Siklus.objects.filter(kabkota_id=kabkota_kode, tahun=tahun), scope, "kabkota_id")
    return qs.first()


def aksi_list(*, siklus: Siklus) -> list[Aksi]:
    return list(siklus.aksi_set.select_related("opd").order_by("nomor"))


def aksi_get(*, scope: Scope, pk: int) -> Aksi | None:
    qs = Aksi.objects.select_related("siklus", "siklus__kabkota", "opd")
    return scope_filter(qs, scope, "siklus__kabkota_id").filter(pk=pk).first()


def evidence_get(*, scope: Scope, pk: int) -> Evidence | None:
    qs = Evidence.objects.select_related("aksi", "aksi__siklus")
    return scope_filter(qs, scope, "aksi__siklus__kabkota_id").filter(pk=pk).first()


def aksi_for_opd(*, scope: Scope, tahun: int) -> QuerySet[Aksi]:
    qs = Aksi.objects.filter(opd_id=scope.opd_id, siklus__tahun=tahun).select_related("siklus")
    return scope_filter(qs, scope, "siklus__kabkota_id")


def aksi_awaiting_review(*, scope: Scope, tahun: int) -> QuerySet[Aksi]:
    qs = Aksi.objects.filter(status=rules.Status.DIAJUKAN, siklus__tahun=tahun).select_related(
        "siklus__kabkota"
    )
    return scope_filter(qs, scope, "siklus__kabkota_id").order_by("siklus__kabkota_id", "nomor")


def years_available(*, scope: Scope) -> list[int]:
    qs = scope_filter(Siklus.objects.all(), scope, "kabkota_id")
    return sorted(set(qs.values_list("tahun", flat=True)), reverse=True)


@dataclass(frozen=True)
class Row:
    region: Region
    statuses: list[str | None]  # status of aksi 1..8, None when the cycle is not opened
    overdue: list[bool]
    progress: rules.Progress
    siklus_opened: bool
    children: int = 1

    @property
    def cells(self) -> list[tuple[str | None, bool]]:
        return list(zip(self.statuses, self.overdue, strict=True))


def _aksi_by_kabkota(
    scope: Scope, tahun: int, prefix: str | None
) -> dict[str, list[tuple[int, str, dt.date | None]]]:
    qs = Aksi.objects.filter(siklus__tahun=tahun)
    if prefix:
        qs = qs.filter(siklus__kabkota__pk__startswith=prefix + ".")
    qs = scope_filter(qs, scope, "siklus__kabkota_id")
    grouped: dict[str, list[tuple[int, str, dt.date | None]]] = defaultdict(list)
    for kab, nomor, status, due in qs.values_list("siklus__kabkota_id", "nomor", "status", "due_date"):
        grouped[kab].append((nomor, status, due))
    return grouped


def _kabkota_row(region: Region, items: list[tuple[int, str, dt.date | None]], today: dt.date) -> Row:
    statuses: list[str | None] = [None] * 8
    overdue = [False] * 8
    for nomor, status, due in items:
        statuses[nomor - 1] = status
        overdue[nomor - 1] = rules.is_overdue(rules.Status(status), due, today)
    progress = rules.summarise(((rules.Status(s), d) for _n, s, d in items), today)
    return Row(
        region=region,
        statuses=statuses,
        overdue=overdue,
        progress=progress,
        siklus_opened=bool(items),
    )


def kabkota_row(*, scope: Scope, kabkota: Region, tahun: int, today: dt.date) -> Row:
    qs = scope_filter(
        Aksi.objects.filter(siklus__tahun=tahun, siklus__kabkota_id=kabkota.kode),
        scope,
        "siklus__kabkota_id",
    )
    return _kabkota_row(kabkota, list(qs.values_list("nomor", "status", "due_date")), today)


def province_rows(*, scope: Scope, provinsi: Region, tahun: int, today: dt.date) -> list[Row]:
    grouped = _aksi_by_kabkota(scope, tahun, provinsi.kode)
    kabkota_list = scope_filter(
        Region.objects.filter(parent_id=provinsi.kode, level=Level.KABKOTA), scope, "kode"
    )
    return [_kabkota_row(d, grouped.get(d.kode, []), today) for d in kabkota_list]


def national_rows(*, scope: Scope, tahun: int, today: dt.date) -> list[Row]:
    grouped = _aksi_by_kabkota(scope, tahun, None)
    kabkotas_per_province: dict[str, int] = defaultdict(int)
    for kode in Region.objects.filter(level=Level.KABKOTA).values_list("kode", flat=True):
        kabkotas_per_province[kode[:2]] += 1
    per_province: dict[str, list[tuple[rules.Status, dt.date | None]]] = defaultdict(list)
    verified_kabkotas: dict[str, int] = defaultdict(int)
    for kab, items in grouped.items():
        per_province[kab[:2]].extend((rules.Status(s), d) for _n, s, d in items)
        if len(items) == 8 and all(s == rules.Status.DIVERIFIKASI for _n, s, _d in items):
            verified_kabkotas[kab[:2]] += 1
    rows = []
    for prov in scope_filter(Region.objects.filter(level=Level.PROVINSI), scope, "kode"):
        n = kabkotas_per_province.get(prov.kode, 0)
        progress = rules.summarise(per_province.get(prov.kode, []), today, expected=8 * n)
        rows.append(
            Row(
                region=prov,
                statuses=[],
                overdue=[],
                progress=progress,
                siklus_opened=prov.kode in per_province,
                children=n,
            )
        )
    return rows
