"""The picture's "kelas" layer: the class of each district's newest published assessment of a year.

Under a province: each district its class (category) and score (value). Under the nation: each
province the share of its assessed districts classed Berdaya (value, %), its most frequent class
(category; ties go to the better class) and the counts per class (text). It reads the results stored
on publication (``RoundDistrict``), never the grades. A reader sees what ``published_results`` lets
them see (a province its districts, the nation all, a district only itself).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

CLASSES = ("Berdaya", "Berkembang", "Bertumbuh")  # best first


def values(parent: str, tahun: int, scope: Any) -> dict:
    from konvergensi.picture.layers import LayerValue
    from konvergensi_core.numbers import id_number, id_percent

    from . import selectors

    if parent == "":
        counts: dict[str, dict[str, int]] = {}
        for d in selectors.published_results(scope=scope, tahun=tahun):
            row = counts.setdefault(d.kabkota_id[:2], {})
            row[d.kelas] = row.get(d.kelas, 0) + 1
        out = {}
        for prov, row in counts.items():
            n = sum(row.values())
            modal = max(row, key=lambda k: (row[k], -CLASSES.index(k) if k in CLASSES else -99))
            text = " · ".join(f"{row[k]} {k}" for k in CLASSES if row.get(k))
            out[prov] = LayerValue(value=100 * row.get("Berdaya", 0) / n, text=text, category=modal,
                                   detail=f"Berdaya {id_percent(row.get('Berdaya', 0) / n)}, n={n}")  # fmt: skip
        return out
    if len(parent) != 2:
        return {}
    return {
        d.kabkota_id: LayerValue(
            value=float(d.score) if d.score is not None else None,
            text=d.kelas or "–",
            category=d.kelas,
            detail=id_number(float(d.score), 2) if d.score is not None else "",
        )
        for d in selectors.published_results(scope=scope, tahun=tahun, provinsi=parent)
    }


def register() -> None:
    from konvergensi.picture import layers

    layers.register(
        layers.Layer(
            key="kelas",
            title=_("Kelas penilaian kinerja"),  # type: ignore[arg-type]  # lazy: read in the page language
            levels=("nasional", "provinsi"),
            values=values,
            unit="",
            higher_is_better=True,
            legend=(("Berdaya", "Berdaya"), ("Berkembang", "Berkembang"), ("Bertumbuh", "Bertumbuh")),
            order=60,
        )
    )
