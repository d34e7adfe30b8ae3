"""The Word template of the situation-analysis document, built with python-docx (real Word:
headings, tables, styles) and filled by docxtpl (its Jinja tags: ``{{ }}``, ``{%p %}`` paragraph
loops, ``{%tr %}`` table-row loops, ``{% cellbg %}`` cell colours).

Built in memory each time (a few milliseconds) with the shared Word helpers of
:mod:`konvergensi.reports.render`, so no binary template file is kept in the tree; a
district that wants its own layout can save the generated document and edit it in Word.
"""

from __future__ import annotations

import io

from docx.shared import RGBColor

from konvergensi.reports import render
from konvergensi.reports.render import docx_loop_table as _table


def _para(doc, text: str, style: str | None = None, *, size: float | None = None, italic: bool = False):
    return render.docx_para(doc, text, style, size=size, italic=italic)


def build() -> io.BytesIO:
    doc = render.docx_document(orientation="portrait", margins=(18, 20, 18, 20), size=10.5)

    doc.add_heading("Analisis Situasi Program Penurunan Stunting", level=0)
    _para(doc, "{{ kab }} · Tahun {{ tahun }}", size=14)
    _para(doc, "{{ subtitle }}", italic=True, size=9)

    doc.add_heading("1. Pendahuluan", level=1)
    _para(doc, "{{ intro }}")
    _para(doc, "{{ data_text }}")

    doc.add_heading("2. Sebaran Prevalensi Stunting", level=1)
    _table(doc, ["Ukuran", "Nilai"], ["{{ s.label }}", "{{ s.value }}"], "s in stats", widths=(95, 75))
    _para(doc, "")
    _para(doc, "{{ chart_prevalence }}")
    _para(doc, "Gambar 1. {{ caption_prevalence }}", italic=True, size=9)
    _para(doc, "{{ chart_cases }}")
    _para(doc, "Gambar 2. {{ caption_cases }}", italic=True, size=9)
    _para(doc, "{{ map_image }}")
    _para(doc, "Gambar 3. {{ caption_map }}", italic=True, size=9)
    doc.add_heading("Keputusan tim", level=2)
    _para(doc, "{{ decision_text }}")
    _para(doc, "{{ units_note }}", italic=True, size=9)
    _table(
        doc,
        ["Wilayah", "Kasus", "Diukur", "Prevalensi (%)", "Di atas rata-rata", "Signifikan"],
        [
            "{{ u.nama }}",
            "{{ u.cases }}",
            "{{ u.measured }}",
            "{{ u.prevalence }}",
            "{{ u.above }}",
            "{{ u.significant }}",
        ],
        "u in units_shown",
    )

    doc.add_heading("3. Ketersediaan Program dan Kesenjangan Cakupan Layanan", level=1)
    _para(doc, "{{ coverage_text }}")
    _table(
        doc,
        ["Indikator", "Desa berdata", "Cakupan rendah", "Cakupan kabupaten", "Kategori"],
        [
            "{{ c.code }} {{ c.name }}",
            "{{ c.with_data }}",
            "{{ c.low }}",
            "{{ c.pct }}",
            "{% cellbg c.color %}{{ c.category }}",
        ],
        "c in coverage",
        widths=(80, 22, 22, 24, 24),
    )
    _para(doc, "")
    _para(doc, "{{ programme_text }}")
    _table(
        doc,
        [
            "Program (indikator)",
            "Desa dengan program",
            "Sebagian besar desa tanpa program",
            "Desa hotspot tanpa program",
            "Sumber dana",
        ],
        [
            "{{ g.code }} {{ g.name }}",
            "{{ g.present }}",
            "{{ g.missing_most }}",
            "{{ g.hotspot }}",
            "{{ g.sources }}",
        ],
        "g in gaps",
        widths=(70, 22, 24, 24, 30),
    )

    doc.add_heading("4. Desa Lokasi Fokus (Lokus)", level=1)
    _para(doc, "{{ lokus_text }}")
    _table(
        doc,
        ["Peringkat", "Desa", "Kecamatan", "Prevalensi (%)", "Kasus", "Indikator rendah", "Kriteria 1–3"],
        [
            "{{ l.rank }}",
            "{{ l.nama }}",
            "{{ l.kecamatan }}",
            "{{ l.prevalence }}",
            "{{ l.cases }}",
            "{{ l.low }}",
            "{{ l.criteria }}",
        ],
        "l in lokus_rows",
    )

    doc.add_heading("5. Matriks Prioritisasi Desa Lokus (Tabel 1.2)", level=1)
    _para(doc, "{{ matrix_text }}")
    _table(
        doc,
        ["Peringkat", "Desa", "Prevalensi", "Indikator utama bercakupan rendah"],
        ["{{ m.rank }}", "{{ m.nama }}", "{% cellbg m.prev_color %}{{ m.prev }}", "{{ m.low_codes }}"],
        "m in matrix_rows",
        widths=(18, 45, 30, 77),
    )

    doc.add_heading("6. Reviu Penyampaian Layanan dan Koordinasi", level=1)
    _para(doc, "{{ reviews_text }}")
    _para(doc, "{%p for r in reviews %}")
    doc.add_heading("{{ r.heading }}", level=2)
    _para(doc, "{{ r.meta }}", italic=True, size=9)
    _para(doc, "{%p for line in r.lines %}")
    _para(doc, "{{ line }}", "List Bullet")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")

    doc.add_heading("7. Rekomendasi", level=1)
    _para(doc, "{{ recommendations_text }}")
    _para(doc, "{%p for g in rec_groups %}")
    doc.add_heading("{{ g.label }}", level=2)
    _para(doc, "{%p for r in g.entries %}")
    _para(doc, "{{ r.text }}", "List Number")
    p = _para(doc, "Dasar temuan: {{ r.evidence }}", italic=True, size=8.5)
    p.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")

    doc.add_heading("8. Catatan untuk Aksi 6 (Sistem Manajemen Data)", level=1)
    _para(doc, "{%p for n in notes %}")
    _para(doc, "{{ n }}", "List Bullet")
    _para(doc, "{%p endfor %}")

    doc.add_heading("Lampiran", level=1)
    _para(doc, "{{ annex_text }}")

    return render.template_stream(doc)
