"""Programme gaps and recommendation drafts of Aksi 1 (``konvergensi_core.ansit.recommendations``):
pure rules, tested without Django or a database."""

from konvergensi_core.ansit import recommendations as rules


def test_programme_gaps_count_present_absent_and_unreported_desa_and_hotspots_without():
    pmt = rules.Availability(
        "U01", "PMT", frozenset({"a"}), frozenset({"b", "c"}), {"lainnya": 1, "dak": 3, "apbn": 1}
    )
    kie = rules.Availability("U02", "KIE", frozenset({"a", "b", "c"}), frozenset())
    gaps = {
        g.code: g for g in rules.programme_gaps([pmt, kie], desa=["a", "b", "c", "d"], hotspot={"b", "d"})
    }
    u01 = gaps["U01"]
    assert (u01.present, u01.absent, u01.unknown, u01.total) == (1, 2, 1, 4)
    # Fewer than half of the desa have it; hotspot desa b (absent) and d (not reported) lack it.
    assert u01.missing_in_most and u01.hotspot_without == ("b", "d") and u01.hotspot_total == 2
    assert u01.top_sources() == [("DAK", 3), ("APBN", 1), ("sumber lain", 1)]
    u02 = gaps["U02"]
    assert not u02.missing_in_most and u02.hotspot_without == ("d",) and u02.share_present == 75.0
    # Exactly half is not "most desa without it".
    half = rules.programme_gaps([rules.Availability("X", "X", frozenset({"a", "b"}), frozenset())],
                                desa=["a", "b", "c", "d"], hotspot=())[0]  # fmt: skip
    assert not half.missing_in_most


def test_completeness_ranking_puts_the_least_complete_first_hotspot_desa_breaking_ties():
    pmt = rules.Availability("U01", "PMT", frozenset({"a", "c"}), frozenset({"b"}))
    kie = rules.Availability("U02", "KIE", frozenset({"a"}), frozenset({"b", "c", "d"}))
    unmapped = rules.Availability("U03", "-", frozenset(), frozenset())  # not counted anywhere
    ranking = rules.completeness_ranking([pmt, kie, unmapped], desa=["a", "b", "c", "d"], hotspot={"d"})
    assert [(r.desa, r.present, r.mapped) for r in ranking] == [
        ("d", 0, 2),  # hotspot first among the desa with nothing
        ("b", 0, 2),
        ("c", 1, 2),
        ("a", 2, 2),
    ]
    assert ranking[0].hotspot and ranking[-1].share == 100.0


def facts(
    *, low: set[str], adequate: set[str], present: set[str], lokus=("a", "b", "c", "d")
) -> rules.Evidence:
    desa = ("a", "b", "c", "d", "e", "f")
    values = {d: (30.0 if d in low else 95.0 if d in adequate else 80.0) for d in desa}
    return rules.Evidence(
        tahun=2026,
        hotspot=None,
        lokus=rules.LokusFacts(
            desa=tuple(lokus), n_eligible=4, n_desa=6, method_text="4 desa", confirmed_text="x"
        ),
        coverage=(rules.IndicatorCoverage("U01", "PMT", values, frozenset(low), frozenset(adequate)),),
        programmes=(
            rules.Availability("U01", "PMT", frozenset(present), frozenset(set(desa) - present), {"dak": 2}),
        ),
        desa=desa,
        desa_names={d: d.upper() for d in desa},
        hotspot_desa=frozenset(),
    )


def test_a_priority_programme_needs_low_coverage_in_more_than_half_of_the_lokus():
    keys = lambda ev: {d.key for d in rules.recommendation_drafts(ev)}  # noqa: E731
    assert "program:U01" not in keys(facts(low={"a", "b"}, adequate={"e"}, present={"e", "f"}))  # 2 of 4
    drafts = {
        d.key: d
        for d in rules.recommendation_drafts(facts(low={"a", "b", "c"}, adequate={"e"}, present={"e", "f"}))
    }
    assert "U01 rendah di 3 dari 4 desa lokus" in drafts["program:U01"].evidence
    # Absent in the lokus, present and Memadai in desa e: move it, with the DAK option.
    assert (
        "tidak ada di 3 dari 4" in drafts["realokasi:U01"].evidence and "DAK" in drafts["realokasi:U01"].text
    )
    assert "sumber_daya:U01" not in drafts  # the programme is not there: not a resource problem
    # A lokus desa without the programme but already Memadai does not need it moved there.
    calm = {
        d.key
        for d in rules.recommendation_drafts(
            facts(low=set(), adequate={"a", "b", "c", "d", "e"}, present={"e"})
        )
    }
    assert "realokasi:U01" not in calm and "tahun_depan:U01" in calm  # 1 of 6 desa has it
