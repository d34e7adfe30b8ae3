from django import template

from konvergensi_core.numbers import id_percent

register = template.Library()


@register.filter
def pct(value) -> str:
    """A proportion (0–1) as "82,5 %"; "–" for none."""
    return id_percent(value)


@register.filter
def get(mapping, key):
    return mapping.get(key, key) if mapping else key
