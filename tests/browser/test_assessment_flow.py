"""The penilaian kinerja in Chromium: the nation makes and publishes the year's rubric, the province
opens a round for Sumedang and Majalengka with two assessors, both grade Sumedang on the grading page
(criteria, evidence and Konvergensi's figures beside each indicator), the province publishes, the
Sumedang operator sees its grades, class and notes and responds, and the province's map colours the
districts by class. Every page is watched for CSP violations, script errors and 5xx."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from konvergensi.accounts.models import Membership, Role
from konvergensi.assessment.models import RoundDistrict

from .conftest import KAB, NEIGHBOUR, PASSWORD, PROVINSI
from .test_aksi_flow import TIMEOUT, expect_success, login

pytestmark = pytest.mark.browser


def _user(username: str, role: str, region: str | None):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username)
    Membership.objects.create(user=user, role=role, region_id=region)
    return user


def _grade_everything(page, letter: str) -> None:
    for select in page.locator("#grade-form select").all():
        select.select_option(letter)
    page.locator("#grade-form textarea").first.fill(f"Dinilai {letter} oleh penilai")
    page.locator("#grade-save").click()
    expect_success(page, "Nilai disimpan")


def test_rubric_two_assessors_publish_district_sees_it_and_the_map(accounts, new_page, problems, shots):
    tahun = timezone.localdate().year
    pusat = _user("bangda-uji", Role.PUSAT, None)
    second = _user("penilai-dua-uji", Role.PROVINSI, PROVINSI)

    # 1. The nation: the year's rubric from the shipped default, a class band adjusted, published.
    page = new_page()
    login(page, pusat.username, PASSWORD)
    page.goto("/penilaian/rubrik/")
    page.locator("#rubric-default").click()
    expect_success(page, "Rubrik nasional dibuat")
    page.locator('#rubric-form input[name="kelas-2"]').fill("82")
    page.locator("#rubric-save").click()
    expect_success(page, "Rubrik disimpan")
    page.locator("#rubric-publish").click()
    expect_success(page, "diterbitkan")
    expect(page.locator("#rubric-frozen")).to_be_visible()
    expect(page.locator("#rubric-save")).to_have_count(0)

    # 2. The province opens a round with two assessors.
    prov = new_page()
    login(prov, accounts.provinsi.username, PASSWORD)
    prov.goto(f"/penilaian/provinsi/{PROVINSI}/?tahun={tahun}")
    form = prov.locator("#round-form")
    form.locator(f'input[name="kabkota"][value="{KAB}"]').check()
    form.locator(f'input[name="kabkota"][value="{NEIGHBOUR}"]').check()
    form.locator(f'input[name="assessor"][value="{accounts.provinsi.pk}"]').check()
    form.locator(f'input[name="assessor"][value="{second.pk}"]').check()
    prov.locator("#round-create").click()
    expect_success(prov, "Putaran penilaian dibuka")
    sumedang = RoundDistrict.objects.get(kabkota_id=KAB)

    # 3. Both assessors grade Sumedang; the grading page shows Konvergensi's figures.
    prov.goto(f"/penilaian/hasil/{sumedang.pk}/nilai/")
    expect(prov.locator("td.figures").first).to_contain_text("Lokus desa terkonfirmasi")
    _grade_everything(prov, "A")
    other = new_page()
    login(other, second.username, PASSWORD)
    other.goto(f"/penilaian/hasil/{sumedang.pk}/nilai/")
    _grade_everything(other, "B")
    shots(other, "80-penilaian-nilai")

    # Before publication the district sees nothing.
    district = new_page()
    login(district, accounts.operator.username, PASSWORD)
    district.goto(f"/penilaian/kabkota/{KAB}/")
    expect(district.locator("#history")).to_contain_text("Belum ada penilaian yang diterbitkan")

    # 4. The province publishes.
    prov.goto(f"/penilaian/hasil/{sumedang.pk}/")
    prov.locator('textarea[name="recommendations"]').fill("Tetapkan Perbup peran desa")
    prov.get_by_role("button", name="Simpan catatan").click()
    expect_success(prov, "Catatan pembinaan disimpan")
    prov.goto(f"/penilaian/putaran/{sumedang.round_id}/")
    prov.locator("#round-publish").click()
    expect_success(prov, "Penilaian diterbitkan")
    sumedang.refresh_from_db()
    assert sumedang.kelas and sumedang.rank == 1

    # 5. The district sees its grades, class and notes, and responds.
    district.goto(f"/penilaian/kabkota/{KAB}/")
    district.locator("#history a").first.click()
    expect(district.locator("#kelas")).to_have_text(sumedang.kelas, timeout=TIMEOUT)
    expect(district.locator("#notes")).to_contain_text("Tetapkan Perbup peran desa")
    district.locator("#overall textarea").fill("Perbup sedang diharmonisasi.")
    district.locator("#respond").click()
    expect_success(district, "Tanggapan dikirim")
    shots(district, "81-penilaian-kabkota")

    # 6. The province's ranking and map of classes.
    prov.goto(f"/penilaian/provinsi/{PROVINSI}/?tahun={tahun}")
    expect(prov.locator("#ranking tbody tr").first).to_contain_text("Sumedang")
    peta = prov.locator("#peta-kelas")
    expect(peta).to_have_attribute("data-loaded", re.compile(r"^[1-9][0-9]*$"), timeout=TIMEOUT)
    expect(peta.locator("path.leaflet-interactive")).to_have_count(int(peta.get_attribute("data-loaded")))
    shots(prov, "82-penilaian-peta")

    assert not problems.csp, problems.csp
    assert not problems.js_errors, problems.js_errors
    assert not problems.console_errors, problems.console_errors
    assert not problems.server_errors, problems.server_errors
