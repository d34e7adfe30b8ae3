"""Formatting of prevalence rows (from konvergensi_core.aggregates) in templates."""

from django import template

register = template.Library()


def _get(row, key):
    return row.get(key) if isinstance(row, dict) else getattr(row, key, None)


@register.filter
def prevalence(row, measure: str) -> str:
    """``21,3 %`` from ``<measure>_prevalence`` (a proportion); "–" when there is no denominator."""
    p = _get(row, f"{measure}_prevalence")
    if p is None:
        return "–"
    return f"{100 * p:.1f} %".replace(".", ",")


@register.filter
def ci(row, measure: str) -> str:
    lo, hi = _get(row, f"{measure}_ci_low"), _get(row, f"{measure}_ci_high")
    if lo is None or hi is None:
        return ""
    return f"{100 * lo:.1f}–{100 * hi:.1f} %".replace(".", ",")


@register.filter
def cases(row, measure: str) -> str:
    n, d = _get(row, measure), _get(row, f"{measure}_n")
    if n is None:
        return ""
    return f"{n:,} / {d:,}".replace(",", ".")
