"""Remembered desa names (issue 11, high): answers only to the questions asked, only inside the
answerer's area, never over an exact official name; the district sees and revokes them.

The attack reproduced: ``pkm-wado`` posts to its own import page an answer that was never asked
(``WADO``/``CIMUNGKAL`` → a desa of Jatinunggal). Before the fix this was stored for the whole
district and beat the exact name, so the district's next import put every Cimungkal child under
Jatinunggal.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from konvergensi.accounts.models import AuditEvent
from konvergensi.accounts.scope import scope_for_user
from konvergensi.imports import services as pipeline
from konvergensi.imports.models import Import
from konvergensi.measurements import imports, services
from konvergensi.measurements.models import DesaAlias, Measurement
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB, NEIGHBOUR
from tests.measurements.test_measurements import as_csv, export

pytestmark = pytest.mark.django_db

JATINUNGGAL_DESA = "32.11.02.2001"  # desa Jatinunggal, kecamatan Jatinunggal: outside Puskesmas Wado
TARIKOLOT = "32.11.02.2002"  # only in Jatinunggal
CIKAREO_UTARA = "32.11.01.2005"  # Wado: "Cikareo" fits Cikareo Selatan and Cikareo Utara
CIKAREO_SELATAN = "32.11.01.2004"


def make_round(world):
    return services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=world.user("operator"),
    )  # fmt: skip


def client_for(world, persona: str) -> Client:
    c = Client()
    c.force_login(world.user(persona))
    return c


def rows_of(kecamatan: str, desa: str, *, n: int, seed: int) -> bytes:
    frame = export(n=n, seed=seed, errors=False)
    return as_csv(frame.with_columns(pl.lit(kecamatan).alias("Kec"), pl.lit(desa).alias("Desa/Kel")))


def upload(client: Client, rnd, content: bytes) -> Import:
    """Through the real upload view; the check the worker would run is then run here."""
    before = set(Import.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("measurements:import", kwargs={"pk": rnd.pk}),
        {"file": SimpleUploadedFile("eppgbm.csv", content)},
    )
    assert response.status_code == 302
    return Import.objects.exclude(pk__in=before).get()


def check(imp: Import) -> Import:
    imports.check(imp, scope=scope_for_user(imp.created_by))
    imp.refresh_from_db()
    return imp


def commit(imp: Import) -> None:
    pipeline.commit(imp, scope=scope_for_user(imp.created_by), by=imp.created_by)


def detail(imp: Import) -> str:
    return reverse("imports:detail", kwargs={"pk": imp.pk})


def aliases_url(kode: str = KAB) -> str:
    return reverse("measurements:desa-aliases", kwargs={"kode": kode})


def nothing_remembered() -> bool:
    return (
        not DesaAlias.objects.exists()
        and not AuditEvent.objects.filter(action="measurement.desa_alias").exists()
    )


def test_the_reported_attack_stores_nothing_and_the_district_import_keeps_cimungkal(world):
    rnd = make_round(world)
    pkm = client_for(world, "puskesmas")
    imp = check(upload(pkm, rnd, rows_of("Wado", "Cikareo", n=10, seed=20)))  # one real question
    assert [a["desa"] for a in imp.summary["details"]["ambiguous"]] == ["Cikareo"]
    response = pkm.post(
        detail(imp), {"pilih-0": JATINUNGGAL_DESA, "kec-0": "WADO", "desa-0": "CIMUNGKAL"}, follow=True
    )
    assert response.status_code == 200
    assert "tidak ditanyakan" in response.content.decode()
    assert nothing_remembered()
    imp.refresh_from_db()
    assert imp.status == "checked" and imp.summary["details"]["ambiguous"]  # not sent back to the check
    # The district's next import of 20 Cimungkal children keeps them in Cimungkal.
    district = check(upload(client_for(world, "operator"), rnd, rows_of("Wado", "Cimungkal", n=20, seed=21)))
    assert district.summary["ok"] and district.summary["counts"]["add"] == 20
    commit(district)
    placed = Measurement.objects.filter(source_import=district)
    assert placed.count() == 20 and set(placed.values_list("desa_id", flat=True)) == {DESA}


def test_an_offered_answer_outside_the_answerers_area_is_refused(world):
    rnd = make_round(world)
    pkm = client_for(world, "puskesmas")
    # "Tarikolot" is not in Wado but in Jatinunggal: the check asks, offering the Jatinunggal desa.
    imp = check(upload(pkm, rnd, rows_of("Wado", "Tarikolot", n=8, seed=22)))
    (question,) = imp.summary["details"]["ambiguous"]
    assert [c["kode"] for c in question["candidates"]] == [TARIKOLOT]
    response = pkm.post(
        detail(imp), {"pilih-1": TARIKOLOT, "kec-1": "Wado", "desa-1": "Tarikolot"}, follow=True
    )
    assert "di luar wilayah" in response.content.decode()
    assert nothing_remembered()
    # The district operator, whose area is the district, may give that answer for its own import.
    op = client_for(world, "operator")
    mine = check(upload(op, rnd, rows_of("Wado", "Tarikolot", n=8, seed=22)))
    response = op.post(detail(mine), {"pilih-1": TARIKOLOT, "kec-1": "Wado", "desa-1": "Tarikolot"})
    alias = DesaAlias.objects.get()
    assert (alias.desa_id, alias.puskesmas_id, alias.created_by) == (TARIKOLOT, None, world.user("operator"))


def test_only_the_offered_candidates_are_accepted_and_one_bad_answer_stores_nothing(world):
    rnd = make_round(world)
    pkm = client_for(world, "puskesmas")
    imp = check(upload(pkm, rnd, rows_of("Wado", "Cikareo", n=6, seed=23)))
    # Cimungkal is inside the puskesmas's area but was not offered for "Cikareo".
    response = pkm.post(detail(imp), {"pilih-1": DESA, "kec-1": "Wado", "desa-1": "Cikareo"}, follow=True)
    assert "bukan salah satu pilihan" in response.content.decode()
    assert nothing_remembered()
    # A good answer together with one that was not asked: neither is stored.
    pkm.post(detail(imp), {"pilih-1": CIKAREO_UTARA, "kec-1": "Wado", "desa-1": "Cikareo",
                           "pilih-2": DESA, "kec-2": "Wado", "desa-2": "Ganjarresik"})  # fmt: skip
    assert nothing_remembered()
    # Garbage is refused with a message, never a server error.
    response = pkm.post(detail(imp), {"pilih-x": "../../etc", "kec-x": "\x00" * 3, "desa-x": "y" * 5000})
    assert response.status_code == 302 and nothing_remembered()


def test_a_puskesmas_answer_in_its_area_holds_for_its_own_imports_only(world):
    rnd = make_round(world)
    pkm = client_for(world, "puskesmas")
    imp = check(upload(pkm, rnd, rows_of("Wado", "Cikareo", n=10, seed=24)))
    response = pkm.post(detail(imp), {"pilih-1": CIKAREO_UTARA, "kec-1": "Wado", "desa-1": "Cikareo"})
    assert response.status_code == 302
    alias = DesaAlias.objects.get()
    assert (alias.desa_id, alias.puskesmas_id, alias.created_by) == (
        CIKAREO_UTARA, world.puskesmas.pk, world.user("puskesmas"),
    )  # fmt: skip
    audit = AuditEvent.objects.get(action="measurement.desa_alias")
    assert audit.actor == world.user("puskesmas") and audit.data["desa"] == CIKAREO_UTARA
    imp = check(imp)
    assert imp.summary["ok"] and not imp.summary["details"]["ambiguous"]
    commit(imp)
    assert set(Measurement.objects.filter(source_import=imp).values_list("desa_id", flat=True)) == {
        CIKAREO_UTARA
    }
    # The district's own import still asks: a puskesmas does not answer for the district.
    district = check(upload(client_for(world, "operator"), rnd, rows_of("Wado", "Cikareo", n=5, seed=25)))
    assert [a["desa"] for a in district.summary["details"]["ambiguous"]] == ["Cikareo"]


def test_a_remembered_name_never_overrides_an_exact_official_name(world):
    rnd = make_round(world)
    # A remembered answer stored before this fix, for the whole district, pointing elsewhere.
    DesaAlias.objects.create(
        kabkota_id=KAB, kecamatan_key="wado", desa_key="cimungkal", desa_id=JATINUNGGAL_DESA
    )
    district = check(upload(client_for(world, "operator"), rnd, rows_of("Wado", "Cimungkal", n=12, seed=26)))
    assert district.summary["ok"]
    commit(district)
    assert set(Measurement.objects.filter(source_import=district).values_list("desa_id", flat=True)) == {DESA}


def test_the_district_lists_and_revokes_remembered_names(world):
    rnd = make_round(world)
    pkm = client_for(world, "puskesmas")
    imp = check(upload(pkm, rnd, rows_of("Wado", "Cikareo", n=7, seed=27)))
    pkm.post(detail(imp), {"pilih-1": CIKAREO_SELATAN, "kec-1": "Wado", "desa-1": "Cikareo"})
    commit(check(imp))
    alias = DesaAlias.objects.get()
    other = DesaAlias.objects.create(
        kabkota_id=NEIGHBOUR, kecamatan_key="x", desa_key="y",
        desa=Region.objects.filter(level="desa", kode__startswith=NEIGHBOUR + ".").first(),
    )  # fmt: skip
    op = client_for(world, "operator")
    assert aliases_url() in op.get(reverse("measurements:rounds", kwargs={"kode": KAB})).content.decode()
    page = op.get(aliases_url())
    body = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Cikareo Selatan" in body and "Cikareo" in body and "Pkm" in body  # name, desa, who answered
    assert 'data-placed="7"' in body  # the children of committed imports it placed
    assert client_for(world, "opd").get(aliases_url()).status_code == 200  # Dinas Kesehatan
    for persona in ("puskesmas", "kecamatan", "desa", "provinsi", "pusat", "neighbour", "other_province"):
        c = client_for(world, persona)
        assert c.get(aliases_url()).status_code in (403, 404), persona
        assert c.post(aliases_url(), {"hapus": alias.pk}).status_code in (403, 404), persona
    assert Client().post(aliases_url(), {"hapus": alias.pk}).status_code == 302  # to the login page
    # Another district's alias cannot be revoked through this district's page, nor ours through theirs.
    assert op.post(aliases_url(), {"hapus": other.pk}).status_code == 404
    assert client_for(world, "neighbour").post(aliases_url(NEIGHBOUR), {"hapus": alias.pk}).status_code == 404
    assert op.post(aliases_url(), {"hapus": "abc"}).status_code == 404
    assert DesaAlias.objects.count() == 2
    assert not AuditEvent.objects.filter(action="measurement.desa_alias_revoke").exists()
    response = op.post(aliases_url(), {"hapus": alias.pk})
    assert response.status_code == 302 and response["Location"] == aliases_url()
    assert list(DesaAlias.objects.all()) == [other]
    event = AuditEvent.objects.get(action="measurement.desa_alias_revoke")
    assert event.actor == world.user("operator") and event.region_kode == KAB
    assert event.data["desa"] == CIKAREO_SELATAN
    # Revoked: the puskesmas's next file with that name is asked again.
    again = check(upload(pkm, rnd, rows_of("Wado", "Cikareo", n=3, seed=28)))
    assert [a["desa"] for a in again.summary["details"]["ambiguous"]] == ["Cikareo"]


def test_the_preview_form_posts_back_exactly_the_questions_it_asked(world):
    """The page's own form (hidden kec-N/desa-N, select pilih-N with the candidates) is accepted."""
    import re

    rnd = make_round(world)
    pkm = client_for(world, "puskesmas")
    imp = check(upload(pkm, rnd, rows_of("Wado", "Cikareo", n=4, seed=29)))
    page = pkm.get(detail(imp)).content.decode()
    form = page[page.index('<form method="post" class="stack">') :]
    form = form[: form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="((?:kec|desa)-\d+)" value="([^"]*)"', form))
    (select,) = re.findall(r'<select name="(pilih-\d+)">(.*?)</select>', form, re.S)
    offered = re.findall(r'<option value="([^"]+)"', select[1])
    assert set(offered) == {CIKAREO_SELATAN, CIKAREO_UTARA}
    response = pkm.post(detail(imp), {**fields, select[0]: CIKAREO_UTARA})
    assert response.status_code == 302 and DesaAlias.objects.get().desa_id == CIKAREO_UTARA
