"""Desa names from a file matched to official codes: exact, spelling variants, typos, choices."""

from __future__ import annotations

import polars as pl
import pytest

from konvergensi_core.desa_match import match_desa, normalise_name, remember_key, spelling_key

OFFICIAL = pl.DataFrame(
    {
        "kode": [
            "32.11.01.2001",
            "32.11.01.2002",
            "32.11.01.2003",
            "32.11.01.1004",
            "32.11.02.2001",
            "32.11.02.2002",
            "32.11.02.2003",
            "32.11.02.2004",
        ],
        "desa": [
            "Sukamaju",
            "Cibeusi",
            "Tanjungsari",
            "Kotakaler",
            "Sukamaju",
            "Sukarame",
            "Sukarami",
            "Cijambu",
        ],
        "kecamatan_kode": ["32.11.01"] * 4 + ["32.11.02"] * 4,
        "kecamatan": ["Jatinangor"] * 4 + ["Cimanggung"] * 4,
    }
)


def one(kecamatan, desa, remembered=None) -> dict:
    return match_desa(OFFICIAL, [(kecamatan, desa)], remembered).row(0, named=True)


def test_the_same_name_in_the_kecamatan_is_an_exact_match():
    r = one("Jatinangor", "Cibeusi")
    assert (r["status"], r["kode"], r["method"], r["score"]) == ("matched", "32.11.01.2002", "exact", 1.0)
    assert r["kecamatan_kode"] == "32.11.01" and r["candidates"] == []


@pytest.mark.parametrize(
    "written",
    [
        "CIBEUSI",
        "Desa Cibeusi",
        "Ds. Cibeusi",
        "DS CIBEUSI",
        "Kel. Cibeusi",
        "Kelurahan Cibeusi",
        " cibeusi. ",
    ],
)
def test_case_prefixes_and_punctuation_do_not_matter(written):
    assert one("KEC. JATINANGOR", written)["kode"] == "32.11.01.2002"


@pytest.mark.parametrize(
    ("written", "kode"),
    [
        ("Soekamadjoe", "32.11.01.2001"),  # oe → u, dj → j
        ("Suka Maju", "32.11.01.2001"),  # the space
        ("Tandjoengsari", "32.11.01.2003"),  # dj → j, oe → u (and "Tanjung" meets "Tandjung")
        ("Tanjung Sari", "32.11.01.2003"),
        ("Kota Kaler", "32.11.01.1004"),
    ],
)
def test_old_spellings_and_spaces_are_variants_of_one_name(written, kode):
    r = one("Jatinangor", written)
    assert r["status"] == "matched" and r["kode"] == kode and r["method"] in ("exact", "variant")


def test_spelling_keys_map_old_to_new_spelling_on_both_sides():
    assert spelling_key("Tjipanas") == spelling_key("Cipanas") == "cipanas"
    assert spelling_key("Njalindung") == spelling_key("Nyalindung")
    assert spelling_key("Sjahbandar") == spelling_key("Syahbandar")
    assert spelling_key("Chairul") == spelling_key("Khairul")
    assert spelling_key("Cibeusi") == "cibeusi"  # a modern name is left alone
    assert normalise_name("Ds. Suka-Maju II") == "suka maju 2"
    assert normalise_name("Kp. Baru") == normalise_name("Kampung Baru")
    assert normalise_name("Desa") == "desa"  # a name that is only the word stays


def test_a_typo_with_a_clear_winner_is_a_fuzzy_match():
    r = one("Jatinangor", "Cibeusy")
    assert r["status"] == "matched" and r["kode"] == "32.11.01.2002" and r["method"] == "fuzzy"
    assert 0.85 <= r["score"] < 1


def test_several_close_names_are_ambiguous_with_their_candidates():
    r = one("Cimanggung", "Sukaram")  # Sukarame or Sukarami?
    assert r["status"] == "ambiguous" and r["kode"] is None
    assert {c["kode"] for c in r["candidates"]} == {"32.11.02.2002", "32.11.02.2003"}
    assert all(c["kecamatan"] == "Cimanggung" for c in r["candidates"])
    assert "pilih satu" in r["message"]


def test_a_name_found_nowhere_is_unknown():
    r = one("Jatinangor", "Bandung")
    assert r["status"] == "unknown" and r["kode"] is None and r["candidates"] == []
    assert "tidak ditemukan di Kecamatan Jatinangor" in r["message"]


def test_an_empty_desa_is_unknown():
    assert one("Jatinangor", None)["message"] == "Desa/kelurahan kosong"


@pytest.mark.parametrize("written", ["3211022004", "32.11.02.2004", " 32.11.02.2004 "])
def test_a_desa_code_in_the_desa_column_is_taken_as_the_code(written):
    r = one("whatever", written)
    assert (r["status"], r["kode"], r["method"]) == ("matched", "32.11.02.2004", "kode")


def test_a_desa_code_of_another_district_is_unknown():
    r = one("Jatinangor", "3210012001")
    assert r["status"] == "unknown" and "tidak ada di kabupaten/kota ini" in r["message"]


def test_a_remembered_choice_is_used_for_the_same_written_names():
    remembered = {remember_key("Kec. Jatinangor", "Ds. Bandung"): "32.11.01.2003"}
    r = one("JATINANGOR", "Desa BANDUNG", remembered)
    assert (r["status"], r["kode"], r["method"]) == ("matched", "32.11.01.2003", "remembered")
    assert (
        one("Cimanggung", "Bandung", remembered)["status"] == "unknown"
    )  # another kecamatan: not the same pair
    stale = {remember_key("Jatinangor", "Bandung"): "32.11.09.9999"}  # a code no longer in the list
    assert one("Jatinangor", "Bandung", stale)["status"] == "unknown"


def test_without_a_known_kecamatan_a_unique_desa_of_the_district_matches():
    r = one("Jatinangr Kota", "Cijambu")
    assert (r["status"], r["kode"], r["method"]) == ("matched", "32.11.02.2004", "district")
    assert r["kecamatan_kode"] is None


def test_without_a_known_kecamatan_a_name_found_twice_is_ambiguous():
    r = one("", "Sukamaju")
    assert r["status"] == "ambiguous"
    assert {c["kode"] for c in r["candidates"]} == {"32.11.01.2001", "32.11.02.2001"}


def test_a_desa_written_under_the_wrong_kecamatan_is_confirmed_by_the_user():
    r = one("Jatinangor", "Cijambu")  # Cijambu is in Cimanggung
    assert r["status"] == "ambiguous" and [c["kode"] for c in r["candidates"]] == ["32.11.02.2004"]
    assert "ada di kecamatan lain" in r["message"]


def test_a_misspelt_kecamatan_is_still_recognised():
    assert one("Cimangung", "Cijambu")["kecamatan_kode"] == "32.11.02"
    assert one("Cimangung", "Cijambu")["method"] == "exact"


def test_only_distinct_pairs_are_matched_in_order_of_appearance():
    pairs = pl.DataFrame(
        {
            "kecamatan": ["Jatinangor", "Jatinangor", "Cimanggung", "Jatinangor"],
            "desa": ["Cibeusi", "Cibeusi", "Cijambu", "Sukamaju"],
        }
    )
    out = match_desa(OFFICIAL, pairs)
    assert out.get_column("desa").to_list() == ["Cibeusi", "Cijambu", "Sukamaju"]
    assert out.get_column("kode").to_list() == ["32.11.01.2002", "32.11.02.2004", "32.11.01.2001"]


def test_ten_digit_official_codes_are_accepted():
    official = OFFICIAL.with_columns(pl.col("kode").str.replace_all(".", "", literal=True))
    assert match_desa(official, [("Jatinangor", "Cibeusi")]).item(0, "kode") == "32.11.01.2002"


def test_a_shortened_name_is_asked_about_not_guessed():
    official = pl.DataFrame(
        {
            "kode": ["32.11.01.2004", "32.11.01.2005", "32.11.01.2001"],
            "desa": ["Cikareo Selatan", "Cikareo Utara", "Cimungkal"],
            "kecamatan_kode": ["32.11.01"] * 3,
            "kecamatan": ["Wado"] * 3,
        }
    )
    (row,) = match_desa(official, [("Wado", "Cikareo")]).to_dicts()
    assert row["status"] == "ambiguous"
    assert {c["kode"] for c in row["candidates"]} == {"32.11.01.2004", "32.11.01.2005"}


def test_a_remembered_name_never_overrides_an_exact_official_name():
    """Issue 11: a remembered answer (possibly wrong, or planted) must not move a desa whose name
    the official list has exactly (or in an old spelling) to another desa."""
    wrong = {
        remember_key("Jatinangor", "Cibeusi"): "32.11.02.2004",
        remember_key("Jatinangor", "Tandjoengsari"): "32.11.02.2004",
        remember_key(None, "Cijambu"): "32.11.01.2002",
    }
    assert one("Jatinangor", "Cibeusi")["kode"] == "32.11.01.2002"
    r = one("JATINANGOR", "Ds. CIBEUSI", wrong)
    assert (r["status"], r["kode"], r["method"]) == ("matched", "32.11.01.2002", "exact")
    r = one("Jatinangor", "Tandjoengsari", wrong)
    assert (r["status"], r["kode"], r["method"]) == ("matched", "32.11.01.2003", "variant")
    r = one(None, "Cijambu", wrong)  # no kecamatan, one desa of that name in the district
    assert (r["status"], r["kode"], r["method"]) == ("matched", "32.11.02.2004", "district")


def test_a_remembered_name_answers_only_what_does_not_match_exactly():
    remembered = {
        remember_key(None, "Sukamaju"): "32.11.02.2001",  # two desa of that name in the district
        remember_key("Cimanggung", "Sukaram"): "32.11.02.2003",  # close to Sukarame and Sukarami
    }
    assert one(None, "Sukamaju")["status"] == "ambiguous"
    r = one(None, "Sukamaju", remembered)
    assert (r["status"], r["kode"], r["method"]) == ("matched", "32.11.02.2001", "remembered")
    assert one("Cimanggung", "Sukaram")["status"] == "ambiguous"
    r = one("Cimanggung", "Sukaram", remembered)
    assert (r["status"], r["kode"], r["method"]) == ("matched", "32.11.02.2003", "remembered")
