"""The plan's checks that explain themselves, and its totals (Tabel 2.2 subtotals per group, totals
per OPD, funding source and class).

Checks (``Check.code``):

* ``lokus_tanpa_kegiatan`` — a lokus desa that no row reaches (a row reaches a desa when its
  locations contain the desa's code; codes compared without spaces, after ``resolve``);
* ``cakupan_rendah_tanpa_kegiatan`` — a main indicator with low coverage in lokus desa that no row
  addresses (a row addresses it when its ``indicator`` is that code and it reaches the desa or is
  district-wide, i.e. has no location): one check per indicator, naming its desa (``desas``);
* ``tanpa_opd``, ``tanpa_target`` — a row without responsible OPD or without target;
* ``tanpa_anggaran`` — a "new with budget" row without a budget (none or 0);
* ``disesuaikan_tanpa_keterangan`` — an "existing, adjusted" row that does not say what is adjusted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .codes import (
    CLASS_LABELS,
    FUNDING_LABELS,
    RowClass,
    normalize_code,
    normalize_name,
    parse_funding_source,
)
from .rows import PlanRow

LOKUS_TANPA_KEGIATAN = "lokus_tanpa_kegiatan"
CAKUPAN_RENDAH_TANPA_KEGIATAN = "cakupan_rendah_tanpa_kegiatan"
TANPA_OPD = "tanpa_opd"
TANPA_TARGET = "tanpa_target"
TANPA_ANGGARAN = "tanpa_anggaran"
DISESUAIKAN_TANPA_KETERANGAN = "disesuaikan_tanpa_keterangan"
CHECK_CODES = (
    LOKUS_TANPA_KEGIATAN,
    CAKUPAN_RENDAH_TANPA_KEGIATAN,
    TANPA_OPD,
    TANPA_TARGET,
    TANPA_ANGGARAN,
    DISESUAIKAN_TANPA_KETERANGAN,
)


@dataclass(frozen=True)
class Check:
    code: str
    message: str
    row_no: str | None = None
    desa: str | None = None
    desas: tuple[str, ...] = ()  # the lokus desa a coverage check is about
    indicator: str = ""  # the indicator a coverage check is about


MAX_NAMED = 8  # desa named in a coverage check; the rest counted


def _row_label(row: PlanRow) -> str:
    name = row.activity.strip() or "(tanpa nama)"
    return f"Baris {row.no}: kegiatan '{name}'" if row.no else f"Kegiatan '{name}'"


def plan_checks(
    rows: Sequence[PlanRow],
    *,
    lokus: Sequence[str],
    low_coverage: Mapping[str, Sequence[str]] | None = None,
    indicator_names: Mapping[str, str] | None = None,
    desa_names: Mapping[str, str] | None = None,
    resolve: Callable[[str], str] | None = None,
) -> list[Check]:
    """The checks of a plan, desa checks first (in the order of ``lokus``), then row checks (in
    row order). ``lokus``: desa codes; ``low_coverage``: desa code → indicator codes with low
    coverage; ``indicator_names``: indicator code → name and ``desa_names``: desa code → name, for
    the messages; ``resolve``: a row location (e.g. a desa name) → its code."""
    low_coverage = low_coverage or {}
    indicator_names = indicator_names or {}
    desa_names = desa_names or {}

    def code_of(location: str) -> str:
        resolved = resolve(location) if resolve is not None else location
        return normalize_code(resolved or location).casefold()

    reach = [{code_of(loc) for loc in row.locations if loc.strip()} for row in rows]
    out: list[Check] = []
    unaddressed: dict[str, list[str]] = {}  # indicator → lokus desa where it is low and unaddressed
    for desa in lokus:
        key = normalize_code(desa).casefold()
        name = desa_names.get(desa) or desa
        if not any(key in r for r in reach):
            out.append(
                Check(
                    LOKUS_TANPA_KEGIATAN, f"Desa {name} (lokus) belum dijangkau kegiatan mana pun", desa=desa
                )
            )
        for indicator in low_coverage.get(desa, ()):
            wanted = normalize_name(indicator)
            addressed = any(
                normalize_name(row.indicator) == wanted and (not r or key in r)
                for row, r in zip(rows, reach, strict=True)
            )
            if not addressed:
                unaddressed.setdefault(indicator, []).append(desa)
    # One check per indicator (not per desa × indicator: a district with 28 lokus and 20 indicators would
    # read hundreds of near-identical lines), naming the desa, the most affected indicators first.
    for indicator, desas in sorted(unaddressed.items(), key=lambda item: (-len(item[1]), item[0])):
        label = indicator_names.get(indicator)
        shown = f"{indicator} ({label})" if label else indicator
        names = [desa_names.get(d) or d for d in desas]
        listed = ", ".join(names[:MAX_NAMED]) + (
            f" dan {len(names) - MAX_NAMED} lainnya" if len(names) > MAX_NAMED else ""
        )
        where = f"Desa {listed}" if len(names) == 1 else f"{len(names)} desa lokus ({listed})"
        out.append(
            Check(
                CAKUPAN_RENDAH_TANPA_KEGIATAN,
                f"Cakupan {shown} rendah di {where}, tetapi belum ada kegiatan untuk indikator ini yang "
                "menjangkau desa tersebut",
                desa=desas[0] if len(desas) == 1 else None,
                desas=tuple(desas),
                indicator=indicator,
            )
        )
    for row in rows:
        label = _row_label(row)
        if not row.opd.strip():
            out.append(Check(TANPA_OPD, f"{label} belum mempunyai OPD penanggung jawab", row_no=row.no))
        if not row.target.strip():
            out.append(Check(TANPA_TARGET, f"{label} belum mempunyai target kinerja", row_no=row.no))
        if row.row_class == RowClass.BARU_DENGAN_ANGGARAN and not row.budget:
            out.append(
                Check(
                    TANPA_ANGGARAN,
                    f"{label} adalah kegiatan baru yang memerlukan anggaran, tetapi anggarannya belum diisi",
                    row_no=row.no,
                )
            )
        if row.row_class == RowClass.DISESUAIKAN and not row.adjustments:
            out.append(
                Check(
                    DISESUAIKAN_TANPA_KETERANGAN,
                    f"{label} adalah kegiatan yang disesuaikan, tetapi belum disebutkan apa yang "
                    "disesuaikan (target, lokus, penyampaian atau anggaran)",
                    row_no=row.no,
                )
            )
    return out


@dataclass
class Totals:
    """Rupiah per Tabel 2.2 group (None: no group), per OPD (as first written; '' none), per
    funding source (a FundingSource value, else the text as written; '' none), per class (a
    RowClass value; '' none), and the total. Rows without budget count 0."""

    by_group: dict[int | None, int] = field(default_factory=dict)
    by_opd: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    by_class: dict[str, int] = field(default_factory=dict)
    total: int = 0

    @staticmethod
    def source_label(key: str) -> str:
        source = parse_funding_source(key)
        return FUNDING_LABELS[source] if source is not None and key == source.value else key

    @staticmethod
    def class_label(key: str) -> str:
        try:
            return CLASS_LABELS[RowClass(key)]
        except ValueError:
            return key


def totals(rows: Sequence[PlanRow]) -> Totals:
    out = Totals()
    opd_names: dict[str, str] = {}
    for row in rows:
        amount = row.budget or 0
        out.total += amount
        out.by_group[row.group] = out.by_group.get(row.group, 0) + amount
        opd = opd_names.setdefault(normalize_name(row.opd), row.opd.strip())
        out.by_opd[opd] = out.by_opd.get(opd, 0) + amount
        source = parse_funding_source(row.source)
        skey = source.value if source is not None else row.source.strip()
        out.by_source[skey] = out.by_source.get(skey, 0) + amount
        out.by_class[row.row_class] = out.by_class.get(row.row_class, 0) + amount
    return out
