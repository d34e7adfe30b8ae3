"""Racing requests on one aksi: real concurrent POSTs, each thread with its own database connection.

The invariants: an aksi is never "diajukan" without evidence, and no file is added to an aksi
after it was verified. Before the fix, submitting an aksi while its only file was being deleted left
it submitted with no evidence (23 of 30 rounds on PostgreSQL), and an upload racing the verification
landed after it (15 of 30): each request checked the status or the evidence, then acted on what the
other was changing. Now every such write locks the aksi's row (``select_for_update``) and checks
after the lock. Run with ``DATABASE_URL=postgres://…`` (skipped on SQLite, see below).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from konvergensi.accounts.models import AuditEvent
from konvergensi.aksi import services
from konvergensi.aksi.models import Aksi, Evidence
from konvergensi.kpm import services as kpm_services
from konvergensi.wilayah.models import Region
from tests.concurrency import concurrently
from tests.conftest import DESA, PDF_BYTES

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 30


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only: SQLite's in-memory test database is shared between threads through its "
            "shared cache, whose table locks fail at once ('database table is locked') instead of "
            "waiting; the real SQLite file database serialises writers (IMMEDIATE transactions)."
        )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _one_fresh_evidence(world, aksi: Aksi, status: str = "draf") -> Evidence:
    """Put the aksi back to ``status`` with exactly one evidence file."""
    for ev in aksi.evidence.all():
        ev.file.delete(save=False)
        ev.delete()
    Aksi.objects.filter(pk=aksi.pk).update(status="draf")
    aksi.refresh_from_db()
    ev = services.evidence_add(
        scope=world.scopes["operator"],
        aksi=aksi,
        upload=SimpleUploadedFile("bukti.pdf", PDF_BYTES, "application/pdf"),
        by=world.user("operator"),
    )
    Aksi.objects.filter(pk=aksi.pk).update(status=status)
    aksi.refresh_from_db()
    return ev


def test_submit_racing_the_deletion_of_the_only_evidence_never_submits_an_empty_aksi(world):
    aksi = world.aksi[1]
    submitter, deleter = _client(world.user("operator")), _client(world.user("operator"))
    move_url = reverse("aksi:move", kwargs={"pk": aksi.pk})
    outcomes, codes = [], set()
    for _ in range(ROUNDS):
        ev = _one_fresh_evidence(world, aksi)
        delete_url = reverse("aksi:evidence-delete", kwargs={"pk": ev.pk})
        submitted, deleted = concurrently(
            lambda v=aksi.version: submitter.post(move_url, {"version": v, "move": "submit"}),
            lambda url=delete_url: deleter.post(url),
        )
        codes.add((submitted.status_code, deleted.status_code))
        aksi.refresh_from_db()
        outcomes.append((aksi.status, aksi.evidence.count()))
    broken = [o for o in outcomes if o[0] == "diajukan" and o[1] == 0]
    assert not broken, f"{len(broken)} of {ROUNDS} rounds submitted an aksi without evidence"
    assert codes == {(302, 302)}  # the loser is told why on the page, never a 403 or 500
    # exactly one of the two requests won each round
    assert set(outcomes) <= {("diajukan", 1), ("draf", 0)}


def test_evidence_racing_the_verification_is_never_added_to_a_verified_aksi(world):
    """The province verifies while the district uploads one more file: the upload lands before the
    verification or is refused, never after it (ordered by the audit trail)."""
    aksi = world.aksi[5]  # verified from its evidence and one village scorecard (aksi.work)
    kpm_services.scorecard_save(scope=world.scopes["operator"], desa=Region.objects.get(kode=DESA),
                                tahun=aksi.siklus.tahun, triwulan=1, counts={"IH01": (10, 8)},
                                by=world.user("operator"))  # fmt: skip
    uploader, verifier = _client(world.user("operator")), _client(world.user("provinsi"))
    add_url = reverse("aksi:evidence-add", kwargs={"pk": aksi.pk})
    move_url = reverse("aksi:move", kwargs={"pk": aksi.pk})
    late = 0
    for _ in range(ROUNDS):
        _one_fresh_evidence(world, aksi, status="diajukan")
        first = AuditEvent.objects.order_by("-id").first().id
        added, verified = concurrently(
            lambda: uploader.post(add_url, {"file": SimpleUploadedFile("tambahan.pdf", PDF_BYTES)}),
            lambda v=aksi.version: verifier.post(move_url, {"version": v, "move": "verify"}),
        )
        assert (added.status_code, verified.status_code) == (302, 302)
        aksi.refresh_from_db()
        assert aksi.status == "diverifikasi"
        events = dict(
            AuditEvent.objects.filter(id__gt=first, action__in=("evidence.add", "aksi.verify")).values_list(
                "action", "id"
            )
        )
        assert aksi.evidence.count() == (2 if "evidence.add" in events else 1)
        late += events.get("evidence.add", 0) > events["aksi.verify"]
    assert late == 0, f"{late} of {ROUNDS} uploads were added to an aksi already verified"
