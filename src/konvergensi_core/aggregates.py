"""A round's measurements summed up per unit: prevalence with 95 % CI, breakdowns, data quality.

Input: the accepted, de-duplicated rows of :func:`konvergensi_core.eppgbm.parse_export` (boolean
indicators ``stunted severely_stunted wasted underweight overweight`` and their denominators
``valid_len valid_wfl valid_wei``; z-scores and flags; ``weight lenhei age_months sex``). Everything
is a Polars ``group_by`` over the rows; Python only ever loops over units (to word the verdicts).

**Counts.** ``measured`` = rows; per indicator ``m``: ``m`` (cases), ``m_n`` (records with a valid,
unflagged z for that index — the denominator), ``m_prevalence`` = m / m_n and the Wilson score 95 %
interval ``m_ci_low`` ``m_ci_high`` (:func:`konvergensi_core.stats.wilson_interval`; routine data
is a census of the children measured, not a sample design).

**Data quality** (:func:`quality_by`), after the WHO-UNICEF *Recommendations for data collection,
analysis and reporting on anthropometric indicators in children under 5 years old* (2019) and the
SMART plausibility check they draw on. The measures are those of :mod:`konvergensi_core.stats.quality`
(``zscore_summary``, ``share_flagged``, ``digit_preference``, ``age_heaping``, ``sex_ratio``), computed
here per group in one pass with the same formulas (the tests check the two agree). Default
thresholds (:class:`QualityThresholds`, all configurable):

| measure | "Perlu perhatian" when | source |
|---|---|---|
| children | fewer than 30: not assessed ("Data terlalu sedikit untuk dinilai") | ours; SD and shares mean nothing on a handful |
| SD of HAZ, WAZ, WHZ (unflagged) | outside 0.8–1.2 | WHO-UNICEF 2019 (SD ≈ 1 expected); SMART: WHZ SD > 1.2 problematic |
| share flagged (WHO limits), per index | above 2 % (above 5 %: "Perlu pelatihan ulang") | WHO-UNICEF 2019: good surveys ≤ 1 %; 2 % allows for routine data |
| share without length/height | above 10 % | ours |
| whole-year age heaping (ratio to uniform) | above 1.5, with ≥ 100 children | ours; WHO-UNICEF 2019 asks for the check, gives no cut-off |
| sex ratio (boys per girl) | p < 0.001 (two-sided test of 50 %) | SMART plausibility check |
| digit preference score (weight, length) | DPS > 20 and χ² of the last digit significant at 1 % (df 9): "Perlu pelatihan ulang" | WHO Anthro Survey Analyser / SMART: DPS > 20 problematic; the χ² test keeps a posyandu of 30 children from being flagged by chance (DPS ≈ 18 is expected at n = 30 even with honest digits) |
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from .growth.who2006 import DAYS_PER_MONTH
from .numbers import id_number
from .stats import wilson_interval

# indicator -> its denominator column (records with a valid, unflagged z for that index)
INDICATORS: dict[str, str] = {
    "stunted": "valid_len",
    "severely_stunted": "valid_len",
    "wasted": "valid_wfl",
    "underweight": "valid_wei",
    "overweight": "valid_wfl",
}
AGE_GROUPS = ("0–5", "6–11", "12–23", "24–59")  # completed months
AGE_GROUP = pl.Enum(list(AGE_GROUPS))
SEX_LABELS = {1: "laki-laki", 2: "perempuan"}


def _by(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def aggregate(rows: pl.DataFrame, by: str | Sequence[str] | None = None) -> pl.DataFrame:
    """Counts, prevalence and Wilson 95 % CI per unit (``by`` columns; None = one row for all)."""
    keys = _by(by)
    aggs = [pl.len().cast(pl.Int64).alias("measured")]
    for m, valid in INDICATORS.items():
        aggs += [
            (pl.col(m) & pl.col(valid)).fill_null(False).sum().cast(pl.Int64).alias(m),
            pl.col(valid).fill_null(False).sum().cast(pl.Int64).alias(f"{m}_n"),
        ]
    table = rows.group_by(keys, maintain_order=True).agg(aggs) if keys else rows.select(aggs)
    if keys:
        table = table.sort(keys, nulls_last=True)
    return _with_prevalence(table)


def _with_prevalence(table: pl.DataFrame) -> pl.DataFrame:
    columns = []
    for m in INDICATORS:
        cases = table.get_column(m).to_numpy().astype(float)
        n = table.get_column(f"{m}_n").to_numpy().astype(float)
        lo, hi = wilson_interval(cases, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = cases / n
        columns += [
            pl.Series(f"{m}_prevalence", p, nan_to_null=True),
            pl.Series(f"{m}_ci_low", lo, nan_to_null=True),
            pl.Series(f"{m}_ci_high", hi, nan_to_null=True),
        ]
    return table.with_columns(columns)


def age_group_expr(age_days: str = "age_days") -> pl.Expr:
    """Completed months → ``0–5``, ``6–11``, ``12–23``, ``24–59`` (null outside 0–59)."""
    months = (pl.col(age_days) / DAYS_PER_MONTH).floor()
    return (
        pl.when(months < 0)
        .then(None)
        .when(months < 6)
        .then(pl.lit(AGE_GROUPS[0]))
        .when(months < 12)
        .then(pl.lit(AGE_GROUPS[1]))
        .when(months < 24)
        .then(pl.lit(AGE_GROUPS[2]))
        .when(months < 60)
        .then(pl.lit(AGE_GROUPS[3]))
        .otherwise(None)
        .cast(AGE_GROUP)
    )


def breakdowns(rows: pl.DataFrame, by: str | Sequence[str] | None = None) -> dict[str, pl.DataFrame]:
    """:func:`aggregate` per unit and age group (``age_group``) and per unit and sex (``sex``, 1/2)."""
    keys = _by(by)
    with_group = rows.with_columns(age_group=age_group_expr())
    return {
        "age_group": aggregate(with_group, [*keys, "age_group"]),
        "sex": aggregate(rows, [*keys, "sex"]),
    }


def hierarchy_table(rows: pl.DataFrame, *, desa: str = "desa_kode") -> pl.DataFrame:
    """Desa, kecamatan and kab/kota rows from dotted desa codes (``32.11.01.2001``), additive by
    construction — the input of :func:`konvergensi_core.suppression.suppress`. Columns ``kode
    parent level`` + those of :func:`aggregate`. Rows without a desa code count in no unit."""
    coded = rows.filter(pl.col(desa).is_not_null()).with_columns(
        __kec=pl.col(desa).str.slice(0, 8), __kab=pl.col(desa).str.slice(0, 5)
    )
    parts = []
    for level, column, parent in (
        ("kabkota", "__kab", None),
        ("kecamatan", "__kec", "__kab"),
        ("desa", desa, "__kec"),
    ):
        keys = [column] if parent is None else [column, parent]
        table = aggregate(coded, keys).rename({column: "kode"})
        table = (
            table.rename({parent: "parent"}) if parent else table.with_columns(parent=pl.lit(None, pl.String))
        )
        parts.append(table.with_columns(level=pl.lit(level)))
    out = pl.concat(parts, how="diagonal_relaxed")
    first = ["kode", "parent", "level"]
    return out.select(first + [c for c in out.columns if c not in first])


# ---- data quality ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityThresholds:
    min_children: int = 30
    sd_low: float = 0.8
    sd_high: float = 1.2
    flagged_attention: float = 0.02
    flagged_retrain: float = 0.05
    missing_lenhei: float = 0.10
    heaping_ratio: float = 1.5
    heaping_min_children: int = 100
    sex_ratio_p: float = 0.001
    dps: float = 20.0
    dps_chi2: float = 21.666  # χ² 0.99 quantile, 9 degrees of freedom


INDEX_LABELS = {"len": "TB/U", "wei": "BB/U", "wfl": "BB/TB"}


def _digit_table(rows: pl.DataFrame, keys: list[str], column: str, prefix: str) -> pl.DataFrame:
    """Per group: χ² and DPS of the first decimal digit of ``column``; the digits used for 20 % or
    more of the values (twice their fair share), in ascending order."""
    digit = ((pl.col(column).abs() * 10).round(0) % 10).cast(pl.Int8)
    counted = (
        rows.filter(pl.col(column).is_finite())
        .with_columns(__digit=digit)
        .group_by([*keys, "__digit"])
        .agg(__c=pl.len().cast(pl.Float64))
    )
    per = counted.group_by(keys).agg(__n=pl.col("__c").sum(), __c2=(pl.col("__c") ** 2).sum())
    top = (
        counted.filter(pl.col("__c") >= 0.2 * pl.col("__c").sum().over(keys))
        .sort([*keys, "__digit"])
        .group_by(keys, maintain_order=True)
        .agg(__top=pl.col("__digit"))
    )
    per = per.join(top, on=keys, how="left", nulls_equal=True)
    # χ² against a uniform last digit: Σ (c − n/10)² / (n/10) = 10 Σc² / n − n
    chi2 = 10 * pl.col("__c2") / pl.col("__n") - pl.col("__n")
    return per.select(
        *keys,
        **{
            f"chi2_{prefix}": chi2,
            f"dps_{prefix}": 100 * (chi2 / (9 * pl.col("__n"))).sqrt(),
            f"digits_{prefix}": pl.col("__top"),
        },
    )


def quality_by(
    rows: pl.DataFrame,
    by: str | Sequence[str],
    thresholds: QualityThresholds | None = None,
) -> pl.DataFrame:
    """Data quality per group (posyandu, desa …) with a plain-language verdict in Indonesian.

    Columns: the ``by`` columns, ``children``, ``sd_zlen sd_zwei sd_zwfl`` (unflagged z),
    ``flagged_len flagged_wei flagged_wfl`` and ``missing_lenhei`` (shares 0–1), ``dps_weight
    dps_lenhei`` (+ ``chi2_*`` and ``digits_*``, the over-used digits), ``whole_year_ratio``,
    ``boys girls sex_ratio sex_ratio_p``, ``level`` (``sedikit`` | ``baik`` | ``perhatian`` |
    ``pelatihan``), ``issues`` (list) and ``verdict``.
    """
    t = thresholds or QualityThresholds()
    keys = _by(by)
    aggs: list[pl.Expr] = [pl.len().cast(pl.Int64).alias("children")]
    for index in INDEX_LABELS:
        z, f = pl.col(f"z{index}"), pl.col(f"f{index}")
        aggs += [
            z.filter(z.is_finite() & ~f.fill_null(False)).std(ddof=1).alias(f"sd_z{index}"),
            (f.fill_null(False).sum() / f.is_not_null().sum()).alias(f"flagged_{index}"),
        ]
    months = pl.col("age_months")
    in_range = months.is_finite() & (months >= 0) & (months < 60)
    aggs += [
        pl.col("lenhei").is_null().mean().alias("missing_lenhei"),
        (months.floor().is_in([12.0, 24.0, 36.0, 48.0]) & in_range).sum().alias("__whole"),
        in_range.sum().alias("__aged"),
        (pl.col("sex") == 1).sum().cast(pl.Int64).alias("boys"),
        (pl.col("sex") == 2).sum().cast(pl.Int64).alias("girls"),
    ]
    table = rows.group_by(keys, maintain_order=True).agg(aggs).sort(keys, nulls_last=True)
    for column, prefix in (("weight", "weight"), ("lenhei", "lenhei")):
        table = table.join(_digit_table(rows, keys, column, prefix), on=keys, how="left", nulls_equal=True)
    table = table.with_columns(
        whole_year_ratio=pl.when(pl.col("__aged") > 0).then(pl.col("__whole") / pl.col("__aged") / (4 / 60)),
        sex_ratio=pl.when(pl.col("girls") > 0).then(pl.col("boys") / pl.col("girls")),
    ).drop("__whole", "__aged")
    boys = table.get_column("boys").to_numpy().astype(float)
    girls = table.get_column("girls").to_numpy().astype(float)
    n = boys + girls
    with np.errstate(invalid="ignore", divide="ignore"):
        zstat = np.abs(boys - n / 2) / np.sqrt(n / 4)
    p_values = [math.erfc(z / math.sqrt(2)) if np.isfinite(z) else float("nan") for z in zstat]
    table = table.with_columns(pl.Series("sex_ratio_p", p_values, nan_to_null=True))

    levels, issues_col, verdicts = [], [], []
    for unit in table.iter_rows(named=True):
        level, issues, verdict = _verdict(unit, t)
        levels.append(level)
        issues_col.append(issues)
        verdicts.append(verdict)
    return table.with_columns(
        pl.Series("level", levels, dtype=pl.String),
        pl.Series("issues", issues_col, dtype=pl.List(pl.String)),
        pl.Series("verdict", verdicts, dtype=pl.String),
    )


def _num(x: float, digits: int = 1) -> str:
    return id_number(x, digits)


def _verdict(unit: dict, t: QualityThresholds) -> tuple[str, list[str], str]:
    """(level, issues, verdict) of one group's measures."""
    if unit["children"] < t.min_children:
        return "sedikit", [], f"Data terlalu sedikit untuk dinilai (< {t.min_children} anak)"
    retrain: list[str] = []
    attention: list[str] = []
    for prefix, label in (("weight", "berat"), ("lenhei", "tinggi/panjang")):
        dps, chi2 = unit[f"dps_{prefix}"], unit[f"chi2_{prefix}"]
        if dps is not None and chi2 is not None and dps > t.dps and chi2 > t.dps_chi2:
            digits = unit[f"digits_{prefix}"] or []
            which = " dan ".join(str(d) for d in digits[:3]) if digits else "tertentu"
            retrain.append(f"preferensi angka desimal {label} tinggi ({which}; skor {_num(dps, 0)})")
    for index, label in INDEX_LABELS.items():
        share = unit[f"flagged_{index}"]
        if share is not None and share > t.flagged_retrain:
            retrain.append(
                f"{_num(100 * share)} % z-score {label} di luar batas WHO (> {_num(100 * t.flagged_retrain, 0)} %)"
            )
        elif share is not None and share > t.flagged_attention:
            attention.append(
                f"{_num(100 * share)} % z-score {label} di luar batas WHO (> {_num(100 * t.flagged_attention, 0)} %)"
            )
    for index, label in INDEX_LABELS.items():
        sd = unit[f"sd_z{index}"]
        if sd is not None and np.isfinite(sd) and not t.sd_low <= sd <= t.sd_high:
            attention.append(
                f"SD z-score {label} {_num(sd, 2)} (di luar {_num(t.sd_low)}–{_num(t.sd_high)} WHO)"
            )
    if unit["missing_lenhei"] is not None and unit["missing_lenhei"] > t.missing_lenhei:
        attention.append(f"{_num(100 * unit['missing_lenhei'], 0)} % anak tanpa tinggi/panjang badan")
    ratio = unit["whole_year_ratio"]
    if ratio is not None and unit["children"] >= t.heaping_min_children and ratio > t.heaping_ratio:
        attention.append(
            f"usia menumpuk pada 12, 24, 36, 48 bulan ({_num(ratio)}× dari yang diharapkan): tanggal lahir mungkin ditaksir"
        )
    p = unit["sex_ratio_p"]
    if p is not None and p < t.sex_ratio_p and unit["sex_ratio"] is not None:
        attention.append(f"rasio laki-laki/perempuan {_num(unit['sex_ratio'], 2)} tidak wajar (p < 0,001)")
    issues = retrain + attention
    if retrain:
        return "pelatihan", issues, "Perlu pelatihan ulang: " + "; ".join(issues)
    if attention:
        return "perhatian", issues, "Perlu perhatian: " + "; ".join(issues)
    return "baik", [], "Baik"
