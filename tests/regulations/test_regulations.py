"""Aksi 4: the Perbup/Perwali's status in order (signing starts Aksi 4), a desa's Perdes and APBDes
written by the desa itself or the operator, read by its kecamatan, the lokus coverage, the scoped
downloads and Aksi 4's work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from konvergensi.accounts.models import AuditEvent
from konvergensi.aksi import work
from konvergensi.aksi.models import Aksi
from konvergensi.regulations import selectors, services
from konvergensi.regulations.models import Allocation, Regulation, VillageRegulation
from konvergensi.wilayah.models import Region
from tests.ansit.test_ansit import TAHUN, client_for, confirm_lokus, make_analysis, seed
from tests.conftest import DESA, KAB, PDF_BYTES

pytestmark = pytest.mark.django_db

OTHER_DESA_SAME_KEC = "32.11.01.2002"
DESA_OTHER_KEC = "32.11.02.2001"


def pdf(name="perbup.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


def draft(w, **kw) -> Regulation:
    return services.regulation_create(
        scope=w.scopes["operator"], kabkota=Region.objects.get(kode=KAB), kind="perbup", number="",
        title="Peran desa dalam penurunan stunting", date=dt.date(2026, 2, 1), by=w.user("operator"), **kw,
    )  # fmt: skip


def step(w, reg, status, date, **kw):
    reg.refresh_from_db()
    return services.regulation_step(
        scope=w.scopes["operator"], reg=reg, status=status, date=date, by=w.user("operator"), **kw
    )


def signed(w) -> Regulation:
    reg = draft(w)
    step(w, reg, "harmonisasi", dt.date(2026, 3, 1))
    step(w, reg, "ditandatangani", dt.date(2026, 4, 1), number="12 Tahun 2026", upload=pdf())
    reg.refresh_from_db()
    return reg


def village(w, desa=DESA, persona="operator", **kw) -> VillageRegulation:
    data = {
        "kind": "perdes",
        "number": "3 Tahun 2026",
        "date": dt.date(2026, 5, 1),
        "title": "Kewenangan desa",
    }
    data.update(kw)
    return services.village_regulation_add(
        scope=w.scopes[persona], desa=Region.objects.get(kode=desa), by=w.user(persona), **data
    )


def money(w, desa=DESA, persona="operator", amount="Rp 25.000.000", tahun=TAHUN) -> Allocation:
    return services.allocation_add(
        scope=w.scopes[persona], desa=Region.objects.get(kode=desa), tahun=tahun, amount=amount,
        purpose="PMT lokal", by=w.user(persona),
    )  # fmt: skip


def test_the_status_goes_in_order_each_step_dated_and_audited(world):
    reg = draft(world)
    assert reg.status == "draf" and [s.status for s in reg.steps.all()] == ["draf"]
    with pytest.raises(ValidationError, match="Harmonisasi"):  # no skipping to "signed"
        step(world, reg, "ditandatangani", dt.date(2026, 3, 1), number="1", upload=pdf())
    with pytest.raises(ValidationError, match="sebelum"):  # not before the step before it
        step(world, reg, "harmonisasi", dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="masa depan"):
        step(world, reg, "harmonisasi", dt.date.today() + dt.timedelta(days=3))
    step(world, reg, "harmonisasi", dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="nomor"):  # signing needs its number…
        step(world, reg, "ditandatangani", dt.date(2026, 4, 1), upload=pdf())
    with pytest.raises(ValidationError, match="Unggah dokumen"):  # …and the signed document
        step(world, reg, "ditandatangani", dt.date(2026, 4, 1), number="12 Tahun 2026")
    with pytest.raises(ValidationError, match="bukan PDF"):
        step(world, reg, "ditandatangani", dt.date(2026, 4, 1), number="12",
             upload=SimpleUploadedFile("x.pdf", b"not a pdf"))  # fmt: skip
    step(world, reg, "ditandatangani", dt.date(2026, 4, 1), number="12 Tahun 2026", upload=pdf())
    step(world, reg, "diundangkan", dt.date(2026, 4, 2))
    reg.refresh_from_db()
    assert reg.status == "diundangkan" and reg.number == "12 Tahun 2026" and reg.file
    assert [(s.status, s.date.day) for s in reg.steps.all()] == [
        ("draf", 1), ("harmonisasi", 1), ("ditandatangani", 1), ("diundangkan", 2)
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="sudah diundangkan"):
        step(world, reg, "diundangkan", dt.date(2026, 4, 3))
    actions = list(AuditEvent.objects.filter(object_id=str(reg.pk), action__startswith="regulation.").order_by("id")
                   .values_list("action", "data__status"))  # fmt: skip
    assert actions == [("regulation.create", None), ("regulation.step", "harmonisasi"),
                       ("regulation.step", "ditandatangani"), ("regulation.step", "diundangkan")]  # fmt: skip


def test_only_the_operator_records_the_perbup(world):
    for persona in ("opd", "kecamatan", "desa", "provinsi", "pusat", "neighbour"):
        with pytest.raises(PermissionDenied):
            services.regulation_create(
                scope=world.scopes[persona], kabkota=Region.objects.get(kode=KAB), kind="perbup", number="",
                title="x", date=dt.date(2026, 2, 1), by=world.user(persona),
            )  # fmt: skip
    reg = draft(world)
    with pytest.raises(PermissionDenied):
        services.regulation_step(scope=world.scopes["opd"], reg=reg, status="harmonisasi",
                                 date=dt.date(2026, 3, 1), by=world.user("opd"))  # fmt: skip


def test_the_desa_user_writes_only_its_own_desa_and_the_kecamatan_only_reads(world):
    village(world, persona="desa")
    money(world, persona="desa")
    for desa in (OTHER_DESA_SAME_KEC, DESA_OTHER_KEC):
        with pytest.raises(PermissionDenied):
            village(world, desa=desa, persona="desa")
        with pytest.raises(PermissionDenied):
            money(world, desa=desa, persona="desa")
    money(world, desa=DESA_OTHER_KEC, persona="operator")  # the operator: any desa of the district
    for persona in ("kecamatan", "opd", "puskesmas", "provinsi"):
        with pytest.raises(PermissionDenied):
            village(world, persona=persona)
    # Over the web: the kecamatan reads its desa, without forms; another kecamatan's desa is refused.
    camat = client_for(world, "kecamatan")
    page = camat.get(reverse("regulations:desa", kwargs={"kode": DESA}))
    assert page.status_code == 200 and "Kewenangan desa" in page.text and "Rp 25.000.000" in page.text
    assert 'id="perdes-form"' not in page.text
    assert camat.get(reverse("regulations:desa", kwargs={"kode": DESA_OTHER_KEC})).status_code == 403
    before = VillageRegulation.objects.count()
    response = camat.post(reverse("regulations:village-add", kwargs={"kode": DESA}),
                          {"kind": "perdes", "number": "9", "date": "2026-05-01", "title": "x"})  # fmt: skip
    assert response.status_code == 403 and VillageRegulation.objects.count() == before
    kades = client_for(world, "desa")
    assert 'id="perdes-form"' in kades.get(reverse("regulations:desa", kwargs={"kode": DESA})).text
    assert kades.get(reverse("regulations:desa", kwargs={"kode": OTHER_DESA_SAME_KEC})).status_code == 403
    # The district page lists only the reader's own desa.
    home = kades.get(reverse("regulations:home", kwargs={"kode": KAB})).text
    assert f'id="desa-{DESA}"' in home and f'id="desa-{OTHER_DESA_SAME_KEC}"' not in home


def test_bad_input_gets_an_indonesian_message_not_an_error(world):
    with pytest.raises(ValidationError, match="Rupiah"):
        money(world, amount="dua puluh juta")
    with pytest.raises(ValidationError, match="lebih dari nol"):
        money(world, amount="0")
    with pytest.raises(ValidationError, match="tahun anggaran"):
        money(world, tahun="abc")
    assert money(world, amount="Rp 1.250.000,00").amount == 1_250_000
    client = client_for(world, "operator")
    url = reverse("regulations:allocation-add", kwargs={"kode": DESA})
    response = client.post(url, {"tahun": "2026", "tahun_anggaran": "20x6", "amount": "abc", "purpose": "x"},
                           follow=True)  # fmt: skip
    assert response.status_code == 200 and "Isi tahun anggaran APBDes" in response.text
    response = client.post(reverse("regulations:add", kwargs={"kode": KAB}),
                           {"kind": "perbup", "title": "", "date": "kemarin"}, follow=True)  # fmt: skip
    assert response.status_code == 200 and "Isi judul." in response.text
    assert not Regulation.objects.exists()


def test_documents_are_downloaded_only_in_scope(world):
    reg = signed(world)
    perdes = village(world, upload=pdf("perdes-cimungkal.pdf"))
    perbup_url = reverse("regulations:file", kwargs={"pk": reg.pk})
    perdes_url = reverse("regulations:village-file", kwargs={"pk": perdes.pk})
    for persona in ("operator", "opd", "kecamatan", "desa", "provinsi", "pusat"):
        response = client_for(world, persona).get(perbup_url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Cache-Control"] == "private, no-store"
        assert client_for(world, persona).get(perdes_url).status_code == 200, persona
    for persona in ("neighbour", "other_province"):
        assert client_for(world, persona).get(perbup_url).status_code == 404
        assert client_for(world, persona).get(perdes_url).status_code == 404
    # A desa of another kecamatan: its kecamatan-mates' documents are not theirs.
    other = village(world, desa=DESA_OTHER_KEC, upload=pdf("perdes-lain.pdf"))
    other_url = reverse("regulations:village-file", kwargs={"pk": other.pk})
    assert client_for(world, "kecamatan").get(other_url).status_code == 404
    assert client_for(world, "desa").get(other_url).status_code == 404
    assert client_for(world, "opd").get(other_url).status_code == 200


def test_the_district_page_counts_the_lokus_desa_with_both_and_maps_them(world):
    seed(coverage=False)
    lokus = confirm_lokus(world, make_analysis(world), count=3).desa_codes()
    assert len(lokus) == 3
    village(world, desa=lokus[0])
    money(world, desa=lokus[0])
    village(world, desa=lokus[1])  # a regulation, no budget
    money(world, desa=lokus[2], tahun=TAHUN - 1)  # last year's budget does not count for this year
    other = next(d.kode for d in Region.objects.filter(level="desa", kode__startswith=KAB + ".")
                 if d.kode not in lokus)  # fmt: skip
    village(world, desa=other)
    money(world, desa=other)
    cover = selectors.coverage(scope=world.scopes["operator"], kabkota=KAB, tahun=TAHUN)
    assert [r.kode for r in cover.rows[:3]] == lokus  # lokus first, in rank order
    assert (cover.n_lokus, cover.n_lokus_complete) == (3, 1)
    assert {r.kode: r.group for r in cover.rows if r.kode in (*lokus, other)} == {
        lokus[0]: "lengkap", lokus[1]: "kurang", lokus[2]: "kurang", other: "lain"
    }  # fmt: skip
    assert selectors.lokus_counts(KAB, TAHUN) == (1, 3)
    page = client_for(world, "provinsi").get(
        reverse("regulations:home", kwargs={"kode": KAB}) + "?tahun=2026"
    )
    assert "1 dari 3 desa lokus memiliki Perdes/Perkades dan alokasi APBDes 2026." in page.text
    points = page.context["points"]
    assert {p["kode"]: p["category"] for p in points if p["kode"] in lokus[:2]} == {
        lokus[0]: "memadai", lokus[1]: "sangat_rendah"
    }  # fmt: skip
    assert 'id="peta-desa"' in page.text and "js/peta-desa.js" in page.text


def test_aksi_4_knows_its_work_and_signing_starts_it(world):
    aksi4 = Aksi.objects.get(siklus=world.siklus, nomor=4)
    assert aksi4.status == "belum_mulai"
    missing = work.missing_work(nomor=4, kabkota=KAB, tahun=TAHUN)
    assert missing == ["Aksi 4 belum dapat diverifikasi: belum ada Peraturan Bupati/Wali Kota tentang peran "
                       "desa yang ditandatangani di Konvergensi."]  # fmt: skip
    reg = draft(world)
    step(world, reg, "harmonisasi", dt.date(2026, 3, 1))
    assert work.missing_work(nomor=4, kabkota=KAB, tahun=TAHUN) == missing  # not signed yet
    aksi4.refresh_from_db()
    assert aksi4.status == "belum_mulai"
    step(world, reg, "ditandatangani", dt.date(2026, 4, 1), number="12 Tahun 2026", upload=pdf())
    aksi4.refresh_from_db()
    assert aksi4.status == "draf"  # started by the signing
    assert work.missing_work(nomor=4, kabkota=KAB, tahun=TAHUN) == []
    assert work.missing_work(nomor=4, kabkota=KAB, tahun=2025) != []  # signed after 2025
    (section,) = work.sections(scope=world.scopes["provinsi"], nomor=4, kabkota=KAB, tahun=TAHUN)
    (item,) = section.items  # no confirmed lokus list: no coverage line
    assert item.title == "Peraturan Bupati Nomor 12 Tahun 2026: Peran desa dalam penurunan stunting"
    assert item.status == "Ditandatangani"
    assert [link.url for link in item.links][1] == reverse("regulations:file", kwargs={"pk": reg.pk})
    seed(coverage=False)
    confirm_lokus(world, make_analysis(world), count=2)
    (section,) = work.sections(scope=world.scopes["operator"], nomor=4, kabkota=KAB, tahun=TAHUN)
    assert section.items[1].title == "0 dari 2 desa lokus memiliki Perdes/Perkades dan alokasi APBDes 2026"
    # The aksi page shows it.
    page = client_for(world, "operator").get(reverse("aksi:detail", kwargs={"pk": aksi4.pk}))
    assert "Peraturan Bupati Nomor 12 Tahun 2026" in page.text
