"""Budget tagging (issue 15): the template round trip and the SIPD file through the import pipeline (all
or nothing, every problem named), the line form by role, the district's figures, the province's view,
and the command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from konvergensi.budget import selectors, services
from konvergensi.budget.imports import KIND_INSTANCE
from konvergensi.budget.models import BudgetLine
from konvergensi.cli import app
from konvergensi.imports import services as pipeline
from konvergensi.imports.models import ImportStatus
from konvergensi.wilayah.models import OPD
from tests.conftest import DESA, KAB

pytestmark = pytest.mark.django_db

HEADERS = ["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Perangkat Daerah", "Sumber Dana", "Pagu", "Realisasi TW1",
           "Realisasi TW2", "Realisasi TW3", "Realisasi TW4", "Kategori", "Kelompok Sasaran", "Indikator", "Lokasi",
           "Langsung ke Sasaran"]  # fmt: skip
GOOD = [
    ["1.02.02.2.02.0016", "Gizi masyarakat", "Dinas Kesehatan", "DAK non-fisik", "Rp 1.250.000.000,00", 300_000_000,
     "250.000.000", None, None, "spesifik", "balita; baduta", "", DESA, "ya"],
    ["1.03.03.2.01.0007", "SPAM perdesaan", "Dinas Pekerjaan Umum dan Penataan Ruang", "DAU", 2_000_000_000, 0, 0,
     None, None, "sensitif", "keluarga", "", "", "tidak"],
    ["2.14.04.2.01.0003", "Pendampingan keluarga", "Tim Percepatan Baru", "BOKB", 500_000_000, 100_000_000, None,
     None, None, "pendamping", "catin; ibu hamil", "", "", "tidak"],
]  # fmt: skip


def workbook(rows, *, title=True) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Anggaran"
    if title:
        ws.append(["ANGGARAN STUNTING KABUPATEN SUMEDANG 2026"])
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def check(w, content: bytes, *, stage="murni", name="anggaran.xlsx"):
    imp = pipeline.stage(kind=KIND_INSTANCE, kabkota=KAB, params={"tahun": 2026, "stage": stage},
                         upload=SimpleUploadedFile(name, content), by=w.user("operator"))  # fmt: skip
    pipeline.check(imp, scope=w.scopes["operator"])
    return imp


def commit(w, imp):
    pipeline.claim(imp)
    return pipeline.commit(imp, scope=w.scopes["operator"], by=w.user("operator"))


def test_a_sipd_file_is_previewed_then_replaces_the_set_and_a_reimport_changes_nothing(world):
    imp = check(world, workbook(GOOD))
    assert imp.status == ImportStatus.CHECKED, list(imp.problems.values_list("row", "column", "message"))
    assert imp.counts["add"] == 3 and imp.summary["details"]["new_opd"] == ["Tim Percepatan Baru"]
    assert not BudgetLine.objects.exists()  # the check writes nothing
    commit(world, imp)
    assert BudgetLine.objects.count() == 3
    assert OPD.objects.filter(kabkota_id=KAB, nama="Tim Percepatan Baru").exists()
    pmt = BudgetLine.objects.get(code="1.02.02.2.02.0016")
    assert (pmt.pagu, pmt.realisasi_tw2, pmt.source, pmt.opd) == (
        1_250_000_000,
        250_000_000,
        "DAK non-fisik",
        world.opd["Dinkes"],
    )
    assert pmt.locations == [DESA] and pmt.direct and sorted(pmt.target_groups) == ["baduta", "balita"]
    again = check(world, workbook(GOOD))
    assert (
        again.counts["add"],
        again.counts["changed"],
        again.counts["unchanged"],
        again.counts["removed"],
    ) == (0, 0, 3, 0)
    changed = [list(r) for r in GOOD[:2]]
    changed[1][4] = 2_100_000_000
    third = check(world, workbook(changed))
    assert (third.counts["changed"], third.counts["unchanged"], third.counts["removed"]) == (1, 1, 1)
    commit(world, third)
    assert (
        BudgetLine.objects.count() == 2
        and BudgetLine.objects.get(code="1.03.03.2.01.0007").pagu == 2_100_000_000
    )
    assert BudgetLine.objects.filter(stage="perubahan").count() == 0  # another stage is another set


def test_every_mistake_is_named_by_row_and_column_and_nothing_is_written(world):
    bad = [list(r) for r in GOOD]
    bad[0][0] = "1.2.3"  # code of the wrong shape
    bad[1][9] = "penting"  # unknown category
    bad[2][10] = "lansia"  # unknown target group
    bad.append(["1.02.02.2.02.0004", "Balita", "Dinas Kesehatan", "PAD", 100, 200, None, None, None, "spesifik", "", "",
                "", "ya"])  # realisation above pagu  # fmt: skip
    bad.append(["1.02.02.2.02.0005", "Ibu hamil", "Dinas Kesehatan", "PAD", "seratus", None, None, None, None, "spesifik",
                "", "", "", "ya"])  # fmt: skip
    valid = ["1.02.02.2.02.0006", "Remaja putri", "Dinas Kesehatan", "PAD", 100, None, None, None, None, "spesifik",
             "remaja putri", "", "", "tidak"]  # fmt: skip
    bad.append([*valid[:12], "99.99.99.9999", "tidak"])  # row 8: a desa outside the district
    bad.append(valid)  # row 9
    bad.append(valid)  # row 10: the same (code, OPD, source) twice
    imp = check(world, workbook(bad))
    where = {(p.row, p.column) for p in imp.problems.all()}
    assert imp.status == ImportStatus.CHECKED and not imp.summary["ok"]
    for expected in (
        (3, "Kode Sub Kegiatan"),
        (4, "Kategori"),
        (5, "Kelompok Sasaran"),
        (7, "Pagu"),
        (8, "Lokasi"),
    ):
        assert expected in where, (expected, sorted(where, key=str))
    assert any(r == 6 for r, _c in where if _c.startswith("Realisasi"))
    assert any(r == 10 for r, _c in where)  # the duplicate
    with pytest.raises(ValidationError):
        commit(world, imp)
    assert not BudgetLine.objects.exists()


def test_the_template_round_trips_the_stored_lines(world):
    commit(world, check(world, workbook(GOOD)))
    c = Client()
    c.force_login(world.user("operator"))
    response = c.get(reverse("budget:template", kwargs={"kode": KAB}) + "?tahun=2026&tahap=murni")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Anggaran"
    imp = check(world, content)
    assert imp.counts["unchanged"] == 3 and imp.counts["add"] == 0, list(
        imp.problems.values_list("message", flat=True)
    )


def test_the_district_figures_are_the_cores_and_the_lokus_share_uses_the_confirmed_lokus(world, monkeypatch):
    commit(world, check(world, workbook(GOOD)))
    monkeypatch.setattr(selectors, "lokus_of", lambda kabkota, tahun: [DESA])
    data = selectors.summary(KAB, 2026, "murni")
    assert data["pagu"] == 3_750_000_000 and data["realisasi"] == 650_000_000
    assert data["lokus"] == {"pagu": 1_250_000_000, "share": pytest.approx(1_250 / 3_750)}
    assert data["direct_to_target"]["pagu"] == 1_250_000_000
    assert sum(v["pagu"] for v in data["by_source"].values()) == data["pagu"]
    c = Client()
    c.force_login(world.user("provinsi"))
    page = c.get(reverse("budget:home", kwargs={"kode": KAB}) + "?tahun=2026").content.decode()
    assert "Rp 3.750.000.000" in page and "33,3 %" in page
    prov = c.get(reverse("budget:province", kwargs={"kode": "32"}) + "?tahun=2026").content.decode()
    assert "Kabupaten Sumedang" in prov and "Rp 3.750.000.000" in prov


def test_an_opd_enters_and_edits_only_its_own_lines(world):
    commit(world, check(world, workbook(GOOD)))
    opd_scope, user = world.scopes["opd"], world.user("opd")  # Dinkes
    form = {"code": "1.02.02.2.02.0004", "name": "Pelayanan balita", "opd": str(world.opd["DPUPR"].pk), "source": "PAD",
            "category": "spesifik", "pagu": "Rp 2.000.000", "realisasi_tw1": "500.000"}  # fmt: skip
    line = services.line_save(scope=opd_scope, kabkota=KAB, tahun=2026, stage="murni", data=form, by=user)
    assert (
        line.opd == world.opd["Dinkes"] and line.pagu == 2_000_000
    )  # its own agency, whatever the form says
    dpupr = BudgetLine.objects.get(code="1.03.03.2.01.0007")
    with pytest.raises(PermissionDenied):
        services.line_save(scope=opd_scope, kabkota=KAB, tahun=2026, stage="murni", data=form, line=dpupr,
                           expected_version=dpupr.version, by=user)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.line_save(scope=opd_scope, kabkota=KAB, tahun=2026, stage="murni",
                           data={**form, "pagu": "100", "realisasi_tw1": "500"}, by=user)  # fmt: skip
    assert "melebihi pagu" in " ".join(refused.value.messages)


def test_the_command_line_imports_and_summarises_as_the_issue_says(world, tmp_path):
    path = tmp_path / "anggaran.xlsx"
    path.write_bytes(workbook(GOOD))
    runner = CliRunner()
    result = runner.invoke(
        app, ["budget", "import", str(path), "--kabkota", "3211", "--year", "2026", "--format", "json"]
    )
    payload = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    assert {"ok", "problems", "added", "changed", "unchanged", "removed"} <= set(payload)
    assert (payload["ok"], payload["added"]) == (True, 3)
    result = runner.invoke(
        app, ["budget", "summary", "--kabkota", "32.11", "--year", "2026", "--format", "json"]
    )
    data = json.loads(result.stdout)
    assert data["pagu"] == 3_750_000_000 and set(data["by_category"]) == {
        "spesifik",
        "sensitif",
        "pendamping",
    }
    assert data["by_source"]["DAK non-fisik"]["pagu"] == 1_750_000_000  # BOKB is DAK non-fisik
    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(workbook([[*GOOD[0][:4], "-5", *GOOD[0][5:]]]))
    result = runner.invoke(
        app, ["budget", "import", str(bad), "--kabkota", "3211", "--year", "2026", "--format", "json"]
    )
    payload = json.loads(result.stdout)
    assert result.exit_code == 1 and not payload["ok"]
    assert payload["problems"][0]["row"] == 3 and payload["problems"][0]["column"] == "Pagu"
    assert BudgetLine.objects.count() == 3  # the refused file changed nothing


def test_a_sipd_export_without_tags_takes_the_catalogues_suggested_category(world, tmp_path):
    from konvergensi.budget.models import SubKegiatan

    SubKegiatan.objects.create(code="1.02.02.2.02.0016", name="Gizi masyarakat", category="spesifik")
    wb = Workbook()
    ws = wb.active
    ws.append(["LAPORAN SIPD"])
    ws.append(["Kode Sub Kegiatan", "Sub Kegiatan", "SKPD", "Sumber Dana", "Pagu Anggaran"])
    ws.append(["1.02.02.2.02.0016", "Gizi masyarakat", "Dinas Kesehatan", "DAU", "Rp 1.000.000,00"])
    ws.append(
        ["1.02.02.2.02.0004", "Pelayanan balita", "Dinas Kesehatan", "DAU", "2.000.000"]
    )  # not in the catalogue
    out = io.BytesIO()
    wb.save(out)
    imp = check(world, out.getvalue(), name="sipd.xlsx")
    problems = list(imp.problems.values_list("row", "column", "message"))
    assert not any(r == 3 for r, _c, _m in problems), problems  # the catalogued code got its category
    assert any(r == 4 and "Kategori" in c for r, c, _m in problems), problems  # the other one must be tagged


def test_the_catalogue_is_imported_by_the_nation_only_all_or_nothing(world, tmp_path):
    from konvergensi.budget.models import SubKegiatan

    good = "Kode Sub Kegiatan;Nama Sub Kegiatan;Kategori\n1.02.02.2.02.0016;Gizi masyarakat;spesifik\n"
    bad = good + "1.2;Salah bentuk;spesifik\n1.02.02.2.02.0004;Balita;penting\n"
    c = Client()
    c.force_login(world.user("pusat"))
    page = c.post(
        reverse("budget:catalogue"), {"file": SimpleUploadedFile("k.csv", bad.encode())}
    ).content.decode()
    assert "Kode tidak berbentuk kode nomenklatur" in page and "spesifik, sensitif atau pendamping" in page
    assert not SubKegiatan.objects.exists()
    c.post(reverse("budget:catalogue"), {"file": SimpleUploadedFile("k.csv", good.encode())})
    assert SubKegiatan.objects.get().category == "spesifik"
    operator = Client()
    operator.force_login(world.user("operator"))
    assert (
        operator.post(
            reverse("budget:catalogue"), {"file": SimpleUploadedFile("k.csv", good.encode())}
        ).status_code
        == 403
    )


def test_the_flags_read_as_the_cores_in_indonesian_and_in_english_for_an_english_reader():
    from django.utils import translation

    from konvergensi.budget.wording import flag_text
    from konvergensi_core import budget as rules

    lines = [
        rules.BudgetLine(code="1.02.02.2.02.0016", name="Gizi", opd="Dinas Kesehatan", source="DAU", pagu=1000,
                         realisasi=(None, None, None, None), category="spesifik", target_groups=(), indicators=(),
                         locations=(), direct=False),
        rules.BudgetLine(code="1.02.02.2.02.0004", name="Balita", opd="Dinas Kesehatan", source="DAU", pagu=1000,
                         realisasi=(100, 100, 100, None), category="spesifik", target_groups=(), indicators=(),
                         locations=(), direct=False),
    ]  # fmt: skip
    flags = rules.flags(lines, quarter=3)
    assert [f.code for f in flags] == ["tanpa_realisasi", "serapan_rendah_tw3"]
    with translation.override("id"):
        assert [flag_text(f, line, 3) for f, line in zip(flags, lines, strict=True)] == [
            f.message for f in flags
        ]
    with translation.override("en"):
        english = [flag_text(f, line, 3) for f, line in zip(flags, lines, strict=True)]
    assert "no realisation" in english[0] and "30%" in english[1] and "below 50%" in english[1]


def test_the_flags_are_about_the_last_quarter_that_has_ended():
    from django.utils import timezone

    from konvergensi.budget.views import _last_quarter

    today = timezone.localdate()
    assert _last_quarter(today.year - 1) == 4
    assert _last_quarter(today.year) == max(1, (today.month - 1) // 3)
