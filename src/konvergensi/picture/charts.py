"""The trend chart of a region (server-drawn SVG, as :mod:`konvergensi.figures`), cached by the
figures it draws: the same numbers give the same cached drawing, new numbers a new key."""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache

from konvergensi.figures import RC, svg_inline

from .models import RegionFigure


def trend_svg(points: list[RegionFigure], *, label: str, unit: str = "%") -> str:
    if not points:
        return ""
    data = [(p.periode, p.value, p.ci_low, p.ci_high) for p in points]
    key = "picture:trend:" + hashlib.sha256(json.dumps([data, label, unit]).encode()).hexdigest()[:32]
    cached = cache.get(key)
    if cached is not None:
        return cached
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(5.5, 2.4))
        ax = fig.add_subplot()
        xs = list(range(len(data)))
        ys = [d[1] if d[1] is not None else float("nan") for d in data]
        ax.plot(xs, ys, marker="o", color="#2b8cbe")
        lo = [d[2] for d in data]
        hi = [d[3] for d in data]
        if all(v is not None for v in lo + hi):
            ax.fill_between(xs, lo, hi, color="#2b8cbe", alpha=0.2, linewidth=0)
        ax.set_xticks(xs, [d[0] for d in data])
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        fig.tight_layout()
        out = svg_inline(fig, label=label, prefix="tren")
    cache.set(key, out, 24 * 3600)
    return out
