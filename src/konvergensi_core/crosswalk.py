"""Old Kemendagri region codes → today's (issue 19, "Adapters").

Files made before 2025 carry codes of the Permendagri 58/2021 or the Kepmendagri
100.1.1-6117/2022 edition: Merauke was ``91.01`` until Papua Selatan was made in 2022 and is
``93.01`` now; its desa moved with it. :func:`to_current` maps a code of either older edition to
today's (Kepmendagri 300.2.2-2430/2025), at any level, chaining 2021 → 2022 → 2025 through
``data/wilayah/perubahan_kode.csv`` (see that folder's README for the provenance).

* A code of ``wilayah.csv`` (2025) is current: ``None`` (no old code was given to another unit
  between the editions, so a current code never needs mapping).
* An old code whose unit kept its name under a new parent (``pindah_kode``): a :class:`Change`
  with the new code.
* An old code that is gone without a successor (``dihapus``), or one with several successors
  (``dipecah``: a split): a :class:`Change` without a new code. Never guessed: the caller reports
  it as a problem.
* Anything else (not a code of any edition): ``None`` too; :meth:`Crosswalk.is_known` tells it
  from a current one. Whether the unit belongs where the file says is the caller's check.

Pure Python, loaded once per folder (``lru_cache``).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import kode as kode_rules

EDITION_2021 = "permendagri_58_2021"
EDITION_2022 = "kepmendagri_100.1.1-6117_2022"
EDITION_2025 = "kepmendagri_300.2.2-2430_2025"
EDITIONS = (EDITION_2021, EDITION_2022, EDITION_2025)
EDITION_LABELS = {
    EDITION_2021: "Permendagri 58/2021",
    EDITION_2022: "Kepmendagri 100.1.1-6117/2022",
    EDITION_2025: "Kepmendagri 300.2.2-2430/2025",
}

MOVED = "pindah_kode"  # same unit, new code (its parent got a new code)
RENAMED = "ganti_nama"  # same code, new name: the code is current, nothing to map
REMOVED = "dihapus"  # gone, no successor found
SPLIT = "dipecah"  # several successors: which one is not for a program to say

# The shipped data: ``src/konvergensi/data/wilayah`` beside this package (a path, not an import).
DATA_DIR = Path(__file__).resolve().parent.parent / "konvergensi" / "data" / "wilayah"


@dataclass(frozen=True)
class Step:
    """One edition to the next, as ``perubahan_kode.csv`` has it."""

    edition_from: str
    edition_to: str
    old: str
    new: str  # "" when removed
    name_old: str
    name_new: str
    status: str


@dataclass(frozen=True)
class Change:
    """What became of an old code: ``new`` today's code (None: removed or split, see ``kind``)."""

    old: str
    new: str | None
    kind: str  # MOVED, REMOVED or SPLIT
    edition: str  # the edition the old code is from (the earliest step taken)
    name: str  # the unit's name in that edition
    candidates: tuple[str, ...] = ()  # a split's successors

    @property
    def mapped(self) -> bool:
        return self.new is not None

    def describe(self) -> str:
        """One Indonesian sentence for a note or a problem."""
        edition = EDITION_LABELS.get(self.edition, self.edition)
        if self.kind == MOVED:
            return (
                f"Kode lama {self.old} ({self.name}, {edition}) dipetakan ke kode sekarang {self.new} "
                f"(pindah kode)."
            )
        if self.kind == SPLIT:
            return (
                f"Kode lama {self.old} ({self.name}, {edition}) dipecah menjadi {', '.join(self.candidates)}; "
                "tidak dipetakan otomatis. Tulis kode wilayah yang berlaku sekarang."
            )
        return (
            f"Kode lama {self.old} ({self.name}, {edition}) sudah dihapus dan tidak punya padanan di edisi "
            f"{EDITION_LABELS[EDITION_2025]}; tulis kode wilayah yang berlaku sekarang."
        )


class Crosswalk:
    """The steps between the editions and today's codes."""

    def __init__(self, current: frozenset[str], steps: list[Step]) -> None:
        self.current = current
        self._next: dict[str, dict[str, list[Step]]] = {e: defaultdict(list) for e in EDITIONS}
        for s in steps:
            if s.old and s.status != "baru":
                self._next[s.edition_from][s.old].append(s)
        self._earlier: dict[str, tuple[tuple[str, str], ...]] | None = None

    def earlier_codes(self, kode: str) -> tuple[tuple[str, str], ...]:
        """The codes of older editions that map to today's ``kode``, as ``(edition, old code)`` pairs
        (the code crosswalk of one region; empty when its code never changed)."""
        if self._earlier is None:
            found: dict[str, set[tuple[str, str]]] = defaultdict(set)
            for edition in EDITIONS[:-1]:
                for old in self._next[edition]:
                    change = self.to_current(old)
                    if change is not None and change.new is not None:
                        found[change.new].add((edition, old))
            self._earlier = {k: tuple(sorted(v)) for k, v in found.items()}
        return self._earlier.get(kode, ())

    def is_current(self, kode: str) -> bool:
        return kode in self.current

    def is_known(self, kode: str) -> bool:
        """A code of any edition (current or old)."""
        return kode in self.current or any(kode in nxt for nxt in self._next.values())

    def to_current(self, kode: str) -> Change | None:
        """Today's code for ``kode`` (dotted or not): ``None`` when it is current or no code of any
        edition; else the :class:`Change` (with ``new`` None when removed or split)."""
        try:
            code = kode_rules.normalise(str(kode))
        except kode_rules.InvalidKode:
            return None
        if code in self.current:
            return None
        for i, edition in enumerate(EDITIONS[:-1]):
            if code in self._next[edition]:
                return self._follow(code, i)
        return None

    def _follow(self, start: str, index: int) -> Change:
        code, name, first = start, "", EDITIONS[index]
        for edition in EDITIONS[index:-1]:
            steps = self._next[edition].get(code)
            if not steps:  # unchanged in this step (same code, same name)
                continue
            name = name or steps[0].name_old
            moves = sorted({s.new for s in steps if s.status in (MOVED, RENAMED) and s.new})
            removed = any(s.status == REMOVED for s in steps)
            if len(moves) > 1 or (moves and removed):
                return Change(start, None, SPLIT, first, name, tuple(moves))
            if removed:
                return Change(start, None, REMOVED, first, name)
            code = moves[0]
        if code in self.current and code != start:
            return Change(start, code, MOVED, first, name)
        return Change(start, None, REMOVED, first, name)  # a chain that ends nowhere: never guessed


def read_steps(path: Path) -> list[Step]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Step(r["edisi_lama"], r["edisi_baru"], r["kode_lama"], r["kode_baru"], r["nama_lama"], r["nama_baru"],
                 r["status"])
            for r in csv.DictReader(fh)
        ]  # fmt: skip


def read_codes(path: Path) -> frozenset[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return frozenset(r["kode"] for r in csv.DictReader(fh))


@lru_cache(maxsize=4)
def load(folder: Path | str | None = None) -> Crosswalk:
    """The crosswalk of ``folder`` (``wilayah.csv`` and ``perubahan_kode.csv``; default the shipped
    data), read once."""
    base = Path(folder) if folder is not None else DATA_DIR
    return Crosswalk(read_codes(base / "wilayah.csv"), read_steps(base / "perubahan_kode.csv"))


def to_current(kode: str) -> Change | None:
    """:meth:`Crosswalk.to_current` with the shipped data."""
    return load().to_current(kode)


__all__ = ["EDITIONS", "EDITION_LABELS", "MOVED", "REMOVED", "SPLIT", "Change", "Crosswalk", "Step", "load",
           "to_current"]  # fmt: skip
