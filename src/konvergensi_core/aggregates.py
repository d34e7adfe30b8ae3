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
here per group in one pass with the same formulas (the tests check the two agree). The thresholds
are defined once (:class:`QualityThresholds`, all configurable) and judged by one function per
measure (``sd_level`` … ``sex_level``, :func:`measure_levels`), which the verdict words, the panel's
marks and chart colours and the publication all use. "Beyond chance": a one-sided test at 1 %
(``chance_p``). One verdict per cause: see :func:`quality_by` (``area``).

| measure | "Perlu perhatian" when | source |
|---|---|---|
| children | fewer than 30: not assessed ("Data terlalu sedikit untuk dinilai") | ours; SD and shares mean nothing on a handful |
| SD of HAZ, WAZ, WHZ (unflagged) | outside 0.8–1.2 beyond chance | WHO-UNICEF 2019 (SD ≈ 1 expected); SMART: WHZ SD > 1.2 problematic; the test is ours (40 children with an SD of 1.1 show 1.25 one time in ten) |
| share flagged (WHO limits), per index | above 2 % (above 5 %: "Perlu pelatihan ulang") | WHO-UNICEF 2019: good surveys ≤ 1 %; 2 % allows for routine data |
| share without length/height | above 10 % | ours |
| whole-year age heaping (ratio to uniform) | above 1.5 beyond chance, with ≥ 100 children | ours; WHO-UNICEF 2019 asks for the check, gives no cut-off |
| sex ratio (boys per girl) | p < 0.001 (two-sided test of 50 %) | SMART plausibility check |
| digit preference score (weight, length) | DPS > 20 and χ² of the last digit significant at 1 % (df 9): "Perlu pelatihan ulang" | WHO Anthro Survey Analyser / SMART: DPS > 20 problematic; the χ² test keeps a posyandu of 30 children from being flagged by chance (DPS ≈ 18 is expected at n = 30 even with honest digits) |
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TypeGuard

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

# Verdict levels, worst first; "sedikit": too few children to judge.
RETRAIN, ATTENTION, GOOD, FEW = "pelatihan", "perhatian", "baik", "sedikit"
LEVELS = (RETRAIN, ATTENTION, GOOD, FEW)


@dataclass(frozen=True)
class QualityThresholds:
    """Every cut-off of the data-quality measures, defined once. The verdict words
    (:func:`quality_by`), the panel's warning marks and chart colours and the publication read them
    through :func:`measure_levels` and the ``*_level`` functions, never with their own numbers.

    Sources (the module docstring's table says which cut-off is whose): WHO and UNICEF,
    *Recommendations for data collection, analysis and reporting on anthropometric indicators in
    children under 5 years old*, Geneva 2019 (the SD band, the share flagged, the checks to run),
    and the SMART plausibility check it draws on (WHZ SD > 1,2, digit preference score > 20, the
    sex-ratio test). The rest is ours, said so beside the field.
    """

    min_children: int = 30  # ours: SD and shares mean nothing on a handful
    sd_low: float = 0.8  # WHO-UNICEF 2019: SD of the z-scores ≈ 1 expected
    sd_high: float = 1.2  # SMART: WHZ SD > 1,2 problematic
    moment_limit: float = 0.5  # ours: |skewness|, |excess kurtosis| worth a look (panel only)
    flagged_attention: float = 0.02  # WHO-UNICEF 2019: ≤ 1 % in good surveys; 2 % for routine data
    flagged_retrain: float = 0.05  # ours
    missing_lenhei: float = 0.10  # ours
    heaping_ratio: float = 1.5  # ours: WHO-UNICEF 2019 asks for the check without a cut-off
    heaping_min_children: int = 100  # ours
    sex_ratio_p: float = 0.001  # SMART: test of an equal share of boys and girls
    dps: float = 20.0  # SMART / WHO Anthro Survey Analyser: DPS > 20 problematic
    dps_chi2: float = 21.666  # χ² 0,99 quantile, 9 degrees of freedom: the digits differ beyond chance
    digit_overused: float = 0.2  # ours: a digit used for ≥ 20 % of values (twice its fair share)
    chance_p: float = 0.01  # ours: "beyond chance" = a one-sided test at 1 % (an SD, a unit against its area)


DEFAULT_THRESHOLDS = QualityThresholds()
INDEX_LABELS = {"len": "TB/U", "wei": "BB/U", "wfl": "BB/TB"}


def _finite(x: float | None) -> TypeGuard[float]:
    return x is not None and math.isfinite(x)


def _t(t: QualityThresholds | None) -> QualityThresholds:
    return t or DEFAULT_THRESHOLDS


def sd_level(sd: float | None, n: int, t: QualityThresholds | None = None) -> str | None:
    """SD of ``n`` unflagged z-scores → ``perhatian`` when outside ``sd_low``–``sd_high`` beyond
    chance (one-sided test at ``chance_p`` of ln(SD ÷ the limit)·√(2(n − 1)), the large-sample law
    of an SD: 40 children with an honest SD of 1,1 show 1,25 one time in ten), else ``baik``."""
    t = _t(t)
    if not _finite(sd):
        return None
    if n < t.min_children:
        return FEW
    if t.sd_low <= sd <= t.sd_high:
        return GOOD
    if sd <= 0:
        return ATTENTION
    z = math.log(sd / (t.sd_high if sd > t.sd_high else t.sd_low)) * math.sqrt(2 * (n - 1))
    return ATTENTION if abs(z) > _critical(t) else GOOD


def _critical(t: QualityThresholds) -> float:
    """The one-sided normal quantile of ``chance_p``."""
    return NormalDist().inv_cdf(1 - t.chance_p)


def moment_level(value: float | None, n: int, t: QualityThresholds | None = None) -> str | None:
    """Skewness or excess kurtosis → ``perhatian`` beyond ±``moment_limit`` (panel only)."""
    t = _t(t)
    if not _finite(value):
        return None
    if n < t.min_children:
        return FEW
    return GOOD if abs(value) <= t.moment_limit else ATTENTION


def flagged_level(share: float | None, n: int, t: QualityThresholds | None = None) -> str | None:
    """Share (0–1) of z-scores outside the WHO limits."""
    t = _t(t)
    if not _finite(share):
        return None
    if n < t.min_children:
        return FEW
    return RETRAIN if share > t.flagged_retrain else ATTENTION if share > t.flagged_attention else GOOD


def missing_level(share: float | None, n: int, t: QualityThresholds | None = None) -> str | None:
    """Share (0–1) of children without a length/height."""
    t = _t(t)
    if not _finite(share):
        return None
    if n < t.min_children:
        return FEW
    return ATTENTION if share > t.missing_lenhei else GOOD


def dps_level(
    dps: float | None, chi2: float | None, n: int, t: QualityThresholds | None = None
) -> str | None:
    """Digit preference: ``pelatihan`` when the score is above ``dps`` and the χ² of the last digit
    is significant (a posyandu of 30 honest children scores ≈ 18 by chance)."""
    t = _t(t)
    if not _finite(dps):
        return None
    if n < t.min_children:
        return FEW
    return RETRAIN if dps > t.dps and _finite(chi2) and chi2 > t.dps_chi2 else GOOD


def heaping_level(ratio: float | None, n: int, t: QualityThresholds | None = None) -> str | None:
    """Whole-year age heaping of ``n`` children aged 0–59 months (the share at 12, 24, 36, 48 months
    ÷ the 4/60 expected): ``perhatian`` above ``heaping_ratio`` beyond chance (one-sided binomial
    test at ``chance_p``: 150 honest children reach 1,5 one time in twenty), judged from
    ``heaping_min_children`` children."""
    t = _t(t)
    if not _finite(ratio):
        return None
    if n < max(t.min_children, t.heaping_min_children):
        return FEW
    whole = 4 / 60
    beyond = _share_z(ratio * whole, t.heaping_ratio * whole, n) > _critical(t)
    return ATTENTION if ratio > t.heaping_ratio and beyond else GOOD


def sex_level(p: float | None, n: int, t: QualityThresholds | None = None) -> str | None:
    """Sex ratio: ``perhatian`` when the two-sided p of an equal share is below ``sex_ratio_p``."""
    t = _t(t)
    if not _finite(p):
        return None
    if n < t.min_children:
        return FEW
    return ATTENTION if p < t.sex_ratio_p else GOOD


def measure_levels(unit: dict, t: QualityThresholds | None = None) -> dict[str, str | None]:
    """The level of each measure of one :func:`quality_by` row, by the functions above: keys
    ``dps_weight dps_lenhei flagged_len flagged_wei flagged_wfl sd_zlen sd_zwei sd_zwfl
    missing_lenhei heaping sex_ratio``. None: not measurable (no value)."""
    n = unit["children"]
    out: dict[str, str | None] = {
        f"dps_{p}": dps_level(unit[f"dps_{p}"], unit[f"chi2_{p}"], n, t) for p in ("weight", "lenhei")
    }
    out |= {f"flagged_{i}": flagged_level(unit[f"flagged_{i}"], n, t) for i in INDEX_LABELS}
    out |= {f"sd_z{i}": sd_level(unit[f"sd_z{i}"], min(n, unit[f"n_z{i}"]), t) for i in INDEX_LABELS}
    out["missing_lenhei"] = missing_level(unit["missing_lenhei"], n, t)
    out["heaping"] = heaping_level(unit["whole_year_ratio"], min(n, unit["aged"]), t)
    out["sex_ratio"] = sex_level(unit["sex_ratio_p"], n, t)
    return out


def _digits(column: str, prefix: str) -> list[pl.Expr]:
    """Aggregations: the count of each first decimal digit 0–9 of ``column`` (finite values)."""
    value = pl.col(column)
    digit = ((value.abs() * 10).round(0) % 10).filter(value.is_finite())
    return [(digit == d).sum().cast(pl.Int64).alias(f"__{prefix}{d}") for d in range(10)]


def _digit_measures(prefix: str, t: QualityThresholds) -> dict[str, pl.Expr]:
    """χ² against a uniform last digit (Σ (c − n/10)² / (n/10) = 10 Σc² / n − n), the DPS, the
    counts and the over-used digits (ascending) from the ten counts of :func:`_digits`."""
    counts = [pl.col(f"__{prefix}{d}") for d in range(10)]
    n = pl.sum_horizontal(counts)
    chi2 = 10 * pl.sum_horizontal([c.cast(pl.Float64) ** 2 for c in counts]) / n - n
    top = pl.concat_list(
        [pl.when(c >= t.digit_overused * n).then(pl.lit(d, pl.Int8)) for d, c in enumerate(counts)]
    ).list.drop_nulls()
    some = n > 0
    return {
        f"chi2_{prefix}": pl.when(some).then(chi2),
        f"dps_{prefix}": pl.when(some).then(100 * (chi2 / (9 * n)).sqrt()),
        f"digits_{prefix}": pl.when(some).then(top),
        f"counts_{prefix}": pl.concat_list(counts),
    }


def quality_area(rows: pl.DataFrame, thresholds: QualityThresholds | None = None) -> dict:
    """The :func:`quality_by` row of all ``rows`` together (the district, or the reader's part of
    it): the one place where a problem of the whole area is reported."""
    return (
        quality_by(rows.with_columns(__area=pl.lit(True)), "__area", thresholds)
        .drop("__area")
        .row(0, named=True)
    )


def quality_by(
    rows: pl.DataFrame,
    by: str | Sequence[str],
    thresholds: QualityThresholds | None = None,
    *,
    area: dict | None = None,
) -> pl.DataFrame:
    """Data quality per group (posyandu, desa …) with a plain-language verdict in Indonesian.

    Columns: the ``by`` columns, ``children``, ``sd_zlen sd_zwei sd_zwfl`` (unflagged z) and their
    ``n_zlen …``, ``flagged_len flagged_wei flagged_wfl`` (shares 0–1) of ``n_flen …`` computed
    z-scores, ``missing_lenhei``, ``dps_weight dps_lenhei`` (+ ``chi2_*``, ``counts_*`` the ten
    digit counts and ``digits_*`` the over-used digits), ``whole_year_ratio`` of ``aged`` children,
    ``boys girls sex_ratio sex_ratio_p``, ``level`` (``sedikit`` | ``baik`` | ``perhatian`` |
    ``pelatihan``), ``issues`` (list), ``verdict`` and ``shared`` (the measures left to the area).

    **One verdict per cause.** With ``area`` (the :func:`quality_area` row of the same rows), a
    problem of the whole area is the area's, reported once there, not repeated on every unit: a
    unit is judged on a measure the area itself fails only if the unit is worse than the area
    beyond chance — one-sided test at ``chance_p`` (1 %) of the unit's value against the area's:

    * SD of a z-score: ln(SD unit ÷ SD area)·√(2(n − 1)) (the large-sample law of an SD), in the
      direction the unit's own SD fails (an SD too small where the area's is too large is its own);
    * shares (flagged, without length/height, whole-year ages, boys): the binomial z of the
      unit's share against the area's; for the sex ratio in the direction the unit departs from 50 %;
    * digit preference: χ² of the unit's ten digit counts against the area's digit shares above
      ``dps_chi2`` (df 9): the unit rounds otherwise than the area does.

    The unit must also fail the measure on its own value, with enough children (the ``*_level``
    functions). Such measures are listed in ``shared``; the verdict names only the unit's own.
    """
    t = _t(thresholds)
    keys = _by(by)
    aggs: list[pl.Expr] = [pl.len().cast(pl.Int64).alias("children")]
    for index in INDEX_LABELS:
        z, f = pl.col(f"z{index}"), pl.col(f"f{index}")
        kept = z.filter(z.is_finite() & ~f.fill_null(False))
        aggs += [
            kept.std(ddof=1).alias(f"sd_z{index}"),
            kept.len().cast(pl.Int64).alias(f"n_z{index}"),
            (f.fill_null(False).sum() / f.is_not_null().sum()).alias(f"flagged_{index}"),
            f.is_not_null().sum().cast(pl.Int64).alias(f"n_f{index}"),
        ]
    months = pl.col("age_months")
    in_range = months.is_finite() & (months >= 0) & (months < 60)
    aggs += [
        pl.col("lenhei").is_null().mean().alias("missing_lenhei"),
        (months.floor().is_in([12.0, 24.0, 36.0, 48.0]) & in_range).sum().alias("__whole"),
        in_range.sum().cast(pl.Int64).alias("aged"),
        (pl.col("sex") == 1).sum().cast(pl.Int64).alias("boys"),
        (pl.col("sex") == 2).sum().cast(pl.Int64).alias("girls"),
        *_digits("weight", "weight"),
        *_digits("lenhei", "lenhei"),
    ]
    table = rows.group_by(keys, maintain_order=True).agg(aggs).sort(keys, nulls_last=True)
    table = table.with_columns(
        **_digit_measures("weight", t),
        **_digit_measures("lenhei", t),
        whole_year_ratio=pl.when(pl.col("aged") > 0).then(pl.col("__whole") / pl.col("aged") / (4 / 60)),
        sex_ratio=pl.when(pl.col("girls") > 0).then(pl.col("boys") / pl.col("girls")),
    ).drop("__whole", *[f"__{p}{d}" for p in ("weight", "lenhei") for d in range(10)])
    boys = table.get_column("boys").to_numpy().astype(float)
    girls = table.get_column("girls").to_numpy().astype(float)
    n = boys + girls
    with np.errstate(invalid="ignore", divide="ignore"):
        zstat = np.abs(boys - n / 2) / np.sqrt(n / 4)
    p_values = [math.erfc(z / math.sqrt(2)) if np.isfinite(z) else float("nan") for z in zstat]
    table = table.with_columns(pl.Series("sex_ratio_p", p_values, nan_to_null=True))

    area_levels = measure_levels(area, t) if area is not None else None
    levels, issues_col, verdicts, shared_col = [], [], [], []
    for unit in table.iter_rows(named=True):
        level, issues, verdict, shared = _verdict(unit, t, area, area_levels)
        levels.append(level)
        issues_col.append(issues)
        verdicts.append(verdict)
        shared_col.append(shared)
    return table.with_columns(
        pl.Series("level", levels, dtype=pl.String),
        pl.Series("issues", issues_col, dtype=pl.List(pl.String)),
        pl.Series("verdict", verdicts, dtype=pl.String),
        pl.Series("shared", shared_col, dtype=pl.List(pl.String)),
    )


def _num(x: float, digits: int = 1) -> str:
    return id_number(x, digits)


def _share_z(p: float, p0: float, n: int) -> float:
    """Binomial z of a share ``p`` of ``n`` against ``p0``."""
    var = p0 * (1 - p0) / n if n > 0 else 0.0
    if var <= 0:
        return 0.0 if p == p0 else math.copysign(math.inf, p - p0)
    return (p - p0) / math.sqrt(var)


def own_cause(measure: str, unit: dict, area: dict, t: QualityThresholds | None = None) -> bool:
    """Whether ``unit``, failing ``measure`` (a key of :func:`measure_levels`) as its whole
    ``area`` also does, is worse than the area beyond chance (the rule of :func:`quality_by`)."""
    t = _t(t)
    crit = _critical(t)
    if measure.startswith("sd_z"):
        u, a, n = unit[measure], area[measure], unit[f"n_{measure[3:]}"]
        if u <= 0 or a <= 0 or n < 2:
            return True
        z = math.log(u / a) * math.sqrt(2 * (n - 1))
        return z > crit if u > t.sd_high else z < -crit
    if measure.startswith("flagged_"):
        index = measure.removeprefix("flagged_")
        return _share_z(unit[measure], area[measure], unit[f"n_f{index}"]) > crit
    if measure == "missing_lenhei":
        return _share_z(unit[measure], area[measure], unit["children"]) > crit
    if measure == "heaping":
        whole = 4 / 60  # the ratio is the whole-year share ÷ 4/60
        u, a = unit["whole_year_ratio"] * whole, area["whole_year_ratio"] * whole
        return _share_z(u, a, unit["aged"]) > crit
    if measure == "sex_ratio":
        nu, na = unit["boys"] + unit["girls"], area["boys"] + area["girls"]
        u, a = unit["boys"] / nu, area["boys"] / na
        return math.copysign(1, u - 0.5) * _share_z(u, a, nu) > crit
    if measure.startswith("dps_"):
        prefix = measure.removeprefix("dps_")
        counts, reference = unit[f"counts_{prefix}"], area[f"counts_{prefix}"]
        n, total = sum(counts), sum(reference)
        chi2 = 0.0
        for c, r in zip(counts, reference, strict=True):
            expected = n * r / total
            if expected > 0:
                chi2 += (c - expected) ** 2 / expected
            elif c:
                return True
        return chi2 > t.dps_chi2
    raise ValueError(measure)


def _verdict(
    unit: dict, t: QualityThresholds, area: dict | None = None, area_levels: dict | None = None
) -> tuple[str, list[str], str, list[str]]:
    """(level, issues, verdict, shared) of one group's measures (see :func:`quality_by`)."""
    if unit["children"] < t.min_children:
        return FEW, [], f"Data terlalu sedikit untuk dinilai (< {t.min_children} anak)", []
    levels = measure_levels(unit, t)
    if area_levels is None:
        area_levels = measure_levels(area, t) if area is not None else {}
    shared: list[str] = []

    def failing(measure: str) -> str | None:
        level = levels[measure]
        if level not in (RETRAIN, ATTENTION):
            return None
        if (
            area is not None
            and area_levels.get(measure) in (RETRAIN, ATTENTION)
            and not own_cause(measure, unit, area, t)
        ):
            shared.append(measure)
            return None
        return level

    retrain: list[str] = []
    attention: list[str] = []
    for prefix, label in (("weight", "berat"), ("lenhei", "tinggi/panjang")):
        if failing(f"dps_{prefix}"):
            digits = unit[f"digits_{prefix}"] or []
            which = " dan ".join(str(d) for d in digits[:3]) if digits else "tertentu"
            dps = unit[f"dps_{prefix}"]
            retrain.append(f"preferensi angka desimal {label} tinggi ({which}; skor {_num(dps)})")
    for index, label in INDEX_LABELS.items():
        level = failing(f"flagged_{index}")
        if level:
            share = unit[f"flagged_{index}"]
            limit = t.flagged_retrain if level == RETRAIN else t.flagged_attention
            words = f"{_num(100 * share)} % z-score {label} di luar batas WHO (> {_num(100 * limit, 0)} %)"
            (retrain if level == RETRAIN else attention).append(words)
    for index, label in INDEX_LABELS.items():
        if failing(f"sd_z{index}"):
            sd = unit[f"sd_z{index}"]
            attention.append(
                f"SD z-score {label} {_num(sd, 2)} (di luar {_num(t.sd_low)}–{_num(t.sd_high)} WHO)"
            )
    if failing("missing_lenhei"):
        attention.append(f"{_num(100 * unit['missing_lenhei'], 0)} % anak tanpa tinggi/panjang badan")
    if failing("heaping"):
        attention.append(
            f"usia menumpuk pada 12, 24, 36, 48 bulan ({_num(unit['whole_year_ratio'])}× dari yang diharapkan): "
            "tanggal lahir mungkin ditaksir"
        )
    if failing("sex_ratio") and unit["sex_ratio"] is not None:
        attention.append(
            f"rasio laki-laki/perempuan {_num(unit['sex_ratio'], 2)} tidak wajar (p < {_num(t.sex_ratio_p, 3)})"
        )
    issues = retrain + attention
    if retrain:
        return RETRAIN, issues, "Perlu pelatihan ulang: " + "; ".join(issues), shared
    if attention:
        return ATTENTION, issues, "Perlu perhatian: " + "; ".join(issues), shared
    return GOOD, [], "Baik", shared
