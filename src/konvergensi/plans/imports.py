"""The two files of Aksi 2 that come in through the import pipeline (``konvergensi.imports``):

* ``rencana-kegiatan``: the plan's own Tabel 2.3 workbook, downloaded, edited offline and uploaded
  back. The check reads it with the core's reader, resolves OPD and places against the district, and
  previews which rows are added, changed and removed (rows are matched by their ``No``); the commit
  replaces the draft plan's rows in one transaction, keeping each matched row's key and its link to
  the Aksi 1 recommendation.
* ``dokumen-anggaran``: a Renja OPD, RKPD, KUA-PPAS or APBD(-P) spreadsheet exported from SIPD or typed.
  The check reads every line and previews how the plan matches it; the commit stores its lines
  (replacing the same document of the year) for the integration matrices.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.imports import services as pipeline
from konvergensi.imports.kinds import CheckOutcome, FileRefused, ImportKind, refuse_unsafe_xlsx
from konvergensi.imports.models import Import
from konvergensi.wilayah.models import OPD
from konvergensi_core import plan as rules
from konvergensi_core.adapters import SIPD_DOKUMEN, CodeMapper, Note
from konvergensi_core.io import plan as reader
from konvergensi_core.problems import WARNING, Problem

from . import selectors
from .models import BudgetDocument, DocumentKind, Funding, Group, Plan, PlanRow, RowClass

PLAN_KIND = "rencana-kegiatan"
DOCUMENT_KIND = "dokumen-anggaran"
PREVIEW_ROWS = 50
COMPARED = ("code", "activity", "indicator", "baseline", "target", "unit", "locations", "budget", "source",
            "opd_id", "schedule", "group", "row_class")  # fmt: skip


def _opd_lookup(kabkota: str):
    by_name: dict[str, OPD] = {}
    for opd in OPD.objects.filter(kabkota_id=kabkota):
        by_name[rules.normalize_name(opd.nama)] = opd
        by_name[rules.normalize_name(opd.singkatan)] = opd
    return by_name


def _problem(row, column: str, value: str, message: str, severity: str = "error") -> Problem:
    return Problem(
        sheet=getattr(row, "sheet", "") or "",
        row=getattr(row, "row", None),
        column=column,
        value=value,
        message=message,
        severity=severity,
        reject=severity != WARNING,
    )


# --- the plan's own workbook --------------------------------------------------------------------------------


def _group_of(row: rules.PlanRow) -> int:
    if row.group in Group.values:
        return int(row.group)
    head = row.no.split(".", 1)[0].strip()
    return int(head) if head.isdigit() and int(head) in Group.values else Group.ALOKASI


def _plan_fields(imp: Import) -> tuple[Plan | None, list[dict], list[Problem], list[Note]]:
    """The file's rows as model fields, every problem (the reader's and the district's) and the desa
    codes of older Kemendagri editions in ``Lokasi`` mapped to today's (the adapters' code mapper)."""
    plan = Plan.objects.filter(pk=imp.params.get("plan"), kabkota_id=imp.kabkota_id).first()
    if plan is None:
        raise FileRefused(_("Rencana kegiatan tidak ditemukan."))
    rows, problems = reader.read_plan_sheet(imp.file.path)
    problems = list(problems)
    mapper = CodeMapper()
    opds = _opd_lookup(plan.kabkota_id)
    regions = selectors.places(plan.kabkota_id)
    resolve = selectors.resolver(plan.kabkota_id)
    out: list[dict] = []
    seen: set[str] = set()
    for r in rows:
        bad = False
        no = r.no.strip()
        if no and no in seen:
            problems.append(_problem(r, "No", no, _("Nomor %(no)s dipakai dua kali.") % {"no": no}))
            bad = True
        seen.add(no)
        opd = None
        if r.opd.strip():
            opd = opds.get(rules.normalize_name(r.opd))
            if opd is None:
                problems.append(
                    _problem(
                        r,
                        "OPD",
                        r.opd,
                        _(
                            "OPD „%(v)s” tidak ada di kabupaten ini. Tulis nama atau singkatan OPD yang terdaftar."
                        )
                        % {"v": r.opd},
                    )
                )
                bad = True
        locations = []
        for loc in r.locations:
            kode = resolve(mapper.map(loc, row=r.row, column="Lokasi", sheet=r.sheet))
            if mapper.flagged(Problem(r.sheet, r.row, "Lokasi", loc, "")):
                bad = True  # a removed or split code: the mapper's problem says so
            elif kode not in regions:
                problems.append(
                    _problem(
                        r, "Lokasi", loc, _("Lokasi „%(v)s” bukan desa/kecamatan kabupaten ini.") % {"v": loc}
                    )
                )
                bad = True
            else:
                locations.append(kode)
        source = ""
        if r.source.strip():
            parsed = rules.parse_funding_source(r.source)
            if parsed is None:
                problems.append(
                    _problem(
                        r,
                        "Sumber Pendanaan",
                        r.source,
                        _("Sumber pendanaan „%(v)s” tidak dikenal.") % {"v": r.source},
                    )
                )
                bad = True
            else:
                source = parsed.value
        if bad:
            continue
        out.append({
            "no": no, "group": _group_of(r), "code": rules.normalize_code(r.code), "activity": r.activity[:400],
            "indicator": r.indicator[:400], "baseline": r.baseline[:60], "target": r.target[:60], "unit": r.unit[:60],
            "locations": list(dict.fromkeys(locations)), "budget": r.budget, "source": source, "opd_id": opd.pk if opd else None,
            "schedule": r.schedule[:100], "row_class": r.row_class if r.row_class in RowClass.values else "",
        })  # fmt: skip
    return plan, out, mapper.merge(problems), mapper.notes


def _changes(plan: Plan, fields: list[dict]) -> dict[str, Any]:
    current = selectors.rows_of(plan)
    nos = selectors.numbering(current)
    by_no = {nos[r.pk]: r for r in current}
    added, changed, unchanged = [], [], 0
    matched = set()
    for f in fields:
        row = by_no.get(f["no"])
        if row is None:
            added.append(f)
            continue
        matched.add(row.pk)
        diff = [k for k in COMPARED if getattr(row, k) != f[k]]
        if diff:
            changed.append({**f, "pk": row.pk, "fields": diff})
        else:
            unchanged += 1
    removed = [r for r in current if r.pk not in matched]
    return {"added": added, "changed": changed, "removed": removed, "unchanged": unchanged, "by_no": by_no}


class PlanSheetKind(ImportKind):
    """The plan's Tabel 2.3 workbook, edited offline."""

    key = PLAN_KIND
    label = "rencana kegiatan (Tabel 2.3)"
    suffixes = (".xlsx", ".csv")
    max_bytes = 10 * 1024 * 1024
    preview_template = "plans/import_plan_part.html"

    @property
    def upload_hint(self) -> str:
        return _("Unggah berkas Excel (.xlsx) rencana kegiatan yang diunduh dari halaman rencana.")

    def may_use(self, scope: Scope, imp: Import) -> bool:
        return has_permission(scope, Permission.PLAN_MANAGE, imp.kabkota_id)

    def refuse(self, upload, name: str) -> None:
        refuse_unsafe_xlsx(upload, name)

    def check(self, imp: Import, scope: Scope, progress, **options: Any) -> CheckOutcome:
        plan, fields, problems, notes = _plan_fields(imp)
        assert plan is not None
        if refused := locks.refusal(plan.kabkota_id, plan.tahun, 2):
            raise FileRefused(refused)
        if plan.frozen:
            raise FileRefused(
                _("Rencana versi %(n)s sudah final; buat versi baru dulu.") % {"n": plan.number}
            )
        ch = _changes(plan, fields)
        errors = [p for p in problems if p.severity != WARNING]
        return CheckOutcome(
            ok=not errors and bool(fields),
            counts={
                "add": len(ch["added"]),
                "changed": len(ch["changed"]),
                "removed": len(ch["removed"]),
                "unchanged": ch["unchanged"],
                "rows": len(fields),
            },  # fmt: skip
            problems=problems,
            notes=notes,
            details={
                "plan": plan.pk,
                "added": [f"{f['no']} {f['activity']}" for f in ch["added"][:PREVIEW_ROWS]],
                "changed": [f"{f['no']} {f['activity']}" for f in ch["changed"][:PREVIEW_ROWS]],
                "removed": [r.activity for r in ch["removed"][:PREVIEW_ROWS]],
            },
        )

    def commit(self, imp: Import, scope: Scope, by, progress) -> dict[str, int]:
        plan, fields, problems, notes = _plan_fields(imp)
        assert plan is not None
        locks.require_open(plan.kabkota_id, plan.tahun, 2)
        if plan.frozen or not selectors.is_latest(plan):
            raise ValidationError(
                _("Rencana ini sudah final atau bukan versi terakhir; tidak ada yang disimpan.")
            )
        if any(p.severity != WARNING for p in problems) or not fields:
            raise ValidationError(_("Berkas masih bermasalah; tidak ada yang disimpan."))
        ch = _changes(plan, fields)
        with transaction.atomic():
            PlanRow.objects.filter(pk__in=[r.pk for r in ch["removed"]]).delete()
            for i, f in enumerate(fields):
                values = {k: v for k, v in f.items() if k != "no"}
                row = ch["by_no"].get(f["no"])
                if row is None:
                    PlanRow.objects.create(plan=plan, urutan=i, updated_by=by, **values)
                else:
                    PlanRow.objects.filter(pk=row.pk).update(
                        urutan=i, updated_by=by, version=row.version + 1, **values
                    )
            counts = {"added": len(ch["added"]), "changed": len(ch["changed"]), "removed": len(ch["removed"]),
                      "unchanged": ch["unchanged"]}  # fmt: skip
            audit(by=by, action="plan.import", target=plan, region_kode=plan.kabkota_id, data=counts)
            pipeline.mark_committed(imp, counts)
        return counts

    def back_url(self, imp: Import) -> str:
        return reverse("plans:detail", kwargs={"pk": imp.params.get("plan")}) + "#unggah"

    def done_url(self, imp: Import) -> str:
        return reverse("plans:detail", kwargs={"pk": imp.params.get("plan")})

    def title(self, imp: Import) -> str:
        return _("Rencana kegiatan dari Excel: %(name)s") % {"name": imp.original_name}

    def preview_context(self, imp: Import) -> dict[str, Any]:
        c = imp.counts
        return {
            "section_label": _("Rencana kegiatan"),
            "ready_text": _(
                "%(a)s kegiatan baru, %(c)s berubah dan %(r)s dihapus akan disimpan; %(u)s tetap."
            )
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
        return _("Rencana disimpan: %(a)s baru, %(c)s berubah, %(r)s dihapus.") % {
            "a": counts.get("added", 0), "c": counts.get("changed", 0), "r": counts.get("removed", 0)
        }  # fmt: skip


# --- planning and budget documents ----------------------------------------------------------------------------


def _doc_rows(imp: Import) -> tuple[list[rules.DocRow], list[Problem], list[Note]]:
    """The document's lines through the SIPD document adapter (the one reader, old desa codes mapped)."""
    kind = imp.params.get("kind", "")
    if kind not in DocumentKind.values:
        raise FileRefused(_("Jenis dokumen tidak dikenal."))
    adapted = SIPD_DOKUMEN.read(imp.file.path, document=kind)
    return list(adapted.result), list(adapted.problems), adapted.notes


class BudgetDocumentKind(ImportKind):
    """A Renja OPD, RKPD, KUA-PPAS or APBD(-P) spreadsheet."""

    key = DOCUMENT_KIND
    label = "dokumen perencanaan/anggaran"
    suffixes = (".xlsx", ".csv")
    max_bytes = 25 * 1024 * 1024
    preview_template = "plans/import_document_part.html"

    @property
    def upload_hint(self) -> str:
        return _("Unggah ekspor SIPD atau tabel Renja/RKPD/KUA-PPAS/APBD sebagai Excel (.xlsx) atau CSV.")

    def may_use(self, scope: Scope, imp: Import) -> bool:
        if has_permission(scope, Permission.PLAN_MANAGE, imp.kabkota_id):
            return True
        opd = imp.params.get("opd")
        return imp.params.get("kind") == DocumentKind.RENJA and has_permission(
            scope, Permission.PLAN_EDIT, imp.kabkota_id, opd_id=opd
        )

    def refuse(self, upload, name: str) -> None:
        refuse_unsafe_xlsx(upload, name)

    def check(self, imp: Import, scope: Scope, progress, **options: Any) -> CheckOutcome:
        if refused := locks.refusal(imp.kabkota_id, imp.params.get("tahun"), 2):
            raise FileRefused(refused)
        rows, problems, notes = _doc_rows(imp)
        errors = [p for p in problems if p.severity != WARNING]
        details: dict[str, Any] = {"kind": imp.params.get("kind"), "pagu": sum(r.pagu or 0 for r in rows)}
        plan = (
            selectors.Plan.objects.filter(kabkota_id=imp.kabkota_id, tahun=imp.params.get("tahun"))
            .order_by("-number")
            .first()
        )
        if plan is not None and rows:
            result = rules.integration(
                selectors.core_rows(selectors.rows_of(plan)), {imp.params["kind"]: rows},
                resolve=selectors.resolver(imp.kabkota_id),
            )  # fmt: skip
            details["summary"] = result.summary.get(imp.params["kind"], {})
            details["unplanned"] = len(result.unplanned.get(imp.params["kind"], []))
        return CheckOutcome(
            ok=not errors and bool(rows),
            counts={"rows": len(rows)},
            problems=problems
            or ([] if rows else [_problem(None, "", "", _("Berkas tidak berisi baris sub kegiatan."))]),
            details=details,
            notes=notes,
        )

    def commit(self, imp: Import, scope: Scope, by, progress) -> dict[str, int]:
        locks.require_open(imp.kabkota_id, imp.params.get("tahun"), 2)
        rows, problems, _notes = _doc_rows(imp)
        if any(p.severity != WARNING for p in problems) or not rows:
            raise ValidationError(_("Berkas masih bermasalah; tidak ada yang disimpan."))
        kind, tahun, opd = imp.params["kind"], int(imp.params["tahun"]), imp.params.get("opd")
        data = [
            {"code": r.code, "name": r.name, "opd": r.opd, "indicator": r.indicator, "target": r.target,
             "unit": r.unit, "locations": list(r.locations), "pagu": r.pagu, "sheet": r.sheet, "row": r.row}
            for r in rows
        ]  # fmt: skip
        with transaction.atomic():
            BudgetDocument.objects.filter(
                kabkota_id=imp.kabkota_id, tahun=tahun, kind=kind, opd_id=opd
            ).delete()
            doc = BudgetDocument.objects.create(
                kabkota_id=imp.kabkota_id, tahun=tahun, kind=kind, opd_id=opd, rows=data, n_rows=len(data),
                total_pagu=sum(r.pagu or 0 for r in rows), original_name=imp.original_name, uploaded_by=by,
            )  # fmt: skip
            audit(by=by, action="plan.document", target=doc, region_kode=imp.kabkota_id,
                  data={"kind": kind, "tahun": tahun, "rows": len(data)})  # fmt: skip
            counts = {"rows": len(data)}
            pipeline.mark_committed(imp, counts)
        return counts

    def _plan_url(self, imp: Import, name: str) -> str:
        return reverse(name, kwargs={"kode": imp.kabkota_id}) + f"?tahun={imp.params.get('tahun')}"

    def back_url(self, imp: Import) -> str:
        return self._plan_url(imp, "plans:documents")

    def done_url(self, imp: Import) -> str:
        return self._plan_url(imp, "plans:integration")

    def title(self, imp: Import) -> str:
        label = (
            DocumentKind(imp.params.get("kind")).label
            if imp.params.get("kind") in DocumentKind.values
            else ""
        )
        return _("%(doc)s %(tahun)s: %(name)s") % {
            "doc": label,
            "tahun": imp.params.get("tahun"),
            "name": imp.original_name,
        }

    def preview_context(self, imp: Import) -> dict[str, Any]:
        return {
            "section_label": _("Matriks integrasi"),
            "ready_text": _("%(n)s baris sub kegiatan akan disimpan; dokumen yang sama tahun ini diganti.")
            % {"n": imp.counts.get("rows", 0)},
        }

    def check_message(self, counts: dict[str, int]) -> str:
        return _("%(n)s baris") % {"n": counts.get("rows", 0)}

    def done_message(self, counts: dict[str, int]) -> str:
        return _("Dokumen disimpan: %(n)s baris sub kegiatan.") % {"n": counts.get("rows", 0)}


__all__ = ["BudgetDocumentKind", "PlanSheetKind", "Funding"]
