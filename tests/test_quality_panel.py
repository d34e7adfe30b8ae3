"""The data-quality panel of a round: verdicts per posyandu and desa, within the reader's scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from konvergensi.imports.models import Import
from konvergensi.measurements import selectors
from konvergensi.wilayah.models import Region
from konvergensi_core.aggregates import quality_by
from tests.conftest import KEC, OTHER_KEC, PERSONAS
from tests.test_publication import children, desa_of, import_into, make_round

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
