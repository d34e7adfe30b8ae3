"""Optimistic concurrency: a row carries a ``version``; a form sends back the version it showed, and a
write succeeds only if the row is still at that version (compare-and-set), else the writer is told
someone else saved first (:class:`Conflict`) and nothing is written.

Each app keeps its own ``Conflict`` (a subclass, with its own sentence) so its views catch one name.
"""

from __future__ import annotations

from django.db.models import Model
from django.utils.translation import gettext_lazy


class Conflict(Exception):
    """Someone else saved the same row since it was read. ``current`` is the row as it is now (None
    when it is gone or was never there), for pages that show the newest value."""

    message = gettext_lazy("Data ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi.")

    def __init__(self, current: Model | None = None) -> None:
        super().__init__(str(self.message))
        self.current = current


def check_version(
    current: Model | None, expected_version: int, *, conflict: type[Conflict] = Conflict
) -> None:
    """Raise ``conflict(current)`` unless ``current`` (a row read for update, or None for a row not
    there yet: version 0) is at ``expected_version``."""
    if (current.version if current is not None else 0) != expected_version:
        raise conflict(current)


def compare_and_set(
    obj: Model, expected_version: int, *, conflict: type[Conflict] = Conflict, **changes
) -> None:
    """Write ``changes`` to ``obj``'s row and bump its version, only if the row is still at
    ``expected_version``; else raise ``conflict(<the row as it is now>)`` and write nothing.
    On success ``obj`` carries the changes and the new version."""
    model = type(obj)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=expected_version + 1, **changes
    )
    if updated != 1:
        raise conflict(model._default_manager.filter(pk=obj.pk).first())
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.version = expected_version + 1
