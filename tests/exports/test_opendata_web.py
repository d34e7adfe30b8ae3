"""Open data on the public pages (issue 19): anonymous downloads of every published figure as Parquet
and CSV, nationwide and per district, built from the current publications only and cached on disk
until the set of publications changes; the data dictionary page, rendered from the one column
definition that the writer uses and docs/exports.md names; the documented Polars example."""

from __future__ import annotations

import datetime as dt
import io
import runpy
from pathlib import Path

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from konvergensi.exports import opendata
from konvergensi.measurements.models import RoundStatus
from konvergensi.publication import services, snapshot
from konvergensi.publication.models import Publication
from tests.conftest import DESA, KAB, KEC, NEIGHBOUR
from tests.exports.test_exports import publish, row
from tests.publication.test_publication import crafted  # noqa: F401  (the fixture: known small cells)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NATIONAL = "/publik/data/konvergensi-nasional"
# The whole column set, written out: a new column is a decision (docs, dictionary, this list), and no
# personal field (a name of a child, NIK, birth date, address) is ever one of them.
EXPECTED_COLUMNS = [
    "kabkota_kode", "putaran", "tanggal_mulai", "tanggal_selesai", "kode", "nama", "tingkat", "diukur",
    *(f"{m}{s}" for m in ("stunted", "severely_stunted", "wasted", "underweight", "overweight")
      for s in ("", "_prevalensi", "_ci_bawah", "_ci_atas")),
]  # fmt: skip


def get(url: str, **headers):
    return Client().get(url, headers=headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def parquet(response) -> pl.DataFrame:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    assert response["Content-Disposition"].startswith("attachment;")
    return pl.read_parquet(io.BytesIO(body(response)))


def csv(response) -> pl.DataFrame:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return pl.read_csv(
        io.BytesIO(body(response)), schema_overrides={"kabkota_kode": pl.String, "kode": pl.String}
    )


def small(world, kabkota=KAB, nama="Februari 2026", start=dt.date(2026, 2, 1), prevalence=0.2, **kw):
    return publish(world, kabkota, nama, start, [row(kabkota, "kabkota", 500, prevalence)], **kw)


@pytest.fixture
def published(world, crafted):  # noqa: F811
    """A real snapshot of the crafted round (hidden desa, "< 5" cells), published; and the neighbour's."""
    rnd, _frame = crafted
    rnd.status = RoundStatus.DIPUBLIKASIKAN
    rnd.save(update_fields=["status"])
    pub = Publication.objects.create(round=rnd, data=snapshot.publication_build(rnd))
    small(world, NEIGHBOUR, prevalence=0.33, persona="neighbour")
    return pub


def test_anonymous_downloads_hold_exactly_the_publications_figures(published):
    national = parquet(get(f"{NATIONAL}.parquet"))
    assert national.columns == EXPECTED_COLUMNS == list(opendata.COLUMN_NAMES)
    assert national.schema["tanggal_mulai"] == pl.Date and national.schema["stunted_prevalensi"] == pl.Float64
    assert set(national["kabkota_kode"]) == {KAB, NEIGHBOUR}
    district = parquet(get(f"/publik/{KAB}/data.parquet"))
    assert set(district["kabkota_kode"]) == {KAB}
    assert district.equals(national.filter(pl.col("kabkota_kode") == KAB))

    data = published.data
    units = [data["district"], *data["kecamatan"], *data["desa"]]
    shown = {u["kode"]: u for u in units if not u["hidden"]}
    assert any(u["hidden"] for u in units) and DESA not in shown  # Cimungkal: 7 children, hidden
    got = {r["kode"]: r for r in district.iter_rows(named=True)}
    assert set(got) == set(shown)
    for kode, unit in shown.items():
        r = got[kode]
        assert (r["putaran"], r["tanggal_mulai"], r["tingkat"]) == (
            "Februari 2026",
            dt.date(2026, 2, 1),
            unit["level"],
        )
        assert r["diukur"] == unit["measured"]
        for m in opendata.OPENDATA_MEASURES:
            assert r[m] == unit[m] and r[f"{m}_prevalensi"] == unit[f"{m}_prevalence"]
            assert (r[f"{m}_ci_bawah"], r[f"{m}_ci_atas"]) == (unit[f"{m}_ci_low"], unit[f"{m}_ci_high"])
    # a suppressed figure ("< 5" on the public page) is null, never a number
    suppressed = [k for k, u in shown.items() if u["stunted_display"] == "< 5"]
    assert suppressed and all(
        got[k]["stunted"] is None and got[k]["stunted_prevalensi"] is None for k in suppressed
    )

    table = csv(get(f"/publik/{KAB}/data.csv"))
    assert table.columns == EXPECTED_COLUMNS and table.height == district.height
    by_kode = {r["kode"]: r for r in table.iter_rows(named=True)}
    assert all(by_kode[k]["stunted"] is None for k in suppressed)
    assert by_kode[KAB]["stunted_prevalensi"] == got[KAB]["stunted_prevalensi"]
    assert csv(get(f"{NATIONAL}.csv")).height == national.height


def test_the_cli_writes_the_same_file_as_the_download(published, tmp_path):
    from typer.testing import CliRunner

    from konvergensi.cli import app

    out = tmp_path / "nasional.parquet"
    assert CliRunner().invoke(app, ["export", "opendata", "-o", str(out)]).exit_code == 0
    assert pl.read_parquet(out).equals(parquet(get(f"{NATIONAL}.parquet")))


def test_draft_and_withdrawn_rounds_never_appear(world):
    small(world, nama="Februari 2026", prevalence=0.2)
    small(
        world, nama="Agustus 2026 (draf)", start=dt.date(2026, 8, 1), prevalence=0.31, status=RoundStatus.DRAF
    )
    small(world, nama="Mei 2026 (ditarik)", start=dt.date(2026, 5, 1), prevalence=0.32, withdrawn=True)
    for url in (f"{NATIONAL}.parquet", f"/publik/{KAB}/data.parquet"):
        frame = parquet(get(url))
        assert list(frame["putaran"]) == ["Februari 2026"] and list(frame["stunted_prevalensi"]) == [0.2]


def test_the_national_file_is_built_once_and_rebuilt_after_a_publication_or_a_withdrawal(world):
    first = small(world, prevalence=0.2)
    response = get(f"{NATIONAL}.parquet")
    assert parquet(response).height == 1
    etag = response["ETag"]
    assert get(f"{NATIONAL}.parquet", if_none_match=etag).status_code == 304
    # Served from the stored file, not rebuilt: replace it on disk and the next download is that file.
    [stored] = opendata.published_data().path("parquet").parent.glob("*.parquet")
    stored.write_bytes(b"stored file")
    assert body(get(f"{NATIONAL}.parquet")) == b"stored file"

    # a new publication (as the publishing task stores it): a new file, the old one removed
    rnd = small(
        world, nama="Agustus 2026", start=dt.date(2026, 8, 1), prevalence=0.3, status=RoundStatus.DRAF
    ).round
    services.publication_store(
        rnd=rnd, data=rnd.publications.get().data, pdf=b"%PDF-1.4", by=world.user("operator")
    )
    response = get(f"{NATIONAL}.parquet")
    assert response["ETag"] != etag
    frame = parquet(response)
    assert sorted(frame["putaran"]) == ["Agustus 2026", "Februari 2026"]
    assert [p.name for p in stored.parent.glob("*.parquet")] == [
        opendata.published_data().path("parquet").name
    ]

    # a withdrawal: gone from the national file and the district's
    services.round_withdraw(scope=world.scopes["operator"], rnd=first.round, by=world.user("operator"))
    assert list(parquet(get(f"{NATIONAL}.parquet"))["putaran"]) == ["Agustus 2026"]
    assert list(csv(get(f"/publik/{KAB}/data.csv"))["putaran"]) == ["Agustus 2026"]


def test_an_unknown_code_or_format_is_404_and_a_district_without_publications_gets_the_columns(world):
    for url in ("/publik/99.99/data.csv", "/publik/32/data.parquet", f"/publik/{KEC}/data.csv",
                f"/publik/{KAB}/data.xlsx", f"{NATIONAL}.xlsx", "/publik/data/lain.parquet"):  # fmt: skip
        assert get(url).status_code == 404, url
    empty = parquet(get(f"/publik/{KAB}/data.parquet"))
    assert empty.height == 0 and empty.columns == EXPECTED_COLUMNS
    assert csv(get(f"{NATIONAL}.csv")).columns == EXPECTED_COLUMNS


def test_another_districts_file_holds_nothing_of_this_one(world):
    small(world, prevalence=0.2)
    small(world, NEIGHBOUR, prevalence=0.33, persona="neighbour")
    frame = parquet(get(f"/publik/{NEIGHBOUR}/data.parquet"))
    assert set(frame["kabkota_kode"]) == {NEIGHBOUR} and not any(k.startswith(KAB) for k in frame["kode"])


def _dictionary(language: str) -> str:
    client = Client()
    if language != "id":
        client.cookies["django_language"] = language
    response = client.get("/publik/data/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_data_dictionary_renders_the_column_definition_in_the_readers_language(world):
    small(world, prevalence=0.2)
    for language in ("id", "en"):
        html = _dictionary(language)
        assert f'<html lang="{language}">' in html
        with translation.override(language):
            for column in opendata.COLUMNS:
                assert f"<code>{column.name}</code>" in html
                assert escape(str(column.meaning)) in html
            assert escape(str(opendata.KIND_LABELS["float"])) in html
        assert escape(opendata.DUCKDB_EXAMPLE) in html and "CC BY 4.0" in html
        assert reverse("publication:opendata-national", args=["parquet"]) in html
        assert reverse("publication:opendata-kabkota", args=[KAB, "csv"]) in html
        assert (
            reverse("publication:opendata-kabkota", args=[NEIGHBOUR, "csv"]) not in html
        )  # published nothing
    assert "Kamus data" in _dictionary("id") and "Stunting publication" in _dictionary("en")


def test_the_public_pages_link_the_open_data(published):
    assert reverse("publication:opendata") in get("/publik/").content.decode()
    page = get(f"/publik/{KAB}/").content.decode()
    assert (
        "Unduh data terbuka" in page
        and reverse("publication:opendata-kabkota", args=[KAB, "parquet"]) in page
    )


def test_docs_name_every_column_and_the_example_query():
    docs = (ROOT / "docs" / "exports.md").read_text()
    missing = [c.name for c in opendata.COLUMNS if f"`{c.name}`" not in docs]
    assert not missing, f"docs/exports.md does not name the columns {missing}"
    assert opendata.DUCKDB_EXAMPLE in docs
    assert "/publik/data/konvergensi-nasional.parquet" in docs and "/publik/<kode>/data.parquet" in docs


def test_the_documented_polars_example_answers_stunting_by_province_and_round(world, tmp_path):
    small(world, KAB, prevalence=0.2)  # 500 measured
    small(world, NEIGHBOUR, prevalence=0.3, persona="neighbour")  # 500 measured, the same province (32)
    small(
        world, NEIGHBOUR, nama="Agustus 2026", start=dt.date(2026, 8, 1), prevalence=0.25, persona="neighbour"
    )
    path = tmp_path / "konvergensi-nasional.parquet"
    path.write_bytes(body(get(f"{NATIONAL}.parquet")))
    example = runpy.run_path(str(ROOT / "docs" / "examples" / "stunting_by_province.py"))
    answer = example["with_polars"](str(path))
    assert answer.rows() == [("32", "2026-02", 2, 1000, 25.0), ("32", "2026-08", 1, 500, 25.0)]
    assert "read_parquet($path)" in example["SQL"]
