"""The words of budget tagging (issue 15): funding sources, categories, target groups, stages, and a
budget line.

Every parser recognises its values whatever the case, spacing, hyphens or punctuation
("DAK Non-Fisik", "dak nonfisik", "DAK_NON_FISIK" are one source) and returns the canonical value
(the issue's spelling) or None.

Realisation: ``BudgetLine.realisasi`` holds, per quarter (TW1–TW4), the amount spent IN that quarter
(not the running total); None when nothing was recorded for it. The line's realisation is the sum of
the quarters given, its absorption that sum ÷ pagu.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from ..plan.codes import normalize_code, normalize_name

SOURCES: tuple[str, ...] = (
    "PAD",
    "DAU",
    "DBH",
    "DAK fisik",
    "DAK non-fisik",
    "DID",
    "Dana Desa",
    "APBD provinsi",
    "lainnya",
)
SOURCE_LABELS: dict[str, str] = {
    "PAD": "Pendapatan Asli Daerah (PAD)",
    "DAU": "Dana Alokasi Umum (DAU)",
    "DBH": "Dana Bagi Hasil (DBH)",
    "DAK fisik": "DAK fisik",
    "DAK non-fisik": "DAK non-fisik (BOK, BOKB, BOP PAUD)",
    "DID": "Dana Insentif Daerah (DID) / Insentif Fiskal",
    "Dana Desa": "Dana Desa",
    "APBD provinsi": "APBD provinsi (bantuan keuangan provinsi)",
    "lainnya": "Lainnya (CSR, hibah, dll.)",
}
_SOURCE_ALIASES: dict[str, tuple[str, ...]] = {
    "PAD": ("pad", "pendapatanaslidaerah"),
    "DAU": ("dau", "danaalokasiumum", "dausg", "dauspecificgrant", "dauyangditentukanpenggunaannya"),
    "DBH": ("dbh", "danabagihasil", "dbhcht", "danabagihasilcukaihasiltembakau"),
    "DAK fisik": ("dakfisik", "dakf", "danaalokasikhususfisik"),
    "DAK non-fisik": (
        "daknonfisik",
        "daknf",
        "danaalokasikhususnonfisik",
        "bok",
        "bokb",
        "boppaud",
        "bokbokb",
        "dakbok",
        "dakbokb",
        "daknonfisikbok",
        "daknonfisikbokb",
        "daknonfisikboppaud",
        "bantuanoperasionalkesehatan",
        "bantuanoperasionalkeluargaberencana",
    ),
    "DID": ("did", "danainsentifdaerah", "insentiffiskal", "dif"),
    "Dana Desa": ("danadesa", "dd"),
    "APBD provinsi": (
        "apbdprovinsi",
        "apbdprov",
        "apbdpropinsi",
        "apbdprop",
        "bankeuprov",
        "bankeuprovinsi",
        "bantuankeuanganprovinsi",
    ),
    "lainnya": ("lainnya", "lain", "lainlain", "csr", "swasta", "hibah"),
}

CATEGORIES: tuple[str, ...] = ("spesifik", "sensitif", "pendamping")
CATEGORY_LABELS: dict[str, str] = {
    "spesifik": "Intervensi spesifik",
    "sensitif": "Intervensi sensitif",
    "pendamping": "Kegiatan pendamping",
}
_CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "spesifik": ("spesifik", "intervensispesifik", "specific"),
    "sensitif": ("sensitif", "intervensisensitif", "sensitive"),
    "pendamping": ("pendamping", "kegiatanpendamping", "pendukung", "supporting"),
}

TARGET_GROUPS: tuple[str, ...] = (
    "remaja_putri",
    "catin",
    "ibu_hamil",
    "ibu_nifas_menyusui",
    "baduta",
    "balita",
    "keluarga",
)
TARGET_GROUP_LABELS: dict[str, str] = {
    "remaja_putri": "Remaja putri",
    "catin": "Calon pengantin",
    "ibu_hamil": "Ibu hamil",
    "ibu_nifas_menyusui": "Ibu nifas dan menyusui",
    "baduta": "Baduta (anak 0–23 bulan)",
    "balita": "Balita (anak 0–59 bulan)",
    "keluarga": "Keluarga berisiko stunting",
}
_TARGET_ALIASES: dict[str, tuple[str, ...]] = {
    "remaja_putri": ("rematri", "remaja"),
    "catin": ("calonpengantin", "calonpasanganusiasubur"),
    "ibu_hamil": ("bumil", "ibuhamil"),
    "ibu_nifas_menyusui": ("ibunifas", "ibumenyusui", "busui", "bufas", "ibunifasmenyusui"),
    "baduta": ("bawahduatahun", "anakbaduta"),
    "balita": ("bawahlimatahun", "anakbalita"),
    "keluarga": ("keluargaberisikostunting", "krs"),
}

STAGES: tuple[str, ...] = ("murni", "perubahan")
STAGE_LABELS: dict[str, str] = {"murni": "APBD murni", "perubahan": "APBD perubahan"}

QUARTERS: tuple[str, ...] = ("TW1", "TW2", "TW3", "TW4")

YES = frozenset({"ya", "y", "yes", "1", "true", "benar", "langsung"})
NO = frozenset({"tidak", "t", "tdk", "no", "n", "0", "false", "salah", "tidaklangsung", "bukan"})


def compact(text: object) -> str:
    """``text`` as compared: NFKC, case-folded, only letters and digits ("DAK Non-Fisik" →
    "daknonfisik")."""
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", str(text)).casefold())


def _table(
    values: tuple[str, ...], aliases: dict[str, tuple[str, ...]], labels: dict[str, str]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        for alias in (compact(value), compact(labels[value]), *aliases.get(value, ())):
            out.setdefault(alias, value)
    return out


_SOURCE_KEYS = _table(SOURCES, _SOURCE_ALIASES, SOURCE_LABELS)
_CATEGORY_KEYS = _table(CATEGORIES, _CATEGORY_ALIASES, CATEGORY_LABELS)
_TARGET_KEYS = _table(TARGET_GROUPS, _TARGET_ALIASES, TARGET_GROUP_LABELS)
_STAGE_KEYS = _table(STAGES, {"murni": ("induk", "apbdinduk"), "perubahan": ("apbdp", "p")}, STAGE_LABELS)


def parse_source(text: object) -> str | None:
    """The funding source ``text`` names, as ``SOURCES`` spells it: "dak-fisik" → "DAK fisik",
    "BOK"/"BOKB"/"BOP PAUD" → "DAK non-fisik", "APBD Prov" → "APBD provinsi", "DD" → "Dana Desa";
    None when empty or unknown (plain "APBD" is unknown: say PAD, DAU or DBH)."""
    return None if text is None else _SOURCE_KEYS.get(compact(text))


def parse_category(text: object) -> str | None:
    """ "Spesifik", "intervensi sensitif", "Pendamping" → the category; None when empty or unknown."""
    return None if text is None else _CATEGORY_KEYS.get(compact(text))


def parse_target_group(text: object) -> str | None:
    """One target group, by key ("ibu_hamil") or label ("Ibu hamil"), case and spacing free."""
    return None if text is None else _TARGET_KEYS.get(compact(text))


def split_parts(text: object) -> list[str]:
    """The parts of a list cell separated by ';' (or a line break or '|'), stripped, non-empty."""
    if text is None:
        return []
    return [p.strip() for p in re.split(r"[;\n|]", str(text)) if p.strip()]


def parse_target_groups(text: object) -> tuple[tuple[str, ...], list[str]]:
    """A ``;``-separated list of target groups → (the groups recognised, in ``TARGET_GROUPS``
    order and without repeats; the parts not recognised, as written)."""
    found: set[str] = set()
    unknown: list[str] = []
    for part in split_parts(text):
        group = parse_target_group(part)
        if group is None:
            unknown.append(part)
        else:
            found.add(group)
    return tuple(g for g in TARGET_GROUPS if g in found), unknown


def parse_stage(text: object) -> str | None:
    """ "murni"/"perubahan" (or "APBD-P", "induk"); None when unknown."""
    return None if text is None else _STAGE_KEYS.get(compact(text))


def parse_yes_no(value: object) -> bool | None:
    """ya/tidak (and y/n, yes/no, 1/0, true/false) → True/False; None when not recognised."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = compact(value) if value is not None else ""
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def _amount(value: int | None) -> int:
    return value or 0


@dataclass(frozen=True)
class BudgetLine:
    """One sub-kegiatan of a district's budget, by OPD and funding source, with its tags.

    ``realisasi``: the amount spent IN each quarter TW1–TW4 (None: not recorded); ``locations``:
    desa codes (empty: district-wide); ``sheet``/``row``: where the line was read, if from a file.
    """

    code: str
    name: str
    opd: str
    source: str
    pagu: int
    realisasi: tuple[int | None, int | None, int | None, int | None]
    category: str
    target_groups: tuple[str, ...]
    indicators: tuple[str, ...]
    locations: tuple[str, ...]
    direct: bool
    sheet: str = ""
    row: int | None = None

    @cached_property
    def key(self) -> tuple[str, str, str]:
        """The identity of a line: (code without spaces, OPD as compared, source). Computed once."""
        return (normalize_code(self.code), normalize_name(self.opd), self.source)

    @property
    def realised(self) -> int:
        """The sum of the quarters given (0 when none is)."""
        return sum(_amount(q) for q in self.realisasi)

    def realised_until(self, quarter: int) -> int:
        """The amount spent in TW1 … TW``quarter``."""
        return sum(_amount(q) for q in self.realisasi[:quarter])

    @cached_property
    def values(self) -> tuple[object, ...]:
        """What a re-import compares (everything but where the line was read; the OPD and the
        locations as compared). Computed once."""
        return (
            self.key,
            " ".join(self.name.split()),
            self.pagu,
            self.realisasi,
            self.category,
            self.target_groups,
            tuple(normalize_code(i).casefold() for i in self.indicators),
            tuple(normalize_code(loc) for loc in self.locations),
            self.direct,
        )


# The import columns, in the template's order: role → header.
COLUMNS: dict[str, str] = {
    "code": "Kode Sub Kegiatan",
    "name": "Nama Sub Kegiatan",
    "opd": "Perangkat Daerah",
    "source": "Sumber Dana",
    "pagu": "Pagu",
    "tw1": "Realisasi TW1",
    "tw2": "Realisasi TW2",
    "tw3": "Realisasi TW3",
    "tw4": "Realisasi TW4",
    "category": "Kategori",
    "groups": "Kelompok Sasaran",
    "indicators": "Indikator",
    "locations": "Lokasi",
    "direct": "Langsung ke Sasaran",
}
