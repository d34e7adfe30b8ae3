"""Reads of Aksi 6: what the stored data say about the district's data-management system in a year
(computed, read-only) and the improvement plan.

The page's figures come from a handful of queries whatever the size of the district (~270 desa ×
31 indicators × 3 periods): the district's figures of the year as plain tuples, the first entry of
each figure from the history (one GROUP BY), the assignments, the recorded levels of detail, the data
sasaran counts. Who may read: ``Permission.DATASYSTEM_READ`` on the district (operator, OPD,
province, nation) — checked by the views; the rules here are not the reader's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.formats import zone
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import datasystem as core

from .models import Action, DetailLevel

LOW_SHARE = 0.8  # below this share of desa (or of figures on time) an indicator is a gap


def days_on_time() -> int:
    return int(getattr(settings, "KONVERGENSI_DATA_TEPAT_WAKTU_HARI", 30))


def may_read(scope: Scope, kabkota: str) -> bool:
    return has_permission(scope, Permission.DATASYSTEM_READ, kabkota)


def may_manage(scope: Scope, kabkota: str) -> bool:
    return has_permission(scope, Permission.DATASYSTEM_MANAGE, kabkota)


def may_update(scope: Scope, action: Action) -> bool:
    """The operator updates every action of the district; an OPD the status of its own."""
    return has_permission(scope, Permission.DATASYSTEM_UPDATE, action.kabkota_id, opd_id=action.opd_id)


def period_label(periode: str) -> str:
    return _("Semester %(n)s") % {"n": periode[-1]} if "-S" in periode else _("Tahunan")


@dataclass
class PeriodCell:
    periode: str
    filled: int = 0
    verified: int = 0
    share: float | None = None


@dataclass
class IndicatorRow:
    indicator: object
    opd: OPD | None
    cells: list[PeriodCell] = field(default_factory=list)
    entered: int = 0
    on_time: int = 0
    derived: str = core.KOSONG
    recorded: DetailLevel | None = None

    @property
    def best(self) -> PeriodCell | None:
        """The period of the year with the most desa filled (None when none has a figure)."""
        cells = [c for c in self.cells if c.filled]
        return max(cells, key=lambda c: c.filled) if cells else None

    @property
    def on_time_share(self) -> float | None:
        return core.share(self.on_time, self.entered)

    @property
    def filled_any(self) -> bool:
        return any(c.filled for c in self.cells)

    @property
    def level(self) -> str:
        """What the page shows: the operator's record, else what the figures say."""
        return self.recorded.level if self.recorded else self.derived

    @property
    def low_completeness(self) -> bool:
        best = self.best
        return best is None or (best.share or 0) < LOW_SHARE

    @property
    def late(self) -> bool:
        share = self.on_time_share
        return share is not None and share < LOW_SHARE


@dataclass
class OpdRow:
    label: str
    opd: OPD | None
    n_indicators: int = 0
    cells: list[PeriodCell] = field(default_factory=list)
    entered: int = 0
    on_time: int = 0

    @property
    def on_time_share(self) -> float | None:
        return core.share(self.on_time, self.entered)


@dataclass
class Overview:
    kabkota: Region
    tahun: int
    set: str
    periods: list[str]
    n_desa: int
    n_kecamatan: int
    days: int
    rows: list[IndicatorRow]
    by_opd: list[OpdRow]
    totals: list[PeriodCell]
    sasaran: dict
    entered: int
    on_time: int

    @property
    def on_time_share(self) -> float | None:
        return core.share(self.on_time, self.entered)

    @property
    def start_end(self) -> tuple[float | None, float | None]:
        return core.start_end({c.periode: c.share for c in self.totals}, self.tahun)


def indicator_set(kabkota: str, tahun: int, asked: str | None = None) -> str:
    """The indicator set of the page: the one asked for, else the set of the year's current
    analysis (Aksi 1), else the set with the most figures in the year, else the 2018 set."""
    from konvergensi.ansit.models import Analysis
    from konvergensi.indicators.models import DataValue, IndicatorSet

    if asked in IndicatorSet.values:
        return asked  # type: ignore[return-value]
    analysis = Analysis.objects.filter(kabkota_id=kabkota, tahun=tahun).order_by("-id").first()
    if analysis is not None and analysis.indicator_set in IndicatorSet.values:
        return analysis.indicator_set
    counts = dict(
        DataValue.objects.filter(kabkota_id=kabkota, periode__in=core.periods(tahun))
        .values_list("indicator__set")
        .annotate(n=Count("id"))
        .values_list("indicator__set", "n")
    )
    if counts:
        return max(sorted(counts), key=lambda s: counts[s])
    return IndicatorSet.S2018


def _desa_codes_prefix(kabkota: str) -> str:
    return kabkota + "."


def overview(kabkota: Region, tahun: int, set_: str | None = None) -> Overview:
    """Completeness, timeliness and level of detail of the district's village data in ``tahun``,
    per indicator (with its OPD), per OPD and in total; the data sasaran filled and verified."""
    from konvergensi.indicators.models import Assignment, DataValue, DataValueHistory, Indicator
    from konvergensi.indicators.selectors import sasaran_in_kabkota

    kode = kabkota.kode
    set_ = indicator_set(kode, tahun, set_)
    periods = list(core.periods(tahun))
    days = days_on_time()
    tz = zone(kode)
    indicators = list(Indicator.objects.filter(set=set_))
    n_desa = Region.objects.filter(level="desa", kode__startswith=_desa_codes_prefix(kode)).count()
    n_kec = Region.objects.filter(level="kecamatan", parent_id=kode).count()
    assign = {
        a.indicator_id: a.opd
        for a in Assignment.objects.filter(kabkota_id=kode, indicator__in=indicators).select_related("opd")
    }
    recorded = {d.indicator_id: d for d in DetailLevel.objects.filter(kabkota_id=kode, tahun=tahun)}
    rows = {
        i.pk: IndicatorRow(i, assign.get(i.pk), [PeriodCell(p) for p in periods], recorded=recorded.get(i.pk))
        for i in indicators
    }
    index = {p: k for k, p in enumerate(periods)}
    first = {
        (r["indicator_id"], r["desa_id"], r["periode"]): r["first"]
        for r in DataValueHistory.objects.filter(
            desa__pk__startswith=_desa_codes_prefix(kode), periode__in=periods, indicator__in=indicators
        )
        .values("indicator_id", "desa_id", "periode")
        .annotate(first=Min("at"))
    }
    values = DataValue.objects.filter(kabkota_id=kode, periode__in=periods, indicator__in=indicators)
    for ind_id, desa, periode, status, updated in values.values_list(
        "indicator_id", "desa_id", "periode", "status", "updated_at"
    ):
        row = rows[ind_id]
        cell = row.cells[index[periode]]
        cell.filled += 1
        cell.verified += status == "diverifikasi"
        at = first.get((ind_id, desa, periode)) or updated
        row.entered += 1
        row.on_time += core.on_time(timezone.localtime(at, tz).date(), periode, days)
    for row in rows.values():
        for cell in row.cells:
            cell.share = core.share(cell.filled, n_desa)
        row.derived = core.finest(
            core.detail_level(c.filled, n_desa=n_desa, n_kecamatan=n_kec) for c in row.cells
        )
    by_opd: dict[int | None, OpdRow] = {}
    for row in rows.values():
        key = row.opd.pk if row.opd else None
        opd_row = by_opd.setdefault(
            key,
            OpdRow(str(row.opd) if row.opd else _("(belum ditugaskan ke OPD)"), row.opd,
                   cells=[PeriodCell(p) for p in periods]),
        )  # fmt: skip
        opd_row.n_indicators += 1
        opd_row.entered += row.entered
        opd_row.on_time += row.on_time
        for total, cell in zip(opd_row.cells, row.cells, strict=True):
            total.filled += cell.filled
            total.verified += cell.verified
    totals = [PeriodCell(p) for p in periods]
    for opd_row in by_opd.values():
        for k, cell in enumerate(opd_row.cells):
            cell.share = core.share(cell.filled, n_desa * opd_row.n_indicators)
            totals[k].filled += cell.filled
            totals[k].verified += cell.verified
    for cell in totals:
        cell.share = core.share(cell.filled, n_desa * len(indicators))
    counts = dict(
        sasaran_in_kabkota(kode, tahun=tahun)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    sasaran = {
        "desa": n_desa,
        "filled": sum(counts.values()),
        "verified": counts.get("diverifikasi", 0),
        "filled_share": core.share(sum(counts.values()), n_desa),
        "verified_share": core.share(counts.get("diverifikasi", 0), n_desa),
    }
    return Overview(
        kabkota=kabkota,
        tahun=tahun,
        set=set_,
        periods=periods,
        n_desa=n_desa,
        n_kecamatan=n_kec,
        days=days,
        rows=list(rows.values()),
        by_opd=sorted(by_opd.values(), key=lambda r: (r.opd is None, r.label)),
        totals=totals,
        sasaran=sasaran,
        entered=sum(r.entered for r in rows.values()),
        on_time=sum(r.on_time for r in rows.values()),
    )


def notes(kabkota: str, tahun: int):
    """The Aksi 1 data-gap notes of the district's year (with their analysis)."""
    from konvergensi.ansit.models import DataGapNote

    return list(
        DataGapNote.objects.filter(kabkota_id=kabkota, tahun=tahun)
        .select_related("analysis")
        .order_by("kind", "id")
    )


def stunting_level(kabkota: str, tahun: int) -> dict | None:
    """The level of detail of the stunting data of the year's current analysis (Aksi 1): desa,
    puskesmas or kecamatan, and whether the analysis noted it as a gap."""
    from konvergensi.ansit import selectors as ansit_selectors
    from konvergensi.ansit.models import Analysis, DataGapNote, NoteKind

    scope = Scope(role="operator", kode=kabkota)

    analysis = ansit_selectors.analysis_current(scope=scope, kabkota=kabkota, tahun=tahun)
    if analysis is None:
        return None
    assert isinstance(analysis, Analysis)
    noted = DataGapNote.objects.filter(analysis=analysis, kind=NoteKind.SEBARAN).exists()
    return {
        "analysis": analysis,
        "level": analysis.level,
        "label": analysis.get_level_display(),
        "data_source": analysis.get_data_source_display(),
        "gap": noted or analysis.level != "desa",
    }


def quality(kabkota: str) -> dict | None:
    """The latest measurement round of the district with data, and the verdicts of its
    data-quality panel (Aksi 7) for the whole district: the area's verdict, the number of desa and
    posyandu at each level and the desa that need attention. None without a measured round."""
    from konvergensi.measurements import quality as panel
    from konvergensi.measurements import selectors as m_selectors
    from konvergensi.measurements.models import Measurement

    scope = Scope(role="operator", kode=kabkota)
    rnd = (
        m_selectors.rounds_for(scope=scope, kabkota=kabkota)
        .filter(pk__in=Measurement.objects.values("round_id"))
        .select_related("kabkota")
        .first()
    )
    if rnd is None:
        return None
    figures = panel.panel_figures(rnd, scope, "id")
    if not figures.get("n"):
        return None
    flagged = [r for r in figures["desa"] if r["level"] in ("pelatihan", "perhatian")]
    return {
        "round": rnd,
        "children": figures["n"],
        "area": figures["area"],
        "desa_levels": figures["desa_levels"],
        "posyandu_levels": figures["posyandu_levels"],
        "desa_flagged": flagged,
        "needs_action": figures["area"]["level"] in ("pelatihan", "perhatian") or bool(flagged),
    }


# --- the improvement plan --------------------------------------------------------------------------


def actions(*, scope: Scope, kabkota: str, tahun: int) -> list[Action]:
    qs = Action.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related(
        "opd", "note", "indicator", "round"
    )
    return list(scope_filter(qs, scope, "kabkota_id").order_by("tenggat", "id"))


def action_get(*, scope: Scope, pk: int) -> Action | None:
    qs = Action.objects.select_related("kabkota", "opd", "note", "note__analysis", "indicator", "round")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def plan_exists(kabkota: str, tahun: int) -> bool:
    return Action.objects.filter(kabkota_id=kabkota, tahun=tahun).exclude(status="batal").exists()


def counts(kabkota: str, tahun: int, today: dt.date) -> core.PlanCounts:
    return core.plan_counts(
        Action.objects.filter(kabkota_id=kabkota, tahun=tahun).values_list("status", "tenggat"), today
    )


def opd_choices(kabkota: str) -> list[OPD]:
    return list(OPD.objects.filter(kabkota_id=kabkota).order_by("singkatan"))


@dataclass(frozen=True)
class Gap:
    """A gap the improvement plan may answer ("Buat tindakan dari kesenjangan ini")."""

    key: str  # catatan-<id>, kelengkapan-<indicator id>, ketepatan-…, rincian-…, kualitas-<round id>
    kind: str
    text: str
    note_id: int | None = None
    indicator_id: int | None = None
    round_id: int | None = None
    opd_id: int | None = None


def _pct(value: float | None) -> str:
    from konvergensi_core.numbers import id_percent

    return id_percent(value)


def gaps(ov: Overview, notes_: list, quality_: dict | None, dinkes: OPD | None = None) -> list[Gap]:
    """Every gap of the year the page offers to plan an action for: the Aksi 1 notes, indicators
    with low completeness or timeliness or figures above the desa, the e-PPGBM quality verdict."""
    from .models import GapKind

    out = [Gap(f"catatan-{n.pk}", GapKind.CATATAN, n.text, note_id=n.pk) for n in notes_]
    for row in ov.rows:
        ind = row.indicator
        opd_id = row.opd.pk if row.opd else None
        name = f"{ind.kode} {ind.nama}"
        if row.low_completeness:
            best = row.best
            text = (
                _("%(ind)s: hanya %(share)s desa berdata (%(periode)s).")
                % {"ind": name, "share": _pct(best.share), "periode": period_label(best.periode)}
                if best
                else _("%(ind)s: belum ada data desa tahun %(tahun)s.") % {"ind": name, "tahun": ov.tahun}
            )
            out.append(
                Gap(f"kelengkapan-{ind.pk}", GapKind.KELENGKAPAN, text, indicator_id=ind.pk, opd_id=opd_id)
            )
        if row.late:
            text = _("%(ind)s: hanya %(share)s data masuk tepat waktu (≤ %(days)s hari setelah akhir periode).") % {
                "ind": name, "share": _pct(row.on_time_share), "days": ov.days,
            }  # fmt: skip
            out.append(
                Gap(f"ketepatan-{ind.pk}", GapKind.KETEPATAN, text, indicator_id=ind.pk, opd_id=opd_id)
            )
        if row.filled_any and core.needs_attention(row.level):
            text = _("%(ind)s: data hanya tersedia pada tingkat %(level)s, belum per desa/kelurahan.") % {
                "ind": name, "level": level_label(row.level).lower(),
            }  # fmt: skip
            out.append(Gap(f"rincian-{ind.pk}", GapKind.RINCIAN, text, indicator_id=ind.pk, opd_id=opd_id))
    if quality_ and quality_["needs_action"]:
        rnd = quality_["round"]
        text = _("Kualitas data e-PPGBM putaran %(round)s: %(verdict)s (%(n)s desa perlu perhatian).") % {
            "round": rnd.nama, "verdict": quality_["area"]["level_label"], "n": len(quality_["desa_flagged"]),
        }  # fmt: skip
        out.append(Gap(f"kualitas-{rnd.pk}", GapKind.KUALITAS, text, round_id=rnd.pk,
                       opd_id=dinkes.pk if dinkes else None))  # fmt: skip
    return out


LEVEL_LABEL = {
    core.DESA: gettext_lazy("Desa/kelurahan"),
    core.PUSKESMAS: gettext_lazy("Puskesmas saja"),
    core.KECAMATAN: gettext_lazy("Kecamatan saja"),
    core.KASAR: gettext_lazy("Puskesmas/kecamatan (sedikit desa per kecamatan)"),
    core.SEBAGIAN: gettext_lazy("Sebagian desa"),
    core.KOSONG: gettext_lazy("Belum ada data"),
}


def level_label(level: str) -> str:
    return str(LEVEL_LABEL.get(level, level))


def health_office(kabkota: str) -> OPD | None:
    """The district's health office (Dinas Kesehatan), the owner of the e-PPGBM data."""
    from konvergensi_core.indicators import opd_kind

    return next(
        (
            o
            for o in OPD.objects.filter(kabkota_id=kabkota)
            if opd_kind(f"{o.singkatan} {o.nama}") == "kesehatan"
        ),
        None,
    )
