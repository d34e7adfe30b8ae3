"""The public page speaks its reader's language, the sentences of the snapshot too (issue 13).

A snapshot is frozen when the district publishes; its page is read in Indonesian or English. New
snapshots (version 2) store keys and parameters, worded at render time; old ones (version 1) hold
the Indonesian sentences, which are shown in English when their wording is known. The PDF stays
Indonesian, and no published number changes.
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from konvergensi.measurements import selectors as measurement_selectors
from konvergensi.measurements.demo import generate, kabkota_desa
from konvergensi.measurements.models import RoundStatus
from konvergensi.publication import reports, snapshot, wording
from konvergensi.publication.models import Publication
from konvergensi_core.aggregates import quality_by
from tests.conftest import KAB
from tests.publication.test_publication import import_into, make_round

pytestmark = pytest.mark.django_db

ID_ROUTINE = "bukan dari survei. Hanya anak yang datang dan diukur yang terhitung"
EN_ROUTINE = "not from a survey. Only children who came and were measured are counted"
# What a version-1 snapshot stored, word for word (the Wilson paragraph of the method note).
ID_WILSON = (
    "Selang kepercayaan 95 % memakai metode skor Wilson. Selang ini hanya menggambarkan "
    "ketidakpastian karena jumlah anak yang sedikit, bukan kesalahan pengukuran atau anak yang "
    "tidak datang."
)
EN_WILSON = "The 95 % confidence intervals use the Wilson score method."
# A verdict as konvergensi_core.aggregates words it: an issue holding "; " itself, three kinds.
ID_VERDICT = (
    "Perlu pelatihan ulang: preferensi angka desimal berat tinggi (0 dan 5; skor 31,2); "
    "12,5 % z-score TB/U di luar batas WHO (> 10 %); SD z-score BB/TB 1,45 (di luar 0,8–1,2 WHO)"
)


def _publish(world, nama: str, start: dt.date) -> Publication:
    rnd = make_round(world, nama=nama, start=start)
    import_into(world, rnd, generate(kabkota_desa(KAB)[:6], n=40, visit_from=start,
                                     visit_to=start + dt.timedelta(days=19), seed=5))  # fmt: skip
    rnd.status = RoundStatus.DIPUBLIKASIKAN
    rnd.save(update_fields=["status"])
    return Publication.objects.create(round=rnd, data=snapshot.publication_build(rnd))


@pytest.fixture
def published(world) -> Publication:
    return _publish(world, "Februari 2026", dt.date(2026, 2, 1))


def _read(pub: Publication, language: str) -> str:
    client = Client()
    if language != "id":
        client.cookies["django_language"] = language
    url = reverse("publication:public-round", kwargs={"kode": KAB, "pk": pub.round_id})
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def test_a_new_snapshot_stores_keys_and_parameters_not_sentences(published):
    data = json.loads(json.dumps(published.data))
    assert data["version"] == 2
    assert data["method"] == ["routine", "who2006", "flags", "wilson", "suppression"]
    q = data["quality"]
    assert q["assessed"] and "verdict" not in q and "issues" not in q
    assert q["verdict_parts"]["key"] in wording.VERDICT
    with translation.override("id"):
        sentences = [*wording.method_paragraphs(data), wording.verdict_text(q)]
    stored = set(_strings(data))
    assert not [s for s in sentences if s in stored]
    assert not [s for s in stored if "bukan dari survei" in s or "Perlu " in s]


def test_the_public_page_speaks_the_readers_language(published):
    data = published.data
    indonesian, english = _read(published, "id"), _read(published, "en")
    assert ID_ROUTINE in indonesian and ID_WILSON in indonesian
    assert EN_ROUTINE not in indonesian
    assert EN_ROUTINE in english and EN_WILSON in english
    assert ID_ROUTINE not in english and "Selang kepercayaan" not in english
    # The round's own name and the coverage are the parameters of the first paragraph.
    assert f"round {data['round']['nama']}, not from a survey" in english
    for language, page in (("id", indonesian), ("en", english)):
        with translation.override(language):
            assert f"<strong>{escape(wording.verdict_text(data['quality']))}</strong>" in page
    # The published numbers are the same on both pages.
    district = data["district"]
    for page in (indonesian, english):
        assert f"{district['stunted_prevalence_display']} %" in page
        assert district["stunted_ci_display"] in page


def test_an_old_snapshot_with_indonesian_sentences_reads_in_the_readers_language(world, published):
    """A version-1 snapshot stored the Indonesian sentences: known ones are translated when shown,
    any other is shown as stored; the Indonesian reader sees exactly what was stored."""
    old = _publish(world, "Januari 2026", dt.date(2026, 1, 1))
    data = copy.deepcopy(old.data)
    with translation.override("id"):
        method = wording.method_paragraphs(data)
    assert ID_WILSON in method  # the wording version 1 stored
    data["version"] = 1
    data["method"] = [*method, "Catatan lama yang tidak dikenal."]
    data["quality"]["verdict"] = "Baik"
    data["quality"]["issues"] = []
    del data["quality"]["verdict_parts"]
    Publication.objects.filter(pk=old.pk).update(data=data)
    old.refresh_from_db()

    indonesian, english = _read(old, "id"), _read(old, "en")
    for sentence in data["method"]:
        assert escape(sentence) in indonesian
    assert "<strong>Baik</strong>" in indonesian
    assert EN_ROUTINE in english and EN_WILSON in english and ID_WILSON not in english
    assert "round Januari 2026, not from a survey" in english
    assert "Catatan lama yang tidak dikenal." in english  # unknown: as stored
    assert "<strong>Good</strong>" in english


def test_the_core_verdict_wording_is_read_back_exactly():
    parts = wording.parse_verdict(ID_VERDICT)
    assert parts["key"] == "retrain"
    assert [i["key"] for i in parts["issues"]] == ["dps_weight", "flagged", "sd"]
    assert parts["issues"][0]["params"] == {"digits": "0 dan 5", "score": "31,2"}
    assert parts["issues"][1]["params"] == {"share": "12,5", "index": "TB/U", "limit": "10"}
    with translation.override("id"):
        assert wording.verdict_text({"verdict_parts": parts}) == ID_VERDICT  # new snapshots
        assert wording.verdict_text({"verdict": ID_VERDICT}) == ID_VERDICT  # old snapshots
    for verdict in ("Baik", "Data terlalu sedikit untuk dinilai (< 30 anak)"):
        assert wording.parse_verdict(verdict)["issues"] == []
    assert wording.parse_verdict("Perlu perhatian: sesuatu yang baru") is None
    assert wording.verdict_text({"verdict": "Perlu perhatian: sesuatu yang baru"}) == (
        "Perlu perhatian: sesuatu yang baru"  # a wording not known: as stored
    )


def test_the_verdict_of_a_real_round_is_stored_as_parts(published):
    """The verdict the core words for a real round is read into parts (not kept as a sentence),
    and reads back as the core wrote it."""
    frame = measurement_selectors.quality_frame(
        measurement_selectors.round_frame(round_id=published.round_id)
    )
    core = quality_by(frame.with_columns(__unit=pl.lit("all")), "__unit").row(0, named=True)["verdict"]
    parts = published.data["quality"]["verdict_parts"]
    with translation.override("id"):
        assert wording.verdict_text({"verdict_parts": parts}) == core


def test_the_pdf_stays_indonesian_for_an_english_reader(published):
    with translation.override("en"):
        html = " ".join(reports.publication_pdf_html(published.data, {}).split())
        assert translation.get_language() == "en"
    assert ID_ROUTINE in html and ID_WILSON in html
    assert EN_ROUTINE not in html
    with translation.override("id"):
        assert f"Penilaian kabupaten/kota: {escape(wording.verdict_text(published.data['quality']))}" in html
