"""Server-drawn charts and maps (matplotlib) as they leave the app: SVG for pages under a strict
CSP and for PDFs, PNG for Word. Shared by every app that draws (``ansit.charts``,
``measurements.charts``); the drawings themselves stay with their apps.

matplotlib writes ``style="…"`` attributes and a ``<style>`` element into its SVG, which a strict
Content-Security-Policy (no inline styles) blocks: :func:`svg_inline` turns them into SVG
presentation attributes, drops the prologue and metadata, scales the drawing to its container,
gives it an accessible name and prefixes its ids so that several drawings on one page never share
one. It also makes the SVG lighter for slow connections (no group ids, one decimal).
"""

from __future__ import annotations

import io
import re

import matplotlib
from matplotlib.figure import Figure  # the object API: no pyplot state, no display needed

RC = {
    "svg.fonttype": "none",  # text stays text: small, searchable, selectable
    "svg.hashsalt": "konvergensi",  # the same drawing gives the same SVG
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)
PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
SIZE = re.compile(r'<svg([^>]*?)\swidth="[^"]*"\sheight="[^"]*"')
ID_ATTR = re.compile(r'\sid="([^"]+)"')
GROUP_ID = re.compile(r'<g id="[^"]+">')
DECIMALS = re.compile(r"(\d\.\d)\d+")
TAG = re.compile(r"<[^>]+>")  # coordinates live in tags; the text between them is what people read
SPACE = re.compile(r"\s*\n\s*")
ID_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def svg(fig: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _attributes(match: re.Match) -> str:
    out = []
    for part in match.group(1).split(";"):
        name, sep, value = part.partition(":")
        if sep and name.strip():
            out.append(f' {name.strip()}="{value.strip()}"')
    return "".join(out)


def svg_inline(fig: Figure, *, label: str, prefix: str = "svg") -> str:
    """The drawing as an SVG element for a page or a PDF (see the module docstring)."""
    text = svg(fig)
    text = GROUP_ID.sub("<g>", text)
    # One decimal for coordinates only: text such as "ambang 1.181,0" (Indonesian thousands) is kept.
    text = TAG.sub(lambda m: DECIMALS.sub(r"\1", m.group(0)), text)
    text = SPACE.sub(" ", text)
    text = ID_ATTR.sub(lambda m: f' id="{prefix}-{m.group(1)}"', text)
    text = ID_REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    text = PROLOGUE.sub("", text, count=1)
    text = METADATA.sub("", text)
    text = STYLE_ELEMENT.sub("", text)
    text = STYLE_ATTR.sub(_attributes, text)
    safe = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return SIZE.sub(lambda m: f'<svg{m.group(1)} width="100%" role="img" aria-label="{safe}"', text, count=1)


def png(fig: Figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
