"""Old Kemendagri codes (2021, 2022 editions) → today's (konvergensi_core.crosswalk)."""

from __future__ import annotations

import csv
import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core import crosswalk as cw
from konvergensi_core import kode as kode_rules

DATA = cw.DATA_DIR


@pytest.fixture(scope="module")
def walk() -> cw.Crosswalk:
    return cw.load()


@functools.cache
def old_codes() -> list[str]:
    """Every old code of the crosswalk (read when a test asks: importing this module reads no file)."""
    steps = cw.read_steps(DATA / "perubahan_kode.csv")
    return sorted({s.old for s in steps if s.old and s.status != "baru"})


def test_merauke_2021_is_papua_selatan_today(walk):
    change = walk.to_current("91.01")
    assert change == cw.Change("91.01", "93.01", cw.MOVED, cw.EDITION_2021, "KAB. MERAUKE")
    assert walk.to_current("9101") == change  # without dots too


def test_a_desa_moves_with_its_district(walk):
    change = walk.to_current("91.01.01.1002")
    assert (change.new, change.kind) == ("93.01.01.1002", cw.MOVED)
    assert "Samkai" in change.describe() and "93.01.01.1002" in change.describe()


def test_chained_2021_rename_then_2022_move(walk):
    # Renamed from 2021 to 2022 (same code), then moved to Papua Barat Daya in 2025.
    change = walk.to_current("92.01.13.2006")
    assert change.new == "96.01.09.2006"
    assert change.edition == cw.EDITION_2021


def test_a_2022_code_moved_in_2025(walk):
    change = walk.to_current("92.01")  # Kab. Sorong: Papua Barat → Papua Barat Daya
    assert (change.new, change.edition) == ("96.01", cw.EDITION_2022)


def test_current_and_unknown_codes_are_none(walk):
    assert walk.to_current("32.04") is None
    assert walk.to_current("93.01") is None
    assert walk.is_current("93.01") and walk.is_known("93.01")
    assert walk.to_current("99.99") is None
    assert not walk.is_known("99.99")
    assert walk.to_current("bukan kode") is None


def test_a_removed_code_is_never_guessed(walk):
    change = walk.to_current("91.13.44")
    assert change is not None and change.new is None and change.kind == cw.REMOVED
    assert walk.is_known("91.13.44")
    assert "dihapus" in change.describe()


def test_a_split_is_reported_with_its_successors_not_guessed():
    steps = [
        cw.Step(cw.EDITION_2021, cw.EDITION_2022, "91.50", "95.50", "KAB. A", "KAB. A", cw.MOVED),
        cw.Step(cw.EDITION_2021, cw.EDITION_2022, "91.50", "95.51", "KAB. A", "KAB. A", cw.MOVED),
        cw.Step(cw.EDITION_2021, cw.EDITION_2022, "91.60", "95.60", "KAB. B", "KAB. B", cw.MOVED),
        cw.Step(cw.EDITION_2022, cw.EDITION_2025, "95.60", "96.60", "KAB. B", "KAB. B", cw.MOVED),
    ]
    walk = cw.Crosswalk(frozenset({"95.50", "95.51", "96.60"}), steps)
    split = walk.to_current("91.50")
    assert (split.new, split.kind, split.candidates) == (None, cw.SPLIT, ("95.50", "95.51"))
    assert "dipecah" in split.describe()
    assert walk.to_current("91.60").new == "96.60"  # two moves chained


def test_every_kabkota_agrees_with_the_kabkota_table(walk):
    with (DATA / "kabkota_kode_antar_edisi.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 514
    for r in rows:
        for old in (r["kode_permendagri_58_2021"], r["kode_kepmendagri_6117_2022"]):
            change = walk.to_current(old)
            assert (change.new if change else old) == r["kode_2025"], old
    assert sum(r["kode_berubah"] == "ya" for r in rows) == 26


def test_loaded_once():
    assert cw.load() is cw.load()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_old_code_maps_to_a_current_code_of_its_level_or_is_reported(data):
    old = data.draw(st.sampled_from(old_codes()))
    walk = cw.load()
    change = walk.to_current(old)
    if change is None:  # renamed only: the code is still today's
        assert walk.is_current(old)
        return
    assert change.old == old
    if change.mapped:
        assert change.kind == cw.MOVED
        assert walk.is_current(change.new)
        assert kode_rules.level_of(change.new) == kode_rules.level_of(old)
        assert walk.to_current(change.new) is None  # idempotent: today's code stays
    else:
        assert change.kind in (cw.REMOVED, cw.SPLIT)


def test_earlier_codes_are_the_inverse_of_to_current(walk):
    assert ("permendagri_58_2021", "91.01") in walk.earlier_codes("93.01")
    assert walk.earlier_codes("32.11") == ()
    for old in old_codes()[:400]:
        change = walk.to_current(old)
        if change is not None and change.new is not None:
            assert old in {k for _, k in walk.earlier_codes(change.new)}
