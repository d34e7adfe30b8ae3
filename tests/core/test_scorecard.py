"""The Skor Konvergensi Desa: exact, bounded, monotone, and the same whether counted per person or
per indicator; the template round trip reads back what was written."""

from __future__ import annotations

import io
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from konvergensi_core import scorecard as sc
from konvergensi_core.io.skor_xlsx import HEADER_ROW, sheets, write_template
from konvergensi_core.io.xlsx import iter_sheet_rows

INDICATORS = (
    sc.Indicator("IH01", "ibu_hamil", "ANC"),
    sc.Indicator("IH02", "ibu_hamil", "TTD"),
    sc.Indicator("AN01", "anak_0_23", "Imunisasi"),
    sc.Indicator("AN06", "anak_0_23", "PAUD"),
)
CODES = [i.code for i in INDICATORS]


@st.composite
def counts(draw):
    out = []
    for ind in INDICATORS:
        targets = draw(st.integers(0, 50))
        out.append(sc.Count(ind.code, ind.group, targets, draw(st.integers(0, targets))))
    return out


@st.composite
def people(draw):
    out = []
    for _ in range(draw(st.integers(0, 12))):
        group = draw(st.sampled_from(sc.GROUPS))
        answers = {
            i.code: draw(st.sampled_from((sc.YES, sc.NO, sc.NA))) for i in INDICATORS if i.group == group
        }
        out.append(sc.Person(group, None, answers))
    return out


def test_the_score_is_received_over_pairs_exactly():
    c = [sc.Count("IH01", "ibu_hamil", 3, 2), sc.Count("AN01", "anak_0_23", 4, 1)]
    assert sc.score(c).value == Fraction(300, 7)  # 3 of 7 pairs, not the mean of 66,7 and 25
    assert sc.scores(c)["ibu_hamil"].value == Fraction(200, 3)
    assert sc.scores(c)["anak_0_23"].value == 25
    assert sc.percent_text(sc.score(c).value) == "42,9"
    assert sc.score([]).value is None and sc.percent_text(None) == "—"
    assert sc.score([sc.Count("IH01", "ibu_hamil", 0, 0)]).value is None


@given(counts())
def test_the_score_lies_between_0_and_100(c):
    value = sc.score(c).value
    assert value is None or 0 <= value <= 100


@given(counts(), st.integers(0, len(INDICATORS) - 1))
def test_one_more_received_pair_never_lowers_the_score(c, i):
    if c[i].received == c[i].targets:
        return
    more = list(c)
    more[i] = sc.Count(c[i].code, c[i].group, c[i].targets, c[i].received + 1)
    assert sc.score(more).value >= sc.score(c).value


@given(counts(), st.sampled_from(CODES))
def test_switching_an_indicator_off_removes_its_pairs(c, code):
    on = sc.score(c, CODES)
    off = sc.score(c, [x for x in CODES if x != code])
    removed = next(x for x in c if x.code == code)
    assert on.pairs - off.pairs == removed.targets
    assert on.received - off.received == removed.received


@given(people(), st.sets(st.sampled_from(CODES)))
def test_counts_from_people_give_the_score_of_their_pairs(p, applicable):
    from_counts = sc.score(sc.counts_from_people(p, INDICATORS), applicable)
    assert from_counts == sc.pairs_of_people(p, applicable)


def test_received_above_targets_is_a_problem():
    assert sc.count_problems([sc.Count("IH01", "ibu_hamil", 2, 3)]) != []
    assert sc.count_problems([sc.Count("IH01", "ibu_hamil", 3, 3)]) == []


def test_the_template_reads_back_and_bad_cells_name_sheet_row_and_column():
    out = io.BytesIO()
    write_template(out, desa_name="Cimungkal", tahun=2026, triwulan=1, indicators=INDICATORS)
    from openpyxl import load_workbook

    out.seek(0)
    wb = load_workbook(out)
    ws = wb["Anak 0-23 bulan"]
    ws.cell(row=HEADER_ROW + 1, column=2, value=7)
    ws.cell(row=HEADER_ROW + 1, column=3, value="Y")
    ws.cell(row=HEADER_ROW + 1, column=4, value="-")
    ws.cell(row=HEADER_ROW + 2, column=2, value=30)  # too old
    ws.cell(row=HEADER_ROW + 2, column=3, value="mungkin")
    ws.cell(row=HEADER_ROW + 2, column=4, value="T")
    again = io.BytesIO()
    wb.save(again)
    again.seek(0)
    spec = sheets(INDICATORS)[1]
    found, problems = sc.read_people(spec, iter_sheet_rows(again, spec.name))
    assert len(found) == 2 and found[0].answers == {"AN01": "Y", "AN06": "-"} and found[0].age == 7
    where = {(p.sheet, p.row, p.column.split(" ")[0]) for p in problems}
    assert where == {("Anak 0-23 bulan", HEADER_ROW + 2, "Umur"), ("Anak 0-23 bulan", HEADER_ROW + 2, "AN01")}
    assert all(p.message for p in problems)
