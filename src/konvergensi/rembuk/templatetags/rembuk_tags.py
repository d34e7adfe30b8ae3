"""The public district page's section of signed rembuk commitments (``{% rembuk_commitments kab %}``)."""

from django import template

from konvergensi.rembuk import selectors

register = template.Library()


@register.inclusion_tag("rembuk/_public.html")
def rembuk_commitments(kab):
    return {"kab": kab, "commitments": list(selectors.published(kab.kode))}
