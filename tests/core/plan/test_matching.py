"""Matching a plan against a planning or budgeting document (Tabel 2.4, 2.5; issue 14)."""

from hypothesis import given
from hypothesis import strategies as st

from konvergensi_core.plan import DocRow, PlanRow, Status, integration, match_document

CODE = "1.02.02.2.02.0016"


def plan_row(
    no="1", code=CODE, activity="Pemberian Makanan Tambahan", opd="Dinas Kesehatan", budget=1_000, **kw
):
    return PlanRow(no=no, code=code, activity=activity, opd=opd, budget=budget, **kw)


def doc_row(
    row, code=CODE, name="Pemberian Makanan Tambahan", opd="Dinas Kesehatan", pagu=1_000, locations=()
):
    return DocRow(
        code=code,
        name=name,
        opd=opd,
        indicator="",
        target="",
        unit="",
        locations=tuple(locations),
        pagu=pagu,
        sheet="Renja",
        row=row,
    )


def one(plan, doc, **kw):
    matches, unplanned = match_document([plan], doc, **kw)
    return matches[0], unplanned


def test_found_by_code_with_enough_pagu_is_masuk():
    m, unplanned = one(plan_row(), [doc_row(5, name="nama lain sama sekali", pagu=1_500)])
    assert (m.status, m.pagu, m.doc_rows, m.reason) == (Status.MASUK, 1_500, (5,), "")
    assert unplanned == []


def test_code_compared_without_spaces():
    m, _ = one(plan_row(code=" 1.02.02.2. 02.0016"), [doc_row(5, code="1.02.02.2.02.0016 ")])
    assert m.status is Status.MASUK


def test_different_codes_do_not_match_even_with_the_same_name():
    m, unplanned = one(plan_row(), [doc_row(5, code="1.02.02.2.02.0017")])
    assert m.status is Status.TIDAK_MASUK and m.reason == "tidak ditemukan" and m.pagu is None
    assert [d.row for d in unplanned] == [5]


def test_code_lines_of_the_same_opd_are_preferred():
    doc = [doc_row(5, opd="Dinas Kesehatan", pagu=600), doc_row(6, opd="Dinas Sosial", pagu=900)]
    m, unplanned = one(plan_row(opd="DINAS  KESEHATAN"), doc)
    assert m.doc_rows == (5,) and m.pagu == 600 and m.status is Status.SEBAGIAN
    assert [d.row for d in unplanned] == [6]
    # no line of the row's OPD: every line with the code
    m, _ = one(plan_row(opd="Bappeda"), doc)
    assert m.doc_rows == (5, 6) and m.pagu == 1_500


def test_by_name_within_the_same_opd_when_a_side_has_no_code():
    doc = [
        doc_row(5, code="", name="pemberian makanan  TAMBAHAN.", opd="Dinas Kesehatan"),
        doc_row(6, code="", name="Pemberian Makanan Tambahan", opd="Dinas Sosial"),
    ]
    m, unplanned = one(plan_row(code=""), doc)
    assert m.doc_rows == (5,) and m.status is Status.MASUK
    assert [d.row for d in unplanned] == [6]
    m, _ = one(plan_row(), doc)  # the plan has a code, the lines none: by name
    assert m.doc_rows == (5,)


def test_by_name_when_a_side_gives_no_opd():
    m, _ = one(plan_row(code="", opd=""), [doc_row(5, code="", opd="Dinas Kesehatan")])
    assert m.status is Status.MASUK
    m, _ = one(plan_row(code=""), [doc_row(5, code="", opd="")])
    assert m.status is Status.MASUK


def test_several_lines_sum_pagu_and_unite_locations():
    plan = plan_row(budget=1_000, locations=("Desa A", "Desa B"))
    doc = [doc_row(5, pagu=600, locations=("Desa A",)), doc_row(6, pagu=500, locations=("desa b",))]
    m, _ = one(plan, doc)
    assert (m.status, m.pagu, m.doc_rows, m.missing_locations) == (Status.MASUK, 1_100, (5, 6), ())


def test_pagu_below_budget_is_sebagian_with_the_reason():
    m, _ = one(plan_row(budget=1_250_000_000), [doc_row(5, pagu=800_000_000)])
    assert m.status is Status.SEBAGIAN
    assert m.reason == "pagu Rp 800.000.000 di bawah anggaran rencana Rp 1.250.000.000"


def test_missing_locations_are_named():
    plan = plan_row(locations=("Desa A", "Desa X", "Desa Y"))
    m, _ = one(plan, [doc_row(5, locations=("Desa A", "Desa C"))])
    assert m.status is Status.SEBAGIAN
    assert m.missing_locations == ("Desa X", "Desa Y")
    assert m.reason == "lokasi tidak ada: Desa X, Desa Y"


def test_a_document_without_locations_satisfies_every_location():
    m, _ = one(plan_row(locations=("Desa A",)), [doc_row(5, locations=())])
    assert m.status is Status.MASUK and m.missing_locations == ()


def test_without_budget_or_zero_budget_any_pagu_satisfies():
    for budget in (None, 0):
        m, _ = one(plan_row(budget=budget), [doc_row(5, pagu=None)])
        assert m.status is Status.MASUK and m.pagu is None
    m, _ = one(plan_row(budget=10), [doc_row(5, pagu=None)])
    assert m.status is Status.SEBAGIAN and "pagu tidak tercantum" in m.reason


def test_locations_compared_after_resolve():
    codes = {"Sukamaju": "33.01.01.2001", "sukamaju": "33.01.01.2001"}
    plan = plan_row(locations=("Sukamaju",))
    doc = [doc_row(5, locations=("33.01.01.2001",))]
    assert one(plan, doc)[0].status is Status.SEBAGIAN
    assert one(plan, doc, resolve=lambda t: codes.get(t, t))[0].status is Status.MASUK


def test_integration_rows_summary_unplanned_and_json():
    plan = [
        plan_row("1", budget=1_000),
        plan_row("2", code="", activity="Pelatihan Kader", opd="DPMD", budget=0),
        plan_row("3", code="1.02.02.2.02.0020", activity="Tidak Ada", budget=500),
    ]
    renja = [doc_row(5, pagu=800), doc_row(6, code="", name="pelatihan kader", opd="dpmd", pagu=0)]
    apbd = [doc_row(7, pagu=1_000), doc_row(8, code="9.99.99.9.99.9999", name="Lain", pagu=70)]
    result = integration(plan, {"apbd": apbd, "renja": renja})
    assert result.document_keys == ["renja", "apbd"]  # the order of DOCUMENTS
    assert [r.documents["renja"].status for r in result.rows] == [
        Status.SEBAGIAN,
        Status.MASUK,
        Status.TIDAK_MASUK,
    ]
    assert [r.documents["apbd"].status for r in result.rows] == [
        Status.MASUK,
        Status.TIDAK_MASUK,
        Status.TIDAK_MASUK,
    ]
    assert result.summary["apbd"]["masuk"] == 1 and result.summary["apbd"]["tidak_masuk"] == 2
    assert result.summary["renja"]["budget_sebagian"] == 1_000
    assert result.summary["apbd"]["unplanned_pagu"] == 70
    assert [d.row for d in result.doc_lines("renja", result.rows[0].documents["renja"])] == [5]
    data = result.as_json()
    assert data["ok"] is True
    assert set(data) == {"ok", "rows", "unplanned", "summary", "budgets"}
    assert data["rows"][0] == {
        "no": "1",
        "code": CODE,
        "activity": "Pemberian Makanan Tambahan",
        "opd": "Dinas Kesehatan",
        "budget": 1_000,
        "documents": {
            "renja": {"status": "sebagian", "pagu": 800, "missing_locations": []},
            "apbd": {"status": "masuk", "pagu": 1_000, "missing_locations": []},
        },
    }
    assert data["unplanned"] == {
        "renja": [],
        "apbd": [{"code": "9.99.99.9.99.9999", "name": "Lain", "pagu": 70}],
    }
    assert data["summary"] == {
        "renja": {"masuk": 1, "sebagian": 1, "tidak_masuk": 1},
        "apbd": {"masuk": 1, "sebagian": 0, "tidak_masuk": 2},
    }
    assert data["budgets"]["renja"] == {
        "masuk": 0,
        "sebagian": 1_000,
        "tidak_masuk": 500,
        "pagu": 800,
        "unplanned": 0,
    }


# --- properties -------------------------------------------------------------------------------

WORDS = st.lists(
    st.sampled_from(["makanan", "tambahan", "kader", "posyandu", "gizi", "air", "bersih"]),
    min_size=1,
    max_size=4,
)
CODES = st.sampled_from(["", CODE, "1.02.02.2.02.0017", "X.XX.01.2.01.0001"])


def messy(text: str, data) -> str:
    """``text`` with random case, repeated spaces and spaces around it."""
    out = "".join(c.upper() if data.draw(st.booleans()) else c for c in text)
    out = out.replace(" ", " " * data.draw(st.integers(1, 3)))
    return " " * data.draw(st.integers(0, 2)) + out + " " * data.draw(st.integers(0, 2))


def messy_code(code: str, data) -> str:
    if not code:
        return code
    parts = code.split(".")
    return " " * data.draw(st.integers(0, 1)) + (". " if data.draw(st.booleans()) else ".").join(parts)


@given(st.data())
def test_matching_is_symmetric_in_spacing_and_case(data):
    n = data.draw(st.integers(1, 4))
    plan = [
        plan_row(
            str(i),
            code=data.draw(CODES),
            activity=" ".join(data.draw(WORDS)),
            opd=data.draw(st.sampled_from(["Dinas Kesehatan", "DPMD", ""])),
            budget=data.draw(st.one_of(st.none(), st.integers(0, 2_000))),
            locations=tuple(data.draw(st.lists(st.sampled_from(["Desa A", "Desa B", "Desa C"]), max_size=2))),
        )
        for i in range(n)
    ]
    doc = [
        doc_row(
            10 + i,
            code=data.draw(CODES),
            name=" ".join(data.draw(WORDS)),
            opd=data.draw(st.sampled_from(["Dinas Kesehatan", "DPMD", ""])),
            pagu=data.draw(st.one_of(st.none(), st.integers(0, 2_000))),
            locations=data.draw(st.lists(st.sampled_from(["Desa A", "Desa B", "Desa C"]), max_size=2)),
        )
        for i in range(data.draw(st.integers(0, 5)))
    ]
    messy_plan = [
        PlanRow(
            no=r.no,
            code=messy_code(r.code, data),
            activity=messy(r.activity, data),
            opd=messy(r.opd, data),
            budget=r.budget,
            locations=tuple(messy(loc, data) for loc in r.locations),
        )
        for r in plan
    ]
    messy_doc = [
        DocRow(
            code=messy_code(d.code, data),
            name=messy(d.name, data),
            opd=messy(d.opd, data),
            indicator="",
            target="",
            unit="",
            locations=tuple(messy(loc, data) for loc in d.locations),
            pagu=d.pagu,
            sheet=d.sheet,
            row=d.row,
        )
        for d in doc
    ]
    clean, clean_rest = match_document(plan, doc)
    dirty, dirty_rest = match_document(messy_plan, messy_doc)
    assert [(m.status, m.pagu, m.doc_rows, len(m.missing_locations)) for m in clean] == [
        (m.status, m.pagu, m.doc_rows, len(m.missing_locations)) for m in dirty
    ]
    assert [d.row for d in clean_rest] == [d.row for d in dirty_rest]
    for row, m in zip(plan, clean, strict=True):
        # a row is never both masuk and missing a location, nor masuk with pagu below its budget
        assert not (m.status is Status.MASUK and m.missing_locations)
        if m.status is Status.MASUK and row.budget:
            assert m.pagu is not None and m.pagu >= row.budget
        assert (m.status is Status.TIDAK_MASUK) == (not m.doc_rows)
        assert set(m.missing_locations) <= set(row.locations)
    # every document line is either matched by some row or unplanned, never both
    matched = {r for m in clean for r in m.doc_rows}
    assert matched.isdisjoint({d.row for d in clean_rest})
    assert matched | {d.row for d in clean_rest} == {d.row for d in doc}
    result = integration(plan, {"renja": doc})
    s = result.summary["renja"]
    assert s["masuk"] + s["sebagian"] + s["tidak_masuk"] == len(plan)
    assert s["budget_masuk"] + s["budget_sebagian"] + s["budget_tidak_masuk"] == sum(
        r.budget or 0 for r in plan
    )
