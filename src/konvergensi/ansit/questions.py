"""The key questions of the Aksi 1 reviews, as the guideline words them (seed 000, "Analisis Situasi
Penyampaian Layanan pada Rumah Tangga 1.000 HPK" and "Analisis Kebutuhan Penguatan Koordinasi").

FGD questions are answered with a status (ya / sebagian / tidak) and a note; a "tidak" or
"sebagian" becomes a draft recommendation of the kind the guideline attaches to it
(``konvergensi_core.ansit.recommendations``). The six questions of each coordination review are the structured
fields of :class:`~konvergensi.ansit.models.Review` (forum, level, owner, agenda, frequency, work
plan and budget, effectiveness).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    hint: str = ""


FGD_QUESTIONS: dict[str, tuple[Question, ...]] = {
    "fgd_opd": (
        Question(
            "opd_a",
            _(
                "a) Apakah OPD penanggung jawab layanan memahami rumah tangga 1.000 HPK dan dapat "
                "mengakses data/informasinya?"
            ),
            _("Bagaimana data 1.000 HPK tersedia, dapat diverifikasi dan dimanfaatkan OPD lain?"),
        ),
        Question(
            "opd_b",
            _(
                "b) Apakah proses penyelenggaraan layanan saat ini memiliki sistem yang membuat rumah "
                "tangga 1.000 HPK menjadi target penerima manfaat layanan?"
            ),
            _(
                "Tujuan dan target kinerja, data untuk perencanaan dan pemantauan, koordinasi dengan "
                "penyelenggara lain, pengawasan."
            ),
        ),
        Question(
            "opd_c",
            _(
                "c) Jika sistemnya sudah ada, apakah sistem tersebut berjalan sehingga rumah tangga "
                "1.000 HPK menjadi target penerima manfaat layanan?"
            ),
            _(
                "Perlu perbaikan instrumen, format pelaporan, pengawasan, biaya operasional, insentif kinerja?"
            ),
        ),
    ),
    "fgd_penyedia": (
        Question(
            "pen_1", _("1. Apakah penyedia layanan paham tentang intervensi gizi yang harus diprioritaskan?")
        ),
        Question(
            "pen_2", _("2. Apakah mereka tahu siapa yang menjadi target utama intervensi gizi prioritas?")
        ),
        Question("pen_3", _("3. Apakah mereka mendapatkan informasi tentang rumah tangga 1.000 HPK?")),
        Question("pen_4", _("4. Apakah mereka tahu cara mengakses informasi rumah tangga 1.000 HPK?")),
        Question(
            "pen_5",
            _(
                "5. Jika informasi rumah tangga 1.000 HPK tersedia, apakah informasi ini digunakan dalam "
                "perencanaan dan pelaksanaan di wilayah kerja masing-masing?"
            ),
        ),
    ),
}

COORDINATION_QUESTIONS: tuple[Question, ...] = (
    Question("judul", _("1. Forum koordinasi apa yang tersedia? (nama forum)")),
    Question("tingkat", _("   Di tingkat apa? (kabupaten/kota atau kecamatan)")),
    Question("penanggung_jawab", _("2. Siapa (lembaga) yang menjadi penanggung jawabnya?")),
    Question("agenda", _("3. Isu-isu apa saja yang menjadi fokus agenda koordinasi tersebut?")),
    Question(
        "frekuensi",
        _("4. Bagaimana frekuensi koordinasi forum tersebut? Berkala atau sewaktu-waktu sesuai kebutuhan?"),
    ),
    Question("rencana_kerja", _("5. Apakah terdapat rencana/jadwal kerja?")),
    Question(
        "biaya_operasional", _("   Apakah terdapat kepastian biaya operasional pelaksanaan koordinasi?")
    ),
    Question("efektivitas", _("6. Seberapa efektif forum ini memfasilitasi koordinasi?")),
)

COORDINATION_PURPOSE = {
    "koordinasi_opd": _(
        "Koordinasi lintas sektor (antar-OPD) untuk perencanaan, pelaksanaan dan pemantauan program "
        "prioritas, terutama di desa lokus."
    ),
    "koordinasi_penyedia": _(
        "Koordinasi teknis para penyedia layanan dan pelaksana perubahan perilaku rumah tangga 1.000 HPK "
        "(mis. BPSPAMS dengan kader posyandu, puskesmas dengan dukun beranak)."
    ),
    "koordinasi_desa": _(
        "Koordinasi kabupaten/kota, kecamatan dan desa: pembiayaan di lokasi prioritas, pemantauan "
        "integrasi layanan dengan data KPM."
    ),
}


def fgd_questions(kind: str) -> tuple[Question, ...]:
    return FGD_QUESTIONS.get(kind, ())
