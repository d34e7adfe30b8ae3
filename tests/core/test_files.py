import io
import zipfile

import pytest

from konvergensi_core.files import FileRejected, check_upload

MB = 1_048_576


def office(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{folder}document.xml", "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "ctype"),
    [
        ("laporan.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("FOTO.JPG", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        ("peta.png", b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (
            "ba.docx",
            office("word/"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("data.xlsx", office("xl/"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_accepts_real_files_of_allowed_types(name, content, ctype):
    stream = io.BytesIO(content)
    assert check_upload(name, len(content), stream, 20 * MB)[1] == ctype
    assert stream.tell() == 0  # rewound for saving


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ....", "tidak diterima"),
        ("tanpa-ekstensi", b"%PDF-1.4", "tidak diterima"),
        ("palsu.pdf", b"MZ\x90\x00 renamed executable", "bukan PDF"),
        ("palsu.docx", office("xl/"), "bukan Word"),
        ("zip.xlsx", b"PK\x03\x04 not really a zip", "bukan Excel"),
        ("kosong.pdf", b"", "kosong"),
    ],
)
def test_refuses_wrong_type_or_content_with_an_indonesian_message(name, content, message):
    with pytest.raises(FileRejected, match=message):
        check_upload(name, len(content), io.BytesIO(content), 20 * MB)


def test_refuses_files_over_the_limit():
    content = b"%PDF-1.4" + b"0" * (2 * MB)
    with pytest.raises(FileRejected, match="terlalu besar"):
        check_upload("besar.pdf", len(content), io.BytesIO(content), 1 * MB)
