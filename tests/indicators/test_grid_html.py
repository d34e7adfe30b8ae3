"""The entry grid's rows are written in Python (indicator_tags.grid_rows) for speed: the same HTML,
byte for byte, as the template loop they replace, kept here as the reference."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from konvergensi.indicators.models import Indicator
from konvergensi.indicators.selectors import Cell
from konvergensi.indicators.templatetags.indicator_tags import grid_rows
from konvergensi.wilayah.models import Region
from tests.conftest import ensure_catalogue

pytestmark = pytest.mark.django_db

TEMPLATE_LOOP = (
    "{% load i18n %}"
    + '{% for desa, cells in rows %}<tr id="d{{ desa.kode_angka }}"><th scope="row">{{ desa.nama }}</th>\n{% for i, cell in cells %}<td class="cellpair" data-desa="{{ desa.kode }}" data-indikator="{{ i.kode }}" data-version="{{ cell.version }}"><input class="num" inputmode="numeric" size="4" value="{{ cell.numerator|default_if_none:\'\' }}" aria-label="{{ i.kode }} {% if i.is_count %}{% translate \'jumlah\' %}{% else %}{% translate \'pembilang\' %}{% endif %} {{ desa.nama }}"{% if not editable %} readonly{% endif %}>{% if not i.is_count %}<span class="sep">/</span><input class="den" inputmode="numeric" size="4" value="{{ cell.denominator|default_if_none:\'\' }}" aria-label="{{ i.kode }} {% translate \'penyebut\' %} {{ desa.nama }}"{% if not editable %} readonly{% endif %}><span class="pct">{% if cell.percent is not None %}{{ cell.percent|floatformat:0 }}%{% endif %}</span>{% endif %}</td>{% endfor %}\n</tr>{% endfor %}'
)


def rows():
    ensure_catalogue()
    indicators = list(Indicator.objects.filter(set="2018").order_by("kode")[:6])
    assert any(i.is_count for i in Indicator.objects.all())
    count = next(i for i in Indicator.objects.all() if i.is_count)
    indicators.append(count)
    desa = [
        Region(kode="32.11.01.2001", nama="Cimungkal", level="desa"),
        Region(kode="32.11.01.2002", nama='Sukajadi & "Cikadu" <Kidul>', level="desa"),
    ]
    cells = [Cell(9, 10, 3, "diisi"), Cell(), Cell(0, 7, 1, "diverifikasi"), Cell(5, None, 2, "diisi"),
             Cell(None, 4, 1, "diisi"), Cell(1, 3, 12, "diisi"), Cell(42, None, 1, "diisi")]  # fmt: skip
    return [
        (d, [(i, cells[(k + n) % len(cells)]) for k, i in enumerate(indicators)]) for n, d in enumerate(desa)
    ]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("editable", [True, False])
def test_the_python_rows_are_the_template_loops_html(language, editable):
    data = rows()
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_LOOP).render({"rows": data, "editable": editable})
        got = grid_rows(data, editable)
    assert got == expected
    assert "Sukajadi &amp; &quot;Cikadu&quot; &lt;Kidul&gt;" in got and "<Kidul>" not in got
    assert ("readonly" in got) is (not editable)
