"""Pages as people use them: content is scoped, forms answer in Indonesian, nothing leaks."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from konvergensi.accounts.models import AuditEvent, Membership
from tests.conftest import DESA, KAB, PASSWORD, PDF_BYTES
from tests.fingerprint import assert_unchanged, fingerprint

pytestmark = pytest.mark.django_db


def client_for(world, persona):
    c = Client()
    c.force_login(world.user(persona))
    return c


def test_operator_sees_every_kecamatan_desa_puskesmas_and_opd_of_the_district(world):
    html = client_for(world, "operator").get(reverse("wilayah:detail", args=[KAB])).content.decode()
    assert "26 kecamatan, 277 desa/kelurahan" in html
    assert "Cimungkal" in html and "32.11.01.2001" in html  # a real desa with its Kemendagri code
    assert "Puskesmas Wado" in html and "Dinas Kesehatan" in html


def test_desa_user_sees_only_its_own_desa_on_the_regions_page(world):
    html = client_for(world, "desa").get(reverse("wilayah:detail", args=[KAB])).content.decode()
    assert "1 kecamatan, 1 desa/kelurahan" in html and DESA in html
    assert "32.11.01.2002" not in html


def test_each_role_lands_on_its_own_home_page(world):
    expectations = {
        "operator": "Buka Pantau Aksi kabupaten/kota",
        "opd": "Aksi yang menjadi tanggung jawab OPD Anda",
        "kecamatan": "Desa/kelurahan di kecamatan Anda",
        "desa": "Desa Anda",
        "puskesmas": "Wilayah kerja puskesmas",
        "provinsi": "Buka Pantau Aksi provinsi",
        "pusat": "Buka Pantau Aksi nasional",
    }
    for persona, text in expectations.items():
        html = client_for(world, persona).get("/").content.decode()
        assert text in html, persona


def test_neighbouring_operator_sees_no_trace_of_the_demo_district(world):
    c = client_for(world, "neighbour")
    for url in [
        "/",
        reverse("accounts:user-list"),
        reverse("accounts:audit"),
        reverse("aksi:pantau-kabkota", args=["32.10"]),
    ]:
        html = c.get(url).content.decode()
        assert "Sumedang" not in html and "operator" not in html.split("<main>")[1].split("</main>")[0], url


def test_province_page_lists_only_its_districts_with_their_status(world):
    html = client_for(world, "provinsi").get(reverse("aksi:pantau-province", args=["32"])).content.decode()
    assert 'data-kode="32.11"' in html and 'data-kode="32.10"' in html
    assert 'data-kode="33.29"' not in html
    assert "map-values" in html  # the choropleth's data


def test_province_table_sorts_by_progress(world):
    from konvergensi.aksi import services
    from konvergensi_core.aksi import Move

    a = world.aksi[1]
    services.aksi_move(
        scope=world.scopes["operator"],
        aksi=a,
        move=Move.SUBMIT,
        expected_version=a.version,
        by=world.user("operator"),
    )
    html = (
        client_for(world, "provinsi")
        .get(reverse("aksi:pantau-province", args=["32"]) + "?urut=progres")
        .content.decode()
    )
    assert html.index('data-kode="32.11"') < html.index('data-kode="32.10"')
    html = (
        client_for(world, "provinsi")
        .get(reverse("aksi:pantau-province", args=["32"]) + "?urut=kode")
        .content.decode()
    )
    assert html.index('data-kode="32.10"') < html.index('data-kode="32.11"')


def test_operator_creates_accounts_in_the_district_only(world):
    c = client_for(world, "operator")
    r = c.post(
        reverse("accounts:user-create"),
        {
            "username": "staf-desa",
            "full_name": "Staf Desa",
            "password": "Kuat-Sekali-2026",
            "role": "desa",
            "region": DESA,
        },
    )
    assert r.status_code == 302
    m = Membership.objects.get(user__username="staf-desa")
    assert (m.role, m.region_id) == ("desa", DESA)
    assert AuditEvent.objects.filter(action="user.create", region_kode=DESA).exists()
    # A desa of the neighbouring district is not even offered, and a forged post is refused.
    r = c.post(
        reverse("accounts:user-create"),
        {
            "username": "penyusup",
            "full_name": "X",
            "password": "Kuat-Sekali-2026",
            "role": "desa",
            "region": "32.10.01.2001",
        },
    )
    assert r.status_code == 200 and not get_user_model().objects.filter(username="penyusup").exists()
    # ...nor can an operator create a province account.
    r = c.post(
        reverse("accounts:user-create"),
        {
            "username": "prov2",
            "full_name": "X",
            "password": "Kuat-Sekali-2026",
            "role": "provinsi",
            "region": "32",
        },
    )
    assert (
        r.status_code == 200 and "provinsi bukan salah satu dari pilihan yang tersedia" in r.content.decode()
    )
    assert not get_user_model().objects.filter(username="prov2").exists()


def test_opd_account_needs_an_opd_of_the_same_district(world):
    c = client_for(world, "operator")
    r = c.post(
        reverse("accounts:user-create"),
        {
            "username": "dinsos",
            "full_name": "Staf Dinsos",
            "password": "Kuat-Sekali-2026",
            "role": "opd",
            "region": "",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200 and "Pilih OPD untuk staf OPD." in html
    dinsos = world.opd["Dinsos"]
    r = c.post(
        reverse("accounts:user-create"),
        {
            "username": "dinsos",
            "full_name": "Staf Dinsos",
            "password": "Kuat-Sekali-2026",
            "role": "opd",
            "opd": dinsos.pk,
        },
    )
    assert r.status_code == 302
    m = Membership.objects.get(user__username="dinsos")
    assert (m.role, m.region_id, m.opd_id) == ("opd", KAB, dinsos.pk)


def test_operator_creates_puskesmas_staff_placed_at_their_puskesmas(world):
    r = client_for(world, "operator").post(
        reverse("accounts:user-create"),
        {
            "username": "bidan",
            "full_name": "Bidan Wado",
            "password": "Kuat-Sekali-2026",
            "role": "puskesmas",
            "puskesmas": world.puskesmas.pk,
        },
    )
    assert r.status_code == 302
    m = Membership.objects.get(user__username="bidan")
    assert (m.region_id, m.puskesmas_id) == ("32.11.01", world.puskesmas.pk)


def test_weak_password_is_explained(world):
    r = client_for(world, "operator").post(
        reverse("accounts:user-create"),
        {
            "username": "lemah",
            "full_name": "L",
            "password": "12345678",
            "role": "kecamatan",
            "region": "32.11.02",
        },
    )
    assert r.status_code == 200 and not get_user_model().objects.filter(username="lemah").exists()


def test_aksi_page_offers_each_role_only_its_own_actions(world):
    url = reverse("aksi:detail", args=[world.aksi[1].pk])
    op = client_for(world, "operator").get(url).content.decode()
    assert 'data-move="submit"' in op and 'name="file"' in op
    prov = client_for(world, "provinsi").get(url).content.decode()
    assert 'data-move="submit"' not in prov and 'name="file"' not in prov
    desa = client_for(world, "desa").get(url).content.decode()
    assert "<form" not in desa.split('id="bukti"')[1].split("</section>")[0]


def test_bad_upload_is_explained_not_crashed(world):
    c = client_for(world, "operator")
    r = c.post(
        reverse("aksi:evidence-add", args=[world.aksi[2].pk]),
        {"file": SimpleUploadedFile("laporan.pdf", b"not a pdf at all")},
        follow=True,
    )
    assert r.status_code == 200 and "bukan PDF yang sah" in r.content.decode()


def test_stale_form_shows_a_conflict_message(world):
    c = client_for(world, "operator")
    url = reverse("aksi:update", args=[world.aksi[3].pk])
    v = world.aksi[3].version
    c.post(url, {"version": v, "due_date": "2026-04-01"})
    r = c.post(url, {"version": v, "due_date": "2026-05-01"}, follow=True)
    assert "baru saja diubah oleh pengguna lain" in r.content.decode()
    world.aksi[3].refresh_from_db()
    assert str(world.aksi[3].due_date) == "2026-04-01"


def test_garbage_input_never_gives_a_server_error(world):
    c = client_for(world, "operator")
    aksi = world.aksi[1].pk
    for url, data in [
        (reverse("aksi:move", args=[aksi]), {"version": "x", "move": "explode"}),
        (reverse("aksi:update", args=[aksi]), {"version": "1", "due_date": "31-31-2026"}),
        (reverse("aksi:siklus-start", args=[KAB]), {"tahun": "abc"}),
        (reverse("aksi:comment-add", args=[aksi]), {"body": ""}),
        (reverse("wilayah:opd-create", args=[KAB]), {}),
        (reverse("aksi:export-pantau"), {"kode": "99", "tahun": "x"}),
    ]:
        before = fingerprint()
        response = c.post(url, data)
        assert response.status_code in (302, 403, 404), url
        assert_unchanged(before, fingerprint(), f"POST {url} {data}")  # refused or sent back: nothing stored
    for url in [
        "/pantau/kabkota/xx/",
        "/pantau/kabkota/32.11/?tahun=abc",
        "/pantau/provinsi/32.11/",
        "/aksi/999999/",
        "/wilayah/32/",
    ]:
        assert c.get(url).status_code in (200, 403, 404), url


def test_evidence_download_is_private_and_byte_exact(world):
    r = client_for(world, "provinsi").get(reverse("aksi:evidence-download", args=[world.evidence.pk]))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF_BYTES
    assert "attachment" in r["Content-Disposition"] and "no-store" in r["Cache-Control"]


def test_login_form_works_and_demo_accounts_show_only_in_demo_mode(world, settings):
    c = Client()
    settings.DEMO_MODE = False
    assert "Akun demo" not in c.get(reverse("accounts:login")).content.decode()
    settings.DEMO_MODE = True
    html = c.get(reverse("accounts:login")).content.decode()
    assert "Akun demo" in html and "bappeda-sumedang" in html
    r = c.post(reverse("accounts:login"), {"username": "operator", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"


def test_indonesian_even_when_the_browser_asks_for_english_until_the_switch_is_used(world):
    c = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Masuk ke Konvergensi" in c.get(reverse("accounts:login")).content.decode()
    c.post(reverse("set_language"), {"language": "en", "next": "/masuk/"})
    assert "Masuk ke Konvergensi" not in c.get(reverse("accounts:login")).content.decode()


def test_status_history_does_not_mark_past_transitions_overdue(world):
    html = client_for(world, "operator").get(reverse("aksi:detail", args=[world.aksi[1].pk])).content.decode()
    history = html.split('class="history"')[1].split("</ol>")[0]
    assert "Belum mulai" in history and "Terlambat" not in history


def test_operator_registers_a_puskesmas_with_its_service_area(world):
    from konvergensi.wilayah.models import Puskesmas

    c = client_for(world, "operator")
    url = reverse("wilayah:puskesmas-create", args=[KAB])
    r = c.post(
        url,
        {
            "kode": "P3211020001",
            "nama": "Puskesmas Jatinunggal",
            "kecamatan": "32.11.02",
            "desa": ["32.11.02.2001", "32.11.02.2002"],
        },
        follow=True,
    )
    assert "Puskesmas Jatinunggal ditambahkan" in r.content.decode()
    pkm = Puskesmas.objects.get(kode="P3211020001")
    assert pkm.kabkota_id == KAB and set(pkm.desa.values_list("kode", flat=True)) == {
        "32.11.02.2001",
        "32.11.02.2002",
    }
    # a desa of the neighbouring district is not a valid choice
    r = c.post(
        url, {"kode": "P9", "nama": "X", "kecamatan": "32.11.02", "desa": ["32.10.01.2001"]}, follow=True
    )
    assert (
        not Puskesmas.objects.filter(kode="P9").exists()
        and "bukan salah satu dari pilihan" in r.content.decode()
    )
    # the same code twice is explained
    r = c.post(
        url,
        {"kode": "P3211020001", "nama": "Lagi", "kecamatan": "32.11.02", "desa": ["32.11.02.2003"]},
        follow=True,
    )
    assert "Kode puskesmas sudah terdaftar" in r.content.decode()


def test_an_evidence_file_name_cannot_add_to_the_download_header(world):
    from konvergensi.aksi.models import Evidence

    Evidence.objects.filter(pk=world.evidence.pk).update(original_name='sk"; filename="x.exe;\r\nX-A: 1.pdf')
    r = client_for(world, "operator").get(reverse("aksi:evidence-download", args=[world.evidence.pk]))
    disposition = r["Content-Disposition"]
    assert r.status_code == 200 and disposition.startswith("attachment; ")
    assert disposition.count("filename=") == 1 and '"x.exe' not in disposition and "\n" not in disposition
    assert not any(k.lower() == "x-a" for k in r.headers)


def test_no_page_points_a_user_at_a_repository_file_or_a_shell_command():
    """A district officer cannot open docs/…md or run `konvergensi …` from a page (issue 13)."""
    import re
    from pathlib import Path

    import konvergensi

    root = Path(konvergensi.__file__).parent
    pattern = re.compile(r"docs/[\w-]+\.md|<code>konvergensi ")
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_indonesian_pages_name_the_nutrition_indicators_in_indonesian():
    """Permenkes 2/2020's terms on Indonesian pages ("BB kurang", "Gizi lebih"), English only in the
    English catalogue (issue 13: English column headers in Indonesian pages)."""
    import re
    from pathlib import Path

    import konvergensi

    root = Path(konvergensi.__file__).parent
    english_msgid = re.compile(r"""(?:translate|_lazy|gettext)\W+["'](Underweight|Overweight)""")
    offenders = [
        str(p.relative_to(root))
        for p in [*root.rglob("*.html"), *root.rglob("*.py")]
        if "locale" not in p.parts and english_msgid.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
