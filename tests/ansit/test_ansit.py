"""The situation analysis (Aksi 1) in the web app: the distribution from each source, the decision,
coverage and programmes, lokus, the matrix, reviews, traceable recommendations, the document and
the Aksi 1 evidence, each role's view of it.

The figures: 19 desa of Wado (measured 100 each) and Jatinunggal (measured 200 each) with
prevalences 7–13 % and two hotspots — Cikareo Selatan (Wado, 30 cases of 100) and Kirisik
(Jatinunggal, 60 of 200): significantly above the mean on both prevalence and cases.
"""

from __future__ import annotations

import io
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.accounts.models import AuditEvent
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi.models import Evidence
from konvergensi.ansit import selectors, services
from konvergensi.ansit.models import (
    Analysis,
    AnsitDocument,
    DataGapNote,
    LokusList,
    Recommendation,
    Review,
)
from konvergensi.imports import services as pipeline
from konvergensi.indicators.models import DataSasaran, DataValue, Indicator, ProgramMapping
from konvergensi.wilayah.models import Region
from konvergensi_core import aksi as aksi_rules
from konvergensi_core.ansit import recommendations as rules
from tests.conftest import KAB, PDF_BYTES, ensure_catalogue

pytestmark = pytest.mark.django_db

TAHUN = 2026  # the cycle of the world fixture
PERIODE = "2025"  # the data year
WADO_CASES = [10, 12, 8, 30, 9, 11, 10, 7, 13, 10]  # of 100 measured each
JATI_CASES = [20, 24, 16, 18, 22, 60, 20, 14, 26]  # of 200 measured each
HOT_WADO = "32.11.01.2004"  # Cikareo Selatan
HOT_JATI = "32.11.02.2006"  # Kirisik
WADO_DESA = "32.11.01.2001"  # Cimungkal


@pytest.fixture(autouse=True)
def _catalogue(db):
    ensure_catalogue()


def wado_desa() -> list[Region]:
    return list(Region.objects.filter(parent_id="32.11.01").order_by("kode"))


def jati_desa() -> list[Region]:
    return list(Region.objects.filter(parent_id="32.11.02").order_by("kode"))


def seed(*, coverage: bool = True) -> None:
    """Data sasaran of 19 desa; coverage U01–U04 (low only in the two hotspots) and programmes
    (U01 absent in the hotspots, U02 everywhere)."""
    rows = []
    for d, cases in zip(wado_desa(), WADO_CASES, strict=True):
        rows.append(DataSasaran(desa=d, tahun=int(PERIODE), balita=120, balita_diukur=100, stunting=cases))
    for d, cases in zip(jati_desa(), JATI_CASES, strict=True):
        rows.append(DataSasaran(desa=d, tahun=int(PERIODE), balita=230, balita_diukur=200, stunting=cases))
    DataSasaran.objects.bulk_create(rows)
    if not coverage:
        return
    indicators = list(Indicator.objects.filter(kode__in=("U01", "U02", "U03", "U04")))
    values, programs = [], []
    for d in wado_desa() + jati_desa():
        hot = d.kode in (HOT_WADO, HOT_JATI)
        for ind in indicators:
            values.append(
                DataValue(
                    indicator=ind,
                    desa=d,
                    kabkota_id=KAB,
                    periode=PERIODE,
                    numerator=30 if hot else 95,
                    denominator=100,
                )
            )
            if ind.kode in ("U01", "U02"):
                ada = not (hot and ind.kode == "U01")
                programs.append(
                    ProgramMapping(
                        indicator=ind,
                        desa=d,
                        kabkota_id=KAB,
                        tahun=int(PERIODE),
                        ada=ada,
                        sumber=["apbd_kab"] if ada else [],
                    )
                )
    DataValue.objects.bulk_create(values)
    ProgramMapping.objects.bulk_create(programs)


def make_analysis(w, *, level="desa", source="sasaran", upload=None, margin=0.5) -> Analysis:
    return services.analysis_create(
        scope=w.scopes["operator"],
        kabkota=Region.objects.get(kode=KAB),
        tahun=TAHUN,
        periode=PERIODE,
        level=level,
        input_source=source,
        data_source="balita_1_tahun",
        margin=margin,
        upload=upload,
        by=w.user("operator"),
    )


def confirm_lokus(w, analysis, count=2) -> LokusList:
    return services.lokus_confirm(
        scope=w.scopes["operator"],
        analysis=analysis,
        settings=selectors.LokusSettings("any", "count", float(count)),
        by=w.user("operator"),
    )


def client_for(w, persona) -> Client:
    c = Client()
    c.force_login(w.user(persona))
    return c


# --- the distribution --------------------------------------------------------------------------


def test_analysis_from_data_sasaran_follows_the_guideline_per_desa(world):
    seed()
    analysis = make_analysis(world)
    result = selectors.hotspot_result(analysis)
    prevalences = list(WADO_CASES) + [c / 2 for c in JATI_CASES]
    mean = sum(prevalences) / len(prevalences)
    assert math.isclose(result.mean_prevalence, mean)
    assert math.isclose(result.prevalence_threshold, 1.5 * mean)
    total_cases = sum(WADO_CASES) + sum(JATI_CASES)
    assert math.isclose(result.pooled_prevalence, 100 * total_cases / (10 * 100 + 9 * 200))
    assert math.isclose(result.mean_cases, total_cases / 19)
    assert result.recommendation.value == "khusus"
    assert set(result.separate_analysis) == {HOT_WADO, HOT_JATI}
    assert len(analysis.units) == Region.objects.filter(level="desa", kode__startswith=KAB + ".").count()
    assert analysis.summary["with_data"] == 19 and analysis.summary["recommendation"] == "khusus"
    # The 258 desa without data become a note for Aksi 6, with the data-source note (not baduta).
    kinds = set(DataGapNote.objects.filter(analysis=analysis).values_list("kind", flat=True))
    assert {"sebaran", "kosong", "cakupan"} <= kinds
    page = client_for(world, "operator").get(reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "Cikareo Selatan" in html and "<svg" in html
    assert 'style="' not in html.split("<main>")[1].split('id="peta-ansit"')[0]  # CSP: no inline styles
    assert len(page.content) < 500_000


def test_kecamatan_and_puskesmas_levels_sum_their_desa(world):
    seed()
    kec = make_analysis(world, level="kecamatan")
    units = {u["kode"]: u for u in kec.units}
    assert units["32.11.01"]["cases"] == sum(WADO_CASES) and units["32.11.01"]["measured"] == 1000
    assert units["32.11.02"]["cases"] == sum(JATI_CASES) and units["32.11.02"]["measured"] == 1800
    assert kec.summary["recommendation"] == "umum"  # 12.0 % and 12.2 %: no hotspot kecamatan
    assert len(kec.desa_units) == len(kec.units[0]["desa"]) + sum(len(u["desa"]) for u in kec.units[1:])
    pkm = make_analysis(world, level="puskesmas")
    assert [u["kode"] for u in pkm.units] == ["P321101001"] and pkm.units[0]["cases"] == sum(WADO_CASES)
    assert any("tidak termasuk wilayah kerja puskesmas" in w["message"] for w in pkm.warnings)
    notes = list(pkm.notes.values_list("text", flat=True))
    assert any("hanya tersedia per wilayah puskesmas" in n for n in notes)
    page = client_for(world, "operator").get(reverse("ansit:notes", kwargs={"kode": KAB}) + f"?tahun={TAHUN}")
    assert "hanya tersedia per wilayah puskesmas" in page.content.decode()


def test_no_data_sasaran_is_a_message_not_an_analysis(world):
    with pytest.raises(ValidationError):
        make_analysis(world)
    c = client_for(world, "operator")
    r = c.post(
        reverse("ansit:analysis-create", kwargs={"kode": KAB}),
        {"tahun": TAHUN, "periode": PERIODE, "level": "desa", "input_source": "sasaran", "margin": "50"},
    )
    assert r.status_code == 200 and "Belum ada data sasaran" in r.content.decode()
    assert not Analysis.objects.exists()


GOOD_CSV = (
    "Kode Desa;Nama Desa;Jumlah Kasus;Jumlah Diukur\n"
    "32.11.01.2001;Cimungkal;10;100\n"
    "3211012002;Ganjarresik;12;100\n"
    "32.11.01.2004;Cikareo Selatan;40;100\n"
    "32.11.01.2006;Wado;8;100\n"
)
BAD_CSV = (
    "Kode Desa;Nama Desa;Jumlah Kasus;Jumlah Diukur\n"
    "32.11.01.2001;Cimungkal;10;100\n"
    "32.11.99.9999;Antah Berantah;5;100\n"
    "32.11.01.2002;Ganjarresik;-3;100\n"
    "32.11.01.2003;Cilengkrang;150;100\n"
)


def test_an_uploaded_sheet_is_analysed_per_desa_with_codes_or_numbers(world):
    upload = SimpleUploadedFile("sebaran.csv", GOOD_CSV.encode())
    analysis = make_analysis(world, source="unggahan", upload=upload)
    units = {u["kode"]: u for u in analysis.units}
    assert units["32.11.01.2002"]["cases"] == 12  # written as 3211012002
    assert units["32.11.01.2004"]["cases"] == 40
    assert analysis.summary["with_data"] == 4 and "sebaran.csv" in analysis.source_label
    assert analysis.summary["separate_analysis"] == ["32.11.01.2004"]


def test_a_bad_sheet_lists_every_problem_with_row_and_column_and_saves_nothing(world):
    c = client_for(world, "operator")
    r = c.post(
        reverse("ansit:analysis-create", kwargs={"kode": KAB}),
        {
            "tahun": TAHUN,
            "periode": PERIODE,
            "level": "desa",
            "input_source": "unggahan",
            "margin": "50",
            "file": SimpleUploadedFile("salah.csv", BAD_CSV.encode()),
        },
    )
    html = r.content.decode()
    assert r.status_code == 200 and 'id="problems"' in html
    table = html.split('id="problems"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 3
    assert "<td>3</td>" in rows[0] and "wilayah tidak dikenal" in rows[0]  # row 3, the unit column
    assert "<td>4</td><td>Jumlah Kasus</td><td>-3</td>" in rows[1] and "negatif" in rows[1]
    assert "<td>5</td><td>Jumlah Kasus</td><td>150</td>" in rows[2] and "lebih besar" in rows[2]
    assert not Analysis.objects.exists() and not DataGapNote.objects.exists()
    with pytest.raises(services.FileProblems) as exc:
        make_analysis(world, source="unggahan", upload=SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert exc.value.problems and not Analysis.objects.exists()


def test_bad_numbers_in_forms_are_messages_or_400_never_500(world):
    seed(coverage=False)
    analysis = make_analysis(world)
    c = client_for(world, "operator")
    r = c.post(
        reverse("ansit:analysis-create", kwargs={"kode": KAB}),
        {"tahun": TAHUN, "periode": PERIODE, "level": "desa", "input_source": "sasaran", "margin": "banyak"},
    )
    assert r.status_code == 200 and "batas signifikan" in r.content.decode()
    r = c.post(
        reverse("ansit:analysis-decide", kwargs={"pk": analysis.pk}), {"decision": "umum", "version": "x"}
    )
    assert r.status_code == 400
    r = c.get(reverse("ansit:lokus", kwargs={"pk": analysis.pk}), {"metode": "share", "nilai": "seratus"})
    assert r.status_code == 200 and "Isi angka yang sah" in r.content.decode()


def test_the_team_overrides_the_recommendation_only_with_a_reason_which_is_audited(world):
    seed(coverage=False)
    analysis = make_analysis(world)
    op, scope = world.user("operator"), world.scopes["operator"]
    with pytest.raises(ValidationError):
        services.analysis_decide(
            scope=scope,
            analysis=analysis,
            decision="umum",
            reason=" ",
            expected_version=analysis.version,
            by=op,
        )
    for persona in ("opd", "provinsi", "kecamatan"):
        with pytest.raises(PermissionDenied):
            services.analysis_decide(
                scope=world.scopes[persona],
                analysis=analysis,
                decision="khusus",
                reason="",
                expected_version=1,
                by=op,
            )
    reason = "Dua desa ini sudah mendapat analisis khusus tahun lalu; cukup perhatian khusus."
    services.analysis_decide(
        scope=scope, analysis=analysis, decision="perhatian_khusus", reason=reason, expected_version=1, by=op
    )
    analysis.refresh_from_db()
    assert (
        analysis.decision == "perhatian_khusus"
        and analysis.is_overridden
        and analysis.decision_reason == reason
    )
    event = AuditEvent.objects.get(action="ansit.analysis.decide")
    assert event.data == {
        "computed": "khusus",
        "decision": "perhatian_khusus",
        "override": True,
        "reason": reason,
    }
    with pytest.raises(services.Conflict):  # a stale form never overwrites
        services.analysis_decide(
            scope=scope, analysis=analysis, decision="khusus", reason="", expected_version=1, by=op
        )


# --- coverage, lokus, matrix ----------------------------------------------------------------------


def test_programme_gaps_and_completeness(world):
    seed()
    analysis = make_analysis(world)
    cov = selectors.coverage(analysis=analysis)
    u01 = next(s for s in cov.summaries if s.indicator.kode == "U01")
    assert (u01.with_data, u01.low) == (19, 2) and math.isclose(u01.percent, (17 * 95 + 2 * 30) / 19)
    assert cov.category("U01", HOT_JATI).value == "sangat_rendah"
    availability = selectors.programmes(analysis=analysis, indicators=cov.indicators)
    desa = [d.kode for d in selectors.kabkota_desa(KAB)]
    gaps = {g.code: g for g in rules.programme_gaps(availability, desa=desa, hotspot={HOT_WADO, HOT_JATI})}
    assert gaps["U01"].present == 17 and set(gaps["U01"].hotspot_without) == {HOT_WADO, HOT_JATI}
    assert gaps["U02"].hotspot_without == () and gaps["U01"].missing_in_most  # 17 of 277 desa
    ranking = rules.completeness_ranking(availability, desa=[HOT_WADO, WADO_DESA], hotspot={HOT_WADO})
    assert [r.desa for r in ranking] == [HOT_WADO, WADO_DESA] and ranking[0].present == 1


def test_lokus_ranking_criteria_selection_and_confirmation(world):
    seed()
    analysis = make_analysis(world)
    ranking = selectors.lokus_ranking(
        analysis=analysis, settings=selectors.LokusSettings("any", "count", 2.0)
    )
    top = ranking.desa[:2]
    assert [d.desa for d in top] == [
        HOT_JATI,
        HOT_WADO,
    ]  # 4 low indicators each; same prevalence; more cases first
    assert top[0].criteria.as_dict() == {
        "prevalence_above_mean": True,
        "cases_above_mean": True,
        "low_coverage_majority": True,
    }
    assert [d.desa for d in ranking.selected] == [HOT_JATI, HOT_WADO]
    first = confirm_lokus(world, analysis)
    assert selectors.lokus_confirmed(KAB, TAHUN).desa_codes() == [HOT_JATI, HOT_WADO]
    second = confirm_lokus(world, analysis, count=3)
    first.refresh_from_db()
    assert first.status == "diganti" and selectors.lokus_confirmed(KAB, TAHUN).pk == second.pk
    assert len(second.desa_codes()) == 3 and LokusList.objects.filter(status="dikonfirmasi").count() == 1
    event = AuditEvent.objects.filter(action="ansit.lokus.confirm").latest("id")
    assert event.data["replaces"] == [first.pk] and event.data["desa"][:2] == [HOT_JATI, HOT_WADO]
    assert selectors.lokus_confirmed(KAB, TAHUN, scope=world.scopes["neighbour"]) is None
    # Budget: 2 desa fit in 250 at 100 each.
    by_budget = selectors.lokus_ranking(
        analysis=analysis, settings=selectors.LokusSettings("any", "budget", 250.0, 100.0)
    )
    assert len(by_budget.selected) == 2 and by_budget.selection.total_cost == 200


def test_the_matrix_page_and_its_formatted_excel(world):
    seed()
    analysis = make_analysis(world)
    confirm_lokus(world, analysis)
    c = client_for(world, "operator")
    page = c.get(reverse("ansit:matrix", kwargs={"pk": analysis.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="tabel12"' in html
    body = html.split('id="tabel12"')[1]
    assert body.index("Kirisik") < body.index("Cikareo Selatan")  # rank order
    assert 'class="prev-sangat_tinggi"' in body and 'class="cat-sangat_rendah"' in body
    response = c.get(reverse("ansit:matrix-xlsx", kwargs={"pk": analysis.pk}))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Matriks Prioritisasi"]
    assert ws.cell(2, 2).value == HOT_JATI and ws.cell(2, 3).value == "Kirisik"
    u01 = [c.value for c in ws[1]].index("U01") + 1
    assert ws.cell(2, u01).fill.start_color.rgb.endswith("F8696B")  # Sangat Rendah: red


# --- reviews and recommendations ------------------------------------------------------------------


def test_recommendations_are_drafted_from_the_evidence_and_traceable(world):
    seed()
    analysis = make_analysis(world)
    confirm_lokus(world, analysis)
    op, scope = world.user("operator"), world.scopes["operator"]
    review = services.review_create(
        scope=scope,
        kabkota=Region.objects.get(kode=KAB),
        tahun=TAHUN,
        kind="fgd_opd",
        data=services.ReviewInput(
            judul="Layanan air minum",
            answers={"opd_a": {"status": "tidak", "catatan": "data 1.000 HPK tidak diterima"}},
        ),
        by=op,
    )
    forum = services.review_create(
        scope=world.scopes["opd"],  # an OPD answers the review forms too
        kabkota=Region.objects.get(kode=KAB),
        tahun=TAHUN,
        kind="koordinasi_opd",
        data=services.ReviewInput(
            judul="Rakor TPPS", frekuensi="sewaktu", rencana_kerja="tidak", efektivitas="kurang"
        ),
        by=world.user("opd"),
    )
    assert forum.opd_id == world.opd["Dinkes"].pk
    counts = services.recommendations_generate(
        scope=scope, kabkota=Region.objects.get(kode=KAB), tahun=TAHUN, by=op
    )
    recs = {r.source_key: r for r in Recommendation.objects.all()}
    assert counts["added"] == len(recs)
    assert "Kirisik" in recs["lokus:list"].text and recs["lokus:list"].kind == "lokus"
    program = recs["program:U01"]
    assert "U01 rendah di 2 dari 2 desa lokus" in program.evidence
    assert program.link == reverse("ansit:coverage", kwargs={"pk": analysis.pk}) + "#ind-U01"
    assert 'id="ind-U01"' in client_for(world, "operator").get(program.link.split("#")[0]).content.decode()
    assert "ada di 2 dari 2 desa lokus" in recs["sumber_daya:U02"].evidence  # programme there, coverage low
    assert "tidak ada di 2 dari 2 desa lokus yang cakupannya rendah" in recs["realokasi:U01"].evidence
    assert "17 desa bukan lokus" in recs["realokasi:U01"].evidence
    assert recs["tahun_depan:U01"].kind == "tahun_depan" and "2027" in recs["tahun_depan:U01"].text
    assert recs[f"layanan:{review.pk}:opd_a"].link == reverse("ansit:review-detail", kwargs={"pk": review.pk})
    assert "dijawab tidak" in recs[f"layanan:{review.pk}:opd_a"].evidence
    assert "susun rencana kerja" in recs[f"koordinasi:{forum.pk}"].text
    assert "lokus:khusus" in recs and "Cikareo Selatan" in recs["lokus:khusus"].text
    # The operator edits one and confirms another; regenerating keeps both as they are.
    edited = services.recommendation_update(
        scope=scope, rec=program, text="Prioritaskan ANC terpadu di desa lokus.", status="draf",
        expected_version=program.version, by=op,
    )  # fmt: skip
    lokus_rec = recs["lokus:list"]
    services.recommendation_update(
        scope=scope,
        rec=lokus_rec,
        text=lokus_rec.text,
        status="dikonfirmasi",
        expected_version=lokus_rec.version,
        by=op,
    )
    again = services.recommendations_generate(
        scope=scope, kabkota=Region.objects.get(kode=KAB), tahun=TAHUN, by=op
    )
    assert again["kept"] == 2 and again["added"] == 0
    edited.refresh_from_db()
    assert edited.text == "Prioritaskan ANC terpadu di desa lokus." and edited.edited
    assert Recommendation.objects.get(source_key="lokus:list").confirmed_by == op
    with pytest.raises(PermissionDenied):
        services.recommendations_generate(
            scope=world.scopes["provinsi"], kabkota=Region.objects.get(kode=KAB), tahun=TAHUN, by=op
        )
    page = client_for(world, "kecamatan").get(
        reverse("ansit:recommendations", kwargs={"kode": KAB}) + f"?tahun={TAHUN}"
    )
    assert (
        "U01 rendah di 2 dari 2 desa lokus" in page.content.decode()
        and "<textarea" not in page.content.decode()
    )


def test_opd_answers_its_own_review_only_and_comments(world):
    kab = Region.objects.get(kode=KAB)
    op = world.user("operator")
    theirs = services.review_create(
        scope=world.scopes["operator"], kabkota=kab, tahun=TAHUN, kind="fgd_penyedia",
        data=services.ReviewInput(judul="Posyandu", opd_id=world.opd["Dinkes"].pk), by=op,
    )  # fmt: skip
    other = services.review_create(
        scope=world.scopes["operator"], kabkota=kab, tahun=TAHUN, kind="fgd_opd",
        data=services.ReviewInput(judul="PAUD", opd_id=world.opd["Disdik"].pk), by=op,
    )  # fmt: skip
    c = client_for(world, "opd")
    url = reverse("ansit:review-detail", kwargs={"pk": theirs.pk})
    r = c.post(
        url, {"judul": "Posyandu", "version": theirs.version, "pen_3-status": "tidak", "pen_3-catatan": "x"}
    )
    assert r.status_code == 302
    theirs.refresh_from_db()
    assert theirs.answers["pen_3"] == {"status": "tidak", "catatan": "x"}
    assert (
        c.post(reverse("ansit:review-detail", kwargs={"pk": other.pk}), {"judul": "PAUD"}).status_code == 403
    )
    assert (
        c.post(reverse("ansit:review-comment", kwargs={"pk": other.pk}), {"body": "Setuju"}).status_code
        == 302
    )
    assert other.comments.get().body == "Setuju"
    prov = client_for(world, "provinsi")
    assert prov.get(url).status_code == 200
    assert prov.post(url, {"judul": "x"}).status_code == 403
    assert (
        prov.post(reverse("ansit:review-comment", kwargs={"pk": theirs.pk}), {"body": "x"}).status_code == 403
    )
    assert client_for(world, "neighbour").get(url).status_code == 404
    with pytest.raises(ValidationError):
        services.review_update(
            scope=world.scopes["operator"], review=theirs,
            data=services.ReviewInput(judul="Posyandu", frekuensi="kadang"), expected_version=theirs.version, by=op,
        )  # fmt: skip


# --- scope ----------------------------------------------------------------------------------------


def test_a_kecamatan_sees_only_its_desa_and_outsiders_see_nothing(world):
    seed()
    analysis = make_analysis(world)
    confirm_lokus(world, analysis)
    camat = client_for(world, "kecamatan")
    for name in ("ansit:analysis-detail", "ansit:lokus", "ansit:matrix", "ansit:coverage"):
        html = camat.get(reverse(name, kwargs={"pk": analysis.pk}) + "?semua=1&kec=32.11.02").content.decode()
        main = html.split("<main>")[1]
        assert "Cikareo Selatan" in main, name
        assert "Kirisik" not in main and "Tarikolot" not in main, name
    xlsx = load_workbook(
        io.BytesIO(camat.get(reverse("ansit:matrix-xlsx", kwargs={"pk": analysis.pk})).content)
    )
    codes = {row[1] for row in xlsx["Matriks Prioritisasi"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert HOT_WADO in codes and HOT_JATI not in codes
    # District-wide figures stay district-wide: the mean is the same for everybody.
    op_page = client_for(world, "operator").get(reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk}))
    mean = op_page.content.decode().split('id="mean-prevalence">')[1].split("<")[0]
    assert mean in camat.get(reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk})).content.decode()
    # The charts are cached by what they draw: drawn first for the operator (every desa), they never
    # reach the camat.
    from django.core.cache import cache

    cache.clear()
    op_html = client_for(world, "operator").get(reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk}))
    again = camat.get(reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk})).content.decode()
    assert (
        "Kirisik" in op_html.content.decode().split("<main>")[1] and "Kirisik" not in again.split("<main>")[1]
    )
    neighbour = client_for(world, "neighbour")
    assert neighbour.get(reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk})).status_code == 404
    assert neighbour.get(reverse("ansit:home", kwargs={"kode": KAB})).status_code == 403
    prov = client_for(world, "provinsi")
    assert prov.get(reverse("ansit:lokus", kwargs={"pk": analysis.pk})).status_code == 200
    for name, data in (
        ("ansit:analysis-decide", {"decision": "umum", "reason": "x", "version": 1}),
        ("ansit:lokus-confirm", {"metode": "count", "nilai": "1"}),
    ):
        assert prov.post(reverse(name, kwargs={"pk": analysis.pk}), data).status_code == 403
    assert prov.post(reverse("ansit:recommendations-generate", kwargs={"kode": KAB})).status_code == 403
    assert prov.post(reverse("ansit:document-start", kwargs={"kode": KAB})).status_code == 403


# --- the document and Aksi 1 ----------------------------------------------------------------------


def finished_document(w, analysis) -> AnsitDocument:
    doc = AnsitDocument.objects.create(
        kabkota_id=KAB, tahun=TAHUN, analysis=analysis, created_by=w.user("operator"), status="selesai"
    )
    doc.pdf.save("a.pdf", ContentFile(PDF_BYTES), save=False)
    doc.docx.save("a.docx", ContentFile(b"PK\x03\x04"), save=False)
    doc.xlsx.save("a.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    doc.save()
    return doc


def test_the_generated_pdf_becomes_aksi_1_evidence_through_the_aksi_service(world):
    seed(coverage=False)
    analysis = make_analysis(world)
    doc = finished_document(world, analysis)
    aksi1 = world.aksi[1]
    before = aksi1.evidence.count()
    c = client_for(world, "operator")
    r = c.post(reverse("ansit:document-attach", kwargs={"pk": doc.pk}))
    assert r.status_code == 302 and r["Location"] == reverse("aksi:detail", kwargs={"pk": aksi1.pk})
    evidence = Evidence.objects.get(aksi=aksi1, original_name=doc.filename("pdf"))
    assert aksi1.evidence.count() == before + 1 and evidence.content_type == "application/pdf"
    assert evidence.file.read().startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="evidence.add", object_id=str(evidence.pk)).exists()
    doc.refresh_from_db()
    assert doc.evidence_id == evidence.pk
    aksi1.refresh_from_db()
    aksi_services.aksi_move(
        scope=world.scopes["operator"], aksi=aksi1, move=aksi_rules.Move.SUBMIT,
        expected_version=aksi1.version, by=world.user("operator"),
    )  # fmt: skip
    aksi1.refresh_from_db()
    assert aksi1.status == "diajukan"
    # Province and OPD may not attach; a verified Aksi 1 takes no more evidence.
    assert (
        client_for(world, "provinsi")
        .post(reverse("ansit:document-attach", kwargs={"pk": doc.pk}))
        .status_code
        == 403
    )
    assert (
        client_for(world, "opd").post(reverse("ansit:document-attach", kwargs={"pk": doc.pk})).status_code
        == 403
    )
    # The province verifies Aksi 1 once the team decided and confirmed its lokus (tests/aksi/test_aksi_work.py).
    services.analysis_decide(
        scope=world.scopes["operator"], analysis=analysis, decision=analysis.summary["recommendation"],
        reason="", expected_version=analysis.version, by=world.user("operator"),
    )  # fmt: skip
    analysis.refresh_from_db()
    confirm_lokus(world, analysis)
    aksi_services.aksi_move(
        scope=world.scopes["provinsi"], aksi=aksi1, move=aksi_rules.Move.VERIFY,
        expected_version=aksi1.version, by=world.user("provinsi"),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.document_attach(scope=world.scopes["operator"], document=doc, by=world.user("operator"))


def test_documents_are_downloadable_by_the_district_province_and_nation_only(world):
    seed(coverage=False)
    doc = finished_document(world, make_analysis(world))
    url = reverse("ansit:document-download", kwargs={"pk": doc.pk, "fmt": "pdf"})
    for persona in ("operator", "opd", "kecamatan", "desa", "puskesmas", "provinsi", "pusat"):
        r = client_for(world, persona).get(url)
        assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF"), persona
    for persona in ("neighbour", "other_province"):
        assert client_for(world, persona).get(url).status_code == 404, persona
    assert client_for(world, "operator").get(url.replace("/pdf/", "/exe/")).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_demo_builds_an_analysis_with_a_confirmed_lokus_list_once(world):
    from konvergensi.ansit.demo import ansit_demo

    seed()
    out = ansit_demo(KAB, tahun=TAHUN, periode=PERIODE)
    assert out["analyses"] == 1 and out["lokus"] >= 1 and out["recommendations"] > 0
    assert selectors.lokus_confirmed(KAB, TAHUN) is not None and Review.objects.count() == 2
    assert Analysis.objects.get().decision == Analysis.objects.get().summary["recommendation"]
    assert ansit_demo(KAB, tahun=TAHUN, periode=PERIODE) == {"analyses": 0}


@pytest.mark.django_db(transaction=True)
def test_the_document_is_built_by_the_worker_as_pdf_docx_and_excel(world, tmp_path):
    import subprocess

    from django.core.management import call_command
    from docx import Document

    from konvergensi.jobs.models import Job

    ensure_catalogue()
    seed()
    analysis = make_analysis(world)
    confirm_lokus(world, analysis)
    services.recommendations_generate(
        scope=world.scopes["operator"],
        kabkota=Region.objects.get(kode=KAB),
        tahun=TAHUN,
        by=world.user("operator"),
    )
    c = client_for(world, "operator")
    r = c.post(
        reverse("ansit:document-start", kwargs={"kode": KAB}), {"tahun": TAHUN, "analysis": analysis.pk}
    )
    job = Job.objects.get(kind="ansit_document")
    assert r["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk}) and job.status == "queued"
    assert 'hx-trigger="every 1s"' in c.get(r["Location"]).content.decode()

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    doc = AnsitDocument.objects.get()
    assert (job.status, job.percent, doc.status) == ("done", 100, "selesai")
    assert job.params["next"] in c.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()

    def download(fmt, client=c):
        response = client.get(reverse("ansit:document-download", kwargs={"pk": doc.pk, "fmt": fmt}))
        assert response.status_code == 200, fmt
        return b"".join(response.streaming_content)

    pdf = download("pdf")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "ansit.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Kabupaten Sumedang" in text and "Kirisik" in text and "Cikareo Selatan" in text
    assert (
        "Matriks Prioritisasi" in text and "Rekomendasi" in text and "rendah di 2 dari 2 desa lokus" in text
    )

    word = Document(io.BytesIO(download("docx")))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "2. Sebaran Prevalensi Stunting" in headings and "4. Desa Lokasi Fokus (Lokus)" in headings
    assert any(h.startswith("Lokasi prioritas") for h in headings)  # a recommendation group
    lokus_table = next(
        t for t in word.tables if t.rows[0].cells[0].text == "Peringkat" and len(t.columns) == 7
    )
    assert [row.cells[1].text for row in lokus_table.rows[1:]] == ["Kirisik", "Cikareo Selatan"]
    assert len(word.inline_shapes) >= 3  # the two charts and the map
    assert "{{" not in "\n".join(p.text for p in word.paragraphs)

    wb = load_workbook(io.BytesIO(download("xlsx")))
    assert {"Matriks Prioritisasi", "Daftar Lokus", "Sebaran per Wilayah", "Rekomendasi"} <= set(
        wb.sheetnames
    )
    assert [row[2] for row in wb["Daftar Lokus"].iter_rows(min_row=2, values_only=True)] == [
        "Kirisik",
        "Cikareo Selatan",
    ]
    assert (
        client_for(world, "neighbour")
        .get(reverse("ansit:document-download", kwargs={"pk": doc.pk, "fmt": "pdf"}))
        .status_code
        == 404
    )


def test_a_measurement_round_of_the_district_is_a_source_when_there_is_one(world, monkeypatch):
    import datetime as dt

    from konvergensi.measurements import selectors as measurement_selectors
    from konvergensi.measurements.models import MeasurementRound

    mine = MeasurementRound.objects.create(
        kabkota_id=KAB,
        nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1),
        tanggal_selesai=dt.date(2026, 2, 28),
    )
    theirs = MeasurementRound.objects.create(
        kabkota_id="32.10",
        nama="Februari 2026",
        tanggal_mulai=dt.date(2026, 2, 1),
        tanggal_selesai=dt.date(2026, 2, 28),
    )
    counts = {mine.pk: {HOT_WADO: (9, 30), WADO_DESA: (2, 40), "32.11.02.2001": (3, 50)}}
    monkeypatch.setattr(measurement_selectors, "desa_stunting", lambda *, round_id: counts.get(round_id, {}))
    make = lambda rnd, level="kecamatan": services.analysis_create(  # noqa: E731
        scope=world.scopes["operator"], kabkota=Region.objects.get(kode=KAB), tahun=TAHUN, periode=PERIODE,
        level=level, input_source="putaran", data_source="balita_3_6_bulan", round_id=rnd.pk, by=world.user("operator"),
    )  # fmt: skip
    analysis = make(mine)
    units = {u["kode"]: u for u in analysis.units}
    assert (units["32.11.01"]["cases"], units["32.11.01"]["measured"]) == (11, 70)
    assert analysis.round_id == mine.pk and "Februari 2026" in analysis.source_label
    assert {d["kode"]: d["cases"] for d in analysis.desa_units if d["cases"] is not None} == {
        HOT_WADO: 9, WADO_DESA: 2, "32.11.02.2001": 3
    }  # fmt: skip
    with pytest.raises(ValidationError):
        make(theirs)  # another district's round is not offered, even by its id
    page = client_for(world, "operator").get(reverse("ansit:analysis-create", kwargs={"kode": KAB}))
    assert f'<option value="{mine.pk}"' in page.content.decode()
    assert f'<option value="{theirs.pk}"' not in page.content.decode()


def test_the_upload_template_round_trips_into_an_analysis(world):
    c = client_for(world, "operator")
    response = c.get(reverse("ansit:template", kwargs={"kode": KAB}) + "?level=kecamatan")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Sebaran"]
    assert [cell.value for cell in ws[1]] == [
        "Kode Kecamatan",
        "Kecamatan",
        "Jumlah Kasus",
        "Jumlah Diukur",
        "Prevalensi (%)",
    ]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert len(rows) == Region.objects.filter(level="kecamatan", parent_id=KAB).count()
    ws.cell(rows["32.11.01"], 3, 120)
    ws.cell(rows["32.11.01"], 4, 1000)
    ws.cell(rows["32.11.02"], 5, 30)  # a prevalence only
    out = io.BytesIO()
    wb.save(out)
    r = c.post(
        reverse("ansit:analysis-create", kwargs={"kode": KAB}),
        {
            "tahun": TAHUN,
            "periode": PERIODE,
            "level": "kecamatan",
            "input_source": "unggahan",
            "margin": "50",
            "file": SimpleUploadedFile("templat-isi.xlsx", out.getvalue()),
        },
    )
    analysis = Analysis.objects.get()
    assert r["Location"] == reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk})
    units = {u["kode"]: u for u in analysis.units}
    assert units["32.11.01"]["cases"] == 120 and units["32.11.02"]["prevalence"] == 30
    assert analysis.summary["mean_prevalence"] == 21.0 and analysis.data_source == "baduta"
    assert "32.11.01.2001" in units["32.11.01"]["desa"]
    assert c.get(reverse("ansit:template", kwargs={"kode": KAB}) + "?level=rt").status_code == 404


def test_an_imported_measurement_round_feeds_the_distribution_with_its_own_counts(world):
    """No stand-in: an e-PPGBM export imported through the real pipeline, then analysed."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from konvergensi.measurements import imports
    from konvergensi.measurements import services as round_services
    from konvergensi.measurements.models import Measurement
    from tests.measurements.test_measurements import as_csv, export

    operator, scope = world.user("operator"), world.scopes["operator"]
    rnd = round_services.round_create(scope=scope, kabkota=Region.objects.get(kode=KAB), nama="Agustus 2026",
                                      tanggal_mulai=dt.date(2026, 2, 1), tanggal_selesai=dt.date(2026, 2, 28),
                                      by=operator)  # fmt: skip
    imp = imports.stage(scope=scope, rnd=rnd, by=operator,
                               upload=SimpleUploadedFile("e.csv", as_csv(export(n=500, seed=31, errors=False))))  # fmt: skip
    imports.check(imp, scope=scope)
    pipeline.commit(imp, scope=scope, by=operator)
    analysis = services.analysis_create(
        scope=scope, kabkota=Region.objects.get(kode=KAB), tahun=TAHUN, periode=PERIODE, level="kecamatan",
        input_source="putaran", data_source="balita_3_6_bulan", round_id=rnd.pk, by=operator,
    )  # fmt: skip
    stored = Measurement.objects.filter(round=rnd)
    for unit in analysis.units:
        in_kec = stored.filter(desa__kode__startswith=unit["kode"] + ".")
        assert unit["cases"] == in_kec.filter(stunted=True).count()
        assert unit["measured"] == in_kec.filter(stunted__isnull=False).count()
    assert sum(u["measured"] for u in analysis.units) == stored.filter(stunted__isnull=False).count()


def test_the_prevalence_categories_of_the_matrix_are_set_per_analysis(world):
    from konvergensi_core.ansit.categories import PrevalenceCategory

    seed()
    c = client_for(world, "operator")
    url = reverse("ansit:analysis-create", kwargs={"kode": KAB}) + f"?tahun={TAHUN}"
    form = {
        "input_source": "sasaran",
        "level": "desa",
        "periode": PERIODE,
        "margin": "50",
        "indicator_set": "2018",
    }
    c.post(url, {**form, "prev_sangat_tinggi": "25", "prev_tinggi": "12", "prev_rendah": "9"})
    custom = Analysis.objects.latest("pk")
    c.post(url, form)  # the defaults: 30 / 20 / 10
    default = Analysis.objects.latest("pk")
    assert custom.prevalence_bands == {"sangat_tinggi": 25.0, "tinggi": 12.0, "rendah": 9.0}
    assert default.prevalence_bands == {}

    def category(analysis, desa):
        settings = selectors.LokusSettings("any", "count", 2.0)
        ranking = selectors.lokus_ranking(analysis=analysis, settings=settings)
        m = selectors.matrix(ranking=ranking, visible=None, bands=analysis.bands)
        return next(r.prevalence_category for r in m.rows if r.desa == desa)

    twelve = wado_desa()[1].kode  # 12 of 100 measured
    assert category(default, twelve) == PrevalenceCategory.RENDAH
    assert category(custom, twelve) == PrevalenceCategory.TINGGI
    bad = c.post(url, {**form, "prev_sangat_tinggi": "10", "prev_tinggi": "20", "prev_rendah": "5"})
    assert bad.status_code in (200, 302) and Analysis.objects.count() == 2  # refused, nothing saved
