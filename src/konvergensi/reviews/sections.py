"""The sections of the Aksi 8 annual performance review (reviu kinerja tahunan), by source.

A review is *assembled*: each domain app that has something to say about a district's year (the plan
against the budget, coverage, prevalence, lokus, rembuk commitments, the Aksi 6 data plan, the village
scorecards, …) registers a :class:`SectionSource` from its ``AppConfig.ready()``. The reviews app asks
the registry and never imports those apps' internals. ``build(kabkota, tahun)`` reads the stored
figures and returns a :class:`SectionFigures`: a table, the key numbers (kept in the review's
snapshot), one generated Indonesian sentence the team may edit, and recommendations for next year's
RKPD. A source with nothing for that district and year returns ``SectionFigures(available=False,
sentence="…belum ada…")`` rather than raising.

This module imports no models, so any app may import it from ``ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    """Headers and rows of plain strings (already formatted the Indonesian way, e.g. "12,5 %")."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class SectionFigures:
    sentence: str
    table: Table | None = None
    numbers: dict[str, int | float | str | None] = field(default_factory=dict)
    recommendations: tuple[str, ...] = ()
    available: bool = True


@dataclass(frozen=True)
class SectionSource:
    """``order`` places the section in the document (10 plan vs realisation, 20 coverage,
    30 prevalence, 40 lokus, 50 rembuk, 60 data system (Aksi 6), 70 village scorecards (Aksi 5))."""

    key: str
    title: str
    order: int
    build: Callable[[str, int], SectionFigures]


_SOURCES: dict[str, SectionSource] = {}


def register(source: SectionSource) -> None:
    """Add (or replace, by key: ``ready()`` may run twice in tests) a section source."""
    _SOURCES[source.key] = source


def sources() -> list[SectionSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))
