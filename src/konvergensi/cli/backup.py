"""`konvergensi backup -o FILE` and `konvergensi restore FILE [--yes]`: the database and the media of
this installation in one file, and back (:mod:`konvergensi.backup`; docs/deployment.md §7).

Exit codes: 0 done (what was written or restored printed); 1 refused — not a backup, a corrupted member,
the other database engine, migrations ahead of the code, a non-empty database without ``--yes``, a
``pg_dump``/``pg_restore`` whose major version is not the server's — one Indonesian line, never a
traceback; 2 a bad option. Registered in ``konvergensi.cli`` (``__init__``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from konvergensi.cli.common import fail, setup_django


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def backup(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Berkas cadangan: .tar, atau .tar.gz/.tgz (dimampatkan)")
    ],
) -> None:
    """Cadangkan basis data dan berkas unggahan (media) ke satu berkas."""
    setup_django()
    from konvergensi.backup import BackupRefused, create

    try:
        done = create(output)
    except BackupRefused as exc:
        fail(f"Galat: {exc}")
    typer.echo(
        f"Cadangan ditulis: {done.path} — basis data {done.engine} ({_size(done.database_bytes)}), "
        f"{done.media_files} berkas media ({_size(done.media_bytes)}), {len(done.migrations)} aplikasi "
        f"termigrasi, versi {done.app_version}."
    )


def restore(
    file: Annotated[Path, typer.Argument(help="Berkas cadangan dari `konvergensi backup`")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Ganti isi basis data tujuan yang tidak kosong tanpa bertanya")
    ] = False,
) -> None:
    """Pulihkan basis data dan berkas media dari berkas cadangan (menolak berkas rusak atau tidak cocok)."""
    setup_django()
    from konvergensi.backup import BackupRefused
    from konvergensi.backup import restore as run_restore

    try:
        done = run_restore(file, replace=yes)
    except BackupRefused as exc:
        fail(f"Galat: {exc}")
    typer.echo(
        f"Dipulihkan dari {done.path} (dibuat {done.created_at}, versi {done.app_version}): basis data "
        f"{done.engine} ({_size(done.database_bytes)}), {done.media_files} berkas media "
        f"({_size(done.media_bytes)}); cache dikosongkan."
    )
