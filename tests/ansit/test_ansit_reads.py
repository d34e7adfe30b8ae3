"""The reads behind an Aksi 1 recompute, made lighter for the largest districts (bench/ansit.py): the
coverage of every desa and indicator, the desa list, the Aksi 6 coverage notes. What they give must
stay what the page rules say, value by value."""

from __future__ import annotations

import pytest

from konvergensi.ansit import selectors
from konvergensi.ansit.models import DataGapNote
from konvergensi.indicators.models import DataValue, Indicator
from konvergensi.wilayah.models import Region
from konvergensi_core.ansit import coarse_coverage
from konvergensi_core.indicators import LOW, Category, category, percent
from tests.ansit.test_ansit import KAB, PERIODE, jati_desa, make_analysis, seed, wado_desa
from tests.conftest import ensure_catalogue

pytestmark = pytest.mark.django_db

# Numerator of 1,000 at the edges of the default bands (50 / 70 / > 90) and beside them, zero, 100 %.
NUMERATORS = [0, 499, 500, 501, 699, 700, 701, 899, 900, 901, 1000]


@pytest.fixture(autouse=True)
def _catalogue(db):
    ensure_catalogue()


def test_coverage_gives_each_percent_and_summary_as_percent_and_category_do(world):
    seed(coverage=False)
    indicators = list(Indicator.objects.filter(kode__in=("U01", "U02", "U05")).order_by("kode"))
    desa = wado_desa() + jati_desa()
    rows = []
    for n, ind in enumerate(indicators[:2]):  # U05 has no value: no entry, an empty summary
        for i, d in enumerate(desa):
            if (i + n) % 7 == 3:
                continue  # a gap
            den = 0 if (i + n) % 11 == 5 else 1000  # a zero denominator has no percent
            rows.append(
                DataValue(indicator=ind, desa=d, kabkota_id=KAB, periode=PERIODE,
                          numerator=NUMERATORS[(i + 3 * n) % len(NUMERATORS)] if den else 0, denominator=den)
            )  # fmt: skip
    DataValue.objects.bulk_create(rows)
    analysis = make_analysis(world)
    cov = selectors.coverage(analysis=analysis)
    expected: dict[str, dict[str, float]] = {}
    for v in DataValue.objects.filter(kabkota_id=KAB, periode=PERIODE).order_by("desa_id", "indicator_id"):
        pct = percent(v.numerator, v.denominator)
        if pct is not None:
            expected.setdefault(v.indicator.kode, {})[v.desa_id] = pct
    assert cov.values == expected and list(cov.values) == list(expected)
    assert all(list(cov.values[c]) == list(expected[c]) for c in expected)  # desa in code order
    for s in cov.summaries:
        vals = expected.get(s.indicator.kode, {})
        b = cov.bands[s.indicator.kode]
        assert s.with_data == len(vals)
        assert s.low == sum(category(p, b) in LOW for p in vals.values())
        assert s.adequate == sum(category(p, b) == Category.MEMADAI for p in vals.values())
        got = DataValue.objects.filter(indicator=s.indicator, periode=PERIODE, denominator__gt=0)
        assert (s.numerator, s.denominator) == (
            sum(v.numerator for v in got),
            sum(v.denominator for v in got),
        )
    u01 = next(s for s in cov.summaries if s.indicator.kode == "U01")
    assert 0 < u01.low < u01.with_data and u01.adequate > 0  # the edges fall on both sides
    assert next(s for s in cov.summaries if s.indicator.kode == "U05").with_data == 0


def test_kabkota_desa_lists_every_desa_in_code_order_with_its_name():
    from tests.conftest import ensure_regions

    ensure_regions()
    rows = selectors.kabkota_desa(KAB)
    regions = list(Region.objects.filter(level="desa", kode__startswith=KAB + ".").order_by("kode"))
    assert [(d.kode, d.nama) for d in rows] == [(r.kode, r.nama) for r in regions] and rows


def test_the_coverage_notes_count_values_per_indicator(world):
    seed(coverage=True)  # U01–U04 for the 19 desa of Wado and Jatinunggal only, the rest of 2018 none
    DataValue.objects.filter(indicator__kode="U04", desa__in=jati_desa()).delete()  # U04: Wado only
    analysis = make_analysis(world)
    indicators = selectors.main_indicators("2018")
    counts = {
        i.kode: DataValue.objects.filter(indicator=i, kabkota_id=KAB, periode=PERIODE).count()
        for i in indicators
    }
    assert counts["U01"] == 19 and counts["U04"] == 10
    coarse = coarse_coverage(
        counts,
        n_kecamatan=Region.objects.filter(parent_id=KAB, level="kecamatan").count(),
        n_desa=Region.objects.filter(level="desa", kode__startswith=KAB + ".").count(),
    )
    none = [c for c, n in counts.items() if not n]
    assert none and "U01" not in none
    texts = [n.text for n in DataGapNote.objects.filter(analysis=analysis, kind="cakupan")]
    expected = [f"Data cakupan {', '.join(codes)} periode {PERIODE} " for codes in (coarse, none) if codes]
    assert sorted(t.split(" periode ")[0] for t in texts) == sorted(e.split(" periode ")[0] for e in expected)


# The ranking rows of the lokus page as its template wrote them before they were written in Python.
RANKING_LOOP = (
    '{% load i18n ansit_tags %}{% for d, nama, kec in rows %}<tr{% if d.selected %} class="selected"{% endif %} '
    'data-desa="{{ d.desa }}"><td>{{ d.rank }}</td><td>{% if d.selected %}<strong>{{ nama }}</strong>{% else %}'
    "{{ nama }}{% endif %}</td><td>{{ kec }}</td><td>{{ d.prevalence|id_number }}</td><td>{{ d.cases|id_number:0 }}"
    "</td><td>{{ d.low_coverage_count }}/{{ d.coverage_count }}</td>\n"
    '<td class="crit {% if d.criteria.prevalence_above_mean %}on{% else %}off{% endif %}">'
    "{{ d.criteria.prevalence_above_mean|mark }}</td>"
    '<td class="crit {% if d.criteria.cases_above_mean %}on{% else %}off{% endif %}">'
    "{{ d.criteria.cases_above_mean|mark }}</td>"
    '<td class="crit {% if d.criteria.low_coverage_majority %}on{% else %}off{% endif %}">'
    "{{ d.criteria.low_coverage_majority|mark }}</td>"
    '<td>{% if d.eligible %}{% translate "ya" %}{% else %}–{% endif %}</td><td>{% if d.selected %}'
    '<span class="badge s-diverifikasi">{% translate "lokus" %}</span>{% endif %}</td></tr>\n{% endfor %}'
)


def test_the_lokus_ranking_rows_are_the_html_the_template_wrote():
    from django.template import engines
    from django.utils import translation

    from konvergensi.ansit.pages import ranking_rows_html
    from konvergensi_core.ansit import rank_lokus, select_lokus

    codes = [f"11.08.01.20{i:02d}" for i in range(12)]
    ranking = select_lokus(
        rank_lokus(
            codes,
            cases=[None, 0, 3, 12, 7, 1, 40, None, 5, 9, 2, 1234],
            measured=[100, 90, 80, 120, 70, 60, 150, None, 50, 95, 20, 5000],
            coverage={"U01": [10, 95, None, 60, 40, 75, 20, 55, None, 91, 30, 45.55]},
        ),
        count=4,
    )
    names = {c: f"Desa <{i}> & 'x' \"y\"" for i, c in enumerate(codes)}
    rows = [(d, names[d.desa], "Kec & <b>" if i % 2 else "") for i, d in enumerate(ranking.desa)]
    template = engines["django"].from_string(RANKING_LOOP)
    assert any(d.selected for d, *_ in rows) and any(d.prevalence is None for d, *_ in rows)
    for language in ("id", "en"):
        with translation.override(language):
            assert str(ranking_rows_html(rows)) == template.render({"rows": rows})


def test_lists_of_lokus_lists_and_analyses_leave_their_per_desa_tables_unread(world):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.ansit.test_ansit import TAHUN, confirm_lokus

    seed(coverage=True)
    first = make_analysis(world)
    confirm_lokus(world, first, count=1)
    second = make_analysis(world)
    confirm_lokus(world, second, count=2)
    history = list(selectors.lokus_history(scope=world.scopes["operator"], kabkota=KAB, tahun=TAHUN))
    assert len(history) == 2 and all("ranking" in h.get_deferred_fields() for h in history)
    client = Client()
    client.force_login(world.user("operator"))
    for url, listed in ((f"/analisis/{second.pk}/lokus/", "lokus"), (f"/analisis/{second.pk}/", "analysis")):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        if listed == "lokus":
            assert "Riwayat daftar lokus" in html and html.count("<li>") >= 2
            # the confirmed list (its settings, its card): twice; the history never (it was a third)
            table, most = '"ansit_lokuslist"."ranking"', 2
        else:
            assert f"/analisis/{first.pk}/" in html  # the other analysis of the year is listed
            table, most = '"ansit_analysis"."desa_units"', 1  # its own analysis only
        assert sum(table in q["sql"] for q in queries.captured_queries) == most, url
