"""The SVG that leaves the app: lighter coordinates, but the numbers people read stay as drawn."""

from __future__ import annotations

import re

from konvergensi import figures
from konvergensi.ansit.charts import Bar, bar_chart


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text[^>]*>.*?</text>", svg, re.S)]


def test_the_hotspot_chart_prints_its_threshold_and_mean_as_computed():
    bars = [Bar(f"Desa {i}", 900.0 + i * 70, significant=i > 6, above=i > 4) for i in range(9)]
    fig = bar_chart(bars, mean=1_023.45, threshold=1_181.0, margin=0.15, title="Kasus per desa",
                    ylabel="kasus", percent=False)  # fmt: skip
    svg = figures.svg_inline(fig, label="Kasus", prefix="t")
    texts = " ".join(_texts(svg))
    # The Indonesian thousands separator survives: the old regex printed "ambang signifikan 1.1,0".
    assert "ambang signifikan 1.181,0" in texts
    assert "rata-rata 1.023,5" in texts
    # Read the numbers back from the chart's own tick labels: they are the axis' values, not cut ones.
    ticks = [t for t in _texts(svg) if re.fullmatch(r"[\d.]+", t)]
    assert ticks and all(t.count(".") == 0 or len(t.split(".")[-1]) == 3 for t in ticks)


def test_coordinates_keep_one_decimal_and_nothing_else_changes():
    fig = bar_chart([Bar("A", 12.3456, False, True), Bar("B", 7.891, False, False)], mean=10.1, threshold=11.6,
                    margin=0.15, title="t", ylabel="%", percent=True)  # fmt: skip
    svg = figures.svg_inline(fig, label="t", prefix="t")
    tags = re.findall(r"<[^>]+>", svg)
    assert not any(re.search(r"\d\.\d\d", tag) for tag in tags)  # no coordinate with two decimals
    assert "rata-rata 10,1 %" in " ".join(_texts(svg))


def test_chart_legends_speak_the_page_language():
    from django.utils import translation

    from konvergensi.ansit.charts import map_figure

    bars = [Bar(f"Desa {i}", 10.0 + i, significant=i > 6, above=i > 4) for i in range(9)]
    texts = {}
    for language in ("id", "en"):
        with translation.override(language):
            fig = bar_chart(bars, mean=13.0, threshold=15.0, margin=0.15, title="t", ylabel="%", percent=True)
            texts[language] = " ".join(_texts(figures.svg_inline(fig, label="t", prefix="t")))
            legend = map_figure([], polygon_status=None, points=[], title="t").axes[0].get_legend()
            texts[language] += " " + " ".join(t.get_text() for t in legend.get_texts())
    assert "di atas rata-rata" in texts["id"] and "tanpa data" in texts["id"]
    assert "above the mean" in texts["en"] and "di atas rata-rata" not in texts["en"]
    assert "no data" in texts["en"]


def test_measurement_chart_legends_speak_the_page_language():
    from django.utils import translation

    from konvergensi.measurements import charts

    texts = {}
    for language in ("id", "en"):
        with translation.override(language):
            age = charts.age_chart([100] * 60, level="baik")
            digits = charts.digit_chart([10] * 10, title="t", level="baik")
            texts[language] = " ".join(
                t.get_text()
                for fig in (age, digits)
                for ax in fig.axes
                for t in [*ax.get_legend().get_texts(), ax.xaxis.label, ax.yaxis.label]
            )
    assert "rata-rata per bulan" in texts["id"] and "tanpa preferensi" in texts["id"]
    assert "mean per month" in texts["en"] and "no preference" in texts["en"] and "bulan" not in texts["en"]
