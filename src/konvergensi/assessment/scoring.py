"""The bridge between the stored rubric and grades and the pure core (``konvergensi_core.assessment``):
the core computes every score, class and rank; this module only converts."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from konvergensi_core import assessment as core

from .models import Grade, Round, RoundDistrict, RubricIndicator
from .models import Rubric as RubricModel


def frac(value) -> Fraction:
    """An exact fraction of a stored number (a decimal string, a Decimal or an int)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(Decimal(str(value)))


def text(value: Fraction) -> str:
    """A fraction as the exact decimal string it is stored as (weights and points are typed in decimals)."""
    d = Decimal(value.numerator) / Decimal(value.denominator)
    out = format(d.normalize(), "f")
    return out


def to_core(rubric: RubricModel, indicators: list[RubricIndicator] | None = None) -> core.Rubric:
    rows = indicators if indicators is not None else list(rubric.indicators.all())
    return core.Rubric(
        indicators=tuple(
            core.RubricIndicator(
                kode=i.kode, aksi=i.aksi, tahap=i.tahap, bobot=frac(i.bobot), uraian=i.uraian,
                kriteria=dict(i.kriteria or {}),
            )
            for i in rows
        ),
        letters={k: frac(v) for k, v in rubric.letters.items()},
        stages={k: frac(v) for k, v in rubric.stages.items()},
        classes=tuple((name, frac(minimum)) for name, minimum in rubric.classes),
    )  # fmt: skip


def grades_of(rnd: Round, kabkota: str | None = None) -> list[core.Grade]:
    qs = Grade.objects.filter(round=rnd).select_related("indicator")
    if kabkota is not None:
        qs = qs.filter(kabkota_id=kabkota)
    return [
        core.Grade(kabkota=g.kabkota_id, kode=g.indicator.kode, penilai=str(g.assessor_id), huruf=g.huruf)
        for g in qs.order_by("id")
    ]


def results(rnd: Round) -> list[core.Result]:
    """The round's results as the core computes them now, in rank order (every district of the round,
    an ungraded indicator counted 0 and listed as missing)."""
    kabkota = list(RoundDistrict.objects.filter(round=rnd).values_list("kabkota_id", flat=True))
    return core.score(to_core(rnd.rubric), grades_of(rnd), kabkota)


def classify(rubric: RubricModel, total: Fraction) -> str | None:
    return core.classify(to_core(rubric), total)


def validate(rubric: core.Rubric) -> list[str]:
    return core.validate_rubric(rubric)
