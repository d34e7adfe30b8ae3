from django import template

register = template.Library()


@register.filter
def attr(obj, name: str):
    """A field of a model instance by name (the data sasaran columns are a list of names)."""
    return getattr(obj, name, None)


@register.simple_tag(takes_context=True)
def can_enter_data(context, kabkota: str) -> bool:
    """Whether the reader may enter coverage figures in ``kabkota`` (operator, or an OPD with indicators)."""
    from konvergensi.indicators.services import allowed_indicators

    request = context.get("request")
    return request is not None and allowed_indicators(request.scope, kabkota) != set()


@register.filter
def funding_label(code: str) -> str:
    """A funding source code (``dana_desa``) as people write it (Dana Desa)."""
    from konvergensi.indicators.models import FundingSource

    try:
        return str(FundingSource(code).label)
    except ValueError:
        return code
