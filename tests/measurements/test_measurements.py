"""Child measurements (Aksi 7): rounds, the e-PPGBM import (check, preview, commit), analyses, scope."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from konvergensi.imports import services as pipeline
from konvergensi.imports.models import Import
from konvergensi.measurements import desa_names, imports, services
from konvergensi.measurements.demo import generate, kabkota_desa
from konvergensi.measurements.models import Measurement
from konvergensi.wilayah.models import Region
from tests.conftest import KAB

pytestmark = pytest.mark.django_db

VISIT = dt.date(2026, 2, 10)


def export(n=300, seed=1, errors=True, **kw) -> pl.DataFrame:
    return generate(kabkota_desa(KAB), n=n, visit_from=dt.date(2026, 2, 1), visit_to=dt.date(2026, 2, 20),
                    seed=seed, errors=errors, **kw)  # fmt: skip


def as_csv(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_csv(buffer, separator=";")
    return buffer.getvalue()


def stage(world, rnd, content: bytes, name="eppgbm.csv", persona="operator") -> Import:
    return imports.stage(scope=world.scopes[persona], rnd=rnd, upload=SimpleUploadedFile(name, content),
                                by=world.user(persona))  # fmt: skip


def test_a_clean_export_is_checked_then_committed_and_a_reimport_changes_nothing(world, rnd):
    frame = export(errors=False)
    imp = stage(world, rnd, as_csv(frame))
    check = imports.check(imp, scope=world.scopes["operator"], today=dt.date(2026, 3, 1))
    assert check.ok, check.file_problems
    assert check.counts["add"] == frame.height and not Measurement.objects.exists()
    done = pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    assert done == {"added": frame.height, "replaced": 0}
    assert Measurement.objects.all().count() == frame.height
    again = stage(world, rnd, as_csv(frame))
    check = imports.check(again, scope=world.scopes["operator"], today=dt.date(2026, 3, 1))
    assert (check.counts["add"], check.counts["replace"], check.counts["unchanged"]) == (0, 0, frame.height)


def problems_by_code(imp) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for p in imports.problems_of(imp):
        out.setdefault(p["code"], []).append(p)
    return out


def test_a_messy_export_lists_every_problem_by_row_and_column_and_keeps_the_good_rows(world, rnd):
    frame = export(n=200, seed=3, errors=False).with_columns(pl.col("Berat").cast(pl.String))
    rows = frame.to_dicts()
    rows[4]["Berat"] = "125"  # a lost decimal point: row 6 of the file
    rows[5]["JK"] = ""  # row 7
    rows[6]["Tgl Lahir"], rows[6]["Tanggal Pengukuran"] = rows[6]["Tanggal Pengukuran"], rows[6]["Tgl Lahir"]
    rows[7]["Desa/Kel"] = "Desa Antah Berantah"  # row 9
    rows[8]["NIK"] = "12345"  # row 10: the NIK is dropped, the child kept
    rows.append(dict(rows[9], Berat="9,9"))  # the child of row 11 again, same visit date: row 202
    messy = pl.DataFrame(rows, schema=frame.schema)
    imp = stage(world, rnd, as_csv(messy))
    check = imports.check(imp, scope=world.scopes["operator"])
    found = problems_by_code(imp)
    assert found["weight_range"][0]["row"] == 6 and found["weight_range"][0]["column"] == "Berat"
    assert found["sex_missing"][0]["row"] == 7
    assert found["birth_after_visit"][0]["row"] == 8
    assert found["desa_unknown"][0]["row"] == 9 and "Antah Berantah" in found["desa_unknown"][0]["message"]
    assert found["duplicate"][0]["row"] == 11 and "202" in found["duplicate"][0]["message"]
    nik = next(p for code, ps in found.items() if code.startswith("nik_") for p in ps if p["row"] == 10)
    assert nik["reject"] is False
    assert check.ok and check.counts["reject"] == 5 and check.counts["add"] == 201 - 5
    pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    stored = Measurement.objects.all()
    assert stored.count() == 196
    assert stored.filter(source_row=202).get().weight == 9.9  # the kept duplicate
    assert stored.filter(source_row=10).get().nik_hash == ""  # kept without its NIK


def test_the_nik_is_never_stored_only_its_hash_and_a_masked_form(world, rnd):
    frame = export(n=60, seed=4, errors=False)
    imp = stage(world, rnd, as_csv(frame))
    imports.check(imp, scope=world.scopes["operator"])
    pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    niks = set(frame.get_column("NIK").to_list())
    for m in Measurement.objects.all():
        assert m.nik_hash and m.nik_hash not in niks and len(m.nik_hash) == 64
        assert "*" in m.nik_masked and m.nik_masked not in niks
        assert not any(n in (m.child_key, m.nik_hash, m.nik_masked) for n in niks)
    # The upload (personal data) is gone once committed; its counts stay.
    imp.refresh_from_db()
    assert not imp.file and imp.status == "committed"


def test_an_ambiguous_desa_is_asked_once_then_remembered(world, rnd):
    from konvergensi.wilayah.models import Region as R

    frame = export(n=40, seed=5, errors=False)
    # Two desa of the district with near names, written in a way that fits both.
    desa = R.objects.filter(level="desa", kode__startswith=KAB + ".").order_by("kode")
    names = {d.nama for d in desa}
    target = next(d for d in desa if d.nama.startswith("Cikareo"))  # Cikareo Selatan / Cikareo Utara
    frame = frame.with_columns(pl.lit("Cikareo").alias("Desa/Kel"), pl.lit("Wado").alias("Kec"))
    assert "Cikareo" not in names
    imp = stage(world, rnd, as_csv(frame))
    check = imports.check(imp, scope=world.scopes["operator"])
    assert not check.ok and check.ambiguous[0]["desa"] == "Cikareo"
    assert {c["kode"] for c in check.ambiguous[0]["candidates"]} >= {target.kode}
    desa_names.desa_choose(imp=imp, scope=world.scopes["operator"], kecamatan="Wado", desa="Cikareo",
                        kode=target.kode, by=world.user("operator"))  # fmt: skip
    again = imports.check(imp, scope=world.scopes["operator"])
    assert again.ok and not again.ambiguous and again.counts["add"] == 40
    pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"))
    assert set(Measurement.objects.values_list("desa_id", flat=True)) == {target.kode}


def test_a_puskesmas_imports_only_the_desa_of_its_service_area(world, rnd):
    frame = export(n=120, seed=6, errors=False)
    imp = stage(world, rnd, as_csv(frame), persona="puskesmas")
    check = imports.check(imp, scope=world.scopes["puskesmas"])
    area = world.scopes["puskesmas"].desa_codes
    outside = problems_by_code(imp).get("desa_outside", [])
    assert outside and check.counts["reject"] == len(outside)
    pipeline.commit(imp, scope=world.scopes["puskesmas"], by=world.user("puskesmas"))
    assert set(Measurement.objects.values_list("desa_id", flat=True)) <= area
    with pytest.raises(PermissionDenied):
        imports.stage(scope=world.scopes["desa"], rnd=rnd, upload=SimpleUploadedFile("a.csv", b"x"),
                             by=world.user("desa"))  # fmt: skip


def test_xlsx_with_messy_headers_and_junk_files_get_answers_not_tracebacks(world, rnd):
    from openpyxl import Workbook

    frame = export(n=30, seed=7, errors=False)
    wb = Workbook()
    ws = wb.active
    renamed = {"Tgl Lahir": "TANGGAL LAHIR", "Desa/Kel": "Kelurahan/Desa", "Tanggal Pengukuran": "Tgl. Ukur",
               "JK": "Jenis Kelamin", "Nama": "Nama Anak"}  # fmt: skip
    ws.append([renamed.get(h, h) for h in reversed(frame.columns)])
    for row in frame.iter_rows():
        ws.append(list(reversed(row)))
    buffer = io.BytesIO()
    wb.save(buffer)
    imp = stage(world, rnd, buffer.getvalue(), name="ekspor.xlsx")
    check = imports.check(imp, scope=world.scopes["operator"])
    assert check.ok and check.counts["add"] == 30, check.file_problems
    for name, content, fragment in (
        ("data.csv", b"\x00\x01\x02binary", "bukan teks CSV"),
        ("data.xlsx", b"PK\x03\x04 not really", "Excel"),
        ("data.csv", b"a;b;c\n1;2;3\n", "tidak ditemukan"),
    ):
        try:  # what cannot be read is refused before it is kept (issue 12) or by the check
            junk = stage(world, rnd, content, name=name)
        except ValidationError as exc:
            assert any(fragment in m for m in exc.messages), exc.messages
            continue
        result = imports.check(junk, scope=world.scopes["operator"])
        assert not result.ok and any(fragment in m for m in result.file_problems), result.file_problems
    with pytest.raises(ValidationError):
        stage(world, rnd, b"x", name="data.pdf")


def test_cli_imports_with_exit_codes_and_summarises_per_unit(world, tmp_path):
    import json

    from typer.testing import CliRunner

    from konvergensi.cli import app

    runner = CliRunner()
    good = tmp_path / "eppgbm.csv"
    good.write_bytes(as_csv(export(n=150, seed=8)))
    dry = runner.invoke(app, ["measurements", "import", str(good), "--kabkota", "3211", "--round", "Agustus 2026",
                              "--dry-run", "--format", "json"])  # fmt: skip
    payload = json.loads(dry.stdout)
    assert dry.exit_code == 0 and payload["ok"] and payload["added"] > 0 and payload["rejected"] > 0
    assert set(payload["problems"][0]) >= {"row", "column", "value", "message", "severity"}
    assert not Measurement.objects.exists()
    from konvergensi.measurements.models import MeasurementRound

    assert not MeasurementRound.objects.filter(nama="Agustus 2026").exists()  # a dry run creates nothing
    done = runner.invoke(app, ["measurements", "import", str(good), "--kabkota", KAB, "--round", "Agustus 2026",
                               "--format", "json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    added = json.loads(done.stdout)["added"]
    assert Measurement.objects.all().count() == added
    rnd = MeasurementRound.objects.get(nama="Agustus 2026")
    assert rnd.tanggal_mulai >= dt.date(2026, 2, 1) and rnd.tanggal_selesai <= dt.date(2026, 2, 20)
    again = runner.invoke(app, ["measurements", "import", str(good), "--kabkota", KAB, "--round", "Agustus 2026",
                                "--format", "json"])  # fmt: skip
    assert json.loads(again.stdout)["added"] == 0 and json.loads(again.stdout)["replaced"] == 0
    summary = runner.invoke(app, ["measurements", "summary", "--kabkota", KAB, "--round", "Agustus 2026",
                                  "--level", "kecamatan", "--format", "json"])  # fmt: skip
    assert summary.exit_code == 0, summary.output
    rows = json.loads(summary.stdout)
    assert sum(r["measured"] for r in rows) == added
    for r in rows:
        assert set(r) >= {"kode", "measured", "stunted", "severely_stunted", "wasted", "underweight",
                          "overweight", "prevalence_stunting", "ci_low", "ci_high"}  # fmt: skip
        if r["valid_stunting"]:
            assert r["ci_low"] <= r["prevalence_stunting"] <= r["ci_high"]
            assert r["prevalence_stunting"] == pytest.approx(100 * r["stunted"] / r["valid_stunting"])
    district = json.loads(runner.invoke(app, ["measurements", "summary", "--kabkota", KAB, "--round",
                                              "Agustus 2026", "--format", "json"]).stdout)  # fmt: skip
    assert len(district) == 1 and district[0]["stunted"] == sum(r["stunted"] for r in rows)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    refused = runner.invoke(app, ["measurements", "import", str(junk), "--kabkota", KAB, "--round", "X",
                                  "--format", "json"])  # fmt: skip
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert json.loads(refused.stdout)["ok"] is False


def test_reimporting_a_changed_file_replaces_only_the_children_whose_values_changed(world, rnd):
    frame = export(n=80, seed=9, errors=False)
    first = stage(world, rnd, as_csv(frame))
    imports.check(first, scope=world.scopes["operator"])
    pipeline.commit(first, scope=world.scopes["operator"], by=world.user("operator"))
    before = {m.source_row: m.pk for m in Measurement.objects.all()}
    changed = frame.with_columns(
        Berat=pl.when(pl.col("No") == 5).then(pl.lit("8,8")).otherwise(pl.col("Berat")),
    )
    second = stage(world, rnd, as_csv(changed))
    check = imports.check(second, scope=world.scopes["operator"])
    assert (check.counts["add"], check.counts["replace"], check.counts["unchanged"]) == (0, 1, 79)
    done = pipeline.commit(second, scope=world.scopes["operator"], by=world.user("operator"))
    assert done == {"added": 0, "replaced": 1}
    after = {m.source_row: m for m in Measurement.objects.all()}
    assert len(after) == 80 and after[6].weight == 8.8 and after[6].pk != before[6]  # row 6 = No 5
    assert all(after[r].pk == before[r] for r in before if r != 6)  # the others untouched


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_commit_is_one_transaction_whose_progress_others_see(world):
    """The rows appear all at once when the transaction commits, while another connection (the
    polling page) sees the progress as it goes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite commits through the staging table")
    import psycopg

    from konvergensi.jobs import services as job_services

    rnd = services.round_create(
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28), by=world.user("operator"),
    )  # fmt: skip
    imp = stage(world, rnd, as_csv(export(n=300, seed=10, errors=False)))
    imports.check(imp, scope=world.scopes["operator"])
    job = job_services.job_create(kind="t", title="t", region_kode=KAB, params={}, by=world.user("operator"))
    s = connection.settings_dict
    seen = []

    def progress(done, total):
        job_services.job_progress_aside(job=job, done=done, total=total, message="Menulis data…")
        with psycopg.connect(dbname=s["NAME"], user=s["USER"] or None, host=s["HOST"] or None,
                             port=s["PORT"] or None, autocommit=True) as other:  # fmt: skip
            done_seen = other.execute("SELECT done FROM jobs_job WHERE id = %s", [job.pk]).fetchone()[0]
            rows_seen = other.execute(
                "SELECT count(*) FROM measurements_measurement WHERE round_id = %s", [rnd.pk]
            ).fetchone()[0]
        seen.append((done, done_seen, rows_seen))

    pipeline.commit(imp, scope=world.scopes["operator"], by=world.user("operator"), progress=progress)
    # One INSERT … SELECT from what the check staged: told when it starts and when it is done.
    assert [d for d, _, _ in seen] == [0, 300]
    assert all(done == done_seen for done, done_seen, _ in seen)  # the page sees the progress
    assert all(rows == 0 for _, _, rows in seen)  # and no measurement before the commit
    assert Measurement.objects.filter(round=rnd).count() == 300


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_spreadsheet_numbers(world, rnd, kind):
    from openpyxl import Workbook

    frame = export(n=40, seed=12, errors=False).with_columns(pl.col("Berat").cast(pl.String))
    frame = frame.with_columns(
        Berat=pl.when(pl.col("No") == 3).then(pl.lit("125")).otherwise(pl.col("Berat"))
    )
    title = [["LAPORAN HASIL PENGUKURAN BALITA"], ["Kabupaten Sumedang", "Februari 2026"], []]
    if kind == "xlsx":
        wb = Workbook()
        ws = wb.active
        for line in title:
            ws.append(line)
        ws.append(frame.columns)
        for row in frame.iter_rows():
            ws.append(list(row))
        buffer = io.BytesIO()
        wb.save(buffer)
        content, name = buffer.getvalue(), "laporan.xlsx"
    else:
        lines = [";".join(t) for t in title] + [";".join(frame.columns)]
        lines += [";".join("" if v is None else str(v) for v in row) for row in frame.iter_rows()]
        content, name = ("\n".join(lines) + "\n").encode(), "laporan.csv"
    imp = stage(world, rnd, content, name=name)
    check = imports.check(imp, scope=world.scopes["operator"])
    assert check.ok and check.counts["rows"] == 40, check.file_problems
    (problem,) = problems_by_code(imp)["weight_range"]
    # Row 1-3 title, row 4 header: the child with No 3 is on spreadsheet row 7.
    assert problem["row"] == 7 and problem["column"] == "Berat"
