"""Fill English translations into the .po from a JSON file {msgid: msgstr} (clears fuzzy flags).

Used with `make messages-update`: list what is missing with `--todo`, write the translations into a
JSON file, then `python scripts/po_fill.py translations.json`. Singular entries only.
"""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "src/konvergensi/locale/en/LC_MESSAGES/django.po"


def _text(chunk: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', chunk))


def _unescape(text: str) -> str:
    """A .po string's escapes (\\n, \\t, \\", \\\\) undone; other characters, UTF-8 included, kept."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _quote(text: str) -> str:
    """A .po string: backslashes, quotes and line breaks escaped (a multi-line msgid stays one line)."""
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    )


def main() -> int:
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    if sys.argv[1:] == ["--todo"]:
        for block in blocks[1:]:
            mid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
            mstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
            if mid and ("#, fuzzy" in block or (mstr and _text(mstr.group(1)) == "")):
                print(json.dumps(_unescape(_text(mid.group(1))), ensure_ascii=False))
        return 0
    translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    out = [blocks[0]]
    for block in blocks[1:]:
        mid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        key = _unescape(_text(mid.group(1))) if mid else None
        if key in translations and not re.search(r"^msgid_plural ", block, re.M):
            lines = [ln for ln in block.splitlines() if not ln.startswith("#|")]
            lines = [ln.replace("#, fuzzy, ", "#, ") for ln in lines if ln != "#, fuzzy"]
            head = "\n".join(ln for ln in lines if ln.startswith("#"))
            ctxt = re.search(r"^msgctxt .*$", block, re.M)  # kept: without it two entries would collide
            head = "\n".join(x for x in (head, ctxt.group(0) if ctxt else "") if x)
            block = (head + "\n" if head else "") + f"msgid {_quote(key)}\nmsgstr {_quote(translations[key])}"
        out.append(block)
    PO.write_text("\n\n".join(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
