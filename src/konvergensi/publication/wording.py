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

import re
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

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


# ---- the quality verdict (the wording of konvergensi_core.aggregates._verdict) ----------------

INDEX_NAMES = {
    "TB/U": gettext_lazy("TB/U"),
    "BB/U": gettext_lazy("BB/U"),
    "BB/TB": gettext_lazy("BB/TB"),
}
VERDICT = {
    "good": gettext_noop("Baik"),
    "few": gettext_noop("Data terlalu sedikit untuk dinilai (< %(n)s anak)"),
    "retrain": gettext_noop("Perlu pelatihan ulang: %(issues)s"),
    "attention": gettext_noop("Perlu perhatian: %(issues)s"),
}
ISSUES = {
    "dps_weight": gettext_noop("preferensi angka desimal berat tinggi (%(digits)s; skor %(score)s)"),
    "dps_lenhei": gettext_noop("preferensi angka desimal tinggi/panjang tinggi (%(digits)s; skor %(score)s)"),
    "flagged": gettext_noop("%(share)s %% z-score %(index)s di luar batas WHO (> %(limit)s %%)"),
    "sd": gettext_noop("SD z-score %(index)s %(sd)s (di luar %(low)s–%(high)s WHO)"),
    "missing_lenhei": gettext_noop("%(pct)s %% anak tanpa tinggi/panjang badan"),
    "heaping": gettext_noop(
        "usia menumpuk pada 12, 24, 36, 48 bulan (%(ratio)s× dari yang diharapkan): "
        "tanggal lahir mungkin ditaksir"
    ),
    "sex_ratio": gettext_noop("rasio laki-laki/perempuan %(ratio)s tidak wajar (p < %(p)s)"),
}
SOME_DIGITS = "tertentu"  # the core's word when it names no digit
DIGITS_AND = " dan "  # the core joins the over-used digits with it


@cache
def _pattern(template: str, tail: str = "$") -> re.Pattern:
    """The Indonesian ``template`` (a msgid with ``%(name)s``) as a regex that reads the parameters
    back from a sentence written with it."""
    parts = re.split(r"(%\(\w+\)s|%%)", template)
    out = []
    for part in parts:
        if part == "%%":
            out.append("%")
        elif m := re.fullmatch(r"%\((\w+)\)s", part):
            out.append(f"(?P<{m.group(1)}>.+?)")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + tail, re.DOTALL)


def _known(sentence: str, templates, nested: dict | None = None) -> str:
    """``sentence`` in the active language if it was written with one of ``templates`` (and its
    ``nested`` parameters with theirs), else as it is."""
    for template in templates:
        m = _pattern(template).match(sentence)
        if m:
            params = m.groupdict()
            for name, inner in (nested or {}).items():
                if name in params:
                    params[name] = _known(params[name], inner)
            return _(template) % params if params else _(template)
    return sentence


def parse_verdict(verdict: str) -> dict | None:
    """The parts of a verdict worded by the core: ``{"key", "params", "issues": [{"key",
    "params"}]}``; None when it is not in the known wording."""
    for key, template in VERDICT.items():
        if key in ("retrain", "attention"):
            head = template.split("%(")[0]
            if not verdict.startswith(head):
                continue
            issues = _parse_issues(verdict[len(head) :])
            return None if issues is None else {"key": key, "params": {}, "issues": issues}
        m = _pattern(template).match(verdict)
        if m:
            return {"key": key, "params": m.groupdict(), "issues": []}
    return None


def _parse_issues(text: str) -> list[dict] | None:
    """The issues joined by "; " (an issue may hold "; " itself: each is read by its template)."""
    issues, pos = [], 0
    while pos < len(text):
        for key, template in ISSUES.items():
            m = _pattern(template, r"(?=; |$)").match(text, pos)
            if m:
                issues.append({"key": key, "params": m.groupdict()})
                pos = m.end() + 2
                break
        else:
            return None
    return issues or None


def _issue_text(issue: dict) -> str:
    params = dict(issue.get("params") or {})
    if "index" in params:
        params["index"] = str(INDEX_NAMES.get(params["index"], params["index"]))
    if "digits" in params:
        digits = params["digits"]
        params["digits"] = (
            _("tertentu") if digits == SOME_DIGITS else f" {_('dan')} ".join(digits.split(DIGITS_AND))
        )
    template = ISSUES[issue["key"]]
    return _(template) % params if params else _(template)


def verdict_text(quality: dict) -> str:
    """The district's data-quality verdict of a snapshot's ``quality``, in the active language."""
    parts = quality.get("verdict_parts")
    if parts is None:  # version 1: the Indonesian sentence
        stored = quality.get("verdict") or ""
        parts = parse_verdict(stored)
        if parts is None:
            return stored
    key = parts["key"]
    if key in ("retrain", "attention"):
        issues = "; ".join(_issue_text(i) for i in parts["issues"] if i.get("key") in ISSUES)
        return _(VERDICT[key]) % {"issues": issues}
    template = _(VERDICT[key])
    return template % parts["params"] if parts.get("params") else template


def index_label(label: str) -> str:
    """An index of the quality table (TB/U, BB/U, BB/TB) in the active language."""
    return str(INDEX_NAMES.get(label, label))
