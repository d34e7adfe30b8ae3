from django import template

from konvergensi_core import numbers

register = template.Library()


@register.inclusion_tag("ansit/_nav.html", takes_context=True)
def ansit_nav(context, kab, tahun, active: str, analysis=None):
    """The Aksi 1 sub-menu. Pages of one analysis pass it; the other pages link to the year's current
    analysis, which their view puts in the context as ``current_analysis`` (a tag never queries)."""
    from konvergensi.accounts.permissions import Permission, has_permission

    request = context["request"]
    if analysis is None:
        analysis = context.get("current_analysis")
    return {
        "kab": kab,
        "tahun": tahun,
        "active": active,
        "analysis": analysis,
        "kabkota_view": has_permission(request.scope, Permission.VIEW_KABKOTA, kab.kode),
    }


@register.filter
def id_number(value, digits: int = 1) -> str:
    """A number the Indonesian way (12,5; 1.250); "–" when missing."""
    if value is None or value == "":
        return "–"
    try:
        return numbers.id_number(float(value), int(digits))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def mark(value) -> str:
    """✓ for a criterion met, – otherwise."""
    return "✓" if value else "–"


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (labels by code)."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
