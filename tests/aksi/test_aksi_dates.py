"""The deadline of an aksi in its edit form: shown as the browser's date input needs it, kept when only
the OPD changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from konvergensi.aksi.models import Aksi

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["id", "en"])
def test_changing_only_the_opd_keeps_the_deadline(world, language):
    aksi = world.aksi[2]
    Aksi.objects.filter(pk=aksi.pk).update(due_date=dt.date(2026, 2, 28))
    client = Client()
    client.force_login(world.user("operator"))
    client.cookies["django_language"] = language
    page = client.get(reverse("aksi:detail", kwargs={"pk": aksi.pk})).content.decode()
    field = re.search(r'<input type="date" name="due_date"[^>]*>', page).group(0)
    assert 'value="2026-02-28"' in field  # what a date input accepts; "28-02-2026" showed empty
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    opd = next(iter(world.opd.values()))
    # The browser sends back what the field shows, with the new OPD.
    response = client.post(
        reverse("aksi:update", kwargs={"pk": aksi.pk}),
        {"version": version, "due_date": "2026-02-28", "opd": opd.pk},
    )
    assert response.status_code == 302
    aksi.refresh_from_db()
    assert aksi.due_date == dt.date(2026, 2, 28) and aksi.opd_id == opd.pk
