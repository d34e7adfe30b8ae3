"""The kinds of document ``konvergensi report KIND`` makes. A domain app registers its kinds from its
``AppConfig.ready()`` (as it registers its aksi work and its importers), so this base app never
imports a domain app.

``build(kabkota, year, fmt)`` takes the kabupaten/kota code, the year (``None``: the latest the
district has) and the format (``"pdf"`` or ``"docx"``) and returns ``(content, filename)``; when the
district has nothing to put in that document (or not in that format) it raises
:class:`NothingToReport` with one Indonesian line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

FORMATS = ("pdf", "docx")


class NothingToReport(Exception):
    """The district has nothing for this document; the message is one Indonesian line, e.g.
    "Kabupaten Sumedang belum mempunyai rencana kegiatan 2026."."""


@dataclass(frozen=True)
class ReportKind:
    """``permission``: the ``accounts.permissions.Permission`` value a reader needs on the district to
    have the document made on the web (``reports:start``); the command line acts as the operator."""

    key: str
    label: str
    build: Callable[[str, int | None, str], tuple[bytes, str]]
    permission: str = "view_kabkota"
    # The same document for a whole province (``konvergensi report KIND --provinsi KODE``), for the
    # kinds that have one (the assessment's ranking); same arguments with the province code.
    build_province: Callable[[str, int | None, str], tuple[bytes, str]] | None = None


_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> None:
    """Add ``kind`` (a second registration of the same key replaces the first: ``ready()`` may run
    twice in tests)."""
    _KINDS[kind.key] = kind


def lazy(target: str) -> Callable[[str, int | None, str], tuple[bytes, str]]:
    """A ``build`` that imports ``"package.module:function"`` on its first call, so registering a
    kind from ``ready()`` loads neither the document's module nor WeasyPrint or matplotlib."""
    module_name, _, function = target.partition(":")

    def build(kabkota: str, year: int | None, fmt: str) -> tuple[bytes, str]:
        from importlib import import_module

        return getattr(import_module(module_name), function)(kabkota, year, fmt)

    build.__qualname__ = build.__name__ = function
    return build


def get(key: str) -> ReportKind | None:
    return _KINDS.get(key)


def known() -> list[ReportKind]:
    """The registered kinds, by key."""
    return [_KINDS[k] for k in sorted(_KINDS)]
