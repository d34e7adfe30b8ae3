"""The budget file (the Excel template or a SIPD export) through the import pipeline: read and checked
by the core (``konvergensi_core.io.budget``, ``konvergensi_core.budget.validate``) against the district's
desa and the 2025 indicator catalogue, previewed as added / changed / unchanged / removed lines and the
agencies that will be created, and committed all or nothing as the district's set of (year, stage)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.aksi import locks
from konvergensi.imports import services as pipeline
from konvergensi.imports.kinds import CheckOutcome, FileRefused, ImportKind, refuse_unsafe_xlsx
from konvergensi.imports.models import Import
from konvergensi_core import budget as rules
from konvergensi_core.adapters import SIPD, Note
from konvergensi_core.problems import WARNING

from . import selectors, services
from .models import BudgetLine, Stage

KIND = "anggaran"
PREVIEW = 30


def _read(imp: Import) -> tuple[list[rules.BudgetLine], list, list[Note]]:
    """The file's lines, every problem and the old desa codes mapped (through the SIPD adapter: the
    one budget reader, ``konvergensi_core.io.budget``); an empty Kategori (a SIPD export has no
    tags) takes the suggested category of the national catalogue when the code is in it."""
    from .models import SubKegiatan

    if imp.params.get("stage") not in Stage.values:
        raise FileRefused(_("Tahap APBD tidak dikenal."))
    categories = dict(SubKegiatan.objects.exclude(category="").values_list("code", "category"))
    adapted = SIPD.read(imp.file.path, categories=categories)
    read = adapted.result
    problems = adapted.merge(
        rules.validate(
            read.lines,
            desa_codes=selectors.desa_of(imp.kabkota_id),
            indicator_codes=selectors.indicator_codes(),
            columns=read.columns,
        )  # fmt: skip
    )
    return read.lines, problems, adapted.notes


def _stored(imp: Import) -> list[rules.BudgetLine]:
    qs = BudgetLine.objects.filter(
        kabkota_id=imp.kabkota_id, tahun=imp.params["tahun"], stage=imp.params["stage"]
    )
    return selectors.core_lines(qs.select_related("opd"))


class BudgetImportKind(ImportKind):
    key = KIND
    label = "anggaran"
    suffixes = (".xlsx", ".csv")
    max_bytes = 25 * 1024 * 1024
    preview_template = "budget/import_part.html"

    @property
    def upload_hint(self) -> str:
        return _("Unggah templat anggaran (.xlsx) atau ekspor SIPD (.xlsx/.csv).")

    def may_use(self, scope: Scope, imp: Import) -> bool:
        return has_permission(scope, Permission.BUDGET_MANAGE, imp.kabkota_id)

    def refuse(self, upload, name: str) -> None:
        refuse_unsafe_xlsx(upload, name)

    def check(self, imp: Import, scope: Scope, progress, **options: Any) -> CheckOutcome:
        if refused := locks.refusal(imp.kabkota_id, imp.params.get("tahun"), 2):
            raise FileRefused(refused)
        lines, problems, notes = _read(imp)
        d = rules.diff(_stored(imp), lines)
        new_opd = services.new_opd_names(imp.kabkota_id, lines)
        errors = [p for p in problems if p.severity != WARNING]
        return CheckOutcome(
            ok=not errors and bool(lines),
            counts={
                "rows": len(lines),
                "add": len(d.added),
                "changed": len(d.changed),
                "unchanged": len(d.unchanged),
                "removed": len(d.removed),
            },  # fmt: skip
            problems=problems,
            notes=notes,
            details={
                "tahun": imp.params.get("tahun"),
                "stage": imp.params.get("stage"),
                "pagu": sum(x.pagu for x in lines),
                "new_opd": new_opd,
                "added": [f"{x.code} {x.name}" for x in d.added[:PREVIEW]],
                "changed": [f"{x.code} {x.name}" for x in d.changed[:PREVIEW]],
                "removed": [f"{x.code} {x.name}" for x in d.removed[:PREVIEW]],
            },
        )

    def commit(self, imp: Import, scope: Scope, by, progress) -> dict[str, int]:
        lines, problems, _notes = _read(imp)
        if any(p.severity != WARNING for p in problems) or not lines:
            raise ValidationError(_("Berkas masih bermasalah; tidak ada yang disimpan."))
        with transaction.atomic():
            counts = services.replace_set(kabkota=imp.kabkota_id, tahun=int(imp.params["tahun"]),
                                          stage=imp.params["stage"], lines=lines, by=by)  # fmt: skip
            pipeline.mark_committed(imp, counts)
        return counts

    def _url(self, imp: Import, name: str) -> str:
        return (
            reverse(name, kwargs={"kode": imp.kabkota_id})
            + f"?tahun={imp.params.get('tahun')}&tahap={imp.params.get('stage')}"
        )

    def back_url(self, imp: Import) -> str:
        return self._url(imp, "budget:lines")

    def done_url(self, imp: Import) -> str:
        return self._url(imp, "budget:home")

    def title(self, imp: Import) -> str:
        return _("Anggaran %(tahun)s (%(stage)s): %(name)s") % {
            "tahun": imp.params.get("tahun"), "stage": imp.params.get("stage"), "name": imp.original_name
        }  # fmt: skip

    def preview_context(self, imp: Import) -> dict[str, Any]:
        c = imp.counts
        return {
            "section_label": _("Anggaran"),
            "ready_text": _("%(a)s baris baru, %(c)s berubah dan %(r)s dihapus akan disimpan; %(u)s tetap.")
            % {
                "a": c.get("add", 0),
                "c": c.get("changed", 0),
                "r": c.get("removed", 0),
                "u": c.get("unchanged", 0),
            },
        }

    def check_message(self, counts: dict[str, int]) -> str:
        return _("%(a)s baru, %(c)s berubah, %(r)s dihapus") % {
            "a": counts.get("add", 0), "c": counts.get("changed", 0), "r": counts.get("removed", 0)
        }  # fmt: skip

    def done_message(self, counts: dict[str, int]) -> str:
        return _("Anggaran disimpan: %(a)s baru, %(c)s berubah, %(u)s tetap, %(r)s dihapus.") % {
            "a": counts.get("added", 0), "c": counts.get("changed", 0), "u": counts.get("unchanged", 0),
            "r": counts.get("removed", 0),
        }  # fmt: skip

    def json(self, imp: Import) -> dict[str, Any]:
        c = imp.counts
        return {"added": c.get("add", 0), "changed": c.get("changed", 0), "unchanged": c.get("unchanged", 0),
                "removed": c.get("removed", 0)}  # fmt: skip


KIND_INSTANCE = BudgetImportKind()
