"""The audit log reads as sentences: actions and detail keys in words (Indonesian, or English with the
switch), long values cut and wrapped."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from konvergensi.accounts import services

pytestmark = pytest.mark.django_db


def test_the_audit_log_names_actions_and_details_in_words(world):
    op = world.user("operator")
    services.audit(by=op, action="aksi.update", target=world.aksi[1], region_kode="32.11",
                   data={"before": {"due_date": "2026-02-28", "opd": None}, "after": {"due_date": "2026-03-31"}})  # fmt: skip
    services.audit(by=op, action="evidence.add", target=world.aksi[1], region_kode="32.11",
                   data={"name": "x" * 400 + ".pdf"})  # fmt: skip
    client = Client()
    client.force_login(op)
    page = client.get(reverse("accounts:audit")).content.decode()
    assert "Batas waktu / OPD aksi diubah" in page and "Dokumen bukti diunggah" in page
    assert "sebelum: batas waktu 2026-02-28, OPD —" in page and "due_date" not in page
    assert "x" * 400 not in page and "x" * 150 in page  # cut, and the cell wraps (class wrap-anywhere)
    client.cookies["django_language"] = "en"
    english = client.get(reverse("accounts:audit")).content.decode()
    assert "Evidence document uploaded" in english
