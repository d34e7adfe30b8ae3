"""The annual cycle's services: transitions, audit, concurrency, evidence."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from konvergensi.accounts.models import AuditEvent
from konvergensi.aksi import services
from konvergensi.aksi.models import Aksi, Evidence, Siklus, Transition
from konvergensi.kpm import services as kpm_services
from konvergensi.wilayah.models import Region
from konvergensi_core.aksi import Move
from tests.conftest import DESA, KAB, PDF_BYTES

pytestmark = pytest.mark.django_db


def move(world, persona, aksi, m, reason=""):
    aksi.refresh_from_db()
    return services.aksi_move(
        scope=world.scopes[persona],
        aksi=aksi,
        move=m,
        expected_version=aksi.version,
        reason=reason,
        by=world.user(persona),
    )


def test_siklus_start_creates_eight_aksi_with_default_due_dates_once(world):
    assert world.siklus.aksi_set.count() == 8
    assert world.aksi[1].due_date == dt.date(2026, 2, 28)
    again = services.siklus_start(
        scope=world.scopes["operator"],
        kabkota=Region.objects.get(kode=KAB),
        tahun=2026,
        by=world.user("operator"),
    )
    assert again.pk == world.siklus.pk and Siklus.objects.filter(kabkota_id=KAB).count() == 1


def test_only_the_operator_opens_a_cycle(world):
    for persona in ("opd", "provinsi", "pusat", "neighbour"):
        with pytest.raises(PermissionDenied):
            services.siklus_start(
                scope=world.scopes[persona],
                kabkota=Region.objects.get(kode=KAB),
                tahun=2027,
                by=world.user(persona),
            )


def test_submit_revise_resubmit_verify_is_recorded_and_audited(world):
    # Aksi 5: its evidence and, before the province may verify it, a village scorecard (aksi.work).
    aksi = world.aksi[5]
    services.evidence_add(
        scope=world.scopes["operator"],
        aksi=aksi,
        upload=SimpleUploadedFile("daftar-kpm.pdf", PDF_BYTES),
        by=world.user("operator"),
    )
    move(world, "operator", aksi, Move.SUBMIT)
    move(world, "provinsi", aksi, Move.REQUEST_REVISION, "Lampirkan daftar hadir.")
    move(world, "operator", aksi, Move.SUBMIT)
    with pytest.raises(ValidationError, match="Aksi 5 belum dapat diverifikasi"):  # no scorecard yet
        move(world, "provinsi", aksi, Move.VERIFY)
    kpm_services.scorecard_save(scope=world.scopes["operator"], desa=Region.objects.get(kode=DESA),
                                tahun=aksi.siklus.tahun, triwulan=1, counts={"IH01": (10, 8)},
                                by=world.user("operator"))  # fmt: skip
    move(world, "provinsi", aksi, Move.VERIFY)
    aksi.refresh_from_db()
    assert aksi.status == "diverifikasi"
    history = list(
        Transition.objects.filter(aksi=aksi).values_list("from_status", "to_status", "by__username", "reason")
    )
    assert history == [
        ("belum_mulai", "draf", "operator", ""),
        ("draf", "diajukan", "operator", ""),
        ("diajukan", "perlu_perbaikan", "provjabar", "Lampirkan daftar hadir."),
        ("perlu_perbaikan", "diajukan", "operator", ""),
        ("diajukan", "diverifikasi", "provjabar", ""),
    ]
    actions = list(
        AuditEvent.objects.filter(object_id=str(aksi.pk), action__startswith="aksi.").values_list(
            "action", flat=True
        )
    )
    assert (
        actions.count("aksi.submit") == 2 and "aksi.verify" in actions and "aksi.request_revision" in actions
    )


def test_revision_needs_a_reason(world):
    move(world, "operator", world.aksi[1], Move.SUBMIT)
    with pytest.raises(ValidationError) as exc:
        move(world, "provinsi", world.aksi[1], Move.REQUEST_REVISION, "   ")
    assert "alasan" in str(exc.value).lower()
    world.aksi[1].refresh_from_db()
    assert world.aksi[1].status == "diajukan"


def test_submit_needs_evidence(world):
    aksi = world.aksi[2]
    move(world, "operator", aksi, Move.START)
    with pytest.raises(ValidationError, match="bukti"):
        move(world, "operator", aksi, Move.SUBMIT)


def test_roles_cannot_make_each_others_moves(world):
    with pytest.raises(PermissionDenied):
        move(world, "provinsi", world.aksi[1], Move.SUBMIT)
    move(world, "operator", world.aksi[1], Move.SUBMIT)
    for persona in ("operator", "opd", "pusat", "kecamatan"):
        with pytest.raises(PermissionDenied):
            move(world, persona, world.aksi[1], Move.VERIFY)
    other_province = world.scopes["other_province"]
    with pytest.raises(PermissionDenied):
        services.aksi_move(
            scope=other_province,
            aksi=world.aksi[1],
            move=Move.VERIFY,
            expected_version=world.aksi[1].version,
            by=None,
        )


def test_a_stale_form_cannot_overwrite_a_newer_change(world):
    aksi = world.aksi[3]
    stale_version = aksi.version
    services.aksi_update(
        scope=world.scopes["operator"],
        aksi=aksi,
        expected_version=stale_version,
        due_date=dt.date(2026, 5, 1),
        opd=world.opd["Dinkes"],
        by=world.user("operator"),
    )
    other_tab = Aksi.objects.get(pk=aksi.pk)
    other_tab.version = stale_version
    with pytest.raises(services.Conflict):
        services.aksi_update(
            scope=world.scopes["operator"],
            aksi=other_tab,
            expected_version=stale_version,
            due_date=dt.date(2026, 6, 1),
            opd=None,
            by=world.user("operator"),
        )
    aksi.refresh_from_db()
    assert aksi.due_date == dt.date(2026, 5, 1) and aksi.opd == world.opd["Dinkes"]


def test_opd_of_another_district_cannot_be_made_responsible(world):
    from konvergensi.wilayah.models import OPD

    foreign = OPD.objects.filter(kabkota_id="32.10").first()
    with pytest.raises(ValidationError):
        services.aksi_update(
            scope=world.scopes["operator"],
            aksi=world.aksi[4],
            expected_version=world.aksi[4].version,
            due_date=None,
            opd=foreign,
            by=world.user("operator"),
        )


def test_evidence_is_stored_under_a_random_name_with_its_checksum(world, settings):
    ev = world.evidence
    assert ev.original_name == "bukti.pdf" and ev.size == len(PDF_BYTES)
    assert "bukti" not in ev.file.name and ev.file.name.startswith(f"evidence/{KAB}/")
    with ev.file.open("rb") as fh:
        assert fh.read() == PDF_BYTES
    import hashlib

    assert ev.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    # uploading evidence started the work
    assert world.aksi[1].status == "draf"


def test_evidence_with_a_fake_extension_is_refused_and_nothing_is_written(world):
    before = world.aksi[2].evidence.count()
    with pytest.raises(ValidationError, match="bukan PDF"):
        services.evidence_add(
            scope=world.scopes["operator"],
            aksi=world.aksi[2],
            upload=SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00fake", "application/pdf"),
            by=world.user("operator"),
        )
    assert world.aksi[2].evidence.count() == before
    world.aksi[2].refresh_from_db()
    assert world.aksi[2].status == "belum_mulai"


def test_opd_adds_evidence_to_its_own_aksi_only(world):
    aksi = world.aksi[7]
    services.aksi_update(
        scope=world.scopes["operator"],
        aksi=aksi,
        expected_version=aksi.version,
        due_date=aksi.due_date,
        opd=world.opd["Dinkes"],
        by=world.user("operator"),
    )
    upload = SimpleUploadedFile("pengukuran.pdf", PDF_BYTES, "application/pdf")
    services.evidence_add(scope=world.scopes["opd"], aksi=aksi, upload=upload, by=world.user("opd"))
    assert aksi.evidence.count() == 1
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            scope=world.scopes["opd"],
            aksi=world.aksi[6],
            upload=SimpleUploadedFile("x.pdf", PDF_BYTES),
            by=world.user("opd"),
        )


def test_comments_need_text_and_rights(world):
    c = services.comment_add(
        scope=world.scopes["provinsi"], aksi=world.aksi[1], body=" Bagus ", by=world.user("provinsi")
    )
    assert c.body == "Bagus"
    with pytest.raises(ValidationError):
        services.comment_add(
            scope=world.scopes["operator"], aksi=world.aksi[1], body="  ", by=world.user("operator")
        )
    with pytest.raises(PermissionDenied):
        services.comment_add(
            scope=world.scopes["desa"], aksi=world.aksi[1], body="Halo", by=world.user("desa")
        )


def _files_on_disk(settings) -> set:
    from pathlib import Path

    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def test_a_zip_bomb_upload_through_the_page_is_refused_and_nothing_is_stored(world, settings):
    import io
    import zipfile

    from django.test import Client
    from django.urls import reverse
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet9.xml", b"0" * (20 * 1_048_576))  # 20 MB unpacked, ~20 kB packed
    aksi = world.aksi[2]
    before = (Evidence.objects.count(), _files_on_disk(settings))
    client = Client()
    client.force_login(world.user("operator"))
    page = client.post(
        reverse("aksi:evidence-add", kwargs={"pk": aksi.pk}),
        {"file": SimpleUploadedFile("anggaran.xlsx", buf.getvalue())},
        follow=True,
    )
    assert page.status_code == 200
    assert "„anggaran.xlsx” mencurigakan" in page.content.decode() and "zip bomb" in page.content.decode()
    assert (Evidence.objects.count(), _files_on_disk(settings)) == before
    aksi.refresh_from_db()
    assert aksi.status == "belum_mulai"  # a refused upload does not start the work either


def test_evidence_of_a_submitted_aksi_stays_and_the_user_is_told_why(world, settings):
    move(world, "operator", world.aksi[1], Move.SUBMIT)
    ev = world.evidence
    with pytest.raises(ValidationError, match="sudah diajukan"):
        services.evidence_delete(scope=world.scopes["operator"], evidence=ev, by=world.user("operator"))
    assert Evidence.objects.filter(pk=ev.pk).exists() and ev.file.storage.exists(ev.file.name)


def test_deleting_evidence_removes_the_row_and_then_the_file(world, settings):
    ev = world.evidence
    name = ev.file.name
    services.evidence_delete(scope=world.scopes["operator"], evidence=ev, by=world.user("operator"))
    assert not Evidence.objects.filter(original_name="bukti.pdf").exists()
    assert not ev.file.storage.exists(name)
    assert AuditEvent.objects.filter(action="evidence.delete").count() == 1
