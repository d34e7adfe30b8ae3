"""The REST API: personal tokens (shown once, hashed, expiry, revoke, last used), the token's scope,
401 without a token, ETag/304, pagination."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from konvergensi.accounts.models import AuditEvent
from konvergensi.api import tokens
from konvergensi.api.models import ApiToken
from konvergensi.indicators.models import DataValue, Indicator
from konvergensi.picture.models import RegionFigure
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB, NEIGHBOUR

pytestmark = pytest.mark.django_db


def secret_for(w, persona: str, days: int = 30) -> str:
    return tokens.create(user=w.user(persona), scope=w.scopes[persona], name="uji", days=days).secret


def get(secret: str | None, url: str, **headers):
    if secret:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return Client().get(url, **headers)


def kodes(response, key: str = "kode") -> set[str]:
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["items"]}


def test_token_page_shows_secret_once_and_stores_only_its_hash(world):
    c = Client()
    c.force_login(world.user("operator"))
    r = c.post(reverse("api:tokens"), {"name": "SIPD", "days": "30"})
    assert r.status_code == 200
    token = ApiToken.objects.get(user=world.user("operator"))
    html = r.content.decode()
    secret = html.split('id="token-rahasia">')[1].split("<")[0]
    assert secret.startswith("kvg_") and len(secret) > 40
    assert token.hash == tokens.digest(secret) and secret not in (token.hash, token.prefix)
    assert secret.startswith(token.prefix)
    assert AuditEvent.objects.filter(action="api_token.create", actor=world.user("operator")).exists()
    again = c.get(reverse("api:tokens")).content.decode()
    assert secret not in again and token.prefix in again
    assert get(secret, "/api/v1/wilayah/").status_code == 200


def test_expiry_is_required_and_bounded(world):
    for days in (0, tokens.MAX_DAYS + 1):
        with pytest.raises(ValidationError):
            tokens.create(user=world.user("operator"), scope=world.scopes["operator"], name="x", days=days)
    with pytest.raises(ValidationError):
        tokens.create(user=world.user("operator"), scope=world.scopes["operator"], name=" ", days=5)


def test_expired_revoked_and_unknown_tokens_get_401(world):
    secret = secret_for(world, "operator")
    assert get(None, "/api/v1/wilayah/").status_code == 401
    assert get("kvg_tidak-ada", "/api/v1/wilayah/").status_code == 401
    # A logged-in browser session is no API credential.
    c = Client()
    c.force_login(world.user("operator"))
    assert c.get("/api/v1/wilayah/").status_code == 401
    token = ApiToken.objects.get(hash=tokens.digest(secret))
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert get(secret, "/api/v1/wilayah/").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() + dt.timedelta(days=1))
    assert get(secret, "/api/v1/wilayah/").status_code == 200
    c.post(reverse("api:token-revoke", kwargs={"pk": token.pk}))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()
    assert get(secret, "/api/v1/wilayah/").status_code == 401


def test_last_used_is_recorded(world):
    secret = secret_for(world, "operator")
    token = ApiToken.objects.get(hash=tokens.digest(secret))
    assert token.last_used_at is None
    get(secret, "/api/v1/indikator/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_nobody_revokes_someone_elses_token(world):
    secret = secret_for(world, "operator")
    token = ApiToken.objects.get(hash=tokens.digest(secret))
    c = Client()
    c.force_login(world.user("neighbour"))
    assert c.post(reverse("api:token-revoke", kwargs={"pk": token.pk})).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_regions_follow_the_token_scope(world):
    op = kodes(get(secret_for(world, "operator"), "/api/v1/wilayah/?page_size=500"))
    assert KAB in op and DESA in op and all(k == KAB or k.startswith(KAB + ".") for k in op)
    desa = kodes(get(secret_for(world, "desa"), "/api/v1/wilayah/"))
    assert desa == {DESA}
    nb = secret_for(world, "neighbour")
    assert not {k for k in kodes(get(nb, "/api/v1/wilayah/?page_size=500")) if k.startswith(KAB)}
    assert kodes(get(nb, f"/api/v1/wilayah/?kode={KAB}")) == set()
    assert get(nb, f"/api/v1/wilayah/{KAB}").status_code == 404
    assert get(secret_for(world, "operator"), f"/api/v1/wilayah/{KAB}").json()["kode"] == KAB
    prov = kodes(get(secret_for(world, "provinsi"), "/api/v1/wilayah/?level=kabkota"))
    assert prov == {KAB, NEIGHBOUR}


def test_aksi_status_is_scoped(world):
    op = get(secret_for(world, "operator"), "/api/v1/aksi/?tahun=2026").json()["items"]
    assert [s["kabkota"] for s in op] == [KAB]
    assert [a["nomor"] for a in op[0]["aksi"]] == list(range(1, 9))
    assert kodes(get(secret_for(world, "neighbour"), f"/api/v1/aksi/?kode={KAB}"), "kabkota") == set()
    assert kodes(get(secret_for(world, "provinsi"), "/api/v1/aksi/"), "kabkota") == {KAB, NEIGHBOUR}
    assert kodes(get(secret_for(world, "pusat"), "/api/v1/aksi/"), "kabkota") >= {KAB, NEIGHBOUR}


def test_coverage_values_are_scoped(world):
    ind = Indicator.objects.filter(satuan="persen").first()
    DataValue.objects.create(
        indicator=ind, desa_id=DESA, kabkota_id=KAB, periode="2026", numerator=3, denominator=4
    )
    rows = get(secret_for(world, "operator"), "/api/v1/cakupan/?tahun=2026").json()["items"]
    assert [(r["desa"], r["indikator"], r["numerator"]) for r in rows] == [(DESA, ind.kode, 3)]
    assert kodes(get(secret_for(world, "kecamatan"), "/api/v1/cakupan/"), "desa") == {DESA}
    assert kodes(get(secret_for(world, "neighbour"), "/api/v1/cakupan/"), "desa") == set()
    assert kodes(get(secret_for(world, "operator"), "/api/v1/cakupan/?periode=2025"), "desa") == set()


def test_figures_are_scoped_and_suppressed_values_hidden(world):
    base = {"key": "prevalensi-stunted", "periode": "2026", "tahun": 2026}
    RegionFigure.objects.create(kode=KAB, level="kabkota", parent="32", value=20.5, n=100, **base)
    RegionFigure.objects.create(kode=NEIGHBOUR, level="kabkota", parent="32", value=30.0, n=90, **base)
    RegionFigure.objects.create(kode=DESA, level="desa", parent=DESA[:8], value=50.0, n=3,
                                suppressed=True, **base)  # fmt: skip
    op = get(secret_for(world, "operator"), "/api/v1/angka/").json()["items"]
    assert {r["kode"] for r in op} == {KAB, DESA}
    hidden = next(r for r in op if r["kode"] == DESA)
    assert hidden["suppressed"] and hidden["value"] is None and hidden["n"] is None
    assert kodes(get(secret_for(world, "neighbour"), "/api/v1/angka/")) == {NEIGHBOUR}
    assert kodes(get(secret_for(world, "provinsi"), "/api/v1/angka/?parent=32")) == {KAB, NEIGHBOUR}
    RegionFigure.objects.create(
        kode=DESA[:8] + ".2002", level="desa", parent=DESA[:8], value=10.0, n=40, **base
    )
    assert kodes(get(secret_for(world, "desa"), "/api/v1/angka/")) == {DESA}  # not the other desa
    assert kodes(get(secret_for(world, "kecamatan"), "/api/v1/angka/")) == {DESA, DESA[:8] + ".2002"}
    page = get(secret_for(world, "pusat"), "/api/v1/angka/?page_size=1&page=2").json()
    assert page["count"] == 4 and [r["kode"] for r in page["items"]] == [KAB]  # 32.10, 32.11, …: kode order


def test_etag_and_304(world):
    secret = secret_for(world, "operator")
    r = get(secret, "/api/v1/indikator/")
    etag = r["ETag"]
    assert etag.startswith('"')
    again = get(secret, "/api/v1/indikator/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert get(secret, "/api/v1/indikator/", HTTP_IF_NONE_MATCH='"lain"').status_code == 200


def test_pagination(world):
    secret = secret_for(world, "operator")
    total = Region.objects.filter(kode__startswith=KAB + ".").count() + 1
    first = get(secret, "/api/v1/wilayah/?page_size=10").json()
    second = get(secret, "/api/v1/wilayah/?page_size=10&page=2").json()
    assert first["count"] == total and len(first["items"]) == 10
    assert {r["kode"] for r in first["items"]}.isdisjoint({r["kode"] for r in second["items"]})
    assert get(secret, "/api/v1/wilayah/?page=9999").json()["items"] == []


def test_throttled_per_token(world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.KONVERGENSI_API_RATE = "3/min"
    a, b = secret_for(world, "operator"), secret_for(world, "operator")
    assert [get(a, "/api/v1/indikator/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert get(b, "/api/v1/indikator/").status_code == 200
    cache.clear()


def test_schema_and_docs_page_use_no_cdn(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/wilayah/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_cli_prints_the_schema(tmp_path):
    import json

    from typer.testing import CliRunner

    from konvergensi.cli import app

    result = CliRunner().invoke(app, ["api", "schema"])
    assert result.exit_code == 0, result.output
    assert "/api/v1/aksi/" in json.loads(result.output)["paths"]
    out = tmp_path / "openapi.json"
    assert CliRunner().invoke(app, ["api", "schema", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text())["info"]["title"] == "Konvergensi API"


LISTS = ("/api/v1/wilayah/", "/api/v1/indikator/", "/api/v1/cakupan/", "/api/v1/aksi/", "/api/v1/angka/")


@pytest.mark.parametrize("persona", ["operator", "opd", "kecamatan", "desa", "puskesmas", "provinsi",
                                     "pusat", "neighbour", "other_province"])  # fmt: skip
def test_every_persona_token_gets_its_own_scope_only(world, persona):
    """The persona matrix for the API: every list answers 200 to every persona's token; the outsiders'
    answers hold nothing of Sumedang (32.11), though Sumedang has regions, a cycle, values and figures."""
    ind = Indicator.objects.filter(satuan="persen").first()
    DataValue.objects.create(
        indicator=ind, desa_id=DESA, kabkota_id=KAB, periode="2026", numerator=1, denominator=2
    )
    RegionFigure.objects.create(kode=KAB, level="kabkota", parent="32", key="k", periode="2026", tahun=2026)
    secret = secret_for(world, persona)
    for url in LISTS:
        r = get(secret, url + "?page_size=500")
        assert r.status_code == 200, url
        if persona in ("neighbour", "other_province"):
            assert '"32.11' not in r.content.decode(), url
        elif url != "/api/v1/indikator/" and persona in ("operator", "provinsi", "pusat"):
            assert '"32.11' in r.content.decode(), url


def test_a_region_carries_its_codes_of_older_editions(world):
    """The code crosswalk: Kab. Merauke was 91.01 (Permendagri 58/2021) before Papua Selatan took 93;
    Sumedang's code never changed."""
    from konvergensi.wilayah import services as wilayah_services

    wilayah_services.region_load(only_prefixes=("93.01",))
    pusat = secret_for(world, "pusat")
    merauke = get(pusat, "/api/v1/wilayah/93.01").json()
    assert {"edisi": "permendagri_58_2021", "kode": "91.01"} in merauke["kode_lama"]
    assert get(pusat, f"/api/v1/wilayah/{KAB}").json()["kode_lama"] == []
    desa = get(pusat, "/api/v1/wilayah/?parent=93.01.01&page_size=1").json()["items"][0]
    assert any(k["kode"].startswith("91.01.") for k in desa["kode_lama"])


def test_a_nul_character_in_an_address_or_parameter_is_a_400_not_a_database_error(world, client):
    """PostgreSQL cannot hold NUL in text (Schemathesis found the 500); the site refuses it first, and the
    schema says so, so generated requests keep to it."""
    secret = secret_for(world, "operator")
    assert get(secret, "/api/v1/wilayah/?kode=32%00").status_code == 400
    assert get(secret, "/api/v1/wilayah/32.11%00").status_code == 400
    client.force_login(world.user("operator"))
    assert client.get(f"/data/{KAB}/?periode=2026%00").status_code == 400
    schema = client.get("/api/v1/openapi.json").json()
    kode = next(p for p in schema["paths"]["/api/v1/wilayah/"]["get"]["parameters"] if p["name"] == "kode")
    assert any(
        o.get("pattern") == "^[^\\u0000]*$" for o in [kode["schema"], *kode["schema"].get("anyOf", [])]
    )


@pytest.mark.parametrize("kode", ["32", "32.11", "32.11.01", DESA, "33.29", "32.1", "9"])
def test_the_region_prefix_filter_finds_exactly_the_code_and_what_lies_inside_it(world, kode):
    """The range that lets an index seek (api.base.prefix) never leaves out a region of the prefix."""
    from konvergensi.api.base import prefix
    from konvergensi.wilayah.models import Region

    everything = list(Region.objects.values_list("kode", flat=True))
    expected = {k for k in everything if k == kode or k.startswith(kode + ".")}
    assert set(prefix(Region.objects.all(), "kode", kode).values_list("kode", flat=True)) == expected
    assert expected or kode in ("32.1", "9")
