"""The demo district's Aksi 2: the plan seeded from the demo's confirmed Aksi 1 recommendations,
completed as Bappeda and the OPD would (sub-kegiatan codes, targets, lokus, budgets), taken through
its stages to "final" (which attaches it to Aksi 2), and an RKPD and an APBD uploaded through the
import pipeline, so the integration matrices show every status. Labelled demo data like the rest;
the codes and amounts are illustrative.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from konvergensi.accounts.scope import scope_for_user
from konvergensi.ansit.models import Recommendation, RecommendationStatus
from konvergensi.imports import services as pipeline
from konvergensi.wilayah.models import OPD, Region

from . import selectors, services
from .imports import DOCUMENT_KIND
from .models import Plan, PlanRow

# (OPD, sub-kegiatan code, programme line, indicator, target, unit, budget, source, class) per group.
LINES = {
    1: [
        ("Dinkes", "1.02.02.2.02.0016", "Pengelolaan pelayanan kesehatan gizi masyarakat (PMT lokal balita gizi kurang)",
         "Balita gizi kurang yang mendapat PMT", "90", "%", 1_250_000_000, "apbd_kabkota", "disesuaikan"),
        ("DPUPR", "1.03.03.2.01.0007", "Pembangunan SPAM jaringan perpipaan di desa lokus",
         "Rumah tangga dengan akses air minum layak", "85", "%", 2_400_000_000, "dak_fisik", "baru_dengan_anggaran"),
        ("DP2KB", "2.14.04.2.01.0003", "Pendampingan keluarga berisiko stunting oleh TPK",
         "Keluarga berisiko stunting yang didampingi", "100", "%", 450_000_000, "dak_nonfisik", "tetap"),
    ],
    2: [("Dinkes", "1.02.02.2.02.0004", "Pengelolaan pelayanan kesehatan balita (kunjungan rumah kader)",
         "Balita ditimbang dan diukur setiap bulan", "95", "%", 300_000_000, "apbd_kabkota", "disesuaikan")],
    3: [("Diskominfo", "2.16.02.2.02.0001", "Pengelolaan sistem data stunting terpadu",
         "Desa dengan data sasaran lengkap", "100", "%", 150_000_000, "apbd_kabkota", "baru_dengan_anggaran")],
    4: [("Bappeda", "5.01.01.2.01.0002", "Koordinasi TPPS dan rembuk stunting kecamatan",
         "Rembuk stunting kecamatan terlaksana", "26", "kecamatan", 0, "apbd_kabkota", "baru_tanpa_anggaran")],
}  # fmt: skip
# The catalogue indicator each line works on (so the check "low coverage without activity" sees it).
INDICATOR_OF = {"1.02.02.2.02.0016": "U05", "1.03.03.2.01.0007": "U12", "2.14.04.2.01.0003": "U04",
                "1.02.02.2.02.0004": "U06"}  # fmt: skip


def _document(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["DOKUMEN CONTOH (DEMO)"])
    ws.append(["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Perangkat Daerah", "Indikator", "Target", "Satuan",
               "Lokasi", "Pagu"])  # fmt: skip
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plan_demo(kabkota: str, *, tahun: int, operator) -> dict[str, int]:
    """Idempotent: nothing when the year already has a plan or Aksi 1 confirmed no lokus."""
    if Plan.objects.filter(kabkota_id=kabkota, tahun=tahun).exists():
        return {"plans": 0}
    from konvergensi.ansit import selectors as ansit_selectors

    lokus_list = ansit_selectors.lokus_confirmed(kabkota, tahun)
    if lokus_list is None:
        return {"plans": 0}
    scope = scope_for_user(operator)
    kab = Region.objects.get(kode=kabkota)
    # The team confirms the drafted recommendations it agreed on (the demo: all of them).
    Recommendation.objects.filter(kabkota=kab, tahun=tahun, status=RecommendationStatus.DRAF).update(
        status=RecommendationStatus.DIKONFIRMASI, confirmed_by=operator, confirmed_at=timezone.now()
    )
    plan, _ = services.plan_seed(scope=scope, kabkota=kab, tahun=tahun, by=operator)
    opd = {o.singkatan: o for o in OPD.objects.filter(kabkota=kab)}
    lokus = lokus_list.desa_codes()
    rows = selectors.rows_of(plan)
    for group, lines in LINES.items():
        targets = [r for r in rows if r.group == group]
        for i, (o, code, name, indicator, target, unit, budget, source, row_class) in enumerate(lines):
            fields = {
                "opd": opd[o], "code": code, "activity": name, "indicator": indicator, "target": target,
                "unit": unit, "indicator_code": INDICATOR_OF.get(code, ""), "budget": budget, "source": source,
                "row_class": row_class, "schedule": "Triwulan I–IV",
                "adjustments": ["lokus", "anggaran"] if row_class == "disesuaikan" else [],
                "locations": lokus if group in (1, 2) else [],
            }  # fmt: skip
            if i < len(targets):
                PlanRow.objects.filter(pk=targets[i].pk).update(**fields)
            else:
                PlanRow.objects.create(plan=plan, group=group, urutan=100 + i, updated_by=operator, **fields)
        for extra in targets[len(lines) :]:  # the other drafts: the data notes and the rest, completed
            PlanRow.objects.filter(pk=extra.pk).update(
                opd=opd["Bappeda"] if group == 4 else opd["Dinkes"], target="100", unit="%", budget=0,
                source="apbd_kabkota", row_class="baru_tanpa_anggaran", schedule="Triwulan II",
            )  # fmt: skip
    plan.stages.filter(stage="draf").update(date=dt.date(tahun, 2, 3))  # drafted after Aksi 1, in February
    today = timezone.localdate()
    for stage, day in (("dprd", dt.date(tahun, 3, 10)), ("rembuk", dt.date(tahun, 4, 15)),
                       ("final", dt.date(tahun, 5, 20))):  # fmt: skip
        if day > today:
            break
        plan.refresh_from_db()
        services.stage_record(scope=scope, plan=plan, stage=stage, date=day,
                              notes="Data demo", by=operator)  # fmt: skip
    # The RKPD holds everything but the SPAM line; the APBD cut the PMT budget and added an unplanned line.
    places = "; ".join(lokus)  # SIPD writes the desa code (names repeat between kecamatan)
    planned = [lines for group in LINES.values() for lines in group]
    rkpd = [
        [c, n, opd[o].nama, ind, t, u, places, b] for o, c, n, ind, t, u, b, *_ in planned if o != "DPUPR"
    ]
    apbd = [[c, n, opd[o].nama, ind, t, u, "", b if o != "Dinkes" or "PMT" not in n else b // 2]
            for o, c, n, ind, t, u, b, *_ in planned]  # fmt: skip
    apbd.append(["1.02.02.2.01.0014", "Penyediaan obat dan bahan medis habis pakai", opd["Dinkes"].nama, "", "", "", "",
                 780_000_000])  # fmt: skip
    documents = 0
    for kind, content in (("rkpd", _document(rkpd)), ("apbd", _document(apbd))):
        imp = pipeline.stage(kind=pipeline.kinds.get(DOCUMENT_KIND), kabkota=kabkota,
                             params={"kind": kind, "tahun": tahun, "opd": None},
                             upload=SimpleUploadedFile(f"{kind}-{tahun}-demo.xlsx", content), by=operator)  # fmt: skip
        pipeline.check(imp, scope=scope)
        pipeline.claim(imp)
        pipeline.commit(imp, scope=scope, by=operator)
        documents += 1
    return {"plans": 1, "plan_rows": plan.rows.count(), "plan_documents": documents}
