"""The demo district's tagged budget (issue 15): sixteen APBD sub-kegiatan of its OPD for the year,
tagged and with realisation to the last full quarter, written into the app's own Excel template and
imported through the import pipeline (the real path). Labelled demo data; codes and amounts are
illustrative."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from konvergensi.accounts.scope import scope_for_user
from konvergensi.imports import services as pipeline
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import budget as rules
from konvergensi_core.io.budget_xlsx import write_template

from . import selectors
from .imports import KIND_INSTANCE
from .models import BudgetLine

# code, name, OPD, source, pagu, category, groups, indicators, to lokus?, direct?
LINES = [
    ("1.02.02.2.02.0016", "Pengelolaan pelayanan kesehatan gizi masyarakat", "Dinkes", "DAK non-fisik", 1_250_000_000,
     "spesifik", ("balita", "baduta"), ("B07", "C03"), True, True),
    ("1.02.02.2.02.0001", "Pengelolaan pelayanan kesehatan ibu hamil", "Dinkes", "DAU", 640_000_000, "spesifik",
     ("ibu_hamil",), ("A01", "A02", "A04"), True, True),
    ("1.02.02.2.02.0004", "Pengelolaan pelayanan kesehatan balita", "Dinkes", "DAU", 410_000_000, "spesifik",
     ("balita", "baduta"), ("B06", "C02"), True, True),
    ("1.02.02.2.02.0020", "Pengelolaan pelayanan kesehatan remaja", "Dinkes", "PAD", 180_000_000, "spesifik",
     ("remaja_putri",), ("D01", "D02"), False, True),
    ("1.02.02.2.02.0032", "Pengelolaan imunisasi", "Dinkes", "DAK non-fisik", 520_000_000, "spesifik", ("baduta",),
     ("B08",), False, True),
    ("1.03.03.2.01.0007", "Pembangunan SPAM jaringan perpipaan di desa", "DPUPR", "DAK fisik", 2_400_000_000,
     "sensitif", ("keluarga",), ("F01",), True, False),
    ("1.03.03.2.02.0002", "Pembangunan sanitasi berbasis masyarakat", "DPUPR", "DAU", 1_100_000_000, "sensitif",
     ("keluarga",), ("F02",), True, False),
    ("2.14.04.2.01.0003", "Pendampingan keluarga berisiko stunting", "DP2KB", "DAK non-fisik", 450_000_000,
     "sensitif", ("catin", "ibu_hamil", "ibu_nifas_menyusui", "baduta"), ("F04",), True, True),
    ("2.14.04.2.01.0005", "Pelayanan KB pascapersalinan", "DP2KB", "DAU", 210_000_000, "sensitif",
     ("ibu_nifas_menyusui",), ("A05",), False, True),
    ("2.12.02.2.01.0002", "Penerbitan akta kelahiran dan KIA", "Disdukcapil", "PAD", 95_000_000, "sensitif",
     ("baduta", "balita"), ("F05",), False, True),
    ("3.27.03.2.01.0004", "Pemanfaatan pekarangan untuk pangan bergizi", "DKP", "DAU", 300_000_000, "sensitif",
     ("keluarga",), ("F06",), True, False),
    ("1.06.04.2.01.0001", "Jaminan kesehatan bagi keluarga miskin", "Dinsos", "DBH", 800_000_000, "sensitif",
     ("keluarga",), ("F03",), False, True),
    ("1.01.02.2.01.0009", "Pendidikan anak usia dini dan parenting", "Disdik", "DAK non-fisik", 350_000_000,
     "sensitif", ("balita",), (), False, False),
    ("5.01.01.2.01.0002", "Koordinasi TPPS dan rembuk stunting", "Bappeda", "PAD", 120_000_000, "pendamping", (),
     (), False, False),
    ("2.16.02.2.02.0001", "Sistem data stunting terpadu", "Diskominfo", "DAU", 150_000_000, "pendamping", (), (),
     False, False),
    ("2.13.05.2.01.0006", "Peningkatan kapasitas kader dan KPM desa", "DPMD", "Dana Desa", 600_000_000, "pendamping",
     ("keluarga",), ("F04",), True, False),
]  # fmt: skip


def budget_demo(kabkota: str, *, tahun: int, operator) -> dict[str, int]:
    """Idempotent: nothing when the year already has lines."""
    if BudgetLine.objects.filter(kabkota_id=kabkota, tahun=tahun).exists():
        return {"budget_lines": 0}
    kab = Region.objects.get(kode=kabkota)
    opd = {o.singkatan: o for o in OPD.objects.filter(kabkota=kab)}
    lokus = selectors.lokus_of(kabkota, tahun)
    done_quarters = min(4, (timezone.localdate().month - 1) // 3) if timezone.localdate().year == tahun else 4
    lines = []
    for i, (code, name, o, source, pagu, category, groups, indicators, to_lokus, direct) in enumerate(LINES):
        # Spending per finished quarter: a steady share, one line lagging (flagged) and one not started.
        share = 0.0 if i == 3 else (0.08 if i == 5 else 0.22)
        quarters = [int(pagu * share) if q < done_quarters else None for q in range(4)]
        lines.append(rules.BudgetLine(
            code=code, name=name, opd=opd[o].nama, source=source, pagu=pagu, realisasi=tuple(quarters),  # type: ignore[arg-type]
            category=category, target_groups=groups, indicators=indicators,
            locations=tuple(lokus[i % 3 :: 3]) if to_lokus and lokus else (), direct=direct,
        ))  # fmt: skip
    out = io.BytesIO()
    write_template(out, kabkota_name=kab.nama, tahun=tahun, stage="murni", lines=lines)
    scope = scope_for_user(operator)
    imp = pipeline.stage(kind=KIND_INSTANCE, kabkota=kabkota, params={"tahun": tahun, "stage": "murni"},
                         upload=SimpleUploadedFile(f"anggaran-{tahun}-demo.xlsx", out.getvalue()), by=operator)  # fmt: skip
    pipeline.check(imp, scope=scope)
    pipeline.claim(imp)
    counts = pipeline.commit(imp, scope=scope, by=operator)
    return {"budget_lines": counts.get("added", 0)}
