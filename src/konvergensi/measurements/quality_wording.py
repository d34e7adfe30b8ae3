"""The data-quality verdict of a round in the reader's language.

The core (:func:`konvergensi_core.aggregates.quality_by`) words each verdict as one Indonesian
sentence and stays free of Django. The quality panel and the public page read it here: the sentence
is matched against the Indonesian templates it was written from (the msgids below) and rebuilt in the
active language with the parameters read back from it; a sentence of unknown wording is shown as it
is. Numbers are never recomputed: the parameters are the core's own strings. Public snapshots of
version 2 store the parts (:func:`parse_verdict`) instead of the sentence.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

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


def verdict_sentence(sentence: str) -> str:
    """A verdict sentence as the core wrote it, in the active language."""
    return verdict_text({"verdict": sentence})
