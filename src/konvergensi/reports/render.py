"""Rendering shared by every document: the PDF base (WeasyPrint, from our own templates, no network)
and the Word helpers (python-docx; docxtpl fills the templates built with them).

A PDF template extends ``reports/base_pdf.html`` and fills ``{% block style %}`` (its own CSS, after
the common one) and ``{% block content %}``. The base lays out A4 (portrait or landscape), the
district's header (province, kabupaten/kota) at the top of each page, and a footer with the
document's title and "Halaman x dari y". The document is rendered in Indonesian unless the caller
asks for another language. Signature blocks: ``{% include "reports/_signatures.html" %}`` with
``signatures`` a list of :class:`Signature`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

ORIENTATIONS = ("portrait", "landscape")


@dataclass(frozen=True)
class Signature:
    """One signature block: the role (bold), an optional line above it (place and date), the name
    under the blank space (dots when nobody is named yet) and an optional line under the name."""

    role: str
    name: str = ""
    above: str = ""
    below: str = ""


def district_line(kabkota) -> str:
    """ "Provinsi Jawa Barat · Kabupaten Sumedang" for a kabupaten/kota (its code or its Region);
    "" for none or an unknown code."""
    from konvergensi.wilayah.models import Region

    if kabkota is None or kabkota == "":
        return ""
    region = kabkota if isinstance(kabkota, Region) else Region.objects.filter(kode=kabkota).first()
    if region is None:
        return ""
    provinsi = Region.objects.filter(kode=region.kode[:2], level="provinsi").first()
    return " · ".join(x for x in ((f"Provinsi {provinsi.nama}" if provinsi else ""), region.nama) if x)


def html(
    template: str,
    context: dict,
    *,
    kabkota=None,
    title: str = "",
    orientation: str = "portrait",
    language: str = "id",
) -> str:
    """The HTML of a document: ``template`` (which extends ``reports/base_pdf.html``) with
    ``context``, the district header of ``kabkota`` and the footer ``title``, in ``language``."""
    if orientation not in ORIENTATIONS:
        raise ValueError(f"unknown orientation: {orientation}")
    with translation.override(language):
        base = {
            "report_title": title,
            "report_district": district_line(kabkota),
            "report_orientation": orientation,
            "report_language": language,
        }
        return render_to_string(template, {**context, **base})


def pdf(
    template: str,
    context: dict,
    *,
    kabkota=None,
    title: str = "",
    orientation: str = "portrait",
    language: str = "id",
) -> bytes:
    """The document as PDF (see :func:`html`)."""
    from weasyprint import HTML

    text = html(template, context, kabkota=kabkota, title=title, orientation=orientation, language=language)
    return HTML(string=text).write_pdf()


# --- Word ------------------------------------------------------------------------------------------------


def docx_document(
    *,
    orientation: str = "portrait",
    margins: tuple[float, float, float, float] = (18, 20, 18, 20),
    font: str = "Calibri",
    size: float = 10.5,
):
    """A new A4 Word document: ``margins`` (top, right, bottom, left) in mm, the Normal style's
    font and size."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    if orientation not in ORIENTATIONS:
        raise ValueError(f"unknown orientation: {orientation}")
    doc = Document()
    section = doc.sections[0]
    if orientation == "landscape":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    top, right, bottom, left = margins
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    return doc


def docx_para(
    doc,
    text: str,
    style: str | None = None,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    space_after: float | None = None,
):
    """A paragraph of one run."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def docx_write(
    cell, text: str, *, size: float, bold: bool = False, color: str | None = None, right: bool = False
) -> None:
    """Replace a table cell's text by one run."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def docx_shade(cell, fill: str) -> None:
    """A cell's background colour (hex without #)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def docx_table(
    doc,
    headers: Sequence[str],
    *,
    rows: int,
    widths: Sequence[float] | None = None,
    size: float = 8.5,
    header_fill: str | None = None,
    repeat_header: bool = False,
    center: bool = False,
):
    """A grid table of ``rows`` rows (the header included): the header row bold (white on
    ``header_fill`` when given), repeated on every page with ``repeat_header``, the column
    ``widths`` in mm. The other rows are left for the caller (values or docxtpl ``{%tr %}`` tags)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = doc.add_table(rows=rows, cols=len(headers))
    table.style = "Table Grid"
    if center:
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
    for i, text in enumerate(headers):
        cell = table.rows[0].cells[i]
        docx_write(cell, text, size=size, bold=True, color="FFFFFF" if header_fill else None)
        if header_fill:
            docx_shade(cell, header_fill)
    if repeat_header:
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        tr_pr.append(flag)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Mm(width)
    return table


def docx_loop_table(
    doc,
    headers: Sequence[str],
    cells: Sequence[str],
    loop: str,
    *,
    widths: Sequence[float] | None = None,
    size: float = 8.5,
):
    """A docxtpl table: the header row and one templated row repeated by ``{%tr for <loop> %}``."""
    table = docx_table(doc, headers, rows=4, widths=widths, size=size)
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, text in enumerate(cells):
        docx_write(table.rows[2].cells[i], text, size=size)
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def docx_signatures(doc, signatures: Sequence[Signature], *, indent: float = 0, size: float = 10) -> None:
    """Signature blocks one under the other, each indented ``indent`` mm: the line above, the role
    (bold), two blank lines, the name (dots when empty), the line below."""
    from docx.shared import Mm

    for s in signatures:
        lines = [(s.above, False)] if s.above else []
        lines += [(s.role, True), ("", False), ("", False), (s.name or "(……………………………………………)", False)]
        lines += [(s.below, False)] if s.below else []
        for text, bold in lines:
            p = docx_para(doc, text, size=size, bold=bold, space_after=2)
            p.paragraph_format.left_indent = Mm(indent)


BEFORE_SHD = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders")


def docx_order_cell_shading(document) -> None:
    """docxtpl's ``cellbg`` puts ``w:shd`` first in the cell properties; the schema wants it after
    the width, spans and borders (Word is strict about the order)."""
    from docx.oxml.ns import qn

    anchors = {qn(f"w:{name}") for name in BEFORE_SHD}
    for tc_pr in document.element.body.iter(qn("w:tcPr")):
        shd = tc_pr.find(qn("w:shd"))
        if shd is None:
            continue
        tc_pr.remove(shd)
        anchor = None
        for child in tc_pr:
            if child.tag in anchors:
                anchor = child
        if anchor is None:
            tc_pr.insert(0, shd)
        else:
            anchor.addnext(shd)


def save(doc) -> bytes:
    """A python-docx ``Document`` or a docxtpl ``DocxTemplate`` as bytes."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def template_stream(doc) -> io.BytesIO:
    """A built Word template as the stream docxtpl opens."""
    out = io.BytesIO()
    doc.save(out)
    out.seek(0)
    return out
