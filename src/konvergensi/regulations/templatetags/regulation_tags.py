from django import template

from konvergensi_core.plan import format_rupiah

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Whole rupiah the Indonesian way: 1250000000 → "Rp 1.250.000.000"; "–" when missing."""
    return format_rupiah(int(value)) if isinstance(value, int | float) else "–"
