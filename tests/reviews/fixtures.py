"""Hand-computed figures of Kabupaten Sumedang 2026 for the review's sections."""

from __future__ import annotations

import datetime as dt

from konvergensi.ansit.models import Analysis, LokusDesa, LokusList
from konvergensi.budget.models import BudgetLine
from konvergensi.indicators.models import DataValue, Indicator
from konvergensi.measurements.models import MeasurementRound
from konvergensi.plans.models import Plan, PlanRow
from konvergensi.publication.models import Publication
from konvergensi.rembuk.models import AgreedChange, Rembuk
from tests.conftest import KAB

TAHUN = 2026
D1, D2, D3 = "32.11.01.2001", "32.11.01.2002", "32.11.01.2003"
CODE1, CODE2 = "1.02.02.2.02.0001", "1.02.02.2.02.0002"


def plan(w) -> Plan:
    p = Plan.objects.create(kabkota_id=KAB, tahun=TAHUN, stage="final")
    PlanRow.objects.create(
        plan=p, group=1, urutan=1, activity="PMT lokal", code=CODE1, opd=w.opd["Dinkes"], budget=900_000
    )
    PlanRow.objects.create(
        plan=p, group=1, urutan=2, activity="Kelas ibu hamil", code=CODE2, opd=w.opd["Dinkes"]
    )
    PlanRow.objects.create(plan=p, group=4, urutan=3, activity="Rapat TPPS", opd=w.opd["Bappeda"])
    return p


def budget(w) -> None:
    BudgetLine.objects.create(
        kabkota_id=KAB,
        tahun=TAHUN,
        code=CODE1,
        name="PMT",
        opd=w.opd["Dinkes"],
        source="DAU",
        pagu=1_000_000,
        realisasi_tw1=200_000,
        realisasi_tw2=300_000,
        category="spesifik",
    )
    BudgetLine.objects.create(
        kabkota_id=KAB,
        tahun=TAHUN,
        code=CODE2,
        name="Kelas",
        opd=w.opd["Dinkes"],
        source="DAU",
        pagu=2_000_000,
        realisasi_tw1=1_800_000,
        category="spesifik",
    )


def main_indicators() -> list[Indicator]:
    return [i for i in Indicator.objects.order_by("urutan", "kode") if i.is_main and not i.is_count][:2]


def coverage() -> tuple[Indicator, Indicator]:
    i1, i2 = main_indicators()
    for ind, desa, periode, num, den in (
        (i1, D1, "2026-S1", 40, 100),
        (i1, D1, "2026-S2", 60, 100),
        (i1, D2, "2026-S1", 10, 50),
        (i1, D2, "2026-S2", 10, 50),
        (i2, D1, "2026-S1", 50, 100),
        (i2, D1, "2026-S2", 30, 100),
        (i2, D2, "2026-S1", 20, 40),  # no S2: left out of the comparison
    ):
        DataValue.objects.create(
            indicator=ind, desa_id=desa, kabkota_id=KAB, periode=periode, numerator=num, denominator=den
        )
    return i1, i2


def _row(kode, level, hidden=False, **rates):
    row = {"kode": kode, "level": level, "hidden": hidden}
    for key in ("stunted", "wasted", "underweight", "overweight"):
        p, lo, hi = rates.get(key, (None, None, None))
        row |= {f"{key}_prevalence": p, f"{key}_ci_low": lo, f"{key}_ci_high": hi}
    return row


def rounds() -> list[MeasurementRound]:
    r1 = MeasurementRound.objects.create(
        kabkota_id=KAB,
        nama="Agustus 2025",
        tanggal_mulai=dt.date(2025, 8, 1),
        tanggal_selesai=dt.date(2025, 8, 31),
        status="dipublikasikan",
    )
    r2 = MeasurementRound.objects.create(
        kabkota_id=KAB,
        nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1),
        tanggal_selesai=dt.date(2026, 2, 28),
        status="dipublikasikan",
    )
    Publication.objects.create(
        round=r1,
        data={
            "district": _row(
                KAB,
                "kabkota",
                stunted=(0.30, 0.27, 0.33),
                wasted=(0.05, 0.04, 0.06),
                overweight=(0.02, 0.01, 0.03),
            ),
            "desa": [_row(D1, "desa", stunted=(0.40, 0.30, 0.50)), _row(D2, "desa", hidden=True)],
        },
    )
    Publication.objects.create(
        round=r2,
        data={
            "district": _row(
                KAB,
                "kabkota",
                stunted=(0.20, 0.18, 0.22),
                wasted=(0.055, 0.045, 0.065),
                overweight=(0.02, 0.01, 0.03),
            ),
            "desa": [
                _row(D1, "desa", stunted=(0.30, 0.20, 0.40)),
                _row(D2, "desa", stunted=(0.1, 0.05, 0.2)),
            ],
        },
    )
    return [r1, r2]


def lokus() -> LokusList:
    analysis = Analysis.objects.create(
        kabkota_id=KAB,
        tahun=TAHUN,
        periode="2025",
        level="desa",
        input_source="sasaran",
        data_source="baduta",
        indicator_set="2025",
    )
    lst = LokusList.objects.create(
        kabkota_id=KAB,
        tahun=TAHUN,
        analysis=analysis,
        indicator_set="2025",
        eligibility="any",
        method="count",
        value=3,
    )
    for rank, desa in enumerate((D1, D2, D3), 1):
        LokusDesa.objects.create(lokus_list=lst, desa_id=desa, rank=rank)
    return lst


def rembuk(p: Plan) -> Rembuk:
    r = Rembuk.objects.create(
        kabkota_id=KAB, region_id=KAB, level="kabkota", tahun=TAHUN, held=dt.date(2026, 4, 15), plan=p
    )
    AgreedChange.objects.create(rembuk=r, row=p.rows.get(activity="Rapat TPPS"), text="Tambah lokus Wado")
    return r


def everything(w) -> dict:
    p = plan(w)
    budget(w)
    inds = coverage()
    rounds()
    lokus()
    rembuk(p)
    return {"plan": p, "indicators": inds}
