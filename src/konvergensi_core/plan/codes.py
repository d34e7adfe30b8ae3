"""The words of a plan (Aksi 2): the groups of Tabel 2.2, the classes of a row, the funding sources,
and how codes and names are compared.

* ``normalize_code`` removes every space (``1.02.02.2.02.0016`` = ``1.02.02. 2.02.0016``);
  ``is_subkegiatan_code`` recognises the Kepmendagri 050-5889/2021 shape of a sub-kegiatan
  ``U.BB.PP.K.KK.SSSS`` (urusan, bidang, program, kegiatan, sub-kegiatan), the urusan/bidang may be
  the nomenclature's placeholder ``X.XX`` (programmes shared by every urusan, e.g.
  ``X.XX.01.2.01.0001``); the older Permendagri 90/2019 two-digit sub-kegiatan (``….01``) too.
* ``normalize_name`` compares names and OPD: case-folded, punctuation replaced by a space, repeated
  spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

GROUPS: dict[int, str] = {
    1: "Perbaikan alokasi program/anggaran untuk meningkatkan integrasi",
    2: "Perbaikan manajemen penyampaian intervensi",
    3: "Perbaikan data stunting dan cakupan intervensi",
    4: "Penguatan koordinasi antar program dan antara kabupaten/kota dengan kecamatan dan desa",
}


class RowClass(StrEnum):
    """The guideline's four kinds of activity (Aksi 2, Tahap Pertama 5.c–f)."""

    TETAP = "tetap"
    DISESUAIKAN = "disesuaikan"
    BARU_TANPA_ANGGARAN = "baru_tanpa_anggaran"
    BARU_DENGAN_ANGGARAN = "baru_dengan_anggaran"


CLASS_LABELS: dict[RowClass, str] = {
    RowClass.TETAP: "Kegiatan yang sudah ada, tanpa penyesuaian",
    RowClass.DISESUAIKAN: "Kegiatan yang sudah ada, perlu penyesuaian",
    RowClass.BARU_TANPA_ANGGARAN: "Kegiatan baru tanpa anggaran",
    RowClass.BARU_DENGAN_ANGGARAN: "Kegiatan baru dengan alokasi anggaran",
}

# What an adjusted activity changes (any subset, only for DISESUAIKAN).
ADJUSTMENTS = ("target", "lokus", "penyampaian", "anggaran")
ADJUSTMENT_LABELS = {
    "target": "target kinerja",
    "lokus": "lokasi prioritas (lokus)",
    "penyampaian": "manajemen penyampaian intervensi",
    "anggaran": "anggaran",
}


class FundingSource(StrEnum):
    APBD_KABKOTA = "apbd_kabkota"
    APBD_PROV = "apbd_prov"
    APBN = "apbn"
    DAK_FISIK = "dak_fisik"
    DAK_NONFISIK = "dak_nonfisik"
    DANA_DESA = "dana_desa"
    LAINNYA = "lainnya"


FUNDING_LABELS: dict[FundingSource, str] = {
    FundingSource.APBD_KABKOTA: "APBD Kabupaten/Kota",
    FundingSource.APBD_PROV: "APBD Provinsi",
    FundingSource.APBN: "APBN",
    FundingSource.DAK_FISIK: "DAK Fisik",
    FundingSource.DAK_NONFISIK: "DAK Non-Fisik (BOK/BOKB)",
    FundingSource.DANA_DESA: "Dana Desa",
    FundingSource.LAINNYA: "CSR/Lainnya",
}

_FUNDING_ALIASES: dict[FundingSource, tuple[str, ...]] = {
    FundingSource.APBD_KABKOTA: (
        "apbd",
        "apbdkab",
        "apbdkota",
        "apbdkabkota",
        "apbdkabupaten",
        "apbdkabupatenkota",
        "apbdkabkot",
        "apbdii",
        "apbd2",
        "apbdkabupatenkot",
    ),
    FundingSource.APBD_PROV: ("apbdprov", "apbdprovinsi", "apbdpropinsi", "apbdprop", "apbdi", "apbd1"),
    FundingSource.APBN: ("apbn",),
    FundingSource.DAK_FISIK: ("dakfisik", "dakf"),
    FundingSource.DAK_NONFISIK: (
        "daknonfisik",
        "daknf",
        "bok",
        "bokb",
        "dakbok",
        "dakbokb",
        "bokbokb",
        "daknonfisikbok",
        "daknonfisikbokb",
        "daknonfisikbokbokb",
    ),
    FundingSource.DANA_DESA: ("danadesa", "dd", "apbdes", "apbdesa", "add", "alokasidanadesa"),
    FundingSource.LAINNYA: ("csr", "lainnya", "lain", "lainlain", "csrlainnya", "swasta", "lainnyacsr"),
}


def _compact(text: object) -> str:
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", str(text)).casefold())


_FUNDING_KEYS: dict[str, FundingSource] = {}
for _source, _aliases in _FUNDING_ALIASES.items():
    for _alias in (*_aliases, _compact(_source.value), _compact(FUNDING_LABELS[_source])):
        _FUNDING_KEYS.setdefault(_alias, _source)


def parse_funding_source(text: object) -> FundingSource | None:
    """The funding source a cell names ("APBD Kabupaten", "apbd kab/kota", "DAK Non Fisik", "BOK",
    "Dana Desa", "CSR", "APBD Provinsi", the enum values and FUNDING_LABELS …) whatever the case,
    spacing or hyphens; None when empty or not recognised."""
    if text is None:
        return None
    return _FUNDING_KEYS.get(_compact(text))


def normalize_code(text: object) -> str:
    """A code with every space removed; '' for None or empty."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


_SUBKEGIATAN = re.compile(r"(?:\d\.\d{2}|[Xx]\.[Xx]{2})\.\d{2}\.\d\.\d{2}\.(?:\d{4}|\d{2})")


def is_subkegiatan_code(code: object) -> bool:
    """Whether ``code`` (spaces ignored) has the Kepmendagri shape of a sub-kegiatan:
    ``1.02.02.2.02.0016``, ``X.XX.01.2.01.0001`` (placeholder urusan) or the older ``….16``."""
    return _SUBKEGIATAN.fullmatch(normalize_code(code)) is not None


def normalize_name(text: object) -> str:
    """A name as compared: case-folded, punctuation and symbols replaced by spaces, repeated spaces
    collapsed, stripped ("Dinas  Kesehatan, P2KB." → "dinas kesehatan p2kb")."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in folded)
    return " ".join(cleaned.split())


def parse_row_class(text: object) -> RowClass | None:
    """A class from its value ("baru_dengan_anggaran") or its label, case and spacing ignored."""
    key = _compact(text)
    if not key:
        return None
    for cls in RowClass:
        if key in (_compact(cls.value), _compact(CLASS_LABELS[cls])):
            return cls
    short = {
        "ada": RowClass.TETAP,
        "tetap": RowClass.TETAP,
        "tanpaperubahan": RowClass.TETAP,
        "kegiatanyangada": RowClass.TETAP,
        "kegiatanyangsudahadadantidakperlupenyesuaian": RowClass.TETAP,
        "penyesuaian": RowClass.DISESUAIKAN,
        "kegiatanyangsudahadanamunperlupenyesuaian": RowClass.DISESUAIKAN,
        "barutanpaanggaran": RowClass.BARU_TANPA_ANGGARAN,
        "kegiatanbarunamuntidakmemerlukananggaran": RowClass.BARU_TANPA_ANGGARAN,
        "barudengananggaran": RowClass.BARU_DENGAN_ANGGARAN,
        "kegiatanbaruyangmemerlukanalokasianggaran": RowClass.BARU_DENGAN_ANGGARAN,
    }
    return short.get(key)


def parse_group(value: object) -> int | None:
    """A Tabel 2.2 group from 1–4 ("1", 1, 1.0, "Kelompok 2") or its label; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value) if float(value) in (1.0, 2.0, 3.0, 4.0) else None
    try:
        return parse_group(float(str(value).strip().replace(",", ".")))
    except ValueError:
        pass
    text = normalize_name(value)
    match = re.fullmatch(r"(?:kelompok )?([1-4])(?: (.*))?", text)
    if match and (match.group(2) is None or match.group(2) == normalize_name(GROUPS[int(match.group(1))])):
        return int(match.group(1))
    for number, label in GROUPS.items():
        if text == normalize_name(label):
            return number
    return None


def parse_adjustments(text: object) -> tuple[tuple[str, ...], list[str]]:
    """What an adjusted row changes, from a list ("target; lokus", "Target Kinerja, Anggaran"):
    (the recognised ADJUSTMENTS in their order, the words not recognised)."""
    words = [w.strip() for w in re.split(r"[;,/\n]", "" if text is None else str(text)) if w.strip()]
    found: set[str] = set()
    unknown: list[str] = []
    for word in words:
        key = _compact(word)
        hit = next(
            (a for a, label in ADJUSTMENT_LABELS.items() if key in (a, _compact(label)) or key.startswith(a)),
            None,
        )
        if hit is None and key in ("lokasi", "lokasiprioritas", "lokasifokus", "fokus"):
            hit = "lokus"
        if hit is None and key in ("manajemen", "pelaksanaan", "manajemenpelaksanaan", "delivery"):
            hit = "penyampaian"
        if hit is None and key in ("targetkinerja",):
            hit = "target"
        if hit is None:
            unknown.append(word)
        else:
            found.add(hit)
    return tuple(a for a in ADJUSTMENTS if a in found), unknown
