"""The demo district's good practices: a handful written for the demo (labelled as examples), some
published and featured by the province, one submitted (the province's queue shows it) and one draft.
Photos are drawn here (plain coloured placeholders), no real person appears. Idempotent: nothing is
added when the district already has practices."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from konvergensi.accounts.demo_accounts import DEMO_DESA, DEMO_KECAMATAN
from konvergensi.accounts.models import Membership, Role
from konvergensi.accounts.scope import Scope, scope_for_user
from konvergensi.wilayah.models import OPD, Region

from . import services
from .models import Practice, themes_ensure

# (title, aksi, tags, region, OPD abbreviation, summary, body, state, colour of the placeholder photo)
EXAMPLES: tuple[tuple, ...] = (
    (
        "Rembuk stunting desa yang memutuskan anggaran, bukan sekadar seremoni",
        3,
        ["tata-kelola", "dana-desa"],
        DEMO_KECAMATAN,
        "",
        "Desa-desa lokus di Kecamatan Wado menggelar rembuk stunting desa sebelum Musrenbang Desa, dengan "
        "data skor konvergensi desa di meja. Hasilnya langsung menjadi usulan APBDes: PMT lokal, kelas ibu "
        "hamil, dan jamban sehat bagi rumah tangga sasaran.",
        "Sebelumnya rembuk desa sering hanya membacakan komitmen. Sejak kecamatan mendampingi, setiap desa "
        "membawa tiga hal ke rembuk: jumlah sasaran 1.000 HPK, layanan yang belum mereka terima menurut "
        "catatan KPM, dan pagu Dana Desa yang masih dapat dialokasikan.\n\n"
        "Camat menandatangani berita acara bersama kepala desa, sehingga usulan terbawa ke Musrenbang "
        "Kecamatan dan ke Rembuk Stunting kabupaten. Dalam satu tahun, semua desa lokus di kecamatan ini "
        "memiliki alokasi APBDes untuk stunting.\n\n"
        "Kunci keberhasilan: data per desa yang sederhana, pendampingan kecamatan, dan jadwal rembuk yang "
        "mendahului Musrenbang Desa. (Contoh demo.)",
        "featured",
        (46, 125, 50),
    ),
    (
        "Posyandu digital: hasil pengukuran balita langsung tercatat dari posyandu",
        7,
        ["posyandu", "data-digital"],
        "",
        "Dinkes",
        "Kader posyandu mencatat berat dan panjang badan balita di ponsel pada hari penimbangan; puskesmas "
        "memeriksa dan mengirimnya ke e-PPGBM. Data yang dulu terlambat dua bulan kini siap dianalisis "
        "dalam satu minggu.",
        "Dinas Kesehatan melatih dua kader per posyandu dan menyediakan alat ukur panjang badan yang "
        "standar. Formulir di ponsel menolak angka yang mustahil (misalnya tanggal lahir setelah tanggal "
        "ukur) sebelum disimpan.\n\n"
        "Puskesmas memeriksa kelengkapan tiap posyandu setiap minggu; posyandu yang belum mengirim "
        "dihubungi hari itu juga. Angka prevalensi per desa dipublikasikan setelah bulan penimbangan "
        "Februari dan Agustus.\n\n"
        "Yang perlu diperhatikan: jaringan internet di desa terpencil, sehingga aplikasi harus dapat "
        "menyimpan data tanpa sinyal dan mengirim kemudian. (Contoh demo.)",
        "featured",
        (21, 101, 192),
    ),
    (
        "Dapur Sehat Atasi Stunting berbahan pangan lokal",
        None,
        ["pangan-lokal", "gizi-spesifik", "kemitraan"],
        DEMO_DESA,
        "",
        "Dapur sehat desa menyiapkan makanan tambahan berbahan pangan lokal (telur, ikan, ubi, sayuran) "
        "untuk ibu hamil KEK dan balita gizi kurang selama 90 hari, dengan dukungan Dana Desa dan CSR.",
        "Menu disusun bersama tenaga gizi puskesmas dan dimasak oleh kelompok PKK secara bergiliran. "
        "Bahan dibeli dari petani dan peternak desa, sehingga uang berputar di desa sendiri.\n\n"
        "Kader mencatat kehadiran dan menimbang sasaran setiap dua minggu. Balita yang tidak naik berat "
        "badannya dirujuk ke puskesmas.\n\n"
        "Pembiayaan: Dana Desa untuk bahan pangan, CSR untuk peralatan dapur, dan swadaya untuk tenaga "
        "memasak. (Contoh demo.)",
        "published",
        (239, 108, 0),
    ),
    (
        "Tablet tambah darah remaja putri di sekolah dan kelas calon pengantin",
        2,
        ["remaja-catin", "gizi-spesifik", "komunikasi-perilaku"],
        "",
        "",
        "Sekolah menengah memberi tablet tambah darah setiap minggu dan mencatat kepatuhannya; KUA dan "
        "puskesmas menggelar kelas calon pengantin dengan pemeriksaan kesehatan dan materi pencegahan "
        "stunting.",
        "Kegiatan ini masuk rencana kegiatan Aksi 2 sebagai kegiatan baru tanpa anggaran tambahan: "
        "memakai tablet dari program gizi dan jadwal upacara sekolah.\n\n"
        "Guru UKS mencatat konsumsi; puskesmas memeriksa kadar hemoglobin dua kali setahun pada sampel "
        "siswi. Calon pengantin yang berisiko dirujuk sebelum menikah.\n\n"
        "(Contoh demo.)",
        "published",
        (142, 36, 170),
    ),
    (
        "KPM terlatih di setiap desa lokus, dengan insentif dari APBDes",
        5,
        ["kader-kpm", "dana-desa"],
        "",
        "",
        "Setiap desa lokus menetapkan Kader Pembangunan Manusia dengan SK kepala desa, insentif dari APBDes "
        "dan pelatihan bersama di kecamatan, sehingga skor konvergensi desa terisi setiap triwulan.",
        "Kecamatan mengadakan pelatihan dua hari tentang pendataan sasaran, kartu skor konvergensi dan "
        "fasilitasi rembuk desa. KPM yang berhenti langsung diganti.\n\n(Contoh demo.)",
        "submitted",
        (0, 121, 107),
    ),
    (
        "Peta jamban dan air minum per dusun untuk rumah tangga sasaran",
        6,
        ["air-sanitasi", "data-digital"],
        "",
        "",
        "Draf: pemetaan akses jamban dan air minum rumah tangga 1.000 HPK per dusun sebagai bahan rencana "
        "perbaikan data Aksi 6.",
        "",
        "draft",
        (96, 125, 139),
    ),
)


def _photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 480), colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 60) for c in colour)
    for i in range(0, 800, 80):
        draw.ellipse((i, 300 - (i % 160), i + 140, 440 - (i % 160)), fill=light)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")


def _curator(kabkota: str) -> tuple[Scope, object]:
    membership = (
        Membership.objects.filter(role=Role.PROVINSI, region_id=kabkota[:2]).select_related("user").first()
    )
    if membership is not None:
        return scope_for_user(membership.user), membership.user
    return Scope(role=Role.PROVINSI, kode=kabkota[:2]), None


def knowledge_demo(kabkota: str, *, operator) -> dict[str, int]:
    if Practice.objects.filter(kabkota_id=kabkota).exists():
        return {}
    themes_ensure()
    kab = Region.objects.get(kode=kabkota)
    scope = scope_for_user(operator)
    curator_scope, curator = _curator(kabkota)
    opds = {o.singkatan: o.pk for o in OPD.objects.filter(kabkota=kab)}
    made = 0
    for i, (title, aksi, tags, region, opd, summary, body, state, colour) in enumerate(EXAMPLES, start=1):
        practice = services.practice_create(
            scope=scope,
            kabkota=kab,
            data=services.PracticeInput(
                title=title,
                summary=summary,
                body=body,
                aksi=aksi,
                tags=tags,
                region=region,
                opd=opds.get(opd, ""),
            ),  # fmt: skip
            by=operator,
        )
        services.attachment_add(scope=scope, practice=practice, upload=_photo(colour, f"foto-{i}.png"),
                                caption="Ilustrasi (contoh demo)", by=operator)  # fmt: skip
        made += 1
        if state == "draft":
            continue
        services.practice_submit(scope=scope, practice=practice, by=operator)
        if state == "submitted":
            continue
        services.practice_publish(scope=curator_scope, practice=practice, by=curator)
        if state == "featured":
            services.practice_feature(scope=curator_scope, practice=practice, on=True, by=curator)
    return {"praktik_baik": made}
