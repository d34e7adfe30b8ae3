"""The sentences of a public snapshot, in the reader's language.

A snapshot (:mod:`.snapshot`) is frozen when the district publishes, but its page is read in
Indonesian or English. So a snapshot of version 2 stores no sentence: the method note is a list of
keys (:data:`METHOD`, its parameters are the snapshot's own round and coverage) and the quality
verdict is ``verdict_parts`` (a key, its parameters and one key and parameters per issue). Both are
worded here, at render time, with gettext.

Snapshots of version 1 hold the Indonesian sentences themselves (``method``, ``quality.verdict``).
Each is matched against the Indonesian templates it was written from (the msgids below, and the
wording of :func:`konvergensi_core.aggregates.quality_by`): a sentence that matches is shown in the
reader's language with the parameters read back from it; any other is shown as stored. Numbers
are never recomputed: the parameters are the published strings.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# The quality verdict is worded where the quality panel lives (measurements.quality_wording).
from konvergensi.measurements.quality_wording import (
    DIGITS_AND,
    INDEX_NAMES,
    ISSUES,
    SOME_DIGITS,
    VERDICT,
    _known,
    _pattern,
    index_label,
    parse_verdict,
    verdict_text,
)
from konvergensi_core.numbers import id_count, id_number

# ---- the method note ------------------------------------------------------------------------

COVERAGE_KNOWN = gettext_noop("%(pct)s %% dari %(balita)s balita sasaran (data sasaran %(tahun)s)")
COVERAGE_UNKNOWN = gettext_noop("tidak diketahui (data sasaran balita belum diisi)")

METHOD = {
    "routine": gettext_noop(
        "Angka ini berasal dari data rutin pengukuran di posyandu dan puskesmas (ekspor e-PPGBM) "
        "putaran %(nama)s, bukan dari survei. Hanya anak yang datang dan diukur yang terhitung; "
        "cakupan pengukuran: %(cakupan)s. Angka data rutin tidak sama dengan angka survei (SSGI/SKI) "
        "dan tidak dapat langsung dibandingkan dengannya."
    ),
    "who2006": gettext_noop(
        "Status gizi dihitung dengan Standar Pertumbuhan Anak WHO 2006 (z-score panjang/tinggi badan "
        "menurut umur, berat badan menurut umur, berat badan menurut panjang/tinggi badan) dan "
        "kategori Permenkes Nomor 2 Tahun 2020: stunting TB/U < −2 SD, sangat pendek TB/U < −3 SD, "
        "gizi kurang (wasting) BB/TB < −2 SD, berat badan kurang BB/U < −2 SD, gizi lebih BB/TB > +2 SD."
    ),
    "flags": gettext_noop(
        "Nilai z di luar batas biologis WHO (mis. TB/U < −6 atau > +6) dianggap salah ukur atau salah "
        "catat dan tidak masuk penyebut indikator tersebut. Bila seorang anak diukur lebih dari sekali "
        "dalam satu putaran, pengukuran terakhir yang dipakai."
    ),
    "wilson": gettext_noop(
        "Selang kepercayaan 95 % memakai metode skor Wilson. Selang ini hanya menggambarkan "
        "ketidakpastian karena jumlah anak yang sedikit, bukan kesalahan pengukuran atau anak yang "
        "tidak datang."
    ),
    "suppression": gettext_noop(
        "Perlindungan sel kecil: wilayah dengan kurang dari %(n)s anak diukur ditampilkan “—”, jumlah "
        "kasus 1 sampai 4 ditampilkan “< 5”, dan beberapa sel lain ikut disembunyikan agar angka yang "
        "disembunyikan tidak dapat dihitung dari total atau wilayah sekitarnya. Publikasi ini tidak "
        "memuat data pribadi (nama, NIK, tanggal lahir, alamat)."
    ),
}
METHOD_KEYS = tuple(METHOD)


def _coverage_text(coverage: dict) -> str:
    if coverage.get("percent") is None:
        return _(COVERAGE_UNKNOWN)
    return _(COVERAGE_KNOWN) % {
        "pct": id_number(coverage["percent"]),
        "balita": id_count(coverage["balita"]),
        "tahun": coverage["tahun"],
    }


def _method_params(key: str, data: dict) -> dict:
    if key == "routine":
        return {"nama": data["round"]["nama"], "cakupan": _coverage_text(data.get("coverage") or {})}
    if key == "suppression":
        return {"n": data["round"]["min_cell"]}
    return {}


def method_text(key: str, data: dict) -> str:
    """Paragraph ``key`` of the method note of snapshot ``data``, in the active language."""
    template = _(METHOD[key])
    params = _method_params(key, data)
    return template % params if params else template


def method_paragraphs(data: dict) -> list[str]:
    """The method note of a snapshot in the active language (see the module docstring)."""
    stored = data.get("method") or []
    if data.get("version", 1) >= 2:
        return [method_text(key, data) for key in stored if key in METHOD]
    return [_known(paragraph, METHOD.values(), nested={"cakupan": (COVERAGE_KNOWN, COVERAGE_UNKNOWN)})
            for paragraph in stored]  # fmt: skip


__all__ = ["DIGITS_AND", "INDEX_NAMES", "ISSUES", "METHOD", "METHOD_KEYS", "SOME_DIGITS", "VERDICT", "_pattern",
           "index_label", "method_paragraphs", "method_text", "parse_verdict", "verdict_text"]  # fmt: skip
