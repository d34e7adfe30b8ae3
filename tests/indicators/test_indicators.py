"""Indicator catalogue and village data: catalogue, Excel round trip, grid saves, data sasaran, scope."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.indicators import excel, selectors, services
from konvergensi.indicators import imports as indicator_imports
from konvergensi.indicators.models import (
    Assignment,
    DataSasaran,
    DataValue,
    DataValueHistory,
    Indicator,
    SasaranStatus,
)
from konvergensi.wilayah.models import Region
from konvergensi_core import datadesa
from tests.conftest import DESA, KAB, KEC, ensure_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(db):
    ensure_catalogue()


DESA2 = "32.11.01.2002"
FAR_DESA = "32.11.02.2001"  # in another kecamatan (Jatinunggal)


def filled_template(periode="2025", edits=None, indicators=("U01", "U02", "C05")) -> bytes:
    """The real template of Sumedang, then cells changed as an officer would in Excel.

    ``edits``: {(desa_kode, column header): value}, plus ('ROW', n) → list for an appended row."""
    kab = Region.objects.get(kode=KAB)
    content = excel.template(
        kabkota=kab,
        periode=periode,
        indicators=list(Indicator.objects.filter(kode__in=indicators)),
        opd_label="x",
    )
    wb = load_workbook(io.BytesIO(content))
    ws = wb[datadesa.SHEET]
    header = [c.value for c in ws[datadesa.HEADER_ROW]]
    rows = {ws.cell(r, 1).value: r for r in range(datadesa.HEADER_ROW + 1, ws.max_row + 1)}
    for key, value in (edits or {}).items():
        if key[0] == "ROW":
            ws.append(value)
            continue
        desa, column = key
        ws.cell(rows[desa.replace(".", "")], header.index(column) + 1, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def check(content: bytes, allowed=None, kab=KAB):
    return indicator_imports.import_check(
        stream=io.BytesIO(content), name="data.xlsx", kabkota=kab, allowed=allowed
    )


# --- the catalogue ------------------------------------------------------------------------------


def test_the_catalogue_holds_both_sets_from_the_shipped_files():
    assert Indicator.objects.filter(set="2018").count() == 28
    assert Indicator.objects.filter(set="2018", kelompok="utama").count() == 20
    assert Indicator.objects.filter(set="2025").count() == 31
    c05 = Indicator.objects.get(kode="C05")
    assert c05.is_count and c05.denominator == ""
    assert float(Indicator.objects.get(kode="A01").target_nasional) == 90.0
    assert all(i.bands.filter(tahun=0).exists() for i in Indicator.objects.all())


def test_reloading_the_catalogue_keeps_what_the_nation_edited(world):
    from konvergensi.indicators.catalogue import load_into
    from konvergensi.indicators.models import CategoryBand

    u01 = Indicator.objects.get(kode="U01")
    services.indicator_update(
        scope=world.scopes["pusat"], indicator=u01, changes={"nama": "Nama baru"}, by=world.user("pusat")
    )
    Indicator.objects.filter(kode="U02").update(nama="rusak", versi_katalog="old")
    counts = load_into(Indicator, CategoryBand)
    assert Indicator.objects.get(kode="U01").nama == "Nama baru"
    assert Indicator.objects.get(kode="U02").nama.startswith("Cakupan Ibu Hamil mendapat IFA")
    assert counts["kept"] == 1 and counts["updated"] >= 1


def test_only_the_nation_edits_the_catalogue_and_bands(world):
    u01 = Indicator.objects.get(kode="U01")
    for persona in ("operator", "provinsi", "opd"):
        with pytest.raises(PermissionDenied):
            services.band_set(
                scope=world.scopes[persona],
                indicator=u01,
                tahun=2026,
                memadai=90,
                hampir=75,
                rendah=60,
                by=None,
            )
    services.band_set(
        scope=world.scopes["pusat"], indicator=u01, tahun=2026, memadai=90, hampir=75, rendah=60, by=None
    )
    bands = services.bands_for([u01], 2026)[u01.pk]
    assert (bands.hampir, bands.rendah) == (75, 60)
    assert services.bands_for([u01], 2025)[u01.pk].hampir == 70  # other years keep the default
    with pytest.raises(ValidationError):
        services.band_set(
            scope=world.scopes["pusat"], indicator=u01, tahun=2026, memadai=60, hampir=75, rendah=50, by=None
        )


def test_indicators_are_assigned_to_the_district_opd_by_their_source():
    kab = Region.objects.get(kode=KAB)
    from konvergensi.wilayah import services as wilayah_services

    wilayah_services.opd_create_standard(kabkota=kab)
    assert services.assignments_auto(kab) > 40
    owner = dict(Assignment.objects.filter(kabkota=kab).values_list("indicator__kode", "opd__singkatan"))
    assert owner["U01"] == "Dinkes"
    assert owner["U15"] == "Dinsos"
    assert owner["U12"] == "DPUPR"
    assert owner["P04"] == "Disdukcapil"
    assert owner["U04"] == "DP2KB"
    assert services.assignments_auto(kab) == 0  # nothing left to assign


# --- the Excel round trip -----------------------------------------------------------------------


def test_template_round_trip_adds_then_changes_nothing_then_changes(world):
    edits = {
        (DESA, "U01 Pembilang"): 8,
        (DESA, "U01 Penyebut"): 10,
        (DESA2, "U02 Pembilang"): "1.250",  # Indonesian thousands
        (DESA2, "U02 Penyebut"): 1300,
        (DESA, "C05 Jumlah"): 3,
    }
    result = check(filled_template(edits=edits))
    assert result.ok, result.parsed.problems
    assert (result.added, result.changed, result.unchanged) == (3, 0, 0)
    indicator_imports.import_commit(
        scope=world.scopes["operator"], result=result, kabkota=KAB, by=world.user("operator")
    )
    value = DataValue.objects.get(desa_id=DESA2, indicator__kode="U02", periode="2025")
    assert (value.numerator, value.denominator) == (1250, 1300)
    assert DataValue.objects.get(desa_id=DESA, indicator__kode="C05").denominator is None
    # The same file again changes nothing.
    again = check(filled_template(edits=edits))
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
    indicator_imports.import_commit(
        scope=world.scopes["operator"], result=again, kabkota=KAB, by=world.user("operator")
    )
    assert DataValue.objects.get(pk=value.pk).version == 1
    # The template now comes pre-filled; changing one cell changes one value.
    wb = load_workbook(io.BytesIO(filled_template()))
    assert any(row[3] == 8 for row in wb[datadesa.SHEET].iter_rows(values_only=True))
    changed = check(filled_template(edits={**edits, (DESA, "U01 Pembilang"): 9}))
    assert (changed.added, changed.changed, changed.unchanged) == (0, 1, 2)
    indicator_imports.import_commit(
        scope=world.scopes["operator"], result=changed, kabkota=KAB, by=world.user("operator")
    )
    history = DataValueHistory.objects.filter(desa_id=DESA, indicator__kode="U01").order_by("at", "id")
    assert [(h.old_numerator, h.numerator, h.source) for h in history] == [
        (None, 8, "excel"),
        (8, 9, "excel"),
    ]


def test_every_problem_is_reported_at_once_and_nothing_is_written(world):
    DataSasaran.objects.create(desa_id=DESA2, tahun=2025, ibu_hamil=40, status=SasaranStatus.DIVERIFIKASI)
    edits = {
        (DESA, "U01 Pembilang"): 12,
        (DESA, "U01 Penyebut"): 10,  # numerator > denominator
        (DESA, "U02 Pembilang"): -1,  # negative
        (DESA, "U02 Penyebut"): 10,
        (DESA2, "U01 Pembilang"): "banyak",  # not a number
        (DESA2, "U01 Penyebut"): 5,
        (DESA2, "U02 Pembilang"): 30,
        (DESA2, "U02 Penyebut"): 45,  # more pregnant women than data sasaran's 40
        (FAR_DESA, "U01 Pembilang"): 4,  # denominator missing
        (FAR_DESA, "C05 Jumlah"): 2.5,  # not whole
        ("ROW", 1): ["3210012001", "Desa tetangga", "", 1, 2],  # a desa of another district
        ("ROW", 2): [DESA.replace(".", ""), "dua kali", "", 1, 2],  # duplicate
        ("ROW", 3): ["12345", "x", "", 1, 2],  # not a code
    }
    result = check(filled_template(edits=edits))
    assert not result.ok
    messages = {(p.row, p.column): p.message for p in result.parsed.problems}
    assert all(p.sheet == "Data" for p in result.parsed.problems)
    texts = " | ".join(messages.values())
    for expected in (
        "pembilang (12) lebih besar dari penyebut (10)",
        "tidak boleh negatif",
        "bukan angka",
        "lebih besar dari jumlah ibu hamil di data sasaran desa ini yang sudah diverifikasi (40)",
        "penyebut wajib diisi",
        "harus bilangan bulat",
        "tidak ada di kabupaten/kota 32.11",
        "sudah ada di baris",
        "Kode desa tidak sah",
    ):
        assert expected in texts, expected
    # Each problem points at the cell: the U01 numerator of the first desa is in column D.
    first = next(p for p in result.parsed.problems if "lebih besar dari penyebut" in p.message)
    assert first.column == "D" and first.value == "12"
    assert len(result.parsed.problems) == 9
    # Above the verified data sasaran: a warning (kept), every other one an error.
    (warning,) = result.parsed.warnings
    assert "ibu hamil" in warning.message and not warning.reject
    with pytest.raises(ValidationError):
        indicator_imports.import_commit(scope=world.scopes["operator"], result=result, kabkota=KAB, by=None)
    assert not DataValue.objects.exists()


def test_a_template_of_another_district_or_period_is_refused(world):
    content = filled_template(edits={(DESA, "U01 Pembilang"): 1, (DESA, "U01 Penyebut"): 2})
    other = check(content, kab="32.10")
    assert any("bukan 32.10" in p.message for p in other.parsed.problems)
    wb = load_workbook(io.BytesIO(content))
    wb[datadesa.SHEET]["B3"] = "tahun lalu"
    out = io.BytesIO()
    wb.save(out)
    assert any(
        p.message.startswith("Periode harus") and p.row == 3 for p in check(out.getvalue()).parsed.problems
    )


def test_an_opd_imports_only_its_own_indicators(world):
    kab = Region.objects.get(kode=KAB)
    services.assignments_auto(kab)
    allowed = services.allowed_indicators(world.scopes["opd"], KAB)
    assert "U01" in allowed and "U15" not in allowed
    content = filled_template(
        edits={(DESA, "U15 Pembilang"): 1, (DESA, "U15 Penyebut"): 2}, indicators=("U01", "U15")
    )
    result = check(content, allowed=allowed)
    assert [p.message for p in result.parsed.problems] == ["Indikator U15 bukan tanggung jawab OPD Anda."]
    assert services.allowed_indicators(world.scopes["kecamatan"], KAB) == set()
    assert services.allowed_indicators(world.scopes["neighbour"], KAB) == set()


def test_not_an_excel_file_gets_a_message_not_an_exception(world):
    for content in (b"", b"hello", b"PK\x03\x04broken", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"):
        result = check(content)
        assert not result.ok and result.parsed.problems[0].message


# --- the grid: compare-and-set ----------------------------------------------------------------


def test_two_officers_saving_the_same_cell_never_lose_an_update(world):
    u01, desa = Indicator.objects.get(kode="U01"), Region.objects.get(kode=DESA)
    op, scope = world.user("operator"), world.scopes["operator"]
    first = services.value_set(
        scope=scope,
        indicator=u01,
        desa=desa,
        periode="2025",
        numerator=5,
        denominator=10,
        expected_version=0,
        by=op,
    )
    # Two pages opened at version 1; the first save wins, the second is told.
    services.value_set(scope=scope, indicator=u01, desa=desa, periode="2025", numerator=6, denominator=10,
                       expected_version=first.version, by=op)  # fmt: skip
    with pytest.raises(services.Conflict) as exc:
        services.value_set(scope=scope, indicator=u01, desa=desa, periode="2025", numerator=7, denominator=10,
                           expected_version=first.version, by=op)  # fmt: skip
    assert exc.value.current.numerator == 6
    # Creating a cell someone else just created is a conflict too.
    with pytest.raises(services.Conflict):
        services.value_set(scope=scope, indicator=u01, desa=desa, periode="2025", numerator=1, denominator=2,
                           expected_version=0, by=op)  # fmt: skip
    assert DataValue.objects.get(indicator=u01, desa=desa).numerator == 6


def test_grid_saves_through_the_web_and_reports_conflicts_as_409(world):
    client = Client()
    client.force_login(world.user("operator"))
    url = reverse("indicators:cell-save", kwargs={"kode": KAB})
    data = {
        "desa": DESA,
        "indikator": "U01",
        "periode": "2025",
        "numerator": "3",
        "denominator": "4",
        "version": "0",
    }
    ok = client.post(url, data)
    assert ok.status_code == 200 and ok.json()["version"] == 1 and ok.json()["percent"] == 75
    stale = client.post(url, {**data, "numerator": "4"})
    assert stale.status_code == 409 and stale.json()["numerator"] == 3
    bad = client.post(url, {**data, "numerator": "5", "version": "1"})
    assert bad.status_code == 400 and "lebih besar dari penyebut" in bad.json()["message"]
    # The desa of another kecamatan is out of a kecamatan's reach; an OPD cannot fill others' indicators.
    camat = Client()
    camat.force_login(world.user("kecamatan"))
    assert camat.post(url, {**data, "version": "1"}).status_code == 403
    opd = Client()
    opd.force_login(world.user("opd"))
    assert opd.post(url, {**data, "indikator": "U15", "version": "0"}).status_code == 403


# --- data sasaran -------------------------------------------------------------------------------


def test_sasaran_is_entered_verified_locked_and_unlocked_with_a_reason(world):
    desa = Region.objects.get(kode=DESA)
    values = {"balita": 100, "balita_diukur": 90, "stunting": 20, "sangat_pendek": 5, "ibu_hamil": 12}
    row = services.sasaran_save(
        scope=world.scopes["kecamatan"], desa=desa, tahun=2025, values=values, expected_version=0, by=None
    )
    with pytest.raises(PermissionDenied):  # the operator enters, only the camat verifies
        services.sasaran_verify(
            scope=world.scopes["operator"], row=row, expected_version=row.version, by=None
        )
    with pytest.raises(ValidationError):
        services.sasaran_return(
            scope=world.scopes["kecamatan"], row=row, expected_version=row.version, reason=" ", by=None
        )
    row = services.sasaran_verify(
        scope=world.scopes["kecamatan"], row=row, expected_version=row.version, by=None
    )
    assert row.status == SasaranStatus.DIVERIFIKASI
    with pytest.raises(ValidationError, match="terkunci"):
        services.sasaran_save(scope=world.scopes["operator"], desa=desa, tahun=2025, values=values,
                              expected_version=row.version, by=None)  # fmt: skip
    with pytest.raises(ValidationError):
        services.sasaran_unlock(
            scope=world.scopes["operator"], row=row, expected_version=row.version, reason="", by=None
        )
    row = services.sasaran_unlock(
        scope=world.scopes["operator"],
        row=row,
        expected_version=row.version,
        reason="Salah ketik balita",
        by=None,
    )
    assert row.status == SasaranStatus.DRAF and row.alasan == "Salah ketik balita"
    with pytest.raises(ValidationError, match="tidak boleh lebih"):
        services.sasaran_save(scope=world.scopes["operator"], desa=desa, tahun=2025,
                              values={**values, "stunting": 95}, expected_version=row.version, by=None)  # fmt: skip


def test_a_kecamatan_enters_sasaran_only_for_its_own_desa(world):
    far = Region.objects.get(kode=FAR_DESA)
    with pytest.raises(PermissionDenied):
        services.sasaran_save(
            scope=world.scopes["kecamatan"], desa=far, tahun=2025, values={}, expected_version=0, by=None
        )
    for persona in ("opd", "desa", "puskesmas", "provinsi", "neighbour"):
        with pytest.raises(PermissionDenied):
            services.sasaran_save(
                scope=world.scopes[persona], desa=far, tahun=2025, values={}, expected_version=0, by=None
            )


# --- aggregates, completeness, exports and scope ------------------------------------------------


def test_kecamatan_coverage_sums_numerators_and_denominators(world):
    u01 = Indicator.objects.get(kode="U01")
    scope, op = world.scopes["operator"], world.user("operator")
    for kode, num, den in ((DESA, 1, 1), (DESA2, 10, 100)):
        services.value_set(scope=scope, indicator=u01, desa=Region.objects.get(kode=kode), periode="2025",
                           numerator=num, denominator=den, expected_version=0, by=op)  # fmt: skip
    rows = selectors.kecamatan_totals(
        scope=scope, kabkota=KAB, periode="2025", indicator=u01, bands=services.Bands()
    )
    (wado,) = rows
    assert (wado["numerator"], wado["denominator"]) == (11, 101)
    assert wado["percent"] == pytest.approx(100 * 11 / 101)  # not the mean of 100 % and 10 %
    assert wado["category"] == "sangat_rendah"


def test_completeness_counts_filled_missing_and_rule_violations(world):
    import datetime as dt

    u01 = Indicator.objects.get(kode="U01")
    op, scope = world.user("operator"), world.scopes["operator"]
    services.value_set(scope=scope, indicator=u01, desa=Region.objects.get(kode=DESA), periode="2025",
                       numerator=5, denominator=30, expected_version=0, by=op)  # fmt: skip
    draft = DataSasaran.objects.create(desa_id=DESA, tahun=2025, ibu_hamil=20)  # entered after the figure
    kab = Region.objects.get(kode=KAB)
    # A draft is not yet a population anyone vouched for: nothing is flagged against it.
    assert selectors.completeness(scope=scope, kabkota=kab, periode="2025", indicators=[u01],
                                  today=dt.date(2026, 5, 1))["violations"] == []  # fmt: skip
    draft.status = SasaranStatus.DIVERIFIKASI
    draft.save()
    data = selectors.completeness(
        scope=scope, kabkota=kab, periode="2025", indicators=[u01], today=dt.date(2026, 5, 1)
    )
    n_desa = Region.objects.filter(level="desa", kode__startswith=KAB + ".").count()
    row = data["by_indicator"][0]
    assert (row.filled, row.expected, row.missing, row.low) == (1, n_desa, n_desa - 1, 1)
    assert data["late"] is True
    assert [(v.desa.kode, v.indicator.kode) for v in data["violations"]] == [(DESA, "U01")]
    wado = next(r for r in data["by_kecamatan"] if r.extra["kode"] == KEC)
    assert wado.filled == 1
    # A desa officer's view counts only its own desa.
    own = selectors.completeness(scope=world.scopes["desa"], kabkota=kab, periode="2025", indicators=[u01],
                                 today=dt.date(2026, 1, 1))  # fmt: skip
    assert own["by_indicator"][0].expected == 1 and own["late"] is False


def test_the_completeness_counts_are_kept_until_a_writer_changes_their_sources(world):
    """The counts are cached (a large district's ~10,500 values were counted on every visit); every
    writer of what they count must show on the next visit: grid save, change, removal, verification,
    Excel import, the category bands, the verified data sasaran."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    u01 = Indicator.objects.get(kode="U01")
    op, scope = world.user("operator"), world.scopes["operator"]
    kab, desa = Region.objects.get(kode=KAB), Region.objects.get(kode=DESA)

    def row():
        data = selectors.completeness(scope=scope, kabkota=kab, periode="2025", indicators=[u01],
                                      today=dt.date(2026, 5, 1))  # fmt: skip
        r = data["by_indicator"][0]
        return (r.filled, r.verified, r.low, len(data["violations"]))

    def save(num, den, version):
        return services.value_set(scope=scope, indicator=u01, desa=desa, periode="2025", numerator=num,
                                  denominator=den, expected_version=version, by=op)  # fmt: skip

    assert row() == (0, 0, 0, 0)
    value = save(5, 30, 0)
    assert row() == (1, 0, 1, 0)  # 17 %: low
    # Read again unchanged: the values are not read, only their version.
    with CaptureQueriesContext(connection) as queries:
        assert row() == (1, 0, 1, 0)
    assert not [q for q in queries if "numerator" in q["sql"]]
    value = save(29, 30, value.version)  # same count of values, a later change
    assert row() == (1, 0, 0, 0)
    services.values_verify(scope=scope, kabkota=kab, indicator=u01, periode="2025", by=op)
    assert row() == (1, 1, 0, 0)
    # Stricter bands for the year: 97 % is now below "hampir memadai".
    services.band_set(scope=world.scopes["pusat"], indicator=u01, tahun=2025, memadai=99.5, hampir=99,
                      rendah=98, by=world.user("pusat"))  # fmt: skip
    assert row() == (1, 1, 1, 0)
    # A verified data sasaran the denominator exceeds.
    DataSasaran.objects.create(desa_id=DESA, tahun=2025, ibu_hamil=20, status=SasaranStatus.DIVERIFIKASI)
    assert row()[3] == 1
    # Kept as numbers, worded in the reader's language on every visit.
    from django.utils import translation

    for lang, text in (("id", "penyebut 30 > ibu hamil 20 di data sasaran terverifikasi"),
                       ("en", "denominator 30 > pregnant women 20 in the verified target data")):  # fmt: skip
        with translation.override(lang):
            (violation,) = selectors.completeness(scope=scope, kabkota=kab, periode="2025", indicators=[u01],
                                                  today=dt.date(2026, 5, 1))["violations"]  # fmt: skip
        assert violation.message == text
    save(None, None, DataValue.objects.get(desa_id=DESA, indicator=u01, periode="2025").version)
    assert row() == (0, 0, 0, 0)
    # The Excel import, through the web upload.
    client = Client()
    client.force_login(op)
    content = filled_template(edits={(DESA, "U01 Pembilang"): 9, (DESA, "U01 Penyebut"): 10,
                                     (DESA2, "U01 Pembilang"): 1, (DESA2, "U01 Penyebut"): 10})  # fmt: skip
    preview = client.post(
        reverse("indicators:upload", kwargs={"kode": KAB}), {"file": SimpleUploadedFile("isi.xlsx", content)}
    )["Location"]
    client.post(preview + "simpan/")
    assert DataValue.objects.filter(indicator=u01, periode="2025").count() == 2
    assert row() == (2, 0, 2, 0)


def test_exports_hold_only_the_desa_the_reader_sees(world):
    u01 = Indicator.objects.get(kode="U01")
    op, scope = world.user("operator"), world.scopes["operator"]
    for kode in (DESA, FAR_DESA):
        services.value_set(scope=scope, indicator=u01, desa=Region.objects.get(kode=kode), periode="2025",
                           numerator=1, denominator=2, expected_version=0, by=op)  # fmt: skip

    def desa_in_csv(persona):
        client = Client()
        client.force_login(world.user(persona))
        response = client.get(
            reverse("indicators:export", kwargs={"kode": KAB, "fmt": "csv"}) + "?periode=2025"
        )
        assert response.status_code == 200
        lines = response.content.decode().splitlines()[1:]
        return {line.split(",")[3] for line in lines}

    assert desa_in_csv("operator") == {DESA, FAR_DESA}
    assert desa_in_csv("provinsi") == {DESA, FAR_DESA}
    assert desa_in_csv("kecamatan") == {DESA}
    assert desa_in_csv("desa") == {DESA}
    xlsx = Client()
    xlsx.force_login(world.user("operator"))
    response = xlsx.get(reverse("indicators:export", kwargs={"kode": KAB, "fmt": "xlsx"}) + "?periode=2025")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "periode" and len(rows) == 3 and rows[1][9] == 50.0


def test_the_web_upload_previews_then_commits_all_or_nothing(world):
    client = Client()
    client.force_login(world.user("operator"))
    bad = filled_template(edits={(DESA, "U01 Pembilang"): 12, (DESA, "U01 Penyebut"): 10})
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("indicators:upload", kwargs={"kode": KAB}), {"file": SimpleUploadedFile("isi.xlsx", bad)}
    )
    preview = response["Location"]
    page = client.get(preview)
    assert "lebih besar dari penyebut" in page.content.decode() and 'id="commit"' not in page.content.decode()
    problems = client.get(preview + "masalah.xlsx")
    sheet = load_workbook(io.BytesIO(problems.content)).active
    assert [c.value for c in sheet[2]][:4] == [
        "Data",
        datadesa.HEADER_ROW + 1,
        "D",
        "12",
    ]  # first desa, U01 numerator
    assert sheet.max_row == 2
    assert client.post(preview + "simpan/").status_code == 302
    assert not DataValue.objects.exists()
    good = filled_template(edits={(DESA, "U01 Pembilang"): 9, (DESA, "U01 Penyebut"): 10})
    response = client.post(
        reverse("indicators:upload", kwargs={"kode": KAB}), {"file": SimpleUploadedFile("isi.xlsx", good)}
    )
    preview = response["Location"]
    assert 'id="commit"' in client.get(preview).content.decode()
    client.post(preview + "simpan/")
    assert DataValue.objects.get(desa_id=DESA, indicator__kode="U01").numerator == 9
    # Someone else cannot see or commit this upload.
    other = Client()
    other.force_login(world.user("provinsi"))
    assert other.get(preview).status_code == 404


def test_cli_lists_indicators_and_imports_with_exit_codes(world, tmp_path, capsys):
    from typer.testing import CliRunner

    from konvergensi.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["indicators", "list", "--set", "2025", "--format", "json"])
    items = json.loads(listed.stdout)
    assert len(items) == 31 and {
        "code",
        "set",
        "name",
        "target_group",
        "numerator",
        "denominator",
        "opd",
        "unit",
    } <= set(items[0])
    assert next(i for i in items if i["code"] == "C05")["unit"] == "jumlah"
    good = tmp_path / "baik.xlsx"
    good.write_bytes(filled_template(edits={(DESA, "U01 Pembilang"): 9, (DESA, "U01 Penyebut"): 10}))
    dry = runner.invoke(
        app, ["data", "import", str(good), "--kabkota", "3211", "--dry-run", "--format", "json"]
    )
    assert dry.exit_code == 0 and json.loads(dry.stdout)["added"] == 1 and not DataValue.objects.exists()
    done = runner.invoke(app, ["data", "import", str(good), "--kabkota", KAB, "--format", "json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["ok"] is True
    assert DataValue.objects.get(desa_id=DESA, indicator__kode="U01").numerator == 9
    bad = tmp_path / "buruk.xlsx"
    bad.write_bytes(filled_template(edits={(DESA, "U01 Pembilang"): 99, (DESA, "U01 Penyebut"): 10}))
    refused = runner.invoke(app, ["data", "import", str(bad), "--kabkota", KAB, "--format", "json"])
    payload = json.loads(refused.stdout)
    assert refused.exit_code == 1 and payload["ok"] is False
    assert set(payload["problems"][0]) >= {"sheet", "row", "column", "value", "message"}
    assert DataValue.objects.get(desa_id=DESA, indicator__kode="U01").numerator == 9
    junk = tmp_path / "bukan.xlsx"
    junk.write_bytes(b"not excel")
    refused = runner.invoke(app, ["data", "import", str(junk), "--kabkota", KAB, "--format", "json"])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "bukan Excel" in json.loads(refused.stdout)["problems"][0]["message"]


# --- programme mapping through Excel ------------------------------------------------------------


def filled_program(tahun=2025, edits=None, indicators=("U01", "U02")) -> bytes:
    """The real programme template of Sumedang with cells changed: {(desa, indicator code): text}."""
    content = excel.program_template(
        kabkota=Region.objects.get(kode=KAB),
        tahun=tahun,
        indicators=list(Indicator.objects.filter(kode__in=indicators)),
    )
    wb = load_workbook(io.BytesIO(content))
    ws = wb[datadesa.PROGRAM_SHEET]
    header = [str(c.value or "")[:3] for c in ws[datadesa.HEADER_ROW]]
    rows = {ws.cell(r, 1).value: r for r in range(datadesa.HEADER_ROW + 1, ws.max_row + 1)}
    for (desa, code), value in (edits or {}).items():
        ws.cell(rows[desa.replace(".", "")], header.index(code) + 1, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_program_template_round_trip_adds_then_changes_nothing_then_changes(world):
    from konvergensi.indicators.models import ProgramMapping

    scope = world.scopes["operator"]
    content = filled_program(edits={(DESA, "U01"): "APBD Kab/Kota, Dana Desa", (DESA2, "U01"): "tidak"})
    result = check(content)
    assert result.kind == "program" and result.ok and (result.added, result.changed) == (2, 0)
    indicator_imports.import_commit(scope=scope, result=result, kabkota=KAB, by=world.user("operator"))
    stored = {p.desa_id: (p.ada, p.sumber) for p in ProgramMapping.objects.filter(indicator__kode="U01")}
    assert stored == {DESA: (True, ["apbd_kab", "dana_desa"]), DESA2: (False, [])}
    # The template now comes pre-filled with what is stored; sending it back changes nothing.
    again = check(filled_program())
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    changed = check(filled_program(edits={(DESA2, "U01"): "DAK"}))
    assert changed.changed == 1 and changed.before[(DESA2, "U01")] == (False, ())
    indicator_imports.import_commit(scope=scope, result=changed, kabkota=KAB, by=world.user("operator"))
    assert ProgramMapping.objects.get(desa_id=DESA2, indicator__kode="U01").sumber == ["dak"]


def test_a_bad_program_file_is_refused_whole_with_each_cell_named(world):
    from konvergensi.indicators.models import ProgramMapping

    result = check(filled_program(edits={(DESA, "U01"): "APBD Kab", (DESA2, "U02"): "dana hibah"}))
    assert not result.ok and [(p.sheet, p.column) for p in result.parsed.problems] == [("Program", "E")]
    with pytest.raises(ValidationError):
        indicator_imports.import_commit(scope=world.scopes["operator"], result=result, kabkota=KAB, by=None)
    assert not ProgramMapping.objects.exists()


def test_program_page_shows_one_kecamatan_and_the_template_is_for_the_operator(world):
    client = Client()
    client.force_login(world.user("operator"))
    page = client.get(reverse("indicators:program", kwargs={"kode": KAB}) + f"?kec={KEC}&tahun=2025")
    body = page.content.decode()
    assert page.status_code == 200 and DESA in body and FAR_DESA not in body
    download = client.get(reverse("indicators:program-template", kwargs={"kode": KAB}) + "?tahun=2025")
    sheet = load_workbook(io.BytesIO(download.content))[datadesa.PROGRAM_SHEET]
    assert sheet["B3"].value == "2025" and sheet.cell(datadesa.HEADER_ROW, 1).value == "Kode Desa"
    assert (
        client.get(reverse("indicators:program", kwargs={"kode": KAB}) + "?kec=32.11.99").status_code == 404
    )


# --- verification of coverage figures -----------------------------------------------------------


def test_the_operator_verifies_an_indicator_and_a_later_change_undoes_it(world):
    u01 = Indicator.objects.get(kode="U01")
    op, scope = world.user("operator"), world.scopes["operator"]
    for kode in (DESA, DESA2):
        services.value_set(scope=scope, indicator=u01, desa=Region.objects.get(kode=kode), periode="2025",
                           numerator=1, denominator=2, expected_version=0, by=op)  # fmt: skip
    for persona in ("opd", "kecamatan", "provinsi"):
        with pytest.raises(PermissionDenied):
            services.values_verify(
                scope=world.scopes[persona],
                kabkota=Region.objects.get(kode=KAB),
                indicator=u01,
                periode="2025",
                by=None,
            )
    client = Client()
    client.force_login(op)
    url = reverse("indicators:completeness", kwargs={"kode": KAB})
    client.post(url, {"indikator": "U01", "periode": "2025"})
    assert set(DataValue.objects.values_list("status", flat=True)) == {"diverifikasi"}
    cell = DataValue.objects.get(desa_id=DESA)
    services.value_set(scope=scope, indicator=u01, desa=cell.desa, periode="2025", numerator=2,
                       denominator=2, expected_version=cell.version, by=op)  # fmt: skip
    assert dict(DataValue.objects.values_list("desa_id", "status")) == {DESA: "diisi", DESA2: "diverifikasi"}
    other = Client()
    other.force_login(world.user("opd"))
    assert other.post(url, {"indikator": "U01", "periode": "2025"}).status_code == 403


def test_a_tampered_version_field_is_a_bad_request_not_a_server_error(world):
    client = Client()
    client.force_login(world.user("operator"))
    url = reverse("indicators:sasaran", kwargs={"kode": KAB}) + f"?kec={KEC}&tahun=2025"
    response = client.post(url, {"desa": DESA, "action": "save", "version": "satu", "balita": "5"})
    assert response.status_code == 400 and not DataSasaran.objects.exists()
    program = reverse("indicators:program", kwargs={"kode": KAB}) + f"?kec={KEC}&tahun=2025"
    assert client.post(program, {"desa": DESA, "indikator": "U01", "version": "x"}).status_code == 400


def test_the_excel_export_holds_coverage_sasaran_and_programmes_in_scope(world):
    op, scope = world.user("operator"), world.scopes["operator"]
    for kode in (DESA, FAR_DESA):
        services.sasaran_save(scope=scope, desa=Region.objects.get(kode=kode), tahun=2025,
                              values={"balita": 40}, expected_version=0, by=op)  # fmt: skip
        services.program_set(scope=scope, indicator=Indicator.objects.get(kode="U01"),
                             desa=Region.objects.get(kode=kode), tahun=2025, ada=True, sumber=["dak"],
                             expected_version=0, by=op)  # fmt: skip
    client = Client()
    client.force_login(op)
    response = client.get(reverse("indicators:export", kwargs={"kode": KAB, "fmt": "xlsx"}) + "?periode=2025")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Data cakupan", "Data sasaran", "Pemetaan program"]
    assert len(list(wb["Data sasaran"].iter_rows())) == 3 and wb["Pemetaan program"]["I2"].value == "DAK"
    kec = Client()
    kec.force_login(world.user("kecamatan"))
    csv_text = kec.get(
        reverse("indicators:export", kwargs={"kode": KAB, "fmt": "csv"}) + "?periode=2025&data=sasaran"
    ).content.decode()
    assert DESA in csv_text and FAR_DESA not in csv_text
