"""The demo district's Aksi 5: KPM with trainings in most desa (Cimungkal's entered by its desa user),
scorecards for two quarters of the year in those desa, plausible and varied, with some lokus desa
below the low-score threshold. Labelled demo data; names are invented ("(demo)"). Idempotent:
nothing is added when the district already has a KPM."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from konvergensi.accounts.demo_accounts import DEMO_DESA
from konvergensi.accounts.scope import scope_for_user
from konvergensi.wilayah.models import Region

from . import selectors, services
from .models import Kpm

FIRST = ("Siti", "Ani", "Dewi", "Rina", "Euis", "Neneng", "Yuli", "Tati", "Asep", "Dadang", "Lilis", "Nur")
LAST = ("Rahmawati", "Suryani", "Hidayat", "Kurniasih", "Sutisna", "Permana", "Nurhayati", "Saepudin")


def kpm_demo(kabkota: str, *, tahun: int, operator) -> dict[str, int]:
    if Kpm.objects.filter(kabkota_id=kabkota).exists():
        return {}
    rng = random.Random(f"kpm-{kabkota}-{tahun}")
    today = timezone.localdate()
    year_now, quarter_now = selectors.last_quarter(today)
    if (tahun, 2) <= (year_now, quarter_now):
        quarters = (1, 2) if tahun < year_now or quarter_now <= 2 else (quarter_now - 1, quarter_now)
    else:
        quarters = (1,)
    desa_user = get_user_model().objects.filter(username="desa-cimungkal").first()
    lokus = set(selectors.lokus_codes(kabkota, tahun))
    desa = list(Region.objects.filter(level="desa", kode__startswith=kabkota + ".").order_by("kode"))
    chosen = [d for i, d in enumerate(desa) if d.kode == DEMO_DESA or i % 5 != 4]  # most desa
    low = set(sorted(lokus)[::3])  # a third of the lokus desa score low
    indicators = selectors.applicable(kabkota)
    n_kpm = n_train = n_cards = 0
    start = dt.date(tahun - 1, 3, 1)
    for i, d in enumerate(chosen):
        by = desa_user if (d.kode == DEMO_DESA and desa_user) else operator
        scope = scope_for_user(by)
        for j in range(1 + (i % 3 == 0)):
            kpm = services.kpm_add(
                scope=scope, desa=d,
                nama=f"{rng.choice(FIRST)} {rng.choice(LAST)} (demo)",
                kontak=f"08{rng.randint(11, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                aktif=not (j == 1 and i % 2), since=start + dt.timedelta(days=rng.randint(0, 300)),
                notes="contoh demo", by=by,
            )  # fmt: skip
            n_kpm += 1
            if kpm.aktif and (i % 6 != 5 or d.kode == DEMO_DESA):
                begin = min(today, dt.date(tahun - 1, 6, 1) + dt.timedelta(days=rng.randint(0, 200)))
                services.training_add(scope=scope, kpm=kpm, nama="Pelatihan KPM kabupaten (contoh demo)",
                                      penyelenggara="DPMD", mulai=begin,
                                      selesai=min(today, begin + dt.timedelta(days=2)), by=by)  # fmt: skip
                n_train += 1
        base = rng.uniform(0.35, 0.55) if d.kode in low else rng.uniform(0.6, 0.9)
        for k, q in enumerate(quarters):
            level = min(0.98, base + 0.06 * k)
            counts = {}
            for ind in indicators:
                targets = rng.randint(3, 9) if ind.group == "ibu_hamil" else rng.randint(6, 18)
                counts[ind.kode] = (
                    targets,
                    min(targets, round(targets * rng.uniform(level - 0.15, level + 0.1))),
                )
                counts[ind.kode] = (targets, max(0, counts[ind.kode][1]))
            services.scorecard_save(scope=scope, desa=d, tahun=tahun, triwulan=q, counts=counts, by=by)
            n_cards += 1
    return {"kpm": n_kpm, "kpm_trainings": n_train, "skor_desa": n_cards}
