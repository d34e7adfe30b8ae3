"""Data sasaran for every 2025 target group (issue 17): the new counts, which denominator each
indicator uses on the pages, the warning of a denominator above the verified data sasaran, and the
import of a Dukcapil/BKKBN-style aggregate file through the import pipeline."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.imports import services as pipeline
from konvergensi.imports.models import ImportStatus
from konvergensi.indicators import sasaran_import, services
from konvergensi.indicators.models import SASARAN_FIELDS, DataSasaran, DataValue, Indicator, SasaranStatus
from konvergensi.wilayah.models import Region
from konvergensi_core import sasaran as rules
from tests.conftest import DESA, KAB, KEC, OTHER_KEC

DESA2 = "32.11.01.2002"


def other_kec_desa() -> str:
    return Region.objects.filter(level="desa", parent_id=OTHER_KEC).order_by("kode").first().kode


def login(world, persona: str) -> Client:
    c = Client()
    c.force_login(world.user(persona))
    return c


def csv_file(rows: list[list], name: str = "sasaran.csv") -> SimpleUploadedFile:
    text = "\n".join(";".join("" if v is None else str(v) for v in r) for r in rows) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")


def check(world, persona: str, rows: list[list], tahun: int = 2025):
    imp = pipeline.stage(kind=sasaran_import.KIND_INSTANCE, kabkota=KAB, params={"tahun": tahun},
                         upload=csv_file(rows), by=world.user(persona))  # fmt: skip
    pipeline.check(imp, scope=world.scopes[persona])
    return imp


def commit(world, persona: str, imp):
    pipeline.claim(imp)
    return pipeline.commit(imp, scope=world.scopes[persona], by=world.user(persona))


def problems(imp):
    return [(p.row, p.column, p.message, p.severity) for p in imp.problems.order_by("position")]


# --- the model and the mapping ------------------------------------------------------------------


def test_every_core_field_is_a_nullable_count_of_the_model():
    names = {f.name for f in DataSasaran._meta.get_fields()}
    assert set(SASARAN_FIELDS) <= names
    for name in ("remaja_putri", "calon_pengantin", "ibu_nifas", "rumah_tangga", "penduduk", "anak_0_17"):
        field = DataSasaran._meta.get_field(name)
        assert field.null and field.get_internal_type() == "PositiveIntegerField"


def test_the_entry_form_saves_the_new_counts_and_checks_parts(world):
    desa = Region.objects.get(kode=DESA)
    values = {
        "penduduk": 4000,
        "remaja_putri": 230,
        "calon_pengantin": 40,
        "ibu_nifas": 60,
        "rumah_tangga": 1100,
    }
    row = services.sasaran_save(scope=world.scopes["kecamatan"], desa=desa, tahun=2025, values=values,
                                expected_version=0, by=None)  # fmt: skip
    assert (row.remaja_putri, row.calon_pengantin, row.ibu_nifas, row.rumah_tangga) == (230, 40, 60, 1100)
    with pytest.raises(ValidationError, match="remaja putri"):
        services.sasaran_save(scope=world.scopes["kecamatan"], desa=desa, tahun=2025,
                              values={**values, "remaja_putri": 5000}, expected_version=row.version, by=None)  # fmt: skip


def test_pages_show_which_denominator_each_indicator_uses(world):
    c = login(world, "operator")
    page = c.get(reverse("indicators:catalogue") + "?set=2025").content.decode()
    assert "data sasaran remaja putri" in page and "data sasaran calon pengantin" in page
    detail = c.get(reverse("indicators:detail", args=["A05"])).content.decode()
    assert "data sasaran ibu bersalin/nifas" in detail
    grid = c.get(reverse("indicators:grid", args=[KAB]) + f"?set=2025&kec={KEC}").content.decode()
    assert "Penyebut:" in grid and "bagian dari data sasaran ibu hamil" in grid  # A01 (KEK)
    sasaran = c.get(reverse("indicators:sasaran", args=[KAB]) + f"?kec={KEC}&tahun=2025").content.decode()
    assert "penyebut U11 D01 D02" in sasaran  # what the remaja putri count feeds
    assert reverse("indicators:sasaran-import", args=[KAB]) in sasaran


# --- the warning -----------------------------------------------------------------------------------


def test_the_grid_saves_but_warns_when_a_denominator_exceeds_the_verified_sasaran(world):
    DataSasaran.objects.create(desa_id=DESA, tahun=2025, remaja_putri=100, status=SasaranStatus.DIVERIFIKASI)
    DataSasaran.objects.create(desa_id=DESA2, tahun=2025, remaja_putri=100)  # draft: not a bound yet
    c = login(world, "operator")
    url = reverse("indicators:cell-save", args=[KAB])
    post = {"indikator": "D01", "periode": "2025", "numerator": 50, "denominator": 120, "version": 0}
    answer = c.post(url, {**post, "desa": DESA}).json()
    assert answer["ok"] and "penyebut (120) lebih besar dari jumlah remaja putri" in answer["warning"]
    assert DataValue.objects.get(desa_id=DESA, indicator__kode="D01").denominator == 120  # kept
    assert c.post(url, {**post, "desa": DESA2}).json()["warning"] == ""
    fine = c.post(url, {**post, "desa": DESA, "denominator": 90, "version": answer["version"]}).json()
    assert fine["ok"] and fine["warning"] == ""


# --- the aggregate-file import -----------------------------------------------------------------------


def test_a_good_file_is_previewed_then_committed_and_a_reimport_changes_nothing(world):
    DataSasaran.objects.create(desa_id=DESA2, tahun=2025, balita=300, status=SasaranStatus.DIKEMBALIKAN)
    rows = [["Rekap BKKBN 2025"], ["Kode Desa", "Nama Desa", "Jumlah Remaja Putri", "Catin", "Ibu Nifas", "Rumah Tangga"],
            [DESA.replace(".", ""), "Cimungkal", 210, 35, 48, 1020], [DESA2, "", 180, "", 40, 900]]  # fmt: skip
    imp = check(world, "operator", rows)
    assert imp.status == ImportStatus.CHECKED and imp.summary["ok"], problems(imp)
    assert (imp.counts["add"], imp.counts["changed"]) == (1, 1)
    assert not DataSasaran.objects.filter(desa_id=DESA).exists()  # nothing before the commit
    counts = commit(world, "operator", imp)
    assert counts == {"added": 1, "changed": 1, "unchanged": 0}
    a, b = DataSasaran.objects.get(desa_id=DESA), DataSasaran.objects.get(desa_id=DESA2)
    assert (a.remaja_putri, a.calon_pengantin, a.ibu_nifas, a.rumah_tangga, a.status) == (
        210,
        35,
        48,
        1020,
        "draf",
    )
    assert (b.remaja_putri, b.calon_pengantin, b.balita, b.status) == (
        180,
        None,
        300,
        "draf",
    )  # kept; back to draft
    again = check(world, "operator", rows)
    assert not again.summary["ok"] and again.counts["unchanged"] == 2  # nothing to save


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (["3210012001", 5, 1], "Kode Desa", "tidak ada di kabupaten/kota 32.11"),
        ([DESA, -5, 1], "Balita Diukur", "tidak boleh negatif"),
        ([DESA, "1,5", 1], "Balita Diukur", "harus bilangan bulat"),
        ([DESA, 10, 12], "Balita Stunting", "tidak boleh lebih dari balita diukur"),
        ([DESA2, 10, 1], "Kode Desa", "sudah diverifikasi camat dan terkunci"),
    ],
)
def test_each_bad_row_is_reported_with_row_and_column_and_nothing_is_written(world, row, column, fragment):
    DataSasaran.objects.create(desa_id=DESA2, tahun=2025, balita_diukur=50, status=SasaranStatus.DIVERIFIKASI)
    good = [DESA, 100, 10] if row[0] != DESA else ["32.11.01.2003", 100, 10]
    imp = check(world, "operator", [["Kode Desa", "Balita Diukur", "Balita Stunting"], good, row])
    assert not imp.summary["ok"]
    errors = [p for p in problems(imp) if p[3] == "error"]
    assert len(errors) == 1 and errors[0][:2] == (3, column) and fragment in errors[0][2], errors
    with pytest.raises(ValidationError):
        commit(world, "operator", imp)
    assert DataSasaran.objects.get(desa_id=DESA2).balita_diukur == 50  # the verified row is untouched
    assert DataSasaran.objects.count() == 1  # the good row was not written either


def test_a_kecamatan_imports_its_own_desa_only(world):
    far = other_kec_desa()
    imp = check(world, "kecamatan", [["Kode Desa", "Remaja Putri"], [DESA, 12], [far, 7]])
    assert not imp.summary["ok"]
    ((row, column, message, _s),) = problems(imp)
    assert (row, column) == (3, "Kode Desa") and "di luar wilayah kerja Anda" in message
    assert not DataSasaran.objects.exists()
    mine = check(world, "kecamatan", [["Kode Desa", "Remaja Putri"], [DESA, 12]])
    commit(world, "kecamatan", mine)
    assert DataSasaran.objects.get(desa_id=DESA).remaja_putri == 12


@pytest.mark.parametrize("persona", ["opd", "desa", "puskesmas", "provinsi", "neighbour"])
def test_who_may_not_import_data_sasaran(world, persona):
    assert not sasaran_import.may_import(world.scopes[persona], KAB)
    imp = pipeline.stage(kind=sasaran_import.KIND_INSTANCE, kabkota=KAB, params={"tahun": 2025},
                         upload=csv_file([["Kode Desa", "Remaja Putri"], [DESA, 1]]), by=world.user(persona))  # fmt: skip
    with pytest.raises(PermissionDenied):
        pipeline.commit(imp, scope=world.scopes[persona], by=world.user(persona))
    assert not DataSasaran.objects.exists()


def test_the_upload_page_and_template_are_scoped(world):
    DataSasaran.objects.create(desa_id=DESA, tahun=2025, remaja_putri=77, status=SasaranStatus.DIVERIFIKASI)
    camat = login(world, "kecamatan")
    page = camat.get(reverse("indicators:sasaran-import", args=[KAB]) + "?tahun=2025")
    assert page.status_code == 200 and "jumlah remaja putri" in page.content.decode()
    content = camat.get(reverse("indicators:sasaran-template", args=[KAB]) + "?tahun=2025").content
    ws = load_workbook(io.BytesIO(content))["Sasaran"]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["Kode Desa", "Nama Desa", "Kecamatan"] and "Remaja Putri" in header
    codes = {ws.cell(r, 1).value for r in range(4, ws.max_row + 1)}
    assert DESA in codes and all(c.startswith(KEC + ".") for c in codes)  # its own desa only
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == DESA)
    assert ws.cell(row, header.index("Remaja Putri") + 1).value == 77
    for persona in ("neighbour", "desa", "opd"):
        c = login(world, persona)
        assert c.get(reverse("indicators:sasaran-import", args=[KAB])).status_code in (403, 404)
        assert c.get(reverse("indicators:sasaran-template", args=[KAB])).status_code in (403, 404)


def test_the_upload_page_stages_a_file_into_the_pipeline(world):
    c = login(world, "operator")
    answer = c.post(reverse("indicators:sasaran-import", args=[KAB]),
                    {"tahun": 2025, "file": csv_file([["Kode Desa", "Calon Pengantin"], [DESA, 9]])})  # fmt: skip
    assert answer.status_code == 302 and "/impor/" in answer["Location"]
    assert not DataSasaran.objects.exists()
    detail = c.get(answer["Location"]).content.decode()
    assert "desa baru" in detail and "calon pengantin" in detail


@pytest.mark.django_db
def test_every_catalogue_row_in_the_database_is_mapped():
    from tests.conftest import ensure_catalogue

    ensure_catalogue()
    assert set(Indicator.objects.values_list("kode", flat=True)) == set(rules.DENOMINATOR)


def test_the_command_line_checks_then_imports_an_aggregate_file(world, tmp_path):
    import json

    from typer.testing import CliRunner

    from konvergensi.cli import app

    bad = tmp_path / "bad.csv"
    bad.write_text(f"Kode Desa;Balita Diukur;Balita Stunting\n{DESA};10;12\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["data", "sasaran", str(bad), "--kabkota", "32.11", "--tahun", "2025",
                                   "--format", "json"])  # fmt: skip
    payload = json.loads(out.stdout)
    assert out.exit_code == 1 and not payload["committed"] and not DataSasaran.objects.exists()
    assert payload["problems"][0]["row"] == 2 and payload["problems"][0]["column"] == "Balita Stunting"
    good = tmp_path / "good.csv"
    good.write_text(f"Kode Desa,Jumlah Penduduk,Calon Pengantin\n{DESA},4100,38\n", encoding="utf-8")
    dry = CliRunner().invoke(app, ["data", "sasaran", str(good), "--kabkota", "3211", "--tahun", "2025",
                                   "--dry-run", "--format", "json"])  # fmt: skip
    assert dry.exit_code == 0 and not DataSasaran.objects.exists()
    done = CliRunner().invoke(app, ["data", "sasaran", str(good), "--kabkota", "3211", "--tahun", "2025"])
    assert done.exit_code == 0, done.stdout
    assert DataSasaran.objects.get(desa_id=DESA, tahun=2025).calon_pengantin == 38


def test_the_demo_fills_every_target_group_consistently(world):
    from konvergensi.indicators.demo import village_data

    village_data(KAB)
    rows = list(DataSasaran.objects.filter(desa__kode__startswith=KAB + "."))
    assert rows
    for s in rows:
        counts = {f: getattr(s, f) for f in SASARAN_FIELDS}
        assert all(v is not None for v in counts.values()), s.desa_id
        assert rules.consistency(counts) == [], s.desa_id
        assert s.anak_6_23 + s.bayi_0_5 == s.baduta and s.anak_24_59 == s.balita - s.baduta
    # A "whole" denominator equals its group's count (D01: every adolescent girl of the desa).
    value = DataValue.objects.filter(indicator__kode="D01").select_related("desa").first()
    assert value.denominator == DataSasaran.objects.get(desa=value.desa).remaja_putri
