"""The demo's penilaian kinerja: the national rubric (from the shipped default) published for last
year and this year; Jawa Barat's round of last year for the demo district and its neighbours, graded
by two province assessors, with supervision notes, published (so the district sees its grades, the
province and the nation their ranking and map of classes, and the district its history); and this
year's round open, partly graded (so an assessor can try the grading page). This year is not published:
publishing locks the district's data of the year (aksi.locks), which would freeze the demo's other
pages. Labelled demo data; the letters are invented, not an assessment of the real districts."""

from __future__ import annotations

import random

from django.db import transaction

from konvergensi.accounts.scope import scope_for_user
from konvergensi.wilayah.models import Region

from . import services
from .models import Round, Rubric

LETTERS = ("A", "B", "B", "C", "C", "D")


def _rubric(tahun: int, by) -> Rubric:
    rubric = Rubric.objects.filter(tahun=tahun, provinsi=None, published__isnull=False).first()
    if rubric is None:
        rubric = services.rubric_load_default(tahun=tahun, by=by)
        rubric = services.rubric_publish(scope=scope_for_user(by), rubric=rubric, by=by)
    return rubric


def _grade(rnd: Round, kabkota: list[str], assessors: list, *, share: float = 1.0) -> int:
    n = 0
    for k in kabkota:
        rng = random.Random(f"{k}-{rnd.tahun}")
        for user in assessors:
            data = {}
            for ind in rnd.rubric.indicators.all():
                if rng.random() <= share:
                    data[f"huruf-{ind.pk}"] = rng.choice(LETTERS)
                    data[f"catatan-{ind.pk}"] = "Catatan demo penilai."
            n += services.grades_set(scope=scope_for_user(user), rnd=rnd, kabkota=k, data=data, by=user)
    return n


def assessment_demo(
    *, tahun: int, provinsi_user, second_assessor, pusat_user, kabkota: str
) -> dict[str, int]:
    """Idempotent: nothing when the province already has a round of ``tahun``."""
    provinsi = Region.objects.get(kode=kabkota[:2])
    if Round.objects.filter(provinsi=provinsi, tahun=tahun).exists():
        return {}
    districts = [kabkota, *Region.objects.filter(level="kabkota", parent=provinsi).exclude(kode=kabkota)
                 .order_by("kode").values_list("kode", flat=True)[:5]]  # fmt: skip
    scope = scope_for_user(provinsi_user)
    assessors = [provinsi_user, second_assessor]
    with transaction.atomic():
        last = services.round_create(
            scope=scope, provinsi=provinsi, tahun=tahun - 1, rubric=_rubric(tahun - 1, pusat_user),
            nama=f"Penilaian kinerja {tahun - 1} (demo)", kabkota=districts, assessors=[u.pk for u in assessors],
            by=provinsi_user,
        )  # fmt: skip
        grades = _grade(last, districts, assessors, share=0.97)
        for d in last.districts.all():
            services.district_notes(
                scope=scope, district=d, by=provinsi_user,
                supervision="Perkuat pemutakhiran data cakupan per desa dan dokumentasi rembuk kecamatan.",
                recommendations="Tetapkan Perbup peran desa; pastikan seluruh desa lokus mengalokasikan Dana Desa.",
            )  # fmt: skip
        services.round_publish(scope=scope, rnd=last, by=provinsi_user)
        current = services.round_create(
            scope=scope, provinsi=provinsi, tahun=tahun, rubric=_rubric(tahun, pusat_user),
            nama=f"Penilaian kinerja {tahun} (demo)", kabkota=districts[:3], assessors=[u.pk for u in assessors],
            by=provinsi_user,
        )  # fmt: skip
        grades += _grade(current, districts[1:3], [second_assessor], share=0.6)
    return {"penilaian_putaran": 2, "penilaian_nilai": grades}
