"""What each aksi produced in Konvergensi: a small registry the domain apps fill.

A domain app that makes the output of an aksi (the situation analysis for Aksi 1, published
measurement rounds for Aksi 7, later the plan, the rembuk's berita acara, …) registers a
``WorkSource`` from its ``AppConfig.ready()``. The aksi app never imports those apps: it asks the
registry. The aksi page lists the work with links, submitting the work starts the aksi
(``services.work_started``) and the province cannot verify an aksi whose source says its output is
missing (``missing_work``). See docs/aksi.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from konvergensi.accounts.scope import Scope


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class WorkItem:
    """One piece of work shown on the aksi page (an analysis, a round, a document…)."""

    title: str
    status: str = ""
    date: dt.date | dt.datetime | None = None
    links: tuple[Link, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class WorkSource:
    """The work of aksi ``nomor``, given by a domain app.

    ``items(scope, kabkota, tahun)`` lists the work the reader may see, with links only to pages the
    reader may open. ``missing(kabkota, tahun)`` is the rule, independent of the reader: None when
    the aksi's output exists, else the Indonesian sentence that tells why it cannot be verified.
    ``home(kabkota, tahun)`` is where the work is done (a link "Kerjakan di …").
    """

    nomor: int
    key: str
    label: str
    items: Callable[[Scope, str, int], list[WorkItem]]
    missing: Callable[[str, int], str | None] | None = None
    home: Callable[[str, int], str] | None = None
    home_label: str = ""


@dataclass(frozen=True)
class WorkSection:
    source: WorkSource
    items: list[WorkItem] = field(default_factory=list)
    missing: str | None = None
    home_url: str | None = None


_REGISTRY: dict[int, dict[str, WorkSource]] = {}


def register(source: WorkSource) -> None:
    """Register (or replace, by key: ``ready()`` may run twice) the work of an aksi."""
    if not 1 <= source.nomor <= 8:
        raise ValueError(f"aksi {source.nomor}")
    _REGISTRY.setdefault(source.nomor, {})[source.key] = source


def sources(nomor: int) -> list[WorkSource]:
    return list(_REGISTRY.get(nomor, {}).values())


def sections(*, scope: Scope, nomor: int, kabkota: str, tahun: int) -> list[WorkSection]:
    """The aksi page's "Hasil kerja di Konvergensi": each source's items for this reader."""
    out = []
    for source in sources(nomor):
        out.append(
            WorkSection(
                source=source,
                items=source.items(scope, kabkota, tahun),
                missing=source.missing(kabkota, tahun) if source.missing else None,
                home_url=source.home(kabkota, tahun) if source.home else None,
            )
        )
    return out


def missing_work(*, nomor: int, kabkota: str, tahun: int) -> list[str]:
    """Why the aksi's output is not there yet (empty when it is, or when nothing is registered)."""
    reasons = []
    for source in sources(nomor):
        if source.missing is not None:
            reason = source.missing(kabkota, tahun)
            if reason:
                reasons.append(reason)
    return reasons


def has_work(*, nomor: int, kabkota: str, tahun: int) -> bool:
    """Does Konvergensi hold the output of this aksi (a registered source with nothing missing)?"""
    checked = [s for s in sources(nomor) if s.missing is not None]
    return bool(checked) and not missing_work(nomor=nomor, kabkota=kabkota, tahun=tahun)
