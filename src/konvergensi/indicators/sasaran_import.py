"""Data sasaran from a Dukcapil/BKKBN-style aggregate file (CSV or XLSX, one row per desa) through the
import pipeline: read and checked by the core (``konvergensi_core.io.sasaran``) against the district's
desa, the uploader's area (a kecamatan: its own desa; the operator: the district), the rows the camat
has verified (locked: refused, never overwritten) and what is stored; previewed as new / changed /
unchanged desa; committed all or nothing (checked again first), each changed row back to draft for
the camat to verify, one audit entry.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.imports import services as pipeline
from konvergensi.imports.kinds import CheckOutcome, FileRefused, ImportKind, refuse_unsafe_xlsx
from konvergensi.imports.models import Import
from konvergensi_core.adapters import DUKCAPIL
from konvergensi_core.io import sasaran as reader

from .models import SASARAN_FIELDS, DataSasaran, SasaranStatus

KIND = "data-sasaran"
PREVIEW = 50


def may_import(scope: Scope, kabkota: str) -> bool:
    """The district operator (every desa of the district) or a kecamatan (its own desa)."""
    if has_permission(scope, Permission.SASARAN_EDIT, kabkota):
        return True
    return (
        scope.role == Role.KECAMATAN
        and bool(scope.kode)
        and (scope.kode or "").startswith(kabkota + ".")
        and has_permission(scope, Permission.SASARAN_EDIT, scope.kode)
    )


def desa_of(kabkota: str) -> dict[str, str]:
    from konvergensi.wilayah.models import Region

    return dict(
        Region.objects.filter(level="desa", kode__startswith=kabkota + ".").values_list("kode", "nama")
    )


def writable(scope: Scope, desa: dict[str, str]) -> set[str]:
    return {k for k in desa if has_permission(scope, Permission.SASARAN_EDIT, k)}


def _stored(kabkota: str, tahun: int) -> tuple[dict[str, dict[str, int | None]], set[str]]:
    """Counts stored for the year per desa, and the desa whose row is verified (locked)."""
    rows = DataSasaran.objects.filter(desa__kode__startswith=kabkota + ".", tahun=tahun).values(
        "desa_id", "status", *SASARAN_FIELDS
    )
    stored, locked = {}, set()
    for r in rows:
        desa, status = r.pop("desa_id"), r.pop("status")
        stored[desa] = r
        if status == SasaranStatus.DIVERIFIKASI:
            locked.add(desa)
    return stored, locked


def _tahun(imp: Import) -> int:
    try:
        tahun = int(imp.params.get("tahun"))
    except (TypeError, ValueError):
        raise FileRefused(_("Tahun data sasaran tidak dikenal.")) from None
    if not 2015 <= tahun <= 2100:
        raise FileRefused(_("Tahun data sasaran tidak dikenal."))
    return tahun


def _read(imp: Import, scope: Scope):
    tahun = _tahun(imp)
    desa = desa_of(imp.kabkota_id)
    stored, locked = _stored(imp.kabkota_id, tahun)
    # Through the Dukcapil adapter: the one data-sasaran reader, desa codes of older editions mapped.
    adapted = DUKCAPIL.read(
        imp.file.path, kabkota=imp.kabkota_id, desa=desa, writable=writable(scope, desa), locked=locked,
        stored=stored,
    )  # fmt: skip
    return adapted.result, stored, desa, adapted.notes


def _describe(row: reader.SasaranRow, desa: dict[str, str], before: dict | None) -> str:
    parts = []
    for name, value in row.values.items():
        old = (before or {}).get(name)
        if before is None or old != value:
            label = str(DataSasaran._meta.get_field(name).verbose_name)
            parts.append(f"{label} {'' if old is None else f'{old} → '}{value}")
    return f"{desa.get(row.desa, row.desa)} ({row.desa}): " + "; ".join(parts)


class SasaranImportKind(ImportKind):
    key = KIND
    label = "data sasaran"
    suffixes = (".xlsx", ".csv")
    max_bytes = 10 * 1024 * 1024
    preview_template = "indicators/sasaran_import_part.html"

    @property
    def upload_hint(self) -> str:
        return _("Unggah berkas agregat data sasaran (.xlsx atau .csv), satu baris per desa.")

    def may_use(self, scope: Scope, imp: Import) -> bool:
        return may_import(scope, imp.kabkota_id)

    def refuse(self, upload, name: str) -> None:
        refuse_unsafe_xlsx(upload, name)

    def check(self, imp: Import, scope: Scope, progress, **options: Any) -> CheckOutcome:
        if refused := locks.refusal(imp.kabkota_id, _tahun(imp), 1):
            raise FileRefused(refused)
        read, stored, desa, notes = _read(imp, scope)
        d = reader.diff(read.rows, stored)
        return CheckOutcome(
            ok=read.ok and bool(d["added"] or d["changed"]),
            counts={"rows": len(read.rows), "add": len(d["added"]), "changed": len(d["changed"]),
                    "unchanged": len(d["unchanged"])},
            problems=read.problems,
            notes=notes,
            details={
                "tahun": imp.params.get("tahun"),
                "columns": [str(DataSasaran._meta.get_field(f).verbose_name) for f in read.columns],
                "added": [_describe(r, desa, None) for r in d["added"][:PREVIEW]],
                "changed": [_describe(r, desa, stored[r.desa]) for r in d["changed"][:PREVIEW]],
            },
        )  # fmt: skip

    def commit(self, imp: Import, scope: Scope, by, progress) -> dict[str, int]:
        """Check again (a camat may have verified a desa since the preview), then write every
        new or changed desa row in one transaction with the import marked committed."""
        tahun = _tahun(imp)
        locks.require_open(imp.kabkota_id, tahun, 1)  # the approval lock (docs/aksi.md)
        with transaction.atomic():
            # Lock the district's rows of the year, so no verification slips in between.
            list(
                DataSasaran.objects.select_for_update()
                .filter(desa__kode__startswith=imp.kabkota_id + ".", tahun=tahun)
                .values_list("pk", flat=True)
            )
            read, stored, _desa, _notes = _read(imp, scope)
            if not read.ok or not read.rows:
                raise ValidationError(_("Berkas masih bermasalah; tidak ada yang disimpan."))
            allowed = writable(scope, desa_of(imp.kabkota_id))
            if any(r.desa not in allowed for r in read.rows):
                raise PermissionDenied
            d = reader.diff(read.rows, stored)
            current = {
                s.desa_id: s
                for s in DataSasaran.objects.filter(desa_id__in=[r.desa for r in d["changed"]], tahun=tahun)
            }
            new = [DataSasaran(desa_id=r.desa, tahun=tahun, updated_by=by, **r.values) for r in d["added"]]
            changed, now = [], timezone.now()
            for r in d["changed"]:
                row = current[r.desa]
                if row.locked:  # cannot happen after the check above; never overwrite a verified row
                    raise ValidationError(_("Berkas masih bermasalah; tidak ada yang disimpan."))
                for name, value in r.values.items():
                    setattr(row, name, value)
                row.version += 1
                row.updated_by = by
                row.updated_at = now
                if row.status == SasaranStatus.DIKEMBALIKAN:
                    row.status = SasaranStatus.DRAF
                changed.append(row)
            DataSasaran.objects.bulk_create(new, batch_size=1000)
            DataSasaran.objects.bulk_update(
                changed, [*SASARAN_FIELDS, "version", "updated_by", "status", "updated_at"], batch_size=1000
            )
            counts = {"added": len(new), "changed": len(changed), "unchanged": len(d["unchanged"])}
            audit(by=by, action="sasaran.import", target=None, region_kode=imp.kabkota_id,
                  data={"tahun": tahun, **counts, "file": imp.original_name})  # fmt: skip
            pipeline.mark_committed(imp, counts)
        return counts

    def _url(self, imp: Import, name: str) -> str:
        return reverse(name, kwargs={"kode": imp.kabkota_id}) + f"?tahun={imp.params.get('tahun')}"

    def back_url(self, imp: Import) -> str:
        return self._url(imp, "indicators:sasaran-import")

    def done_url(self, imp: Import) -> str:
        return self._url(imp, "indicators:sasaran")

    def title(self, imp: Import) -> str:
        return _("Data sasaran %(tahun)s: %(name)s") % {
            "tahun": imp.params.get("tahun"),
            "name": imp.original_name,
        }

    def preview_context(self, imp: Import) -> dict[str, Any]:
        c = imp.counts
        return {
            "section_label": _("Data sasaran"),
            "ready_text": _("%(a)s desa baru dan %(c)s desa berubah akan disimpan sebagai draf untuk "
                            "diverifikasi camat; %(u)s desa tetap.")
            % {"a": c.get("add", 0), "c": c.get("changed", 0), "u": c.get("unchanged", 0)},
        }  # fmt: skip

    def check_message(self, counts: dict[str, int]) -> str:
        return _("%(a)s desa baru, %(c)s berubah, %(u)s tetap") % {
            "a": counts.get("add", 0), "c": counts.get("changed", 0), "u": counts.get("unchanged", 0)
        }  # fmt: skip

    def done_message(self, counts: dict[str, int]) -> str:
        return _("Data sasaran disimpan: %(a)s desa baru, %(c)s berubah, %(u)s tetap.") % {
            "a": counts.get("added", 0), "c": counts.get("changed", 0), "u": counts.get("unchanged", 0)
        }  # fmt: skip

    def json(self, imp: Import) -> dict[str, Any]:
        c = imp.counts
        return {"tahun": imp.params.get("tahun"), "added": c.get("add", 0), "changed": c.get("changed", 0),
                "unchanged": c.get("unchanged", 0)}  # fmt: skip


KIND_INSTANCE = SasaranImportKind()
