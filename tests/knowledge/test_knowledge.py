"""The knowledge base: the workflow (submit, publish by the province, send back with a reason), who
curates which districts, the public pages (published only, drafts and their files invisible, no
person's name, cache headers), search on SQLite and on PostgreSQL (a title hit ranks above a body
hit), upload validation by content (a renamed file is refused, photo metadata removed), the guides
per aksi, and the demo."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from konvergensi.accounts.models import AuditEvent, Role
from konvergensi.accounts.scope import scope_for_user
from konvergensi.concurrency import Conflict
from konvergensi.knowledge import selectors, services
from konvergensi.knowledge.models import Attachment, Practice, Status, Tag
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB, KEC, NEIGHBOUR, PDF_BYTES, make_user

pytestmark = pytest.mark.django_db

SUMMARY = "Desa lokus menggelar rembuk desa dengan data skor konvergensi sebelum Musrenbang Desa."


def png(name="foto.png", size=(64, 48), colour=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")


def jpeg_with_gps(name="lokasi.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), (10, 120, 10))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 50.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")


def make(w, persona="operator", **kw) -> Practice:
    data = {
        "title": "Rembuk stunting desa",
        "summary": SUMMARY,
        "body": "",
        "aksi": 3,
        "tags": ["tata-kelola"],
    }
    data.update(kw)
    return services.practice_create(
        scope=w.scopes[persona], kabkota=Region.objects.get(kode=KAB), data=services.PracticeInput(**data),
        by=w.user(persona),
    )  # fmt: skip


def submitted(w, **kw) -> Practice:
    p = make(w, **kw)
    return services.practice_submit(scope=w.scopes["operator"], practice=p, by=w.user("operator"))


def published(w, **kw) -> Practice:
    p = submitted(w, **kw)
    return services.practice_publish(scope=w.scopes["provinsi"], practice=p, by=w.user("provinsi"))


def client_for(w, persona: str) -> Client:
    c = Client()
    c.force_login(w.user(persona))
    return c


# --- workflow ----------------------------------------------------------------------------------------


def test_the_operator_writes_submits_and_the_province_publishes(world):
    p = make(world, tags=["tata-kelola", "dana-desa"], region=KEC)
    assert p.status == Status.DRAF and p.region_id == KEC
    assert set(p.tags.values_list("slug", flat=True)) == {"tata-kelola", "dana-desa"}
    assert "Dana desa" in p.tag_text
    services.practice_submit(scope=world.scopes["operator"], practice=p, by=world.user("operator"))
    p.refresh_from_db()
    assert p.status == Status.DIAJUKAN and p.submitted_at is not None
    assert list(selectors.queue(scope=world.scopes["provinsi"])) == [p]
    assert not selectors.published().filter(pk=p.pk).exists()
    services.practice_publish(scope=world.scopes["provinsi"], practice=p, by=world.user("provinsi"))
    p.refresh_from_db()
    assert p.status == Status.TERBIT and p.published_at is not None and p.curated_by == world.user("provinsi")
    assert selectors.public_get(p.pk) == p
    actions = set(AuditEvent.objects.filter(object_id=str(p.pk)).values_list("action", flat=True))
    assert {"knowledge.create", "knowledge.submit", "knowledge.publish"} <= actions


def test_the_province_sends_back_with_a_reason_and_the_district_resubmits(world):
    p = submitted(world)
    with pytest.raises(ValidationError):
        services.practice_return(
            scope=world.scopes["provinsi"], practice=p, reason="  ", by=world.user("provinsi")
        )
    services.practice_return(scope=world.scopes["provinsi"], practice=p, reason="Tambahkan hasil terukur.",
                             by=world.user("provinsi"))  # fmt: skip
    p.refresh_from_db()
    assert p.status == Status.DIKEMBALIKAN and p.return_reason == "Tambahkan hasil terukur."
    page = client_for(world, "operator").get(reverse("knowledge:detail", args=[p.pk]))
    assert "Tambahkan hasil terukur." in page.content.decode()
    services.practice_update(scope=world.scopes["operator"], practice=p, expected_version=p.version,
                             data=services.PracticeInput(title="Rembuk desa: 12 desa lokus", summary=SUMMARY),
                             by=world.user("operator"))  # fmt: skip
    services.practice_submit(scope=world.scopes["operator"], practice=p, by=world.user("operator"))
    p.refresh_from_db()
    assert p.status == Status.DIAJUKAN and p.return_reason == "" and p.title == "Rembuk desa: 12 desa lokus"


def test_a_published_practice_taken_offline_loses_its_feature_and_its_public_page(world):
    p = published(world)
    services.practice_feature(scope=world.scopes["provinsi"], practice=p, on=True, by=world.user("provinsi"))
    assert Client().get(reverse("knowledge:public-detail", args=[p.pk])).status_code == 200
    services.practice_return(
        scope=world.scopes["pusat"], practice=p, reason="Data belum benar.", by=world.user("pusat")
    )
    p.refresh_from_db()
    assert p.status == Status.DIKEMBALIKAN and not p.featured
    assert Client().get(reverse("knowledge:public-detail", args=[p.pk])).status_code == 404


def test_submitted_and_published_practices_cannot_be_edited_and_a_stale_form_conflicts(world):
    p = make(world)
    stale = p.version
    services.practice_update(scope=world.scopes["operator"], practice=p, expected_version=stale,
                             data=services.PracticeInput(title="Baru", summary=SUMMARY), by=world.user("operator"))  # fmt: skip
    with pytest.raises(Conflict):
        services.practice_update(scope=world.scopes["operator"], practice=Practice.objects.get(pk=p.pk),
                                 expected_version=stale, data=services.PracticeInput(title="Lama", summary=SUMMARY),
                                 by=world.user("operator"))  # fmt: skip
    assert Practice.objects.get(pk=p.pk).title == "Baru"
    p = submitted(world)
    with pytest.raises(ValidationError):
        services.practice_update(scope=world.scopes["operator"], practice=p, expected_version=p.version,
                                 data=services.PracticeInput(title="X", summary=SUMMARY), by=world.user("operator"))  # fmt: skip
    with pytest.raises(ValidationError):
        services.attachment_add(
            scope=world.scopes["operator"], practice=p, upload=png(), by=world.user("operator")
        )


def test_two_curators_publishing_at_once_make_one_move(world):
    p = submitted(world)
    first, second = Practice.objects.get(pk=p.pk), Practice.objects.get(pk=p.pk)
    services.practice_publish(scope=world.scopes["provinsi"], practice=first, by=world.user("provinsi"))
    with pytest.raises(Conflict):
        services.practice_return(
            scope=world.scopes["pusat"], practice=second, reason="x", by=world.user("pusat")
        )
    assert Practice.objects.get(pk=p.pk).status == Status.TERBIT
    assert AuditEvent.objects.filter(action="knowledge.publish", object_id=str(p.pk)).count() == 1


def test_validation_of_the_fields(world):
    with pytest.raises(ValidationError):
        make(world, title="  ")
    with pytest.raises(ValidationError):
        make(world, aksi=9)
    with pytest.raises(ValidationError):
        make(world, tags=["bukan-tema"])
    with pytest.raises(ValidationError):
        make(world, region="32.10.01")  # a kecamatan of Majalengka
    with pytest.raises(ValidationError):
        make(world, opd=str(world.opd["Dinkes"].pk + 10_000))
    p = make(world, body="Paragraf satu\nmasih satu.\n\n\n\nParagraf   dua.", opd=str(world.opd["Dinkes"].pk))
    assert p.body == "Paragraf satu masih satu.\n\nParagraf dua." and p.opd == world.opd["Dinkes"]
    assert Practice.objects.count() == 1


# --- who may do what -------------------------------------------------------------------------------


def test_only_the_district_operator_writes_and_only_province_or_nation_curate(world):
    for persona in ("opd", "kecamatan", "desa", "provinsi", "pusat", "neighbour"):
        with pytest.raises(PermissionDenied):
            make(world, persona=persona)
    p = submitted(world)
    for persona in ("operator", "opd", "neighbour", "other_province"):
        with pytest.raises(PermissionDenied):
            services.practice_publish(scope=world.scopes[persona], practice=p, by=world.user(persona))
    # The province of Jawa Tengah curates its own districts, not Sumedang (Jawa Barat).
    jateng = make_user("provjateng", Role.PROVINSI, "33")
    with pytest.raises(PermissionDenied):
        services.practice_publish(scope=scope_for_user(jateng), practice=p, by=jateng)
    assert selectors.queue(scope=scope_for_user(jateng)).count() == 0
    assert Practice.objects.get(pk=p.pk).status == Status.DIAJUKAN
    services.practice_publish(scope=world.scopes["pusat"], practice=p, by=world.user("pusat"))
    assert Practice.objects.get(pk=p.pk).status == Status.TERBIT


def test_only_published_practices_can_be_featured(world):
    p = submitted(world)
    with pytest.raises(ValidationError):
        services.practice_feature(
            scope=world.scopes["provinsi"], practice=p, on=True, by=world.user("provinsi")
        )
    services.practice_publish(scope=world.scopes["provinsi"], practice=p, by=world.user("provinsi"))
    services.practice_feature(scope=world.scopes["provinsi"], practice=p, on=True, by=world.user("provinsi"))
    assert Practice.objects.get(pk=p.pk).featured


def test_the_district_page_and_a_draft_are_seen_within_scope_only(world):
    p = make(world)
    url = reverse("knowledge:detail", args=[p.pk])
    for persona in ("operator", "opd", "provinsi", "pusat"):
        assert client_for(world, persona).get(url).status_code == 200, persona
    for persona in ("kecamatan", "desa", "puskesmas"):
        assert client_for(world, persona).get(url).status_code == 403, persona
    for persona in ("neighbour", "other_province"):
        response = client_for(world, persona).get(url)
        assert response.status_code == 404 and "Rembuk stunting desa" not in response.content.decode()
    manage = client_for(world, "neighbour").get(reverse("knowledge:manage", args=[KAB]))
    assert manage.status_code == 403
    own = client_for(world, "neighbour").get(reverse("knowledge:manage", args=[NEIGHBOUR]))
    assert own.status_code == 200 and "Rembuk stunting desa" not in own.content.decode()


def test_the_operator_creates_through_the_page_and_a_mistake_writes_nothing(world):
    c = client_for(world, "operator")
    response = c.post(reverse("knowledge:create", args=[KAB]),
                      {"title": "Posyandu digital", "summary": SUMMARY, "aksi": "7", "tags": ["posyandu"]})  # fmt: skip
    p = Practice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("knowledge:detail", args=[p.pk])
    assert p.aksi == 7 and p.created_by == world.user("operator")
    response = c.post(reverse("knowledge:create", args=[KAB]), {"title": "", "summary": SUMMARY}, follow=True)
    assert Practice.objects.count() == 1 and "Isi judul." in response.content.decode()
    c.post(reverse("knowledge:submit", args=[p.pk]), {"version": str(p.version)})
    c2 = client_for(world, "provinsi")
    c2.post(reverse("knowledge:curate", args=[p.pk]), {"action": "terbitkan", "version": str(p.version + 1)})
    assert Practice.objects.get(pk=p.pk).status == Status.TERBIT


# --- public pages --------------------------------------------------------------------------------------


def test_public_pages_show_published_practices_only_without_login(world):
    live = published(world, title="Dapur sehat atasi stunting", opd=str(world.opd["Dinkes"].pk))
    make(world, title="Draf rahasia kabupaten")
    waiting = submitted(world, title="Menunggu kurasi provinsi")
    anonymous = Client()
    page = anonymous.get(reverse("knowledge:public-list"))
    text = page.content.decode()
    assert page.status_code == 200 and "Dapur sehat atasi stunting" in text
    assert "Draf rahasia" not in text and "Menunggu kurasi" not in text
    assert "public" in page["Cache-Control"] and "max-age=300" in page["Cache-Control"]
    detail = anonymous.get(reverse("knowledge:public-detail", args=[live.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert (
        f"{world.opd['Dinkes'].nama}, {Region.objects.get(kode=KAB).nama}" in body
    )  # the author: OPD, district
    assert world.user("operator").first_name not in body and world.user("provinsi").first_name not in body
    assert anonymous.get(reverse("knowledge:public-detail", args=[waiting.pk])).status_code == 404
    logged_in = client_for(world, "operator").get(reverse("knowledge:public-list"))
    assert "private" in logged_in["Cache-Control"]


def test_a_drafts_files_are_404_for_the_public_and_other_districts(world):
    p = make(world)
    photo = services.attachment_add(
        scope=world.scopes["operator"], practice=p, upload=png(), by=world.user("operator")
    )
    doc = services.attachment_add(scope=world.scopes["operator"], practice=p, by=world.user("operator"),
                                  upload=SimpleUploadedFile("laporan.pdf", PDF_BYTES, "application/pdf"))  # fmt: skip
    for row in (photo, doc):
        assert Client().get(reverse("knowledge:public-file", args=[row.pk])).status_code == 404
        assert (
            client_for(world, "operator").get(reverse("knowledge:public-file", args=[row.pk])).status_code
            == 404
        )
        assert client_for(world, "neighbour").get(reverse("knowledge:file", args=[row.pk])).status_code == 404
        own = client_for(world, "operator").get(reverse("knowledge:file", args=[row.pk]))
        assert own.status_code == 200 and own["Cache-Control"] == "private, no-store"
    services.practice_submit(scope=world.scopes["operator"], practice=p, by=world.user("operator"))
    services.practice_publish(scope=world.scopes["provinsi"], practice=p, by=world.user("provinsi"))
    response = Client().get(reverse("knowledge:public-file", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline") and "public" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    response = Client().get(reverse("knowledge:public-file", args=[doc.pk]))
    assert response["Content-Type"] == "application/pdf" and "laporan" not in response["Content-Disposition"]


def test_the_body_is_plain_text_with_paragraphs_never_html(world):
    p = published(world, body="Paragraf pertama.\n\n<script>alert(1)</script> <b>tebal</b>")
    text = Client().get(reverse("knowledge:public-detail", args=[p.pk])).content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<p>Paragraf pertama.</p>" in text and "<b>tebal</b>" not in text


def test_featured_practices_lead_the_public_list(world):
    old = published(world, title="Praktik unggulan lama")
    published(world, title="Praktik terbaru")
    services.practice_feature(scope=world.scopes["provinsi"], practice=Practice.objects.get(pk=old.pk), on=True,
                              by=world.user("provinsi"))  # fmt: skip
    titles = [p.title for p in selectors.public_search(selectors.Filters())]
    assert titles == ["Praktik unggulan lama", "Praktik terbaru"]


# --- search (SQLite here; PostgreSQL when DATABASE_URL points to one) ------------------------------------


def test_search_ranks_a_title_hit_above_a_body_hit(world):
    published(
        world, title="Kelas ibu hamil di desa", summary=SUMMARY, body="Kader mengisi formulir posyandu."
    )
    published(world, title="Posyandu digital di Sumedang", summary=SUMMARY, body="Kader mencatat pengukuran.")
    published(world, title="Jamban sehat", summary=SUMMARY, body="Tidak ada hubungannya.")
    titles = [p.title for p in selectors.public_search(selectors.filters_from({"q": "posyandu"}))]
    assert titles == ["Posyandu digital di Sumedang", "Kelas ibu hamil di desa"]
    titles = [p.title for p in selectors.public_search(selectors.filters_from({"q": "POSYANDU digital"}))]
    assert titles == ["Posyandu digital di Sumedang"]
    assert list(selectors.public_search(selectors.filters_from({"q": "tidakadakatainidimanapun"}))) == []


def test_search_finds_tags_and_only_published_practices(world):
    published(world, title="Dapur sehat", tags=["pangan-lokal"])
    make(world, title="Draf pangan lokal", tags=["pangan-lokal"])
    titles = [p.title for p in selectors.public_search(selectors.filters_from({"q": "pangan"}))]
    assert titles == ["Dapur sehat"]


def test_filters_by_aksi_tag_and_region(world):
    published(world, title="A", aksi=3, tags=["tata-kelola"])
    published(world, title="B", aksi=7, tags=["posyandu"])
    f = selectors.filters_from
    assert [p.title for p in selectors.public_search(f({"aksi": "7"}))] == ["B"]
    assert [p.title for p in selectors.public_search(f({"tema": "tata-kelola"}))] == ["A"]
    assert {p.title for p in selectors.public_search(f({"wilayah": "32"}))} == {"A", "B"}
    assert list(selectors.public_search(f({"wilayah": "33"}))) == []
    assert list(selectors.public_search(f({"wilayah": NEIGHBOUR}))) == []
    assert f({"aksi": "99", "wilayah": "x' OR 1=1", "q": "  a   b "}) == selectors.Filters(q="a b")
    page = Client().get(reverse("knowledge:public-list"), {"q": "A", "aksi": "abc", "halaman": "zz"})
    assert page.status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgresql_uses_the_indonesian_configuration_and_stems(world):
    assert selectors.ts_config() == "indonesian"
    published(world, title="Pemberdayaan kader posyandu", body="")
    published(world, title="Jamban", body="Kegiatan pemberdayaan masyarakat desa.")
    # "berdaya" and "pemberdayaan" share a stem (daya) in Indonesian; the title (A) ranks above the body (C).
    titles = [p.title for p in selectors.public_search(selectors.filters_from({"q": "berdaya"}))]
    assert titles == ["Pemberdayaan kader posyandu", "Jamban"]


# --- uploads ---------------------------------------------------------------------------------------------


def test_uploads_are_checked_by_content(world):
    p = make(world)
    add = lambda upload: services.attachment_add(  # noqa: E731
        scope=world.scopes["operator"], practice=p, upload=upload, by=world.user("operator")
    )
    with pytest.raises(ValidationError, match="bukan JPEG"):
        add(SimpleUploadedFile("foto.jpg", b"GIF89a not a jpeg at all", "image/jpeg"))
    with pytest.raises(ValidationError, match="bukan PNG"):
        add(SimpleUploadedFile("foto.png", PDF_BYTES, "image/png"))
    with pytest.raises(ValidationError, match="tidak diterima"):
        add(SimpleUploadedFile("program.exe", b"MZ\x90\x00", "application/octet-stream"))
    with pytest.raises(ValidationError, match="tidak diterima"):
        add(SimpleUploadedFile("laporan.docx", b"PK\x03\x04", "application/octet-stream"))
    with pytest.raises(ValidationError, match="terlalu besar"):
        add(SimpleUploadedFile("besar.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "image/png"))
    with pytest.raises(ValidationError):
        add(SimpleUploadedFile("rusak.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png"))
    assert Attachment.objects.count() == 0
    add(png())
    add(SimpleUploadedFile("laporan.pdf", PDF_BYTES, "application/pdf"))
    assert sorted(Attachment.objects.values_list("kind", flat=True)) == ["dokumen", "foto"]


def test_photos_are_stored_without_their_metadata(world):
    p = make(world)
    upload = jpeg_with_gps()
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif()  # the test photo does carry a camera make and a GPS position
    upload.seek(0)
    row = services.attachment_add(
        scope=world.scopes["operator"], practice=p, upload=upload, by=world.user("operator")
    )
    with row.file.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
    assert row.content_type == "image/jpeg"


def test_the_operator_deletes_a_draft_and_its_files_but_not_a_submitted_one(
    world, django_capture_on_commit_callbacks
):
    p = make(world)
    row = services.attachment_add(
        scope=world.scopes["operator"], practice=p, upload=png(), by=world.user("operator")
    )
    storage, name = row.file.storage, row.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_delete(scope=world.scopes["operator"], practice=p, by=world.user("operator"))
    assert not Practice.objects.exists() and not Attachment.objects.exists()
    assert not storage.exists(name)
    q = submitted(world)
    with pytest.raises(ValidationError):
        services.practice_delete(scope=world.scopes["operator"], practice=q, by=world.user("operator"))
    assert Practice.objects.filter(pk=q.pk).exists()


# --- guides ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nomor", range(1, 9))
def test_every_aksi_has_a_public_guide(world, nomor):
    page = Client().get(reverse("knowledge:guide", args=[nomor]))
    text = page.content.decode()
    assert page.status_code == 200
    for heading in (
        "Apa aksi ini",
        "Langkah",
        "Hasil (output)",
        "Siapa yang melaksanakan",
        "Kapan",
        "Di Konvergensi",
    ):
        assert heading in text, heading
    assert "Sumber" in text or "Ringkasan dari pedoman" in text
    assert f"?aksi={nomor}" in text


def test_guides_link_to_where_the_work_is_done_for_the_reader(world):
    text = client_for(world, "operator").get(reverse("knowledge:guide", args=[1])).content.decode()
    assert reverse("ansit:home", args=[KAB]) in text
    text = Client().get(reverse("knowledge:guide", args=[1])).content.decode()
    assert reverse("ansit:home", args=[KAB]) not in text
    # The desa may not read the district's rembuk: its guide does not link there.
    text = client_for(world, "desa").get(reverse("knowledge:guide", args=[3])).content.decode()
    assert reverse("rembuk:home", args=[KAB]) not in text
    text = Client().get(reverse("knowledge:guide", args=[7])).content.decode()
    assert reverse("publication:public-index") in text
    assert Client().get("/pengetahuan/panduan/aksi-9/").status_code == 404
    assert Client().get(reverse("knowledge:guides")).status_code == 200


# --- demo ------------------------------------------------------------------------------------------------


def test_the_demo_writes_a_handful_of_examples_once(world):
    from konvergensi.knowledge.demo import knowledge_demo

    assert knowledge_demo(KAB, operator=world.user("operator")) == {"praktik_baik": 6}
    assert Practice.objects.filter(status=Status.TERBIT).count() == 4
    assert Practice.objects.filter(featured=True).count() == 2
    assert Practice.objects.filter(status=Status.DRAF).count() == 1
    assert Practice.objects.filter(status=Status.DIAJUKAN).count() == 1
    assert Attachment.objects.filter(kind="foto").count() == 6
    assert knowledge_demo(KAB, operator=world.user("operator")) == {}
    assert Tag.objects.count() >= 13
    text = Client().get(reverse("knowledge:public-list")).content.decode()
    assert text.index("Posyandu digital") < text.index("Dapur Sehat")  # featured first
    assert Practice.objects.filter(region_id=DESA).exists()
