"""The cycle knows the work (issue 13 §2.4): the aksi page lists and links what was done in
Konvergensi for the aksi, submitting that work moves the status (an audited move), and the
province cannot verify Aksi 1 or Aksi 7 without it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from konvergensi.accounts.models import AuditEvent
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi import work
from konvergensi.aksi.models import Aksi, Transition
from konvergensi.ansit import services as ansit_services
from konvergensi.wilayah.models import Region
from konvergensi_core.aksi import Move
from tests.ansit.test_ansit import client_for, confirm_lokus, finished_document, make_analysis, seed
from tests.conftest import KAB, KEC
from tests.publication.test_publication import children, desa_of, import_into, make_round, published

pytestmark = pytest.mark.django_db


def move(world, persona, aksi, m, reason=""):
    aksi.refresh_from_db()
    return aksi_services.aksi_move(
        scope=world.scopes[persona], aksi=aksi, move=m, expected_version=aksi.version, reason=reason,
        by=world.user(persona),
    )  # fmt: skip


def decided_analysis(world, *, seeded: bool = False):
    """What Aksi 1 produces: an analysis with the team's decision and its confirmed lokus list."""
    if not seeded:
        seed(coverage=False)
    analysis = make_analysis(world)
    analysis = ansit_services.analysis_decide(
        scope=world.scopes["operator"], analysis=analysis, decision=analysis.summary["recommendation"],
        reason="", expected_version=analysis.version, by=world.user("operator"),
    ) or analysis  # fmt: skip
    analysis.refresh_from_db()
    lokus = confirm_lokus(world, analysis)
    return analysis, lokus


def published_round(world, nama="Februari 2026", start=dt.date(2026, 2, 1)):
    rnd = make_round(world, nama=nama, start=start)
    import_into(world, rnd, children(desa_of(KEC)[:3], 25, seed=7, start=start))
    return rnd, published(world, rnd)


def page(world, persona, aksi) -> tuple[int, str]:
    r = client_for(world, persona).get(reverse("aksi:detail", kwargs={"pk": aksi.pk}))
    return r.status_code, r.content.decode() if r.status_code == 200 else ""


def reset_to_not_started(aksi: Aksi) -> None:
    for ev in aksi.evidence.all():
        ev.file.delete(save=False)
        ev.delete()
    Aksi.objects.filter(pk=aksi.pk).update(status="belum_mulai")
    aksi.refresh_from_db()


# ---- the page lists and links the work --------------------------------------------------------


def test_aksi_1_page_lists_and_links_the_analysis_lokus_and_document(world):
    analysis, lokus = decided_analysis(world)
    doc = finished_document(world, analysis)
    links = [
        reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk}),
        reverse("ansit:lokus", kwargs={"pk": lokus.analysis_id}),
        *(
            reverse("ansit:document-download", kwargs={"pk": doc.pk, "fmt": f})
            for f in ("pdf", "docx", "xlsx")
        ),
    ]
    for persona in ("operator", "provinsi", "pusat", "opd"):
        status, html = page(world, persona, world.aksi[1])
        assert status == 200, persona
        assert "Hasil kerja di Konvergensi" in html, persona
        assert (
            analysis.get_decision_display() in html
            and f"Daftar desa lokus: {lokus.entries.count()} desa" in html
        ), persona
        for url in links:
            assert f'href="{url}"' in html, (persona, url)
            # every link shown opens for that reader (no dead or forbidden link)
            assert client_for(world, persona).get(url).status_code == 200, (persona, url)
    # Only the operator gets the way to the Aksi 1 workspace.
    home = reverse("ansit:home", kwargs={"kode": KAB})
    assert home in page(world, "operator", world.aksi[1])[1]
    assert home not in page(world, "provinsi", world.aksi[1])[1]


def test_an_aksi_without_work_says_so(world):
    status, html = page(world, "operator", world.aksi[1])
    assert status == 200 and "Belum ada hasil kerja untuk tahun ini." in html
    assert "Aksi 1 belum dapat diverifikasi" in html
    # Every aksi now has its work in Konvergensi; without it, each page says what is missing.
    for nomor in range(2, 9):
        status, html = page(world, "operator", world.aksi[nomor])
        assert status == 200 and "Hasil kerja di Konvergensi" in html, nomor
        assert f"Aksi {nomor} belum dapat diverifikasi" in html, nomor


def test_outsiders_see_neither_the_page_nor_the_work(world):
    analysis, _lokus = decided_analysis(world)
    rnd, _pub = published_round(world)
    for nomor in (1, 7):
        for persona in ("neighbour", "other_province"):
            assert page(world, persona, world.aksi[nomor])[0] == 404, (persona, nomor)
        r = Client().get(reverse("aksi:detail", kwargs={"pk": world.aksi[nomor].pk}))
        assert r.status_code == 302 and "/masuk/" in r["Location"]
    # The registry itself is scoped: another district's reader gets no item and no link.
    for persona in ("neighbour", "other_province"):
        for nomor in (1, 7):
            sections = work.sections(scope=world.scopes[persona], nomor=nomor, kabkota=KAB, tahun=2026)
            assert sections and all(s.items == [] for s in sections), (persona, nomor)
    inside = work.sections(scope=world.scopes["provinsi"], nomor=1, kabkota=KAB, tahun=2026)
    assert [i.title for i in inside[0].items][0].startswith("Analisis sebaran stunting")
    assert analysis.pk and rnd.pk


def test_aksi_7_page_lists_the_years_rounds_with_their_publications(world):
    rnd, pub = published_round(world)
    draft = make_round(world, nama="Agustus 2026", start=dt.date(2026, 8, 1))
    older, _ = published_round(world, nama="Agustus 2025", start=dt.date(2025, 8, 1))
    kw = {"kode": KAB, "pk": rnd.pk}
    for persona in ("operator", "provinsi", "pusat"):
        status, html = page(world, persona, world.aksi[7])
        assert status == 200 and "Hasil kerja di Konvergensi" in html, persona
        assert "Putaran pengukuran Februari 2026" in html and "Putaran pengukuran Agustus 2026" in html
        assert "Agustus 2025" not in html  # a round of another cycle year
        for url in (
            reverse("measurements:round", kwargs={"pk": rnd.pk}),
            reverse("publication:public-round", kwargs=kw),
            reverse("publication:public-pdf", kwargs=kw),
            reverse("measurements:round", kwargs={"pk": draft.pk}),
        ):
            assert f'href="{url}"' in html, (persona, url)
            assert client_for(world, persona).get(url).status_code == 200, (persona, url)
        # the draft round has no public link
        assert reverse("publication:public-round", kwargs={"kode": KAB, "pk": draft.pk}) not in html
    assert pub.pdf and older.pk


# ---- the status moves with the work -----------------------------------------------------------


def test_attaching_the_analysis_document_starts_aksi_1_with_an_audited_move(world):
    aksi1 = world.aksi[1]
    reset_to_not_started(aksi1)
    analysis, _lokus = decided_analysis(world)
    doc = finished_document(world, analysis)
    r = client_for(world, "operator").post(reverse("ansit:document-attach", kwargs={"pk": doc.pk}))
    assert r.status_code == 302
    aksi1.refresh_from_db()
    assert aksi1.status == "draf" and aksi1.evidence.count() == 1
    t = Transition.objects.filter(aksi=aksi1).last()
    assert (t.from_status, t.to_status, t.by.username) == ("belum_mulai", "draf", "operator")
    assert "Dokumen analisis situasi" in t.reason
    assert AuditEvent.objects.filter(action="aksi.start", object_id=str(aksi1.pk)).count() == 1
    # The page then lists the document as attached.
    assert "Dilampirkan sebagai bukti" in page(world, "provinsi", aksi1)[1]


def test_publishing_a_round_starts_aksi_7_of_its_year_once(world):
    aksi7 = world.aksi[7]
    assert aksi7.status == "belum_mulai"
    published_round(world, nama="Agustus 2025", start=dt.date(2025, 8, 1))  # another cycle year
    aksi7.refresh_from_db()
    assert aksi7.status == "belum_mulai"
    rnd, _pub = published_round(world)
    aksi7.refresh_from_db()
    assert aksi7.status == "draf"
    t = Transition.objects.get(aksi=aksi7)
    assert (t.from_status, t.to_status, t.by.username) == ("belum_mulai", "draf", "operator")
    assert rnd.nama in t.reason
    events = AuditEvent.objects.filter(action="aksi.start", object_id=str(aksi7.pk))
    assert events.count() == 1 and events.get().data["to"] == "draf"
    # Publishing again (a second round) does not move it again; submitting stays the operator's act.
    published_round(world, nama="Januari 2026", start=dt.date(2026, 1, 5))
    aksi7.refresh_from_db()
    assert aksi7.status == "draf" and Transition.objects.filter(aksi=aksi7).count() == 1


def test_a_cycle_opened_after_the_work_starts_the_aksi_that_has_it(world):
    published_round(world, nama="Agustus 2025", start=dt.date(2025, 8, 1))
    siklus = aksi_services.siklus_start(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), tahun=2025,
        by=world.user("operator"),
    )  # fmt: skip
    statuses = dict(siklus.aksi_set.values_list("nomor", "status"))
    assert statuses[7] == "draf" and {s for n, s in statuses.items() if n != 7} == {"belum_mulai"}
    assert AuditEvent.objects.filter(action="aksi.start", object_id=str(siklus.aksi_set.get(nomor=7).pk))


# ---- the province verifies the work -----------------------------------------------------------


def test_the_province_cannot_verify_aksi_1_without_its_analysis(world):
    aksi1 = world.aksi[1]  # draf, with an uploaded file only (fixture)
    move(world, "operator", aksi1, Move.SUBMIT)
    with pytest.raises(ValidationError, match="Aksi 1 belum dapat diverifikasi"):
        move(world, "provinsi", aksi1, Move.VERIFY)
    # Through the page: one clear Indonesian message, the status unchanged, no audit of a verification.
    aksi1.refresh_from_db()
    c = client_for(world, "provinsi")
    status, html = page(world, "provinsi", aksi1)
    assert "Aksi 1 belum dapat diverifikasi" in html  # said before the click, too
    r = c.post(reverse("aksi:move", kwargs={"pk": aksi1.pk}), {"version": aksi1.version, "move": "verify"},
               follow=True)  # fmt: skip
    assert r.status_code == 200 and "Aksi 1 belum dapat diverifikasi" in r.content.decode()
    aksi1.refresh_from_db()
    assert aksi1.status == "diajukan"
    assert not AuditEvent.objects.filter(action="aksi.verify", object_id=str(aksi1.pk)).exists()
    # An analysis without the team's decision or lokus list is not enough either.
    seed(coverage=False)
    undecided = make_analysis(world)
    with pytest.raises(ValidationError, match="Aksi 1 belum dapat diverifikasi"):
        move(world, "provinsi", aksi1, Move.VERIFY)
    assert undecided.pk
    decided_analysis(world, seeded=True)
    move(world, "provinsi", aksi1, Move.VERIFY)
    aksi1.refresh_from_db()
    assert aksi1.status == "diverifikasi"


def test_the_province_cannot_verify_aksi_7_without_a_published_round(world):
    aksi7 = world.aksi[7]
    move(world, "operator", aksi7, Move.START)
    with pytest.raises(ValidationError, match="bukti"):  # no file and no published round
        move(world, "operator", aksi7, Move.SUBMIT)
    rnd, _pub = published_round(world)
    # The published round is the evidence: the operator submits without uploading its PDF again.
    move(world, "operator", aksi7, Move.SUBMIT)
    # Withdrawn meanwhile: the province may not verify an aksi whose figure is no longer public.
    from konvergensi.publication import services as publication_services

    publication_services.round_withdraw(scope=world.scopes["operator"], rnd=rnd, by=world.user("operator"))
    with pytest.raises(ValidationError, match="Aksi 7 belum dapat diverifikasi"):
        move(world, "provinsi", aksi7, Move.VERIFY)
    published(world, rnd)
    move(world, "provinsi", aksi7, Move.VERIFY)
    aksi7.refresh_from_db()
    assert aksi7.status == "diverifikasi"
