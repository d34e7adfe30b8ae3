"""Numbers written the Indonesian way, the one formatter of pages, charts, PDFs, Excel and the CLI:
thousands with ".", decimals with "," (1234567.891 → "1.234.567,9")."""

from __future__ import annotations

import math

MISSING = "–"


def id_number(value: float | None, digits: int = 1, *, missing: str = MISSING) -> str:
    """``value`` rounded to ``digits`` decimals, thousands with "." and the decimal comma;
    ``missing`` ("–") for None, NaN or an infinity."""
    if value is None:
        return missing
    number = float(value)
    if not math.isfinite(number):
        return missing
    return f"{number:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def id_count(value: int | None, *, missing: str = MISSING) -> str:
    """A whole number with thousands dots: 1234567 → "1.234.567"."""
    return id_number(value, 0, missing=missing)


def id_percent(proportion: float | None, digits: int = 1, *, missing: str = MISSING) -> str:
    """A proportion (0.213) as a percentage with the sign: "21,3 %"."""
    if proportion is None:
        return missing
    text = id_number(100 * proportion, digits, missing="")
    return f"{text} %" if text else missing
