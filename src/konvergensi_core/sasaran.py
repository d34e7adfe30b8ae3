"""Data sasaran: the target-population counts of a desa for a year, and which of them each coverage
indicator divides by.

Pure Python (no Django): the model, the forms, the imports, the checks and the catalogue pages all
read the fields, their labels and the denominator of each indicator from here.

* ``FIELDS``: the counts, in the order the forms and files show them, with a plain Indonesian label
  and the aliases a Dukcapil/BKKBN-style aggregate file may use as column header.
* ``PART_OF``: a count that is part of another (baduta of balita); a desa's figures may not say
  otherwise.
* ``DENOMINATOR``: indicator code → :class:`Penyebut` (the data sasaran field its denominator is,
  or is a part of), or ``None`` for counts and for indicators whose denominator is not a desa
  population (desa, puskesmas, KPM PKH …). Every indicator of both catalogue sets is listed, so
  that "not mapped" is a decision and not an omission (a unit test holds this).

How the choice was made (the 2025 CSV's ``denominator_usulan``, the 2018 table's ``denominator``):
the denominator is *the whole* target group (``whole``: "Jumlah ibu hamil" → ``ibu_hamil``) or *a
part* of it (ibu hamil KEK, balita gizi buruk, anak 0–23 bulan diare → the group they belong to).
Either way a denominator larger than the verified count of its group is implausible: the grid and
the imports warn (they do not refuse: the data sasaran may be the figure that is wrong).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # short, lower case, as in "penyebut lebih besar dari jumlah <label>"
    header: str  # the column header of the aggregate file and its template
    aliases: tuple[str, ...] = ()  # further headers accepted (compared ignoring case and punctuation)
    source: str = ""  # where a desa usually finds the figure


FIELDS: tuple[Field, ...] = (
    Field("penduduk", "penduduk", "Jumlah Penduduk", ("penduduk", "jumlah jiwa", "jiwa"), "Dukcapil"),
    Field("jumlah_keluarga", "keluarga", "Jumlah Keluarga", ("keluarga", "jumlah kk", "kk"), "Dukcapil/BKKBN"),
    Field("rumah_tangga", "rumah tangga", "Jumlah Rumah Tangga", ("rumah tangga", "ruta", "jumlah ruta"),
          "BPS/Dukcapil"),
    Field("keluarga_berisiko", "keluarga berisiko stunting", "Keluarga Berisiko Stunting",
          ("jumlah keluarga berisiko stunting", "krs", "keluarga berisiko"), "BKKBN (PK)"),
    Field("calon_pengantin", "calon pengantin", "Calon Pengantin",
          ("jumlah calon pengantin", "catin", "jumlah catin"), "KUA/BKKBN (Elsimil)"),
    Field("remaja_putri", "remaja putri", "Remaja Putri",
          ("jumlah remaja putri", "remaja putri 12-18 tahun", "rematri"), "Dukcapil/Dinas Pendidikan"),
    Field("ibu_hamil", "ibu hamil", "Ibu Hamil", ("jumlah ibu hamil", "bumil", "jumlah bumil"), "Puskesmas"),
    Field("ibu_nifas", "ibu bersalin/nifas", "Ibu Bersalin/Nifas",
          ("jumlah ibu nifas", "ibu nifas", "ibu bersalin", "jumlah ibu bersalin", "bufas",
           "ibu nifas/menyusui", "ibu nifas menyusui"), "Puskesmas"),
    Field("lahir_hidup", "bayi lahir hidup", "Bayi Lahir Hidup",
          ("jumlah bayi lahir hidup", "lahir hidup", "jumlah kelahiran hidup", "kelahiran hidup"),
          "Puskesmas/Dukcapil"),
    Field("bayi_0_5", "bayi 0–5 bulan", "Bayi 0-5 Bulan",
          ("jumlah bayi 0-5 bulan", "bayi 0-6 bulan", "bayi usia 0-5 bulan"), "Puskesmas/Dukcapil"),
    Field("anak_6_23", "anak 6–23 bulan", "Anak 6-23 Bulan",
          ("jumlah anak 6-23 bulan", "anak usia 6-23 bulan"), "Puskesmas/Dukcapil"),
    Field("baduta", "baduta (0–23 bln)", "Baduta 0-23 Bulan",
          ("baduta", "jumlah baduta", "anak 0-23 bulan", "jumlah anak 0-23 bulan"), "Dukcapil/e-PPGBM"),
    Field("anak_24_59", "anak 24–59 bulan", "Anak 24-59 Bulan",
          ("jumlah anak 24-59 bulan", "anak usia 24-59 bulan", "balita 24-59 bulan"), "Puskesmas/Dukcapil"),
    Field("balita", "balita (0–59 bln)", "Balita 0-59 Bulan",
          ("balita", "jumlah balita", "anak 0-59 bulan", "jumlah anak 0-59 bulan"), "Dukcapil/e-PPGBM"),
    Field("anak_0_17", "anak 0–17 tahun", "Anak 0-17 Tahun",
          ("jumlah anak 0-17 tahun", "anak", "jumlah anak", "anak usia 0-17 tahun"), "Dukcapil"),
    Field("balita_diukur", "balita diukur", "Balita Diukur",
          ("jumlah balita diukur", "balita yang diukur"), "e-PPGBM"),
    Field("stunting", "balita stunting", "Balita Stunting",
          ("jumlah balita stunting", "stunting", "balita pendek dan sangat pendek"), "e-PPGBM"),
    Field("sangat_pendek", "balita sangat pendek", "Balita Sangat Pendek",
          ("jumlah balita sangat pendek", "sangat pendek"), "e-PPGBM"),
)  # fmt: skip

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
LABEL: dict[str, str] = {f.name: f.label for f in FIELDS}

# A count that is a part of another: the smaller may not exceed the larger in one desa and year.
PART_OF: dict[str, str] = {
    "keluarga_berisiko": "jumlah_keluarga",
    "remaja_putri": "penduduk",
    "bayi_0_5": "baduta",
    "anak_6_23": "baduta",
    "baduta": "balita",
    "anak_24_59": "balita",
    "balita": "anak_0_17",
    "anak_0_17": "penduduk",
    "balita_diukur": "balita",
    "stunting": "balita_diukur",
    "sangat_pendek": "stunting",
}
# Parts that together cannot exceed the whole (0–5 and 6–23 months are both baduta).
PARTS_SUM: dict[str, tuple[str, ...]] = {"baduta": ("bayi_0_5", "anak_6_23")}


def consistency(values: Mapping[str, int | None]) -> list[tuple[str, str, str]]:
    """Every part larger than its whole among the filled counts: (part, whole, message in
    Indonesian). Empty counts are not checked."""
    out = []
    for part, whole in PART_OF.items():
        a, b = values.get(part), values.get(whole)
        if a is not None and b is not None and a > b:
            out.append(
                (part, whole, f"Jumlah {LABEL[part]} ({a}) tidak boleh lebih dari {LABEL[whole]} ({b}).")
            )
    for whole, parts in PARTS_SUM.items():
        total = values.get(whole)
        got = [v for v in (values.get(p) for p in parts) if v is not None]
        if total is not None and len(got) == len(parts) and sum(got) > total:
            names = " + ".join(LABEL[p] for p in parts)
            out.append(
                (parts[-1], whole, f"{names} ({sum(got)}) tidak boleh lebih dari {LABEL[whole]} ({total}).")
            )
    return out


@dataclass(frozen=True)
class Penyebut:
    """The data sasaran an indicator's denominator is drawn from: ``field``, and whether the
    denominator is that whole group (``whole``) or a part of it (the sick, the screened …)."""

    field: str
    whole: bool

    @property
    def text(self) -> str:
        """ "data sasaran ibu hamil" or "bagian dari data sasaran ibu hamil"."""
        label = LABEL[self.field]
        return f"data sasaran {label}" if self.whole else f"bagian dari data sasaran {label}"


def _w(name: str) -> Penyebut:
    return Penyebut(name, True)


def _p(name: str) -> Penyebut:
    return Penyebut(name, False)


DENOMINATOR: dict[str, Penyebut | None] = {
    # --- 2018 (Tabel 1.1 of the guideline) -------------------------------------------------------
    "U01": _p("ibu_hamil"),  # bumil KEK
    "U02": _w("ibu_hamil"),
    "U03": _w("ibu_hamil"),
    "U04": _p("jumlah_keluarga"),  # keluarga dengan balita
    "U05": _p("balita"),  # balita kurus
    "U06": _w("balita"),  # anak 0–5 tahun di wilayah posyandu
    "U07": _w("ibu_hamil"),
    "U08": _p("balita"),  # 6–59 bulan
    "U09": _p("baduta"),  # bayi 0–11 bulan
    "U10": _p("balita"),  # balita diare
    "U11": _w("remaja_putri"),
    "U12": _w("rumah_tangga"),
    "U13": _w("rumah_tangga"),
    "U14": _w("penduduk"),
    "U15": _p("jumlah_keluarga"),  # KPM PKH
    "U16": None,  # ibu hamil + baduta: a sum of two groups (no single count bounds it usefully)
    "U17": None,  # anak 2–6 tahun: overlaps balita and school age; no count kept
    "U18": _p("jumlah_keluarga"),  # keluarga 1000 HPK miskin
    "U19": None,  # desa (availability)
    "U20": _w("ibu_nifas"),
    "P01": _p("balita"),  # balita gizi buruk
    "P02": None,  # puskesmas of the district
    "P03": _p("jumlah_keluarga"),  # keluarga 1000 HPK miskin
    "P04": _w("baduta"),
    "P05": _p("balita"),
    "K01": _w("ibu_hamil"),
    "K02": _p("ibu_hamil"),  # bumil HIV positif
    "K03": _w("balita"),
    # --- 2025 (31 indicators by target group) ----------------------------------------------------
    "A01": _p("ibu_hamil"),  # ibu hamil KEK
    "A02": _w("ibu_hamil"),
    "A03": _w("ibu_hamil"),
    "A04": _w("ibu_hamil"),
    "A05": _w("ibu_nifas"),
    "B01": _w("lahir_hidup"),
    "B02": _p("bayi_0_5"),  # recalled/examined infants 0–5 months
    "B03": _w("anak_6_23"),
    "B04": _w("anak_6_23"),
    "B05": _p("baduta"),  # gizi buruk
    "B06": _w("baduta"),
    "B07": _p("baduta"),  # gizi kurang
    "B08": _w("baduta"),
    "B09": _p("baduta"),  # diare
    "B10": _p("baduta"),  # sasaran POPM (from 12 months)
    "C01": _p("anak_24_59"),  # gizi buruk
    "C02": _w("anak_24_59"),
    "C03": _p("anak_24_59"),  # gizi kurang
    "C04": _p("anak_24_59"),  # diare
    "C05": None,  # a count of cases
    "C06": _w("anak_24_59"),  # sasaran POPM
    "D01": _w("remaja_putri"),
    "D02": _w("remaja_putri"),
    "E01": _w("calon_pengantin"),
    "E02": _w("calon_pengantin"),
    "F01": _w("rumah_tangga"),
    "F02": _w("rumah_tangga"),
    "F03": _w("penduduk"),
    "F04": _w("keluarga_berisiko"),
    "F05": _p("anak_0_17"),  # akta kelahiran and KIA: children 0–17 (KIA's age range)
    "F06": None,  # desa/kelurahan with a home-yard programme (availability)
}


def penyebut(kode: str) -> Penyebut | None:
    return DENOMINATOR.get(kode)


@functools.cache  # a fixed table's answer; asked once per stored value on the completeness page
def bounds(kode: str) -> tuple[str, ...]:
    """The data sasaran fields an indicator's denominator may not exceed: its own group, then every
    group that contains it (B03: anak 6–23 bulan, baduta, balita, anak 0–17, penduduk), so that a
    desa without the narrow count is still checked against the broader one."""
    p = DENOMINATOR.get(kode)
    if p is None:
        return ()
    out = [p.field]
    while out[-1] in PART_OF:
        out.append(PART_OF[out[-1]])
    return tuple(out)


def bound_exceeded(
    kode: str, denominator: int | None, sasaran: Mapping[str, int | None]
) -> tuple[str, int] | None:
    """(field, count) of the first data sasaran count of ``bounds(kode)`` that ``denominator``
    exceeds, or None."""
    if denominator is None:
        return None
    for name in bounds(kode):
        count = sasaran.get(name)
        if count is not None:
            return (name, count) if denominator > count else None
    return None


def bound_message(kode: str, denominator: int, field: str, count: int) -> str:
    return (
        f"{kode}: penyebut ({denominator}) lebih besar dari jumlah {LABEL[field]} di data sasaran "
        f"desa ini yang sudah diverifikasi ({count}). Periksa angka ini atau data sasaran."
    )


def feeds(codes: list[str] | None = None) -> dict[str, list[str]]:
    """field → the indicator codes whose denominator it is (or bounds as their group), in the
    order of ``codes`` (default: the mapping's)."""
    out: dict[str, list[str]] = {f: [] for f in FIELD_NAMES}
    for kode in codes if codes is not None else list(DENOMINATOR):
        p = DENOMINATOR.get(kode)
        if p is not None:
            out[p.field].append(kode)
    return out
