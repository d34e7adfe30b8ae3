"""The demo district's Aksi 4: a Perbup on the role of the desa, taken from draft to promulgated (the
signing starts Aksi 4), and Perdes and APBDes allocations for some desa, so the district page shows
lokus desa with both, lokus desa missing one, and other desa. Labelled demo data like the rest; the
numbers and amounts are illustrative. Idempotent: nothing is added when the district has a Perbup.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from konvergensi.accounts.demo_accounts import DEMO_DESA
from konvergensi.accounts.scope import scope_for_user
from konvergensi.wilayah.models import Region

from . import services
from .models import Regulation, Status


def regulations_demo(kabkota: str, *, tahun: int, operator, pdf: bytes) -> dict[str, int]:
    """``pdf``: the bytes of the demo's stand-in document (a one-page PDF)."""
    if Regulation.objects.filter(kabkota_id=kabkota).exists():
        return {}

    def _pdf(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, pdf, "application/pdf")

    from konvergensi.ansit.selectors import lokus_confirmed

    scope = scope_for_user(operator)
    kab = Region.objects.get(kode=kabkota)
    today = timezone.localdate()
    start = min(dt.date(tahun, 1, 2), today)

    def day(days_ago: int) -> dt.date:
        return max(start, today - dt.timedelta(days=days_ago))

    reg = services.regulation_create(
        scope=scope,
        kabkota=kab,
        kind="perbup",
        number="",
        title="Peran dan Kewenangan Desa dalam Percepatan Penurunan Stunting Terintegrasi (CONTOH DEMO)",
        date=day(150),
        upload=_pdf("rancangan-perbup-peran-desa.pdf"),
        by=operator,
    )
    for status, ago in ((Status.HARMONISASI, 120), (Status.DITANDATANGANI, 90), (Status.DIUNDANGKAN, 85)):
        reg.refresh_from_db()
        services.regulation_step(
            scope=scope,
            reg=reg,
            status=status,
            date=day(ago),
            number=f"41 Tahun {day(ago).year}" if status == Status.DITANDATANGANI else "",
            upload=_pdf("perbup-peran-desa-ditandatangani.pdf") if status == Status.DITANDATANGANI else None,
            by=operator,
        )
    lokus_list = lokus_confirmed(kabkota, tahun)
    lokus = lokus_list.desa_codes() if lokus_list else []
    others = list(
        Region.objects.filter(level="desa", kode__startswith=kabkota + ".")
        .exclude(kode__in=lokus)
        .order_by("kode")
        .values_list("kode", flat=True)[:2]
    )
    complete = lokus[: max(1, len(lokus) * 2 // 3)] if lokus else []
    regulation_only = lokus[len(complete) : len(complete) + 1]
    n_regs = n_money = 0
    desa_user = get_user_model().objects.filter(username="desa-cimungkal").first()
    for i, kode in enumerate([*complete, *regulation_only, *others]):
        desa = Region.objects.get(kode=kode)
        by = desa_user if (kode == DEMO_DESA and desa_user) else operator
        by_scope = scope_for_user(by)
        services.village_regulation_add(
            scope=by_scope,
            desa=desa,
            kind="perdes" if i % 3 else "perkades",
            number=f"{i + 3} Tahun {day(60).year}",
            date=day(60 - i),
            title=f"Kewenangan Desa {desa.nama.title()} dalam Penurunan Stunting (CONTOH DEMO)",
            upload=_pdf(f"perdes-{desa.nama.lower().replace(' ', '-')}.pdf"),
            by=by,
        )
        n_regs += 1
        if kode in regulation_only:
            continue
        services.allocation_add(
            scope=by_scope,
            desa=desa,
            tahun=tahun,
            amount=f"{25 + 5 * (i % 4)}.000.000",
            purpose="PMT lokal balita dan ibu hamil KEK; insentif kader posyandu (contoh demo)",
            by=by,
        )
        n_money += 1
    return {"regulations": 1, "village_regulations": n_regs, "apbdes": n_money}
