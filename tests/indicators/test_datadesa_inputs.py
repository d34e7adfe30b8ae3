"""Village-data inputs: one count rule for the Excel template, the grid and the forms; both halves of a
percentage; the change history scoped before its limit; a non-Excel upload refused before it is kept."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.imports.models import Import
from konvergensi.indicators import services
from konvergensi.indicators.models import DataValue, DataValueHistory, Indicator
from konvergensi.wilayah.models import Region
from konvergensi_core import datadesa
from tests.conftest import DESA, KAB
from tests.indicators.test_indicators import check, filled_template

pytestmark = pytest.mark.django_db

FAR_DESA = "32.11.02.2001"  # Jatinunggal, outside the kecamatan persona's reach


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.250", 1250), (" 7 ", 7), (12.0, 12), ("", None), (None, None), (10_000_000, 10_000_000)],
)
def test_a_count_is_read_the_same_way_everywhere(value, expected):
    assert datadesa.parse_count(value) == (expected, None)


@pytest.mark.parametrize("value", ["1,5", -3, "abc", 10_000_001, "99999999999", True])
def test_a_bad_count_gets_a_reason_in_indonesian(value):
    number, reason = datadesa.parse_count(value)
    assert number is None and reason


def test_the_grid_refuses_a_count_no_desa_can_have_with_a_message(world):
    client = Client()
    client.force_login(world.user("operator"))
    url = reverse("indicators:cell-save", kwargs={"kode": KAB})
    data = {"desa": DESA, "indikator": "U01", "periode": "2025", "numerator": "99999999999",
            "denominator": "99999999999", "version": "0"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400 and "10.000.000" in response.json()["message"]
    assert not DataValue.objects.filter(desa_id=DESA, indicator__kode="U01").exists()


def test_a_template_missing_half_of_a_percentage_is_refused_whole(world):
    content = filled_template(edits={(DESA, "U01 Pembilang"): 3, (DESA, "U01 Penyebut"): 4})
    wb = load_workbook(io.BytesIO(content))
    ws = wb[datadesa.SHEET]
    header = [c.value for c in ws[datadesa.HEADER_ROW]]
    ws.delete_cols(header.index("U01 Penyebut") + 1)
    out = io.BytesIO()
    wb.save(out)
    result = check(out.getvalue())
    assert not result.ok
    assert any("U01 Penyebut" in p.message and "tidak ada" in p.message for p in result.parsed.problems)


def test_the_history_of_a_kecamatan_is_its_own_even_behind_many_changes_elsewhere(world):
    u01 = Indicator.objects.get(kode="U01")
    own, far = Region.objects.get(kode=DESA), Region.objects.get(kode=FAR_DESA)
    op = world.user("operator")
    services.value_set(scope=world.scopes["operator"], indicator=u01, desa=own, periode="2025",
                       numerator=1, denominator=2, expected_version=0, by=op)  # fmt: skip
    # 600 later changes outside Wado: the old code cut at 500 first and then dropped them, leaving nothing.
    far_value = None
    for i in range(600):
        far_value = services.value_set(scope=world.scopes["operator"], indicator=u01, desa=far, periode="2025",
                                       numerator=i % 5, denominator=5, expected_version=i, by=op)  # fmt: skip
    assert far_value is not None
    assert DataValueHistory.objects.filter(desa=far).count() >= 500
    client = Client()
    client.force_login(world.user("kecamatan"))
    page = client.get(reverse("indicators:history", kwargs={"kode": KAB}))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and {r.desa_id for r in rows} == {DESA}


def test_an_upload_that_is_not_an_xlsx_is_refused_at_once_and_never_kept(world):
    client = Client()
    client.force_login(world.user("operator"))
    url = reverse("indicators:upload", kwargs={"kode": KAB})
    before = Import.objects.count()
    response = client.post(
        url, {"file": SimpleUploadedFile("isi.xlsx", b"%PDF-1.4 not a workbook")}, follow=True
    )
    assert response.status_code == 200
    assert Import.objects.count() == before
    text = response.content.decode()
    assert "xlsx" in text.lower()


def test_the_history_filters_have_labels(world):
    client = Client()
    client.force_login(world.user("operator"))
    page = client.get(reverse("indicators:history", kwargs={"kode": KAB})).content.decode()
    for name, label in (("desa", "Kode desa"), ("indikator", "Kode indikator"), ("periode", "Periode")):
        assert re.search(rf'<label>{label} <input name="{name}"', page), name
