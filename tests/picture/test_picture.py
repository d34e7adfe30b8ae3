"""The national and provincial picture: stored aggregates, suppression, refresh hooks, scoping, pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from konvergensi.accounts.services import audit
from konvergensi.indicators.models import DataValue, Indicator
from konvergensi.measurements import services as measurement_services
from konvergensi.picture import layers, services
from konvergensi.picture.models import RegionFigure
from konvergensi.publication import services as publication_services
from konvergensi.publication import snapshot
from konvergensi.publication.models import Publication
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB, KEC, NEIGHBOUR, OTHER_KEC, OTHER_PROVINCE_KAB
from tests.publication.test_publication import crafted, make_round  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
KEY = "prevalensi-stunted"


def fig(kode: str, key: str = KEY, periode: str = "2026") -> RegionFigure | None:
    return RegionFigure.objects.filter(kode=kode, key=key, periode=periode).first()


def district_data(kab: str, measured: int, stunted: int | None, n: int | None) -> dict:
    """A hand-made snapshot with only a district row (what the aggregation reads)."""
    shown = stunted is not None and n is not None
    row = {"kode": kab, "parent": None, "level": "kabkota", "hidden": False, "measured": measured,
           "stunted": stunted, "stunted_n": n if shown else None,
           "stunted_prevalence": stunted / n if shown else None, "stunted_ci_low": None, "stunted_ci_high": None}  # fmt: skip
    return {"district": row, "kecamatan": [], "desa": []}


def publish_hand(world, persona: str, kab: str, data: dict, start=dt.date(2026, 2, 1)) -> Publication:
    rnd = measurement_services.round_create(
        scope=world.scopes[persona], kabkota=Region.objects.get(kode=kab), nama=f"Putaran {kab}",
        tanggal_mulai=start, tanggal_selesai=start + dt.timedelta(days=20), by=world.user(persona),
    )  # fmt: skip
    rnd.status = "dipublikasikan"
    rnd.save(update_fields=["status"])
    return Publication.objects.create(round=rnd, data=data)


def test_province_and_nation_are_hand_sums_of_shown_districts(world):
    publish_hand(world, "operator", KAB, district_data(KAB, 1000, 230, 980))
    publish_hand(world, "neighbour", NEIGHBOUR, district_data(NEIGHBOUR, 500, 90, 470))
    publish_hand(world, "other_province", OTHER_PROVINCE_KAB, district_data(OTHER_PROVINCE_KAB, 300, 60, 290))
    services.refresh_all()
    prov = fig("32")
    assert (prov.numerator, prov.denominator, prov.n, prov.partial) == (230 + 90, 980 + 470, 1500, 0)
    assert prov.value == pytest.approx(100 * 320 / 1450)
    assert prov.ci_low < prov.value < prov.ci_high
    nation = fig("")
    assert (nation.numerator, nation.denominator) == (320 + 60, 1450 + 290)
    assert set(
        RegionFigure.objects.filter(parent="", key=KEY).exclude(kode="").values_list("kode", flat=True)
    ) == {
        "32",
        "33",
    }


def test_a_suppressed_district_count_is_never_summed_into_its_province(world):
    """Majalengka's stunted count is hidden ("< 5"): the province must not be its hidden count plus
    the shown ones (province − Sumedang would give it back); it is the sum of what is public."""
    publish_hand(world, "operator", KAB, district_data(KAB, 1000, 230, 980))
    publish_hand(world, "neighbour", NEIGHBOUR, district_data(NEIGHBOUR, 500, None, None))
    services.refresh_all()
    hidden = fig(NEIGHBOUR)
    assert hidden.suppressed and hidden.numerator is None and hidden.value is None
    prov = fig("32")
    assert (prov.numerator, prov.denominator, prov.partial) == (230, 980, 1)
    assert prov.numerator - fig(KAB).numerator == 0  # nothing of Majalengka can be worked out


def test_refresh_on_publish_and_withdraw_respects_the_published_suppression(
    world,
    crafted,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    rnd, _frame = crafted
    data = snapshot.publication_build(rnd)
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_store(rnd=rnd, data=data, pdf=b"%PDF-1.3", by=world.user("operator"))
    d = data["district"]
    kab = fig(KAB)
    assert (kab.numerator, kab.denominator, kab.n) == (d["stunted"], d["stunted_n"], d["measured"])
    assert fig("32").numerator == d["stunted"] and fig("").numerator == d["stunted"]
    # Every unit hidden in the publication is stored without numbers; no hidden count appears.
    for row in data["kecamatan"] + data["desa"]:
        stored = fig(row["kode"])
        if row["hidden"] or row["stunted_prevalence"] is None:
            assert stored is None or (stored.suppressed and stored.numerator is None and stored.value is None)
        else:
            assert stored.numerator == row["stunted"]
    assert fig(DESA).suppressed  # 7 children: below min_cell
    jatinunggal = fig(OTHER_KEC)
    assert jatinunggal.suppressed and jatinunggal.numerator is None  # 3 stunted: "< 5"
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.round_withdraw(
            scope=world.scopes["operator"], rnd=rnd, by=world.user("operator")
        )
    assert fig(KAB) is None and fig("32") is None and fig("") is None


def test_coverage_refreshes_on_grid_save_and_on_import(world, django_capture_on_commit_callbacks):
    from konvergensi.indicators import services as indicator_services

    ind = Indicator.objects.get(kode="A01")
    desa = list(Region.objects.filter(parent_id=KEC).order_by("kode")[:2])
    with django_capture_on_commit_callbacks(execute=True):
        for d, (num, den) in zip(desa, [(3, 10), (5, 20)], strict=True):
            indicator_services.value_set(scope=world.scopes["operator"], indicator=ind, desa=d, periode="2026",
                                         numerator=num, denominator=den, expected_version=0,
                                         by=world.user("operator"))  # fmt: skip
    key = "cakupan-A01"
    for kode in (KEC, KAB, "32", ""):
        f = fig(kode, key)
        assert (f.numerator, f.denominator) == (8, 30), kode
    assert fig(desa[0].kode, key).value == pytest.approx(30.0)
    # An import commit writes in bulk (no per-row signal) and announces itself by its audit event.
    other = Region.objects.filter(parent_id=OTHER_KEC).first()
    DataValue.objects.create(
        indicator=ind, desa=other, kabkota_id=KAB, periode="2026", numerator=1, denominator=10
    )
    with django_capture_on_commit_callbacks(execute=True):
        audit(by=world.user("operator"), action="data.import", region_kode=KAB, data={"periode": "2026"})
    assert (fig(KAB, key).numerator, fig(KAB, key).denominator) == (9, 40)
    assert (fig("", key).numerator, fig("", key).denominator) == (9, 40)


def test_layers_are_registered():
    keys = {layer.key for layer in layers.layers()}
    assert {"prevalensi-stunted", "prevalensi-overweight", "progres", "anggaran", "cakupan-A01"} <= keys


def client_for(world, persona: str) -> Client:
    c = Client()
    c.force_login(world.user(persona))
    return c


def test_pages_for_every_level_and_scoping(world):
    publish_hand(world, "operator", KAB, district_data(KAB, 1000, 230, 980))
    publish_hand(world, "neighbour", NEIGHBOUR, district_data(NEIGHBOUR, 500, 90, 470))
    services.refresh_all()
    pusat = client_for(world, "pusat")
    for url in (
        reverse("picture:nation"),
        *(reverse("picture:region", kwargs={"kode": k}) for k in ("32", KAB, KEC)),
    ):
        assert pusat.get(url).status_code == 200, url
    page = pusat.get(reverse("picture:region", kwargs={"kode": "32"})).content.decode()
    assert 'data-kode="32.10"' in page and 'data-kode="32.11"' in page
    prov = client_for(world, "provinsi")
    assert prov.get(reverse("picture:nation")).status_code == 302
    assert prov.get(reverse("picture:region", kwargs={"kode": "32"})).status_code == 200
    assert prov.get(reverse("picture:region", kwargs={"kode": "33"})).status_code == 403
    neighbour = client_for(world, "neighbour")
    assert neighbour.get(reverse("picture:region", kwargs={"kode": KAB})).status_code == 403
    assert neighbour.get(reverse("picture:region", kwargs={"kode": "32"})).status_code == 403
    assert neighbour.get(reverse("picture:region", kwargs={"kode": NEIGHBOUR})).status_code == 200
    desa_page = client_for(world, "desa").get(reverse("picture:region", kwargs={"kode": KEC}))
    rows = list(desa_page.content.decode().split("<tr data-kode=")[1:])
    assert [r.split('"')[1] for r in rows] == [DESA]


def test_a_district_trend_has_one_point_per_published_round(world):
    first = publish_hand(
        world, "operator", KAB, district_data(KAB, 1000, 230, 980), start=dt.date(2026, 2, 1)
    )
    first.round.nama = "Februari 2026"
    first.round.save(update_fields=["nama"])
    second = publish_hand(
        world, "operator", KAB, district_data(KAB, 900, 180, 880), start=dt.date(2026, 8, 1)
    )
    second.round.nama = "Agustus 2026"
    second.round.save(update_fields=["nama"])
    services.refresh_all()
    trend = services.round_trend(KAB, KEY)
    assert [p.periode for p in trend] == ["Februari 2026", "Agustus 2026"]
    assert [p.value for p in trend] == [pytest.approx(100 * 230 / 980), pytest.approx(100 * 180 / 880)]
    # The yearly figure keeps only the year's newest round; the page's trend shows both rounds.
    assert fig(KAB).value == pytest.approx(100 * 180 / 880)
    page = client_for(world, "operator").get(reverse("picture:region", kwargs={"kode": KAB}))
    assert [p.periode for p in page.context["trend"]] == ["Februari 2026", "Agustus 2026"]
    assert "Agustus 2026" in page.content.decode()
    assert services.round_trend(KAB, "cakupan-U01") == [] and services.round_trend("32", KEY) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # each refresh in its own connection, as two web requests
def test_districts_refreshed_at_once_leave_the_province_and_nation_their_sum(world):
    """Three districts of two provinces publish at the same moment: each refresh rewrites the province's
    and the nation's rows. Before the figures' writes were serialised, the second insert of the
    nation's row failed on its unique key (the refresh was lost, logged), or a sum missed the other
    district's new figure. Every round, after all three, the parents are the hand sums."""
    from django.db import connection

    from tests.concurrency import concurrently

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has one writer at a time")
    hands = {KAB: (1000, 230, 980), NEIGHBOUR: (500, 90, 470), OTHER_PROVINCE_KAB: (300, 60, 290)}
    pubs = {
        kab: publish_hand(world, persona, kab, district_data(kab, *hands[kab]))
        for kab, persona in (
            (KAB, "operator"),
            (NEIGHBOUR, "neighbour"),
            (OTHER_PROVINCE_KAB, "other_province"),
        )
    }
    for i in range(12):
        counts = {kab: (measured, stunted + i * (n % 7), n) for kab, (measured, stunted, n) in hands.items()}
        for kab, pub in pubs.items():
            pub.data = district_data(kab, *counts[kab])
            pub.save(update_fields=["data"])
        concurrently(*(lambda kab=kab: services.refresh_prevalence(kab) for kab in pubs))
        jabar = [counts[KAB], counts[NEIGHBOUR]]
        assert (fig("32").numerator, fig("32").denominator) == (
            sum(c[1] for c in jabar),
            sum(c[2] for c in jabar),
        )
        assert (fig("").numerator, fig("").denominator) == (
            sum(c[1] for c in counts.values()),
            sum(c[2] for c in counts.values()),
        ), i


@pytest.mark.every_database
def test_figures_stored_in_bulk_are_the_figures_rows(db):
    """`_insert` (one COPY on PostgreSQL, bulk_create on SQLite) stores exactly what `Figure.row()`
    describes: level, parent and year derived from the code and period, nulls and flags kept."""
    figures = [
        services._finish(services.Figure("32.11.01.2001", "cakupan-A01", "2026-S1", 3, 10, 1)),
        services._finish(services.Figure("32.11", KEY, "2026", 23, 98, 100, source="publikasi:7")),
        services._finish(services.Figure("33", KEY, "2025", None, None, None, suppressed=True, partial=2)),
        services._finish(
            services.Figure("", "anggaran", "2026", 5_000_000_000, 7_000_000_000, 7_000_000_000)
        ),
    ]
    fields = [f.name for f in RegionFigure._meta.fields if f.name not in ("id", "updated_at")]
    services._insert(figures)
    for f in figures:
        stored = RegionFigure.objects.get(kode=f.kode, key=f.key, periode=f.periode)
        expected = f.row()
        assert {n: getattr(stored, n) for n in fields} == {n: getattr(expected, n) for n in fields}, f.kode
        assert stored.updated_at is not None
    assert fig("32.11").ci_low < fig("32.11").value < fig("32.11").ci_high
