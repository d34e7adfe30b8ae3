"""The e-PPGBM check's fixed problem sentences, marked for translation.

The core (``konvergensi_core.eppgbm``, ``konvergensi_core.nik``) writes its problems in Indonesian
and stays Django-free; the import's preview page (``imports:detail``) runs each stored message
through ``gettext``, so a sentence listed here is shown in the reader's language. Only the fixed
sentences can be: those with the row's values inside (a date, a weight, a z-score) stay Indonesian.
``tests/measurements/test_problem_messages.py`` checks that this list follows the core.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

MESSAGES = (
    # konvergensi_core.eppgbm.row_checks: errors
    gettext_noop("Jenis kelamin kosong"),
    gettext_noop("Jenis kelamin tidak dikenal: tulis L (laki-laki) atau P (perempuan)"),
    gettext_noop("Tanggal lahir kosong (dan usia saat ukur tidak diisi)"),
    gettext_noop("Tanggal lahir tidak dapat dibaca: tulis seperti 15-08-2023 atau 2023-08-15"),
    gettext_noop("Usia saat ukur tidak dapat dibaca: tulis seperti 2 Tahun - 3 Bulan - 5 Hari"),
    gettext_noop("Tanggal pengukuran kosong"),
    gettext_noop("Tanggal pengukuran tidak dapat dibaca: tulis seperti 15-08-2025 atau 2025-08-15"),
    gettext_noop("Berat dan tinggi/panjang badan kosong"),
    gettext_noop("Berat bukan angka"),
    gettext_noop("Tinggi/panjang badan bukan angka"),
    gettext_noop("Desa/kelurahan kosong"),
    # … warnings
    gettext_noop("Berat kosong: hanya TB/U yang dihitung"),
    gettext_noop("Tinggi/panjang badan kosong: hanya BB/U yang dihitung"),
    gettext_noop("Cara ukur tidak dikenal (tulis Berdiri atau Terlentang): posisi dianggap tidak diketahui"),
    gettext_noop("Edema tidak dikenal (tulis Ya atau Tidak): dianggap tidak ada"),
    gettext_noop("Nama anak kosong: tanpa NIK, anak ini tidak dapat dikenali saat impor ulang"),
    gettext_noop("LiLA bukan angka: tidak disimpan"),
    gettext_noop("Lingkar kepala bukan angka: tidak disimpan"),
    gettext_noop("Berat lahir bukan angka: tidak disimpan"),
    gettext_noop("Panjang lahir bukan angka: tidak disimpan"),
    # konvergensi_core.eppgbm.FLAG_CHECKS
    gettext_noop("Diukur berdiri pada usia di bawah 9 bulan: posisi dianggap tidak diketahui"),
    # konvergensi_core.nik.PROBLEMS
    gettext_noop("NIK kosong: anak dikenali dari nama, tanggal lahir, jenis kelamin dan desa"),
    # konvergensi_core.eppgbm.missing_columns
    gettext_noop("Kolom JK tidak ditemukan"),
    gettext_noop("Kolom Tanggal Pengukuran tidak ditemukan"),
    gettext_noop("Kolom Desa/Kel tidak ditemukan"),
    gettext_noop("Kolom Tgl Lahir (atau Usia Saat Ukur) tidak ditemukan"),
    gettext_noop("Kolom Berat dan Tinggi tidak ditemukan"),
)
