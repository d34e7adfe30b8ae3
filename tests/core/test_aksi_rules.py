import datetime as dt

import pytest

from konvergensi_core.aksi import (
    AKSI,
    MOVES_NEEDING_REASON,
    Move,
    Status,
    TransitionError,
    allowed_moves,
    default_due_date,
    is_overdue,
    next_status,
    summarise,
)

TODAY = dt.date(2026, 11, 22)


def test_the_full_cycle_with_one_revision():
    s = Status.BELUM_MULAI
    for move, expected in [
        (Move.START, Status.DRAF),
        (Move.SUBMIT, Status.DIAJUKAN),
        (Move.REQUEST_REVISION, Status.PERLU_PERBAIKAN),
        (Move.SUBMIT, Status.DIAJUKAN),
        (Move.VERIFY, Status.DIVERIFIKASI),
    ]:
        s = next_status(s, move)
        assert s == expected


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (Status.BELUM_MULAI, Move.SUBMIT),
        (Status.BELUM_MULAI, Move.VERIFY),
        (Status.DRAF, Move.VERIFY),
        (Status.DRAF, Move.REQUEST_REVISION),
        (Status.DIVERIFIKASI, Move.SUBMIT),
        (Status.PERLU_PERBAIKAN, Move.VERIFY),
        (Status.DIAJUKAN, Move.START),
    ],
)
def test_moves_that_skip_a_step_are_refused(status, move):
    with pytest.raises(TransitionError):
        next_status(status, move)


def test_allowed_moves_match_the_transition_table():
    assert allowed_moves(Status.BELUM_MULAI) == [Move.START]
    assert set(allowed_moves(Status.DIAJUKAN)) == {Move.VERIFY, Move.REQUEST_REVISION}
    assert allowed_moves(Status.DIVERIFIKASI) == [Move.REOPEN]
    assert {Move.REQUEST_REVISION, Move.REOPEN} == MOVES_NEEDING_REASON


def test_eight_aksi_with_due_dates_inside_the_year():
    assert [a.nomor for a in AKSI] == list(range(1, 9))
    dues = [default_due_date(a.nomor, 2026) for a in AKSI]
    assert all(d.year == 2026 for d in dues)
    assert dues == sorted(dues)
    assert dues[0] == dt.date(2026, 2, 28)  # ansit: January–February in the guideline


def test_overdue_only_when_late_and_not_with_the_province():
    due = dt.date(2026, 3, 31)
    assert is_overdue(Status.DRAF, due, TODAY)
    assert is_overdue(Status.BELUM_MULAI, due, TODAY)
    assert is_overdue(Status.PERLU_PERBAIKAN, due, TODAY)
    assert not is_overdue(Status.DIAJUKAN, due, TODAY)
    assert not is_overdue(Status.DIVERIFIKASI, due, TODAY)
    assert not is_overdue(Status.DRAF, TODAY, TODAY)  # due today is not late yet
    assert not is_overdue(Status.DRAF, None, TODAY)


def test_summarise_weights_statuses_and_counts_missing_aksi_as_not_started():
    past, future = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    items = [
        (Status.DIVERIFIKASI, past),
        (Status.DIVERIFIKASI, past),
        (Status.DIAJUKAN, past),
        (Status.PERLU_PERBAIKAN, past),
        (Status.DRAF, future),
    ]
    p = summarise(items, TODAY)
    assert p.total == 8
    assert (p.verified, p.submitted, p.revision, p.draft, p.not_started) == (2, 1, 1, 1, 3)
    assert p.overdue == 1  # only the revision is both late and not with the province
    assert p.percent == pytest.approx(100 * (1 + 1 + 0.75 + 0.5 + 0.25) / 8, abs=0.05)
    assert p.percent_verified == 25.0


def test_summarise_for_a_province_uses_the_expected_number_of_aksi():
    p = summarise([(Status.DIVERIFIKASI, None)] * 8, TODAY, expected=16)
    assert p.total == 16 and p.not_started == 8 and p.percent == 50.0
    assert summarise([], TODAY).percent == 0.0
