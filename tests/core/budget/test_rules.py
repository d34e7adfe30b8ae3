"""Budget rules: validation with context, diff, summary (the CLI JSON), flags (issue 15)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core.budget import (
    CATEGORIES,
    SERAPAN_RENDAH_TW3,
    SOURCES,
    TANPA_REALISASI,
    TARGET_GROUPS,
    BudgetLine,
    diff,
    flags,
    split_evenly,
    summary,
    validate,
)


def line(code="1.02.02.2.02.0016", opd="Dinas Kesehatan", source="PAD", pagu=1000, **kw) -> BudgetLine:
    values = {
        "name": "Sub kegiatan",
        "realisasi": (None, None, None, None),
        "category": "spesifik",
        "target_groups": (),
        "indicators": (),
        "locations": (),
        "direct": False,
        "sheet": "Anggaran",
        "row": None,
    }
    values.update(kw)
    return BudgetLine(code=code, opd=opd, source=source, pagu=pagu, **values)


# --- validate ----------------------------------------------------------------------------------


def test_validate_desa_indicator_and_duplicates_with_row_and_column():
    lines = [
        line(row=4, locations=("3211010001", "9999999999"), indicators=("U01", "Z99")),
        line(row=5, opd="dinas  kesehatan", source="PAD"),  # same key as row 4
        line(row=6, source="DAU"),  # another source: another line
    ]
    problems = validate(
        lines,
        desa_codes=["3211010001"],
        indicator_codes=["u01"],
        columns={"locations": "Lokasi Desa"},
    )
    assert [(p.row, p.column, p.value) for p in problems] == [
        (4, "Lokasi Desa", "9999999999"),
        (4, "Indikator", "Z99"),
        (5, "Kode Sub Kegiatan", "1.02.02.2.02.0016"),
    ]
    assert all(p.is_error and p.reject and p.sheet == "Anggaran" for p in problems)
    assert "baris 4" in problems[2].message
    assert "bukan desa" in problems[0].message


def test_validate_without_context_checks_only_duplicates():
    lines = [line(row=4, locations=("x",), indicators=("y",))]
    assert validate(lines) == []


# --- diff --------------------------------------------------------------------------------------


def test_diff_added_changed_unchanged_removed():
    old = [line(code="1.02.02.2.02.0001"), line(code="1.02.02.2.02.0002"), line(code="1.02.02.2.02.0003")]
    new = [
        line(code="1.02.02.2.02.0001", row=9, opd="DINAS KESEHATAN"),  # only where / how spelled
        line(code="1.02.02.2.02.0002", realisasi=(5, None, None, None)),
        line(code="1.02.02.2.02.0004"),
    ]
    d = diff(old, new)
    assert d.counts() == {"added": 1, "changed": 1, "unchanged": 1, "removed": 1}
    assert d.added[0].code.endswith("0004")
    assert d.changed[0].realisasi[0] == 5
    assert d.was[d.changed[0].key].realisasi[0] is None
    assert d.removed[0].code.endswith("0003")


# --- summary -----------------------------------------------------------------------------------


def test_summary_is_the_cli_json():
    lines = [
        line(
            code="1.02.02.2.02.0016",
            source="DAK non-fisik",
            pagu=600,
            realisasi=(100, 50, None, None),
            target_groups=("ibu_hamil", "balita"),
            indicators=("U01",),
            locations=("3211010001", "3211010002"),
            direct=True,
        ),
        line(code="2.08.02.2.01.0003", opd="DP2KB", source="PAD", pagu=400, category="sensitif"),
    ]
    s = summary(lines, lokus=["3211010002"])
    assert list(s)[:10] == [
        "pagu",
        "realisasi",
        "absorption",
        "by_category",
        "by_source",
        "by_opd",
        "by_target_group",
        "direct_to_target",
        "lokus",
        "by_quarter",
    ]
    assert s["pagu"] == 1000 and s["realisasi"] == 150 and s["absorption"] == 0.15
    assert s["by_category"] == {
        "spesifik": {"pagu": 600, "realisasi": 150},
        "sensitif": {"pagu": 400, "realisasi": 0},
        "pendamping": {"pagu": 0, "realisasi": 0},
    }
    assert list(s["by_source"]) == list(SOURCES)
    assert s["by_source"]["DAK non-fisik"] == {"pagu": 600, "realisasi": 150}
    assert s["by_opd"] == {
        "Dinas Kesehatan": {"pagu": 600, "realisasi": 150},
        "DP2KB": {"pagu": 400, "realisasi": 0},
    }
    assert (
        s["by_target_group"]["balita"] == s["by_target_group"]["ibu_hamil"] == {"pagu": 600, "realisasi": 150}
    )
    assert s["by_target_group"]["catin"] == {"pagu": 0, "realisasi": 0}
    assert s["direct_to_target"] == {"pagu": 600, "share": 0.6}
    assert s["lokus"] == {"pagu": 600, "share": 0.6}
    assert s["by_quarter"]["TW2"] == {"realisasi": 50, "cumulative": 150, "absorption": 0.15}
    assert s["by_indicator"] == {"U01": {"pagu": 600, "realisasi": 150}}
    assert s["by_desa"] == {
        "3211010001": {"pagu": 300, "realisasi": 75},
        "3211010002": {"pagu": 300, "realisasi": 75},
    }
    json.dumps(s)  # plain JSON


def test_summary_of_nothing_has_zero_shares_and_no_absorption():
    s = summary([])
    assert s["pagu"] == 0 and s["absorption"] is None
    assert s["direct_to_target"] == {"pagu": 0, "share": 0.0}
    assert s["lokus"] == {"pagu": 0, "share": 0.0}
    assert s["by_opd"] == {} and s["by_desa"] == {}


def test_lokus_needs_one_lokus_desa_and_district_wide_lines_do_not_count():
    lines = [line(pagu=10, locations=("A", "B")), line(pagu=20, code="1.02.02.2.02.0002")]
    assert summary(lines, lokus=["B"])["lokus"]["pagu"] == 10
    assert summary(lines, lokus=["C"])["lokus"]["pagu"] == 0


def test_split_evenly_gives_the_remainder_to_the_first():
    assert split_evenly(10, 3) == [4, 3, 3]
    assert split_evenly(2, 3) == [2, 0, 0]
    assert split_evenly(0, 2) == [0, 0]
    assert split_evenly(5, 0) == []


amounts = st.integers(min_value=0, max_value=10**13)
desa_codes = st.sampled_from(["3211010001", "3211010002", "3211010003", "3211020001"])


@st.composite
def budget_lines(draw):
    pagu = draw(amounts)
    quarters = []
    left = pagu
    for _ in range(4):
        q = draw(st.none() | st.integers(min_value=0, max_value=left))
        left -= q or 0
        quarters.append(q)
    return BudgetLine(
        code=f"1.02.02.2.02.{draw(st.integers(1, 9999)):04d}",
        name="x",
        opd=draw(st.sampled_from(["Dinkes", "DP2KB", "Dinas PUPR", "dinkes"])),
        source=draw(st.sampled_from(SOURCES)),
        pagu=pagu,
        realisasi=tuple(quarters),
        category=draw(st.sampled_from(CATEGORIES)),
        target_groups=tuple(draw(st.sets(st.sampled_from(TARGET_GROUPS)))),
        indicators=tuple(draw(st.sets(st.sampled_from(["U01", "U02", "S05"])))),
        locations=tuple(draw(st.lists(desa_codes, unique=True, max_size=3))),
        direct=draw(st.booleans()),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(budget_lines(), max_size=25), st.lists(desa_codes, max_size=3))
def test_every_breakdown_adds_up_to_the_total(lines, lokus):
    s = summary(lines, lokus=lokus)
    assert isinstance(s["pagu"], int) and isinstance(s["realisasi"], int)
    for name in ("by_category", "by_source", "by_opd"):
        assert sum(v["pagu"] for v in s[name].values()) == s["pagu"]
        assert sum(v["realisasi"] for v in s[name].values()) == s["realisasi"]
    for group in TARGET_GROUPS:  # a line counts fully in each of its groups
        assert s["by_target_group"][group]["pagu"] == sum(x.pagu for x in lines if group in x.target_groups)
    assert sum(v["pagu"] for v in s["by_target_group"].values()) >= sum(
        x.pagu for x in lines if x.target_groups
    )
    located = [x for x in lines if x.locations]
    assert sum(v["pagu"] for v in s["by_desa"].values()) == sum(x.pagu for x in located)
    assert sum(v["realisasi"] for v in s["by_desa"].values()) == sum(x.realised for x in located)
    assert s["by_quarter"]["TW4"]["cumulative"] == s["realisasi"]
    assert sum(q["realisasi"] for q in s["by_quarter"].values()) == s["realisasi"]
    assert 0 <= s["lokus"]["share"] <= 1 and 0 <= s["direct_to_target"]["share"] <= 1
    assert s["direct_to_target"]["pagu"] == sum(x.pagu for x in lines if x.direct)
    if s["pagu"]:
        assert s["absorption"] == s["realisasi"] / s["pagu"]
    else:
        assert s["absorption"] is None


@settings(max_examples=100, deadline=None)
@given(st.lists(budget_lines(), max_size=25))
def test_diff_of_lines_with_themselves_is_all_unchanged(lines):
    d = diff(lines, list(lines))
    unique = len({x.key for x in lines})
    assert d.counts() == {"added": 0, "changed": 0, "unchanged": unique, "removed": 0}


@settings(max_examples=100, deadline=None)
@given(amounts, st.integers(min_value=1, max_value=50))
def test_split_evenly_is_exact(amount, parts):
    shares = split_evenly(amount, parts)
    assert sum(shares) == amount and len(shares) == parts
    assert max(shares) - min(shares) < parts


# --- flags -------------------------------------------------------------------------------------


def test_flags_tanpa_realisasi_and_low_absorption_at_tw3():
    lines = [
        line(code="1.02.02.2.02.0001", pagu=1000, row=4),  # nothing recorded
        line(code="1.02.02.2.02.0002", pagu=1000, realisasi=(0, 0, None, None), row=5),  # only zeros
        line(code="1.02.02.2.02.0003", pagu=1000, realisasi=(None, 200, 299, None), row=6),  # 49.9 % at TW3
        line(code="1.02.02.2.02.0004", pagu=1000, realisasi=(None, 200, 300, None), row=7),  # exactly 50 %
        line(code="1.02.02.2.02.0005", pagu=0, row=8),  # nothing to spend
        line(code="1.02.02.2.02.0006", pagu=1000, realisasi=(None, None, 600, None), row=9),
    ]
    assert [(f.row, f.code) for f in flags(lines, quarter=1)] == [
        (4, TANPA_REALISASI),
        (5, TANPA_REALISASI),
        (6, TANPA_REALISASI),
        (7, TANPA_REALISASI),
        (9, TANPA_REALISASI),
    ]
    assert [(f.row, f.code) for f in flags(lines, quarter=2)] == [
        (4, TANPA_REALISASI),
        (5, TANPA_REALISASI),
        (9, TANPA_REALISASI),
    ]
    tw3 = flags(lines, quarter=3)
    assert [(f.row, f.code) for f in tw3] == [
        (4, TANPA_REALISASI),
        (5, TANPA_REALISASI),
        (6, SERAPAN_RENDAH_TW3),
    ]
    assert "49%" in tw3[2].message and "Rp 499" in tw3[2].message
    assert tw3[0].key == lines[0].key and tw3[0].sheet == "Anggaran"
    assert "TW3" in tw3[0].message


def test_flags_refuse_a_quarter_that_does_not_exist():
    with pytest.raises(ValueError):
        flags([], quarter=5)
