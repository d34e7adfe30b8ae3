"""Check a folder's ``SHA256SUMS`` the strict way: every listed file exists and matches, every data file is
listed, and the list names each file once (``sha256sum -c`` alone passes a file nobody listed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

NOT_DATA = {"SHA256SUMS", "README.md"}  # the folder's own notes; licences are listed or not as they like


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_problems(folder: Path) -> list[str]:
    """What is wrong with ``folder/SHA256SUMS``, in words; empty when it is right."""
    listed: dict[str, str] = {}
    problems = []
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        name = name.removeprefix("*")
        if len(digest) != 64 or not name:
            problems.append(f"unreadable line {line!r}")
        elif name in listed:
            problems.append(f"{name} listed twice")
        listed[name] = digest.lower()
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is listed but missing")
        elif sha256(path) != digest:
            problems.append(f"{name} does not match its checksum")
    for path in sorted(folder.iterdir()):
        data = path.is_file() and path.name not in NOT_DATA and not path.name.startswith("LICENSE")
        if data and path.name not in listed:
            problems.append(f"{path.name} is not listed")
    return problems
