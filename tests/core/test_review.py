"""The rules of the annual review (konvergensi_core.review)."""

from __future__ import annotations

import pytest

from konvergensi_core import review as r


def test_year_periods_order_semester_year_semester():
    assert r.year_periods(["2026-S2", "2026", "2026-S1", "2025-S2"], 2026) == ("2026-S1", "2026-S2")
    assert r.year_periods(["2026", "2026-S2"], 2026) == ("2026", "2026-S2")
    assert r.year_periods(["2026"], 2026) == ("2026", "2026")
    assert r.year_periods(["2025-S1"], 2026) == (None, None)


def test_coverage_change_from_sums():
    c = r.coverage_change((40, 100), (55, 110))
    assert c.first == pytest.approx(40.0)
    assert c.last == pytest.approx(50.0)
    assert c.delta == pytest.approx(10.0)
    assert c.direction == r.NAIK
    assert r.coverage_change((50, 100), (50, 100)).direction == r.TETAP
    assert r.coverage_change((50, 100), (49, 100)).direction == r.TURUN
    assert r.coverage_change((5, 0), (5, 10)).direction is None


def test_prevalence_change_significant_only_when_cis_do_not_overlap():
    before = r.Estimate(0.30, 0.27, 0.33)
    apart = r.prevalence_change(before, r.Estimate(0.20, 0.18, 0.22))
    assert apart.delta == pytest.approx(-10.0)
    assert apart.direction == r.TURUN
    assert apart.significant is True
    overlap = r.prevalence_change(before, r.Estimate(0.28, 0.25, 0.31))
    assert overlap.significant is False
    no_ci = r.prevalence_change(r.Estimate(0.3), r.Estimate(0.2))
    assert no_ci.significant is None and no_ci.direction == r.TURUN


def test_hidden_estimate_takes_no_part():
    change = r.prevalence_change(r.Estimate(0.3, 0.2, 0.4, shown=False), r.Estimate(0.1, 0.05, 0.15))
    assert change == r.PrevalenceChange(None, None, None)


@pytest.mark.parametrize(
    ("cov", "prev", "verdict"),
    [
        (5.0, None, r.MEMBAIK),
        (None, -2.0, r.MEMBAIK),
        (5.0, -2.0, r.MEMBAIK),
        (5.0, 1.0, r.TIDAK_MEMBAIK),  # prevalence rose
        (-3.0, -2.0, r.TIDAK_MEMBAIK),  # coverage fell
        (0.0, 0.0, r.TIDAK_MEMBAIK),
        (None, None, r.TIDAK_DIKETAHUI),
    ],
)
def test_lokus_verdict(cov, prev, verdict):
    assert r.lokus_verdict(cov, prev) == verdict


def test_sentences():
    assert r.sentence_plan(tahun=2026, n_rows=10, n_budgeted=7, pagu=1000, realisasi=655) == (
        "Dari 10 kegiatan rencana 2026, 7 mempunyai baris anggaran; realisasi anggaran mencapai 65,5 % dari pagu."
    )
    assert "belum cukup" in r.sentence_coverage(tahun=2026, naik=0, turun=0, tetap=0, first=None, last=None)
    assert r.sentence_coverage(tahun=2026, naik=3, turun=1, tetap=2, first="2026-S1", last="2026-S2") == (
        "Antara periode 2026-S1 dan 2026-S2, cakupan 3 dari 6 indikator utama naik, 1 turun dan 2 tetap."
    )
    text = r.sentence_prevalence(name="stunting", before="P1", after="P2",
                                 change=r.PrevalenceChange(-3.25, r.TURUN, True))  # fmt: skip
    assert text.startswith(
        "Prevalensi stunting turun 3,2 poin persen dari P1 ke P2, dan perubahan ini bermakna"
    )
    assert "belum bermakna" in r.sentence_prevalence(
        name="stunting", before="P1", after="P2", change=r.PrevalenceChange(1.0, r.NAIK, False)
    )
    assert r.sentence_lokus(tahun=2026, membaik=2, tidak=3, tidak_diketahui=0) == (
        "Dari 5 desa lokus 2026, 2 membaik dan 3 belum membaik."
    )
    assert "belum tercatat" in r.sentence_rembuk(tahun=2026, held=False, total=0, kept=0, partly=0)
    assert r.pp(2.5) == "+2,5 poin persen" and r.pp(-1.0) == "−1,0 poin persen" and r.pp(None) == "–"
