"""Publishing a round (Aksi 7): the suppressed snapshot, the public pages, the PDF built by the worker."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from konvergensi.accounts.models import AuditEvent
from konvergensi.imports import services as pipeline
from konvergensi.jobs.models import Job
from konvergensi.measurements import imports, services
from konvergensi.measurements.demo import generate, kabkota_desa
from konvergensi.measurements.models import Measurement, MeasurementRound
from konvergensi.publication import reports, snapshot, tasks, wording
from konvergensi.publication import selectors as publication_selectors
from konvergensi.publication import services as publication_services
from konvergensi.publication.models import Publication
from konvergensi.wilayah.models import Region
from konvergensi_core.suppression import recoverable
from tests.conftest import DESA, KAB, KEC, OTHER_KEC, PDF_BYTES, PERSONAS

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)
PERSONAL_KEYS = {"nik", "nik_hash", "nik_masked", "nama_ortu", "alamat", "rt", "rw", "birth_date", "child_key",
                 "tgl_lahir", "nama_anak", "posyandu", "visit_date", "weight", "lenhei", "zlen"}  # fmt: skip


def make_round(world, nama="Februari 2026", start=dt.date(2026, 2, 1), **kw) -> MeasurementRound:
    return services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama=nama, tanggal_mulai=start,
        tanggal_selesai=start + dt.timedelta(days=27), by=world.user("operator"), **kw,
    )  # fmt: skip


def children(desa_kode: list[str], n: int, seed: int, start=dt.date(2026, 2, 1), **kw) -> pl.DataFrame:
    """``n`` generated children in each of the given desa (real names of the district)."""
    rows = {d[0]: d for d in kabkota_desa(KAB)}
    parts = [
        generate([rows[kode]], n=n, visit_from=start, visit_to=start + dt.timedelta(days=19), seed=seed + i,
                 errors=False, **kw)
        for i, kode in enumerate(desa_kode)
    ]  # fmt: skip
    return pl.concat(parts, how="vertical")


def import_into(world, rnd, frame: pl.DataFrame, persona="operator"):
    buffer = io.BytesIO()
    frame.write_csv(buffer, separator=";")
    imp = imports.stage(scope=world.scopes[persona], rnd=rnd, by=world.user(persona),
                               upload=SimpleUploadedFile("eppgbm.csv", buffer.getvalue()))  # fmt: skip
    check = imports.check(imp, scope=world.scopes[persona], today=TODAY)
    assert check.ok, check.file_problems
    pipeline.commit(imp, scope=world.scopes[persona], by=world.user(persona))
    return imp


def desa_of(kec: str) -> list[str]:
    return list(Region.objects.filter(parent_id=kec).order_by("kode").values_list("kode", flat=True))


@pytest.fixture
def crafted(world):
    """A round whose small cells are known: Cimungkal (Wado) has 7 children; Jatinunggal has three
    desa of 20 children and exactly 3 stunted children between them; two more kecamatan are large."""
    rnd = make_round(world)
    wado = [d for d in desa_of(KEC) if d != DESA][:2]
    jatinunggal = desa_of(OTHER_KEC)[:3]
    big = desa_of("32.11.03")[:3] + desa_of("32.11.04")[:3]
    frame = pl.concat(
        [children([DESA], 7, seed=10), children(wado, 40, seed=20), children(jatinunggal, 20, seed=30),
         children(big, 35, seed=40)], how="vertical",
    )  # fmt: skip
    import_into(world, rnd, frame)
    kec2 = Measurement.objects.filter(round=rnd, desa_id__in=jatinunggal)
    kec2.filter(stunted__isnull=False).update(stunted=False, severely_stunted=False)
    three = list(kec2.filter(desa_id=jatinunggal[0], stunted__isnull=False).values_list("pk", flat=True)[:3])
    Measurement.objects.filter(pk__in=three).update(stunted=True)
    return rnd, frame


def strings_in(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *strings_in(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def rows_of(data: dict) -> list[dict]:
    return [data["district"], *data["kecamatan"], *data["desa"]]


def assert_no_small_cell_shown(data: dict, min_cell: int) -> None:
    for row in rows_of(data):
        if row["measured"] is not None and row["measured"] > 0:
            assert row["measured"] >= min_cell, row["kode"]
        for m in snapshot.RATES:
            assert row[m] is None or row[m] == 0 or row[m] >= 5, (row["kode"], m, row[m])
            if row[m] is None:
                assert row[f"{m}_display"] in ("< 5", "—") and row[f"{m}_prevalence"] is None


def assert_not_recoverable(data: dict) -> None:
    table = pl.DataFrame(
        [{"kode": r["kode"], "parent": r["parent"], **{f"{m}_display": r[f"{m}_display"] for m in snapshot.COUNTS}}
         for r in rows_of(data)]
    )  # fmt: skip
    found = recoverable(table)
    assert found.height == 0, found


def test_the_snapshot_suppresses_small_cells_and_holds_no_personal_field(world, crafted):
    rnd, frame = crafted
    data = snapshot.publication_build(rnd)
    desa = {r["kode"]: r for r in data["desa"]}
    kec = {r["kode"]: r for r in data["kecamatan"]}
    # A desa with 7 children measured is hidden whole.
    seven = desa[DESA]
    assert seven["measured"] is None and seven["hidden"]
    assert {seven[f"{m}_display"] for m in snapshot.COUNTS} == {"—"}
    assert seven["stunted_prevalence"] is None and seven["stunted_prevalence_display"] == "—"
    # A kecamatan with 3 stunted children shows "< 5", and no prevalence.
    assert kec[OTHER_KEC]["measured"] == 60
    assert kec[OTHER_KEC]["stunted_display"] == "< 5" and kec[OTHER_KEC]["stunted"] is None
    assert kec[OTHER_KEC]["stunted_prevalence_display"] == "—"
    assert_no_small_cell_shown(data, rnd.min_cell)
    assert_not_recoverable(data)  # the attacker subtracting from the totals finds nothing
    # The district rate is the round's, with its Wilson CI.
    valid = Measurement.objects.filter(round=rnd, stunted__isnull=False)
    stunted, n = valid.filter(stunted=True).count(), valid.count()
    district = data["district"]
    assert district["measured"] == Measurement.objects.filter(round=rnd).count()
    assert district["stunted"] == stunted
    assert district["stunted_prevalence"] == pytest.approx(stunted / n, abs=1e-4)
    assert district["stunted_ci_low"] < district["stunted_prevalence"] < district["stunted_ci_high"]
    assert district["stunted_prevalence_display"] == f"{100 * stunted / n:.1f}".replace(".", ",")
    # No personal field: no such key, and none of the file's names, NIK, birth dates or addresses.
    data = json.loads(json.dumps(data))  # exactly what is stored
    assert not keys_in(data) & PERSONAL_KEYS
    texts = set(strings_in(data))
    personal = set(frame["Nama"]) | set(frame["Nama Ortu"]) | set(frame["NIK"]) | set(frame["Tgl Lahir"])
    assert not texts & personal
    assert not [t for t in texts if re.search(r"\d{16}|\d{4}\*{4}|Dusun \d", t)]
    birth_iso = {dt.datetime.strptime(d, "%d-%m-%Y").date().isoformat() for d in frame["Tgl Lahir"]}
    assert not texts & birth_iso
    # One hierarchy: desa → kecamatan → kab/kota, no puskesmas table.
    assert set(data) >= {"district", "kecamatan", "desa", "trend", "quality", "coverage", "method"}
    assert {r["level"] for r in rows_of(data)} == {"kabkota", "kecamatan", "desa"}
    assert not [k for k in keys_in(data) if "puskesmas" in k]
    method = " ".join(wording.method_paragraphs(data))  # stored as keys, worded when shown
    assert "%%" not in method and "%(" not in method
    assert all(
        w in method for w in ("data rutin", "Wilson", "WHO 2006", "Permenkes Nomor 2 Tahun 2020", "< 5")
    )


def test_the_quality_summary_and_coverage_are_district_level(world, crafted):
    from konvergensi.indicators.models import DataSasaran

    rnd, _frame = crafted
    all_desa = list(
        Region.objects.filter(level="desa", kode__startswith=KAB + ".").values_list("kode", flat=True)
    )
    DataSasaran.objects.bulk_create([DataSasaran(desa_id=d, tahun=2026, balita=100) for d in all_desa])
    data = snapshot.publication_build(rnd)
    measured = data["district"]["measured"]
    assert data["coverage"]["balita"] == 100 * len(all_desa)
    assert data["coverage"]["percent"] == pytest.approx(100 * measured / (100 * len(all_desa)), abs=0.05)
    assert not data["coverage"].get("partial")
    routine = wording.method_paragraphs(data)[0]
    assert "cakupan pengukuran: " in routine and "balita sasaran" in routine
    wado_desa = next(r for r in data["desa"] if r["measured"] == 40)
    assert wado_desa["coverage"] == 40.0
    assert next(r for r in data["desa"] if r["kode"] == DESA)["coverage"] is None  # its count is hidden
    q = data["quality"]
    assert q["assessed"] and q["level"] in ("baik", "perhatian", "pelatihan")
    assert [i["label"] for i in q["indices"]] == ["TB/U", "BB/U", "BB/TB"]
    assert sum(q["desa_levels"].values()) == 1 + 2 + 3 + 6  # every desa with children, counted by level
    assert "children" not in json.dumps(q)  # no unit's own figures


def test_a_realistic_round_cannot_be_undone_by_differencing(world):
    rnd = make_round(world)
    frame = generate(kabkota_desa(KAB), n=3000, visit_from=dt.date(2026, 2, 1), visit_to=dt.date(2026, 2, 20),
                     seed=5, errors=False)  # fmt: skip
    import_into(world, rnd, frame)
    data = snapshot.publication_build(rnd)
    assert data["district"]["measured"] == Measurement.objects.filter(round=rnd).count()
    hidden = [r for r in data["desa"] if r["hidden"]]
    assert hidden and len(hidden) < len(data["desa"])  # ~11 children per desa: many hidden
    assert_no_small_cell_shown(data, rnd.min_cell)
    assert_not_recoverable(data)
    csv_text = reports.publication_csv(data)
    assert "< 5" in csv_text and "—" in csv_text
    assert not set(frame["Nama"]) & set(re.split(r"[,\n]", csv_text))


def test_the_trend_holds_the_district_rates_of_earlier_published_rounds(world):
    first = make_round(world, nama="Agustus 2025", start=dt.date(2025, 8, 1))
    import_into(world, first, children(desa_of(KEC)[:4], 30, seed=1, start=dt.date(2025, 8, 1)))
    earlier = snapshot.publication_build(first)
    publication_services.publication_store(rnd=first, data=earlier, pdf=PDF_BYTES, by=world.user("operator"))
    second = make_round(world)
    import_into(world, second, children(desa_of(KEC)[:4], 30, seed=2))
    trend = snapshot.publication_build(second)["trend"]
    assert [p["nama"] for p in trend] == ["Agustus 2025", "Februari 2026"]
    assert trend[0]["stunted_prevalence"] == earlier["district"]["stunted_prevalence"]


def test_only_the_operator_may_publish(world, crafted):
    rnd, _frame = crafted
    url = reverse("publication:publish", kwargs={"pk": rnd.pk})
    expected = dict.fromkeys(PERSONAS, 403) | {"neighbour": 404, "other_province": 404}
    for persona in PERSONAS:
        if persona == "operator":
            continue
        c = Client()
        c.force_login(world.user(persona))
        assert c.post(url).status_code == expected[persona], persona
    assert Client().post(url).status_code == 302  # to the login page
    assert not Job.objects.filter(kind="round_publish").exists()
    c = Client()
    c.force_login(world.user("operator"))
    assert c.get(url).status_code == 200
    r = c.post(url)
    job = Job.objects.get(kind="round_publish")
    assert r["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.params["next"] == reverse("publication:public-round", kwargs={"kode": KAB, "pk": rnd.pk})
    assert AuditEvent.objects.filter(action="round.publish", object_id=str(rnd.pk)).exists()


def test_a_round_without_committed_measurements_cannot_be_published(world):
    from django.core.exceptions import ValidationError

    rnd = make_round(world)
    with pytest.raises(ValidationError):
        tasks.round_publish(scope=world.scopes["operator"], rnd=rnd, by=world.user("operator"))
    c = Client()
    c.force_login(world.user("operator"))
    r = c.post(reverse("publication:publish", kwargs={"pk": rnd.pk}), follow=True)
    assert "belum memiliki data pengukuran" in r.content.decode()
    assert not Job.objects.exists()


def published(world, rnd) -> Publication:
    data = snapshot.publication_build(rnd)
    return publication_services.publication_store(
        rnd=rnd, data=data, pdf=PDF_BYTES, by=world.user("operator")
    )


def public_urls(rnd) -> list[str]:
    kw = {"kode": KAB, "pk": rnd.pk}
    return [reverse(f"publication:{n}", kwargs=kw) for n in ("public-round", "public-pdf", "public-csv")]


def test_public_pages_show_published_rounds_to_anyone_and_nothing_else(world, crafted):
    rnd, frame = crafted
    anonymous = Client()
    for url in public_urls(rnd):
        assert anonymous.get(url).status_code == 404  # a draft round is not public
    assert anonymous.get(reverse("measurements:quality", kwargs={"pk": rnd.pk})).status_code == 302
    pub = published(world, rnd)
    rnd.refresh_from_db()
    assert rnd.status == "dipublikasikan"
    for url in public_urls(rnd):
        assert anonymous.get(url).status_code == 200, url
    page = anonymous.get(
        reverse("publication:public-round", kwargs={"kode": KAB, "pk": rnd.pk})
    ).content.decode()
    district = pub.data["district"]
    assert f"{district['stunted_prevalence_display']} %" in page  # the numbers are HTML, no script needed
    assert "Data rutin" in page and 'id="peta-statis"' in page and "<svg" in page
    assert "Cimungkal" in page and not set(frame["Nama"]) & set(re.findall(r"[A-Z][a-z]+ [A-Z][a-z]+", page))
    index = anonymous.get(reverse("publication:public-index")).content.decode()
    assert reverse("publication:public-kabkota", kwargs={"kode": KAB}) in index
    assert (
        f"<td>{district['measured_display']}</td><td>{district['stunted_prevalence_display']}</td>" in index
    )
    assert (
        rnd.nama
        in anonymous.get(reverse("publication:public-kabkota", kwargs={"kode": KAB})).content.decode()
    )
    csv_text = anonymous.get(
        reverse("publication:public-csv", kwargs={"kode": KAB, "pk": rnd.pk})
    ).content.decode()
    assert csv_text.splitlines()[0].startswith("tingkat,kode,nama,induk,anak_diukur")
    cimungkal = next(line for line in csv_text.splitlines() if line.startswith(f"desa,{DESA},"))
    assert cimungkal.split(",")[4] == "—"
    geo = anonymous.get(reverse("publication:public-geojson", kwargs={"kode": KAB})).json()
    assert len(geo["features"]) == 26 and set(geo["features"][0]["properties"]) == {"kode", "nama"}
    # Another district's code, or the round under it: not found.
    assert (
        anonymous.get(reverse("publication:public-round", kwargs={"kode": "32.10", "pk": rnd.pk})).status_code
        == 404
    )
    # Withdrawn: gone from the public pages, kept in the record.
    c = Client()
    c.force_login(world.user("operator"))
    r = c.post(reverse("publication:withdraw", kwargs={"pk": rnd.pk}), {"alasan": "angka diperbaiki"})
    assert r.status_code == 302
    for url in public_urls(rnd):
        assert anonymous.get(url).status_code == 404
    # The index's rows are cached under the set of current publications: the withdrawal shows at once.
    index = anonymous.get(reverse("publication:public-index")).content.decode()
    assert reverse("publication:public-kabkota", kwargs={"kode": KAB}) not in index
    pub.refresh_from_db()
    rnd.refresh_from_db()
    assert pub.withdrawn_at is not None and rnd.status == "draf"
    event = AuditEvent.objects.get(action="round.withdraw")
    assert event.data["reason"] == "angka diperbaiki"


def test_withdraw_is_for_the_operator_only(world, crafted):
    rnd, _frame = crafted
    published(world, rnd)
    for persona in ("opd", "kecamatan", "provinsi", "pusat"):
        c = Client()
        c.force_login(world.user(persona))
        assert c.post(reverse("publication:withdraw", kwargs={"pk": rnd.pk})).status_code == 403
    assert publication_selectors.publication_current_for_round(rnd) is not None


def test_the_public_page_is_light(world):
    rnd = make_round(world)
    import_into(world, rnd, generate(kabkota_desa(KAB), n=6000, visit_from=dt.date(2026, 2, 1),
                                     visit_to=dt.date(2026, 2, 20), seed=9))  # fmt: skip
    published(world, rnd)
    page = Client().get(reverse("publication:public-round", kwargs={"kode": KAB, "pk": rnd.pk}))
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    sizes = {a: Path(finders.find(a)).stat().st_size for a in assets if finders.find(a)}
    assert "vendor/leaflet/leaflet.js" in sizes and "js/peta-publik.js" in sizes
    geojson = Client().get(reverse("publication:public-geojson", kwargs={"kode": KAB})).content
    total = len(page.content) + sum(sizes.values()) + len(geojson)
    assert total < 500 * 1024, (len(page.content), sizes, len(geojson))
    assert ' style="' not in html.split("<main>", 1)[1]  # the CSP forbids style attributes


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_the_worker_publishes_a_round_with_a_real_pdf(world, tmp_path):
    rnd = make_round(world)
    frame = generate(kabkota_desa(KAB), n=2500, visit_from=dt.date(2026, 2, 1), visit_to=dt.date(2026, 2, 20),
                     seed=11)  # fmt: skip
    import_into(world, rnd, frame)
    c = Client()
    c.force_login(world.user("operator"))
    c.post(reverse("publication:publish", kwargs={"pk": rnd.pk}))
    job = Job.objects.get(kind="round_publish")

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.percent) == ("done", 100), job.message
    pub = Publication.objects.get(round=rnd, withdrawn_at__isnull=True)
    assert pub.published_by == world.user("operator")
    response = Client().get(reverse("publication:public-pdf", kwargs={"kode": KAB, "pk": rnd.pk}))
    pdf = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    path = tmp_path / "publikasi.pdf"
    path.write_bytes(pdf)
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed for this test"
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    district = pub.data["district"]
    assert "Kabupaten Sumedang" in text
    assert f"{district['stunted_prevalence_display']} %" in text
    assert "Data rutin" in text and "Catatan metode" in text
    assert not [name for name in set(frame["Nama"]) if name in text]
    page = c.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert job.params["next"] in page  # "Lanjut" to the public page


def test_the_public_csv_and_pdf_need_a_file(world, crafted):
    rnd, _frame = crafted
    pub = published(world, rnd)
    pub.pdf.delete(save=True)
    assert (
        Client().get(reverse("publication:public-pdf", kwargs={"kode": KAB, "pk": rnd.pk})).status_code == 404
    )
    pub.pdf.save("x.pdf", ContentFile(PDF_BYTES), save=True)
    assert (
        Client().get(reverse("publication:public-pdf", kwargs={"kode": KAB, "pk": rnd.pk})).status_code == 200
    )


def test_public_pages_may_be_kept_a_few_minutes_but_a_signed_in_page_stays_private(world, crafted):
    rnd, _frame = crafted
    published(world, rnd)
    urls = [*public_urls(rnd), reverse("publication:public-index"),
            reverse("publication:public-kabkota", kwargs={"kode": KAB})]  # fmt: skip
    signed_in = Client()
    signed_in.force_login(world.user("operator"))
    for url in urls:
        anonymous = Client().get(url)
        assert anonymous.status_code == 200, url
        assert "public" in anonymous["Cache-Control"] and "max-age=300" in anonymous["Cache-Control"], url
        mine = signed_in.get(url)
        assert "private" in mine["Cache-Control"] and "public" not in mine["Cache-Control"], url


def test_the_public_page_draws_its_charts_in_the_readers_language_and_states_the_shared_limit(world):
    from konvergensi_core.aggregates import DEFAULT_THRESHOLDS

    rnd = make_round(world)
    import_into(world, rnd, generate(kabkota_desa(KAB), n=3000, visit_from=dt.date(2026, 2, 1),
                                     visit_to=dt.date(2026, 2, 20), seed=9))  # fmt: skip
    published(world, rnd)
    url = reverse("publication:public-round", kwargs={"kode": KAB, "pk": rnd.pk})
    pages = {}
    for language in ("id", "en"):  # Indonesian first: the English page must not reuse its charts
        client = Client()
        client.cookies["django_language"] = language
        pages[language] = client.get(url).content.decode()
    assert "selang kepercayaan 95" in pages["id"] and "95 % confidence interval" in pages["en"]
    assert "selang kepercayaan" not in pages["en"]
    # The digit-preference limit comes from the one threshold table, in both languages.
    assert f"baik ≤ {DEFAULT_THRESHOLDS.dps:.0f}" in pages["id"]
    assert f"good ≤ {DEFAULT_THRESHOLDS.dps:.0f}" in pages["en"]
