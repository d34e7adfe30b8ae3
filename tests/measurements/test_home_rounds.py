"""Home pages point to the round that has something to show, labelled with its status; a puskesmas
imports into the newest draft."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import DESA
from tests.publication.test_publication import children, import_into, make_round

pytestmark = pytest.mark.django_db


def _home(world, persona) -> str:
    client = Client()
    client.force_login(world.user(persona))
    return client.get(reverse("home")).content.decode()


def test_an_empty_draft_is_not_what_the_home_page_links(world):
    filled = make_round(world, nama="Februari 2026")
    import_into(world, filled, children([DESA], 12, seed=3))
    empty = make_round(world, nama="Agustus 2026", start=dt.date(2026, 8, 1))
    page = _home(world, "operator")
    assert reverse("measurements:round", args=[filled.pk]) in page
    assert reverse("measurements:round", args=[empty.pk]) not in page
    assert "Februari 2026</a> (draf)" in page  # labelled: in progress, not yet published
    puskesmas = _home(world, "puskesmas")
    assert reverse("measurements:import", args=[empty.pk]) in puskesmas  # import goes to the new round
    assert reverse("measurements:children", args=[filled.pk]) in puskesmas  # the children come from data


def test_a_puskesmas_can_import_when_every_round_is_published(world):
    from konvergensi.measurements.models import MeasurementRound

    rnd = make_round(world, nama="Februari 2026")
    import_into(world, rnd, children([DESA], 12, seed=4))
    MeasurementRound.objects.filter(pk=rnd.pk).update(status="dipublikasikan")
    assert reverse("measurements:import", args=[rnd.pk]) in _home(world, "puskesmas")
