"""Aksi 6: the data-management system page, the improvement plan, the document and its attachment,
the aksi work source and the Aksi 8 review section."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.aksi import work
from konvergensi.aksi.models import Evidence
from konvergensi.datasystem import documents, review, selectors, services
from konvergensi.datasystem.models import Action, DetailLevel
from konvergensi.indicators.models import Assignment, DataValue, DataValueHistory, Indicator
from konvergensi.reports.registry import NothingToReport
from konvergensi.wilayah.models import Region
from tests.conftest import KAB, NEIGHBOUR

pytestmark = pytest.mark.django_db
TAHUN = 2026


def client_for(w, persona: str) -> Client:
    client = Client()
    client.force_login(w.user(persona))
    return client


def kab() -> Region:
    return Region.objects.get(kode=KAB)


def desa_codes(n: int) -> list[str]:
    return list(
        Region.objects.filter(level="desa", kode__startswith=KAB + ".")
        .order_by("kode")
        .values_list("kode", flat=True)[:n]
    )


def put(indicator: Indicator, codes: list[str], periode: str, *, entered: dt.datetime, status: str = "diisi"):
    """Figures of ``indicator`` for ``codes``, first entered at ``entered`` (the history says so)."""
    for code in codes:
        DataValue.objects.create(indicator=indicator, desa_id=code, kabkota_id=KAB, periode=periode,
                                 numerator=1, denominator=2, status=status)  # fmt: skip
        h = DataValueHistory.objects.create(indicator=indicator, desa_id=code, periode=periode, numerator=1,
                                            denominator=2, source="grid")  # fmt: skip
        DataValueHistory.objects.filter(pk=h.pk).update(at=entered)


def action(w, *, opd=None, tenggat="2026-10-01", uraian="Pendampingan operator desa") -> Action:
    return services.action_add(
        scope=w.scopes["operator"], kabkota=kab(), tahun=TAHUN, by=w.user("operator"),
        data={"gap_kind": "lainnya", "gap": "Data posyandu tidak per desa", "uraian": uraian,
              "opd": str((opd or w.opd["Dinkes"]).pk), "tenggat": tenggat},
    )  # fmt: skip


# --- permissions -------------------------------------------------------------------------------------


def test_permissions(world):
    s = world.scopes
    assert has_permission(s["operator"], Permission.DATASYSTEM_MANAGE, KAB)
    for persona in ("opd", "kecamatan", "desa", "puskesmas", "provinsi", "pusat", "neighbour"):
        assert not has_permission(s[persona], Permission.DATASYSTEM_MANAGE, KAB), persona
    for persona in ("operator", "opd", "provinsi", "pusat"):
        assert has_permission(s[persona], Permission.DATASYSTEM_READ, KAB), persona
    for persona in ("kecamatan", "desa", "puskesmas", "neighbour", "other_province"):
        assert not has_permission(s[persona], Permission.DATASYSTEM_READ, KAB), persona
    dinkes, bappeda = world.opd["Dinkes"].pk, world.opd["Bappeda"].pk
    assert has_permission(s["opd"], Permission.DATASYSTEM_UPDATE, KAB, opd_id=dinkes)
    assert not has_permission(s["opd"], Permission.DATASYSTEM_UPDATE, KAB, opd_id=bappeda)
    assert has_permission(s["operator"], Permission.DATASYSTEM_UPDATE, KAB, opd_id=bappeda)
    assert not has_permission(s["provinsi"], Permission.DATASYSTEM_UPDATE, KAB, opd_id=dinkes)


# --- the computed page ------------------------------------------------------------------------------


def test_completeness_timeliness_and_level_per_indicator_and_opd(world, settings):
    settings.KONVERGENSI_DATA_TEPAT_WAKTU_HARI = 30
    k = kab()
    n_desa = Region.objects.filter(level="desa", kode__startswith=KAB + ".").count()
    n_kec = Region.objects.filter(level="kecamatan", parent_id=KAB).count()
    u01, u02 = Indicator.objects.get(kode="U01"), Indicator.objects.get(kode="U02")
    Assignment.objects.create(kabkota=k, indicator=u01, opd=world.opd["Dinkes"])
    half = desa_codes((n_desa + 1) // 2)
    on_time = timezone.make_aware(dt.datetime(2026, 7, 20, 10))
    late = timezone.make_aware(dt.datetime(2026, 9, 1, 10))
    put(u01, half[:10], "2026-S1", entered=on_time, status="diverifikasi")
    put(u01, half[10:], "2026-S1", entered=late)
    put(u02, desa_codes(3), "2026", entered=timezone.make_aware(dt.datetime(2027, 1, 5)))
    ov = selectors.overview(k, TAHUN, "2018")
    row = next(r for r in ov.rows if r.indicator.kode == "U01")
    s1 = row.cells[0]
    assert (s1.periode, s1.filled, s1.verified) == ("2026-S1", len(half), 10)
    assert s1.share == pytest.approx(len(half) / n_desa)
    assert (row.entered, row.on_time) == (len(half), 10) and row.late
    assert row.opd == world.opd["Dinkes"] and row.level == "desa"
    assert row.low_completeness  # half the desa in the best period: 50 % < 80 %
    row2 = next(r for r in ov.rows if r.indicator.kode == "U02")
    assert row2.cells[2].filled == 3 and row2.on_time == 3
    assert row2.derived == ("kasar" if n_kec >= 3 else "sebagian") and row2.low_completeness
    dinkes = next(r for r in ov.by_opd if r.opd == world.opd["Dinkes"])
    assert dinkes.n_indicators == 1 and dinkes.cells[0].filled == len(half)
    unassigned = next(r for r in ov.by_opd if r.opd is None)
    assert unassigned.n_indicators == Indicator.objects.filter(set="2018").count() - 1
    # The operator records the level where the figures cannot tell it.
    services.level_record(scope=world.scopes["operator"], kabkota=k, tahun=TAHUN, indicator_id=u02.pk,
                          level="puskesmas", note="Laporan per puskesmas", by=world.user("operator"))  # fmt: skip
    row2 = next(r for r in selectors.overview(k, TAHUN, "2018").rows if r.indicator.kode == "U02")
    assert row2.level == "puskesmas" and row2.recorded.note == "Laporan per puskesmas"
    with pytest.raises(PermissionDenied):
        services.level_record(scope=world.scopes["opd"], kabkota=k, tahun=TAHUN, indicator_id=u02.pk,
                              level="desa", note="", by=world.user("opd"))  # fmt: skip
    services.level_record(scope=world.scopes["operator"], kabkota=k, tahun=TAHUN, indicator_id=u02.pk,
                          level="", note="", by=world.user("operator"))  # fmt: skip
    assert not DetailLevel.objects.exists()


def test_the_setting_moves_what_is_on_time(world, settings):
    u01 = Indicator.objects.get(kode="U01")
    put(u01, desa_codes(4), "2026-S1", entered=timezone.make_aware(dt.datetime(2026, 7, 20, 10)))
    settings.KONVERGENSI_DATA_TEPAT_WAKTU_HARI = 30
    assert next(r for r in selectors.overview(kab(), TAHUN, "2018").rows if r.indicator == u01).on_time == 4
    settings.KONVERGENSI_DATA_TEPAT_WAKTU_HARI = 10
    assert next(r for r in selectors.overview(kab(), TAHUN, "2018").rows if r.indicator == u01).on_time == 0


def test_home_page_for_readers_and_not_for_others(world):
    u01 = Indicator.objects.get(kode="U01")
    put(u01, desa_codes(5), "2026", entered=timezone.now())
    action(world)
    url = reverse("datasystem:home", kwargs={"kode": KAB}) + "?tahun=2026&set=2018"
    page = client_for(world, "operator").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pendampingan operator desa" in text and "U01" in text and 'id="action-add"' in text
    assert "Buat tindakan dari kesenjangan ini" in text
    opd_page = client_for(world, "opd").get(url).content.decode()
    assert "Pendampingan operator desa" in opd_page and 'id="action-add"' not in opd_page
    assert client_for(world, "provinsi").get(url).status_code == 200
    for persona in ("kecamatan", "desa", "neighbour", "other_province"):
        response = client_for(world, persona).get(url)
        assert response.status_code == 403, persona
        assert b"Pendampingan operator desa" not in response.content


def test_from_this_gap_prefills_the_form(world):
    u01 = Indicator.objects.get(kode="U01")
    Assignment.objects.create(kabkota=kab(), indicator=u01, opd=world.opd["Dinkes"])
    put(u01, desa_codes(2), "2026", entered=timezone.now())
    url = reverse("datasystem:home", kwargs={"kode": KAB}) + f"?tahun=2026&set=2018&dari=kelengkapan-{u01.pk}"
    text = client_for(world, "operator").get(url).content.decode()
    assert f'name="indicator" value="{u01.pk}"' in text
    assert f'value="{world.opd["Dinkes"].pk}" selected' in text
    response = client_for(world, "operator").post(
        reverse("datasystem:action-add", kwargs={"kode": KAB}),
        {"tahun": "2026", "gap_kind": "kelengkapan", "gap": "U01 sedikit", "uraian": "Isi data",
         "opd": str(world.opd["Dinkes"].pk), "tenggat": "2026-12-31", "indicator": str(u01.pk)},
    )  # fmt: skip
    assert response.status_code == 302
    made = Action.objects.get()
    assert made.indicator == u01 and made.gap_kind == "kelengkapan" and made.status == "rencana"


# --- the plan --------------------------------------------------------------------------------------


def test_add_validates_and_refuses_another_districts_opd(world):
    from konvergensi.wilayah.models import OPD

    other = OPD.objects.filter(kabkota_id=NEIGHBOUR).first()
    with pytest.raises(ValidationError) as exc:
        services.action_add(scope=world.scopes["operator"], kabkota=kab(), tahun=TAHUN, by=world.user("operator"),
                            data={"gap_kind": "x", "gap": "", "uraian": "", "opd": str(other.pk), "tenggat": "31-12"})  # fmt: skip
    text = " ".join(exc.value.messages)
    for part in (
        "jenis kesenjangan",
        "kesenjangan yang dijawab",
        "uraian tindakan",
        "OPD penanggung jawab",
        "bukan tanggal",
    ):
        assert part in text, part
    good = {
        "gap_kind": "lainnya",
        "gap": "g",
        "uraian": "u",
        "opd": str(world.opd["Dinkes"].pk),
        "tenggat": "2026-12-01",
    }
    for persona in ("opd", "provinsi", "neighbour"):
        with pytest.raises(PermissionDenied):
            services.action_add(scope=world.scopes[persona], kabkota=kab(), tahun=TAHUN, data=good,
                                by=world.user(persona))  # fmt: skip
    assert not Action.objects.exists()


def test_opd_updates_the_status_of_its_own_actions_only(world):
    mine = action(world, opd=world.opd["Dinkes"])
    theirs = action(world, opd=world.opd["Bappeda"])
    opd = client_for(world, "opd")
    response = opd.post(reverse("datasystem:action", kwargs={"pk": mine.pk}),
                        {"version": "1", "status": "selesai", "done": "2026-11-02", "status_note": "Beres",
                         "uraian": "Diubah OPD", "tenggat": "2030-01-01"})  # fmt: skip
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.done, mine.status_note) == ("selesai", dt.date(2026, 11, 2), "Beres")
    assert mine.uraian == "Pendampingan operator desa" and mine.tenggat == dt.date(
        2026, 10, 1
    )  # not the OPD's
    assert opd.post(reverse("datasystem:action", kwargs={"pk": theirs.pk}),
                    {"version": "1", "status": "batal"}).status_code == 403  # fmt: skip
    theirs.refresh_from_db()
    assert theirs.status == "rencana"
    # The neighbour does not find it at all; the province reads but does not write.
    assert (
        client_for(world, "neighbour").get(reverse("datasystem:action", kwargs={"pk": mine.pk})).status_code
        == 404
    )
    prov = client_for(world, "provinsi")
    assert prov.get(reverse("datasystem:action", kwargs={"pk": theirs.pk})).status_code == 200
    assert prov.post(reverse("datasystem:action", kwargs={"pk": theirs.pk}),
                     {"version": "1", "status": "batal"}).status_code == 403  # fmt: skip


def test_edit_is_compare_and_set(world):
    a = action(world)
    data = {
        "gap": a.gap,
        "uraian": "Baru",
        "opd": str(a.opd_id),
        "tenggat": "2026-11-01",
        "status": "berjalan",
    }
    services.action_update(
        scope=world.scopes["operator"], action=a, data=data, expected_version=1, by=world.user("operator")
    )
    stale = Action.objects.get(pk=a.pk)
    stale.version = 1
    with pytest.raises(services.Conflict):
        services.action_update(scope=world.scopes["operator"], action=stale, data={**data, "uraian": "Lama"},
                               expected_version=1, by=world.user("operator"))  # fmt: skip
    a.refresh_from_db()
    assert (a.uraian, a.status, a.version) == ("Baru", "berjalan", 2)


def test_overdue_actions_are_highlighted(world):
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    action(world, tenggat=past, uraian="Terlambat sekali")
    text = (
        client_for(world, "operator")
        .get(reverse("datasystem:home", kwargs={"kode": KAB}) + "?tahun=2026")
        .content.decode()
    )
    row = text[text.index("Terlambat sekali") :]
    assert "melewati tenggat" in row[: row.index("</tr>")]


# --- the document, the aksi, the review -------------------------------------------------------------


def test_document_pdf_and_docx_contain_the_actions(world, tmp_path):
    from docx import Document

    action(world, uraian="Sinkronisasi data posyandu per desa")
    content, name = documents.build(KAB, TAHUN, "pdf")
    assert content.startswith(b"%PDF") and name == "aksi6-sistem-manajemen-data-3211-2026.pdf"
    path = tmp_path / name
    path.write_bytes(content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())  # fmt: skip
    for expected in ("SISTEM MANAJEMEN DATA STUNTING", "PEMERINTAH KABUPATEN SUMEDANG", "Rencana perbaikan",
                     "Sinkronisasi data posyandu per desa", "Dinkes", "1 Oktober 2026"):  # fmt: skip
        assert expected in text, expected
    content, name = documents.build(KAB, TAHUN, "docx")
    doc = Document(io.BytesIO(content))
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Sinkronisasi data posyandu per desa" in cells and "Dinkes" in cells
    response = client_for(world, "opd").get(
        reverse("datasystem:document", kwargs={"kode": KAB, "fmt": "docx"}) + "?tahun=2026"
    )
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert (
        client_for(world, "neighbour")
        .get(reverse("datasystem:document", kwargs={"kode": KAB, "fmt": "pdf"}))
        .status_code
        == 403
    )


def test_report_kind_needs_a_plan(world):
    with pytest.raises(NothingToReport, match="belum mempunyai rencana perbaikan sistem manajemen data 2026"):
        documents.report_build(KAB, TAHUN, "pdf")
    action(world)
    content, name = documents.report_build(KAB, None, "docx")
    assert name.endswith("-2026.docx") and content.startswith(b"PK")


def test_attach_makes_the_evidence_and_starts_aksi_6(world):
    assert world.aksi[6].status == "belum_mulai"
    assert work.missing_work(nomor=6, kabkota=KAB, tahun=TAHUN)
    client = client_for(world, "operator")
    url = reverse("datasystem:attach", kwargs={"kode": KAB})
    client.post(url, {"tahun": "2026"})  # no plan yet: refused with a message
    assert not Evidence.objects.filter(aksi=world.aksi[6]).exists()
    action(world)
    assert work.missing_work(nomor=6, kabkota=KAB, tahun=TAHUN) == []
    assert client_for(world, "opd").post(url, {"tahun": "2026"}).status_code == 403
    assert client.post(url, {"tahun": "2026"}).status_code == 302
    evidence = Evidence.objects.get(aksi=world.aksi[6])
    assert evidence.original_name.endswith(".pdf")
    world.aksi[6].refresh_from_db()
    assert world.aksi[6].status == "draf"
    items = work.sections(scope=world.scopes["provinsi"], nomor=6, kabkota=KAB, tahun=TAHUN)
    assert any(i.status.startswith("1 tindakan") for s in items for i in s.items)
    assert work.sections(scope=world.scopes["kecamatan"], nomor=6, kabkota=KAB, tahun=TAHUN)[0].items == []


def test_review_section(world):
    from konvergensi.reviews import sections

    source = next(s for s in sections.sources() if s.key == "datakelola")
    assert source.order == 60
    empty = source.build(KAB, TAHUN)
    assert not empty.available
    u01 = Indicator.objects.get(kode="U01")
    put(u01, desa_codes(4), "2026-S1", entered=timezone.now())
    put(u01, desa_codes(8), "2026", entered=timezone.now())
    a = action(world, tenggat=(timezone.localdate() - dt.timedelta(days=1)).isoformat())
    action(world)
    services.action_update(scope=world.scopes["operator"], action=a, expected_version=1, by=world.user("operator"),
                           data={"gap": a.gap, "uraian": a.uraian, "opd": str(a.opd_id), "tenggat": "2026-10-01",
                                 "status": "selesai", "done": "2026-10-01"})  # fmt: skip
    figures = review.build(KAB, TAHUN)
    assert figures.available
    assert figures.numbers["planned"] == 2 and figures.numbers["done"] == 1
    assert figures.numbers["completeness_end"] > figures.numbers["completeness_start"]
    assert figures.sentence.startswith("Dari 2 tindakan perbaikan") and "naik dari" in figures.sentence
    assert len(figures.table.rows) == 2 and figures.recommendations


def test_demo_plan(world):
    from konvergensi.datasystem.demo import datasystem_demo

    u01 = Indicator.objects.get(kode="U01")
    put(u01, desa_codes(2), "2026", entered=timezone.now())
    made = datasystem_demo(KAB, tahun=TAHUN, operator=world.user("operator"))
    assert made == {"aksi6_actions": 6}
    statuses = set(Action.objects.values_list("status", flat=True))
    assert {"selesai", "berjalan", "rencana"} <= statuses
    counts = selectors.counts(KAB, TAHUN, timezone.localdate())
    assert counts.overdue >= 1 and counts.done == 2
    assert datasystem_demo(KAB, tahun=TAHUN, operator=world.user("operator")) == {"aksi6_actions": 0}


def test_the_quality_verdicts_of_the_latest_measured_round(world):
    from konvergensi.measurements import services as m_services
    from tests.conftest import DESA
    from tests.publication.test_publication import children, import_into

    assert selectors.quality(KAB) is None
    rnd = m_services.round_create(scope=world.scopes["operator"], kabkota=kab(), nama="Februari 2026",
                                  tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28),
                                  by=world.user("operator"))  # fmt: skip
    import_into(world, rnd, children([DESA], 12, seed=1))
    found = selectors.quality(KAB)
    assert found["round"] == rnd and found["children"] == 12
    assert found["area"]["level"] in ("pelatihan", "perhatian", "baik", "sedikit")
    assert sum(n for _k, _label, n, _b in found["desa_levels"]) == 1
    text = (
        client_for(world, "operator").get(reverse("datasystem:home", kwargs={"kode": KAB})).content.decode()
    )
    assert reverse("measurements:quality", kwargs={"pk": rnd.pk}) in text and "Februari 2026" in text
    assert selectors.quality("32.10") is None  # the neighbour's page shows none of it
