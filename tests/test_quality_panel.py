"""The data-quality panel of a round: verdicts per posyandu and desa, within the reader's scope."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import polars as pl
import pytest
from django.test import Client
from django.urls import reverse

from konvergensi.imports.models import Import
from konvergensi.measurements import charts, quality, selectors
from konvergensi.wilayah.models import Region
from konvergensi_core.aggregates import measure_levels, own_cause, quality_area, quality_by
from tests.conftest import KEC, OTHER_KEC, PERSONAS
from tests.publication.test_publication import children, desa_of, import_into, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(world):
    """200 children in each of two desa of Wado and one of Jatinunggal: five posyandu of about 40
    each per desa; the generator's posyandu 5 rounds weights and lengths (digit preference)."""
    rnd = make_round(world)
    import_into(world, rnd, children(desa_of(KEC)[:2] + desa_of(OTHER_KEC)[:1], 200, seed=3))
    return rnd


def page(world, rnd, persona: str, query: str = "") -> str:
    c = Client()
    c.force_login(world.user(persona))
    r = c.get(reverse("measurements:quality", kwargs={"pk": rnd.pk}) + query)
    assert r.status_code == 200
    return r.content.decode()


def chart_urls(html: str) -> dict[str, str]:
    """{chart name: URL} of the charts the panel's page shows (each its own image)."""
    return {
        name: url.replace("&amp;", "&")
        for url, name in re.findall(
            r'<img class="chart-img" src="([^"]*/kualitas/grafik/([a-z]+)\.svg[^"]*)"', html
        )
    }


def chart(world, persona: str, url: str) -> str:
    c = Client()
    c.force_login(world.user(persona))
    r = c.get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("image/svg+xml")
    assert 'xmlns="http://www.w3.org/2000/svg"' in r.content.decode()  # a document of its own
    return r.content.decode()


def verdict_rows(html: str, section: str) -> dict[str, str]:
    """{first cell: verdict cell text} of one verdict table."""
    body = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    out = {}
    for row in re.findall(r"<tr class=\"q-row-[a-z]+\">(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        out[cells[0] if section == "desa-verdicts" else f"{cells[1]}|{cells[0]}"] = cells[-1]
    return out


def test_the_panel_gives_a_verdict_per_posyandu_and_labels_routine_data(world, rnd):
    html = page(world, rnd, "operator")
    assert "Data rutin (cakupan tidak diketahui" in html and "bukan angka survei" in html
    names = dict(Region.objects.filter(kode__in=desa_of(KEC)[:2]).values_list("kode", "nama"))
    frame = selectors.quality_frame(selectors.round_frame(round_id=rnd.pk))
    expected = quality_by(frame, ["desa_kode", "posyandu"])
    # The district page lists the posyandu that need attention; a kecamatan's page lists all of its own.
    flagged = verdict_rows(html, "posyandu-verdicts")
    assert set(flagged) and all(
        v.startswith(("Perlu pelatihan", "Perlu perhatian")) for v in flagged.values()
    )
    rows = {}
    for kec in sorted({k[:8] for k in expected.get_column("desa_kode").to_list()}):
        rows |= verdict_rows(page(world, rnd, "operator", f"?kec={kec}"), "posyandu-verdicts")
    assert len(rows) == expected.height == 15 and set(flagged) <= set(rows)
    for r in expected.iter_rows(named=True):
        desa = Region.objects.get(kode=r["desa_kode"]).nama
        assert rows[f"{desa}|{r['posyandu']}"].startswith(publication_label(r["level"]))
    # The sloppy posyandu (weights to the half kilo) is sent to retraining, with the reason.
    for nama in names.values():
        cell = rows[f"{nama}|Posyandu {nama} 5"]
        assert cell.startswith("Perlu pelatihan ulang") and "preferensi angka desimal" in cell
    desa_rows = verdict_rows(html, "desa-verdicts")
    assert set(desa_rows) == {
        Region.objects.get(kode=k).nama for k in [*desa_of(KEC)[:2], *desa_of(OTHER_KEC)[:1]]
    }
    for heading in (
        "Preferensi angka desimal",
        "Usia dan cara ukur",
        "Rasio laki-laki/perempuan",
        "Kurtosis",
    ):
        assert heading in html
    assert ' style="' not in html.split("<main>", 1)[1]
    urls = chart_urls(html)
    assert set(urls) == set(quality.CHARTS)
    for name, url in urls.items():
        svg = chart(world, "operator", url)
        assert (
            svg.startswith("<svg") and ' style="' not in svg and f'aria-label="{quality.CHARTS[name]}"' in svg
        )


def publication_label(level: str) -> str:
    return {"pelatihan": "Perlu pelatihan ulang", "perhatian": "Perlu perhatian", "baik": "Baik",
            "sedikit": "Terlalu sedikit"}[level]  # fmt: skip


def test_a_kecamatan_sees_only_the_units_of_its_desa(world, rnd):
    wado = {Region.objects.get(kode=k).nama for k in desa_of(KEC)[:2]}
    jatinunggal = Region.objects.get(kode=desa_of(OTHER_KEC)[0]).nama
    html = page(world, rnd, "kecamatan")
    assert set(verdict_rows(html, "desa-verdicts")) == wado
    assert jatinunggal not in html
    assert "400 balita diukur" in html
    district = page(world, rnd, "operator")
    assert jatinunggal in district and "600 balita diukur" in district


def test_duplicates_found_at_import_are_shown_to_the_district(world, rnd):
    imp = Import.objects.get(params__round=rnd.pk)
    imp.summary = {"ok": True, "counts": {"rows": 612, "reject": 12, "duplicates": 9}}
    imp.save()
    assert "9 baris duplikat" in page(world, rnd, "operator")
    assert 'id="duplicates"' not in page(world, rnd, "kecamatan")  # the imports cover the whole district


def test_the_panel_is_for_the_district_and_its_supervisors_only(world, rnd):
    url = reverse("measurements:quality", kwargs={"pk": rnd.pk})
    for persona in PERSONAS:
        c = Client()
        c.force_login(world.user(persona))
        expected = 404 if persona in ("neighbour", "other_province") else 200
        assert c.get(url).status_code == expected, persona
    assert Client().get(url)["Location"].startswith(reverse("accounts:login"))


def test_a_round_without_data_says_so(world):
    rnd = make_round(world, nama="Agustus 2026", start=dt.date(2026, 8, 1))
    assert "Belum ada data" in page(world, rnd, "operator")


# ---- one set of thresholds: the marks, the charts and the verdict agree at every boundary ------

RED, ORANGE = charts.LEVEL_COLOURS["pelatihan"], charts.LEVEL_COLOURS["perhatian"]


def area_frame(n: int = 1000, *, first_digit: int | None = None, whole: float | None = None, sd: float = 1.0,
               boys: float = 0.5, seed: int = 5) -> pl.DataFrame:  # fmt: skip
    """``n`` children of one area. ``first_digit``: how many weights end in ,0 (the rest evenly on
    ,1–,9; with n = 1000, 271/280/289 give a digit preference score of exactly 19/20/21).
    ``whole``: the share of ages at 12, 24, 36, 48 months as a multiple of the 4/60 expected."""
    rng = np.random.default_rng(seed)
    if first_digit is None:
        digits = rng.integers(0, 10, n)
    else:
        digits = np.concatenate(
            [np.zeros(first_digit, int), np.repeat(np.arange(1, 10), (n - first_digit) // 9)]
        )
        assert digits.size == n
    age = rng.uniform(0, 60, n)
    if whole is not None:
        heaped = round(whole * 4 / 60 * n)
        others = np.array([m for m in range(60) if m not in (12, 24, 36, 48)])
        age = np.concatenate(
            [np.array([12, 24, 36, 48])[np.arange(heaped) % 4], others[np.arange(n - heaped) % 56]]
        )
        age = age + 0.5
    z = {k: rng.normal(-0.5, sd, n) for k in ("zlen", "zwei", "zwfl", "zbmi")}
    return pl.DataFrame(
        {
            **z,
            **{f"f{k[1:]}": np.zeros(n) for k in z},
            "weight": rng.integers(5, 18, n) + digits / 10,
            "lenhei": np.round(rng.uniform(50, 110, n), 1),
            "age_months": age,
            "sex": np.where(np.arange(n) < round(boys * n), 1, 2),
            "measure": np.ones(n, int),
        }
    )


def marks_and_verdict(frame: pl.DataFrame) -> tuple[dict, str]:
    """The marks of the panel, with each chart drawn as the chart's URL draws it."""
    area = quality_area(selectors.quality_frame(frame))
    marks = quality.quality_marks(frame, area)
    marks["svg"] = {name: quality.draw_chart(name, data) for name, data in marks["charts"].items()}
    return marks, area["verdict"]


@pytest.mark.parametrize(("first_digit", "flagged"), [(271, False), (280, False), (289, True)])
def test_the_digit_chart_and_card_mark_red_exactly_what_the_verdict_sends_to_retraining(first_digit, flagged):
    marks, verdict = marks_and_verdict(area_frame(first_digit=first_digit))
    assert ("preferensi angka desimal berat" in verdict) is flagged
    assert marks["dps"]["weight_bad"] is flagged
    drawn = marks["svg"]["weight"]
    assert (RED in drawn) is flagged  # the over-used ,0 (28 %) is drawn in the verdict's colour
    assert (charts.LEVEL_COLOURS["baik"] in drawn) is not flagged
    assert RED not in marks["svg"]["lenhei"] and not marks["dps"]["lenhei_bad"]  # honest lengths


@pytest.mark.parametrize(("n", "whole", "flagged"), [(3000, 1.0, False), (3000, 1.5, False), (3000, 1.7, True),
                                                     (99, 3.0, False)])  # fmt: skip
def test_the_age_chart_and_card_mark_heaping_exactly_when_the_verdict_names_it(n, whole, flagged):
    marks, verdict = marks_and_verdict(area_frame(n, whole=whole))
    assert ("usia menumpuk" in verdict) is flagged
    assert marks["heaping"]["bad"] is flagged
    assert (ORANGE in marks["svg"]["age"]) is flagged and RED not in marks["svg"]["age"]


@pytest.mark.parametrize(("sd", "flagged"), [(1.0, False), (1.3, True)])
def test_the_sd_mark_of_the_table_agrees_with_the_verdict(sd, flagged):
    marks, verdict = marks_and_verdict(area_frame(3000, sd=sd))
    assert ("SD z-score TB/U" in verdict) is flagged
    assert marks["indices"][0]["label"] == "TB/U" and marks["indices"][0]["sd_bad"] is flagged


@pytest.mark.parametrize(("boys", "flagged"), [(0.5, False), (0.6, True)])
def test_the_sex_ratio_card_agrees_with_the_verdict(boys, flagged):
    marks, verdict = marks_and_verdict(area_frame(1000, boys=boys))
    assert ("rasio laki-laki/perempuan" in verdict) is flagged and marks["sex"]["bad"] is flagged


def test_the_panel_reports_a_district_wide_problem_once_and_its_charts_agree_with_its_cards(world, rnd):
    html = page(world, rnd, "operator")
    frame = selectors.round_frame(round_id=rnd.pk)
    area = quality_area(selectors.quality_frame(frame))
    card = html.split('id="area-verdict"', 1)[1].split("</section>", 1)[0]
    assert f"q-area-{area['level']}" in card
    if area["level"] != "baik":
        assert area["verdict"] in card
    weight_card = html.split('id="stat-dps-weight"', 1)[0].rsplit("<div", 1)[1]
    weight_chart = chart(world, "operator", chart_urls(html)["weight"])
    assert (
        ("warn" in weight_card)
        is (RED in weight_chart)
        is ("preferensi angka desimal berat" in area["verdict"])
    )
    # Units are judged against the district: a desa names a problem the district as a whole has
    # only when it is its own (worse than the district beyond chance).
    failing = {m for m, level in measure_levels(area).items() if level in ("perhatian", "pelatihan")}
    desa = quality_by(selectors.quality_frame(frame), "desa_kode", area=area)
    for r in desa.iter_rows(named=True):
        for m in failing & {
            m for m, level in measure_levels(r).items() if level in ("perhatian", "pelatihan")
        }:
            assert (m in r["shared"]) is not own_cause(m, r, area), (r["desa_kode"], m)


def test_after_an_import_the_first_visits_are_served_from_what_the_worker_computed(world, rnd, monkeypatch):
    from django.core.cache import cache

    from konvergensi.measurements.tasks import warm, warm_areas

    cache.clear()
    warm(rnd)  # what the worker does after each commit: the district, then the task it queues
    assert warm_areas(rnd) == [KEC, OTHER_KEC]

    def never(*args, **kwargs):
        raise AssertionError("computed again on a first visit")

    # Everyone who sees the whole district shares the figures and charts warmed once, whatever
    # their role; a kecamatan finds its own panel and charts ready.
    monkeypatch.setattr(quality, "_figures", never)
    monkeypatch.setattr(quality, "draw_chart", never)
    monkeypatch.setattr(selectors, "_round_analysis", never)
    for persona in ("operator", "opd", "provinsi", "pusat", "kecamatan"):
        html = page(world, rnd, persona)
        assert "Penilaian per posyandu" in html
        assert all(chart(world, persona, url).startswith("<svg") for url in chart_urls(html).values())
        c = Client()
        c.force_login(world.user(persona))
        assert (
            c.get(reverse("measurements:round", kwargs={"pk": rnd.pk}) + "?tingkat=desa").status_code == 200
        )
    assert "400 balita diukur" in page(world, rnd, "kecamatan")
    # A puskesmas' figures are its own, cut from the district's rows read once by the worker.
    monkeypatch.undo()
    monkeypatch.setattr(selectors, "_frame_rows", never)
    html = page(world, rnd, "puskesmas")
    assert "balita diukur" in html and Region.objects.get(kode=desa_of(OTHER_KEC)[0]).nama not in html


def panel_key_of(rnd, scope) -> str:
    return quality.panel_key(rnd, scope, "id")


@pytest.mark.django_db(transaction=True)
def test_a_commit_through_the_worker_leaves_the_panel_ready_for_the_district_and_each_kecamatan(world):
    from django.core.cache import cache
    from django.core.management import call_command

    from konvergensi.accounts.scope import Scope

    cache.clear()
    rnd = make_round(world)
    import_into(world, rnd, children(desa_of(KEC)[:2] + desa_of(OTHER_KEC)[:1], 60, seed=4))
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)  # the queued task

    district = world.scopes["operator"]
    for scope in (district, *(Scope(role="kecamatan", kode=k) for k in (KEC, OTHER_KEC))):
        key = panel_key_of(rnd, scope)
        figures = cache.get(key)
        assert figures is not None and figures["n"] == (
            180 if scope is district else 120 if scope.kode == KEC else 60
        )
        for name in quality.CHARTS:
            assert cache.get(f"{key}:chart:{name}", "").startswith("<svg"), (scope.kode, name)
    # The kecamatan's own verdicts: its desa only, judged against its own area.
    wado = cache.get(panel_key_of(rnd, Scope(role="kecamatan", kode=KEC)))
    assert {r["kec_kode"] for r in wado["desa"]} == {KEC}
    # A kecamatan without children in the round has nothing warmed (and nothing to show).
    empty = Scope(role="kecamatan", kode="32.11.03")
    assert cache.get(panel_key_of(rnd, empty)) is None


def test_a_changed_round_never_shows_the_figures_cached_before(world, rnd):
    from django.core.cache import cache

    cache.clear()
    before = page(world, rnd, "operator")
    assert "600 balita diukur" in before
    key = panel_key_of(rnd, world.scopes["operator"])
    assert cache.get(key)["n"] == 600
    # A second file committed into the round: new children in another kecamatan.
    import_into(world, rnd, children(desa_of("32.11.03")[:1], 50, seed=8))
    after = page(world, rnd, "operator")
    assert "650 balita diukur" in after and "600 balita diukur" not in after
    assert panel_key_of(rnd, world.scopes["operator"]) != key
    assert chart_urls(after)["age"] != chart_urls(before)["age"]  # browsers fetch the new charts
    age = chart(world, "operator", chart_urls(after)["age"])
    expected = quality.panel_figures(rnd, world.scopes["operator"], "id")["charts"]["age"]["counts"]
    assert sum(expected) == 650 and age == quality.draw_chart(
        "age",
        {
            "counts": expected,
            "level": quality.panel_figures(rnd, world.scopes["operator"], "id")["charts"]["age"]["level"],
        },
    )


def test_the_coverage_follows_the_data_sasaran_while_the_figures_stay_cached(world, rnd):
    from konvergensi.indicators.models import DataSasaran

    assert "cakupan tidak diketahui" in page(world, rnd, "operator")
    for kode in [*desa_of(KEC)[:2], *desa_of(OTHER_KEC)[:1]]:
        DataSasaran.objects.create(desa_id=kode, tahun=2026, balita=400)
    html = page(world, rnd, "operator")
    assert "Data rutin (cakupan 50 %): 600 balita diukur" in html  # 600 of 1,200 under-fives


def test_the_panel_figures_are_those_of_the_computation_before_the_charts_moved_out(world, rnd):
    """The reference is the panel's computation as it was (charts drawn inline from the area's
    counts): the cached figures, and the charts drawn from them, are the same."""
    from konvergensi_core.stats import age_heaping

    scope = world.scopes["operator"]
    figures = quality.panel_figures(rnd, scope, "id")
    frame = selectors.round_frame(round_id=rnd.pk)
    area = quality_area(selectors.quality_frame(frame))
    levels = measure_levels(area)
    assert figures["n"] == frame.height == 600
    reference = {
        "weight": charts.digit_chart(area["counts_weight"], title="Angka desimal berat badan",
                                     level=levels["dps_weight"]),
        "lenhei": charts.digit_chart(area["counts_lenhei"], title="Angka desimal panjang/tinggi badan",
                                     level=levels["dps_lenhei"]),
        "age": charts.age_chart(age_heaping(frame.get_column("age_months").to_numpy()).counts.tolist(),
                                level=levels["heaping"]),
        "position": charts.position_chart(quality._positions(frame)),
    }  # fmt: skip
    for name, fig in reference.items():
        expected = charts.svg_inline(fig, label=str(quality.CHARTS[name]), prefix=name[:2])
        assert quality.panel_chart(rnd, scope, "id", name) == expected, name
    marks = quality.quality_marks(frame, area)
    assert {k: figures[k] for k in ("indices", "dps", "heaping", "sex")} == {
        k: marks[k] for k in ("indices", "dps", "heaping", "sex")
    }
    assert figures["area"]["verdict"] == area["verdict"]
    desa = quality_by(selectors.quality_frame(frame), "desa_kode", area=area)
    assert sorted((r["level"], r["children"]) for r in figures["desa"]) == sorted(
        (r["level"], r["children"]) for r in desa.iter_rows(named=True)
    )


def test_the_verdicts_read_in_english_for_an_english_reader():
    """The core words a verdict in Indonesian; the panel shows it in the reader's language (the same
    templates the public page reads back), and an Indonesian reader gets the core's exact sentence."""
    from django.utils import translation

    from konvergensi.measurements.templatetags.measurement_tags import verdict

    sentence = "Perlu perhatian: SD z-score BB/TB 1,25 (di luar 0,8–1,2 WHO)"
    with translation.override("id"):
        assert verdict(sentence) == sentence
    with translation.override("en"):
        english = verdict(sentence)
    assert english != sentence and "1,25" in english and "WHO" in english
    assert verdict("Kalimat yang tidak dikenal") == "Kalimat yang tidak dikenal"
