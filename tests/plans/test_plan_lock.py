"""The approval lock on Aksi 2 (docs/aksi.md "Kunci data"): the plan of a verified year and its rows
cannot change until the province opens the lock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from konvergensi.aksi import locks
from konvergensi.plans import services
from konvergensi.plans.models import Plan, PlanRow
from tests.ansit.test_ansit import client_for
from tests.conftest import DESA, KAB

pytestmark = pytest.mark.django_db
SENTENCE = (
    "Data Aksi 2 tahun 2026 sudah dikunci karena telah diverifikasi provinsi; minta provinsi membuka kunci."
)


def a_plan(w, tahun=2026) -> Plan:
    plan = Plan.objects.create(kabkota_id=KAB, tahun=tahun)
    PlanRow.objects.create(plan=plan, group=1, activity="PMT lokal", opd=w.opd["Dinkes"], locations=[DESA],
                           budget=1_000_000)  # fmt: skip
    return plan


def test_rows_and_stages_of_a_locked_plan_are_refused_other_years_open(world):
    plan, other = a_plan(world), a_plan(world, 2027)
    locks.lock(KAB, 2026, 2, world.user("provinsi"), "verifikasi")
    op, by = world.scopes["operator"], world.user("operator")
    row = plan.rows.get()
    for write in (
        lambda: services.row_add(scope=op, plan=plan, data={"group": "4", "activity": "Forum desa"}, by=by),
        lambda: services.row_delete(scope=op, row=row, by=by),
        lambda: services.row_split(scope=op, row=row, by=by),
        lambda: services.stage_record(scope=op, plan=plan, stage="opd", date=dt.date(2026, 2, 1), by=by),
    ):
        with pytest.raises(ValidationError) as exc:
            write()
        assert exc.value.messages == [SENTENCE]
    assert plan.rows.count() == 1
    services.row_add(scope=op, plan=other, data={"group": "4", "activity": "Forum desa"}, by=by)
    locks.unlock(scope=world.scopes["provinsi"], kabkota=KAB, tahun=2026, nomor=2, by=world.user("provinsi"),
                 reason="Pagu berubah")  # fmt: skip
    services.row_add(scope=op, plan=plan, data={"group": "4", "activity": "Forum desa"}, by=by)
    assert plan.rows.count() == 2


def test_the_plan_page_shows_the_lock_without_edit_buttons_and_a_post_is_told(world):
    plan = a_plan(world)
    row = plan.rows.get()
    locks.lock(KAB, 2026, 2, world.user("provinsi"), "verifikasi")
    client = client_for(world, "operator")
    page = client.get(reverse("plans:detail", kwargs={"pk": plan.pk})).content.decode()
    assert SENTENCE in page and reverse("plans:row-edit", kwargs={"pk": row.pk}) not in page
    response = client.post(reverse("plans:row-delete", kwargs={"pk": row.pk}), follow=True)
    assert response.status_code == 200 and SENTENCE in response.content.decode()
    assert PlanRow.objects.filter(pk=row.pk).exists()
