"""Formatting of prevalence rows (from konvergensi_core.aggregates) in templates."""

from django import template

from konvergensi_core.numbers import id_count, id_number, id_percent

register = template.Library()


def _get(row, key):
    return row.get(key) if isinstance(row, dict) else getattr(row, key, None)


@register.filter
def prevalence(row, measure: str) -> str:
    """``21,3 %`` from ``<measure>_prevalence`` (a proportion); "–" when there is no denominator."""
    return id_percent(_get(row, f"{measure}_prevalence"))


@register.filter
def ci(row, measure: str) -> str:
    lo, hi = _get(row, f"{measure}_ci_low"), _get(row, f"{measure}_ci_high")
    if lo is None or hi is None:
        return ""
    return f"{id_number(100 * lo)}–{id_percent(hi)}"


@register.filter
def cases(row, measure: str) -> str:
    n, d = _get(row, measure), _get(row, f"{measure}_n")
    if n is None:
        return ""
    return f"{id_count(n)} / {id_count(d)}"


@register.filter
def verdict(sentence) -> str:
    """A data-quality verdict (the core's Indonesian sentence) in the reader's language."""
    from konvergensi.measurements.quality_wording import verdict_sentence

    return verdict_sentence(sentence) if isinstance(sentence, str) else ""
