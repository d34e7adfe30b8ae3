"""One interface for incoming data sources (issue 19, "Adapters"): see :mod:`.base`.

``ADAPTERS``: name → adapter, in the order the documentation lists them.
"""

from __future__ import annotations

from .base import AdapterRead, CodeMapper, Column, Note, SourceAdapter, columns_markdown, sample_desa
from .dukcapil import DukcapilAdapter
from .eppgbm import EppgbmAdapter
from .sipd import SipdAdapter, SipdDocumentAdapter

EPPGBM = EppgbmAdapter()
SIPD = SipdAdapter()
SIPD_DOKUMEN = SipdDocumentAdapter()
DUKCAPIL = DukcapilAdapter()

ADAPTERS: dict[str, SourceAdapter] = {a.name: a for a in (EPPGBM, SIPD, SIPD_DOKUMEN, DUKCAPIL)}


def get(name: str) -> SourceAdapter:
    """The adapter called ``name`` (``KeyError`` otherwise)."""
    return ADAPTERS[name]


__all__ = ["ADAPTERS", "DUKCAPIL", "EPPGBM", "SIPD", "SIPD_DOKUMEN", "AdapterRead", "CodeMapper", "Column", "Note",
           "SourceAdapter", "columns_markdown", "get", "sample_desa"]  # fmt: skip
