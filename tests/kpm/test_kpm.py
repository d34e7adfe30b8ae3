"""Aksi 5: the KPM roster (kept by the desa and the operator, names only for the desa, its kecamatan
and the operator), the scorecards (counts validated, score exact, indicators switchable per district,
per-person template through the import pipeline), the district overview with its low lokus flags,
the home panel, Aksi 5's work and the Aksi 8 review section."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.accounts.models import AuditEvent
from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.aksi import work
from konvergensi.imports import services as pipeline
from konvergensi.kpm import review, selectors, services
from konvergensi.kpm.imports import KIND_INSTANCE
from konvergensi.kpm.models import Kpm, Scorecard, ScoreCount
from konvergensi.wilayah.models import Region
from tests.ansit.test_ansit import TAHUN, client_for, confirm_lokus, make_analysis, seed
from tests.conftest import DESA, KAB, KEC, NEIGHBOUR

pytestmark = pytest.mark.django_db

OTHER_DESA_SAME_KEC = "32.11.01.2002"
DESA_OTHER_KEC = "32.11.02.2001"
SECRET_NAME = "Rahasia Kaderwati"


def add_kpm(w, desa=DESA, persona="desa", **kw):
    data = {"nama": SECRET_NAME, "kontak": "0812-3456-7890", "aktif": True}
    data.update(kw)
    return services.kpm_add(scope=w.scopes[persona], desa=Region.objects.get(kode=desa), by=w.user(persona),
                            **data)  # fmt: skip


def train(w, kpm, persona="desa"):
    return services.training_add(scope=w.scopes[persona], kpm=kpm, nama="Pelatihan KPM", penyelenggara="DPMD",
                                 mulai=dt.date(2026, 2, 1), selesai=dt.date(2026, 2, 3), by=w.user(persona))  # fmt: skip


def all_counts(targets=4, received=2):
    return {i.kode: (targets, received) for i in selectors.applicable(KAB)}


def card(w, desa=DESA, triwulan=1, persona="operator", counts=None):
    return services.scorecard_save(scope=w.scopes[persona], desa=Region.objects.get(kode=desa), tahun=TAHUN,
                                   triwulan=triwulan, counts=counts or all_counts(), by=w.user(persona))  # fmt: skip


# --- permissions --------------------------------------------------------------------------------


def test_permissions_follow_the_roles(world):
    s = world.scopes
    edit = {p for p in s if has_permission(s[p], Permission.KPM_EDIT, DESA)}
    names = {p for p in s if has_permission(s[p], Permission.KPM_READ, DESA)}
    scores = {p for p in s if has_permission(s[p], Permission.SKOR_READ, DESA)}
    district = {p for p in s if has_permission(s[p], Permission.SKOR_READ, KAB)}
    manage = {p for p in s if has_permission(s[p], Permission.SKOR_MANAGE, KAB)}
    assert edit == {"operator", "desa"}
    assert names == {"operator", "desa", "kecamatan"}  # never OPD, puskesmas, province, nation
    assert scores == {"operator", "opd", "kecamatan", "desa", "provinsi", "pusat"}
    assert district == {"operator", "opd", "provinsi", "pusat"}
    assert manage == {"operator"}
    assert not has_permission(s["desa"], Permission.KPM_EDIT, OTHER_DESA_SAME_KEC)
    assert not has_permission(s["kecamatan"], Permission.KPM_READ, DESA_OTHER_KEC)
    assert not has_permission(s["neighbour"], Permission.SKOR_READ, DESA)


# --- the roster ---------------------------------------------------------------------------------


def test_the_desa_keeps_its_roster_and_trainings_audited_without_names(world):
    kpm = add_kpm(world)
    train(world, kpm)
    assert kpm.kabkota_id == KAB
    assert selectors.kpm_counts([DESA])[DESA] == selectors.KpmCounts(1, 1, 1)
    with pytest.raises(PermissionDenied):
        add_kpm(world, desa=OTHER_DESA_SAME_KEC)
    with pytest.raises(ValidationError, match="angka"):
        add_kpm(world, kontak="hubungi saya")
    with pytest.raises(ValidationError, match="sebelum"):
        services.training_add(scope=world.scopes["desa"], kpm=kpm, nama="x", mulai=dt.date(2026, 3, 1),
                              selesai=dt.date(2026, 2, 1), by=world.user("desa"))  # fmt: skip
    events = AuditEvent.objects.filter(action__startswith="kpm.")
    assert {e.action for e in events} == {"kpm.add", "kpm.training.add"}
    assert all(SECRET_NAME not in str(e.data) for e in events)
    services.kpm_update(scope=world.scopes["operator"], kpm=kpm, nama=SECRET_NAME, aktif=False,
                        by=world.user("operator"))  # fmt: skip
    assert selectors.kpm_counts([DESA])[DESA] == selectors.KpmCounts(1, 0, 0)


def test_names_show_to_the_desa_its_kecamatan_and_the_operator_only(world):
    add_kpm(world)
    url = reverse("kpm:desa", kwargs={"kode": DESA}) + f"?tahun={TAHUN}"
    for persona in ("desa", "kecamatan", "operator"):
        assert SECRET_NAME in client_for(world, persona).get(url).content.decode(), persona
    for persona in ("opd", "provinsi", "pusat"):
        page = client_for(world, persona).get(url)
        assert page.status_code == 200 and SECRET_NAME not in page.content.decode(), persona
        assert "1 KPM tercatat" in page.content.decode()
    for persona in ("neighbour", "other_province"):
        assert client_for(world, persona).get(url).status_code == 403
    # another kecamatan's desa: the Wado camat sees nothing of it
    other = reverse("kpm:desa", kwargs={"kode": DESA_OTHER_KEC})
    assert client_for(world, "kecamatan").get(other).status_code == 403
    assert (
        client_for(world, "desa").get(reverse("kpm:desa", kwargs={"kode": OTHER_DESA_SAME_KEC})).status_code
        == 403
    )
    # the district and kecamatan pages: counts, never names
    for name, kode, persona in (("kpm:district", KAB, "provinsi"), ("kpm:district", KAB, "operator"),
                                ("kpm:kecamatan", KEC, "kecamatan")):  # fmt: skip
        body = client_for(world, persona).get(reverse(name, kwargs={"kode": kode})).content.decode()
        assert SECRET_NAME not in body and "0812" not in body


# --- scorecards ---------------------------------------------------------------------------------


def test_a_scorecard_is_validated_scored_exactly_and_replaced(world):
    with pytest.raises(ValidationError, match="melebihi"):
        services.parse_counts({"sasaran_IH01": "3", "terima_IH01": "5"}, selectors.applicable(KAB))
    with pytest.raises(ValidationError, match="bilangan bulat"):
        services.parse_counts({"sasaran_IH01": "tiga"}, selectors.applicable(KAB))
    with pytest.raises(ValidationError, match="paling sedikit"):
        card(world, counts={"IH01": (0, 0)})
    c = card(world, counts={"IH01": (3, 2), "AN01": (4, 1)})
    [history] = selectors.desa_history(scope=world.scopes["desa"], desa=DESA)
    assert history.scores["total"].received == 3 and history.scores["total"].pairs == 7
    assert round(float(history.total), 3) == 42.857
    card(world, counts={"IH01": (3, 3)})  # the same quarter again replaces its counts
    assert ScoreCount.objects.filter(scorecard=c).count() == 1
    assert Scorecard.objects.count() == 1
    with pytest.raises(PermissionDenied):
        card(world, desa=OTHER_DESA_SAME_KEC, persona="desa")
    with pytest.raises(ValidationError, match="triwulan"):
        services.scorecard_save(scope=world.scopes["operator"], desa=Region.objects.get(kode=DESA),
                                tahun=TAHUN, triwulan=5, counts={"IH01": (1, 1)}, by=world.user("operator"))  # fmt: skip


def test_switching_an_indicator_off_removes_its_pairs_and_is_audited(world):
    card(world, counts={"IH01": (4, 4), "AN06": (4, 0)})
    assert selectors.desa_history(scope=world.scopes["operator"], desa=DESA)[0].total == 50
    kab = Region.objects.get(kode=KAB)
    with pytest.raises(ValidationError, match="alasan"):
        services.indicator_switch(scope=world.scopes["operator"], kabkota=kab, kode="AN06", active=False,
                                  reason="", by=world.user("operator"))  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.indicator_switch(scope=world.scopes["desa"], kabkota=kab, kode="AN06", active=False,
                                  reason="PAUD tidak ada", by=world.user("desa"))  # fmt: skip
    client = client_for(world, "operator")
    response = client.post(reverse("kpm:indicator-switch", kwargs={"kode": KAB}),
                           {"kode": "AN06", "active": "0", "reason": "Belum ada PAUD"})  # fmt: skip
    assert response.status_code == 302
    assert selectors.desa_history(scope=world.scopes["operator"], desa=DESA)[0].total == 100
    assert "AN06" not in selectors.applicable_codes(KAB)
    assert "AN06" in selectors.applicable_codes(NEIGHBOUR)  # only this district
    assert AuditEvent.objects.filter(action="kpm.indicator.switch", region_kode=KAB).exists()
    with pytest.raises(ValidationError, match="tidak berlaku"):
        card(world, counts={"AN06": (1, 1)})


def test_the_desa_enters_a_scorecard_through_the_form(world):
    client = client_for(world, "desa")
    url = reverse("kpm:scorecard-save", kwargs={"kode": DESA})
    bad = client.post(
        url, {"tahun": TAHUN, "triwulan": "2", "sasaran_IH01": "2", "terima_IH01": "3"}, follow=True
    )
    assert "melebihi" in bad.content.decode() and not Scorecard.objects.exists()
    good = client.post(
        url, {"tahun": TAHUN, "triwulan": "2", "sasaran_IH01": "4", "terima_IH01": "3"}, follow=True
    )
    assert Scorecard.objects.get().triwulan == 2
    assert "75,0" in good.content.decode()


# --- the per-person template ----------------------------------------------------------------------


def filled(rows_ibu=(), rows_anak=()) -> bytes:
    from konvergensi.kpm import catalogue
    from konvergensi_core.io.skor_xlsx import HEADER_ROW, write_template

    out = io.BytesIO()
    write_template(out, desa_name="Cimungkal", tahun=TAHUN, triwulan=1,
                   indicators=catalogue.core(selectors.applicable(KAB)))  # fmt: skip
    out.seek(0)
    wb = load_workbook(out)
    for sheet, rows in (("Ibu hamil", rows_ibu), ("Anak 0-23 bulan", rows_anak)):
        ws = wb[sheet]
        for r, values in enumerate(rows, start=HEADER_ROW + 1):
            for c, v in enumerate(values, start=2):
                ws.cell(row=r, column=c, value=v)
    again = io.BytesIO()
    wb.save(again)
    return again.getvalue()


def stage(w, content, persona="desa"):
    imp = pipeline.stage(kind=KIND_INSTANCE, kabkota=KAB, params={"desa": DESA, "tahun": TAHUN, "triwulan": 1},
                         upload=SimpleUploadedFile("skor.xlsx", content), by=w.user(persona))  # fmt: skip
    pipeline.check(imp, scope=w.scopes[persona])
    return imp


def test_the_template_becomes_counts_only(world):
    ibu = [(5, *["Y"] * 8), (7, "Y", "T", *["-"] * 6)]
    anak = [(3, *["Y"] * 5, "-", "Y", "Y", "Y"), (20, *["T"] * 9)]
    imp = stage(world, filled(ibu, anak))
    assert imp.summary["ok"], imp.summary
    pipeline.commit(imp, scope=world.scopes["desa"], by=world.user("desa"))
    saved = {
        c.indicator.kode: (c.targets, c.received) for c in ScoreCount.objects.select_related("indicator")
    }
    assert saved["IH01"] == (2, 2) and saved["IH02"] == (2, 1) and saved["IH03"] == (1, 1)
    assert saved["AN06"] == (1, 0) and saved["AN01"] == (2, 1)
    # 8 + 2 pairs of the mothers, 8 + 9 of the children; received 8 + 1 + 8 + 0
    [h] = selectors.desa_history(scope=world.scopes["desa"], desa=DESA)
    assert (h.scores["total"].received, h.scores["total"].pairs) == (17, 27)
    assert Scorecard.objects.get().source == "impor"


def test_a_bad_template_saves_nothing_and_names_sheet_row_and_column(world):
    anak = [(30, "Y", "mungkin", *["Y"] * 7)]
    imp = stage(world, filled((), anak))
    assert not imp.summary["ok"]
    found = {(p.sheet, p.row, p.column.split(" ")[0]) for p in pipeline.problems(imp)}
    assert ("Anak 0-23 bulan", 4, "Umur") in found and ("Anak 0-23 bulan", 4, "AN02") in found
    with pytest.raises(ValidationError):
        pipeline.commit(imp, scope=world.scopes["desa"], by=world.user("desa"))
    assert not Scorecard.objects.exists()


def test_the_template_and_upload_pages(world):
    client = client_for(world, "desa")
    got = client.get(reverse("kpm:template", kwargs={"kode": DESA}) + f"?tahun={TAHUN}&triwulan=1")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    wb = load_workbook(io.BytesIO(got.content))
    header = [c.value for c in wb["Ibu hamil"][3]]
    assert header[0] == "No" and not any("NIK" in str(h) or h == "Nama" for h in header)
    up = client.post(reverse("kpm:upload", kwargs={"kode": DESA}),
                     {"tahun": TAHUN, "triwulan": "1",
                      "file": SimpleUploadedFile("skor.xlsx", filled(((5, *["Y"] * 8),)))})  # fmt: skip
    assert up.status_code == 302 and "/impor/" in up["Location"]
    not_xlsx = client.post(reverse("kpm:upload", kwargs={"kode": DESA}),
                           {"tahun": TAHUN, "triwulan": "1", "file": SimpleUploadedFile("skor.xlsx", b"bukan")},
                           follow=True)  # fmt: skip
    assert not_xlsx.status_code == 200 and not Scorecard.objects.exists()


# --- the district -------------------------------------------------------------------------------


def lokus(w):
    seed(coverage=False)
    return confirm_lokus(w, make_analysis(w)).desa_codes()


def test_low_lokus_desa_are_flagged_to_the_district(world):
    codes = lokus(world)
    low, fine = codes[0], codes[1]
    card(world, desa=low, counts={"IH01": (10, 3)})
    card(world, desa=fine, counts={"IH01": (10, 9)})
    card(world, desa=DESA, counts={"IH01": (10, 1)})  # low but not lokus (unless it is)
    ov = selectors.overview(scope=world.scopes["operator"], kabkota=KAB, tahun=TAHUN)
    flagged = {r.kode for r in ov.low_lokus}
    assert low in flagged and fine not in flagged
    assert (DESA in flagged) == (DESA in codes)
    with override_settings(KONVERGENSI_SKOR_DESA_RENDAH=25):
        assert low not in {r.kode for r in selectors.overview(scope=world.scopes["operator"], kabkota=KAB,
                                                              tahun=TAHUN).low_lokus}  # fmt: skip
    page = client_for(world, "operator").get(
        reverse("kpm:district", kwargs={"kode": KAB}) + f"?tahun={TAHUN}"
    )
    body = page.content.decode()
    flags = body.split('id="lokus-rendah"')[1].split("</section>")[0]
    assert (
        Region.objects.get(kode=low).nama in flags and "<strong>30,0</strong>" in flags
    )  # its score, 3 of 10
    data = client_for(world, "opd").get(reverse("kpm:map", kwargs={"kode": KAB}) + f"?tahun={TAHUN}").json()
    assert data["values"][low]["skor"] == 30 and data["values"][low]["lokus"] and data["kecamatan"]
    assert client_for(world, "neighbour").get(reverse("kpm:map", kwargs={"kode": KAB})).status_code == 403
    assert (
        client_for(world, "kecamatan").get(reverse("kpm:district", kwargs={"kode": KAB})).status_code == 403
    )


def test_the_district_counts_desa_with_an_active_trained_kpm(world):
    train(world, add_kpm(world))
    add_kpm(world, desa=OTHER_DESA_SAME_KEC, persona="operator")  # active, never trained
    add_kpm(world, desa=DESA_OTHER_KEC, persona="operator", aktif=False)
    ov = selectors.overview(scope=world.scopes["provinsi"], kabkota=KAB, tahun=TAHUN)
    assert (ov.n_active_trained, ov.n_with_kpm) == (1, 2)
    kec = selectors.overview(scope=world.scopes["kecamatan"], kabkota=KAB, tahun=TAHUN, kecamatan=KEC)
    assert all(r.kode.startswith(KEC + ".") for r in kec.rows)


# --- aksi work, review, home ----------------------------------------------------------------------


def test_aksi5_work_is_missing_until_a_desa_has_a_scorecard(world):
    from konvergensi.kpm.aksi_work import SOURCE

    assert SOURCE in work.sources(5)
    assert SOURCE.missing(KAB, TAHUN)
    card(world)
    assert SOURCE.missing(KAB, TAHUN) is None
    assert SOURCE.missing(NEIGHBOUR, TAHUN)
    titles = [i.title for i in SOURCE.items(world.scopes["operator"], KAB, TAHUN)]
    assert any("1 desa" in t for t in titles)
    assert SOURCE.items(world.scopes["neighbour"], KAB, TAHUN) == []


def test_the_review_section_gives_the_trend_and_the_low_lokus(world):
    from konvergensi.reviews import sections

    assert any(s.key == "skor-desa" and s.order == 70 for s in sections.sources())
    empty = review.build(KAB, TAHUN)
    assert not empty.available and "Belum ada" in empty.sentence
    codes = lokus(world)
    card(world, desa=codes[0], triwulan=1, counts={"IH01": (10, 2)})
    card(world, desa=codes[0], triwulan=2, counts={"IH01": (10, 4)})
    got = review.build(KAB, TAHUN)
    assert got.available and got.table.rows == (("TW1", "20,0", "10"), ("TW2", "40,0", "10"))
    assert Region.objects.get(kode=codes[0]).nama in got.sentence and got.recommendations
    assert got.numbers["lokus_rendah"] == 1


def test_the_home_page_shows_the_desa_its_kpm_and_score(world):
    train(world, add_kpm(world))
    card(world, counts={"IH01": (4, 3)})
    body = client_for(world, "desa").get(reverse("home")).content.decode()
    assert 'id="kpm-home"' in body and "75,0" in body and "Segera" not in body
    body = client_for(world, "kecamatan").get(reverse("home")).content.decode()
    assert 'id="kpm-home"' in body and "1 dari" in body


def test_the_demo_fills_most_desa(world):
    from konvergensi.kpm.demo import kpm_demo

    got = kpm_demo(KAB, tahun=TAHUN, operator=world.user("operator"))
    n_desa = Region.objects.filter(level="desa", kode__startswith=KAB + ".").count()
    assert got["kpm"] >= n_desa * 0.7 and got["skor_desa"] >= n_desa * 0.7
    assert Kpm.objects.filter(desa_id=DESA).exists()
    assert kpm_demo(KAB, tahun=TAHUN, operator=world.user("operator")) == {}
