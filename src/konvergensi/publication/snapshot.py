"""The public snapshot of a measurement round (Aksi 7): what a publication freezes.

**The snapshot** (:func:`publication_build`) is plain JSON built once, when the district publishes:

* ``district``, ``kecamatan``, ``desa``: one hierarchy (desa → kecamatan → kab/kota) from
  :func:`konvergensi_core.aggregates.hierarchy_table`, passed through
  :func:`konvergensi_core.suppression.suppress` with the round's ``min_cell``: a unit with fewer
  children measured shows "—" everywhere, 1–4 cases show "< 5", and complementary cells are hidden
  so that no hidden value can be worked out from the totals. Only the suppressed counts, their
  display strings, prevalence and Wilson 95 % CI (shown only where both the count and the unit's
  children measured are shown) and the coverage (where the children measured are shown) are kept.
  There is no puskesmas table: a second hierarchy over the same children would undo the suppression.
* ``trend``: the district's rates in its earlier published rounds (from their own snapshots).
* ``quality``: the district-level data-quality verdict (``verdict_parts``: its key and parameters)
  and key measures, and how many desa and posyandu fall in each verdict level; nothing of a unit
  below ``min_cell``.
* ``coverage``: children measured ÷ under-fives of the data sasaran.
* ``method``: the keys of the paragraphs of the method note (routine data, WHO 2006 and Permenkes
  2/2020, flags, Wilson CI, suppression), worded in the reader's language by :mod:`.wording`;
  no sentence is stored (version 2; version 1 stored the Indonesian sentences, still read).

There is never a personal field in it: it is built from the measurements app's :func:`~konvergensi.measurements.selectors.round_frame` (no personal
column) and only aggregates leave this module.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy

from konvergensi.indicators.selectors import balita_latest
from konvergensi.measurements import selectors
from konvergensi.measurements.models import MeasurementRound
from konvergensi.wilayah.models import Region
from konvergensi_core.aggregates import hierarchy_table, quality_by
from konvergensi_core.stats import zscore_summary
from konvergensi_core.suppression import suppress

from . import wording
from .models import Publication

SNAPSHOT_VERSION = 2  # 2: no sentences, keys and parameters worded at render time (.wording)
COUNTS = ("measured", "stunted", "severely_stunted", "wasted", "underweight", "overweight")
RATES = ("stunted", "severely_stunted", "wasted", "underweight", "overweight")
RATE_LABELS = {
    "stunted": gettext_lazy("Stunting (TB/U < −2 SD)"),
    "severely_stunted": gettext_lazy("Sangat pendek (TB/U < −3 SD)"),
    "wasted": gettext_lazy("Gizi kurang/wasting (BB/TB < −2 SD)"),
    "underweight": gettext_lazy("Berat badan kurang (BB/U < −2 SD)"),
    "overweight": gettext_lazy("Gizi lebih (BB/TB > +2 SD)"),
}
INDEX_LABELS = {"len": "TB/U", "wei": "BB/U", "wfl": "BB/TB"}
LEVELS = ("pelatihan", "perhatian", "baik", "sedikit")


def _f(value, digits: int = 4) -> float | None:
    """A finite float rounded, or None (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# ---- the snapshot -----------------------------------------------------------------------------


def _row(r: dict, names: dict[str, str]) -> dict:
    """One published unit: suppressed counts, display strings, prevalence and CI where shown."""
    out = {
        "kode": r["kode"],
        "nama": names.get(r["kode"], r["kode"]),
        "parent": r["parent"],
        "level": r["level"],
        "hidden": bool(r["suppressed_measured"]),
    }
    for m in COUNTS:
        out[m] = r[m]
        out[f"{m}_display"] = r[f"{m}_display"]
    for m in RATES:
        out[f"{m}_n"] = r.get(f"{m}_n")  # the valid children behind a shown prevalence (null where hidden)
        out[f"{m}_prevalence"] = _f(r[f"{m}_prevalence"])
        out[f"{m}_ci_low"] = _f(r[f"{m}_ci_low"])
        out[f"{m}_ci_high"] = _f(r[f"{m}_ci_high"])
        out[f"{m}_prevalence_display"] = r[f"{m}_prevalence_display"]
        out[f"{m}_ci_display"] = r[f"{m}_ci_display"]
    return out


def _coverage(rows: list[dict], balita: dict[str, int], desa_of: dict[str, list[str]]) -> None:
    """Children measured ÷ under-fives, per unit where the children measured are shown and every
    desa of the unit has its under-fives in the data sasaran (in place)."""
    for row in rows:
        members = [row["kode"]] if row["level"] == "desa" else desa_of.get(row["kode"], [])
        known = [balita[d] for d in members if d in balita]
        total = sum(known)
        complete = bool(members) and len(known) == len(members)
        row["balita"] = total if complete else None
        row["coverage"] = (
            _f(100 * row["measured"] / total, 1)
            if complete and total > 0 and row["measured"] is not None
            else None
        )


def _quality(frame: pl.DataFrame, min_cell: int) -> dict:
    """District-level quality verdict and key measures; per desa and posyandu only how many fall in
    each verdict level (never a unit's own figures)."""
    if frame.height < max(min_cell, 1):
        return {"assessed": False}
    q = quality_by(selectors.quality_frame(frame).with_columns(__unit=pl.lit("all")), "__unit").row(
        0, named=True
    )
    indices = []
    for index, label in INDEX_LABELS.items():
        z = frame.get_column(f"z{index}").to_numpy().astype(float)
        flags = frame.get_column(f"f{index}").to_numpy().astype(float)
        summary = zscore_summary(z, flags)
        indices.append(
            {
                "index": index,
                "label": label,
                "flagged_pct": _f(100 * (q[f"flagged_{index}"] or 0), 1),
                "missing_pct": _f(100 * float(np.isnan(z).mean()), 1),
                "mean": _f(summary.mean, 2),
                "sd": _f(summary.sd, 2),
                "skewness": _f(summary.skewness, 2),
                "kurtosis": _f(summary.kurtosis, 2),
            }
        )

    def levels(by) -> dict[str, int]:
        # One verdict per cause: a problem of the whole district is its own, not every desa's.
        counted = quality_by(selectors.quality_frame(frame), by, area=q).get_column("level").value_counts()
        found = dict(
            zip(counted.get_column("level").to_list(), counted.get_column("count").to_list(), strict=True)
        )
        return {level: int(found.get(level, 0)) for level in LEVELS}

    return {
        "assessed": True,
        "level": q["level"],
        **_verdict(q["verdict"]),
        "indices": indices,
        "dps_weight": _f(q["dps_weight"], 1),
        "dps_lenhei": _f(q["dps_lenhei"], 1),
        "whole_year_ratio": _f(q["whole_year_ratio"], 2),
        "sex_ratio": _f(q["sex_ratio"], 2),
        "missing_lenhei_pct": _f(100 * (q["missing_lenhei"] or 0), 1),
        "desa_levels": levels("desa_kode"),
        "posyandu_levels": levels(["desa_kode", "posyandu"]),
    }


def _verdict(verdict: str) -> dict:
    """The verdict as its key and parameters (worded in the reader's language by
    :func:`.wording.verdict_text`); the sentence itself only if its wording is not known."""
    parts = wording.parse_verdict(verdict)
    return {"verdict_parts": parts} if parts is not None else {"verdict": verdict}


def _trend(rnd: MeasurementRound, kabkota_row: dict) -> list[dict]:
    """District rates of the district's earlier published rounds, oldest first, then this one."""
    earlier = (
        Publication.objects.filter(
            round__kabkota_id=rnd.kabkota_id,
            withdrawn_at__isnull=True,
            round__tanggal_mulai__lt=rnd.tanggal_mulai,
        )
        .exclude(round=rnd)
        .select_related("round")
        .order_by("round__tanggal_mulai", "round_id", "-published_at")
    )
    points, seen = [], set()
    for pub in earlier:
        if pub.round_id in seen:
            continue
        seen.add(pub.round_id)
        d = (pub.data or {}).get("district") or {}
        points.append(_trend_point(pub.round, d))
    points.append(_trend_point(rnd, kabkota_row))
    return points


def _trend_point(rnd: MeasurementRound, d: dict) -> dict:
    point = {"round": rnd.pk, "nama": rnd.nama, "tanggal_mulai": _iso(rnd.tanggal_mulai),
             "measured_display": d.get("measured_display", "—")}  # fmt: skip
    for m in RATES:
        for suffix in ("prevalence", "ci_low", "ci_high", "prevalence_display", "ci_display"):
            point[f"{m}_{suffix}"] = d.get(f"{m}_{suffix}")
    return point


def publication_build(rnd: MeasurementRound) -> dict:
    """The public snapshot of a round (see the module docstring). Reads the whole district."""
    kab = rnd.kabkota_id
    frame = selectors.round_frame(round_id=rnd.pk)
    names = dict(Region.objects.filter(kode__startswith=kab + ".").values_list("kode", "nama"))
    kabkota = Region.objects.get(kode=kab)
    names[kab] = kabkota.nama
    provinsi = Region.objects.filter(kode=kab[:2]).first()
    desa_of: dict[str, list[str]] = {}
    for kode in names:
        if kode.count(".") == 3:
            desa_of.setdefault(kode[:8], []).append(kode)
    desa_of[kab] = [k for k in names if k.count(".") == 3]

    table = hierarchy_table(frame) if frame.height else pl.DataFrame()
    rows: list[dict] = []
    if table.height:
        published = suppress(table, min_n=rnd.min_cell)
        rows = [_row(r, names) for r in published.iter_rows(named=True)]
    kabkota_row = next((r for r in rows if r["level"] == "kabkota"), None) or _empty_kabkota(
        kab, kabkota.nama
    )
    kecamatan = sorted((r for r in rows if r["level"] == "kecamatan"), key=lambda r: r["kode"])
    desa = sorted((r for r in rows if r["level"] == "desa"), key=lambda r: r["kode"])

    year, balita = balita_latest(kab, up_to=rnd.tahun)
    _coverage([kabkota_row, *kecamatan, *desa], balita, desa_of)
    measured_desa = [r["kode"] for r in desa]
    coverage = {
        "tahun": year,
        "balita": kabkota_row["balita"]
        if kabkota_row.get("balita") is not None
        else (sum(balita.values()) or None),
        "percent": kabkota_row.get("coverage"),
        "desa_with_sasaran": len(balita),
        "desa_total": len(desa_of[kab]),
        "measured_desa_without_sasaran": sum(1 for d in measured_desa if d not in balita),
    }
    if coverage["percent"] is None and kabkota_row["measured"] is not None and coverage["balita"]:
        # Not every desa has its under-fives: the share over those that have them, marked partial.
        coverage["percent"] = _f(100 * kabkota_row["measured"] / coverage["balita"], 1)
        coverage["partial"] = True
    return {
        "version": SNAPSHOT_VERSION,
        "kabkota": {"kode": kab, "nama": kabkota.nama},
        "provinsi": {"kode": provinsi.kode, "nama": provinsi.nama} if provinsi else None,
        "round": {
            "id": rnd.pk,
            "nama": rnd.nama,
            "tanggal_mulai": _iso(rnd.tanggal_mulai),
            "tanggal_selesai": _iso(rnd.tanggal_selesai),
            "tahun": rnd.tahun,
            "min_cell": rnd.min_cell,
        },
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "district": kabkota_row,
        "kecamatan": kecamatan,
        "desa": desa,
        "trend": _trend(rnd, kabkota_row),
        "quality": _quality(frame, rnd.min_cell),
        "coverage": coverage,
        "method": list(wording.METHOD_KEYS),
    }


def _empty_kabkota(kode: str, nama: str) -> dict:
    row = {"kode": kode, "nama": nama, "parent": None, "level": "kabkota", "hidden": False}
    for m in COUNTS:
        row[m], row[f"{m}_display"] = 0, "0"
    for m in RATES:
        row |= {f"{m}_prevalence": None, f"{m}_ci_low": None, f"{m}_ci_high": None,
                f"{m}_prevalence_display": "—", f"{m}_ci_display": "—"}  # fmt: skip
    return row
