"""Scope and permissions: who sees and does what, region by region."""

import pytest

from konvergensi.accounts.permissions import Permission, assignable_roles, has_permission
from konvergensi.accounts.scope import ANONYMOUS, scope_filter
from konvergensi.aksi.models import Aksi, Siklus
from konvergensi.wilayah import selectors as wilayah_selectors
from konvergensi.wilayah.models import Region
from tests.conftest import DESA, KAB, KEC, NEIGHBOUR, OTHER_KEC

pytestmark = pytest.mark.django_db


def test_scope_filter_gives_each_persona_only_its_districts_aksi(world):
    all_aksi = Aksi.objects.all()
    assert all_aksi.count() == 16  # Sumedang and Majalengka
    for persona in ("operator", "opd", "kecamatan", "desa", "puskesmas"):
        seen = scope_filter(all_aksi, world.scopes[persona], "siklus__kabkota_id")
        assert {a.siklus.kabkota_id for a in seen} == {KAB}, persona
    assert scope_filter(all_aksi, world.scopes["provinsi"], "siklus__kabkota_id").count() == 16
    assert scope_filter(all_aksi, world.scopes["pusat"], "siklus__kabkota_id").count() == 16
    assert {
        a.siklus.kabkota_id for a in scope_filter(all_aksi, world.scopes["neighbour"], "siklus__kabkota_id")
    } == {NEIGHBOUR}
    assert scope_filter(all_aksi, world.scopes["other_province"], "siklus__kabkota_id").count() == 0
    assert scope_filter(all_aksi, ANONYMOUS, "siklus__kabkota_id").count() == 0


def test_region_scope_narrows_to_kecamatan_desa_and_service_area(world):
    desa = Region.objects.filter(level="desa", kode__startswith=KAB + ".")
    assert scope_filter(desa, world.scopes["operator"], "kode", purpose="region").count() == desa.count()
    kec_view = scope_filter(desa, world.scopes["kecamatan"], "kode", purpose="region")
    assert kec_view.count() == Region.objects.filter(parent_id=KEC).count() > 0
    assert set(
        scope_filter(desa, world.scopes["desa"], "kode", purpose="region").values_list("kode", flat=True)
    ) == {DESA}
    pkm_view = set(
        scope_filter(desa, world.scopes["puskesmas"], "kode", purpose="region").values_list("kode", flat=True)
    )
    assert pkm_view == set(world.puskesmas.desa.values_list("kode", flat=True))
    assert not any(k.startswith(OTHER_KEC) for k in pkm_view)


def test_kecamatan_page_data_shows_all_desa_to_the_operator_and_one_to_the_desa(world):
    full = wilayah_selectors.kecamatan_with_desa(scope=world.scopes["operator"], kabkota_kode=KAB)
    assert len(full) == Region.objects.filter(parent_id=KAB).count() == 26  # Sumedang's real kecamatan
    assert sum(len(k.desa_list) for k in full) == 277
    own = wilayah_selectors.kecamatan_with_desa(scope=world.scopes["desa"], kabkota_kode=KAB)
    assert [k.kode for k in own] == [KEC] and [d.kode for d in own[0].desa_list] == [DESA]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("operator", {"view": True, "edit": True, "review": False, "comment": True, "users": True}),
        ("opd", {"view": True, "edit": False, "review": False, "comment": True, "users": False}),
        ("kecamatan", {"view": True, "edit": False, "review": False, "comment": False, "users": False}),
        ("desa", {"view": True, "edit": False, "review": False, "comment": False, "users": False}),
        ("puskesmas", {"view": True, "edit": False, "review": False, "comment": False, "users": False}),
        ("provinsi", {"view": True, "edit": False, "review": True, "comment": True, "users": True}),
        ("pusat", {"view": True, "edit": False, "review": False, "comment": True, "users": True}),
        ("neighbour", {"view": False, "edit": False, "review": False, "comment": False, "users": False}),
        ("other_province", {"view": False, "edit": False, "review": False, "comment": False, "users": False}),
    ],
)
def test_permissions_on_the_demo_district(world, persona, expected):
    scope = world.scopes[persona]
    got = {
        "view": has_permission(scope, Permission.VIEW_KABKOTA, KAB),
        "edit": has_permission(scope, Permission.AKSI_EDIT, KAB),
        "review": has_permission(scope, Permission.AKSI_REVIEW, KAB),
        "comment": has_permission(scope, Permission.AKSI_COMMENT, KAB),
        "users": has_permission(scope, Permission.MANAGE_USERS, KAB),
    }
    assert got == expected


def test_opd_contributes_evidence_only_to_aksi_assigned_to_its_agency(world):
    scope = world.scopes["opd"]
    dinkes, bappeda = world.opd["Dinkes"].pk, world.opd["Bappeda"].pk
    assert has_permission(scope, Permission.AKSI_CONTRIBUTE, KAB, opd_id=dinkes)
    assert not has_permission(scope, Permission.AKSI_CONTRIBUTE, KAB, opd_id=bappeda)
    assert not has_permission(scope, Permission.AKSI_CONTRIBUTE, KAB, opd_id=None)


def test_province_reviews_only_its_own_districts(world):
    assert has_permission(world.scopes["provinsi"], Permission.AKSI_REVIEW, NEIGHBOUR)
    assert not has_permission(world.scopes["provinsi"], Permission.AKSI_REVIEW, "33.29")
    assert not has_permission(world.scopes["provinsi"], Permission.VIEW_PROVINCE, "33")
    assert has_permission(world.scopes["provinsi"], Permission.VIEW_PROVINCE, "32")


def test_assignable_roles_go_downwards_only(world):
    assert set(assignable_roles(world.scopes["operator"])) == {"opd", "kecamatan", "desa", "puskesmas"}
    assert set(assignable_roles(world.scopes["provinsi"])) == {"provinsi", "operator"}
    assert assignable_roles(world.scopes["opd"]) == []
    assert "pusat" in assignable_roles(world.scopes["pusat"])


def test_anonymous_scope_sees_nothing(world):
    assert scope_filter(Siklus.objects.all(), ANONYMOUS, "kabkota_id").count() == 0
    assert not has_permission(ANONYMOUS, Permission.VIEW_KABKOTA, KAB)
