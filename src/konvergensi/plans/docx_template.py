"""The Word template of the plan (Tabel 2.2 and 2.3), built with python-docx (real Word tables, A4
landscape, the group rows merged across the table) and filled by docxtpl with the values of
:func:`konvergensi.plans.documents.facts` (``{%tr for %}`` loops repeat the rows; Tabel 2.2 nests
the rows of each group between its label row and its "Sub total" row).

Built in memory each time with the shared Word helpers of :mod:`konvergensi.reports.render`, as the
situation-analysis document's template is (:mod:`konvergensi.ansit.docx_template`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from konvergensi.reports import render
from konvergensi.reports.render import docx_shade, docx_write

SIZE = 8
HEADER_FILL = "1F4E78"
GROUP_FILL = "DDEBF7"
TOTAL_FILL = "EEF3F8"


def _table(doc, headers: Sequence[str], widths: Sequence[int], n_rows: int):
    return render.docx_table(doc, headers, rows=n_rows, widths=widths, size=SIZE, header_fill=HEADER_FILL,
                             repeat_header=True, center=True)  # fmt: skip


def _tag_row(table, index: int, tag: str) -> None:
    """A row holding only a docxtpl ``{%tr … %}`` tag (the row disappears when rendered)."""
    table.rows[index].cells[0].text = tag


def _fill_row(table, index: int, texts: Sequence[str], *, money: int, fill: str | None = None,
              bold: bool = False) -> None:  # fmt: skip
    for i, text in enumerate(texts):
        cell = table.rows[index].cells[i]
        docx_write(cell, text, size=SIZE, bold=bold, right=i == money)
        if fill:
            docx_shade(cell, fill)


def _merge(table, index: int, first: int, last: int) -> None:
    row = table.rows[index]
    text = row.cells[first].text
    merged = row.cells[first].merge(row.cells[last])
    docx_write(merged, text, size=SIZE, bold=True)


def _para(
    doc, text: str, *, size: float = 10, bold: bool = False, center: bool = False, italic: bool = False
):
    return render.docx_para(doc, text, size=size, bold=bold, center=center, italic=italic, space_after=2)


def build() -> io.BytesIO:
    doc = render.docx_document(orientation="landscape", margins=(14, 13, 14, 13), size=10)
    section = doc.sections[0]
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
    render.docx_signatures(
        doc, [render.Signature(role="{{ signatory }}", above="{{ sign_line }}")], indent=170
    )
    return render.template_stream(doc)
