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


@register.filter
def penyebut(kode: str) -> str:
    """Which data sasaran an indicator divides by ("data sasaran ibu hamil", "bagian dari data
    sasaran baduta (0–23 bln)"), "" for counts and indicators without a desa population."""
    from django.utils.translation import gettext as _

    from konvergensi.indicators.models import DataSasaran
    from konvergensi_core.sasaran import penyebut as rule

    p = rule(kode)
    if p is None:
        return ""
    label = DataSasaran._meta.get_field(p.field).verbose_name
    if p.whole:
        return _("data sasaran %(label)s") % {"label": label}
    return _("bagian dari data sasaran %(label)s") % {"label": label}
