"""Budget maps and the export of everything (issue 15): the values endpoints give the core summary's
figures for the right regions and only to readers of those regions; the pages carry the map; the
Excel export has the lines and one sheet per breakdown, each adding up to the total pagu; the CSV
summary has every breakdown with a ``bagian`` column and no live formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from konvergensi.ansit.models import Analysis, LokusDesa, LokusList
from konvergensi.budget import selectors
from konvergensi.budget.models import BudgetLine
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import budget as rules
from konvergensi_core.budget import figures
from tests.conftest import DESA, KAB, NEIGHBOUR, OTHER_PROVINCE_KAB

pytestmark = pytest.mark.django_db

OTHER_DESA = "32.11.02.2001"  # a desa of Jatinunggal, Sumedang
Q = "?tahun=2026&tahap=murni"


def line(kab: str, code: str, pagu: int, real: tuple, *, opd: str = "Dinkes", locations=(), direct=False,
         groups=("balita",), indicators=(), category="spesifik", source="DAU", name="Gizi") -> BudgetLine:  # fmt: skip
    return BudgetLine.objects.create(
        kabkota_id=kab, tahun=2026, stage="murni", code=code, name=name,
        opd=OPD.objects.get(kabkota_id=kab, singkatan=opd), source=source, pagu=pagu,
        realisasi_tw1=real[0], realisasi_tw2=real[1], realisasi_tw3=real[2], realisasi_tw4=real[3],
        category=category, target_groups=list(groups), indicators=list(indicators), locations=list(locations),
        direct=direct,
    )  # fmt: skip


@pytest.fixture
def budget(world):
    """Sumedang: three lines (one to a lokus desa and one more desa, one district-wide, one to another
    desa), a confirmed lokus list with DESA; Majalengka (same province) one line; Brebes (Jawa
    Tengah) one line."""
    assert Region.objects.filter(kode=OTHER_DESA, level="desa").exists()
    line(KAB, "1.02.02.2.02.0016", 1_000_000_000, (100_000_000, 200_000_000, None, None),
         locations=(DESA, OTHER_DESA), direct=True, indicators=("B07",))  # fmt: skip
    line(KAB, "1.03.03.2.01.0007", 2_000_000_000, (0, 0, None, None), opd="DPUPR", groups=("keluarga", "balita"),
         category="sensitif", source="DAK fisik", name="=HYPERLINK(\"http://x\",\"SPAM\")")  # fmt: skip
    line(KAB, "2.14.04.2.01.0003", 500_000_000, (50_000_000, None, None, None), opd="DP2KB",
         locations=(OTHER_DESA,), groups=(), category="pendamping")  # fmt: skip
    line(NEIGHBOUR, "1.02.02.2.02.0016", 700_000_000, (350_000_000, None, None, None), direct=True)
    line(OTHER_PROVINCE_KAB, "1.02.02.2.02.0016", 900_000_000, (0, None, None, None))
    analysis = Analysis.objects.create(kabkota_id=KAB, tahun=2026, periode="2025", level="desa",
                                       input_source="sasaran", data_source="balita_1_tahun", decision="umum", units=[])  # fmt: skip
    lokus = LokusList.objects.create(kabkota_id=KAB, tahun=2026, analysis=analysis, indicator_set="2018",
                                     eligibility="any", method="count", value=1)  # fmt: skip
    LokusDesa.objects.create(lokus_list=lokus, desa_id=DESA, rank=1)
    return world


def client(w, persona) -> Client:
    c = Client()
    c.force_login(w.user(persona))
    return c


def get_json(w, persona, name, kwargs=None, query=Q):
    return client(w, persona).get(reverse(name, kwargs=kwargs) + query)


def test_the_desa_values_are_the_summarys_by_desa_with_lokus_and_kecamatan_outlines(budget):
    data = selectors.summary(KAB, 2026, "murni")
    assert data["lokus"]["pagu"] == 1_000_000_000  # the real confirmed lokus list is used
    response = get_json(budget, "opd", "budget:map-desa", {"kode": KAB})
    assert response.status_code == 200
    body = response.json()
    values = body["values"]
    assert set(values) == set(
        Region.objects.filter(level="desa", kode__startswith=KAB + ".").values_list("kode", flat=True)
    )
    for kode, v in data["by_desa"].items():
        assert (values[kode]["pagu"], values[kode]["realisasi"]) == (v["pagu"], v["realisasi"])
    # 1e9 split over two desa, plus the whole 5e8 line on OTHER_DESA
    assert values[DESA]["pagu"] == 500_000_000 and values[OTHER_DESA]["pagu"] == 1_000_000_000
    assert values[DESA]["lokus"] is True and values[OTHER_DESA]["lokus"] is False
    assert values[DESA]["nama"] == Region.objects.get(kode=DESA).nama and values[DESA]["lat"] is not None
    assert values[DESA]["text"]["pagu"] == "Rp 500.000.000"
    untouched = next(k for k in values if k not in data["by_desa"])
    assert values[untouched]["pagu"] == 0 and values[untouched]["absorption"] is None
    assert set(body["measures"]) == {"pagu", "absorption"}
    assert {f["properties"]["kode"][:5] for f in body["kecamatan"]} == {KAB}
    assert len(body["measures"]["pagu"]["legend"]) == len(body["measures"]["pagu"]["limits"]) + 1


def test_the_province_values_are_each_districts_summary_and_only_its_districts(budget):
    body = get_json(budget, "provinsi", "budget:map-province", {"kode": "32"}).json()
    assert set(body["values"]) == {KAB, NEIGHBOUR}  # Brebes is Jawa Tengah's
    for kab in (KAB, NEIGHBOUR):
        s = selectors.summary(kab, 2026, "murni")
        v = body["values"][kab]
        assert (v["pagu"], v["realisasi"], v["absorption"]) == (s["pagu"], s["realisasi"], s["absorption"])
        assert (v["lokus"], v["direct"]) == (s["lokus"]["share"], s["direct_to_target"]["share"])
    assert body["values"][KAB]["lokus"] == pytest.approx(1 / 3.5)
    assert body["values"][KAB]["text"]["absorption"] == "10,0 %"  # 350 jt of 3,5 M
    assert body["measures"]["lokus"]["limits"] == [0.2, 0.4, 0.6, 0.8]
    # another year or stage: nothing tagged
    assert (
        get_json(budget, "provinsi", "budget:map-province", {"kode": "32"}, "?tahun=2025").json()["values"]
        == {}
    )


def test_the_national_values_combine_the_districts_per_province_or_list_every_district(budget):
    body = get_json(budget, "pusat", "budget:map-national").json()
    assert set(body["values"]) == {"32", "33"}
    jabar = body["values"]["32"]
    assert (jabar["pagu"], jabar["realisasi"], jabar["districts"]) == (4_200_000_000, 700_000_000, 2)
    assert jabar["direct"] == pytest.approx(1_700 / 4_200)  # from the sums, not the mean of the shares
    assert jabar["lokus"] == pytest.approx(1_000 / 4_200)
    every = get_json(budget, "pusat", "budget:map-national", query=Q + "&tingkat=kabkota").json()
    assert set(every["values"]) == {KAB, NEIGHBOUR, OTHER_PROVINCE_KAB}
    assert every["values"][OTHER_PROVINCE_KAB]["pagu"] == 900_000_000
    bad = get_json(budget, "pusat", "budget:map-national", query=Q + "&tingkat=desa")
    assert bad.status_code == 400 and "Tingkat tidak dikenal" in bad.json()["message"]


@pytest.mark.parametrize(
    ("name", "kwargs", "refused"),
    [
        ("budget:map-desa", {"kode": KAB}, ("kecamatan", "desa", "puskesmas", "neighbour", "other_province")),
        ("budget:map-province", {"kode": "32"}, ("operator", "opd", "neighbour", "other_province")),
        ("budget:map-national", None, ("operator", "provinsi", "neighbour")),
    ],
)
def test_the_values_endpoints_refuse_readers_outside_their_scope(budget, name, kwargs, refused):
    for persona in refused:
        response = get_json(budget, persona, name, kwargs)
        assert response.status_code in (403, 404), persona
        assert b"pagu" not in response.content
    assert Client().get(reverse(name, kwargs=kwargs)).status_code == 302


def test_the_pages_carry_the_map_container_and_the_national_page_every_district(budget):
    home = client(budget, "operator").get(reverse("budget:home", kwargs={"kode": KAB}) + Q).content.decode()
    assert 'id="peta-anggaran"' in home and 'data-kind="desa"' in home
    assert reverse("budget:map-desa", kwargs={"kode": KAB}) in home and "budget/peta-anggaran.js" in home
    prov = (
        client(budget, "provinsi").get(reverse("budget:province", kwargs={"kode": "32"}) + Q).content.decode()
    )
    assert 'id="peta-anggaran"' in prov and reverse("wilayah:geojson", kwargs={"kode": "32"}) in prov
    assert reverse("budget:map-province", kwargs={"kode": "32"}) in prov and 'id="peta-ukuran"' in prov
    nation = client(budget, "pusat").get(reverse("budget:national") + Q).content.decode()
    assert 'id="peta-anggaran"' in nation and "data-drill-geojson" in nation
    assert "Kabupaten Brebes" in nation and "Rp 4.200.000.000" in nation  # every district; Jawa Barat's sum


def test_the_excel_export_has_the_lines_and_a_sheet_per_breakdown_each_adding_up(budget):
    response = client(budget, "operator").get(
        reverse("budget:export", kwargs={"kode": KAB, "fmt": "xlsx"}) + Q
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[:10] == ["Anggaran", "Per kategori", "Per sumber dana", "Per OPD", "Per triwulan",
                                  "Per kelompok sasaran", "Per indikator", "Per desa", "Desa lokus",
                                  "Langsung ke sasaran"]  # fmt: skip
    assert wb["Anggaran"].cell(row=3, column=1).value == "Kode Sub Kegiatan"
    assert wb["Anggaran"].max_row >= 6
    total_pagu, total_real = 3_500_000_000, 350_000_000

    def rows(sheet):
        ws = wb[sheet]
        assert [c.value for c in ws[3]] == ["Kode", "Nama", "Pagu", "Realisasi", "Serapan", "Porsi pagu"]
        return [[c.value for c in r] for r in ws.iter_rows(min_row=4) if any(c.value is not None for c in r)]

    for sheet in (
        "Per kategori",
        "Per sumber dana",
        "Per OPD",
        "Per desa",
        "Desa lokus",
        "Langsung ke sasaran",
    ):
        got = rows(sheet)
        assert sum(r[2] for r in got) == total_pagu, sheet
        assert sum(r[3] for r in got) == total_real, sheet
    assert sum(r[3] for r in rows("Per triwulan")) == total_real
    # a line counts fully in each of its groups; the lines without a group in their own row
    groups = {r[0] or r[1]: r[2] for r in rows("Per kelompok sasaran")}
    assert groups["balita"] == 3_000_000_000 and groups["Tanpa kelompok sasaran"] == 500_000_000
    desa = {r[0]: r for r in rows("Per desa")}
    assert desa[DESA][1] == Region.objects.get(kode=DESA).nama  # names, not only codes
    assert rows("Desa lokus")[0][2:4] == [1_000_000_000, 300_000_000]
    expected = selectors.indicator_codes().get("B07", "B07")
    assert rows("Per indikator")[0][:3] == ["B07", expected, 1_000_000_000]
    spam = next(
        r for r in wb["Anggaran"].iter_rows(min_row=4, values_only=True) if r[0] == "1.03.03.2.01.0007"
    )
    assert spam[1] == '\'=HYPERLINK("http://x","SPAM")'  # the formula-like name stays text


def test_the_summary_csv_has_every_breakdown_in_one_table_safe_from_formulas(budget):
    c = client(budget, "provinsi")
    url = reverse("budget:export", kwargs={"kode": KAB, "fmt": "csv"})
    response = c.get(url + Q + "&bagian=ringkasan")
    assert response.status_code == 200 and "ringkasan" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["bagian", "kode", "nama", "pagu", "realisasi", "serapan", "porsi_pagu"]
    parts = {r[0] for r in table[1:]}
    assert parts == {"kategori", "sumber_dana", "opd", "triwulan", "kelompok_sasaran", "indikator", "desa", "lokus",
                     "langsung"}  # fmt: skip
    kategori = [r for r in table[1:] if r[0] == "kategori"]
    assert sum(int(r[3]) for r in kategori) == 3_500_000_000
    assert kategori[0][:2] == ["kategori", "spesifik"] and kategori[0][5] == "0,3000"  # 300 jt of 1 M
    assert not any(cell.startswith(("=", "+", "@")) for r in table for cell in r)
    lines_csv = c.get(url + Q).content.decode("utf-8-sig")
    assert lines_csv.startswith("Kode Sub Kegiatan;") and "'=HYPERLINK" in lines_csv
    bad = c.get(url + Q + "&bagian=semua")
    assert bad.status_code == 400 and "Bagian ekspor tidak dikenal" in bad.content.decode()


def test_the_core_breakdowns_add_up_and_the_amount_classes_are_increasing():
    lines = [
        rules.BudgetLine(code="1.02.02.2.02.0016", name="a", opd="Dinkes", source="DAU", pagu=1001,
                         realisasi=(1, 2, None, None), category="spesifik", target_groups=("balita", "baduta"),
                         indicators=("b07", "C03"), locations=("32.11.01.2001", "32.11.01.2002"), direct=True),
        rules.BudgetLine(code="1.02.02.2.02.0017", name="b", opd="Bappeda", source="PAD", pagu=500,
                         realisasi=(None, None, None, None), category="pendamping", target_groups=(),
                         indicators=(), locations=(), direct=False),
    ]  # fmt: skip
    parts = {
        b.key: b for b in figures.breakdowns(lines, lokus=["32.11.01.2002"], indicator_names={"B07": "Gizi"})
    }
    for b in parts.values():
        if b.additive and b.key != "triwulan":
            assert sum(r.pagu for r in b.rows) == 1501, b.key
            assert sum(r.realisasi for r in b.rows) == 3, b.key
    assert not parts["kelompok_sasaran"].additive
    assert sum(r.realisasi for r in parts["triwulan"].rows) == 3
    assert [(r.code, r.name, r.pagu) for r in parts["indikator"].rows] == [
        ("B07", "Gizi", 1001), ("C03", "C03", 1001), ("", "Tanpa indikator", 500)
    ]  # fmt: skip
    assert [(r.code, r.pagu) for r in parts["desa"].rows] == [("32.11.01.2001", 501), ("32.11.01.2002", 500),
                                                               ("", 500)]  # fmt: skip
    assert parts["lokus"].rows[0].pagu == 1001
    assert figures.amount_limits([]) == [] and figures.amount_limits([5, 5, 5]) == []
    limits = figures.amount_limits([10**9, 2 * 10**9, 3_456_789_012, 7 * 10**9, 9 * 10**9, 0, None])
    assert limits == sorted(set(limits)) and limits[0] > 10**9 - 1
    assert figures.class_of(None, limits) is None and figures.class_of(10**12, limits) == len(limits)
    # few distinct amounts: each its own class, limits rounded down so no amount falls below its own
    few = figures.amount_limits([154_444_444, 295_000_000, 312_222_221, 312_222_221])
    assert few == [290_000_000, 310_000_000]
    assert [figures.class_of(v, few) for v in (154_444_444, 295_000_000, 312_222_221)] == [0, 1, 2]
