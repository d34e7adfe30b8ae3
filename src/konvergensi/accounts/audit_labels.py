"""How an audit event reads on the *Jejak audit* page: a sentence-like label per action (Indonesian,
translated) instead of the code, and the details' keys in words. Unknown actions and keys show as
they are, so a new event is never hidden."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "aksi.start": _("Aksi dimulai"),
    "aksi.submit": _("Aksi diajukan ke provinsi"),
    "aksi.verify": _("Aksi diverifikasi provinsi"),
    "aksi.request_revision": _("Provinsi meminta perbaikan aksi"),
    "aksi.reopen": _("Aksi dibuka kembali"),
    "aksi.update": _("Batas waktu / OPD aksi diubah"),
    "siklus.start": _("Siklus tahunan dibuka"),
    "evidence.add": _("Dokumen bukti diunggah"),
    "evidence.delete": _("Dokumen bukti dihapus"),
    "comment.add": _("Komentar ditambahkan"),
    "user.create": _("Akun dibuat"),
    "password.change": _("Kata sandi diganti pemiliknya"),
    "password.reset": _("Kata sandi diatur ulang administrator"),
    "opd.create": _("OPD ditambahkan"),
    "puskesmas.create": _("Puskesmas didaftarkan"),
    "wilayah.load": _("Kode wilayah dimuat"),
    "indikator.update": _("Indikator diubah"),
    "indikator.band": _("Batas kategori indikator diubah"),
    "indikator.assign": _("Indikator ditugaskan ke OPD"),
    "data.import": _("Data cakupan desa diimpor"),
    "data.verify": _("Angka cakupan diverifikasi"),
    "plan.seed": _("Rencana kegiatan disusun dari rekomendasi Aksi 1"),
    "plan.row.add": _("Baris rencana kegiatan ditambahkan"),
    "plan.row.update": _("Baris rencana kegiatan diubah"),
    "plan.row.delete": _("Baris rencana kegiatan dihapus"),
    "plan.row.split": _("Baris rencana kegiatan dipecah"),
    "plan.stage": _("Tahap rencana kegiatan dicatat"),
    "plan.version": _("Versi baru rencana kegiatan dibuat"),
    "plan.attach": _("Rencana kegiatan dilampirkan ke Aksi 2"),
    "plan.import": _("Rencana kegiatan diunggah dari Excel"),
    "plan.document": _("Dokumen perencanaan/anggaran diunggah"),
    "budget.import": _("Baris anggaran diimpor"),
    "budget.line.add": _("Baris anggaran ditambahkan"),
    "budget.line.update": _("Baris anggaran diubah"),
    "budget.line.delete": _("Baris anggaran dihapus"),
    "budget.catalogue": _("Katalog sub kegiatan diunggah"),
    "regulation.create": _("Rancangan Perbup/Perwali tentang peran desa dicatat"),
    "regulation.step": _("Status Perbup/Perwali tentang peran desa dicatat"),
    "regulation.document": _("Dokumen Perbup/Perwali diunggah"),
    "regulation.desa.add": _("Peraturan desa dicatat"),
    "regulation.desa.delete": _("Peraturan desa dihapus"),
    "regulation.apbdes.add": _("Alokasi APBDes untuk stunting dicatat"),
    "regulation.apbdes.delete": _("Alokasi APBDes untuk stunting dihapus"),
    "rembuk.create": _("Rembuk stunting dicatat"),
    "rembuk.update": _("Rembuk stunting diubah"),
    "rembuk.signatory.add": _("Penanda tangan komitmen rembuk ditambahkan"),
    "rembuk.signatory.delete": _("Penanda tangan komitmen rembuk dihapus"),
    "rembuk.held": _("Rembuk stunting dicatat terlaksana"),
    "rembuk.changes": _("Perubahan rencana kegiatan hasil rembuk dicatat"),
    "rembuk.signed": _("Berita acara rembuk yang ditandatangani diunggah"),
    "rembuk.dissemination": _("Diseminasi komitmen rembuk dicatat"),
    "rembuk.publish": _("Komitmen rembuk dipublikasikan"),
    "rembuk.withdraw": _("Publikasi komitmen rembuk ditarik"),
    "program.import": _("Pemetaan program diimpor"),
    "sasaran.save": _("Data sasaran disimpan"),
    "sasaran.verify": _("Data sasaran diverifikasi camat"),
    "sasaran.unlock": _("Kunci data sasaran dibuka"),
    "sasaran.return": _("Data sasaran dikembalikan"),
    "round.create": _("Putaran pengukuran dibuat"),
    "round.publish": _("Publikasi putaran dimulai"),
    "round.published": _("Putaran dipublikasikan"),
    "round.withdraw": _("Publikasi ditarik"),
    "measurement.import": _("Hasil pengukuran diimpor"),
    "measurement.mapping": _("Susunan kolom impor disimpan"),
    "measurement.desa_alias": _("Nama desa diingat"),
    "measurement.desa_alias_revoke": _("Nama desa yang diingat dicabut"),
    "ansit.analysis.create": _("Analisis situasi dibuat"),
    "ansit.analysis.decide": _("Keputusan analisis situasi"),
    "ansit.lokus.confirm": _("Desa lokus dikonfirmasi"),
    "ansit.document.start": _("Dokumen analisis situasi disusun"),
    "ansit.review.create": _("Kajian layanan/koordinasi dibuat"),
    "ansit.review.update": _("Kajian diubah"),
    "ansit.review.comment": _("Komentar kajian"),
    "ansit.recommendation.add": _("Rekomendasi ditambahkan"),
    "ansit.recommendation.update": _("Rekomendasi diubah"),
    "ansit.recommendations.generate": _("Rancangan rekomendasi dibuat"),
    "two_factor.enable": _("Verifikasi dua langkah diaktifkan"),
    "two_factor.disable": _("Verifikasi dua langkah dinonaktifkan"),
    "two_factor.recovery_regenerate": _("Kode pemulihan dibuat ulang"),
    "two_factor.recovery_used": _("Kode pemulihan dipakai"),
    "two_factor.fail": _("Kode verifikasi salah"),
    "two_factor.reset": _("Verifikasi dua langkah direset administrator"),
    "api_token.create": _("Token API dibuat"),
    "api_token.revoke": _("Token API dicabut"),
    "assessment.grade": _("Nilai penilaian kinerja diisi"),
    "assessment.notes": _("Catatan pembinaan penilaian diubah"),
    "assessment.response": _("Tanggapan atas penilaian kinerja"),
    "assessment.round.create": _("Putaran penilaian kinerja dibuka"),
    "assessment.round.publish": _("Hasil penilaian kinerja diterbitkan"),
    "assessment.rubric.copy": _("Rubrik penilaian disalin"),
    "assessment.rubric.create": _("Rubrik penilaian dibuat"),
    "assessment.rubric.import": _("Rubrik penilaian diunggah"),
    "assessment.rubric.publish": _("Rubrik penilaian diterbitkan"),
    "assessment.rubric.update": _("Rubrik penilaian diubah"),
    "data.lock": _("Data aksi dikunci"),
    "data.unlock": _("Kunci data aksi dibuka"),
    "datasystem.action.add": _("Tindakan perbaikan data ditambahkan"),
    "datasystem.action.update": _("Tindakan perbaikan data diubah"),
    "datasystem.attach": _("Dokumen Aksi 6 dilampirkan"),
    "datasystem.level": _("Tingkat rincian data dicatat"),
    "knowledge.create": _("Praktik baik dibuat"),
    "knowledge.delete": _("Praktik baik dihapus"),
    "knowledge.feature": _("Praktik baik diunggulkan"),
    "knowledge.file.add": _("Berkas praktik baik diunggah"),
    "knowledge.file.delete": _("Berkas praktik baik dihapus"),
    "knowledge.publish": _("Praktik baik diterbitkan"),
    "knowledge.return": _("Praktik baik dikembalikan"),
    "knowledge.submit": _("Praktik baik diajukan"),
    "knowledge.update": _("Praktik baik diubah"),
    "kpm.add": _("KPM ditambahkan"),
    "kpm.delete": _("KPM dihapus"),
    "kpm.indicator.switch": _("Indikator kartu skor diaktifkan/dinonaktifkan"),
    "kpm.scorecard.delete": _("Kartu skor desa dihapus"),
    "kpm.scorecard.save": _("Kartu skor desa disimpan"),
    "kpm.training.add": _("Pelatihan KPM dicatat"),
    "kpm.training.delete": _("Pelatihan KPM dihapus"),
    "kpm.update": _("Data KPM diubah"),
    "review.attach": _("Dokumen reviu dilampirkan ke Aksi 8"),
    "review.build": _("Reviu kinerja disusun"),
    "review.finalize": _("Reviu kinerja difinalkan"),
    "review.recommendation_add": _("Rekomendasi reviu ditambahkan"),
    "review.recommendation_delete": _("Rekomendasi reviu dihapus"),
    "review.recommendation_edit": _("Rekomendasi reviu diubah"),
    "review.sentence": _("Kalimat reviu disunting"),
    "sasaran.import": _("Data sasaran diimpor"),
}

JOB_PREFIX = "job."

KEYS = {
    "from": _("dari"),
    "to": _("menjadi"),
    "reason": _("alasan"),
    "before": _("sebelum"),
    "after": _("sesudah"),
    "due_date": _("batas waktu"),
    "opd": _("OPD"),
    "name": _("berkas"),
    "original_name": _("berkas"),
    "size": _("ukuran"),
    "rows": _("baris"),
    "added": _("ditambah"),
    "changed": _("diubah"),
    "kind": _("jenis"),
    "stage": _("tahap"),
    "username": _("akun"),
    "role": _("peran"),
    "tahun": _("tahun"),
    "periode": _("periode"),
    "analysis": _("analisis"),
    "eligibility": _("kelayakan"),
    "method": _("metode"),
    "value": _("nilai"),
    "cost": _("biaya"),
    "desa": _("desa"),
    "replaces": _("menggantikan"),
    "computed": _("hasil hitung"),
    "decision": _("keputusan"),
    "override": _("diubah tim"),
    "level": _("tingkat"),
    "source": _("sumber"),
    "data_source": _("jenis data"),
    "margin": _("ambang"),
    "recommendation": _("rekomendasi"),
    "units": _("unit"),
    "notes": _("catatan"),
    "round": _("putaran"),
    "measured": _("diukur"),
    "judul": _("judul"),
    "updated": _("diperbarui"),
    "kept": _("tetap"),
    "removed": _("dihapus"),
}


def action_label(action: str) -> str:
    if action in ACTIONS:
        return str(ACTIONS[action])
    if action.startswith(JOB_PREFIX):
        return str(_("Tugas latar belakang: %(kind)s")) % {"kind": action[len(JOB_PREFIX) :]}
    return action


def details(data) -> list[tuple[str, str]]:
    """The event's details as (label, value) pairs, values cut to 200 characters."""
    if not isinstance(data, dict):
        return []
    out = []
    for key, value in sorted(data.items()):  # PostgreSQL's jsonb keeps no key order: sort for one reading
        text = _text(value)
        out.append((str(KEYS.get(key, key)), text if len(text) <= 200 else text[:199] + "…"))
    return out


def _text(value) -> str:
    if isinstance(value, dict):  # e.g. before/after: {"due_date": …, "opd": …}
        return ", ".join(f"{KEYS.get(k, k)} {_text(v)}" for k, v in sorted(value.items()))
    if value is None or value == "None":
        return "—"
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value) or "—"
    return value if isinstance(value, str) else str(value)
