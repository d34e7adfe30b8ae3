"""Evidence uploads: the first bytes, then the structure; each attack built here, each refusal
in Indonesian naming the file."""

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from konvergensi_core import files
from konvergensi_core.files import FileRejected, check_upload

MB = 1_048_576
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def check(name: str, content: bytes, max_bytes: int = 20 * MB):
    return check_upload(name, len(content), io.BytesIO(content), max_bytes)


def refused(name: str, content: bytes, match: str) -> str:
    with pytest.raises(FileRejected, match=match) as exc:
        check(name, content)
    assert f"„{name}”" in str(exc.value)  # the message names the file
    return str(exc.value)


# --- real files, written by the libraries that write them in real life -------------------------


def pdf(pages: int = 1, js: str | None = None, algorithm: str = "RC4-128", **encrypt) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if js:
        writer.add_open_action(JavaScript(js))
    if encrypt:
        writer.encrypt(algorithm=algorithm, **encrypt)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Berita acara rembuk stunting")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Desa"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


def rezip(content: bytes, *, drop=(), add=None, replace=None) -> bytes:
    """A copy of a ZIP with parts dropped, added, or their bytes replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info)
            for old, new in (replace or {}).get(info.filename, []):
                data = data.replace(old, new)
            dst.writestr(info.filename, data)
        for part, data in (add or {}).items():
            dst.writestr(part, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "ctype"),
    [
        ("laporan.pdf", pdf, "application/pdf"),
        ("tiga-halaman.pdf", lambda: pdf(pages=3), "application/pdf"),
        ("FOTO.JPG", lambda: image("JPEG"), "image/jpeg"),
        ("foto.jpeg", lambda: image("JPEG"), "image/jpeg"),
        ("peta.png", lambda: image("PNG"), "image/png"),
        ("ba.docx", docx, DOCX),
        ("data.xlsx", xlsx, XLSX),
    ],
)
def test_accepts_real_files_of_allowed_types(name, make, ctype):
    content = make()
    stream = io.BytesIO(content)
    assert check_upload(name, len(content), stream, 20 * MB) == (name.rsplit(".", 1)[1].lower(), ctype)
    assert stream.tell() == 0  # rewound for saving


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_protected_only_against_printing_or_editing_is_accepted(algorithm):
    """An owner password opens without asking: the province can read it, and so can the check (AES,
    what current office software writes, needs pypdf's crypto extra)."""
    content = pdf(user_password="", owner_password="pemilik", algorithm=algorithm)
    assert check("sk-bupati.pdf", content)[0] == "pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ....", "tidak diterima"),
        ("tanpa-ekstensi", b"%PDF-1.4", "tidak diterima"),
        ("palsu.pdf", b"MZ\x90\x00 renamed executable", "bukan PDF"),
        ("zip.xlsx", b"PK\x03\x04 not really a zip", "rusak atau bukan Excel"),
        ("kosong.pdf", b"", "kosong"),
        ("foto.png", image("JPEG"), "bukan PNG"),
        ("peta.jpg", image("PNG"), "bukan JPEG"),
    ],
)
def test_refuses_wrong_type_or_content_with_an_indonesian_message(name, content, message):
    refused(name, content, message)


def test_refuses_files_over_the_limit():
    content = pdf() + b"0" * (2 * MB)
    with pytest.raises(FileRejected, match="„besar.pdf” terlalu besar"):
        check("besar.pdf", content, max_bytes=1 * MB)


# --- Office containers --------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_anything_is_unpacked():
    bomb = rezip(xlsx(), add={"xl/worksheets/sheet2.xml": b"0" * (20 * MB)})  # ~20 kB packed
    assert len(bomb) < MB
    refused("anggaran.xlsx", bomb, "zip bomb")


def _declare_size(content: bytes, part: str, size: int) -> bytes:
    """Rewrite the size that the local and central headers of ``part`` declare (a lying header)."""
    data = bytearray(content)
    encoded = part.encode()
    for signature, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        at = data.find(signature)
        while at != -1:
            (name_len,) = struct.unpack_from("<H", data, at + name_len_at)
            if bytes(data[at + name_at : at + name_at + name_len]) == encoded:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    return bytes(data)


def test_a_declared_size_over_the_limit_is_refused_without_unpacking():
    lying = _declare_size(xlsx(), "xl/workbook.xml", files.MAX_UNCOMPRESSED + 1)
    refused("besar-katanya.xlsx", lying, "zip bomb")


def test_headers_that_understate_the_size_do_not_let_the_content_through():
    """A part declaring 1 kB that really unpacks to 20 MB: never read beyond what was declared, and
    the mismatch (CRC) refuses the file."""
    bomb = rezip(xlsx(), add={"xl/media/data.bin": b"0" * (20 * MB)})
    lying = _declare_size(bomb, "xl/media/data.bin", 1024)
    refused("kecil-katanya.xlsx", lying, "rusak")


def test_too_many_parts_are_refused():
    many = rezip(xlsx(), add={f"xl/media/p{i}.xml": b"<x/>" for i in range(files.MAX_ZIP_ENTRIES)})
    refused("banyak.xlsx", many, "bagian")


def test_a_macro_workbook_renamed_xlsx_is_refused():
    xlsm = rezip(
        xlsx(),
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"},
        replace={
            "[Content_Types].xml": [
                (b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"),
            ]
        },
    )
    refused("rekap.xlsx", xlsm, "makro")


def test_a_macro_enabled_content_type_alone_is_refused():
    xlsm = rezip(
        xlsx(),
        replace={
            "[Content_Types].xml": [
                (b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"),
            ]
        },
    )
    refused("rekap.xlsx", xlsm, "makro")


def test_a_macro_document_renamed_docx_is_refused():
    docm = rezip(docx(), add={"word/vbaProject.bin": b"VBA"})
    refused("notulen.docx", docm, "makro")


def test_a_fake_docx_is_refused():
    fake = rezip(docx(), drop=("word/document.xml",))
    refused("palsu.docx", fake, "bukan Word")
    bare = io.BytesIO()
    with zipfile.ZipFile(bare, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/evil.exe", b"MZ")
    refused("kosong.docx", bare.getvalue(), "bukan Word")


def test_a_document_with_the_other_office_extension_is_told_which_it_is():
    assert "dokumen Word, bukan Excel" in refused("notulen.xlsx", docx(), "bukan Excel")
    assert "dokumen Excel, bukan Word" in refused("tabel.docx", xlsx(), "bukan Word")


def test_a_password_protected_office_file_is_refused():
    # Office writes a protected .docx/.xlsx as an OLE file, not a ZIP.
    refused("rahasia.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "kata sandi")


def test_a_damaged_part_is_refused():
    content = bytearray(docx())
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    content[start + 5 : start + 25] = b"\x00" * 20  # garble the packed bytes
    refused("rusak.docx", bytes(content), "rusak")


# --- PDF ------------------------------------------------------------------------------------------


def test_html_behind_a_pdf_header_is_refused():
    refused(
        "laporan.pdf", b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>", "HTML"
    )


def test_html_behind_the_header_of_an_otherwise_valid_pdf_is_refused():
    polyglot = pdf().replace(b"\n", b"\n%<html><script>alert(1)</script>\n", 1)
    assert polyglot.startswith(b"%PDF-")
    refused("poliglot.pdf", polyglot, "HTML")


def test_a_pdf_header_on_garbage_is_refused():
    refused("palsu.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "rusak atau bukan PDF")
    refused("terpotong.pdf", pdf()[:200], "rusak atau bukan PDF")


def test_a_pdf_without_pages_is_refused():
    writer = PdfWriter()
    buf = io.BytesIO()
    writer.write(buf)
    refused("tanpa-halaman.pdf", buf.getvalue(), "rusak atau bukan PDF")


def test_a_pdf_with_javascript_is_refused():
    refused("formulir.pdf", pdf(js="app.alert('halo');"), "JavaScript")


def test_a_script_on_a_link_is_refused_even_when_its_name_is_disguised():
    """``/Java#53cript`` is ``/JavaScript`` to a PDF reader but not to a search of the raw bytes: the
    actions of every page's annotations are read as the reader reads them."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [NumberObject(0), NumberObject(0), NumberObject(99), NumberObject(99)]
            ),
            NameObject("/A"): action,
        }
    )
    writer.add_annotation(page, link)
    buf = io.BytesIO()
    writer.write(buf)
    disguised = buf.getvalue().replace(b"/JavaScript", b"/Java#53cript")
    assert b"/JavaScript" not in disguised
    refused("tautan.pdf", disguised, "JavaScript")


def test_a_pdf_that_needs_a_password_to_open_is_refused():
    refused("terkunci.pdf", pdf(user_password="rahasia", owner_password="pemilik"), "kata sandi")


# --- images ---------------------------------------------------------------------------------------


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size but holds (almost) no pixels: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [10_000, 40_000])  # 100 and 1,600 million pixels
def test_a_decompression_bomb_image_is_refused(side):
    assert side * side > Image.MAX_IMAGE_PIXELS
    refused("peta.png", _png_header_only(side, side), "terlalu besar")


def test_a_damaged_image_is_refused():
    good = image("PNG")
    refused("rusak.png", good[:-30] + b"\x00" * 30, "rusak")
