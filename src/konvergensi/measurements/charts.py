"""Charts and the static map of measurement rounds, drawn on the server with matplotlib (no pyplot
state): the data-quality charts of the panel and the ranked bars, choropleth and trend of the
publication. One drawing code for every output: SVG inline in the pages and in the PDF.

Pages run under a strict Content-Security-Policy (``style-src 'self'``) that blocks the ``style``
attributes matplotlib writes into SVG; :func:`svg_inline` turns them into SVG presentation
attributes, which the policy allows.

Colours of the stunting prevalence follow the WHO/UNICEF public-health thresholds (de Onis et al.
2019): < 2,5 % very low, 2,5–< 10 % low, 10–< 20 % medium, 20–< 30 % high, ≥ 30 % very high.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import matplotlib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon

from konvergensi.figures import RC, png, svg, svg_inline  # noqa: F401 - the apps' one output
from konvergensi_core.aggregates import DEFAULT_THRESHOLDS, QualityThresholds
from konvergensi_core.numbers import id_number

INK = "#1d2733"
MUTED = "#8a96a3"
BRAND = "#0b6e4f"
HIDDEN_FILL = "#e3e6ea"
# WHO/UNICEF thresholds of stunting prevalence (%), and their colours (light → dark).
STUNTING_BANDS = (2.5, 10.0, 20.0, 30.0)
BAND_COLOURS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
BAND_LABELS = (gettext_lazy("sangat rendah (< 2,5 %)"), gettext_lazy("rendah (2,5–< 10 %)"),
               gettext_lazy("sedang (10–< 20 %)"), gettext_lazy("tinggi (20–< 30 %)"),
               gettext_lazy("sangat tinggi (≥ 30 %)"))  # fmt: skip
MAX_LABELS = 40  # beyond this many units the bars have no names (the table has them)


def number(value: float | None, digits: int = 1) -> str:
    """Indonesian number format: 1.234,5 ("—" when missing)."""
    return id_number(value, digits, missing="—")


def _text(label: str) -> str:
    return str(label).replace("$", r"\$")  # never mathtext


def band(percent: float | None) -> int | None:
    """Index 0–4 of the WHO/UNICEF band of a stunting prevalence in %."""
    if percent is None:
        return None
    return sum(percent >= t for t in STUNTING_BANDS)


# ---- the quality panel ------------------------------------------------------------------------


# The colour of a data-quality verdict level (konvergensi_core.aggregates.LEVELS): the bars a
# chart highlights take the colour of the measure's verdict, so that a chart never marks red what
# the verdict calls good. Plain bars are PLAIN.
LEVEL_COLOURS = {"pelatihan": "#d7301f", "perhatian": "#fc8d59", "baik": "#4575b4", "sedikit": "#bdbdbd"}
PLAIN = "#91bfdb"


def level_colour(level: str | None) -> str:
    return LEVEL_COLOURS.get(level or "sedikit", LEVEL_COLOURS["sedikit"])


def digit_chart(
    counts: Sequence[int], *, title: str, level: str | None, thresholds: QualityThresholds | None = None
) -> Figure:
    """Values per last (first decimal) digit 0–9, with the share every digit would have (10 %). The
    over-used digits (``digit_overused`` of the values or more, those the verdict names) take the
    colour of the measure's verdict ``level`` (:func:`konvergensi_core.aggregates.dps_level`)."""
    t = thresholds or DEFAULT_THRESHOLDS
    total = sum(counts) or 1
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(4.2, 2.5), layout="constrained")
        ax = fig.add_subplot()
        shares = [100 * c / total for c in counts]
        colours = [level_colour(level) if s >= 100 * t.digit_overused else PLAIN for s in shares]
        ax.bar(range(10), shares, color=colours, width=0.75, linewidth=0)
        ax.axhline(10, color=INK, linestyle="--", linewidth=1)
        ax.set_xticks(range(10), [f",{d}" for d in range(10)])
        ax.set_ylabel(_("% nilai"))
        ax.set_ylim(0, max([*shares, 12]) * 1.15)
        ax.set_title(_text(title), loc="left", fontsize=9.5, fontweight="bold")
        ax.legend(handles=[Line2D([], [], color=INK, linestyle="--", label=_("tanpa preferensi (10 %)"))],
                  fontsize=7, frameon=False, loc="upper right")  # fmt: skip
    return fig


def age_chart(counts: Sequence[int], *, level: str | None) -> Figure:
    """Children per completed month of age 0–59; the whole years (12, 24, 36, 48) in the colour of
    the heaping verdict ``level`` (:func:`konvergensi_core.aggregates.heaping_level`)."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(7.2, 2.5), layout="constrained")
        ax = fig.add_subplot()
        colours = [level_colour(level) if m in (12, 24, 36, 48) else PLAIN for m in range(len(counts))]
        ax.bar(range(len(counts)), counts, color=colours, width=0.85, linewidth=0)
        mean = sum(counts) / len(counts) if counts else 0
        ax.axhline(mean, color=INK, linestyle="--", linewidth=1)
        ax.set_xticks(range(0, 60, 6))
        ax.set_ylim(0, max([*counts, 1]) * 1.3)
        ax.set_xlabel(_("usia (bulan penuh)"))
        ax.set_ylabel(_("anak"))
        ax.set_title(_("Sebaran usia"), loc="left", fontsize=9.5, fontweight="bold")
        ax.legend(
            handles=[Patch(color=level_colour(level), label=_("usia 12, 24, 36, 48 bulan")),
                     Line2D([], [], color=INK, linestyle="--", label=_("rata-rata per bulan"))],
            fontsize=7, frameon=False, loc="upper right", ncols=2,
        )  # fmt: skip
    return fig


POSITION_COLOURS = {"lying": "#4393c3", "standing": "#f4a582", "unknown": "#d0d0d0"}
POSITION_LABELS = {"lying": gettext_lazy("terlentang"), "standing": gettext_lazy("berdiri"),
                   "unknown": gettext_lazy("tidak dicatat")}  # fmt: skip


def position_chart(bands: Sequence[dict]) -> Figure:
    """Per age band (``label``): shares lying / standing / unknown, stacked to 100 %."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(5.2, 2.4), layout="constrained")
        ax = fig.add_subplot()
        labels = [b["label"] for b in bands]
        left = [0.0] * len(bands)
        for key in ("lying", "standing", "unknown"):
            shares = [100 * b[key] / b["total"] if b["total"] else 0 for b in bands]
            ax.barh(labels, shares, left=left, color=POSITION_COLOURS[key], label=str(POSITION_LABELS[key]),
                    height=0.6, linewidth=0)  # fmt: skip
            left = [a + s for a, s in zip(left, shares, strict=True)]
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(_("% anak"))
        ax.set_title(_("Cara ukur menurut usia"), loc="left", fontsize=9.5, fontweight="bold")
        ax.legend(fontsize=7, frameon=False, loc="lower center", ncols=3, bbox_to_anchor=(0.5, -0.62))
    return fig


# ---- the publication --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    label: str
    value: float | None  # prevalence in %, None when suppressed
    low: float | None = None
    high: float | None = None


def ranked_chart(units: Sequence[Ranked], *, title: str, kabkota_rate: float | None, xlabel: str) -> Figure:
    """Units ranked by prevalence, with their 95 % CI, the district rate, and the suppressed ones
    marked at the end ("—"). Up to :data:`MAX_LABELS` units: horizontal bars with names; more:
    vertical bars without names (the table has them)."""
    shown = sorted((u for u in units if u.value is not None), key=lambda u: (-u.value, u.label))
    hidden = sorted(u.label for u in units if u.value is None)
    labelled = len(units) <= MAX_LABELS
    with matplotlib.rc_context(RC):
        if labelled:
            height = max(2.2, 0.2 * (len(shown) + len(hidden)) + 1.0)
            fig = Figure(figsize=(7.0, height), layout="constrained")
            ax = fig.add_subplot()
            names = [u.label for u in shown] + hidden
            y = list(range(len(names)))
            values = [u.value for u in shown]
            ax.barh(y[: len(shown)], values, color=[BAND_COLOURS[band(v)] for v in values],
                    edgecolor="#7a7a7a", linewidth=0.3, height=0.72)  # fmt: skip
            for i, u in enumerate(shown):
                if u.low is not None and u.high is not None:
                    ax.plot([u.low, u.high], [i, i], color=INK, linewidth=0.7)
            top = max([u.high or u.value for u in shown] + [kabkota_rate or 0, 5])
            for j in range(len(hidden)):
                ax.barh(len(shown) + j, top, color=HIDDEN_FILL, height=0.72, hatch="////", edgecolor="#c4c9cf",
                        linewidth=0)  # fmt: skip
                ax.text(top * 0.01, len(shown) + j, _("— disembunyikan (sel kecil)"), va="center", fontsize=7,
                        color="#5b6876")  # fmt: skip
            ax.set_yticks(y, [_text(n) for n in names], fontsize=7.5)
            ax.invert_yaxis()
            ax.set_xlim(0, top * 1.08)
            ax.set_xlabel(_text(xlabel))
        else:
            fig = Figure(figsize=(7.2, 3.0), layout="constrained")
            ax = fig.add_subplot()
            # Hundreds of bars: one stepped outline per colour band (the units are sorted, so each
            # band is one run) and one path for all the intervals keep the SVG small.
            values = [u.value for u in shown]
            runs: dict[int, list[int]] = {}
            for i, v in enumerate(values):
                runs.setdefault(band(v), []).append(i)
            for b, idx in runs.items():
                ax.stairs([values[i] for i in idx], [idx[0] - 0.5 + k for k in range(len(idx) + 1)],
                          fill=True, color=BAND_COLOURS[b], linewidth=0)  # fmt: skip
            xs, ys = [], []
            for i, u in enumerate(shown):
                if u.low is not None and u.high is not None:
                    xs += [i, i, float("nan")]
                    ys += [u.low, u.high, float("nan")]
            ax.plot(xs, ys, color=INK, linewidth=0.35, alpha=0.6)
            top = max([u.high or u.value for u in shown] + [kabkota_rate or 0, 5])
            width = 0.0
            if hidden:
                # One hatched block, not one bar per hidden unit: it says how many, not where.
                width = max(3.0, min(len(hidden), 0.15 * max(len(shown), 1)))
                start = len(shown) + 0.5
                ax.bar(start + width / 2, top, width=width, color=HIDDEN_FILL, hatch="////", edgecolor="#c4c9cf",
                       linewidth=0)  # fmt: skip
                ax.text(start + width / 2, top * 0.5, _("%(n)s disembunyikan") % {"n": len(hidden)}, rotation=90,
                        ha="center", va="center", fontsize=7, color="#5b6876")  # fmt: skip
            ax.set_xticks([])
            ax.set_xlim(-1, len(shown) + width + 1)
            ax.set_ylim(0, top * 1.1)
            ax.set_xlabel(
                _("%(n)s wilayah diurutkan dari prevalensi tertinggi; %(h)s disembunyikan")
                % {"n": len(shown), "h": len(hidden)}
            )
            ax.set_ylabel(_text(xlabel))
        handles = [Patch(facecolor=c, edgecolor="#7a7a7a", linewidth=0.3, label=str(label))
                   for c, label in zip(BAND_COLOURS, BAND_LABELS, strict=True)]  # fmt: skip
        handles.append(
            Patch(facecolor=HIDDEN_FILL, hatch="////", edgecolor="#c4c9cf", label=_("disembunyikan"))
        )
        if kabkota_rate is not None:
            line = ax.axvline if labelled else ax.axhline
            line(kabkota_rate, color=BRAND, linestyle="--", linewidth=1.2)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=BRAND,
                    linestyle="--",
                    label=_("kab/kota %(v)s") % {"v": f"{number(kabkota_rate)} %"},
                )
            )
        handles.append(Line2D([], [], color=INK, linewidth=0.7, label=_("selang kepercayaan 95 %")))
        ax.set_title(_text(title), loc="left", fontsize=10, fontweight="bold")
        fig.legend(handles=handles, fontsize=6.5, frameon=False, loc="outside lower center", ncols=4)
    return fig


def _rings(geometry: dict) -> Iterable[list]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"][:1]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield polygon[0]


def choropleth(features: Sequence[dict], values: dict[str, float | None], *, title: str) -> Figure:
    """The district's kecamatan coloured by stunting prevalence (% by the WHO/UNICEF bands);
    ``values`` has None for a suppressed kecamatan (hatched) and no key where nothing was measured."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(7.0, 4.4), layout="constrained")
        ax = fig.add_subplot()
        for f in features:
            kode = f["properties"]["kode"]
            value = values.get(kode, "absent")
            for ring in _rings(f["geometry"]):
                if value == "absent":
                    patch = Polygon(
                        ring, closed=True, facecolor="#ffffff", edgecolor="#666666", linewidth=0.5
                    )
                elif value is None:
                    patch = Polygon(ring, closed=True, facecolor=HIDDEN_FILL, edgecolor="#666666", linewidth=0.5,
                                    hatch="////")  # fmt: skip
                else:
                    patch = Polygon(ring, closed=True, facecolor=BAND_COLOURS[band(value)], edgecolor="#666666",
                                    linewidth=0.5)  # fmt: skip
                ax.add_patch(patch)
        ax.autoscale_view()
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(_text(title), loc="left", fontsize=10, fontweight="bold")
        handles = [Patch(facecolor=c, edgecolor="#666666", linewidth=0.5, label=str(label))
                   for c, label in zip(BAND_COLOURS, BAND_LABELS, strict=True)]  # fmt: skip
        handles += [
            Patch(
                facecolor=HIDDEN_FILL, edgecolor="#666666", hatch="////", label=_("disembunyikan (sel kecil)")
            ),
            Patch(facecolor="#ffffff", edgecolor="#666666", label=_("tidak ada data")),
        ]
        fig.legend(handles=handles, fontsize=7, frameon=False, loc="outside right upper")
    return fig


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None  # %
    low: float | None = None
    high: float | None = None


def trend_chart(points: Sequence[TrendPoint], *, title: str) -> Figure:
    """District stunting prevalence per published round, oldest first, with the 95 % CI."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.0, 2.6), layout="constrained")
        ax = fig.add_subplot()
        x = list(range(len(points)))
        known = [(i, p) for i, p in zip(x, points, strict=True) if p.value is not None]
        ax.plot([i for i, _ in known], [p.value for _, p in known], color=BRAND, marker="o", linewidth=1.5)
        for i, p in known:
            if p.low is not None and p.high is not None:
                ax.plot([i, i], [p.low, p.high], color=BRAND, linewidth=0.8, alpha=0.6)
            ax.annotate(
                number(p.value), (i, p.value), textcoords="offset points", xytext=(6, 4), fontsize=7.5
            )
        ax.set_xticks(x, [_text(p.label) for p in points], fontsize=7.5)
        top = max([p.high or p.value for _, p in known] + [5])
        ax.set_ylim(0, top * 1.2)
        ax.set_xlim(-0.5, len(points) - 0.5)
        ax.set_ylabel(_("% stunting"))
        ax.set_title(_text(title), loc="left", fontsize=10, fontweight="bold")
    return fig
