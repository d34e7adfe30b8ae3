"""Uploaded Excel workbooks: refuse what is not a plain, safe .xlsx; stream the rows of one sheet.

Checks, each with its own message in Indonesian: the extension (.xlsx only; .xlsm and .xls get
their own advice), the size, the ZIP container with a workbook inside, macros (``vbaProject.bin``
or a macro-enabled content type), password protection (an encrypted OLE file or encrypted ZIP
members), and zip bombs (declared uncompressed size over MAX_UNCOMPRESSED in total, or a large
member compressed more than MAX_RATIO times). Rows are read by parsing the sheet's XML as a stream
and dropping each row once read: memory stays the same whatever the number of rows (only the
shared-strings table, one entry per distinct text, is held).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from ..numbers import id_count, id_number

MAX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class XlsxRejected(ValueError):
    """The file is refused; str(exc) is a message for the user in Indonesian."""


# What a damaged or hostile workbook raises while it is read: each becomes one plain sentence.
UNREADABLE = (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError, OSError, EOFError, DefusedXmlException)


def unreadable_reason(exc: BaseException) -> str:
    """A plain Indonesian sentence for a reader's error: never the exception's class name or the
    file's internal part names (issue 12)."""
    if isinstance(exc, DefusedXmlException):
        return (
            "Berkas berisi definisi entitas XML yang tidak diizinkan (bisa dipakai untuk menyerang); "
            "buka berkas di Excel lalu simpan ulang sebagai .xlsx."
        )
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "Berkas Excel rusak atau tidak lengkap; unduh atau simpan ulang berkasnya sebagai .xlsx."
    if isinstance(exc, ET.ParseError):
        return "Isi lembar kerja rusak dan tidak dapat dibaca; buka berkas di Excel lalu simpan ulang sebagai .xlsx."
    if isinstance(exc, KeyError):
        return "Bagian buku kerja Excel tidak lengkap; buka berkas di Excel lalu simpan ulang sebagai .xlsx."
    return "Berkas tidak dapat dibaca sebagai Excel; buka berkas di Excel lalu simpan ulang sebagai .xlsx."


def short_name(name: str, limit: int = 200) -> str:
    """A file name cut to ``limit`` characters that keeps its extension (".xlsx", ".csv")."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        return name[:limit]
    return stem[: limit - len(ext) - 1] + "." + ext


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def check_xlsx(
    stream: IO[bytes], *, name: str = "", size: int | None = None, max_bytes: int = MAX_BYTES
) -> None:
    """Raise XlsxRejected unless ``stream`` is a plain .xlsx workbook. Rewinds the stream."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if name and ext == "xlsm":
        raise XlsxRejected("Berkas berisi makro (.xlsm); simpan ulang sebagai .xlsx tanpa makro.")
    if name and ext == "xls":
        raise XlsxRejected(
            "Berkas memakai format Excel lama .xls; buka di Excel lalu simpan ulang sebagai .xlsx."
        )
    if name and ext != "xlsx":
        raise XlsxRejected(f"Berkas .{ext or '?'} bukan Excel .xlsx. Gunakan templat Excel yang diunduh.")
    size = _size(stream) if size is None else size
    if size <= 0:
        raise XlsxRejected("Berkas kosong.")
    if size > max_bytes:
        mb = id_number(size / 1_048_576)
        raise XlsxRejected(f"Berkas terlalu besar ({mb} MB); batasnya {id_count(max_bytes // 1_048_576)} MB.")
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head == OLE_MAGIC:
        raise XlsxRejected(
            "Berkas dilindungi kata sandi atau memakai format Excel lama (.xls). "
            "Buka di Excel, hapus kata sandinya, lalu simpan sebagai .xlsx."
        )
    if not head.startswith(b"PK\x03\x04"):
        raise XlsxRejected("Berkas ini bukan Excel .xlsx yang sah (isinya bukan arsip ZIP).")
    try:
        with zipfile.ZipFile(stream) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise XlsxRejected("Berkas ini bukan buku kerja Excel .xlsx (bagian workbook tidak ada).")
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise XlsxRejected("Berkas berisi makro (VBA); simpan ulang sebagai .xlsx tanpa makro.")
            if any(i.flag_bits & 0x1 for i in infos):
                raise XlsxRejected("Berkas dilindungi kata sandi; hapus kata sandinya lalu unggah lagi.")
            if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
                raise XlsxRejected(
                    "Berkas mencurigakan: isinya mengembang terlalu besar saat dibuka (zip bomb)."
                )
            for i in infos:
                if i.file_size > 1_048_576 and i.file_size / max(i.compress_size, 1) > MAX_RATIO:
                    raise XlsxRejected(
                        "Berkas mencurigakan: isinya mengembang terlalu besar saat dibuka (zip bomb)."
                    )
            types = zf.read("[Content_Types].xml")
            if b"macroEnabled" in types or b"vbaProject" in types:
                raise XlsxRejected("Berkas berisi makro (VBA); simpan ulang sebagai .xlsx tanpa makro.")
    except XlsxRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise XlsxRejected(unreadable_reason(exc)) from exc
    finally:
        stream.seek(0)


NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)


def _sheet_paths(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order."""
    workbook = SafeET.fromstring(zf.read("xl/workbook.xml"))
    rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{NS_PKG}Relationship")}
    out = []
    for sheet in workbook.iter(f"{NS}sheet"):
        target = targets.get(sheet.get(f"{NS_R}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out.append((sheet.get("name", ""), path))
    return out


def _text(si: ET.Element) -> str:
    """The text of a shared or inline string: its <t>, or the <t> of its runs (not phonetic hints)."""
    direct = si.find(f"{NS}t")
    if direct is not None:
        return direct.text or ""
    return "".join((r.findtext(f"{NS}t") or "") for r in si.iter(f"{NS}r"))


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    strings: list[str] = []
    with zf.open("xl/sharedStrings.xml") as fh:
        for _event, el in SafeET.iterparse(fh):
            if el.tag == f"{NS}si":
                strings.append(_text(el))
                el.clear()
    return strings


def _column(ref: str) -> int:
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        else:
            break
    return index - 1


class FormulaWithoutValue(ValueError):
    """A formula cell whose result was never computed and saved (written by a program, not Excel)."""


def _value(cell: ET.Element, strings: list[str]):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{NS}is")
        return _text(inline) if inline is not None else None
    raw = cell.findtext(f"{NS}v")
    if not raw and kind not in ("str", "s") and (cell.findtext(f"{NS}f") or "").strip():
        raise FormulaWithoutValue(cell.get("r") or "")  # a program wrote it; Excel never computed it
    if raw is None:
        return None
    if kind == "s":
        index = int(raw)
        return strings[index] if 0 <= index < len(strings) else None
    if kind == "b":
        return raw == "1"
    if kind in ("str", "e"):
        return raw
    number = float(raw)  # numbers (dates too: they stay serial numbers here)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _rows(zf: zipfile.ZipFile, path: str, strings: list[str]) -> Iterator[tuple[int, tuple]]:
    """Each <row> as it is parsed; the rows already seen are dropped from the tree, so memory does
    not grow with the sheet (openpyxl's read-only reader keeps every parsed row element)."""
    with zf.open(path) as fh:
        parent: ET.Element | None = None
        previous = 0
        for event, el in SafeET.iterparse(fh, events=("start", "end")):
            if event == "start":
                if el.tag == f"{NS}sheetData":
                    parent = el
                continue
            if el.tag != f"{NS}row":
                continue
            number = int(el.get("r") or previous + 1)
            previous = number
            values: dict[int, object] = {}
            position = 0
            for cell in el.iter(f"{NS}c"):
                ref = cell.get("r")
                position = _column(ref) if ref else position
                if 0 <= position < MAX_COLUMNS:
                    value = _value(cell, strings)
                    if value is not None:
                        values[position] = value
                position += 1
            if parent is not None:
                parent.clear()
            if values:
                width = max(values) + 1
                yield number, tuple(values.get(i) for i in range(width))


_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c\b(?![^>]*\bt="(?:str|s|inlineStr)")[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>'
    rb"\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


def formula_without_value(stream: IO[bytes], *, max_bytes: int = MAX_BYTES) -> None:
    """Raise XlsxRejected naming the first cell of the first sheet that holds a formula whose
    result was never computed and saved (a workbook written by a program, not by Excel): readers
    that take the stored values would read it as empty. A byte scan of the sheet, no XML tree."""
    check_xlsx(stream, max_bytes=max_bytes)
    try:
        with zipfile.ZipFile(stream) as zf:
            paths = _sheet_paths(zf)
            if not paths:
                return
            name, path = paths[0]
            tail = b""
            with zf.open(path) as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    text = tail + block
                    found = _FORMULA_WITHOUT_VALUE.search(text)
                    if found:
                        raise XlsxRejected(
                            f"Lembar '{name}', sel {found.group(1).decode()}: sel berisi rumus tanpa nilai "
                            "tersimpan: buka dan simpan ulang di Excel."
                        )
                    cut = text.rfind(b"<c")
                    tail = text[cut:] if cut >= 0 and len(text) - cut < 65536 else b""
    except XlsxRejected:
        raise
    except UNREADABLE as exc:
        raise XlsxRejected(unreadable_reason(exc)) from exc
    finally:
        stream.seek(0)


def sheet_names(stream: IO[bytes], *, max_bytes: int = MAX_BYTES) -> list[str]:
    check_xlsx(stream, max_bytes=max_bytes)
    try:
        with zipfile.ZipFile(stream) as zf:
            return [name for name, _ in _sheet_paths(zf)]
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError, DefusedXmlException) as exc:
        raise XlsxRejected(unreadable_reason(exc)) from exc
    finally:
        stream.seek(0)


def iter_sheet_rows(stream: IO[bytes], sheet: str | None = None) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, values) of each row of ``sheet`` (the first when None), streamed.

    Empty rows are skipped; the numbers are the ones Excel shows, so gaps are visible in them.
    Values are str, int, float or bool (dates stay Excel serial numbers); trailing empty cells are
    dropped, so rows may differ in length.
    """
    check_xlsx(stream)
    try:
        with zipfile.ZipFile(stream) as zf:
            paths = _sheet_paths(zf)
            if not paths:
                raise XlsxRejected("Berkas tidak berisi lembar kerja.")
            names = [name for name, _ in paths]
            if sheet is not None and sheet not in names:
                raise XlsxRejected(f"Lembar '{sheet}' tidak ada. Lembar dalam berkas: {', '.join(names)}.")
            path = paths[names.index(sheet)][1] if sheet is not None else paths[0][1]
            strings = _shared_strings(zf)
            for number, values in _rows(zf, path, strings):
                if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                    yield number, values
    except XlsxRejected:
        raise
    except FormulaWithoutValue as exc:
        where = f"sel {exc.args[0]}" if exc.args and exc.args[0] else "sebuah sel"
        raise XlsxRejected(
            f"Lembar '{sheet or names[0]}', {where}: sel berisi rumus tanpa nilai tersimpan: "
            "buka dan simpan ulang di Excel."
        ) from exc
    except UNREADABLE as exc:
        raise XlsxRejected(unreadable_reason(exc)) from exc
    finally:
        stream.seek(0)
