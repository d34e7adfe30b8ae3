"""The Word template of the plan (Tabel 2.2 and 2.3), built with python-docx (real Word tables, A4
landscape, the group rows merged across the table) and filled by docxtpl with the values of
:func:`konvergensi.plans.documents.facts` (``{%tr for %}`` loops repeat the rows; Tabel 2.2 nests
the rows of each group between its label row and its "Sub total" row).

Built in memory each time, as the situation-analysis document's template is
(:mod:`konvergensi.ansit.docx_template`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

SIZE = 8
HEADER_FILL = "1F4E78"
GROUP_FILL = "DDEBF7"
TOTAL_FILL = "EEF3F8"


def _write(cell, text: str, *, bold: bool = False, color: str | None = None, right: bool = False) -> None:
    from docx.shared import RGBColor

    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(SIZE)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _table(doc, headers: Sequence[str], widths: Sequence[int], n_rows: int):
    table = doc.add_table(rows=n_rows, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, text in enumerate(headers):
        cell = table.rows[0].cells[i]
        _write(cell, text, bold=True, color="FFFFFF")
        _shade(cell, HEADER_FILL)
    _repeat_header(table.rows[0])
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    return table


def _tag_row(table, index: int, tag: str) -> None:
    """A row holding only a docxtpl ``{%tr … %}`` tag (the row disappears when rendered)."""
    table.rows[index].cells[0].text = tag


def _fill_row(table, index: int, texts: Sequence[str], *, money: int, fill: str | None = None,
              bold: bool = False) -> None:  # fmt: skip
    for i, text in enumerate(texts):
        cell = table.rows[index].cells[i]
        _write(cell, text, bold=bold, right=i == money)
        if fill:
            _shade(cell, fill)


def _merge(table, index: int, first: int, last: int) -> None:
    row = table.rows[index]
    text = row.cells[first].text
    merged = row.cells[first].merge(row.cells[last])
    _write(merged, text, bold=True)


def _para(
    doc, text: str, *, size: float = 10, bold: bool = False, center: bool = False, italic: bool = False
):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(2)
    return p


def build() -> io.BytesIO:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(13)
    section.top_margin = section.bottom_margin = Mm(14)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    section.footer.paragraphs[0].text = "{{ footer }}"

    doc.add_heading("Rencana Kegiatan Penurunan Stunting Terintegrasi", level=0)
    _para(doc, "{{ kab }}{% if provinsi %}, {{ provinsi }}{% endif %} · Tahun anggaran {{ tahun }}", size=13)
    _para(doc, "Aksi Konvergensi 2: Penyusunan Rencana Kegiatan · {{ subtitle }}", size=9, italic=True)

    # Tabel 2.2: header, {%tr for g %}, group label, {%tr for r %}, row, {%tr endfor %}, subtotal,
    # {%tr endfor %}, total.
    _para(doc, "{{ title_2_2 }}", size=11, bold=True, center=True)
    _para(doc, "{{ tahun_line }}", size=9.5, bold=True, center=True)
    _para(doc, "{{ kab_line }}", size=9.5, bold=True, center=True)
    headers = ("No", "Masalah yang dihadapi", "Rekomendasi kegiatan", "Target kinerja", "Lokasi", "Anggaran",
               "OPD penanggung jawab", "Waktu penyelesaian")  # fmt: skip
    table = _table(doc, headers, (12, 48, 54, 26, 36, 30, 34, 31), 9)
    _tag_row(table, 1, "{%tr for g in groups %}")
    _fill_row(table, 2, ["{{ g.number }}", "{{ g.label }}"], money=-1, fill=GROUP_FILL, bold=True)
    _merge(table, 2, 1, len(headers) - 1)
    _tag_row(table, 3, "{%tr for r in g.rows %}")
    _fill_row(table, 4, ["{{ r.no }}", "{{ r.masalah }}", "{{ r.rekomendasi }}", "{{ r.target_text }}",
                         "{{ r.lokasi_text }}", "{{ r.anggaran }}", "{{ r.opd }}", "{{ r.schedule }}"], money=5)  # fmt: skip
    _tag_row(table, 5, "{%tr endfor %}")
    _fill_row(table, 6, ["", "Sub total {{ g.number }}", "", "", "", "{{ g.subtotal_text }}", "", ""], money=5,
              fill=TOTAL_FILL, bold=True)  # fmt: skip
    _merge(table, 6, 1, 4)
    _tag_row(table, 7, "{%tr endfor %}")
    _fill_row(
        table, 8, ["", "Total", "", "", "", "{{ total_text }}", "", ""], money=5, fill=TOTAL_FILL, bold=True
    )
    _merge(table, 8, 1, 4)

    doc.add_page_break()
    _para(doc, "{{ title_2_3 }}", size=11, bold=True, center=True)
    _para(doc, "{{ tahun_line }}", size=9.5, bold=True, center=True)
    _para(doc, "{{ kab_line }}", size=9.5, bold=True, center=True)
    headers = ("No", "Program/Kegiatan", "Indikator kinerja", "Baseline", "Target kinerja", "Lokasi", "Anggaran",
               "Sumber pendanaan", "OPD penanggung jawab", "Jadwal pelaksanaan")  # fmt: skip
    table = _table(doc, headers, (12, 52, 36, 18, 20, 34, 28, 24, 30, 17), 5)
    _tag_row(table, 1, "{%tr for r in rows %}")
    _fill_row(table, 2, ["{{ r.no }}", "{% if r.code %}{{ r.code }} {% endif %}{{ r.activity }}", "{{ r.indicator }}",
                         "{{ r.baseline }}", "{{ r.target_text }}", "{{ r.lokasi_text }}", "{{ r.anggaran }}",
                         "{{ r.source }}", "{{ r.opd }}", "{{ r.schedule }}"], money=6)  # fmt: skip
    _tag_row(table, 3, "{%tr endfor %}")
    _fill_row(table, 4, ["", "Total", "", "", "", "", "{{ total_text }}", "", "", ""], money=6, fill=TOTAL_FILL,
              bold=True)  # fmt: skip
    _merge(table, 4, 1, 5)

    _para(doc, "")
    for text, bold in (("{{ sign_line }}", False), ("{{ signatory }}", True), ("", False), ("", False),
                       ("(……………………………………………)", False)):  # fmt: skip
        p = _para(doc, text, bold=bold)
        p.paragraph_format.left_indent = Mm(170)

    out = io.BytesIO()
    doc.save(out)
    out.seek(0)
    return out
