"""The plan's checks and totals (Tabel 2.2 subtotals; issue 14)."""

from hypothesis import given
from hypothesis import strategies as st

from konvergensi_core.plan import Check, FundingSource, PlanRow, RowClass, plan_checks, totals


def row(
    no, *, opd="Dinas Kesehatan", target="80", budget=100, locations=(), indicator="", row_class="", **kw
):
    return PlanRow(
        no=no,
        code="",
        activity=f"Kegiatan {no}",
        opd=opd,
        budget=budget,
        locations=tuple(locations),
        indicator=indicator,
        target=target,
        row_class=row_class,
        **kw,
    )


def codes(checks):
    return [(c.code, c.row_no, c.desa) for c in checks]


def test_lokus_no_row_reaches():
    rows = [row("1", locations=("33.01.01.2001",)), row("2")]  # row 2 is district-wide: reaches no lokus
    checks = plan_checks(
        rows, lokus=["33.01.01.2001", "33.01.01.2002"], desa_names={"33.01.01.2002": "Sukamaju"}
    )
    assert codes(checks) == [("lokus_tanpa_kegiatan", None, "33.01.01.2002")]
    assert checks[0].message == "Desa Sukamaju (lokus) belum dijangkau kegiatan mana pun"


def test_lokus_codes_compared_without_spaces_and_after_resolve():
    rows = [row("1", locations=(" 33.01.01. 2001",)), row("2", locations=("Sukamaju",))]
    resolve = {"Sukamaju": "33.01.01.2002"}.get
    checks = plan_checks(rows, lokus=["33.01.01.2001", "33.01.01.2002"], resolve=lambda t: resolve(t) or t)
    assert checks == []


def test_low_coverage_needs_a_row_for_the_indicator_reaching_the_desa_or_district_wide():
    lokus = ["A", "B"]
    low = {"A": ["U01", "U02"], "B": ["U01"]}
    rows = [
        row("1", indicator="U01", locations=("A",)),  # U01 in A only
        row("2", indicator="U02"),  # U02 district-wide: every desa
    ]
    checks = plan_checks(
        rows, lokus=lokus, low_coverage=low, indicator_names={"U01": "Ibu hamil KEK dapat PMT"}
    )
    assert codes(checks) == [
        ("lokus_tanpa_kegiatan", None, "B"),
        ("cakupan_rendah_tanpa_kegiatan", None, "B"),
    ]
    assert "U01 (Ibu hamil KEK dapat PMT)" in checks[1].message and "Desa B" in checks[1].message
    assert checks[1].desas == ("B",)


def test_low_coverage_is_one_check_per_indicator_naming_its_desa_most_affected_first():
    lokus = [f"D{i:02d}" for i in range(12)]
    low = {d: ["U02", "U01"] if i < 10 else ["U02"] for i, d in enumerate(lokus)}
    rows = [row("1", locations=tuple(lokus))]  # every lokus reached, no indicator addressed
    checks = plan_checks(rows, lokus=lokus, low_coverage=low, desa_names={"D00": "Cipeles"})
    assert [(c.code, len(c.desas)) for c in checks] == [
        ("cakupan_rendah_tanpa_kegiatan", 12),
        ("cakupan_rendah_tanpa_kegiatan", 10),
    ]
    assert checks[0].message.startswith("Cakupan U02 rendah di 12 desa lokus (Cipeles, D01,")
    assert "dan 4 lainnya" in checks[0].message and "D11" not in checks[0].message


def test_row_checks():
    rows = [
        row("1", opd=" "),
        row("2", target=""),
        row("3", budget=0, row_class=RowClass.BARU_DENGAN_ANGGARAN.value),
        row("4", budget=None, row_class=RowClass.BARU_DENGAN_ANGGARAN.value),
        row("5", budget=None, row_class=RowClass.BARU_TANPA_ANGGARAN.value),
        row("6", row_class=RowClass.DISESUAIKAN.value),
        row("7", row_class=RowClass.DISESUAIKAN.value, adjustments=("lokus",)),
    ]
    checks = plan_checks(rows, lokus=[])
    assert codes(checks) == [
        ("tanpa_opd", "1", None),
        ("tanpa_target", "2", None),
        ("tanpa_anggaran", "3", None),
        ("tanpa_anggaran", "4", None),
        ("disesuaikan_tanpa_keterangan", "6", None),
    ]
    assert checks[0].message == "Baris 1: kegiatan 'Kegiatan 1' belum mempunyai OPD penanggung jawab"
    assert all(isinstance(c, Check) and c.message for c in checks)


def test_totals():
    rows = [
        row("1", budget=100, group=1, source="APBD Kab", row_class="tetap"),
        row(
            "2", budget=50, group=1, opd="dinas  kesehatan", source="apbd kabupaten", row_class="disesuaikan"
        ),
        row("3", budget=None, group=2, opd="DPMD", source="Dana Desa", row_class="baru_tanpa_anggaran"),
        row("4", budget=30, group=None, opd="", source="hibah", row_class=""),
    ]
    t = totals(rows)
    assert t.total == 180
    assert t.by_group == {1: 150, 2: 0, None: 30}
    assert t.by_opd == {"Dinas Kesehatan": 150, "DPMD": 0, "": 30}
    assert t.by_source == {
        FundingSource.APBD_KABKOTA.value: 150,
        FundingSource.DANA_DESA.value: 0,
        "hibah": 30,
    }
    assert t.by_class == {"tetap": 100, "disesuaikan": 50, "baru_tanpa_anggaran": 0, "": 30}
    assert t.source_label("apbd_kabkota") == "APBD Kabupaten/Kota" and t.source_label("hibah") == "hibah"


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 10**12)), st.sampled_from([None, 1, 2, 3, 4])),
        max_size=12,
    )
)
def test_every_breakdown_adds_up_to_the_total(items):
    rows = [
        row(str(i), budget=b, group=g, opd=f"OPD {i % 3}", source=["APBN", "BOK", ""][i % 3])
        for i, (b, g) in enumerate(items)
    ]
    t = totals(rows)
    expected = sum(b or 0 for b, _ in items)
    assert t.total == expected
    for part in (t.by_group, t.by_opd, t.by_source, t.by_class):
        assert sum(part.values()) == expected
