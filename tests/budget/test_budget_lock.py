"""The approval lock on Aksi 2 reaches the budget lines of the year (docs/aksi.md "Kunci data")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.budget.models import BudgetLine
from konvergensi.imports import services as pipeline
from tests.ansit.test_ansit import client_for
from tests.budget.test_budget import GOOD, check, commit, workbook
from tests.conftest import KAB

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 2 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def test_a_locked_year_refuses_the_import_at_the_preview_and_a_line_delete(world):
    commit(world, check(world, workbook(GOOD)))
    n = BudgetLine.objects.count()
    assert n
    locks.lock(KAB, 2026, 2, world.user("provinsi"), "verifikasi")
    imp = check(world, workbook(GOOD[:1]))
    assert imp.summary["file_problems"] == [SENTENCE] and not pipeline.ready(imp)
    line = BudgetLine.objects.first()
    response = client_for(world, "operator").post(
        reverse("budget:line-delete", kwargs={"pk": line.pk}), follow=True
    )
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    assert BudgetLine.objects.count() == n
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=2, by=world.user("provinsi"),
                 reason="APBD-P")  # fmt: skip
    commit(world, check(world, workbook(GOOD[:1])))
    assert BudgetLine.objects.count() == 1
