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


@register.simple_tag
def grid_rows(rows, editable: bool):
    """The body rows of the entry grid, ``(desa, [(indicator, cell), …])`` each: the same HTML the
    template loop gave (tests/indicators/test_grid_html.py holds them together), written here because
    the loop cost ~0.1 ms a cell, 81 ms for a kecamatan of Bogor × 28 indicators."""
    from django.template.defaultfilters import floatformat
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    readonly = "" if editable else " readonly"
    words = {
        True: conditional_escape(_("jumlah")),
        False: conditional_escape(_("pembilang")),
    }
    den_word = conditional_escape(_("penyebut"))
    heads = {}
    out = []
    for desa, cells in rows:
        nama = conditional_escape(desa.nama)
        kode = conditional_escape(desa.kode)
        out.append(f'<tr id="d{conditional_escape(desa.kode_angka)}"><th scope="row">{nama}</th>\n')
        for i, cell in cells:
            head = heads.get(i.pk)
            if head is None:
                head = heads[i.pk] = (conditional_escape(i.kode), i.is_count)
            ikode, is_count = head
            num = "" if cell.numerator is None else conditional_escape(cell.numerator)
            out.append(
                f'<td class="cellpair" data-desa="{kode}" data-indikator="{ikode}" '
                f'data-version="{conditional_escape(cell.version)}"><input class="num" inputmode="numeric" '
                f'size="4" value="{num}" aria-label="{ikode} {words[bool(is_count)]} {nama}"{readonly}>'
            )
            if not is_count:
                den = "" if cell.denominator is None else conditional_escape(cell.denominator)
                pct = cell.percent
                out.append(
                    f'<span class="sep">/</span><input class="den" inputmode="numeric" size="4" value="{den}" '
                    f'aria-label="{ikode} {den_word} {nama}"{readonly}><span class="pct">'
                    + ("" if pct is None else f"{conditional_escape(floatformat(pct, 0))}%")
                    + "</span>"
                )
            out.append("</td>")
        out.append("\n</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above
