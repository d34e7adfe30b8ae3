from django import template

from konvergensi_core.numbers import id_percent

register = template.Library()


@register.filter
def share(value) -> str:
    """A fraction (0.213) as "21,3 %"; "–" when there is none."""
    return id_percent(value) if isinstance(value, int | float) else "–"
