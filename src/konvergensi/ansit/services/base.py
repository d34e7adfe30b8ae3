"""What the write services of the situation analysis share: their errors, the compare-and-set of a
versioned row and the date as the pages write it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.formats import date_text as platform_date_text
from konvergensi_core.ansit import Problem

MAX_UPLOAD = 20 * 1024 * 1024


class Conflict(concurrency.Conflict):
    """Someone else saved the same object since it was read (``current``: the row as it is now)."""

    message = gettext_lazy("Data ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi.")


class FileProblems(Exception):
    """An uploaded file that cannot be analysed: every problem, with row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_("Berkas bermasalah; tidak ada yang disimpan."))
        self.problems = problems


def compare_and_set(obj, expected_version: int, **changes) -> None:
    """Write ``changes`` only if the row is still at ``expected_version``; else this app's
    :class:`Conflict` (see :func:`konvergensi.concurrency.compare_and_set`)."""
    concurrency.compare_and_set(obj, expected_version, conflict=Conflict, **changes)


def date_text(value) -> str:
    """A moment as the local date the pages write ("5 Feb 2026"); "" when missing."""
    return platform_date_text(value)
