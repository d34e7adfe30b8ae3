"""Aksi 3: the district rembuk and the kecamatan rembuk — the event, its signatories, holding it (the
plan moves to "Ekspose di Rembuk Stunting"), the agreed plan changes, the berita acara (PDF, Word),
the signed scan as Aksi 3 evidence, the dissemination log and the public signed commitment; who may
do what."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from konvergensi.aksi import work
from konvergensi.aksi.models import Evidence
from konvergensi.plans.models import Plan, PlanRow, StageRecord
from konvergensi.rembuk import documents, selectors, services
from konvergensi.rembuk.models import Rembuk
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB, KEC, OTHER_KEC, PDF_BYTES

pytestmark = pytest.mark.django_db
TAHUN = 2026


def client_for(w, persona: str) -> Client:
    client = Client()
    client.force_login(w.user(persona))
    return client


def plan_at(w, stage: str = "dprd") -> Plan:
    plan = Plan.objects.create(kabkota_id=KAB, tahun=TAHUN, stage=stage)
    PlanRow.objects.create(plan=plan, group=1, activity="PMT lokal balita gizi kurang", opd=w.opd["Dinkes"],
                           locations=[DESA], budget=1_250_000_000, target="90", unit="%")  # fmt: skip
    PlanRow.objects.create(plan=plan, group=4, activity="Koordinasi TPPS kecamatan", opd=w.opd["Bappeda"])
    return plan


EVENT = {
    "date": "2026-04-15", "place": "Aula Gedung Negara", "tpk": "Sekda\nKepala Bappeda", "agenda": ["a", "b", "c", "d"],
    "speakers": "Kepala Bappeda", "commitment": "Kami berkomitmen menurunkan stunting.",
    "count-bupati": "1", "count-kepala_desa": "40", "note-kepala_desa": "dari 26 kecamatan",
}  # fmt: skip


def district(w, *, held=False, signatories=True) -> Rembuk:
    op, by = w.scopes["operator"], w.user("operator")
    rembuk = services.rembuk_create(scope=op, region=Region.objects.get(kode=KAB), tahun=TAHUN, by=by)
    services.rembuk_update(scope=op, rembuk=rembuk, data=EVENT, expected_version=rembuk.version, by=by)
    if signatories:
        for role, name, position in (("bupati", "Dony Ahmad", "Bupati Sumedang"),
                                     ("dprd", "Irma Yuliani", "Ketua Komisi IV DPRD"),
                                     ("kepala_desa", "Ujang Supriatna", "Kepala Desa Cimungkal")):  # fmt: skip
            services.signatory_add(scope=op, rembuk=rembuk, role=role, name=name, position=position, by=by)
    if held:
        services.rembuk_hold(scope=op, rembuk=rembuk, by=by)
    rembuk.refresh_from_db()
    return rembuk


# --- the event ---------------------------------------------------------------------------------------


def test_the_district_rembuk_starts_from_the_guideline_and_is_one_a_year(world):
    rembuk = district(world)
    assert rembuk.agenda == ["a", "b", "c", "d"]  # e only from the second year
    assert "berkomitmen" in services.default_commitment(rembuk.region, TAHUN)
    assert {p.category: p.count for p in rembuk.participants.all()}["kepala_desa"] == 40
    with pytest.raises(ValidationError, match="sudah ada"):
        services.rembuk_create(scope=world.scopes["operator"], region=rembuk.region, tahun=TAHUN,
                               by=world.user("operator"))  # fmt: skip


def test_the_appreciation_session_waits_for_the_second_year_and_bad_counts_are_named(world):
    op, by = world.scopes["operator"], world.user("operator")
    rembuk = district(world)
    with pytest.raises(ValidationError) as exc:
        services.rembuk_update(scope=op, rembuk=rembuk, by=by, expected_version=rembuk.version,
                               data={**EVENT, "agenda": ["a", "e"], "count-dprd": "tiga"})  # fmt: skip
    text = " ".join(exc.value.messages)
    assert "tahun kedua" in text and "Jumlah hadir DPRD" in text
    next_year = services.rembuk_create(scope=op, region=rembuk.region, tahun=TAHUN + 1, by=by)
    assert next_year.agenda == ["a", "b", "c", "d", "e"]


def test_a_stale_form_is_refused(world):
    rembuk = district(world)
    with pytest.raises(services.Conflict):
        services.rembuk_update(scope=world.scopes["operator"], rembuk=rembuk, data=EVENT, expected_version=1,
                               by=world.user("operator"))  # fmt: skip


def test_holding_needs_date_place_participants_and_signatories(world):
    op, by = world.scopes["operator"], world.user("operator")
    rembuk = services.rembuk_create(scope=op, region=Region.objects.get(kode=KAB), tahun=TAHUN, by=by)
    with pytest.raises(ValidationError) as exc:
        services.rembuk_hold(scope=op, rembuk=rembuk, by=by)
    text = " ".join(exc.value.messages)
    for part in ("tanggal", "tempat", "peserta", "penanda tangan"):
        assert part in text


# --- the plan ----------------------------------------------------------------------------------------


def test_holding_the_district_rembuk_moves_the_plan_from_dprd_to_rembuk(world):
    plan = plan_at(world, "dprd")
    rembuk = district(world)
    moved = services.rembuk_hold(scope=world.scopes["operator"], rembuk=rembuk, by=world.user("operator"))
    plan.refresh_from_db()
    assert moved and plan.stage == "rembuk"
    record = StageRecord.objects.get(plan=plan, stage="rembuk")
    assert record.date.isoformat() == "2026-04-15" and "Aula Gedung Negara" in record.notes
    rembuk.refresh_from_db()
    assert rembuk.held and rembuk.plan_id == plan.pk


def test_a_plan_still_in_draft_is_not_moved(world):
    plan = plan_at(world, "draf")
    rembuk = district(world)
    assert (
        services.rembuk_hold(scope=world.scopes["operator"], rembuk=rembuk, by=world.user("operator")) is None
    )
    plan.refresh_from_db()
    assert plan.stage == "draf"


def test_changes_agreed_on_plan_rows_are_listed_for_the_plan_even_in_a_new_version(world):
    plan = plan_at(world, "dprd")
    rembuk = district(world, held=True)
    first, second = plan.rows.order_by("group")
    client = client_for(world, "operator")
    response = client.post(reverse("rembuk:changes", kwargs={"pk": rembuk.pk}),
                           {f"change-{first.pk}": "Tambah 5 desa lokus", f"change-{second.pk}": ""})  # fmt: skip
    assert response.status_code == 302
    assert [c.text for c in selectors.changes_for_plan(plan)] == ["Tambah 5 desa lokus"]
    # A later version keeps the row's key: the change is still listed for it.
    v2 = Plan.objects.create(kabkota_id=KAB, tahun=TAHUN, number=2, based_on=plan)
    PlanRow.objects.create(plan=v2, group=1, activity=first.activity, key=first.key)
    assert [c.text for c in selectors.changes_for_plan(v2)] == ["Tambah 5 desa lokus"]
    # The plan page shows them where the plan is finalised; a desa reader (no money pages) does not get them.
    page = client.get(reverse("plans:detail", kwargs={"pk": v2.pk})).content.decode()
    assert 'id="rembuk"' in page and "Tambah 5 desa lokus" in page
    desa_page = client_for(world, "desa").get(reverse("plans:detail", kwargs={"pk": v2.pk})).content.decode()
    assert "Tambah 5 desa lokus" not in desa_page
    # Emptied: removed.
    client.post(reverse("rembuk:changes", kwargs={"pk": rembuk.pk}), {f"change-{first.pk}": " "})
    assert selectors.changes_for_plan(plan) == []


# --- the berita acara --------------------------------------------------------------------------------


def test_berita_acara_pdf_names_every_signatory_and_the_plan_rows(world, tmp_path):
    plan = plan_at(world, "dprd")
    rembuk = district(world, held=True)
    services.changes_save(scope=world.scopes["operator"], rembuk=rembuk, by=world.user("operator"),
                          data={f"change-{plan.rows.order_by('group').first().pk}": "Anggaran dinaikkan"})  # fmt: skip
    content, name = documents.berita_acara(KAB, TAHUN, "pdf")
    assert name == "berita-acara-rembuk-3211-2026.pdf" and content.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())  # fmt: skip
    for expected in ("BERITA ACARA KESEPAKATAN RENCANA KEGIATAN", "PEMERINTAH KABUPATEN SUMEDANG", "Dony Ahmad",
                     "Irma Yuliani", "Ujang Supriatna", "Ketua Komisi IV DPRD", "PMT lokal balita gizi kurang",
                     "Rp 1.250.000.000", "Anggaran dinaikkan", "Rabu tanggal 15 April 2026",
                     "Kami berkomitmen menurunkan stunting"):  # fmt: skip
        assert expected in text, expected


def test_berita_acara_docx_has_the_signatories_and_the_plan_table(world):
    from docx import Document

    plan_at(world, "dprd")
    district(world, held=True)
    content, name = documents.berita_acara(KAB, None, "docx")
    assert name.endswith(".docx")
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "PMT lokal balita gizi kurang" in cells and "Dinas Kesehatan" in " ".join(cells)
    joined = "\n".join(cells)
    for name_ in ("Dony Ahmad", "Irma Yuliani", "Ujang Supriatna"):
        assert name_ in joined
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    assert "NASKAH KOMITMEN" in paragraphs and "Kami berkomitmen menurunkan stunting." in paragraphs


def test_no_berita_acara_without_a_held_rembuk(world):
    district(world)  # planned, not held
    with pytest.raises(documents.NoRembuk, match="belum mencatat rembuk stunting yang terlaksana tahun 2026"):
        documents.berita_acara(KAB, TAHUN, "pdf")


def test_the_kecamatan_berita_acara_lists_the_rows_reaching_the_kecamatan(world):
    plan_at(world, "final")
    camat = world.scopes["kecamatan"]
    rembuk = services.rembuk_create(scope=camat, region=Region.objects.get(kode=KEC), tahun=TAHUN,
                                    by=world.user("kecamatan"))  # fmt: skip
    lines = documents.plan_lines(rembuk)
    assert [line["activity"] for line in lines] == ["PMT lokal balita gizi kurang"]


# --- the signed scan, Aksi 3, dissemination, the public page ------------------------------------------


def test_the_signed_scan_becomes_the_aksi_3_evidence(world):
    rembuk = district(world, held=True)
    assert work.missing_work(nomor=3, kabkota=KAB, tahun=TAHUN)
    response = client_for(world, "operator").post(
        reverse("rembuk:signed-upload", kwargs={"pk": rembuk.pk}),
        {"file": SimpleUploadedFile("ba-ttd.pdf", PDF_BYTES, "application/pdf")},
    )
    assert response.status_code == 302
    rembuk.refresh_from_db()
    evidence = Evidence.objects.get(pk=rembuk.evidence_id)
    assert evidence.aksi.nomor == 3 and evidence.aksi.siklus.kabkota_id == KAB
    world.aksi[3].refresh_from_db()
    assert world.aksi[3].status == "draf"  # the work started Aksi 3
    assert work.missing_work(nomor=3, kabkota=KAB, tahun=TAHUN) == []
    assert (
        client_for(world, "provinsi").get(reverse("rembuk:signed-file", kwargs={"pk": rembuk.pk})).status_code
        == 200
    )


def test_a_scan_before_the_rembuk_is_held_or_of_the_wrong_kind_is_refused(world):
    rembuk = district(world)
    with pytest.raises(ValidationError, match="terlaksana"):
        services.signed_upload(scope=world.scopes["operator"], rembuk=rembuk, by=world.user("operator"),
                               upload=SimpleUploadedFile("a.pdf", PDF_BYTES))  # fmt: skip
    services.rembuk_hold(scope=world.scopes["operator"], rembuk=rembuk, by=world.user("operator"))
    with pytest.raises(ValidationError, match="tidak diterima"):
        services.signed_upload(scope=world.scopes["operator"], rembuk=rembuk, by=world.user("operator"),
                               upload=SimpleUploadedFile("a.exe", b"MZ"))  # fmt: skip


def test_dissemination_is_checked_and_logged(world):
    rembuk = district(world, held=True)
    url = reverse("rembuk:dissemination-add", kwargs={"pk": rembuk.pk})
    client = client_for(world, "operator")
    page = client.post(url, {"media": "radio", "date": "2099-01-01", "link": "bukan tautan"}, follow=True)
    text = page.content.decode()
    assert "masa depan" in text and "bukan alamat web" in text
    assert not rembuk.disseminations.exists()
    client.post(
        url, {"media": "radio", "date": "2026-04-20", "reach": "15000", "link": "https://contoh.go.id/x"}
    )
    entry = rembuk.disseminations.get()
    assert entry.reach == 15000 and entry.get_media_display() == "Radio"


def test_the_public_page_shows_the_signed_commitment_once_published(world):
    rembuk = district(world, held=True)
    services.signed_upload(scope=world.scopes["operator"], rembuk=rembuk, by=world.user("operator"),
                           upload=SimpleUploadedFile("ba-ttd.pdf", PDF_BYTES, "application/pdf"))  # fmt: skip
    public = reverse("publication:public-kabkota", kwargs={"kode": KAB})
    file_url = reverse("rembuk:public-commitment", kwargs={"kode": KAB, "pk": rembuk.pk})
    assert file_url not in Client().get(public).content.decode()
    assert Client().get(file_url).status_code == 404
    client_for(world, "operator").post(reverse("rembuk:publish", kwargs={"pk": rembuk.pk}), {"on": "1"})
    assert file_url in Client().get(public).content.decode()
    response = Client().get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    client_for(world, "operator").post(reverse("rembuk:publish", kwargs={"pk": rembuk.pk}), {"on": "0"})
    assert Client().get(file_url).status_code == 404


# --- roles -------------------------------------------------------------------------------------------


def test_the_kecamatan_enters_its_own_rembuk_only(world):
    client = client_for(world, "kecamatan")
    create = reverse("rembuk:create", kwargs={"kode": KAB})
    assert client.post(create, {"tahun": "2026", "kecamatan": OTHER_KEC}).status_code == 403
    assert client.post(create, {"tahun": "2026"}).status_code == 403  # not the district's
    response = client.post(create, {"tahun": "2026", "kecamatan": KEC})
    rembuk = Rembuk.objects.get(region_id=KEC)
    assert response.status_code == 302 and rembuk.level == "kecamatan" and rembuk.kabkota_id == KAB
    detail = reverse("rembuk:detail", kwargs={"pk": rembuk.pk})
    assert client.get(detail).status_code == 200
    assert client.post(detail, {**EVENT, "version": "1"}).status_code == 302
    rembuk.refresh_from_db()
    assert rembuk.place == "Aula Gedung Negara"
    # The district sees it on its Aksi 3 page; the district rembuk is not the kecamatan's.
    home = client_for(world, "operator").get(reverse("rembuk:home", kwargs={"kode": KAB}) + "?tahun=2026")
    assert detail in home.content.decode()
    own = district(world)
    assert client.get(reverse("rembuk:detail", kwargs={"pk": own.pk})).status_code == 403
    with pytest.raises(PermissionDenied):
        services.rembuk_update(scope=world.scopes["kecamatan"], rembuk=own, data=EVENT, expected_version=own.version,
                               by=world.user("kecamatan"))  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "get", "post"),
    [("operator", 200, 302), ("opd", 200, 403), ("provinsi", 200, 403), ("pusat", 200, 403),
     ("kecamatan", 403, 403), ("desa", 403, 403), ("neighbour", 404, 404), ("other_province", 404, 404)],
)  # fmt: skip
def test_who_reads_and_who_edits_the_district_rembuk(world, persona, get, post):
    rembuk = district(world)
    url = reverse("rembuk:detail", kwargs={"pk": rembuk.pk})
    client = client_for(world, persona)
    assert client.get(url).status_code == get
    assert client.post(url, {**EVENT, "place": "Pendopo", "version": str(rembuk.version)}).status_code == post
    rembuk.refresh_from_db()
    assert (rembuk.place == "Pendopo") == (persona == "operator")
    assert (
        client.get(reverse("rembuk:berita-acara", kwargs={"pk": rembuk.pk, "fmt": "pdf"})).status_code == get
    )


def test_the_aksi_3_page_lists_the_rembuk_and_its_documents(world):
    rembuk = district(world, held=True)
    items = work.sections(scope=world.scopes["provinsi"], nomor=3, kabkota=KAB, tahun=TAHUN)
    section = next(s for s in items if s.source.key == "rembuk")
    links = [link.url for item in section.items for link in item.links]
    assert reverse("rembuk:berita-acara", kwargs={"pk": rembuk.pk, "fmt": "pdf"}) in links
    assert "berita acara bertanda tangan" in section.missing
