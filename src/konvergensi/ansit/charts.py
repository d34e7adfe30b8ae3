"""Server-side charts and maps of Aksi 1 (matplotlib, no pyplot state): bars per unit sorted, with
the mean and the significance threshold (Gambar 1.2–1.4 of the guideline), and a static map of the
district's kecamatan. One drawing code for every output: SVG inline in pages and in the PDF, PNG in
Word.

Pages run under a strict Content-Security-Policy (``style-src 'self'``), which blocks the ``style``
attributes matplotlib writes into SVG; :func:`svg_inline` turns them into SVG presentation
attributes (``fill="…"``), which the policy does not touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import matplotlib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon

from konvergensi.figures import RC, png, svg, svg_inline  # noqa: F401 - the apps' one output
from konvergensi_core.numbers import id_number

BAR = {"significant": "#d7301f", "above": "#fc8d59", "below": "#91bfdb", "none": "#d0d0d0"}
STATUS_COLOUR = {
    "both": "#b2182b",
    "either": "#ef8a62",
    "above": "#fddbc7",
    "below": "#92c5de",
    "none": "#e0e0e0",
}
MAX_LABELS = 40  # beyond this many units the bars are drawn without names (the table has them)


def _text(label: str) -> str:
    return str(label).replace("$", r"\$")  # never mathtext


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    significant: bool
    above: bool


def _bars(items: Sequence[Bar], colours: list[str], *, width: float) -> PolyCollection:
    """The bars as one collection (one artist, not a patch per bar: ~850 bars took ~1 s to add and
    draw): a rectangle per bar, centred on its position; bars that touch (width 1) as one outline per
    run of neighbours of one colour, which draws the same shape with a few paths instead of hundreds."""
    half = width / 2
    if width < 1.0:
        verts = [
            ((i - half, 0.0), (i - half, b.value), (i + half, b.value), (i + half, 0.0))
            for i, b in enumerate(items)
        ]
        return PolyCollection(verts, facecolors=colours, linewidths=0)
    verts, faces = [], []
    start = 0
    for end in range(1, len(items) + 1):
        if end < len(items) and colours[end] == colours[start]:
            continue
        outline = [(start - half, 0.0)]
        for i in range(start, end):
            outline += [(i - half, items[i].value), (i + half, items[i].value)]
        outline.append((end - half, 0.0))
        verts.append(outline)
        faces.append(colours[start])
        start = end
    return PolyCollection(verts, facecolors=faces, linewidths=0)


def bar_chart(
    bars: Sequence[Bar],
    *,
    mean: float | None,
    threshold: float | None,
    margin: float,
    title: str,
    ylabel: str,
    percent: bool,
) -> Figure:
    """Bars per unit, highest first, coloured significant / above the mean / below, with the mean
    (dashed) and the threshold (dotted) lines labelled with their values."""
    items = sorted(bars, key=lambda b: (-b.value, b.label))
    n = len(items)
    labelled = n <= MAX_LABELS
    width = 7.2 if n <= 20 else 9.0
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, 3.6 if labelled else 3.0), layout="constrained")
        ax = fig.add_subplot()
        colours = [
            BAR["significant"] if b.significant else BAR["above"] if b.above else BAR["below"] for b in items
        ]
        ax.add_collection(_bars(items, colours, width=0.8 if n < 80 else 1.0), autolim=False)
        unit = " %" if percent else ""
        handles = [
            Patch(
                color=BAR["significant"],
                label=_("signifikan (> %(n)s %% di atas rata-rata)") % {"n": round(margin * 100)},
            ),
            Patch(color=BAR["above"], label=_("di atas rata-rata")),
            Patch(color=BAR["below"], label=_("tidak di atas rata-rata")),
        ]
        if mean is not None:
            ax.axhline(mean, color="#333333", linestyle="--", linewidth=1.2)
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#333333",
                    linestyle="--",
                    label=_("rata-rata %(v)s") % {"v": f"{id_number(mean)}{unit}"},
                )
            )
        if threshold is not None:
            ax.axhline(threshold, color="#b2182b", linestyle=":", linewidth=1.5)
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#b2182b",
                    linestyle=":",
                    label=_("ambang signifikan %(v)s") % {"v": f"{id_number(threshold)}{unit}"},
                )
            )
        ax.set_title(_text(title), loc="left", fontsize=10, fontweight="bold")
        ax.set_ylabel(_text(ylabel))
        ax.set_xlim(-0.7, n - 0.3 if n else 0.5)
        if labelled:
            ax.set_xticks(range(n), [_text(b.label) for b in items], rotation=60, ha="right", fontsize=7.5)
        else:
            ax.set_xticks([])
            ax.set_xlabel(_("%(n)s wilayah, diurutkan dari tertinggi (nama di tabel)") % {"n": n})
        ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper right", ncols=2 if n > 12 else 1)
        top = max([b.value for b in items] + [threshold or 0, mean or 0, 1])
        ax.set_ylim(0, top * 1.25)
    return fig


def _rings(geometry: dict) -> Iterable[list]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"][:1]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield polygon[0]


@dataclass(frozen=True)
class Point:
    lng: float
    lat: float
    status: str


STATUS_LABEL = {
    "both": gettext_lazy("signifikan pada prevalensi dan kasus"),
    "either": gettext_lazy("signifikan pada prevalensi atau kasus"),
    "above": gettext_lazy("di atas rata-rata"),
    "below": gettext_lazy("tidak di atas rata-rata"),
    "none": gettext_lazy("tanpa data"),
}


def map_figure(
    features: Sequence[dict], *, polygon_status: dict[str, str] | None, points: Sequence[Point], title: str
) -> Figure:
    """The district's kecamatan: coloured by status when the analysis is per kecamatan, else drawn
    as context under one point per desa office coloured by the status of its unit."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.2, 5.2), layout="constrained")
        ax = fig.add_subplot()
        for f in features:
            status = (polygon_status or {}).get(f["properties"]["kode"], "none")
            colour = STATUS_COLOUR[status] if polygon_status is not None else "#f4f4f4"
            for ring in _rings(f["geometry"]):
                ax.add_patch(Polygon(ring, closed=True, facecolor=colour, edgecolor="#555555", linewidth=0.6))
        if points:
            ax.scatter(
                [p.lng for p in points],
                [p.lat for p in points],
                s=9,
                c=[STATUS_COLOUR[p.status] for p in points],
                edgecolors="#333333",
                linewidths=0.3,
                zorder=3,
            )
        ax.autoscale_view()
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(_text(title), loc="left", fontsize=10, fontweight="bold")
        ax.legend(
            handles=[
                Patch(facecolor=STATUS_COLOUR[k], edgecolor="#555555", label=str(v))
                for k, v in STATUS_LABEL.items()
            ],
            fontsize=7,
            frameon=False,
            loc="lower left",
        )
    return fig
