"""The pure rules of Aksi 6 (konvergensi_core.datasystem)."""

from __future__ import annotations

import datetime as dt

from konvergensi_core import datasystem as ds


def test_periods_and_their_ends():
    assert ds.periods(2026) == ("2026-S1", "2026-S2", "2026")
    assert ds.period_end("2026-S1") == dt.date(2026, 6, 30)
    assert ds.period_end("2026-S2") == dt.date(2026, 12, 31)
    assert ds.period_end("2026") == dt.date(2026, 12, 31)


def test_on_time_is_within_the_days_after_the_period_end():
    assert ds.deadline("2026-S1", 30) == dt.date(2026, 7, 30)
    assert ds.on_time(dt.date(2026, 7, 30), "2026-S1", 30)
    assert not ds.on_time(dt.date(2026, 7, 31), "2026-S1", 30)
    assert ds.on_time(dt.date(2027, 1, 10), "2026", 10)
    assert not ds.on_time(dt.date(2027, 1, 11), "2026", 10)


def test_detail_level_from_the_desa_filled():
    # 100 desa in 10 kecamatan.
    assert ds.detail_level(0, n_desa=100, n_kecamatan=10) == ds.KOSONG
    assert ds.detail_level(50, n_desa=100, n_kecamatan=10) == ds.DESA
    assert ds.detail_level(10, n_desa=100, n_kecamatan=10) == ds.KASAR
    assert ds.detail_level(11, n_desa=100, n_kecamatan=10) == ds.SEBAGIAN
    assert ds.finest([ds.KOSONG, ds.KASAR, ds.SEBAGIAN]) == ds.SEBAGIAN
    assert ds.finest([]) == ds.KOSONG
    assert (
        not ds.needs_attention(ds.DESA) and ds.needs_attention(ds.PUSKESMAS) and ds.needs_attention(ds.KASAR)
    )


def test_start_and_end_of_the_year():
    assert ds.start_end({"2026-S1": 0.4, "2026-S2": 0.6, "2026": 0.9}, 2026) == (0.4, 0.9)
    assert ds.start_end({"2026-S2": 0.6}, 2026, previous=0.5) == (0.5, 0.6)
    assert ds.start_end({"2026-S1": None, "2026-S2": 0.0}, 2026, previous=0.3) == (0.3, None)


def test_overdue_and_plan_counts():
    today = dt.date(2026, 6, 1)
    assert ds.is_overdue("rencana", dt.date(2026, 5, 31), today)
    assert ds.is_overdue("berjalan", dt.date(2026, 5, 31), today)
    assert not ds.is_overdue("selesai", dt.date(2026, 5, 31), today)
    assert not ds.is_overdue("rencana", today, today)
    counts = ds.plan_counts(
        [("selesai", dt.date(2026, 1, 1)), ("rencana", dt.date(2026, 1, 1)), ("berjalan", dt.date(2026, 9, 1)),
         ("batal", dt.date(2026, 1, 1))],
        today,
    )  # fmt: skip
    assert counts == ds.PlanCounts(planned=3, done=1, running=1, overdue=1, cancelled=1)


def test_review_sentence_and_recommendations():
    counts = ds.PlanCounts(planned=6, done=2, running=2, overdue=1)
    text = ds.review_sentence(counts, 0.5, 0.825, 2026)
    assert text == (
        "Dari 6 tindakan perbaikan sistem manajemen data (Aksi 6) tahun 2026, 2 selesai, 2 sedang berjalan "
        "dan 1 melewati tenggat. Kelengkapan data desa naik dari 50,0 % menjadi 82,5 %."
    )
    assert "Belum ada rencana perbaikan" in ds.review_sentence(ds.PlanCounts(), None, None, 2026)
    recs = ds.review_recommendations(counts, 0.6, ["U03"], ["U07"])
    assert (
        any("1 tindakan" in r for r in recs)
        and any("U03" in r for r in recs)
        and any("U07" in r for r in recs)
    )
    assert any("80 %" in r for r in recs)
    assert ds.review_recommendations(ds.PlanCounts(planned=1, done=1), 0.95, [], []) == ()
