"""The figures of a round's data-quality panel (WHO-UNICEF 2019 recommendations) for what a reader
sees of the district: shares flagged and missing, SD/skewness/kurtosis of the z-scores, digit
preference, age heaping, sex ratio, measurement position by age, and the plain-language verdict of
the whole area, then per posyandu and per desa (:func:`konvergensi_core.aggregates.quality_by`,
one verdict per cause). Computed once per round and import and cached; warmed after each commit
(:func:`konvergensi.measurements.tasks.warm`). The page is :mod:`.views_quality`."""

from __future__ import annotations

import numpy as np
import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.wilayah.models import Region
from konvergensi_core.aggregates import (
    AGE_GROUPS,
    ATTENTION,
    DEFAULT_THRESHOLDS,
    RETRAIN,
    age_group_expr,
    measure_levels,
    moment_level,
    quality_area,
    quality_by,
    sd_level,
)
from konvergensi_core.stats import age_heaping, zscore_summary

from . import charts, selectors
from .models import MeasurementRound

LEVEL_ORDER = {"pelatihan": 0, "perhatian": 1, "baik": 2, "sedikit": 3}
LEVEL_LABEL = {
    "pelatihan": gettext_lazy("Perlu pelatihan ulang"),
    "perhatian": gettext_lazy("Perlu perhatian"),
    "baik": gettext_lazy("Baik"),
    "sedikit": gettext_lazy("Terlalu sedikit"),
}
LEVEL_BADGE = {
    "pelatihan": "late",
    "perhatian": "s-perlu_perbaikan",
    "baik": "s-diverifikasi",
    "sedikit": "s-none",
}
INDEX_LABELS = {"len": "TB/U", "wei": "BB/U", "wfl": "BB/TB", "bmi": "IMT/U"}


def _num(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    return charts.number(float(value), digits)


def _bad(level: str | None) -> bool:
    """A measure's level (:mod:`konvergensi_core.aggregates`) calls for a warning mark."""
    return level in (RETRAIN, ATTENTION)


def _share(mask: pl.Series) -> float | None:
    n = mask.len()
    return 100 * float(mask.sum()) / n if n else None


def _coverage(scope, rnd: MeasurementRound, measured: int) -> tuple[float | None, int | None]:
    """Children measured ÷ under-fives of the reader's desa in the data sasaran (latest year up to
    the round's)."""
    from konvergensi.indicators.selectors import balita_latest

    year, per_desa = balita_latest(rnd.kabkota_id, up_to=rnd.tahun, scope=scope)
    if year is None:
        return None, None
    balita = sum(per_desa.values())
    return (100 * measured / balita if balita else None), year


def _indices(frame: pl.DataFrame, t=DEFAULT_THRESHOLDS) -> list[dict]:
    out = []
    for index, label in INDEX_LABELS.items():
        z = frame.get_column(f"z{index}").to_numpy().astype(float)
        flags = frame.get_column(f"f{index}").to_numpy().astype(float)
        summary = zscore_summary(z, flags)
        known = np.isfinite(flags)
        out.append(
            {
                "label": label,
                "n": summary.n,
                "missing": _num(100 * float(np.isnan(z).mean()) if z.size else None),
                "flagged": _num(100 * float((flags[known] == 1).mean()) if known.any() else None),
                "mean": _num(summary.mean, 2),
                "sd": _num(summary.sd, 2),
                "sd_bad": _bad(sd_level(summary.sd, summary.n, t)),
                "skewness": _num(summary.skewness, 2),
                "skew_bad": _bad(moment_level(summary.skewness, summary.n, t)),
                "kurtosis": _num(summary.kurtosis, 2),
                "kurt_bad": _bad(moment_level(summary.kurtosis, summary.n, t)),
            }
        )
    return out


def _positions(frame: pl.DataFrame) -> list[dict]:
    """Per age band: children measured lying / standing / position not recorded."""
    table = (
        frame.with_columns(band=age_group_expr())
        .group_by("band")
        .agg(
            total=pl.len(),
            lying=(pl.col("measure") == 1).sum(),
            standing=(pl.col("measure") == 2).sum(),
            unknown=((pl.col("measure") == 0) | pl.col("measure").is_null()).sum(),
        )
    )
    by_band = {r["band"]: r for r in table.iter_rows(named=True)}
    out = []
    for label in AGE_GROUPS:
        r = by_band.get(label, {"total": 0, "lying": 0, "standing": 0, "unknown": 0})
        young = label != AGE_GROUPS[-1]
        wrong = r["standing"] if young else r["lying"]
        out.append({"label": f"{label} bln", "total": r["total"], "lying": r["lying"], "standing": r["standing"],
                    "unknown": r["unknown"], "wrong_pct": _num(100 * wrong / r["total"] if r["total"] else None),
                    "expected": _("terlentang") if young else _("berdiri")})  # fmt: skip
    return out


def _verdicts(table: pl.DataFrame, names: dict[str, str]) -> list[dict]:
    rows = []
    for r in table.iter_rows(named=True):
        desa = r["desa_kode"]
        rows.append(
            {
                "desa": names.get(desa, desa or "—"),
                "kecamatan": names.get((desa or "")[:8], ""),
                "kec_kode": (desa or "")[:8],
                "posyandu": r.get("posyandu") or _("(tanpa nama posyandu)"),
                "children": r["children"],
                "level": r["level"],
                "level_label": LEVEL_LABEL.get(r["level"], r["level"]),
                "badge": LEVEL_BADGE.get(r["level"], ""),
                "verdict": r["verdict"],
                "sd_zlen": _num(r["sd_zlen"], 2),
                "flagged_len": _num(100 * r["flagged_len"] if r["flagged_len"] is not None else None),
                "dps_weight": _num(r["dps_weight"]),
                "dps_lenhei": _num(r["dps_lenhei"]),
            }
        )
    rows.sort(key=lambda r: (LEVEL_ORDER.get(r["level"], 9), r["kecamatan"], r["desa"], r["posyandu"]))
    return rows


def _level_counts(rows: list[dict]) -> list[tuple[str, str, int, str]]:
    counts = dict.fromkeys(LEVEL_ORDER, 0)
    for r in rows:
        counts[r["level"]] = counts.get(r["level"], 0) + 1
    return [(k, LEVEL_LABEL[k], counts[k], LEVEL_BADGE[k]) for k in LEVEL_ORDER]


def panel_key(rnd: MeasurementRound, scope, language: str) -> str:
    """The cache key of the panel of what ``scope`` sees of the round: it changes with the round's
    data (every committed import, :func:`~.selectors.data_version`), so cached figures are never
    those of before; every reader who sees the whole district shares one."""
    version = selectors.data_version([rnd.pk])
    return f"quality:{rnd.pk}:{version}:{selectors.scope_key(scope, rnd.kabkota_id)}:{language}"


def panel_figures(rnd: MeasurementRound, scope, language: str) -> dict:
    """The panel's figures for what ``scope`` sees of the district, computed once per round and
    import (:func:`panel_key`) and kept in the cache: the measures read every child. The charts
    are drawn apart (:func:`panel_chart`, their own URL), the coverage is read on each visit
    (:func:`coverage`: the data sasaran change without the round). Warmed for the district and
    each of its kecamatan after each commit (:func:`konvergensi.measurements.tasks.warm`)."""

    def compute() -> dict:
        frame = selectors.round_frame(round_id=rnd.pk, scope=scope, from_cache=True)
        data: dict = {"n": frame.height}
        if frame.height:
            data |= _figures(rnd, frame)
        return data

    return selectors.cached(panel_key(rnd, scope, language), compute)


CHARTS = {
    "weight": gettext_lazy("Sebaran angka desimal berat badan"),
    "lenhei": gettext_lazy("Sebaran angka desimal panjang/tinggi badan"),
    "age": gettext_lazy("Sebaran usia per bulan"),
    "position": gettext_lazy("Cara ukur menurut usia"),
}


def draw_chart(name: str, chart: dict) -> str:
    """One chart of the panel (``chart``: its entry in the figures' ``charts``) as SVG."""
    t = DEFAULT_THRESHOLDS
    if name == "weight":
        fig = charts.digit_chart(chart["counts"], title=_("Angka desimal berat badan"), level=chart["level"],
                                 thresholds=t)  # fmt: skip
    elif name == "lenhei":
        fig = charts.digit_chart(chart["counts"], title=_("Angka desimal panjang/tinggi badan"),
                                 level=chart["level"], thresholds=t)  # fmt: skip
    elif name == "age":
        fig = charts.age_chart(chart["counts"], level=chart["level"])
    else:
        fig = charts.position_chart(chart["bands"])
    return charts.svg_inline(fig, label=str(CHARTS[name]), prefix=name[:2])


def panel_chart(rnd: MeasurementRound, scope, language: str, name: str) -> str | None:
    """The SVG of one chart of the panel (:data:`CHARTS`), drawn once per panel and kept with
    it (same key); None when the round has no data for ``scope`` or ``name`` is no chart."""
    if name not in CHARTS:
        return None

    def compute() -> str:
        figures = panel_figures(rnd, scope, language)
        return draw_chart(name, figures["charts"][name]) if figures["n"] else ""

    return selectors.cached(f"{panel_key(rnd, scope, language)}:chart:{name}", compute) or None


def quality_marks(frame: pl.DataFrame, area: dict, t=DEFAULT_THRESHOLDS) -> dict:
    """What the panel marks for the reader's whole area — the z-score table's warnings, the stat
    cards and what the digit and age charts colour (``charts``: their data, drawn by
    :func:`draw_chart`) — from the levels of the one set of
    thresholds (:func:`konvergensi_core.aggregates.measure_levels`) that also words the area's
    verdict (``area``: its :func:`~konvergensi_core.aggregates.quality_area` row)."""
    levels = measure_levels(area, t)
    heaping = age_heaping(frame.get_column("age_months").to_numpy())
    chart_data = {
        "weight": {"counts": list(area["counts_weight"]), "level": levels["dps_weight"]},
        "lenhei": {"counts": list(area["counts_lenhei"]), "level": levels["dps_lenhei"]},
        "age": {"counts": heaping.counts.tolist(), "level": levels["heaping"]},
    }
    return {
        "indices": _indices(frame, t),
        "dps": {
            "weight": _num(area["dps_weight"]),
            "lenhei": _num(area["dps_lenhei"]),
            "weight_bad": _bad(levels["dps_weight"]),
            "lenhei_bad": _bad(levels["dps_lenhei"]),
        },
        "heaping": {
            "whole": _num(heaping.whole_year_ratio, 2),
            "half": _num(heaping.half_year_ratio, 2),
            "bad": _bad(levels["heaping"]),
        },
        "sex": {
            "boys": area["boys"],
            "girls": area["girls"],
            "ratio": _num(area["sex_ratio"], 2),
            "bad": _bad(levels["sex_ratio"]),
        },
        "charts": chart_data,
    }


def coverage(rnd: MeasurementRound, scope, measured: int) -> dict:
    """Children measured ÷ under-fives of the reader's desa in the data sasaran, read on each
    visit (two small queries): the data sasaran may change while the round's figures stay cached."""
    value, year = _coverage(scope, rnd, measured)
    return {"coverage": value, "sasaran_year": year}


def _figures(rnd: MeasurementRound, frame: pl.DataFrame) -> dict:
    t = DEFAULT_THRESHOLDS
    kab = rnd.kabkota
    names = dict(Region.objects.filter(kode__startswith=kab.kode + ".").values_list("kode", "nama"))
    rows = selectors.quality_frame(frame)
    # One verdict per cause: the reader's whole area first, then the units judged against it.
    area = quality_area(rows, t)
    posyandu = _verdicts(quality_by(rows, ["desa_kode", "posyandu"], t, area=area), names)
    desa = _verdicts(quality_by(rows, ["desa_kode"], t, area=area), names)
    positions = _positions(frame)
    marks = quality_marks(frame, area, t)
    marks["charts"]["position"] = {"bands": positions}
    return marks | {
        "missing": {
            "weight": _num(_share(frame.get_column("weight").is_null())),
            "lenhei": _num(_share(frame.get_column("lenhei").is_null())),
            "position": _num(_share(frame.get_column("measure").fill_null(0) == 0)),
        },
        "area": {
            "level": area["level"],
            "level_label": LEVEL_LABEL.get(area["level"], area["level"]),
            "badge": LEVEL_BADGE.get(area["level"], ""),
            "verdict": area["verdict"],
        },
        "limits": {
            "dps": _num(t.dps, 0),
            "sd": f"{_num(t.sd_low)}–{_num(t.sd_high)}",
            "moment": _num(t.moment_limit),
            "flagged_retrain": _num(100 * t.flagged_retrain, 0),
            "min_children": t.min_children,
        },
        "positions": positions,
        "posyandu": posyandu,
        "desa": desa,
        "posyandu_levels": _level_counts(posyandu),
        "desa_levels": _level_counts(desa),
        "kecamatan_names": {k: v for k, v in names.items() if len(k) == 8},
    }
