"""The demo district's Aksi 3: its district rembuk of the year, held (agenda, participants, TPK,
speakers, the commitment, the signatories, two changes agreed on plan rows), its berita acara
"signed" (the generated PDF stands in for the scan; it becomes the Aksi 3 evidence), one
dissemination entry and the commitment published; and one kecamatan rembuk entered by the camat of
Wado. Labelled demo data like the rest; names are invented."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from konvergensi.accounts.scope import scope_for_user
from konvergensi.wilayah.models import Region

from . import documents, selectors, services
from .models import Category, Level, Rembuk

COUNTS = {Category.BUPATI: 1, Category.SEKDA: 1, Category.DPRD: 3, Category.BAPPEDA: 6, Category.OPD: 14,
          Category.VERTIKAL: 3, Category.PKK: 4, Category.CAMAT: 26, Category.KEPALA_DESA: 40,
          Category.NONPEMERINTAH: 8, Category.AKADEMISI: 2, Category.MASYARAKAT: 12}  # fmt: skip
SIGNATORIES = (
    ("bupati", "H. Dony Ahmad (demo)", "Bupati Sumedang"),
    ("dprd", "Hj. Irma Yuliani (demo)", "Ketua Komisi IV DPRD"),
    ("opd", "dr. Hendra Saputra (demo)", "Kepala Dinas Kesehatan"),
    ("opd", "Ir. Agus Salim (demo)", "Kepala Bappeda"),
    ("kepala_desa", "Ujang Supriatna (demo)", "Kepala Desa Cimungkal"),
    ("nonpemerintah", "Nia Kurniasih (demo)", "Ketua IBI Cabang Sumedang"),
    ("masyarakat", "Eem Sulaeman (demo)", "Tokoh masyarakat"),
)


def _day(tahun: int, month: int, day: int) -> dt.date:
    return min(dt.date(tahun, month, day), timezone.localdate())


def rembuk_demo(kabkota: str, *, tahun: int, operator, camat, kecamatan: str) -> dict[str, int]:
    """Idempotent: nothing when the district already has its rembuk of the year."""
    if Rembuk.objects.filter(kabkota_id=kabkota, tahun=tahun, level=Level.KABKOTA).exists():
        return {"rembuk": 0}
    scope = scope_for_user(operator)
    kab = Region.objects.get(kode=kabkota)
    rembuk = services.rembuk_create(scope=scope, region=kab, tahun=tahun, by=operator)
    data = {
        "date": _day(tahun, 4, 15).isoformat(),
        "place": "Aula Gedung Negara, Sumedang",
        "tpk": "Sekretaris Daerah (ketua)\nKepala Bappeda (sekretaris)\nKepala Dinas Kesehatan\nKepala DP2KB\n"
               "Kepala DPMD",
        "agenda": list(rembuk.agenda),
        "agenda_notes": "Workshop satu hari; diskusi kelompok per kelompok rekomendasi Tabel 2.2.",
        "speakers": "Kepala Bappeda — hasil analisis situasi\nKepala Dinas Kesehatan — rancangan rencana kegiatan\n"
                    "Akademisi Universitas Padjadjaran — pentingnya intervensi lintas sektor",
        "commitment": rembuk.commitment,
    }  # fmt: skip
    for category, count in COUNTS.items():
        data[f"count-{category}"] = str(count)
    data["note-nonpemerintah"] = "IBI, Persagi, Aisyiyah, Fatayat NU"
    services.rembuk_update(
        scope=scope, rembuk=rembuk, data=data, expected_version=rembuk.version, by=operator
    )
    for role, name, position in SIGNATORIES:
        services.signatory_add(
            scope=scope, rembuk=rembuk, role=role, name=name, position=position, by=operator
        )
    services.rembuk_hold(scope=scope, rembuk=rembuk, by=operator)
    plan = selectors.plan_of(rembuk)
    changes = 0
    if plan is not None:
        rows = list(plan.rows.order_by("group", "urutan", "id")[:2])
        texts = ("Tambah 5 desa lokus baru dari usulan Musrenbang Kecamatan Wado.",
                 "Anggaran disesuaikan dengan pagu indikatif; jadwal mulai Triwulan II.")  # fmt: skip
        changes = services.changes_save(scope=scope, rembuk=rembuk, by=operator,
                                        data={f"change-{r.pk}": t for r, t in zip(rows, texts, strict=False)})  # fmt: skip
    rembuk.refresh_from_db()
    scan = documents.berita_acara_pdf(rembuk)
    services.signed_upload(scope=scope, rembuk=rembuk, by=operator,
                           upload=SimpleUploadedFile("berita-acara-rembuk-ditandatangani.pdf", scan, "application/pdf"))  # fmt: skip
    services.dissemination_add(
        scope=scope, rembuk=rembuk, upload=None, by=operator,
        data={"media": "radio", "date": _day(tahun, 4, 20).isoformat(), "reach": "15000",
              "description": "Dialog interaktif Radio Swara Sumedang tentang komitmen rembuk stunting",
              "link": "https://sumedangkab.go.id/berita/rembuk-stunting-demo"},
    )  # fmt: skip
    services.publish(scope=scope, rembuk=rembuk, on=True, by=operator)

    camat_scope = scope_for_user(camat)
    kec = services.rembuk_create(
        scope=camat_scope, region=Region.objects.get(kode=kecamatan), tahun=tahun, by=camat
    )
    kec_data = {
        "date": _day(tahun, 3, 5).isoformat(), "place": "Aula Kantor Kecamatan Wado",
        "tpk": "Camat Wado\nSekretaris Kecamatan", "agenda": list(kec.agenda),
        "speakers": "Kepala Puskesmas Wado", "commitment": kec.commitment,
        f"count-{Category.CAMAT}": "1", f"count-{Category.KEPALA_DESA}": "11", f"count-{Category.PKK}": "3",
        f"count-{Category.MASYARAKAT}": "9",
    }  # fmt: skip
    services.rembuk_update(
        scope=camat_scope, rembuk=kec, data=kec_data, expected_version=kec.version, by=camat
    )
    services.signatory_add(scope=camat_scope, rembuk=kec, role="camat", name="Asep Camat (demo)",
                           position="Camat Wado", by=camat)  # fmt: skip
    services.signatory_add(scope=camat_scope, rembuk=kec, role="kepala_desa", name="Ujang Supriatna (demo)",
                           position="Kepala Desa Cimungkal", by=camat)  # fmt: skip
    services.rembuk_hold(scope=camat_scope, rembuk=kec, by=camat)
    return {"rembuk": 2, "rembuk_changes": changes}
