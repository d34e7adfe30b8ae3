"""The layers of the national and provincial picture (gambaran nasional), by source.

The picture app draws drill-down maps and tables from nation to desa. What a map can show comes from
layers that domain apps register from their ``AppConfig.ready()`` (prevalence from published rounds,
coverage of the main indicators, action progress, budget, the assessment class, …); the picture app
never imports those apps' internals for a layer it does not own.

``values(parent, tahun, scope)`` returns, for the children of region ``parent`` (``""`` = the nation,
whose children are the provinces; a province → its districts; a district → its kecamatan; a kecamatan
→ its desa), one :class:`LayerValue` per child region code the reader may see. It reads stored
aggregates (maintained at commit/publish time), never children's rows. A child without a figure is
simply absent. ``levels`` names the parent levels the layer can be drawn under.

This module imports no models, so any app may import it from ``ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LEVELS = ("nasional", "provinsi", "kabkota", "kecamatan")  # parent levels


@dataclass(frozen=True)
class LayerValue:
    """``value`` is what the choropleth colours by (None: shown as "tidak ada data" / suppressed);
    ``text`` how the table prints it ("24,3 %", "Berdaya", "Rp 1,2 M"); ``category`` a legend key
    when the layer is categorical (a class), else ""; ``detail`` e.g. a CI "(21,0–27,9)" or "n=412"."""

    value: float | None
    text: str
    category: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Layer:
    """``legend``: (category or lower bound, label) pairs in display order; ``higher_is_better``
    orders the colour ramp (prevalence: False; coverage: True)."""

    key: str
    title: str
    levels: tuple[str, ...]
    values: Callable[[str, int, Any], dict[str, LayerValue]]
    unit: str = ""
    higher_is_better: bool = True
    legend: tuple[tuple[str, str], ...] = ()
    order: int = 50


_LAYERS: dict[str, Layer] = {}


def register(layer: Layer) -> None:
    """Add (or replace, by key: ``ready()`` may run twice in tests) a layer."""
    _LAYERS[layer.key] = layer


def layers() -> list[Layer]:
    return sorted(_LAYERS.values(), key=lambda layer: (layer.order, layer.key))


def get(key: str) -> Layer | None:
    return _LAYERS.get(key)
