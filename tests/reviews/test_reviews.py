"""Aksi 8, the annual review: the built-in sections against hand-computed figures, the snapshot and
its edits across rebuilds, final freezes, who may do what, the document (PDF, Word, the CLI) and the
attachment to Aksi 8."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.aksi import work
from konvergensi.aksi.models import Evidence
from konvergensi.budget.models import BudgetLine
from konvergensi.reviews import builtin, documents, sections, services
from konvergensi.reviews.models import Review
from konvergensi.wilayah.models import Region
from tests.conftest import KAB, NEIGHBOUR
from tests.reviews import fixtures as fx

pytestmark = pytest.mark.django_db
TAHUN = fx.TAHUN


def client_for(w, persona: str) -> Client:
    client = Client()
    client.force_login(w.user(persona))
    return client


def build(w) -> Review:
    return services.review_build(scope=w.scopes["operator"], kabkota=Region.objects.get(kode=KAB), tahun=TAHUN,
                                 by=w.user("operator"))  # fmt: skip


# --- the sections ---------------------------------------------------------------------------------


def test_plan_section_matches_rows_to_budget_lines(world):
    fx.plan(world)
    fx.budget(world)
    f = builtin.plan_section(KAB, TAHUN)
    assert f.numbers == {"plan_version": 1, "kegiatan": 3, "dengan_anggaran": 2, "tanpa_anggaran": 1,
                         "anggaran_rencana": 900_000, "pagu": 3_000_000, "realisasi": 2_300_000,
                         "realisasi_persen": 76.67}  # fmt: skip
    assert f.sentence == (
        "Dari 3 kegiatan rencana 2026, 2 mempunyai baris anggaran; realisasi anggaran mencapai 76,7 % dari pagu."
    )
    assert f.table.rows[-1] == ("Jumlah", "3", "2", "Rp 3.000.000", "Rp 2.300.000", "76,7 %")
    assert any("Rapat TPPS" in r and "RKPD 2027" in r for r in f.recommendations)
    assert any("Dinkes" in r for r in f.recommendations)  # 76,7 % < 80 %


def test_plan_section_prefers_perubahan_lines(world):
    fx.plan(world)
    fx.budget(world)
    BudgetLine.objects.create(kabkota_id=KAB, tahun=TAHUN, stage="perubahan", code=fx.CODE1, name="PMT",
                              opd=world.opd["Dinkes"], source="DAU", pagu=4_000_000, category="spesifik")  # fmt: skip
    f = builtin.plan_section(KAB, TAHUN)
    assert (f.numbers["pagu"], f.numbers["realisasi"], f.numbers["dengan_anggaran"]) == (4_000_000, 0, 1)


def test_plan_section_without_plan_is_not_available(world):
    f = builtin.plan_section(KAB, TAHUN)
    assert not f.available and "Belum ada rencana" in f.sentence


def test_coverage_section_first_and_last_period(world):
    i1, i2 = fx.coverage()
    f = builtin.coverage_section(KAB, TAHUN)
    assert f.numbers == {
        "periode_awal": "2026-S1",
        "periode_akhir": "2026-S2",
        "naik": 1,
        "turun": 1,
        "tetap": 0,
    }
    rows = {r[0]: r for r in f.table.rows}
    assert rows[f"{i1.kode} {i1.nama}"][1:] == ("33,3 %", "46,7 %", "+13,3 poin persen", "naik")
    assert rows[f"{i2.kode} {i2.nama}"][1:] == ("50,0 %", "30,0 %", "−20,0 poin persen", "turun")
    assert any(i2.nama in r for r in f.recommendations)


def test_prevalence_section_uses_published_rounds_and_cis(world):
    fx.rounds()
    f = builtin.prevalence_section(KAB, TAHUN)
    assert f.numbers["stunted_awal"] == 30.0 and f.numbers["stunted_akhir"] == 20.0
    assert f.numbers["stunted_bermakna"] is True
    assert f.numbers["wasted_bermakna"] is False  # 5,0 → 5,5 %, the CIs overlap
    assert f.numbers["underweight_bermakna"] is None and f.numbers["underweight_awal"] is None  # hidden
    assert f.sentence.startswith(
        "Prevalensi stunting turun 10,0 poin persen dari Agustus 2025 ke Februari 2026"
    )
    assert f.table.rows[0][1] == "30,0 % (27,0–33,0)"


def test_prevalence_section_needs_two_rounds_up_to_the_year(world):
    fx.rounds()
    assert not builtin.prevalence_section(KAB, 2025).available  # only the August 2025 round


def test_lokus_section_verdicts(world):
    fx.coverage()
    fx.rounds()
    fx.lokus()
    f = builtin.lokus_section(KAB, TAHUN)
    # D1: coverage +20 and −20 (mean 0), stunting 40 → 30 %: improved. D2: coverage unchanged, its first
    # round hidden by suppression: not improved. D3: no data: not judged.
    assert f.numbers == {"lokus": 3, "membaik": 1, "belum_membaik": 1, "belum_dinilai": 1}
    assert [r[3] for r in f.table.rows] == ["membaik", "belum membaik", "belum dapat dinilai"]


def test_rembuk_section_commitments_kept(world):
    p = fx.plan(world)
    fx.budget(world)
    fx.rembuk(p)
    f = builtin.rembuk_section(KAB, TAHUN)
    assert f.numbers == {"kegiatan_disepakati": 3, "ditepati": 2, "dianggarkan_belum_realisasi": 0,
                         "perubahan_disepakati": 1, "persen_ditepati": 66.67}  # fmt: skip
    assert ("Rapat TPPS", "Tambah lokus Wado", "belum dianggarkan") in f.table.rows


def test_sections_registered_in_order():
    keys = [s.key for s in sections.sources()]
    assert keys[:5] == ["rencana", "cakupan", "prevalensi", "lokus", "rembuk"]


# --- the review -----------------------------------------------------------------------------------


def test_build_snapshots_every_section(world):
    fx.everything(world)
    review = build(world)
    by_key = {s.key: s for s in review.sections.all()}
    assert {"rencana", "cakupan", "prevalensi", "lokus", "rembuk"} <= set(by_key)
    assert by_key["rencana"].numbers["pagu"] == 3_000_000
    assert by_key["rencana"].table["rows"][-1][0] == "Jumlah"
    assert review.recommendations.filter(generated=True).count() >= 4


def test_edit_survives_rebuild_and_is_flagged_when_numbers_change(world):
    fx.everything(world)
    review = build(world)
    section = review.sections.get(key="rencana")
    services.sentence_edit(scope=world.scopes["operator"], section=section, text="Kalimat tim.",
                           expected_version=section.version, by=world.user("operator"))  # fmt: skip
    review = build(world)
    section = review.sections.get(key="rencana")
    assert section.text == "Kalimat tim." and not section.stale_edit
    BudgetLine.objects.filter(code=fx.CODE1).update(realisasi_tw3=500_000)
    review = build(world)
    section = review.sections.get(key="rencana")
    assert section.text == "Kalimat tim." and section.stale_edit
    assert section.numbers["realisasi"] == 2_800_000


def test_sentence_edit_is_compare_and_set(world):
    fx.everything(world)
    section = build(world).sections.get(key="cakupan")
    services.sentence_edit(scope=world.scopes["operator"], section=section, text="A", expected_version=1,
                           by=world.user("operator"))  # fmt: skip
    with pytest.raises(services.Conflict):
        services.sentence_edit(scope=world.scopes["operator"], section=section, text="B", expected_version=1,
                               by=world.user("operator"))  # fmt: skip


def test_recommendations_edit_add_remove_across_rebuild(world):
    fx.everything(world)
    review = build(world)
    op, by = world.scopes["operator"], world.user("operator")
    generated = list(review.recommendations.filter(generated=True))
    services.recommendation_edit(scope=op, rec=generated[0], text="Disunting tim.", expected_version=review.version,
                                 by=by)  # fmt: skip
    review.refresh_from_db()
    removed = generated[1].text
    services.recommendation_delete(scope=op, rec=generated[1], expected_version=review.version, by=by)
    review.refresh_from_db()
    services.recommendation_add(scope=op, review=review, text="Rekomendasi tim.", expected_version=review.version,
                                by=by)  # fmt: skip
    review = build(world)
    texts = list(review.recommendations.values_list("text", flat=True))
    assert "Disunting tim." in texts and "Rekomendasi tim." in texts
    assert removed not in texts


def test_final_freezes(world):
    fx.everything(world)
    review = build(world)
    op, by = world.scopes["operator"], world.user("operator")
    services.review_finalize(scope=op, review=review, expected_version=review.version, by=by)
    section = review.sections.first()
    with pytest.raises(ValidationError):
        services.sentence_edit(scope=op, section=section, text="x", expected_version=section.version, by=by)
    with pytest.raises(ValidationError):
        build(world)
    with pytest.raises(ValidationError):
        services.recommendation_add(scope=op, review=review, text="x", expected_version=review.version, by=by)


def test_only_the_operator_manages(world):
    kab = Region.objects.get(kode=KAB)
    for persona in ("opd", "provinsi", "pusat", "kecamatan", "neighbour"):
        with pytest.raises(PermissionDenied):
            services.review_build(
                scope=world.scopes[persona], kabkota=kab, tahun=TAHUN, by=world.user(persona)
            )


@pytest.mark.parametrize(
    ("persona", "manage", "read"),
    [("operator", True, True), ("opd", False, True), ("provinsi", False, True), ("pusat", False, True),
     ("kecamatan", False, False), ("desa", False, False), ("puskesmas", False, False),
     ("neighbour", False, False), ("other_province", False, False)],
)  # fmt: skip
def test_permission_matrix(world, persona, manage, read):
    scope = world.scopes[persona]
    assert has_permission(scope, Permission.REVIEW_MANAGE, KAB) is manage
    assert has_permission(scope, Permission.REVIEW_READ, KAB) is read


# --- pages ----------------------------------------------------------------------------------------


def test_operator_page_builds_and_edits(world):
    fx.everything(world)
    c = client_for(world, "operator")
    url = reverse("reviews:home", kwargs={"kode": KAB}) + f"?tahun={TAHUN}"
    assert "Reviu tahun ini belum disusun" in c.get(url).content.decode()
    c.post(reverse("reviews:build", kwargs={"kode": KAB}), {"tahun": TAHUN})
    review = Review.objects.get(kabkota_id=KAB, tahun=TAHUN)
    page = c.get(url).content.decode()
    assert "Rencana dan realisasi" in page and 'id="edit-rencana"' in page
    response = c.post(reverse("reviews:sentence", kwargs={"pk": review.pk, "key": "rencana"}),
                      {"sentence": "Kalimat baru.", "version": 1}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kalimat baru." in body and "<html" not in body  # the section's partial only
    assert review.sections.get(key="rencana").edited_sentence == "Kalimat baru."


def test_opd_reads_without_forms_and_neighbour_sees_nothing(world):
    fx.everything(world)
    review = build(world)
    url = reverse("reviews:home", kwargs={"kode": KAB}) + f"?tahun={TAHUN}"
    page = client_for(world, "opd").get(url).content.decode()
    assert "Rencana dan realisasi" in page and 'id="edit-rencana"' not in page and 'id="build"' not in page
    assert (
        client_for(world, "opd")
        .post(reverse("reviews:build", kwargs={"kode": KAB}), {"tahun": TAHUN})
        .status_code
        == 403
    )
    neighbour = client_for(world, "neighbour")
    assert neighbour.get(url).status_code == 403
    doc = neighbour.get(reverse("reviews:document", kwargs={"pk": review.pk, "fmt": "pdf"}))
    assert doc.status_code == 404 and b"Rencana" not in doc.content


# --- the document, the CLI, Aksi 8 ----------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_document_pdf_and_docx_contain_the_sections(world):
    fx.everything(world)
    review = build(world)
    section = review.sections.get(key="rencana")
    services.sentence_edit(scope=world.scopes["operator"], section=section, text="Kalimat tim untuk dokumen.",
                           expected_version=section.version, by=world.user("operator"))  # fmt: skip
    text = _pdf_text(documents.render_review(review.kabkota, TAHUN, "pdf", review))
    for title in ("Rencana dan realisasi", "Cakupan layanan", "Prevalensi", "Lokus", "Komitmen rembuk",
                  "Kalimat tim untuk dokumen.", "Rekomendasi untuk RKPD 2027"):  # fmt: skip
        assert title in text, title
    from docx import Document

    doc = Document(io.BytesIO(documents.render_review(review.kabkota, TAHUN, "docx", review)))
    words = "\n".join(p.text for p in doc.paragraphs)
    assert "1. Rencana dan realisasi" in words and "Kalimat tim untuk dokumen." in words
    assert any("Jumlah" in c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_report_kind_assembles_without_a_review(world):
    fx.everything(world)
    content, name = documents.report_build(KAB, None, "pdf")
    assert name == "reviu-kinerja-kabupaten-sumedang-2026.pdf"
    text = _pdf_text(content)
    assert "Disusun otomatis" in text and "Rencana dan realisasi" in text


def test_cli_report_reviu(world, tmp_path):
    from typer.testing import CliRunner

    from konvergensi.cli import app

    fx.everything(world)
    out = tmp_path / "reviu.docx"
    result = CliRunner().invoke(
        app, ["report", "reviu", "--kabkota", KAB, "--year", str(TAHUN), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"


def test_attach_moves_aksi_8(world):
    fx.everything(world)
    review = build(world)
    op, by = world.scopes["operator"], world.user("operator")
    assert any("Aksi 8" in m for m in work.missing_work(kabkota=KAB, tahun=TAHUN, nomor=8))
    with pytest.raises(ValidationError):
        services.review_attach(scope=op, review=review, by=by)  # a draft is not attached
    services.review_finalize(scope=op, review=review, expected_version=review.version, by=by)
    evidence = services.review_attach(scope=op, review=review, by=by)
    aksi8 = world.aksi[8]
    aksi8.refresh_from_db()
    assert aksi8.status == "draf"
    assert Evidence.objects.get(pk=evidence.pk).aksi_id == aksi8.pk
    review.refresh_from_db()
    assert review.evidence_id == evidence.pk
    assert work.missing_work(kabkota=KAB, tahun=TAHUN, nomor=8) == []


def test_aksi_8_work_source(world):
    from konvergensi.reviews import aksi_work

    fx.everything(world)
    assert "belum ada reviu" in aksi_work.missing(KAB, TAHUN)
    review = build(world)
    services.review_finalize(scope=world.scopes["operator"], review=review, expected_version=review.version,
                             by=world.user("operator"))  # fmt: skip
    assert aksi_work.missing(KAB, TAHUN) is None
    items = aksi_work.items(world.scopes["opd"], KAB, TAHUN)
    assert items and items[0].links[0].url.startswith("/reviu/32.11/")
    assert aksi_work.items(world.scopes["neighbour"], KAB, TAHUN) == []
    assert aksi_work.missing(NEIGHBOUR, TAHUN) is not None
