"""The penilaian kinerja app: the national rubric from the shipped default, a province's adoption,
audited changes and the freeze on publication, the Excel round trip and refused uploads; a round
(two assessors grade, the province publishes: scores equal the core's, the year is locked); who sees
what (a district nothing before publication, another province nothing ever, the nation all); the
district's response, the ranking, the "kelas" layer, the history and the document."""

from __future__ import annotations

import io
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from konvergensi.accounts.models import AuditEvent, Role
from konvergensi.accounts.scope import scope_for_user
from konvergensi.assessment import figures, layer, scoring, selectors, services
from konvergensi.assessment.models import Grade, Round, RoundDistrict, Rubric
from konvergensi.wilayah.models import Region
from konvergensi_core import assessment as core
from konvergensi_core.io.assessment import write_rubric_xlsx
from tests.conftest import KAB, NEIGHBOUR, OTHER_PROVINCE_KAB, make_user

pytestmark = pytest.mark.django_db
TAHUN = 2026


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(world):
    """The province reviewer, a second Jawa Barat assessor and the Jawa Tengah province."""
    second = make_user("penilai2", Role.PROVINSI, "32")
    jateng = make_user("provjateng", Role.PROVINSI, "33")
    return {"p1": world.user("provinsi"), "p2": second, "jateng": jateng,
            "s1": world.scopes["provinsi"], "s2": scope_for_user(second), "sj": scope_for_user(jateng)}  # fmt: skip


def national_rubric(world) -> Rubric:
    rubric = services.rubric_load_default(tahun=TAHUN, by=world.user("pusat"), scope=world.scopes["pusat"])
    return services.rubric_publish(scope=world.scopes["pusat"], rubric=rubric, by=world.user("pusat"))


def open_round(world, people, rubric=None) -> Round:
    rubric = rubric or national_rubric(world)
    return services.round_create(
        scope=people["s1"], provinsi=Region.objects.get(kode="32"), tahun=TAHUN, rubric=rubric,
        nama="Penilaian 2026", kabkota=[KAB, NEIGHBOUR], assessors=[people["p1"].pk, people["p2"].pk],
        by=people["p1"],
    )  # fmt: skip


def grade_all(rnd, scope, user, kabkota, letter, *, skip=()):
    data = {}
    for ind in rnd.rubric.indicators.all():
        if ind.kode not in skip:
            data[f"huruf-{ind.pk}"] = letter
            data[f"catatan-{ind.pk}"] = f"catatan {ind.kode}"
    return services.grades_set(scope=scope, rnd=rnd, kabkota=kabkota, data=data, by=user)


def graded_round(world, people) -> Round:
    rnd = open_round(world, people)
    grade_all(rnd, people["s1"], people["p1"], KAB, "A")
    grade_all(rnd, people["s2"], people["p2"], KAB, "B", skip=("8.2",))
    grade_all(rnd, people["s1"], people["p1"], NEIGHBOUR, "C", skip=("1.3",))
    return rnd


# --- rubric ----------------------------------------------------------------------------------------------


def test_the_national_rubric_comes_from_the_shipped_default_and_freezes_when_published(world):
    rubric = services.rubric_load_default(tahun=TAHUN, by=world.user("pusat"), scope=world.scopes["pusat"])
    assert rubric.provinsi_id is None and rubric.indicators.count() == len(
        services.default_rubric().indicators
    )
    assert scoring.to_core(rubric) == services.default_rubric()
    services.rubric_update(scope=world.scopes["pusat"], rubric=rubric, data={"kelas-2": "85"},
                           expected_version=rubric.version, by=world.user("pusat"))  # fmt: skip
    rubric.refresh_from_db()
    event = AuditEvent.objects.filter(action="assessment.rubric.update").get()
    assert any(line.startswith("kelas ") and "85" in line for line in event.data["changes"])
    assert Fraction(85) in [m for _n, m in scoring.to_core(rubric).classes]
    services.rubric_publish(scope=world.scopes["pusat"], rubric=rubric, by=world.user("pusat"))
    with pytest.raises(ValidationError, match="dibekukan|tidak dapat diubah"):
        services.rubric_update(scope=world.scopes["pusat"], rubric=rubric, data={"kelas-2": "90"},
                               expected_version=rubric.version, by=world.user("pusat"))  # fmt: skip
    with pytest.raises(ValidationError):
        services.rubric_replace(scope=world.scopes["pusat"], rubric=rubric, data=services.default_rubric(),
                                expected_version=rubric.version, by=world.user("pusat"))  # fmt: skip
    # a province may not write the national rubric; a district may not even read rubrics
    with pytest.raises(PermissionDenied):
        services.rubric_load_default(tahun=TAHUN, by=world.user("provinsi"), scope=world.scopes["provinsi"])
    assert not selectors.rubric_list(scope=world.scopes["operator"]).exists()


def test_a_bad_number_or_an_invalid_rubric_is_refused_and_nothing_changes(world):
    rubric = services.rubric_load_default(tahun=TAHUN, by=world.user("pusat"), scope=world.scopes["pusat"])
    ind = rubric.indicators.first()
    for data in ({f"bobot-{ind.pk}": "abc"}, {f"bobot-{ind.pk}": "0"}, {"kelas-1": "101"}):
        with pytest.raises(ValidationError):
            services.rubric_update(scope=world.scopes["pusat"], rubric=rubric, data=data,
                                   expected_version=rubric.version, by=world.user("pusat"))  # fmt: skip
    ind.refresh_from_db()
    assert ind.bobot == 1
    assert not AuditEvent.objects.filter(action="assessment.rubric.update").exists()


def test_a_province_adopts_the_published_national_rubric_and_adjusts_its_copy(world, people):
    national = national_rubric(world)
    prov = Region.objects.get(kode="32")
    adopted = services.rubric_copy(scope=people["s1"], source=national, provinsi=prov, by=people["p1"])
    assert adopted.provinsi_id == "32" and adopted.based_on_id == national.pk and not adopted.frozen
    services.rubric_update(scope=people["s1"], rubric=adopted, data={"tahap-panel": "20"},
                           expected_version=adopted.version, by=people["p1"])  # fmt: skip
    adopted.refresh_from_db()
    national.refresh_from_db()
    assert adopted.stages["panel"] == "20" and national.stages["panel"] != "20"
    # Jawa Tengah neither sees nor edits Jawa Barat's adoption
    assert selectors.rubric_get(scope=people["sj"], pk=adopted.pk) is None
    with pytest.raises(PermissionDenied):
        services.rubric_update(scope=people["sj"], rubric=adopted, data={"tahap-panel": "30"},
                               expected_version=adopted.version, by=people["jateng"])  # fmt: skip
    # an unpublished rubric cannot be adopted
    draft = services.rubric_load_default(tahun=TAHUN, by=world.user("pusat"), scope=world.scopes["pusat"])
    with pytest.raises(ValidationError):
        services.rubric_copy(scope=people["s1"], source=draft, provinsi=prov, by=people["p1"])


def test_the_rubric_goes_out_to_excel_and_back_and_a_bad_workbook_changes_nothing(world):
    pusat = client_for(world.user("pusat"))
    rubric = services.rubric_load_default(tahun=TAHUN, by=world.user("pusat"), scope=world.scopes["pusat"])
    response = pusat.get(reverse("assessment:rubric-export", kwargs={"pk": rubric.pk}))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ws = wb["Indikator"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("Bobot") + 1, value=3)
    buffer = io.BytesIO()
    wb.save(buffer)
    url = reverse("assessment:rubric-upload", kwargs={"pk": rubric.pk})
    ok = pusat.post(
        url, {"version": str(rubric.version), "file": SimpleUploadedFile("r.xlsx", buffer.getvalue())}
    )
    assert ok.status_code == 302
    rubric.refresh_from_db()
    assert rubric.indicators.get(kode="1.1").bobot == 3
    # an unknown stage: every problem named by sheet, row and column, nothing written
    ws.cell(row=3, column=headers.index("Tahap") + 1, value="seminar")
    buffer = io.BytesIO()
    wb.save(buffer)
    bad = pusat.post(
        url, {"version": str(rubric.version), "file": SimpleUploadedFile("r.xlsx", buffer.getvalue())}
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Indikator" in text and "seminar" in text and "Tahap" in text
    rubric.refresh_from_db()
    assert rubric.indicators.get(kode="1.2").tahap == "dokumen"
    junk = pusat.post(
        url, {"version": str(rubric.version), "file": SimpleUploadedFile("r.xlsx", b"not a zip")}
    )
    assert junk.status_code == 400
    assert core.validate_rubric(scoring.to_core(rubric)) == []
    assert write_rubric_xlsx(scoring.to_core(rubric))[:2] == b"PK"


# --- a round ---------------------------------------------------------------------------------------------


def test_two_assessors_grade_and_the_published_scores_equal_the_cores(world, people):
    from konvergensi.aksi import locks

    rnd = graded_round(world, people)
    expected = core.score(scoring.to_core(rnd.rubric), scoring.grades_of(rnd), [KAB, NEIGHBOUR])
    results = services.round_publish(scope=people["s1"], rnd=rnd, by=people["p1"])
    assert results == expected
    stored = {d.kabkota_id: d for d in rnd.districts.all()}
    for r in expected:
        d = stored[r.kabkota]
        assert d.score == services._dec(r.score)  # the core's exact total, stored to 3 decimals
        assert d.score_document == services._dec(r.score_document) and d.score_panel == services._dec(
            r.score_panel
        )
        assert d.kelas == (r.klass or "") and d.rank == r.rank and d.missing == list(r.missing)
    # Sumedang: A from one assessor, B from the other (8.2 only A): better than Majalengka (C, 1.3 missing)
    assert stored[KAB].rank == 1 and stored[NEIGHBOUR].rank == 2
    assert stored[NEIGHBOUR].missing == ["1.3"]
    # the assessed districts' data of the year are locked
    assert locks.is_locked(KAB, TAHUN, 1) and locks.is_locked(NEIGHBOUR, TAHUN, 8)
    assert not locks.is_locked(KAB, TAHUN + 1, 1)
    # published: no more grading, no second publication
    with pytest.raises(ValidationError):
        grade_all(rnd, people["s1"], people["p1"], KAB, "E")
    with pytest.raises(ValidationError):
        services.round_publish(scope=people["s1"], rnd=rnd, by=people["p1"])
    assert Grade.objects.filter(round=rnd, kabkota_id=KAB, huruf="E").count() == 0


def test_only_the_rounds_assessors_grade_only_its_districts_with_the_rubrics_letters(world, people):
    rnd = open_round(world, people)
    third = make_user("penilai3", Role.PROVINSI, "32")
    with pytest.raises(PermissionDenied):  # a province account that is not an assessor of the round
        grade_all(rnd, scope_for_user(third), third, KAB, "A")
    with pytest.raises(PermissionDenied):  # another province
        grade_all(rnd, people["sj"], people["jateng"], KAB, "A")
    with pytest.raises(PermissionDenied):  # a district of the province not in the round
        grade_all(rnd, people["s1"], people["p1"], "32.01", "A")
    with pytest.raises(PermissionDenied):  # the district itself
        grade_all(rnd, world.scopes["operator"], world.user("operator"), KAB, "A")
    with pytest.raises(ValidationError, match="huruf"):
        grade_all(rnd, people["s1"], people["p1"], KAB, "Z")
    assert not Grade.objects.exists()


def test_a_province_opens_rounds_for_its_own_districts_only(world, people):
    rubric = national_rubric(world)
    with pytest.raises(PermissionDenied):
        services.round_create(scope=people["s1"], provinsi=Region.objects.get(kode="32"), tahun=TAHUN, rubric=rubric,
                              nama="x", kabkota=[KAB, OTHER_PROVINCE_KAB], assessors=[people["p1"].pk], by=people["p1"])  # fmt: skip
    with pytest.raises(PermissionDenied):  # a Jawa Tengah account as assessor
        services.round_create(scope=people["s1"], provinsi=Region.objects.get(kode="32"), tahun=TAHUN, rubric=rubric,
                              nama="x", kabkota=[KAB], assessors=[people["jateng"].pk], by=people["p1"])  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.round_create(scope=people["sj"], provinsi=Region.objects.get(kode="32"), tahun=TAHUN, rubric=rubric,
                              nama="x", kabkota=[KAB], assessors=[people["p1"].pk], by=people["jateng"])  # fmt: skip
    assert not Round.objects.exists()


def test_before_publication_the_district_sees_nothing_after_it_its_grades_and_may_respond(world, people):
    rnd = graded_round(world, people)
    d = rnd.districts.get(kabkota_id=KAB)
    operator = client_for(world.user("operator"))
    page = reverse("assessment:district", kwargs={"pk": d.pk})
    assert operator.get(page).status_code == 404
    assert selectors.published_results(scope=world.scopes["operator"], tahun=TAHUN) == []
    history = operator.get(reverse("assessment:kabkota", kwargs={"kode": KAB}))
    assert history.status_code == 200 and "Penilaian 2026" not in history.content.decode()
    with pytest.raises(PermissionDenied):
        services.response_add(
            scope=world.scopes["operator"], district=d, indicator_id=None, text="x", by=world.user("operator")
        )
    services.round_publish(scope=people["s1"], rnd=rnd, by=people["p1"])
    services.district_notes(scope=people["s1"], district=d, supervision="Perkuat data desa",
                            recommendations="Tetapkan Perbup", by=people["p1"])  # fmt: skip
    response = operator.get(page)
    text = response.content.decode()
    assert response.status_code == 200
    d.refresh_from_db()
    assert d.kelas in text and "Tetapkan Perbup" in text and "catatan 1.1" in text
    assert "penilai2" not in text  # who gave which letter stays with the province
    ind = rnd.rubric.indicators.get(kode="1.1")
    r = operator.post(
        reverse("assessment:respond", kwargs={"pk": d.pk}),
        {"indicator": str(ind.pk), "text": "Lokus sudah ditetapkan ulang"},
    )
    assert r.status_code == 302 and d.responses.get().indicator_id == ind.pk
    assert "Lokus sudah ditetapkan ulang" in client_for(people["p1"]).get(page).content.decode()
    # the neighbour sees nothing of Sumedang's result; the OPD reads but may not respond
    assert client_for(world.user("neighbour")).get(page).status_code == 404
    assert client_for(world.user("opd")).get(page).status_code == 200
    with pytest.raises(PermissionDenied):
        services.response_add(
            scope=world.scopes["opd"], district=d, indicator_id=None, text="x", by=world.user("opd")
        )


def test_another_province_sees_nothing_and_the_nation_sees_all(world, people):
    rnd = graded_round(world, people)
    services.round_publish(scope=people["s1"], rnd=rnd, by=people["p1"])
    d = rnd.districts.get(kabkota_id=KAB)
    jateng = client_for(people["jateng"])
    assert jateng.get(reverse("assessment:round", kwargs={"pk": rnd.pk})).status_code == 404
    assert jateng.get(reverse("assessment:district", kwargs={"pk": d.pk})).status_code == 404
    assert jateng.get(reverse("assessment:province", kwargs={"kode": "32"})).status_code == 403
    assert selectors.published_results(scope=people["sj"], tahun=TAHUN) == []
    assert layer.values("", TAHUN, people["sj"]) == {}
    national = selectors.published_results(scope=world.scopes["pusat"], tahun=TAHUN)
    assert [x.kabkota_id for x in national] == [KAB, NEIGHBOUR]
    page = client_for(world.user("pusat")).get(reverse("assessment:national") + f"?tahun={TAHUN}")
    assert page.status_code == 200 and "Sumedang" in page.content.decode()


def test_ranking_map_layer_history_and_export(world, people):
    rnd = graded_round(world, people)
    services.round_publish(scope=people["s1"], rnd=rnd, by=people["p1"])
    stored = {d.kabkota_id: d for d in rnd.districts.all()}
    province = client_for(people["p1"]).get(
        reverse("assessment:province", kwargs={"kode": "32"}) + f"?tahun={TAHUN}"
    )
    assert province.status_code == 200
    assert province.context["map_values"] == {k: d.kelas for k, d in stored.items() if d.kelas}
    values = layer.values("32", TAHUN, people["s1"])
    assert set(values) == {KAB, NEIGHBOUR} and values[KAB].category == stored[KAB].kelas
    nation = layer.values("", TAHUN, world.scopes["pusat"])
    assert set(nation) == {"32"} and nation["32"].text
    # the district sees only its own class in the layer
    assert set(layer.values("32", TAHUN, world.scopes["operator"])) == {KAB}
    history = client_for(world.user("operator")).get(reverse("assessment:kabkota", kwargs={"kode": KAB}))
    assert "Penilaian 2026" in history.content.decode()
    export = client_for(people["p1"]).get(reverse("assessment:round-export", kwargs={"pk": rnd.pk}))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    # Without a year asked for, the results pages show the newest year with published results.
    Round.objects.filter(pk=rnd.pk).update(tahun=TAHUN - 1)
    province = client_for(people["p1"]).get(reverse("assessment:province", kwargs={"kode": "32"}))
    assert province.context["tahun"] == TAHUN - 1 and province.context["round_year"] != TAHUN - 1
    assert [d.kabkota_id for d in province.context["results"]] == sorted(
        stored, key=lambda k: (-stored[k].score, k)
    )
    nation = client_for(world.user("pusat")).get(reverse("assessment:national"))
    assert nation.context["tahun"] == TAHUN - 1 and len(nation.context["results"]) == 2


def test_the_document_is_made_only_from_a_published_result(world, people):
    from konvergensi.reports import registry

    rnd = graded_round(world, people)
    kind = registry.get("penilaian")
    with pytest.raises(registry.NothingToReport, match="belum mempunyai"):
        kind.build(KAB, TAHUN, "docx")
    services.round_publish(scope=people["s1"], rnd=rnd, by=people["p1"])
    content, name = kind.build(KAB, TAHUN, "docx")
    assert content[:2] == b"PK" and name == f"penilaian-kinerja-3211-{TAHUN}.docx"
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert RoundDistrict.objects.get(round=rnd, kabkota_id=KAB).kelas in text
    # The province's ranking: its districts in rank order, nothing of another province.
    with pytest.raises(registry.NothingToReport, match="Provinsi"):
        kind.build_province(OTHER_PROVINCE_KAB[:2], TAHUN, "docx")
    content, name = kind.build_province("32", None, "docx")
    assert name == f"penilaian-kinerja-provinsi-32-{TAHUN}.docx"
    cells = [c.text for row in Document(io.BytesIO(content)).tables[0].rows[1:] for c in row.cells]
    ranked = sorted(rnd.districts.all(), key=lambda d: (-d.score, d.kabkota_id))
    assert cells[1::8] == [d.kabkota_id for d in ranked] and cells[0::8] == ["1", "2"]


def test_the_figures_are_computed_for_every_aksi(world):
    out = figures.figures(KAB, TAHUN)
    assert sorted(out) == list(range(1, 9))
    assert all(out[n] for n in out)


def test_the_demo_publishes_last_years_round_and_leaves_this_years_open(world, people):
    from konvergensi.aksi import locks
    from konvergensi.assessment.demo import assessment_demo

    counts = assessment_demo(tahun=TAHUN, provinsi_user=people["p1"], second_assessor=people["p2"],
                             pusat_user=world.user("pusat"), kabkota=KAB)  # fmt: skip
    assert counts["penilaian_putaran"] == 2 and counts["penilaian_nilai"] > 0
    last = Round.objects.get(tahun=TAHUN - 1)
    assert last.published and set(last.assessors.all()) == {people["p1"], people["p2"]}
    assert [
        d.kabkota_id for d in selectors.published_results(scope=world.scopes["operator"], tahun=TAHUN - 1)
    ] == [KAB]
    assert locks.is_locked(KAB, TAHUN - 1, 1) and not locks.is_locked(KAB, TAHUN, 1)
    assert Round.objects.get(tahun=TAHUN).published is None
    assert assessment_demo(tahun=TAHUN, provinsi_user=people["p1"], second_assessor=people["p2"],
                           pusat_user=world.user("pusat"), kabkota=KAB) == {}  # fmt: skip
