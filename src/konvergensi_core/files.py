"""Check that an uploaded evidence file is what its name says, from its first bytes."""

from __future__ import annotations

import zipfile
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


class FileRejected(ValueError):
    """The file is not acceptable; the message is for the user, in Indonesian."""


def check_upload(name: str, size: int, stream: IO[bytes], max_bytes: int) -> tuple[str, str]:
    """Return (extension, content type) or raise :class:`FileRejected`.

    The content must match the extension: a renamed executable is refused even when it is
    called ``laporan.pdf``. ``stream`` is rewound afterwards.
    """
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise FileRejected(
            f"Jenis berkas .{ext or '?'} tidak diterima. Unggah PDF, DOCX, XLSX, PNG atau JPG."
        )
    if size <= 0:
        raise FileRejected("Berkas kosong.")
    if size > max_bytes:
        raise FileRejected(
            f"Berkas terlalu besar ({size / 1_048_576:.1f} MB); batasnya {max_bytes / 1_048_576:.0f} MB."
        )
    head = stream.read(8)
    stream.seek(0)
    ok: bool
    if ext == "pdf":
        ok = head.startswith(b"%PDF-")
    elif ext == "png":
        ok = head.startswith(b"\x89PNG\r\n\x1a\n")
    elif ext in ("jpg", "jpeg"):
        ok = head.startswith(b"\xff\xd8\xff")
    else:
        ok = head.startswith(b"PK\x03\x04") and _office_part(stream, "word/" if ext == "docx" else "xl/")
        stream.seek(0)
    if not ok:
        raise FileRejected(f"Isi berkas bukan {ALLOWED[ext][1]} yang sah, walaupun namanya .{ext}.")
    return ext, ALLOWED[ext][0]


def _office_part(stream: IO[bytes], folder: str) -> bool:
    try:
        with zipfile.ZipFile(stream) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
