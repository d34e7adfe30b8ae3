"""`konvergensi measurements`: child measurements (Aksi 7): the e-PPGBM import and the summary per
region."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from konvergensi.cli.common import ImportPrinter, fail, kabkota_or_refuse, setup_django

measurements_app = typer.Typer(
    help="Pengukuran anak (Aksi 7): impor ekspor e-PPGBM, ringkasan per wilayah.", no_args_is_help=True
)


@measurements_app.command("import")
def measurements_import(
    file: Annotated[Path, typer.Argument(help="Ekspor e-PPGBM (.xlsx atau .csv)")],
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota, mis. 32.11 atau 3211")],
    round_name: Annotated[
        str, typer.Option("--round", help="Nama putaran, mis. 'Februari 2026' (dibuat bila belum ada)")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Periksa saja, tidak menyimpan")] = False,
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USERNAME",
            help="Impor atas nama akun ini: dengan cakupan dan haknya, tercatat sebagai pengunggah. "
            "Tanpa --as impor dibuat sebagai operator kabupaten tanpa pengunggah tercatat.",
        ),
    ] = None,
) -> None:
    """Check and import child measurements into a round (the web import's checks), all or nothing."""

    def line(p: dict) -> str:
        where = f"baris {p['row']}" if p["row"] else "berkas"
        column = f" [{p['column']}]" if p["column"] else ""
        return f"{where}{column}: {p['message']} ({p['severity']})"

    def summary(payload: dict) -> str:
        state = "diperiksa, tidak disimpan" if dry_run else ("disimpan" if payload["ok"] else "DITOLAK")
        return (
            f"{state}: {payload['added']} baru, {payload['replaced']} diganti, "
            f"{payload.get('unchanged', 0)} tetap, {payload['rejected']} ditolak"
        )

    printer = ImportPrinter(format, line, summary, counts=("added", "replaced", "rejected"), limit=200)
    finish, refuse = printer.finish, printer.refuse

    kab = kabkota_or_refuse(kabkota, refuse)
    if not file.is_file():
        refuse(f"Berkas tidak ditemukan: {file}")
    if not round_name.strip():
        refuse("--round tidak boleh kosong.")
    setup_django()
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from konvergensi.accounts.scope import Scope
    from konvergensi.imports import services as pipeline
    from konvergensi.measurements import imports
    from konvergensi.measurements.models import MeasurementRound
    from konvergensi.wilayah.models import Region

    region = Region.objects.filter(kode=kab, level="kabkota").first()
    if region is None:
        refuse(f"Kabupaten/kota {kab} belum dimuat (jalankan `konvergensi wilayah load`).")
    by = None
    if as_user is None:
        scope = Scope(role="operator", kode=kab)  # the command line acts as the district operator
    else:
        by, scope = _import_account_or_refuse(as_user, kab, round_name.strip(), refuse)

    class DryRun(Exception):
        pass

    payload: dict = {}
    try:
        with transaction.atomic():
            rnd = MeasurementRound.objects.filter(kabkota=region, nama=round_name.strip()).first()
            created = rnd is None
            if created:
                from konvergensi.measurements import services as round_services

                today = timezone_today()
                rnd = round_services.round_create(scope=scope, kabkota=region, nama=round_name, tanggal_mulai=today,
                                                  tanggal_selesai=today, by=by)  # fmt: skip
            try:
                payload = pipeline.run(kind=imports.KIND_INSTANCE, kabkota=kab, params={"round": rnd.pk},
                                       path=file, scope=scope, by=by, dry_run=dry_run)  # fmt: skip
            except ValidationError as exc:  # not a file e-PPGBM writes: nothing is kept, not even the round
                refuse(" ".join(exc.messages))
            if payload.get("committed"):
                payload.update(added=payload["result"]["added"], replaced=payload["result"]["replaced"])
                if created:
                    imports.round_dates_from_data(rnd)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    finish(payload, 0 if payload.get("ok") else 1)


def _import_account_or_refuse(username: str, kab: str, round_name: str, refuse):
    """The account ``--as`` names and its scope, refused unless it is active and may import the
    district's measurements (and, for a round that does not exist yet, create rounds)."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    from konvergensi.accounts.permissions import Permission, has_permission
    from konvergensi.accounts.scope import scope_for_user
    from konvergensi.measurements.models import MeasurementRound

    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        refuse(_("Akun %(username)s tidak ada atau tidak aktif.") % {"username": username})
    scope = scope_for_user(user)
    if not has_permission(scope, Permission.MEASUREMENT_IMPORT, kab):
        refuse(
            _("Akun %(username)s tidak berhak mengimpor pengukuran untuk %(kabkota)s.")
            % {"username": username, "kabkota": kab}
        )
    exists = MeasurementRound.objects.filter(kabkota_id=kab, nama=round_name).exists()
    if not exists and not has_permission(scope, Permission.ROUND_MANAGE, kab):
        refuse(
            _(
                "Putaran '%(round)s' belum ada di %(kabkota)s dan akun %(username)s tidak berhak membuatnya; "
                "minta operator kabupaten membuat putaran itu dulu."
            )
            % {"round": round_name, "kabkota": kab, "username": username}
        )
    return user, scope


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


@measurements_app.command("summary")
def measurements_summary(
    kabkota: Annotated[str, typer.Option("--kabkota", help="Kode kabupaten/kota")],
    round_name: Annotated[str, typer.Option("--round", help="Nama putaran")],
    level: Annotated[str, typer.Option("--level", help="kabkota, kecamatan atau desa")] = "kabkota",
    format: Annotated[str, typer.Option("--format", help="text atau json")] = "text",
) -> None:
    """Children measured and stunting, wasting, underweight, overweight per unit, with 95 % CI (Wilson)."""
    if level not in ("kabkota", "kecamatan", "desa"):
        fail("--level harus kabkota, kecamatan atau desa.", format)
    kab = kabkota_or_refuse(kabkota, lambda message: fail(message, format))
    setup_django()
    from konvergensi.measurements.models import MeasurementRound
    from konvergensi.measurements.selectors import summary_rows

    rnd = MeasurementRound.objects.filter(kabkota_id=kab, nama=round_name.strip()).first()
    if rnd is None:
        fail(f"Putaran '{round_name}' tidak ada di {kab}.", format)
    rows = summary_rows(rnd=rnd, level=level)
    if format == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    typer.echo(f"{'kode':<14} {'nama':<26} {'diukur':>7} {'stunting':>8} {'prev %':>7} {'IK 95 %':>15}")
    for r in rows:
        p = "–" if r["prevalence_stunting"] is None else f"{r['prevalence_stunting']:.1f}"
        ci = "" if r["ci_low"] is None else f"{r['ci_low']:.1f}–{r['ci_high']:.1f}"
        typer.echo(
            f"{r['kode']:<14} {r['nama'][:26]:<26} {r['measured']:>7} {r['stunted']:>8} {p:>7} {ci:>15}"
        )
