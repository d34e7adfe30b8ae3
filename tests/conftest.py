"""Shared fixtures: real regions (three districts of two provinces) and one persona per role.

Personas: the district operator, OPD staff, kecamatan, desa and puskesmas staff of Kabupaten
Sumedang (32.11), the Jawa Barat province reviewer, the national (Bangda) user, the operator of
the neighbouring Kabupaten Majalengka (32.10) and the operator of Kabupaten Brebes (33.29) in
another province — the last two must see nothing of Sumedang.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from konvergensi.accounts.models import Membership, Role
from konvergensi.accounts.scope import Scope, scope_for_user
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi.models import Aksi, Evidence, Siklus
from konvergensi.wilayah import services as wilayah_services
from konvergensi.wilayah.models import OPD, Puskesmas, Region

KAB = "32.11"  # Kabupaten Sumedang
NEIGHBOUR = "32.10"  # Kabupaten Majalengka
OTHER_PROVINCE_KAB = "33.29"  # Kabupaten Brebes, Jawa Tengah
KEC = "32.11.01"  # Wado
DESA = "32.11.01.2001"  # Cimungkal
OTHER_KEC = "32.11.02"  # Jatinunggal
PASSWORD = "rahasia-uji-123"

PERSONAS = (
    "operator",
    "opd",
    "kecamatan",
    "desa",
    "puskesmas",
    "provinsi",
    "pusat",
    "neighbour",
    "other_province",
)

# A minimal but valid one-page PDF (written once by pypdf): evidence uploads must parse as PDF.
PDF_BYTES = (
    b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n/Type /Pages\n"
    b"/Count 1\n/Kids [ 4 0 R ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\n"
    b"4 0 obj\n<<\n/Type /Page\n/Resources <<\n>>\n/MediaBox [ 0.0 0.0 72 72 ]\n/Parent 2 0 R\n>>\nendobj\n"
    b"xref\n0 5\n0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n0000000113 00000 n \n"
    b"0000000162 00000 n \ntrailer\n<<\n/Size 5\n/Root 3 0 R\n/Info 1 0 R\n>>\nstartxref\n254\n%%EOF\n"
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real regions of three districts once for the whole session."""
    with django_db_blocker.unblock():
        wilayah_services.region_load(only_prefixes=(KAB, NEIGHBOUR, OTHER_PROVINCE_KAB))


@dataclass
class World:
    users: dict
    scopes: dict[str, Scope]
    siklus: Siklus
    aksi: dict[int, Aksi]
    evidence: Evidence
    opd: dict[str, OPD]
    puskesmas: Puskesmas
    neighbour_siklus: Siklus

    def user(self, persona: str):
        return self.users[persona]


def make_user(username: str, role: str, region: str | None, opd=None, puskesmas=None):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username.title())
    Membership.objects.create(user=user, role=role, region_id=region, opd=opd, puskesmas=puskesmas)
    return user


def ensure_regions() -> None:
    """Transactional tests (browser, worker) flush every table afterwards; reload if needed."""
    if not Region.objects.filter(kode=KAB).exists():
        wilayah_services.region_load(only_prefixes=(KAB, NEIGHBOUR, OTHER_PROVINCE_KAB))
    ensure_catalogue()


def ensure_catalogue() -> None:
    """The indicator catalogue is loaded by a migration; a flush empties it, so load it again."""
    from konvergensi.indicators.catalogue import load_into
    from konvergensi.indicators.models import CategoryBand, Indicator

    if not Indicator.objects.exists():
        load_into(Indicator, CategoryBand)


@pytest.fixture
def world(db) -> World:
    ensure_regions()
    kab = Region.objects.get(kode=KAB)
    for kode in (KAB, NEIGHBOUR, OTHER_PROVINCE_KAB):
        wilayah_services.opd_create_standard(kabkota=Region.objects.get(kode=kode))
    opd = {o.singkatan: o for o in OPD.objects.filter(kabkota=kab)}
    kec = Region.objects.get(kode=KEC)
    pkm = wilayah_services.puskesmas_create(
        kode="P321101001", nama="Puskesmas Wado", kecamatan=kec, desa=list(kec.children.all())
    )
    users = {
        "operator": make_user("operator", Role.OPERATOR, KAB),
        "opd": make_user("dinkes", Role.OPD, KAB, opd=opd["Dinkes"]),
        "kecamatan": make_user("camat", Role.KECAMATAN, KEC),
        "desa": make_user("kades", Role.DESA, DESA),
        "puskesmas": make_user("pkm", Role.PUSKESMAS, KEC, puskesmas=pkm),
        "provinsi": make_user("provjabar", Role.PROVINSI, "32"),
        "pusat": make_user("bangda", Role.PUSAT, None),
        "neighbour": make_user("majalengka", Role.OPERATOR, NEIGHBOUR),
        "other_province": make_user("brebes", Role.OPERATOR, OTHER_PROVINCE_KAB),
    }
    scopes = {p: scope_for_user(u) for p, u in users.items()}
    siklus = aksi_services.siklus_start(
        scope=scopes["operator"], kabkota=kab, tahun=2026, by=users["operator"]
    )
    aksi = {a.nomor: a for a in siklus.aksi_set.all()}
    evidence = aksi_services.evidence_add(
        scope=scopes["operator"],
        aksi=aksi[1],
        upload=SimpleUploadedFile("bukti.pdf", PDF_BYTES, "application/pdf"),
        by=users["operator"],
    )
    aksi[1].refresh_from_db()
    neighbour_siklus = aksi_services.siklus_start(
        scope=scopes["neighbour"],
        kabkota=Region.objects.get(kode=NEIGHBOUR),
        tahun=2026,
        by=users["neighbour"],
    )
    return World(users, scopes, siklus, aksi, evidence, opd, pkm, neighbour_siklus)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Computed panels are cached per round and import; ids repeat between tests, so start empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _indonesian_after_each_test():
    """A request in English (cookie or switch) leaves its language active in the thread; the next test
    starts in the app's default language again."""
    yield
    from django.utils import translation

    translation.activate("id")


# --- The PostgreSQL pass runs the tests that reach a database -----------------------------------------
# `.ci/run` runs the suite twice, on SQLite and on PostgreSQL. A test that asks for no database (no
# `db`, `transactional_db` or `live_server` fixture, no `django_db` mark) runs the same code on both, so
# with KONVERGENSI_TESTS_DATABASE_ONLY=1 (the second pass) it is left out. A test that reaches the
# database another way (a subprocess given this run's DATABASE_URL) says so with
# `@pytest.mark.every_database` and is kept, as is every test marked `postgres`.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def reaches_a_database(item) -> bool:
    if any(item.get_closest_marker(mark) for mark in ("django_db", "every_database", "postgres")):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    if os.environ.get("KONVERGENSI_TESTS_DATABASE_ONLY") != "1":
        return
    kept = [item for item in items if reaches_a_database(item)]
    left = [item for item in items if not reaches_a_database(item)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
