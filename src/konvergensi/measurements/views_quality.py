"""The data-quality panel of a round (WHO-UNICEF 2019 recommendations), for the reader's part of
the district: shares flagged and missing, SD/skewness/kurtosis of the z-scores, digit preference,
age heaping, sex ratio, measurement position by age, duplicates found at import, and the plain-language
verdict per posyandu and per desa (:func:`konvergensi_core.aggregates.quality_by`) so the district
knows where to retrain measurers. Routine data: labelled with their coverage, never as a survey."""

from __future__ import annotations

import numpy as np
import polars as pl
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope
from konvergensi.wilayah.models import Region
from konvergensi_core.aggregates import AGE_GROUPS, age_group_expr, quality_by
from konvergensi_core.stats import age_heaping, digit_preference, sex_ratio, zscore_summary

from . import charts, selectors
from .models import MeasurementRound
from .views import round_or_404

LEVEL_ORDER = {"pelatihan": 0, "perhatian": 1, "baik": 2, "sedikit": 3}
LEVEL_LABEL = {
    "pelatihan": _lazy("Perlu pelatihan ulang"),
    "perhatian": _lazy("Perlu perhatian"),
    "baik": _lazy("Baik"),
    "sedikit": _lazy("Terlalu sedikit"),
}
LEVEL_BADGE = {
    "pelatihan": "late",
    "perhatian": "s-perlu_perbaikan",
    "baik": "s-diverifikasi",
    "sedikit": "s-none",
}
INDEX_LABELS = {"len": "TB/U", "wei": "BB/U", "wfl": "BB/TB", "bmi": "IMT/U"}
DUPLICATE_KEYS = ("duplicates", "duplicate", "duplikat")


def _num(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    return charts.number(float(value), digits)


def _share(mask: pl.Series) -> float | None:
    n = mask.len()
    return 100 * float(mask.sum()) / n if n else None


def _coverage(request, rnd: MeasurementRound, measured: int) -> tuple[float | None, int | None]:
    """Children measured ÷ under-fives of the reader's desa in the data sasaran (latest year up to
    the round's)."""
    from konvergensi.indicators.selectors import balita_latest

    year, per_desa = balita_latest(rnd.kabkota_id, up_to=rnd.tahun, scope=request.scope)
    if year is None:
        return None, None
    balita = sum(per_desa.values())
    return (100 * measured / balita if balita else None), year


def _indices(frame: pl.DataFrame) -> list[dict]:
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
                "sd_bad": summary.n >= 30 and np.isfinite(summary.sd) and not 0.8 <= summary.sd <= 1.2,
                "skewness": _num(summary.skewness, 2),
                "skew_bad": np.isfinite(summary.skewness) and abs(summary.skewness) > 0.5,
                "kurtosis": _num(summary.kurtosis, 2),
                "kurt_bad": np.isfinite(summary.kurtosis) and abs(summary.kurtosis) > 0.5,
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


def _duplicates(rnd: MeasurementRound) -> dict | None:
    """What the committed imports of the round found (counts in their summary, when recorded)."""
    imports = list(selectors.committed_imports([rnd.pk]).values_list("summary", flat=True))
    if not imports:
        return None
    totals = {"imports": len(imports), "rows": 0, "reject": 0, "duplicates": None}
    for summary in imports:
        counts = (summary or {}).get("counts", summary or {})
        totals["rows"] += int(counts.get("rows") or 0)
        totals["reject"] += int(counts.get("reject") or 0)
        for key in DUPLICATE_KEYS:
            found = counts.get(key, (summary or {}).get(key))
            if found is not None:
                totals["duplicates"] = (totals["duplicates"] or 0) + int(found)
                break
    return totals


def _verdicts(frame: pl.DataFrame, by: list[str], names: dict[str, str]) -> list[dict]:
    table = quality_by(selectors.quality_frame(frame), by)
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
                "dps_weight": _num(r["dps_weight"], 0),
                "dps_lenhei": _num(r["dps_lenhei"], 0),
            }
        )
    rows.sort(key=lambda r: (LEVEL_ORDER.get(r["level"], 9), r["kecamatan"], r["desa"], r["posyandu"]))
    return rows


def _level_counts(rows: list[dict]) -> list[tuple[str, str, int, str]]:
    counts = dict.fromkeys(LEVEL_ORDER, 0)
    for r in rows:
        counts[r["level"]] = counts.get(r["level"], 0) + 1
    return [(k, LEVEL_LABEL[k], counts[k], LEVEL_BADGE[k]) for k in LEVEL_ORDER]


POSYANDU_SHOWN = 60  # without a kecamatan chosen: the worst posyandu of the district


def _computed(request, rnd: MeasurementRound) -> dict:
    """The panel's figures for the reader's part of the district, computed once per round and
    import (a new commit changes the key) and kept in the cache: the measures read every child."""
    key = f"quality:{rnd.pk}:{selectors.data_version([rnd.pk])}:{selectors.scope_key(request.scope)}:"
    key += request.LANGUAGE_CODE

    def compute() -> dict:
        frame = selectors.round_frame(round_id=rnd.pk, scope=request.scope)
        data: dict = {"n": frame.height}
        if frame.height:
            data |= _figures(request, rnd, frame)
        return data

    return selectors.cached(key, compute)


def _figures(request, rnd: MeasurementRound, frame: pl.DataFrame) -> dict:
    kab = rnd.kabkota
    coverage, year = _coverage(request, rnd, frame.height)
    names = dict(Region.objects.filter(kode__startswith=kab.kode + ".").values_list("kode", "nama"))
    weight = frame.get_column("weight").to_numpy().astype(float)
    lenhei = frame.get_column("lenhei").to_numpy().astype(float)
    weight_digits, weight_dps = digit_preference(weight)
    lenhei_digits, lenhei_dps = digit_preference(lenhei)
    heaping = age_heaping(frame.get_column("age_months").to_numpy())
    ratio = sex_ratio(frame.get_column("sex").to_numpy())
    positions = _positions(frame)
    posyandu = _verdicts(frame, ["desa_kode", "posyandu"], names)
    desa = _verdicts(frame, ["desa_kode"], names)
    svg = {
        "weight": charts.svg_inline(charts.digit_chart(weight_digits.tolist(), title=_("Angka desimal berat badan")),
                                    label=_("Sebaran angka desimal berat badan"), prefix="dw"),
        "lenhei": charts.svg_inline(charts.digit_chart(lenhei_digits.tolist(), title=_("Angka desimal panjang/tinggi badan")),
                                    label=_("Sebaran angka desimal panjang/tinggi badan"), prefix="dl"),
        "age": charts.svg_inline(charts.age_chart(heaping.counts.tolist()), label=_("Sebaran usia per bulan"),
                                 prefix="ag"),
        "position": charts.svg_inline(charts.position_chart(positions), label=_("Cara ukur menurut usia"),
                                      prefix="ps"),
    }  # fmt: skip
    return {
        "coverage": coverage,
        "sasaran_year": year,
        "indices": _indices(frame),
        "missing": {
            "weight": _num(_share(frame.get_column("weight").is_null())),
            "lenhei": _num(_share(frame.get_column("lenhei").is_null())),
            "position": _num(_share(frame.get_column("measure").fill_null(0) == 0)),
        },
        "dps": {
            "weight": _num(weight_dps, 0),
            "lenhei": _num(lenhei_dps, 0),
            "weight_bad": weight_dps > 20,
            "lenhei_bad": lenhei_dps > 20,
        },  # fmt: skip
        "heaping": {
            "whole": _num(heaping.whole_year_ratio, 2),
            "half": _num(heaping.half_year_ratio, 2),
            "bad": bool(np.isfinite(heaping.whole_year_ratio) and heaping.whole_year_ratio > 1.5),
        },  # fmt: skip
        "sex": {
            "boys": ratio.boys,
            "girls": ratio.girls,
            "ratio": _num(ratio.ratio, 2),
            "p": ratio.p_value,
            "bad": bool(np.isfinite(ratio.p_value) and ratio.p_value < 0.001),
        },  # fmt: skip
        "positions": positions,
        "posyandu": posyandu,
        "desa": desa,
        "posyandu_levels": _level_counts(posyandu),
        "desa_levels": _level_counts(desa),
        "svg": svg,
        "kecamatan_names": {k: v for k, v in names.items() if len(k) == 8},
    }


@login_required_scope
def quality(request, pk: int):
    rnd = round_or_404(request, pk)
    kab = rnd.kabkota
    data = _computed(request, rnd)
    context = {"rnd": rnd, "kab": kab, "n": data["n"], "active": "quality",
               "can_import": has_permission(request.scope, Permission.MEASUREMENT_IMPORT, kab.kode),
               "can_children": has_permission(request.scope, Permission.CHILD_VIEW, kab.kode)}  # fmt: skip
    if not data["n"]:
        return render(request, "measurements/quality.html", context)
    # Posyandu: the worst of the district, or every posyandu of one kecamatan (pages stay light).
    kecamatan = sorted({r["kec_kode"] for r in data["posyandu"] if r.get("kec_kode")})
    kec = request.GET.get("kec") if request.GET.get("kec") in kecamatan else ""
    posyandu = [r for r in data["posyandu"] if not kec or r.get("kec_kode") == kec]
    flagged = [r for r in posyandu if r["level"] in ("pelatihan", "perhatian")]
    context |= {
        k: v for k, v in data.items() if k not in ("posyandu", "desa")
    } | {
        "kec": kec,
        "kecamatan_choices": [(k, data["kecamatan_names"].get(k, k)) for k in kecamatan],
        "posyandu_flagged": flagged if kec else flagged[:POSYANDU_SHOWN],
        "posyandu_more": 0 if kec else max(0, len(flagged) - POSYANDU_SHOWN),
        "posyandu_other": [r for r in posyandu if r["level"] not in ("pelatihan", "perhatian")] if kec else [],
        "desa_flagged": [r for r in data["desa"] if r["level"] in ("pelatihan", "perhatian")],
        "desa_other": [r for r in data["desa"] if r["level"] not in ("pelatihan", "perhatian")],
        # The imports cover the whole district: shown to those who see all of it.
        "duplicates": _duplicates(rnd) if request.scope.covers(kab.kode, "region") else None,
    }  # fmt: skip
    return render(request, "measurements/quality.html", context)
