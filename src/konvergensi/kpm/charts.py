"""The trend of a Skor Konvergensi Desa (or of a district's pooled score) per quarter, drawn on the
server (matplotlib, no pyplot) and inlined as SVG (``konvergensi.figures.svg_inline``)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from konvergensi.figures import RC, svg_inline
from konvergensi_core.scorecard import percent_text

BRAND = "#0b6e4f"
LOW = "#c0392b"


def trend_svg(points: Sequence[tuple[str, float | None]], *, title: str, threshold: int | None = None) -> str:
    """``points``: (label "2026 TW1", score 0–100 or None), oldest first."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.0, 2.4), layout="constrained")
        ax = fig.add_subplot()
        x = list(range(len(points)))
        known = [(i, v) for i, (_label, v) in zip(x, points, strict=True) if v is not None]
        ax.plot([i for i, _v in known], [v for _i, v in known], color=BRAND, marker="o", linewidth=1.6)
        for i, v in known:
            ax.annotate(percent_text(v), (i, v), textcoords="offset points", xytext=(5, 5), fontsize=7.5)
        if threshold is not None:
            ax.axhline(threshold, color=LOW, linewidth=0.8, linestyle="--")
            ax.annotate(_("ambang %(n)s") % {"n": threshold}, (len(points) - 0.5, threshold),
                        textcoords="offset points", xytext=(-40, 3), fontsize=7, color=LOW)  # fmt: skip
        ax.set_xticks(x, [label.replace("$", r"\$") for label, _v in points], fontsize=7.5)
        ax.set_ylim(0, 105)
        ax.set_xlim(-0.5, max(len(points), 1) - 0.5)
        ax.set_ylabel(_("skor"))
        ax.set_title(title.replace("$", r"\$"), loc="left", fontsize=10, fontweight="bold")
    return svg_inline(fig, label=title, prefix="skor")
