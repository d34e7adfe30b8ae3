import pytest

from konvergensi_core import kode


@pytest.mark.parametrize(
    ("value", "level"),
    [("32", "provinsi"), ("32.04", "kabkota"), ("32.04.12", "kecamatan"), ("32.04.12.2001", "desa")],
)
def test_level_of_reads_the_level_from_the_code_shape(value, level):
    assert kode.level_of(value) == level


@pytest.mark.parametrize(
    "bad", ["", "3", "32.4", "32.04.1", "32.04.12.201", "ab.cd", "32-04", "32.04.12.2001.1"]
)
def test_level_of_rejects_what_is_not_a_code(bad):
    with pytest.raises(kode.InvalidKode):
        kode.level_of(bad)


def test_ancestors_come_from_the_prefix_province_first():
    assert kode.ancestors("32.04.12.2001") == ["32", "32.04", "32.04.12"]
    assert kode.ancestors("32.04") == ["32"]
    assert kode.ancestors("32") == []
    assert kode.parent("32.04.12") == "32.04"
    assert kode.parent("32") is None


def test_normalise_accepts_digits_and_spaces():
    assert kode.normalise("3204122001") == "32.04.12.2001"
    assert kode.normalise(" 32.04 ") == "32.04"
    with pytest.raises(kode.InvalidKode):
        kode.normalise("32041")


def test_contains_respects_segment_boundaries():
    assert kode.contains("32.11", "32.11.01.2001")
    assert kode.contains("32.11", "32.11")
    # 32.1 is not a code, and 32.11 must not contain 32.110 (no such code) nor 32.1x siblings.
    assert not kode.contains("32.1", "32.11")
    assert not kode.contains("32.11", "32.10.01")
    assert not kode.contains("3", "32")


def test_at_level_and_jenis():
    assert kode.at_level("32.11.01.2001", "kabkota") == "32.11"
    with pytest.raises(kode.InvalidKode):
        kode.at_level("32", "kecamatan")
    assert kode.jenis_of("32.73") == "kota"
    assert kode.jenis_of("32.11") == "kabupaten"
    assert kode.jenis_of("32.73.01.1001") == "kelurahan"
    assert kode.jenis_of("91.03.01.3001") == "desa_adat"


def test_the_subtree_range_holds_the_code_and_everything_inside_it_and_nothing_beside():
    low, high = kode.subtree_range("32.05")
    inside = ["32.05", "32.05.01", "32.05.99", "32.05.01.2001", "32.05.99.2999"]
    beside = ["32.04.99.2999", "32.06", "32.06.01.1001", "32", "33.05"]
    assert all(low <= c < high for c in inside)
    assert not any(low <= c < high for c in beside)
    assert kode.subtree_range("32.11.01.2001") == ("32.11.01.2001", "32.11.01.2002")
    # Not a code, or a last digit 9 (no digit follows it): no range, the prefix alone.
    assert kode.subtree_range("32.1") is None and kode.subtree_range("32.09") is None
    assert kode.subtree_range("") is None
