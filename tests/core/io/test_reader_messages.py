"""Issue 12 §1: the readers' refusals are plain Indonesian sentences (never an exception's class name
or a file's internal part), CSVs saved as Latin-1 or UTF-16 are read as what they are, a formula cell
without a stored value is named, and a long file name keeps its extension. Every file is built here."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from konvergensi_core.io.measurements import UnreadableFile, open_export, read_chunks, refuse_binary, to_utf8
from konvergensi_core.io.xlsx import XlsxRejected, check_xlsx, iter_sheet_rows, sheet_names, short_name

CLASS_NAME = re.compile(r"\w+(Error|Exception|Forbidden)\b|\((\w+)\)")
CSV_TEXT = "Nama;Desa;BB\nJosé Ñoño;Cibeureum;12,5\nSiti;Wado;9,1\n"


def _plain(message: str) -> None:
    assert message and not CLASS_NAME.search(message), message
    assert ".xml" not in message and "xl/" not in message, message


def _workbook(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rewrite(content: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, change(data) if item.filename == part else data)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16", "utf-16-le-bom", "utf-8"])
def test_a_csv_in_latin1_or_utf16_is_read_as_utf8(tmp_path, encoding):
    path = tmp_path / "ekspor.csv"
    if encoding == "utf-16-le-bom":
        path.write_bytes(b"\xff\xfe" + CSV_TEXT.encode("utf-16-le"))
    else:
        path.write_bytes(CSV_TEXT.encode(encoding))
    found = to_utf8(path)
    assert (found is None) == (encoding == "utf-8")
    frame = next(read_chunks(path))
    assert frame.columns == ["Nama", "Desa", "BB"]
    assert frame.get_column("Nama").to_list() == ["José Ñoño", "Siti"]


def test_an_unconverted_latin1_csv_gets_a_sentence_not_a_class_name(tmp_path):
    path = tmp_path / "ekspor.csv"
    path.write_bytes(CSV_TEXT.encode("cp1252"))
    try:
        frames = list(read_chunks(path))
    except UnreadableFile as exc:
        _plain(str(exc))
        assert "ekspor.csv" not in str(exc)
    else:  # Polars may read it lossily; then it is read, not failed
        assert frames[0].height == 2


def test_a_formula_cell_without_a_stored_value_is_named(tmp_path):
    content = _workbook([["Desa", "Jumlah"], ["Wado", "=1+1"]])  # openpyxl stores no cached value
    with pytest.raises(XlsxRejected) as caught:
        list(iter_sheet_rows(io.BytesIO(content)))
    message = str(caught.value)
    _plain(message)
    assert (
        "sel B2" in message
        and "rumus tanpa nilai tersimpan" in message
        and "simpan ulang di Excel" in message
    )


def test_a_formula_cell_with_its_stored_value_is_read(tmp_path):
    content = _workbook([["Desa", "Jumlah"], ["Wado", 2]])
    content = _rewrite(
        content, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"<v>2</v>", b"<f>1+1</f><v>2</v>")
    )
    assert list(iter_sheet_rows(io.BytesIO(content)))[1] == (2, ("Wado", 2))


def test_an_xml_entity_attack_is_refused_with_a_plain_sentence():
    content = _workbook([["Desa"], ["Wado"]])
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    content = _rewrite(
        content, "xl/workbook.xml", lambda d: bomb + (d.split(b"?>", 1)[1] if d.startswith(b"<?xml") else d)
    )
    check_xlsx(io.BytesIO(content), name="isi.xlsx")  # the container itself is fine
    for read in (sheet_names, lambda s: list(iter_sheet_rows(s))):
        with pytest.raises(XlsxRejected) as caught:
            read(io.BytesIO(content))
        _plain(str(caught.value))
        assert "entitas" in str(caught.value)


def test_a_damaged_sheet_gets_a_plain_sentence_from_both_readers(tmp_path):
    content = _rewrite(
        _workbook([["Desa"], ["Wado"]]), "xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2]
    )
    with pytest.raises(XlsxRejected) as caught:
        list(iter_sheet_rows(io.BytesIO(content)))
    _plain(str(caught.value))
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as caught:  # Polars + calamine
        list(read_chunks(path))
    _plain(str(caught.value))
    assert "rusak.xlsx" not in str(caught.value) and "calamine" not in str(caught.value).lower()


def test_a_missing_workbook_part_gets_a_plain_sentence():
    content = _workbook([["Desa"], ["Wado"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename != "xl/_rels/workbook.xml.rels":
                dst.writestr(item, src.read(item.filename))
    with pytest.raises(XlsxRejected) as caught:
        sheet_names(io.BytesIO(out.getvalue()))
    _plain(str(caught.value))


def test_a_300_character_name_keeps_its_extension():
    for ext in (".xlsx", ".csv"):
        name = short_name("a" * 300 + ext, 200)
        assert len(name) == 200 and name.endswith(ext)
    assert short_name("C:\\Users\\x\\data.csv") == "data.csv"
    assert short_name("pendek.xlsx") == "pendek.xlsx"
    assert Path(short_name("b" * 300, 200)).suffix == ""


@pytest.mark.parametrize(
    ("cell", "refused"),
    [
        (b'<c r="B2"><f>1+1</f><v></v></c>', True),  # openpyxl: an empty value
        (b'<c r="B2"><f>1+1</f></c>', True),
        (b'<c r="B2" s="1"><f t="shared" si="0"/></c>', True),
        (b'<c r="B2"><f>1+1</f><v>2</v></c>', False),  # Excel: the result is stored
        (b'<c r="B2" t="str"><f>""</f><v></v></c>', False),  # a formula whose result is empty text
    ],
)
def test_the_byte_scan_finds_a_formula_without_its_value(cell, refused):
    from konvergensi_core.io.xlsx import formula_without_value

    content = _workbook([["Desa", "Jumlah"], ["Wado", 7]])
    content = _rewrite(
        content, "xl/worksheets/sheet1.xml", lambda d: re.sub(rb'<c r="B2"[^>]*>.*?</c>', cell, d)
    )
    if refused:
        with pytest.raises(XlsxRejected) as caught:
            formula_without_value(io.BytesIO(content))
        _plain(str(caught.value))
        assert "sel B2" in str(caught.value) and "rumus tanpa nilai tersimpan" in str(caught.value)
    else:
        formula_without_value(io.BytesIO(content))


def test_binary_is_refused_but_utf16_with_its_nuls_is_text(tmp_path):
    """One check for the upload (before it is kept) and the reader: NUL bytes mean binary, except in
    UTF-16, whose NULs are decoded away first; the stream is left at its start."""
    utf16 = io.BytesIO(b"\xff\xfe" + CSV_TEXT.encode("utf-16-le"))
    utf16.read(7)
    refuse_binary(utf16)
    assert utf16.tell() == 0
    with pytest.raises(UnreadableFile) as caught:
        refuse_binary(io.BytesIO(b"Nama;Desa\n\x00\x01\x02"))
    assert caught.value.template == "Berkas ini bukan teks CSV (berisi data biner)."
    path = tmp_path / "ekspor.csv"
    path.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(UnreadableFile, match="berisi data biner"):
        open_export(path)
