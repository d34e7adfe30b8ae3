"""The penilaian kinerja (performance assessment) of districts, computed exactly (issue 18).

A province grades each district's actions against a **rubric**: indicators per aksi (code like
``1.1``), each reviewed at one stage — ``dokumen`` (document review) or ``panel`` (panel
presentation) — with a weight; a table of letter grades and their points; a weight per stage; and
the class bands (Berdaya / Berkembang / Bertumbuh) with their minimum scores.

The computation, with :class:`fractions.Fraction` throughout (rounding is for display only):

* an indicator's points for a district = the mean of its assessors' letter points; an indicator no
  assessor graded counts 0 and is listed in :attr:`Result.missing`;
* a stage score = Σ(weight × points) ÷ Σ weights over the stage's indicators, scaled to 0–100 by
  the highest letter's points;
* the total = Σ(stage weight × stage score) ÷ Σ stage weights, over the stages that have
  indicators in the rubric (a stage without indicators scores 0 and its weight is left out, so a
  rubric with a document review only is scored on it alone);
* the class = the class with the highest minimum not above the total (``None`` below every minimum);
* the rank: by total descending, ties by kab/kota code ascending (positions 1, 2, 3 … never shared).

The core takes the grades it is given: two grades by the same assessor for the same indicator and
district both count in the mean (the readers refuse such a file). A grade with a letter or an
indicator code the rubric does not have is a programming error (:class:`ValueError`): the readers
and the app check grades against the rubric first. :func:`validate_rubric` says, in Indonesian,
what is wrong with a rubric.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

STAGES = ("dokumen", "panel")
STAGE_LABELS = {"dokumen": "Penilaian dokumen", "panel": "Presentasi panel"}


@dataclass(frozen=True)
class RubricIndicator:
    kode: str
    aksi: int
    tahap: str
    bobot: Fraction
    uraian: str = ""
    kriteria: dict[str, str] = field(default_factory=dict)  # letter -> criterion text


@dataclass(frozen=True)
class Rubric:
    indicators: tuple[RubricIndicator, ...]
    letters: dict[str, Fraction]  # "A" -> points
    stages: dict[str, Fraction]  # "dokumen"/"panel" -> weight
    classes: tuple[tuple[str, Fraction], ...]  # (name, minimum score 0–100), ascending minimums

    def indicator(self, kode: str) -> RubricIndicator | None:
        return next((i for i in self.indicators if i.kode == kode), None)


@dataclass(frozen=True)
class Grade:
    kabkota: str
    kode: str
    penilai: str
    huruf: str


@dataclass(frozen=True)
class Result:
    kabkota: str
    score_document: Fraction
    score_panel: Fraction
    score: Fraction
    klass: str | None
    rank: int
    missing: tuple[str, ...]

    def stage_score(self, stage: str) -> Fraction:
        return self.score_document if stage == "dokumen" else self.score_panel

    def as_json(self) -> dict[str, object]:
        """The result as ``konvergensi assessment score --format json`` prints it: scores rounded
        to 2 decimals (:func:`display`), the class under ``class``."""
        return {
            "kabkota": self.kabkota,
            "score_document": display(self.score_document),
            "score_panel": display(self.score_panel),
            "score": display(self.score),
            "class": self.klass,
            "rank": self.rank,
            "missing": list(self.missing),
        }


HUNDRED = Fraction(100)


def _top_points(rubric: Rubric) -> Fraction:
    return max(rubric.letters.values(), default=Fraction(0))


def indicator_points(rubric: Rubric, grades: Iterable[Grade]) -> dict[tuple[str, str], Fraction]:
    """(kabkota, kode) → the mean of the assessors' letter points, for every graded pair.

    Raises :class:`ValueError` for a grade whose letter or indicator the rubric does not have."""
    known = {i.kode for i in rubric.indicators}
    sums: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for g in grades:
        if g.kode not in known:
            raise ValueError(f"Indikator {g.kode!r} tidak ada dalam rubrik.")
        if g.huruf not in rubric.letters:
            raise ValueError(f"Huruf {g.huruf!r} tidak ada dalam rubrik.")
        pair = (g.kabkota, g.kode)
        sums[pair] += rubric.letters[g.huruf]
        counts[pair] += 1
    return {pair: sums[pair] / counts[pair] for pair in sums}


def classify(rubric: Rubric, total: Fraction) -> str | None:
    """The class with the highest minimum not above ``total``; None when ``total`` is below all."""
    best: tuple[Fraction, str] | None = None
    for name, minimum in rubric.classes:
        if minimum <= total and (best is None or minimum > best[0]):
            best = (minimum, name)
    return best[1] if best else None


def _stage_score(
    rubric: Rubric, stage: str, kabkota: str, points: dict[tuple[str, str], Fraction]
) -> Fraction:
    indicators = [i for i in rubric.indicators if i.tahap == stage]
    weights = sum((i.bobot for i in indicators), Fraction(0))
    top = _top_points(rubric)
    if not indicators or weights <= 0 or top <= 0:
        return Fraction(0)
    weighted = sum((i.bobot * points.get((kabkota, i.kode), Fraction(0)) for i in indicators), Fraction(0))
    return weighted / weights * HUNDRED / top


def used_stages(rubric: Rubric) -> tuple[str, ...]:
    """The stages that have indicators in the rubric (their weights make the total)."""
    return tuple(s for s in STAGES if any(i.tahap == s for i in rubric.indicators))


def score(rubric: Rubric, grades: Iterable[Grade], kabkota: Iterable[str] = ()) -> list[Result]:
    """One result per district (those in ``kabkota`` and those graded), in rank order."""
    grades = list(grades)
    points = indicator_points(rubric, grades)
    districts = set(kabkota) | {g.kabkota for g in grades}
    stages = used_stages(rubric)
    stage_weights = sum((rubric.stages.get(s, Fraction(0)) for s in stages), Fraction(0))
    unranked = []
    for district in districts:
        by_stage = {s: _stage_score(rubric, s, district, points) for s in STAGES}
        if stage_weights > 0:
            total = (
                sum((rubric.stages.get(s, Fraction(0)) * by_stage[s] for s in stages), Fraction(0))
                / stage_weights
            )
        else:
            total = Fraction(0)
        missing = tuple(i.kode for i in rubric.indicators if (district, i.kode) not in points)
        unranked.append((district, by_stage, total, missing))
    unranked.sort(key=lambda r: (-r[2], r[0]))
    return [
        Result(
            kabkota=district,
            score_document=by_stage["dokumen"],
            score_panel=by_stage["panel"],
            score=total,
            klass=classify(rubric, total),
            rank=position,
            missing=missing,
        )
        for position, (district, by_stage, total, missing) in enumerate(unranked, start=1)
    ]


def _number(value: Fraction) -> str:
    """A Fraction as Indonesian readers write it: 12,5 (for messages)."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.4f}".rstrip("0").rstrip(".").replace(".", ",")


def validate_rubric(rubric: Rubric) -> list[str]:
    """What is wrong with a rubric, one Indonesian sentence each; empty when it can be used."""
    problems: list[str] = []
    if not rubric.indicators:
        problems.append("Rubrik belum berisi indikator.")
    seen: set[str] = set()
    for i in rubric.indicators:
        if not i.kode.strip():
            problems.append("Ada indikator tanpa kode.")
        elif i.kode in seen:
            problems.append(f"Kode indikator {i.kode} dipakai lebih dari sekali.")
        seen.add(i.kode)
        if not 1 <= i.aksi <= 8:
            problems.append(f"Indikator {i.kode}: aksi harus 1 sampai 8, bukan {i.aksi}.")
        if i.tahap not in STAGES:
            problems.append(
                f"Indikator {i.kode}: tahap '{i.tahap}' tidak dikenal (pilih dokumen atau panel)."
            )
        if i.bobot <= 0:
            problems.append(f"Indikator {i.kode}: bobot harus lebih dari 0, bukan {_number(i.bobot)}.")
        unknown = sorted(set(i.kriteria) - set(rubric.letters))
        if unknown and rubric.letters:
            problems.append(
                f"Indikator {i.kode}: kriteria untuk huruf yang tidak ada ({', '.join(unknown)})."
            )
    if not rubric.letters:
        problems.append("Rubrik belum berisi huruf nilai dan poinnya.")
    else:
        for letter, points in rubric.letters.items():
            if not letter.strip():
                problems.append("Ada huruf nilai yang kosong.")
            if points < 0:
                problems.append(f"Huruf {letter}: poin tidak boleh negatif ({_number(points)}).")
        if _top_points(rubric) <= 0:
            problems.append("Poin huruf tertinggi harus lebih dari 0.")
    for stage, weight in rubric.stages.items():
        if stage not in STAGES:
            problems.append(f"Tahap '{stage}' tidak dikenal (pilih dokumen atau panel).")
        if weight < 0:
            problems.append(f"Bobot tahap {stage} tidak boleh negatif ({_number(weight)}).")
    for stage in used_stages(rubric):
        if stage not in rubric.stages:
            problems.append(f"Tahap {stage} dipakai indikator tetapi belum diberi bobot.")
    stages = used_stages(rubric)
    if stages and sum((rubric.stages.get(s, Fraction(0)) for s in stages), Fraction(0)) <= 0:
        problems.append("Jumlah bobot tahap yang dipakai indikator harus lebih dari 0.")
    if not rubric.classes:
        problems.append("Rubrik belum berisi kelas (Berdaya, Berkembang, Bertumbuh) dan skor minimumnya.")
    names: set[str] = set()
    previous: Fraction | None = None
    for name, minimum in rubric.classes:
        if not name.strip():
            problems.append("Ada kelas tanpa nama.")
        elif name in names:
            problems.append(f"Kelas {name} disebut lebih dari sekali.")
        names.add(name)
        if not 0 <= minimum <= 100:
            problems.append(f"Kelas {name}: skor minimum harus 0 sampai 100, bukan {_number(minimum)}.")
        if previous is not None and minimum <= previous:
            problems.append(
                f"Skor minimum kelas harus naik berurutan: {name} ({_number(minimum)}) "
                f"tidak lebih tinggi dari kelas sebelumnya ({_number(previous)})."
            )
        previous = minimum
    return problems


def display(value: Fraction, places: int = 2) -> float:
    """A score rounded half away from zero to ``places`` decimals, for output only."""
    scale = 10**places
    scaled = value * scale
    whole = int(abs(scaled) + Fraction(1, 2))
    return (whole if scaled >= 0 else -whole) / scale


__all__ = [
    "STAGES",
    "STAGE_LABELS",
    "Grade",
    "Result",
    "Rubric",
    "RubricIndicator",
    "classify",
    "display",
    "indicator_points",
    "score",
    "used_stages",
    "validate_rubric",
]
