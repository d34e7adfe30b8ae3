"""Check that an uploaded evidence file is what its name says: by its first bytes, then its structure.

The first bytes must match the extension (a renamed executable is refused even when it is called
``laporan.pdf``); then the structure is checked without trusting the name or the headers:

* DOCX/XLSX: a ZIP container read safely — at most MAX_ZIP_ENTRIES parts; the sizes the headers
  declare (in total, and each part's compression ratio) are checked BEFORE anything is unpacked,
  then every part is read as a stream with a cap in case the headers lie (zip bombs); no macros
  (``vbaProject.bin`` or a macro-enabled content type: a renamed .xlsm/.docm); no encrypted parts;
  the main part of what the extension says (``word/document.xml``, ``xl/workbook.xml``).
* PDF: must parse with pypdf and have at least one page; no HTML in front of it; no JavaScript.
  An encrypted PDF is accepted only when it opens without a password (an "owner" password that
  only restricts printing or editing): the province must be able to read the evidence, and a file
  we cannot open we cannot check either.
* PNG/JPEG: must open and verify with Pillow as that format, and be no larger than Pillow's
  MAX_IMAGE_PIXELS (a decompression bomb is a small file that unpacks to gigabytes).

Every refusal is a :class:`FileRejected` whose message, in Indonesian, names the file. Pure Python:
no Django here.
"""

from __future__ import annotations

import re
import warnings
import zipfile
import zlib
from typing import IO

# extension -> (content type, label)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
    "jpeg": ("image/jpeg", "JPEG"),
}

MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED = 100 * 1_048_576  # all parts of a DOCX/XLSX together, once unpacked
MAX_RATIO = 100  # a part above 1 MB unpacking to more than this many times its packed size
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls, and password-protected Office files
# The main part of each Office format, and the folder that tells which format a file really is.
OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_HTML = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|object|embed|svg|meta)\b", re.I)
_PDF_JS = re.compile(rb"/JavaScript")  # "/JS" alone turns up by chance in compressed binary data


class FileRejected(ValueError):
    """The file is not acceptable; the message is for the user, in Indonesian."""


def check_upload(name: str, size: int, stream: IO[bytes], max_bytes: int) -> tuple[str, str]:
    """Return (extension, content type) or raise :class:`FileRejected`. ``stream`` is rewound."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise FileRejected(
            f"Jenis berkas .{ext or '?'} („{name}”) tidak diterima. Unggah PDF, DOCX, XLSX, PNG atau JPG."
        )
    if size <= 0:
        raise FileRejected(f"Berkas „{name}” kosong.")
    if size > max_bytes:
        raise FileRejected(
            f"Berkas „{name}” terlalu besar ({size / 1_048_576:.1f} MB); "
            f"batasnya {max_bytes / 1_048_576:.0f} MB."
        )
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    label = ALLOWED[ext][1]
    try:
        if ext == "pdf":
            ok = head.startswith(b"%PDF-")
        elif ext == "png":
            ok = head.startswith(b"\x89PNG\r\n\x1a\n")
        elif ext in ("jpg", "jpeg"):
            ok = head.startswith(b"\xff\xd8\xff")
        else:
            if head == OLE_MAGIC:
                raise FileRejected(
                    f"Berkas „{name}” dilindungi kata sandi atau memakai format {label} lama "
                    f"(.doc/.xls). Buka, hapus kata sandinya, lalu simpan ulang sebagai .{ext}."
                )
            ok = head.startswith(b"PK\x03\x04")
        if not ok:
            raise FileRejected(f"Isi berkas „{name}” bukan {label} yang sah, walaupun namanya .{ext}.")
        if ext == "pdf":
            _check_pdf(name, stream)
        elif ext in OOXML_MAIN:
            _check_ooxml(name, ext, stream)
        else:
            _check_image(name, ext, stream)
    finally:
        stream.seek(0)
    return ext, ALLOWED[ext][0]


def _bomb(name: str) -> FileRejected:
    return FileRejected(
        f"Berkas „{name}” mencurigakan: isinya mengembang terlalu besar saat dibuka (zip bomb). "
        "Simpan ulang dokumennya lalu unggah lagi."
    )


def _macros(name: str, ext: str) -> FileRejected:
    return FileRejected(
        f"Berkas „{name}” berisi makro (VBA). Simpan ulang sebagai .{ext} biasa tanpa makro, lalu unggah lagi."
    )


def _check_ooxml(name: str, ext: str, stream: IO[bytes]) -> None:
    label = ALLOWED[ext][1]
    try:
        with zipfile.ZipFile(stream) as zf:
            infos = zf.infolist()
            # Everything the central directory declares, before a single byte is unpacked.
            if len(infos) > MAX_ZIP_ENTRIES:
                raise FileRejected(
                    f"Berkas „{name}” mencurigakan: terdiri atas {len(infos)} bagian "
                    f"(batasnya {MAX_ZIP_ENTRIES})."
                )
            if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED or any(
                i.file_size > 1_048_576 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos
            ):
                raise _bomb(name)
            if any(i.flag_bits & 0x1 for i in infos):
                raise FileRejected(
                    f"Berkas „{name}” dilindungi kata sandi. Hapus kata sandinya, simpan, lalu unggah lagi."
                )
            names = {i.filename for i in infos}
            if any(n.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml") for n in names):
                raise _macros(name, ext)
            if "[Content_Types].xml" not in names or OOXML_MAIN[ext] not in names:
                other = next((e for e, part in OOXML_MAIN.items() if e != ext and part in names), None)
                if other:
                    raise FileRejected(
                        f"Isi berkas „{name}” adalah dokumen {ALLOWED[other][1]}, bukan {label}; "
                        f"simpan dengan ekstensi .{other}."
                    )
                raise FileRejected(f"Isi berkas „{name}” bukan {label} yang sah, walaupun namanya .{ext}.")
            # Unpack every part as a stream with a cap: the declared sizes may lie.
            total = 0
            for info in infos:
                with zf.open(info) as part:
                    while chunk := part.read(1 << 16):
                        total += len(chunk)
                        if total > MAX_UNCOMPRESSED:
                            raise _bomb(name)
            types = zf.read("[Content_Types].xml").lower()
            if b"macroenabled" in types or b"vbaproject" in types:
                raise _macros(name, ext)
    except FileRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:  # fmt: skip
        raise FileRejected(
            f"Berkas „{name}” rusak atau bukan {label} yang sah ({exc.__class__.__name__}). "
            "Buka dan simpan ulang dokumennya, lalu unggah lagi."
        ) from exc


def _check_pdf(name: str, stream: IO[bytes]) -> None:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    start = stream.read(1024)
    stream.seek(0)
    if _HTML.search(start):
        raise FileRejected(f"Berkas „{name}” berisi HTML di balik kepala PDF; ini bukan PDF yang sah.")
    unreadable = FileRejected(
        f"Berkas „{name}” rusak atau bukan PDF yang sah. Simpan ulang atau cetak ulang ke PDF, lalu unggah lagi."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about every repaired oddity
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except (DependencyError, NotImplementedError, PdfReadError):
                    opened = PasswordType.NOT_DECRYPTED
                if not opened:
                    raise FileRejected(
                        f"Berkas „{name}” dilindungi kata sandi atau terenkripsi, sehingga provinsi tidak "
                        "dapat membukanya. Simpan ulang tanpa kata sandi, lalu unggah lagi."
                    )
            if len(reader.pages) < 1:
                raise unreadable
            javascript = _pdf_has_javascript(reader)
    except FileRejected:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged or hostile file
        raise unreadable from exc
    stream.seek(0)
    if javascript or any(_PDF_JS.search(chunk) for chunk in _overlapping_chunks(stream)):
        raise FileRejected(
            f"Berkas „{name}” berisi JavaScript. Cetak ulang ke PDF biasa (tanpa skrip), lalu unggah lagi."
        )


def _pdf_has_javascript(reader) -> bool:
    """Scripts where a PDF can run them, also inside compressed object streams (which a scan of the
    raw bytes cannot see): the document's named scripts, its open and additional actions, and each
    page's and each annotation's (links, form fields) actions."""
    root = reader.trailer["/Root"].get_object()
    names = _resolve(root.get("/Names"))
    if isinstance(names, dict) and "/JavaScript" in names:
        return True
    holders = [root]
    for page in reader.pages:
        holders.append(page)
        annots = _resolve(page.get("/Annots"))
        if isinstance(annots, list):
            holders.extend(a for a in map(_resolve, annots) if isinstance(a, dict))
    for holder in holders:
        for key in ("/OpenAction", "/A"):
            if _is_script(holder.get(key)):
                return True
        extra = _resolve(holder.get("/AA"))
        if isinstance(extra, dict) and any(_is_script(action) for action in extra.values()):
            return True
    return False


def _resolve(obj):
    return obj.get_object() if obj is not None and hasattr(obj, "get_object") else obj


def _is_script(action) -> bool:
    action = _resolve(action)
    return isinstance(action, dict) and (action.get("/S") == "/JavaScript" or "/JS" in action)


def _overlapping_chunks(stream: IO[bytes], size: int = 1 << 20, overlap: int = 16):
    tail = b""
    while chunk := stream.read(size):
        yield tail + chunk
        tail = chunk[-overlap:]


def _check_image(name: str, ext: str, stream: IO[bytes]) -> None:
    from PIL import Image, UnidentifiedImageError

    label = ALLOWED[ext][1]
    limit = Image.MAX_IMAGE_PIXELS or 0  # None: Pillow set to no limit (then never too large)
    too_large = FileRejected(
        f"Gambar „{name}” terlalu besar (lebih dari {limit // 1_000_000} juta piksel). "
        "Perkecil ukurannya, lalu unggah lagi."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=[label]) as image:
                width, height = image.size
                if limit and width * height > limit:
                    raise too_large
                image.verify()
    except FileRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise FileRejected(
            f"Gambar „{name}” rusak atau bukan {label} yang sah. Simpan ulang gambarnya, lalu unggah lagi."
        ) from exc
