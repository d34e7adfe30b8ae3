"""The penilaian kinerja computation (issue 18): hand-computed examples and its properties."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core.assessment import (
    Grade,
    Rubric,
    RubricIndicator,
    classify,
    display,
    indicator_points,
    score,
    validate_rubric,
)

LETTERS = {"A": F(4), "B": F(3), "C": F(2), "D": F(1), "E": F(0)}
CLASSES = (("Bertumbuh", F(0)), ("Berkembang", F(50)), ("Berdaya", F(75)))
RUBRIC = Rubric(
    indicators=(
        RubricIndicator("1.1", 1, "dokumen", F(2), "Desa lokus"),
        RubricIndicator("1.2", 1, "dokumen", F(1), "Cakupan"),
        RubricIndicator("2.1", 2, "panel", F(1), "Paparan"),
    ),
    letters=LETTERS,
    stages={"dokumen": F(3), "panel": F(1)},
    classes=CLASSES,
)


def g(kabkota, kode, penilai, huruf):
    return Grade(kabkota, kode, penilai, huruf)


GRADES = [
    g("32.04", "1.1", "Ani", "A"),
    g("32.04", "1.1", "Budi", "B"),
    g("32.04", "1.2", "Ani", "C"),
    g("32.04", "2.1", "Ani", "A"),
    g("32.73", "1.1", "Ani", "B"),
    g("32.73", "2.1", "Budi", "C"),
    g("32.05", "1.1", "Ani", "C"),
    g("32.05", "1.2", "Ani", "C"),
    g("32.05", "2.1", "Ani", "C"),
]


def test_indicator_points_are_the_mean_of_the_assessors():
    points = indicator_points(RUBRIC, GRADES)
    assert points[("32.04", "1.1")] == F(7, 2)  # (4 + 3) / 2
    assert points[("32.04", "1.2")] == F(2)
    assert ("32.73", "1.2") not in points  # ungraded: not a point, counted 0 by score()


def test_hand_computed_scores_classes_and_ranks():
    results = score(RUBRIC, GRADES, kabkota=["32.01"])
    assert [r.kabkota for r in results] == ["32.04", "32.05", "32.73", "32.01"]
    assert [r.rank for r in results] == [1, 2, 3, 4]
    a, b, c, d = results
    # 32.04: dokumen (2×7/2 + 1×2)/3 = 3 → 75; panel 4 → 100; total (3×75 + 1×100)/4 = 81,25
    assert (a.score_document, a.score_panel, a.score) == (F(75), F(100), F(325, 4))
    assert a.klass == "Berdaya" and a.missing == ()
    # 32.05: all C → 50 everywhere; exactly at Berkembang's minimum
    assert (b.score_document, b.score_panel, b.score, b.klass) == (F(50), F(50), F(50), "Berkembang")
    # 32.73: dokumen (2×3 + 1×0)/3 = 2 → 50 (1.2 missing counts 0); panel 2 → 50; total 50, tie → by code
    assert (c.score_document, c.score_panel, c.score, c.klass) == (F(50), F(50), F(50), "Berkembang")
    assert c.missing == ("1.2",)
    # 32.01: asked for, never graded: everything missing, 0, lowest class
    assert (d.score, d.klass, d.missing) == (F(0), "Bertumbuh", ("1.1", "1.2", "2.1"))


def test_exact_fractions_and_display_rounding():
    [r] = score(RUBRIC, [g("32.04", "1.1", "Ani", "D")])
    assert r.score_document == F(50, 3)  # (2×1)/3 /4 ×100
    assert r.score == F(25, 2)  # 3×50/3 / 4
    assert r.as_json() == {
        "kabkota": "32.04",
        "score_document": 16.67,
        "score_panel": 0.0,
        "score": 12.5,
        "class": "Bertumbuh",
        "rank": 1,
        "missing": ["1.2", "2.1"],
    }
    assert display(F(1, 200)) == 0.01 and display(F(1, 201)) == 0.0 and display(F(-1, 200)) == -0.01


def test_a_stage_without_indicators_is_left_out_of_the_total():
    only_documents = replace(RUBRIC, indicators=RUBRIC.indicators[:2])
    [r] = score(only_documents, [g("32.04", "1.1", "Ani", "A"), g("32.04", "1.2", "Ani", "A")])
    assert (r.score_document, r.score_panel, r.score) == (F(100), F(0), F(100))


def test_a_stage_weighted_zero_does_not_count():
    no_panel = replace(RUBRIC, stages={"dokumen": F(1), "panel": F(0)})
    [r] = score(no_panel, [g("32.04", "1.1", "Ani", "A"), g("32.04", "1.2", "Ani", "A")])
    assert (r.score_panel, r.score) == (F(0), F(100))


def test_the_core_counts_every_grade_it_is_given():
    # two grades by the same assessor both count in the mean (the reader refuses such files)
    points = indicator_points(RUBRIC, [g("32.04", "1.1", "Ani", "A"), g("32.04", "1.1", "Ani", "E")])
    assert points[("32.04", "1.1")] == F(2)


def test_unknown_letter_or_indicator_is_a_programming_error():
    with pytest.raises(ValueError, match="Huruf"):
        score(RUBRIC, [g("32.04", "1.1", "Ani", "F")])
    with pytest.raises(ValueError, match="Indikator"):
        score(RUBRIC, [g("32.04", "9.9", "Ani", "A")])


def test_classify_boundaries():
    assert classify(RUBRIC, F(75)) == "Berdaya"
    assert classify(RUBRIC, F(7499, 100)) == "Berkembang"
    assert classify(RUBRIC, F(0)) == "Bertumbuh"
    above_zero = replace(RUBRIC, classes=(("Berkembang", F(50)), ("Berdaya", F(75))))
    assert classify(above_zero, F(49)) is None
    unordered = replace(RUBRIC, classes=(("Berdaya", F(75)), ("Bertumbuh", F(0)), ("Berkembang", F(50))))
    assert classify(unordered, F(60)) == "Berkembang"


def test_validate_rubric_accepts_a_good_one():
    assert validate_rubric(RUBRIC) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"indicators": ()}, "belum berisi indikator"),
        ({"indicators": (RubricIndicator("1.1", 1, "dokumen", F(0)),)}, "bobot harus lebih dari 0"),
        ({"indicators": (RubricIndicator("1.1", 9, "dokumen", F(1)),)}, "aksi harus 1 sampai 8"),
        ({"indicators": (RubricIndicator("1.1", 1, "lapangan", F(1)),)}, "tahap 'lapangan' tidak dikenal"),
        (
            {
                "indicators": (
                    RubricIndicator("1.1", 1, "dokumen", F(1)),
                    RubricIndicator("1.1", 1, "panel", F(1)),
                )
            },
            "dipakai lebih dari sekali",
        ),
        (
            {"indicators": (RubricIndicator("1.1", 1, "dokumen", F(1), kriteria={"Z": "?"}),)},
            "huruf yang tidak ada",
        ),
        ({"letters": {}}, "belum berisi huruf"),
        ({"letters": {"A": F(0), "B": F(0)}}, "tertinggi harus lebih dari 0"),
        ({"letters": {"A": F(4), "B": F(-1)}}, "tidak boleh negatif"),
        ({"stages": {"dokumen": F(1)}}, "Tahap panel dipakai indikator tetapi belum diberi bobot"),
        ({"stages": {"dokumen": F(0), "panel": F(0)}}, "harus lebih dari 0"),
        ({"stages": {"dokumen": F(1), "panel": F(1), "lapangan": F(1)}}, "Tahap 'lapangan' tidak dikenal"),
        ({"classes": ()}, "belum berisi kelas"),
        ({"classes": (("Berdaya", F(80)), ("Bertumbuh", F(0)))}, "harus naik berurutan"),
        ({"classes": (("Berdaya", F(120)),)}, "0 sampai 100"),
        ({"classes": (("A", F(0)), ("A", F(50)))}, "disebut lebih dari sekali"),
    ],
)
def test_validate_rubric_names_each_problem(change, words):
    problems = validate_rubric(replace(RUBRIC, **change))
    assert any(words in p for p in problems), problems


# --- properties --------------------------------------------------------------------------------

DISTRICTS = ("32.01", "32.04", "32.73")
ASSESSORS = ("Ani", "Budi", "Citra")


@st.composite
def rubrics(draw):
    n = draw(st.integers(1, 5))
    indicators = tuple(
        RubricIndicator(
            f"{i + 1}.1",
            i % 8 + 1,
            draw(st.sampled_from(("dokumen", "panel"))),
            F(draw(st.integers(1, 20)), draw(st.integers(1, 4))),
        )
        for i in range(n)
    )
    points = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=5, unique=True)), reverse=True)
    if points[0] == 0:
        points[0] = 1
    letters = {chr(65 + i): F(p) for i, p in enumerate(points)}
    stages = {"dokumen": F(draw(st.integers(1, 10))), "panel": F(draw(st.integers(0, 10)))}
    return Rubric(indicators, letters, stages, CLASSES)


def usable(rubric):
    return not validate_rubric(rubric)


@st.composite
def cases(draw):
    rubric = draw(rubrics().filter(usable))
    cells = [(d, i.kode, a) for d in DISTRICTS for i in rubric.indicators for a in ASSESSORS]
    chosen = draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells)))
    grades = [Grade(d, k, a, draw(st.sampled_from(sorted(rubric.letters)))) for d, k, a in chosen]
    return rubric, grades


def _scores(results):
    return {r.kabkota: (r.score_document, r.score_panel, r.score) for r in results}


@settings(max_examples=80, deadline=None)
@given(cases(), st.data())
def test_monotone_in_every_grade(case, data):
    rubric, grades = case
    if not grades:
        return
    index = data.draw(st.integers(0, len(grades) - 1))
    old = grades[index]
    higher = [x for x, p in rubric.letters.items() if p >= rubric.letters[old.huruf]]
    raised = list(grades)
    raised[index] = replace(old, huruf=data.draw(st.sampled_from(sorted(higher))))
    before, after = _scores(score(rubric, grades, DISTRICTS)), _scores(score(rubric, raised, DISTRICTS))
    for district in DISTRICTS:
        assert all(b <= a for b, a in zip(before[district], after[district], strict=True))


@settings(max_examples=60, deadline=None)
@given(cases(), st.fractions(min_value=F(1, 10), max_value=F(50)).filter(lambda k: k > 0))
def test_weights_are_scale_free(case, k):
    rubric, grades = case
    base = score(rubric, grades, DISTRICTS)
    scaled_indicators = replace(
        rubric, indicators=tuple(replace(i, bobot=i.bobot * k) for i in rubric.indicators)
    )
    scaled_stages = replace(rubric, stages={s: w * k for s, w in rubric.stages.items()})
    assert score(scaled_indicators, grades, DISTRICTS) == base
    assert score(scaled_stages, grades, DISTRICTS) == base


@settings(max_examples=60, deadline=None)
@given(cases())
def test_bounds_and_rank_order(case):
    rubric, grades = case
    results = score(rubric, grades, DISTRICTS)
    assert [r.rank for r in results] == list(range(1, len(DISTRICTS) + 1))
    assert sorted(r.kabkota for r in results) == sorted(DISTRICTS)
    for r in results:
        assert all(0 <= s <= 100 for s in (r.score_document, r.score_panel, r.score))
        assert r.klass == classify(rubric, r.score)
    for first, second in zip(results, results[1:], strict=False):
        assert first.score > second.score or (first.score == second.score and first.kabkota < second.kabkota)


@settings(max_examples=50, deadline=None)
@given(cases())
def test_everyone_graded_top_scores_100(case):
    rubric, _ = case
    top = max(rubric.letters, key=lambda x: rubric.letters[x])
    grades = [Grade("32.04", i.kode, "Ani", top) for i in rubric.indicators]
    [r] = score(rubric, grades)
    assert r.score == 100 and r.missing == () and r.klass == "Berdaya"


@given(st.sampled_from(CLASSES))
def test_total_exactly_at_a_minimum_gets_that_class(band):
    name, minimum = band
    assert classify(RUBRIC, minimum) == name
