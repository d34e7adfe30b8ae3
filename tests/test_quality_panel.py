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
    assert html.count("<svg") >= 4 and ' style="' not in html.split("<main>", 1)[1]


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
    area = quality_area(selectors.quality_frame(frame))
    return quality.quality_marks(frame, area), area["verdict"]


@pytest.mark.parametrize(("first_digit", "flagged"), [(271, False), (280, False), (289, True)])
def test_the_digit_chart_and_card_mark_red_exactly_what_the_verdict_sends_to_retraining(first_digit, flagged):
    marks, verdict = marks_and_verdict(area_frame(first_digit=first_digit))
    assert ("preferensi angka desimal berat" in verdict) is flagged
    assert marks["dps"]["weight_bad"] is flagged
    chart = marks["svg"]["weight"]
    assert (RED in chart) is flagged  # the over-used ,0 (28 %) is drawn in the verdict's colour
    assert (charts.LEVEL_COLOURS["baik"] in chart) is not flagged
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
    weight_chart = html.split('aria-label="Sebaran angka desimal berat badan"', 1)[1].split("</svg>", 1)[0]
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

    from konvergensi.measurements.tasks import warm

    cache.clear()
    warm(rnd)  # what the worker does after each commit

    def never(*args, **kwargs):
        raise AssertionError("computed again on a first visit")

    # Everyone who sees the whole district shares the figures warmed once, whatever their role.
    monkeypatch.setattr(quality, "_figures", never)
    monkeypatch.setattr(selectors, "_round_analysis", never)
    for persona in ("operator", "opd", "provinsi", "pusat"):
        assert "Penilaian per posyandu" in page(world, rnd, persona)
        c = Client()
        c.force_login(world.user(persona))
        assert (
            c.get(reverse("measurements:round", kwargs={"pk": rnd.pk}) + "?tingkat=desa").status_code == 200
        )
    # A kecamatan's figures are its own, cut from the district's rows read once by the worker.
    monkeypatch.undo()
    monkeypatch.setattr(selectors, "_frame_rows", never)
    html = page(world, rnd, "kecamatan")
    assert "400 balita diukur" in html and Region.objects.get(kode=desa_of(OTHER_KEC)[0]).nama not in html
