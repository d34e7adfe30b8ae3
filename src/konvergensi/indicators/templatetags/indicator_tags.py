from django import template

register = template.Library()


@register.filter
def attr(obj, name: str):
    """A field of a model instance by name (the data sasaran columns are a list of names)."""
    return getattr(obj, name, None)


@register.filter
def funding_label(code: str) -> str:
    """A funding source code (``dana_desa``) as people write it (Dana Desa)."""
    from konvergensi.indicators.models import FundingSource

    try:
        return str(FundingSource(code).label)
    except ValueError:
        return code
