"""The helpers written once for what several apps did each their own way (issue 12 §3):
compare-and-set with its conflict, the XLSX download, Indonesian numbers in templates, the
data-sasaran selector, the home page's panel registry and the demo accounts in the base app."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from konvergensi import concurrency
from konvergensi.aksi.models import Aksi
from konvergensi.indicators import selectors as indicator_selectors
from konvergensi.indicators import services as indicator_services
from konvergensi.indicators.models import DataSasaran
from konvergensi.web import XLSX, xlsx_response
from konvergensi.wilayah.models import Region

from .conftest import DESA, KAB, KEC, NEIGHBOUR

# --- compare-and-set --------------------------------------------------------------------------


def test_compare_and_set_writes_and_bumps_the_version(world):
    aksi = world.aksi[2]
    version = aksi.version
    concurrency.compare_and_set(aksi, version, status="draf")
    assert (aksi.status, aksi.version) == ("draf", version + 1)
    fresh = Aksi.objects.get(pk=aksi.pk)
    assert (fresh.status, fresh.version) == ("draf", version + 1)


def test_a_stale_version_raises_the_conflict_and_writes_nothing(world):
    aksi = world.aksi[2]
    stale = aksi.version
    concurrency.compare_and_set(aksi, stale, status="draf")  # someone else saved first
    other_tab = Aksi.objects.get(pk=aksi.pk)
    with pytest.raises(concurrency.Conflict) as exc:
        concurrency.compare_and_set(other_tab, stale, status="diajukan")
    assert exc.value.current.version == stale + 1  # the row as it is now, for the page
    assert "baru saja diubah oleh pengguna lain" in str(exc.value)
    assert Aksi.objects.get(pk=aksi.pk).status == "draf"


def test_each_app_raises_its_own_conflict_with_its_own_sentence(world):
    from konvergensi.aksi import services as aksi_services

    aksi = world.aksi[2]
    stale = aksi.version
    concurrency.compare_and_set(aksi, stale, status="draf")
    with pytest.raises(aksi_services.Conflict) as exc:
        concurrency.compare_and_set(Aksi.objects.get(pk=aksi.pk), stale, conflict=aksi_services.Conflict)
    assert isinstance(exc.value, concurrency.Conflict)
    assert str(exc.value).startswith("Aksi ini baru saja diubah")
    assert issubclass(indicator_services.Conflict, concurrency.Conflict)


def test_check_version_treats_a_missing_row_as_version_zero(world):
    concurrency.check_version(None, 0)
    with pytest.raises(concurrency.Conflict):
        concurrency.check_version(None, 1)
    aksi = world.aksi[2]
    concurrency.check_version(aksi, aksi.version)
    with pytest.raises(concurrency.Conflict) as exc:
        concurrency.check_version(aksi, aksi.version - 1)
    assert exc.value.current is aksi


def test_a_stale_data_sasaran_verification_is_refused(world):
    desa = Region.objects.get(kode=DESA)
    row = indicator_services.sasaran_save(
        scope=world.scopes["operator"], desa=desa, tahun=2026, values={"balita": 40},
        expected_version=0, by=world.user("operator"),
    )  # fmt: skip
    stale = row.version
    indicator_services.sasaran_return(
        scope=world.scopes["kecamatan"], row=row, expected_version=stale, reason="cek lagi",
        by=world.user("kecamatan"),
    )  # fmt: skip
    with pytest.raises(indicator_services.Conflict) as exc:
        indicator_services.sasaran_verify(
            scope=world.scopes["kecamatan"], row=DataSasaran.objects.get(pk=row.pk), expected_version=stale,
            by=world.user("kecamatan"),
        )  # fmt: skip
    assert exc.value.current.status == "dikembalikan"
    assert DataSasaran.objects.get(pk=row.pk).status == "dikembalikan"


# --- the XLSX download ------------------------------------------------------------------------


def test_the_xlsx_response_is_a_private_excel_download():
    response = xlsx_response(b"PK\x03\x04workbook", "anak stunting 32.11.xlsx")
    assert (
        response["Content-Type"]
        == XLSX
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="anak-stunting-32.11.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"PK\x03\x04workbook"


def test_the_excel_pages_use_it(client, world):
    client.force_login(world.user("operator"))
    response = client.get(reverse("indicators:template", kwargs={"kode": KAB}))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Cache-Control"] == "private, no-store"


# --- Indonesian numbers in templates ----------------------------------------------------------


def test_the_template_filters_write_numbers_the_indonesian_way():
    html = Template(
        "{% load ansit_tags measurement_tags %}{{ n|id_number }}|{{ row|prevalence:'stunted' }}|"
        "{{ row|ci:'stunted' }}|{{ row|cases:'stunted' }}|{{ none|id_number }}"
    ).render(
        Context(
            {
                "n": 1234567.891,
                "none": None,
                "row": {
                    "stunted": 1234,
                    "stunted_n": 5678,
                    "stunted_prevalence": 0.2134,
                    "stunted_ci_low": 0.201,
                    "stunted_ci_high": 0.226,
                },
            }
        )
    )
    assert html == "1.234.567,9|21,3 %|20,1–22,6 %|1.234 / 5.678|–"


# --- the data-sasaran selector ----------------------------------------------------------------


def _sasaran(desa: str, tahun: int, **values) -> DataSasaran:
    return DataSasaran.objects.create(desa_id=desa, tahun=tahun, **values)


def test_the_data_sasaran_selector_reads_one_district(world):
    desa_kec = list(Region.objects.filter(parent_id=KEC).order_by("kode").values_list("kode", flat=True))
    other_kec_desa = (
        Region.objects.filter(level="desa", kode__startswith=KAB + ".")
        .exclude(kode__startswith=KEC + ".")[0]
        .kode
    )
    neighbour_desa = Region.objects.filter(level="desa", kode__startswith=NEIGHBOUR + ".")[0].kode
    _sasaran(desa_kec[0], 2025, balita=10)
    _sasaran(desa_kec[0], 2026, balita=12)
    _sasaran(desa_kec[1], 2026, balita=None, stunting=3)
    _sasaran(other_kec_desa, 2026, balita=30)
    _sasaran(neighbour_desa, 2026, balita=99)

    all_rows = indicator_selectors.sasaran_in_kabkota(KAB)
    assert all_rows.count() == 4  # never the neighbour's
    assert indicator_selectors.sasaran_in_kabkota(KAB, tahun=2026).count() == 3
    assert set(
        indicator_selectors.sasaran_in_kabkota(KAB, tahun=2026, with_balita=True).values_list(
            "desa_id", flat=True
        )
    ) == {desa_kec[0], other_kec_desa}
    # The camat sees the desa of the kecamatan only.
    camat = indicator_selectors.sasaran_in_kabkota(KAB, tahun=2026, scope=world.scopes["kecamatan"])
    assert set(camat.values_list("desa_id", flat=True)) == {desa_kec[0], desa_kec[1]}

    assert indicator_selectors.balita_latest(KAB, up_to=2026) == (2026, {desa_kec[0]: 12, other_kec_desa: 30})
    assert indicator_selectors.balita_latest(KAB, up_to=2025) == (2025, {desa_kec[0]: 10})
    assert indicator_selectors.balita_latest(KAB, up_to=2024) == (None, {})
    assert indicator_selectors.balita_latest(KAB, up_to=2026, scope=world.scopes["kecamatan"]) == (
        2026,
        {desa_kec[0]: 12},
    )


# --- the home page's panels -------------------------------------------------------------------


def test_the_domain_apps_register_their_home_panels():
    from konvergensi.accounts import home

    assert {"aksi", "measurements"} <= {p.key for p in home.panels()}


def test_a_registered_panel_reaches_the_home_page(client, world):
    from konvergensi.accounts import home

    seen = []

    def probe(asked: home.HomeRequest) -> dict:
        seen.append((asked.scope.role, asked.kabkota.kode if asked.kabkota else None, asked.tahun))
        return {"siklus": None}  # a panel's variables reach the template (here: "cycle not opened")

    home.register(home.HomePanel("zz-probe", probe))
    try:
        client.force_login(world.user("operator"))
        response = client.get("/")
    finally:
        home._PANELS.pop("zz-probe")
    assert response.status_code == 200
    assert seen and seen[0][:2] == ("operator", KAB)
    assert "Siklus tahun ini belum dibuka" in response.content.decode()


def test_the_base_app_holds_the_demo_accounts():
    from konvergensi import demo
    from konvergensi.accounts import demo_accounts

    assert demo.DEMO_ACCOUNTS is demo_accounts.DEMO_ACCOUNTS
    assert demo.DEMO_PASSWORD == demo_accounts.DEMO_PASSWORD
    assert {a.role for a in demo_accounts.DEMO_ACCOUNTS} >= {"operator", "opd", "provinsi", "pusat"}


# --- template tags without queries ------------------------------------------------------------


def test_the_data_desa_menu_is_decided_by_the_view(client, world):
    """The sub-menu's data-entry links come from the view's ``may_enter``; no template tag asks the
    database any more (the one that did is gone)."""
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template("{% load indicator_tags %}{% can_enter_data '32.11' as x %}")
    upload = reverse("indicators:upload", kwargs={"kode": KAB})
    page_url = reverse("indicators:completeness", kwargs={"kode": KAB})

    client.force_login(world.user("kecamatan"))
    page = client.get(page_url)
    assert page.status_code == 200
    assert page.context["may_enter"] is False
    assert upload not in page.content.decode()

    client.force_login(world.user("operator"))
    page = client.get(page_url)
    assert page.context["may_enter"] is True
    assert upload in page.content.decode()


# --- the situation analysis on the shared helpers ---------------------------------------------


def test_a_stale_ansit_decision_raises_the_apps_conflict_with_the_row_as_it_is(world):
    from konvergensi.ansit import services as ansit_services
    from konvergensi.ansit.models import Analysis
    from tests.ansit.test_ansit import make_analysis, seed

    from .conftest import ensure_catalogue

    ensure_catalogue()
    seed(coverage=False)
    analysis = make_analysis(world)
    stale = analysis.version
    decide = {
        "scope": world.scopes["operator"],
        "decision": analysis.summary["recommendation"],
        "reason": "",
        "expected_version": stale,
        "by": world.user("operator"),
    }
    ansit_services.analysis_decide(analysis=analysis, **decide)
    with pytest.raises(ansit_services.Conflict) as exc:
        ansit_services.analysis_decide(analysis=Analysis.objects.get(pk=analysis.pk), **decide)
    assert isinstance(exc.value, concurrency.Conflict)
    assert exc.value.current.version == stale + 1
    assert str(exc.value) == "Data ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi."
    assert Analysis.objects.get(pk=analysis.pk).version == stale + 1


def test_the_lokus_budget_is_written_in_rupiah_the_indonesian_way():
    from konvergensi.ansit.selectors import LokusSettings

    assert (
        LokusSettings("any", "budget", 1_500_000.0, 250_000.0).method_text()
        == "dalam anggaran Rp1.500.000 dengan perkiraan biaya Rp250.000 per desa"
    )
    assert LokusSettings("any", "budget", 2_000_000.0, None).method_text() == (
        "dalam anggaran Rp2.000.000 dengan perkiraan biaya – per desa"
    )


def test_the_zscore_progress_counts_rows_with_thousands_dots(capsys):
    from konvergensi.cli.zscore import ProgressBar

    ProgressBar(None).show(1_234_567)
    assert capsys.readouterr().err.startswith("\r1.234.567 baris diproses  ")


def test_the_analysis_reads_the_data_sasaran_of_its_district_and_year(world):
    from konvergensi.ansit.services.units import sasaran_figures

    desa = list(Region.objects.filter(parent_id=KEC).order_by("kode").values_list("kode", flat=True))
    neighbour_desa = Region.objects.filter(level="desa", kode__startswith=NEIGHBOUR + ".")[0].kode
    _sasaran(desa[0], 2026, stunting=3, balita_diukur=40, status="diverifikasi")
    _sasaran(desa[1], 2026, stunting=5, balita_diukur=None)
    _sasaran(desa[2], 2026, balita=50)  # no stunting figures: not a unit of the analysis
    _sasaran(desa[0], 2025, stunting=9, balita_diukur=90)
    _sasaran(neighbour_desa, 2026, stunting=7, balita_diukur=70)
    figures, unverified = sasaran_figures(KAB, 2026)
    assert figures == {desa[0]: (3, 40), desa[1]: (5, None)}
    assert unverified == 1


# --- the Aksi 1 menu asks no query ------------------------------------------------------------


def test_the_ansit_menu_asks_the_database_nothing(rf, world, django_assert_num_queries):
    from tests.ansit.test_ansit import make_analysis, seed

    from .conftest import ensure_catalogue

    request = rf.get("/")
    request.scope = world.scopes["operator"]
    kab = Region.objects.get(kode=KAB)
    menu = Template('{% load ansit_tags %}{% ansit_nav kab tahun "reviews" %}')
    with django_assert_num_queries(0):
        html = menu.render(Context({"request": request, "kab": kab, "tahun": 2026}))
    assert reverse("ansit:reviews", kwargs={"kode": KAB}) in html
    assert "/analisis/" not in html  # no analysis this year: no link to one
    ensure_catalogue()
    seed(coverage=False)
    analysis = make_analysis(world)
    with django_assert_num_queries(0):
        html = menu.render(
            Context({"request": request, "kab": kab, "tahun": 2026, "current_analysis": analysis})
        )
    assert reverse("ansit:analysis-detail", kwargs={"pk": analysis.pk}) in html
    assert reverse("ansit:lokus", kwargs={"pk": analysis.pk}) in html


def test_the_pages_without_an_analysis_link_to_the_years_current_one(client, world):
    from tests.ansit.test_ansit import make_analysis, seed

    from .conftest import ensure_catalogue

    ensure_catalogue()
    seed(coverage=False)
    analysis = make_analysis(world)
    client.force_login(world.user("operator"))
    lokus = reverse("ansit:lokus", kwargs={"pk": analysis.pk})
    for name in ("ansit:reviews", "ansit:recommendations", "ansit:notes"):
        page = client.get(reverse(name, kwargs={"kode": KAB}) + "?tahun=2026")
        assert page.status_code == 200, name
        assert page.context["current_analysis"] == analysis, name
        assert lokus in page.content.decode(), name


def test_the_core_file_limits_write_their_numbers_the_indonesian_way():
    import io

    from konvergensi_core.io.xlsx import XlsxRejected, check_xlsx

    with pytest.raises(XlsxRejected) as exc:
        check_xlsx(io.BytesIO(b"PK"), name="a.xlsx", size=1536 * 1_048_576, max_bytes=1200 * 1_048_576)
    assert str(exc.value) == "Berkas terlalu besar (1.536,0 MB); batasnya 1.200 MB."
