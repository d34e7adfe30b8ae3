"""Each adapter's sample through the real import path, and old region codes in uploaded files:
imported under today's code with the mapping shown on the preview and in the CLI's JSON; a
removed or unknown code is a problem with its sheet, row and column; all or nothing holds; another
district's user sees none of it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.accounts.models import Role
from konvergensi.accounts.scope import scope_for_user
from konvergensi.budget.imports import KIND_INSTANCE as BUDGET
from konvergensi.budget.models import BudgetLine
from konvergensi.imports import services as pipeline
from konvergensi.imports.models import ImportStatus
from konvergensi.indicators import sasaran_import
from konvergensi.indicators.models import DataSasaran
from konvergensi.measurements import imports as measurement_imports
from konvergensi.measurements import services as measurement_services
from konvergensi.measurements.models import Measurement
from konvergensi.wilayah import services as wilayah_services
from konvergensi.wilayah.models import Region
from konvergensi_core.adapters import DUKCAPIL, EPPGBM, SIPD, sample_desa
from tests.conftest import KAB, make_user

pytestmark = pytest.mark.django_db

MERAUKE = "93.01"
TODAY = dt.date(2026, 3, 1)


def old(code: str) -> str:
    """The Permendagri 58/2021 code of a desa of Merauke (Papua, 91, before Papua Selatan)."""
    return "91" + code[2:]


@pytest.fixture
def merauke(world):
    wilayah_services.region_load(only_prefixes=(MERAUKE,))
    user = make_user("merauke", Role.OPERATOR, MERAUKE)
    return user, scope_for_user(user)


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def sample(adapter, tmp_path: Path, kabkota: str, old_codes: dict[str, str] | None = None) -> Path:
    path = adapter.sample(tmp_path / f"{adapter.name}.csv", kabkota=kabkota)
    if old_codes:
        text = path.read_text(encoding="utf-8")
        for new, was in old_codes.items():
            text = text.replace(new, was)
        path.write_text(text, encoding="utf-8")
    return path


def run(kind, kabkota, params, path, scope, user):
    imp = pipeline.stage(kind=kind, kabkota=kabkota, params=params, upload=upload(path), by=user)
    pipeline.check(imp, scope=scope)
    return imp


def commit(imp, scope, user):
    pipeline.claim(imp)
    return pipeline.commit(imp, scope=scope, by=user)


def problems(imp):
    return [(p.sheet, p.row, p.column, p.value) for p in imp.problems.order_by("position")]


# --- each sample imports cleanly ------------------------------------------------------------------


def test_the_dukcapil_sample_imports_cleanly(world, tmp_path):
    imp = run(sasaran_import.KIND_INSTANCE, KAB, {"tahun": 2025}, sample(DUKCAPIL, tmp_path, KAB),
              world.scopes["operator"], world.user("operator"))  # fmt: skip
    assert imp.status == ImportStatus.CHECKED and problems(imp) == [] and imp.summary["notes"] == []
    commit(imp, world.scopes["operator"], world.user("operator"))
    assert DataSasaran.objects.filter(tahun=2025, desa__kode__startswith=KAB + ".").count() == 3


def test_the_sipd_sample_imports_cleanly(world, tmp_path):
    imp = run(BUDGET, KAB, {"tahun": 2026, "stage": "murni"}, sample(SIPD, tmp_path, KAB),
              world.scopes["operator"], world.user("operator"))  # fmt: skip
    assert problems(imp) == [] and pipeline.ready(imp)
    commit(imp, world.scopes["operator"], world.user("operator"))
    assert BudgetLine.objects.filter(kabkota_id=KAB).count() == 3


def _round(scope, user, kabkota):
    return measurement_services.round_create(
        scope=scope, kabkota=Region.objects.get(kode=kabkota), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=user,
    )  # fmt: skip


def test_the_eppgbm_sample_imports_cleanly(world, tmp_path):
    scope, user = world.scopes["operator"], world.user("operator")
    rnd = _round(scope, user, KAB)
    imp = measurement_imports.stage(
        scope=scope, rnd=rnd, upload=upload(sample(EPPGBM, tmp_path, KAB)), by=user
    )
    result = measurement_imports.check(imp, scope=scope, today=TODAY)
    assert result.ok and result.counts["add"] == 4 and result.notes == []
    pipeline.commit(imp, scope=scope, by=user)
    assert Measurement.objects.filter(round=rnd).count() == 4


# --- old codes ------------------------------------------------------------------------------------


def test_a_2021_desa_code_in_data_sasaran_is_saved_under_todays_code_with_the_mapping_shown(
    merauke, tmp_path
):
    user, scope = merauke
    codes = [k for k, _n, _kec in sample_desa(MERAUKE)]
    path = sample(DUKCAPIL, tmp_path, MERAUKE, {c: old(c) for c in codes})
    imp = run(sasaran_import.KIND_INSTANCE, MERAUKE, {"tahun": 2025}, path, scope, user)
    assert problems(imp) == [] and pipeline.ready(imp)
    notes = imp.summary["notes"]
    assert [(n["row"], n["column"], n["old"], n["new"], n["kind"]) for n in notes] == [
        (i + 2, "Kode Desa", old(c), c, "pindah_kode") for i, c in enumerate(codes)
    ]
    assert imp.counts["notes"] == 3
    assert pipeline.as_json(imp)["notes"] == notes
    client = Client()
    client.force_login(user)
    page = client.get(reverse("imports:detail", args=[imp.pk])).content.decode()
    assert "Kode wilayah lama yang dipetakan" in page and old(codes[0]) in page and codes[0] in page
    assert page.index('id="notes"') < page.index('id="commit"')  # read before the Save button
    sheet = load_workbook(io.BytesIO(client.get(reverse("imports:problems", args=[imp.pk])).content))[
        "Kode dipetakan"
    ]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        (i + 2, "Kode Desa", old(c), c, "pindah kode") for i, c in enumerate(codes)
    ]
    commit(imp, scope, user)
    assert sorted(DataSasaran.objects.filter(tahun=2025).values_list("desa_id", flat=True)) == codes


def test_a_2021_lokasi_code_in_a_sipd_file_is_saved_under_todays_code(merauke, tmp_path):
    user, scope = merauke
    codes = [k for k, _n, _kec in sample_desa(MERAUKE, 2)]
    path = sample(SIPD, tmp_path, MERAUKE, {c: old(c) for c in codes})
    imp = run(BUDGET, MERAUKE, {"tahun": 2026, "stage": "murni"}, path, scope, user)
    assert problems(imp) == [] and pipeline.ready(imp)
    assert {(n["old"], n["new"]) for n in imp.summary["notes"]} == {(old(c), c) for c in codes}
    commit(imp, scope, user)
    line = BudgetLine.objects.get(kabkota_id=MERAUKE, code="1.02.02.2.02.0016")
    assert sorted(line.locations) == codes


def test_a_2021_kode_desa_in_an_eppgbm_export_is_placed_in_todays_desa(merauke, tmp_path):
    user, scope = merauke
    codes = [k for k, _n, _kec in sample_desa(MERAUKE, 2)]
    rnd = _round(scope, user, MERAUKE)
    path = sample(EPPGBM, tmp_path, MERAUKE, {c: old(c) for c in codes})
    imp = measurement_imports.stage(scope=scope, rnd=rnd, upload=upload(path), by=user)
    result = measurement_imports.check(imp, scope=scope, today=TODAY)
    assert result.ok and result.counts["add"] == 4
    imp.refresh_from_db()
    assert [(n["row"], n["old"], n["new"], n["rows"]) for n in imp.summary["notes"]] == [
        (2, old(codes[0]), codes[0], 2),
        (3, old(codes[1]), codes[1], 2),
    ]
    pipeline.commit(imp, scope=scope, by=user)
    assert sorted(Measurement.objects.filter(round=rnd).values_list("desa_id", flat=True)) == sorted(
        codes * 2
    )


def test_removed_and_unknown_codes_are_problems_and_nothing_is_saved(merauke, tmp_path):
    user, scope = merauke
    codes = [k for k, _n, _kec in sample_desa(MERAUKE)]
    # Row 2: an old code that maps; row 3: a removed desa (Seredala, 2021); row 4: no code of any edition.
    path = sample(DUKCAPIL, tmp_path, MERAUKE, {codes[0]: old(codes[0]), codes[1]: "91.13.44.2001",
                                                  codes[2]: "93.01.99.2999"})  # fmt: skip
    imp = run(sasaran_import.KIND_INSTANCE, MERAUKE, {"tahun": 2025}, path, scope, user)
    assert not pipeline.ready(imp)
    assert problems(imp) == [("", 3, "Kode Desa", "91.13.44.2001"), ("", 4, "Kode Desa", "93.01.99.2999")]
    messages = list(imp.problems.order_by("position").values_list("message", flat=True))
    assert "dihapus" in messages[0] and "tidak ada di kabupaten/kota" in messages[1]
    assert [n["old"] for n in imp.summary["notes"]] == [old(codes[0])]
    with pytest.raises(ValidationError):
        commit(imp, scope, user)
    assert not DataSasaran.objects.filter(desa__kode__startswith=MERAUKE + ".").exists()


def test_another_districts_user_sees_nothing_of_the_notes(merauke, world, tmp_path):
    user, scope = merauke
    codes = [k for k, _n, _kec in sample_desa(MERAUKE)]
    path = sample(DUKCAPIL, tmp_path, MERAUKE, {c: old(c) for c in codes})
    imp = run(sasaran_import.KIND_INSTANCE, MERAUKE, {"tahun": 2025}, path, scope, user)
    client = Client()
    client.force_login(world.user("operator"))  # Sumedang's operator
    assert client.get(reverse("imports:detail", args=[imp.pk])).status_code == 404


def test_a_removed_kode_desa_in_an_eppgbm_export_refuses_its_rows_once(merauke, tmp_path):
    user, scope = merauke
    codes = [k for k, _n, _kec in sample_desa(MERAUKE, 2)]
    rnd = _round(scope, user, MERAUKE)
    path = sample(EPPGBM, tmp_path, MERAUKE, {codes[1]: "91.13.44.2001"})  # rows 3 and 5: a removed desa
    imp = measurement_imports.stage(scope=scope, rnd=rnd, upload=upload(path), by=user)
    result = measurement_imports.check(imp, scope=scope, today=TODAY)
    assert result.counts["add"] == 2 and result.counts["reject"] == 2
    assert [(p.row, p.column, p.value) for p in imp.problems.order_by("position")] == [
        (3, "Kode Desa", "91.13.44.2001"),
        (5, "Kode Desa", "91.13.44.2001"),
    ]
    assert "dihapus" in imp.problems.first().message


# --- SIPD planning documents (Aksi 2 integration) -------------------------------------------------


def _document(kabkota, path, scope, user):
    from konvergensi.plans.imports import DOCUMENT_KIND

    return run(pipeline.kinds.get(DOCUMENT_KIND), kabkota, {"kind": "apbd", "tahun": 2026, "opd": None}, path,
               scope, user)  # fmt: skip


def test_the_sipd_document_sample_imports_cleanly(world, tmp_path):
    from konvergensi.plans.models import BudgetDocument
    from konvergensi_core.adapters import SIPD_DOKUMEN

    scope, user = world.scopes["operator"], world.user("operator")
    imp = _document(KAB, sample(SIPD_DOKUMEN, tmp_path, KAB), scope, user)
    assert problems(imp) == [] and pipeline.ready(imp) and imp.summary["notes"] == []
    commit(imp, scope, user)
    assert BudgetDocument.objects.get(kabkota_id=KAB, tahun=2026, kind="apbd").n_rows == 2


def test_a_2021_lokasi_code_in_a_sipd_document_is_read_as_todays_code(merauke, tmp_path):
    from konvergensi_core.adapters import SIPD_DOKUMEN

    user, scope = merauke
    codes = [k for k, _n, _kec in sample_desa(MERAUKE, 2)]
    path = sample(SIPD_DOKUMEN, tmp_path, MERAUKE, {c: old(c) for c in codes})
    imp = _document(MERAUKE, path, scope, user)
    assert problems(imp) == [] and pipeline.ready(imp)
    assert {(n["old"], n["new"], n["column"]) for n in imp.summary["notes"]} == {
        (old(c), c, "Lokasi") for c in codes
    }
    read = SIPD_DOKUMEN.read(path, document="apbd")
    assert read.result[0].locations == tuple(codes)
