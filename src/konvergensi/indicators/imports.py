"""The village-data import: the filled Excel template (coverage figures or the programme mapping)
through the import pipeline (``konvergensi.imports``): checked at once on upload, previewed with
what changes, committed all or nothing (in the background when large), and the file deleted.

The check compares the file with what is stored; the commit checks it again first (another upload
or an edit in the grid may have come in since the preview) and writes only what changed, every
change kept in the history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.imports import services as pipeline
from konvergensi.imports.kinds import CheckOutcome, FileRefused, ImportKind
from konvergensi.imports.models import Import, ImportStatus
from konvergensi.wilayah.models import Region
from konvergensi_core import datadesa
from konvergensi_core.io.xlsx import MAX_BYTES as XLSX_MAX_BYTES
from konvergensi_core.io.xlsx import XlsxRejected, check_xlsx, iter_sheet_rows, sheet_names

from .models import (
    SASARAN_FIELDS,
    DataValue,
    DataValueHistory,
    Indicator,
    ProgramMapping,
    SasaranStatus,
    ValueStatus,
)
from .selectors import sasaran_in_kabkota
from .services import allowed_indicators, as_def

KIND = "data-desa"  # the key of this importer in the import pipeline
BACKGROUND_CELLS = 5000  # commits larger than this run in the background with a progress bar
PREVIEW_CHANGED = 200
PREVIEW_ADDED = 20


@dataclass
class ImportResult:
    """A checked upload: ``kind`` is "cakupan" (coverage figures) or "program" (programme mapping),
    told apart by the template's sheet ("Data" or "Program")."""

    parsed: datadesa.Parsed | datadesa.ParsedProgram
    kind: str = "cakupan"
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    committed: bool = False
    preview: dict[str, list] = field(default_factory=dict)
    before: dict[tuple[str, str], tuple] = field(default_factory=dict)  # stored values of the changed

    @property
    def ok(self) -> bool:
        return self.parsed.ok

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "problems": [p.as_dict() for p in self.parsed.problems],
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "periode": self.parsed.periode,
            "kind": self.kind,
            "committed": self.committed,
        }


def desa_of(kabkota: str) -> dict[str, str]:
    return dict(
        Region.objects.filter(level="desa", kode__startswith=kabkota + ".").values_list("kode", "nama")
    )


def sasaran_of(kabkota: str, tahun: int) -> dict[str, dict[str, int | None]]:
    """The verified (camat-locked) data sasaran of the district's desa: a denominator above them is
    a warning of the check. Drafts are not a population anyone vouched for yet."""
    rows = (
        sasaran_in_kabkota(kabkota, tahun=tahun)
        .filter(status=SasaranStatus.DIVERIFIKASI)
        .values("desa_id", *SASARAN_FIELDS)
    )
    return {r.pop("desa_id"): r for r in rows}


def import_check(
    *,
    stream: IO[bytes],
    name: str,
    kabkota: str,
    allowed: set[str] | None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate an uploaded template (coverage or programme mapping) and compare it with what is
    stored; writes nothing. ``progress`` is told the number of rows read, every 500 rows."""
    indicators = {i.kode: as_def(i) for i in Indicator.objects.all()}
    kind = "cakupan"
    try:
        check_xlsx(stream, name=name)
        names = sheet_names(stream)
        if datadesa.SHEET not in names and datadesa.PROGRAM_SHEET in names:
            kind = "program"
            parsed: datadesa.Parsed | datadesa.ParsedProgram = datadesa.parse_program(
                _counted(iter_sheet_rows(stream, datadesa.PROGRAM_SHEET), progress),
                kabkota=kabkota,
                desa=desa_of(kabkota),
                indicators=indicators,
                allowed=allowed,
            )
        else:
            sheet = datadesa.SHEET if datadesa.SHEET in names else (names[0] if names else None)
            parsed = datadesa.parse_coverage(
                _counted(iter_sheet_rows(stream, sheet), progress),
                kabkota=kabkota,
                desa=desa_of(kabkota),
                indicators=indicators,
                allowed=allowed,
                sasaran=lambda tahun: sasaran_of(kabkota, tahun),  # the year is read from the sheet
                sheet=sheet,
            )
    except XlsxRejected as exc:
        parsed = datadesa.Parsed(problems=[datadesa.Problem(datadesa.SHEET, None, "", name[:60], str(exc))])
    result = ImportResult(parsed=parsed, kind=kind)
    if parsed.periode and parsed.values:
        if kind == "program":
            stored = {
                (d, k): (ada, tuple(sumber))
                for d, k, ada, sumber in ProgramMapping.objects.filter(
                    kabkota_id=kabkota, tahun=int(parsed.periode)
                ).values_list("desa_id", "indicator__kode", "ada", "sumber")
            }
            result.preview = datadesa.diff_program(parsed.values, stored)
            result.before = {
                (v.desa, v.indicator): stored[(v.desa, v.indicator)] for v in result.preview["changed"]
            }
        else:
            current = {
                (d, k): (n, den)
                for d, k, n, den in DataValue.objects.filter(
                    kabkota_id=kabkota, periode=parsed.periode
                ).values_list("desa_id", "indicator__kode", "numerator", "denominator")
            }
            result.preview = datadesa.diff(parsed.values, current)
            result.before = {
                (v.desa, v.indicator): current[(v.desa, v.indicator)] for v in result.preview["changed"]
            }
        result.added = len(result.preview["added"])
        result.changed = len(result.preview["changed"])
        result.unchanged = len(result.preview["unchanged"])
    return result


def _counted(rows, progress: Callable[[int], None] | None):
    if progress is None:
        yield from rows
        return
    n = 0
    for n, row in enumerate(rows, start=1):
        if n % 500 == 0:
            progress(n)
        yield row
    progress(n)


def import_commit(
    *,
    scope: Scope,
    result: ImportResult,
    kabkota: str,
    by,
) -> ImportResult:
    """Write a checked import, all or nothing, in one transaction. Unchanged values are not touched
    (a re-import of the same file changes nothing); every change is kept in the history.

    It reports no progress: inside the transaction no other connection would see it (the
    background task reports the check, which is where the time goes, and then the write)."""
    if not result.ok or not result.parsed.periode:
        raise ValidationError(_("Berkas masih bermasalah; tidak ada yang disimpan."))
    locks.require_open(kabkota, result.parsed.periode[:4], 1)  # the approval lock (docs/aksi.md)
    allowed = allowed_indicators(scope, kabkota)
    if allowed is not None and not {v.indicator for v in result.parsed.values} <= allowed:
        raise PermissionDenied
    if result.kind == "program":
        return _program_commit(result=result, kabkota=kabkota, by=by)
    periode = result.parsed.periode
    ids = dict(Indicator.objects.values_list("kode", "pk"))
    writes = result.preview["added"] + result.preview["changed"]
    now = timezone.now()
    batch = 2000
    with transaction.atomic():
        current = {
            (v.desa_id, v.indicator_id): v
            for v in DataValue.objects.filter(kabkota_id=kabkota, periode=periode).select_for_update()
        }
        new, changed, history = [], [], []
        for v in writes:
            key = (v.desa, ids[v.indicator])
            row = current.get(key)
            history.append(
                DataValueHistory(
                    indicator_id=key[1],
                    desa_id=v.desa,
                    periode=periode,
                    old_numerator=row.numerator if row else None,
                    old_denominator=row.denominator if row else None,
                    numerator=v.numerator,
                    denominator=v.denominator,
                    source="excel",
                    by=by,
                )
            )
            if row is None:
                new.append(
                    DataValue(
                        indicator_id=key[1],
                        desa_id=v.desa,
                        kabkota_id=kabkota,
                        periode=periode,
                        numerator=v.numerator,
                        denominator=v.denominator,
                        updated_by=by,
                    )
                )
            else:
                row.numerator, row.denominator = v.numerator, v.denominator
                row.status = ValueStatus.DIISI  # a changed figure needs verifying again
                row.version += 1
                row.updated_by = by
                row.updated_at = now
                changed.append(row)
        DataValue.objects.bulk_create(new, batch_size=batch)
        DataValue.objects.bulk_update(
            changed,
            ["numerator", "denominator", "status", "version", "updated_by", "updated_at"],
            batch_size=batch,
        )
        DataValueHistory.objects.bulk_create(history, batch_size=batch)
        audit(
            by=by,
            action="data.import",
            target=None,
            region_kode=kabkota,
            data={"periode": periode, "added": result.added, "changed": result.changed},
        )
    result.committed = True
    return result


def _program_commit(*, result: ImportResult, kabkota: str, by) -> ImportResult:
    tahun = int(result.parsed.periode)
    ids = dict(Indicator.objects.values_list("kode", "pk"))
    now = timezone.now()
    with transaction.atomic():
        current = {
            (p.desa_id, p.indicator_id): p
            for p in ProgramMapping.objects.filter(kabkota_id=kabkota, tahun=tahun).select_for_update()
        }
        new, changed = [], []
        for v in result.preview["added"] + result.preview["changed"]:
            row = current.get((v.desa, ids[v.indicator]))
            if row is None:
                new.append(
                    ProgramMapping(
                        indicator_id=ids[v.indicator], desa_id=v.desa, kabkota_id=kabkota, tahun=tahun,
                        ada=v.ada, sumber=list(v.sumber), updated_by=by,
                    )
                )  # fmt: skip
            else:
                row.ada, row.sumber, row.updated_by, row.updated_at = v.ada, list(v.sumber), by, now
                row.version += 1
                changed.append(row)
        ProgramMapping.objects.bulk_create(new, batch_size=2000)
        ProgramMapping.objects.bulk_update(
            changed, ["ada", "sumber", "version", "updated_by", "updated_at"], batch_size=2000
        )
        audit(
            by=by,
            action="program.import",
            target=None,
            region_kode=kabkota,
            data={"tahun": tahun, "added": result.added, "changed": result.changed},
        )
    result.committed = True
    return result


# --- the importer in the pipeline ------------------------------------------------------------------


def _cell(pair) -> str:
    """A stored or uploaded coverage figure as the preview shows it: "numerator / denominator"."""
    if pair is None:
        return ""
    numerator, denominator = pair
    return f"{numerator}" + ("" if denominator is None else f" / {denominator}")


def _changes(result: ImportResult) -> list[dict]:
    """The first changed values with before and after, as text (figures, no personal data)."""
    from .excel import funding_text

    rows = []
    for v in result.preview.get("changed", [])[:PREVIEW_CHANGED]:
        old = result.before.get((v.desa, v.indicator))
        if result.kind == "program":
            before = funding_text(*old) if old else ""
            after = funding_text(v.ada, list(v.sumber))
        else:
            before, after = _cell(old), _cell((v.numerator, v.denominator))
        rows.append(
            {"row": v.row, "desa": v.desa, "indicator": v.indicator, "before": before, "after": after}
        )
    return rows


def _added(result: ImportResult) -> list[dict]:
    rows = []
    for v in result.preview.get("added", [])[:PREVIEW_ADDED]:
        if result.kind == "program":
            from .excel import funding_text

            after = funding_text(v.ada, list(v.sumber))
        else:
            after = _cell((v.numerator, v.denominator))
        rows.append({"row": v.row, "desa": v.desa, "indicator": v.indicator, "after": after})
    return rows


def _check_file(imp: Import, scope: Scope, progress: Callable[[int], None] | None = None) -> ImportResult:
    with imp.file.open("rb") as fh:
        return import_check(stream=fh, name=imp.original_name, kabkota=imp.kabkota_id,
                            allowed=allowed_indicators(scope, imp.kabkota_id), progress=progress)  # fmt: skip


class VillageDataImportKind(ImportKind):
    """A filled village-data template (coverage figures per desa, or the programme mapping)."""

    key = KIND
    suffixes = (".xlsx",)
    max_bytes = XLSX_MAX_BYTES  # the upload page says 20 MB
    check_in_background = False  # a district's template is a few thousand cells: checked at once
    job_kinds = ("data_check", "data_import")
    preview_template = "indicators/upload_preview_part.html"

    @property
    def bulk_tables(self) -> tuple[str, ...]:
        return (DataValue._meta.db_table,)

    @property
    def upload_hint(self) -> str:
        return _("Unggah templat Excel (.xlsx) yang diunduh dari halaman ini.")

    def may_use(self, scope: Scope, imp: Import) -> bool:
        return has_permission(scope, Permission.VIEW_KABKOTA, imp.kabkota_id) and (
            allowed_indicators(scope, imp.kabkota_id) != set()
        )

    def refuse(self, upload, name: str) -> None:
        try:
            check_xlsx(upload, name=name, size=upload.size)
            sheet_names(upload)  # the workbook's own XML, through defusedxml
        except XlsxRejected as exc:
            raise ValidationError(str(exc)) from None

    def check(self, imp: Import, scope: Scope, progress) -> CheckOutcome:
        result = _check_file(imp, scope, progress)
        if result.parsed.periode and (refused := locks.refusal(imp.kabkota_id, result.parsed.periode[:4], 1)):
            raise FileRefused(refused)
        changes = result.added + result.changed
        return CheckOutcome(
            ok=result.ok and changes > 0,
            counts={"add": result.added, "changed": result.changed, "unchanged": result.unchanged},
            problems=result.parsed.problems,
            details={"kind": result.kind, "periode": result.parsed.periode, "changed_values": _changes(result),
                     "added_values": _added(result)},
        )  # fmt: skip

    def commit_in_background(self, imp: Import) -> bool:
        return imp.counts.get("add", 0) + imp.counts.get("changed", 0) > BACKGROUND_CELLS

    def commit(self, imp: Import, scope: Scope, by, progress) -> dict[str, int]:
        """Check the file again (the district's data may have changed since the preview), then
        write it all or nothing, the import marked committed in the same transaction."""
        expected = self.rows_estimate(imp)
        total = expected + 1  # the last step is the write, one transaction
        tell = (lambda rows: progress(min(rows, expected), total)) if progress else None
        result = _check_file(imp, scope, tell)
        if progress:
            progress(expected, total)
        if not result.ok:
            raise ValidationError(_("Berkas masih bermasalah; tidak ada yang disimpan."))
        counts = {"added": result.added, "changed": result.changed, "unchanged": result.unchanged}
        with transaction.atomic():
            import_commit(scope=scope, result=result, kabkota=imp.kabkota_id, by=by)
            pipeline.mark_committed(imp, counts)
        return counts

    def rows_estimate(self, imp: Import) -> int:
        return Region.objects.filter(level="desa", kode__startswith=imp.kabkota_id + ".").count() + 8

    def back_url(self, imp: Import) -> str:
        return reverse("indicators:upload", kwargs={"kode": imp.kabkota_id})

    def done_url(self, imp: Import) -> str:
        url = reverse("indicators:completeness", kwargs={"kode": imp.kabkota_id})
        periode = (imp.summary or {}).get("details", {}).get("periode")
        return f"{url}?periode={periode}" if periode else url

    def preview_context(self, imp: Import) -> dict:
        counts = imp.counts
        return {
            "section_label": _("Data desa"),
            "ready_text": _(
                "%(a)s nilai baru dan %(c)s nilai berubah akan disimpan; %(u)s nilai sama dengan yang "
                "tersimpan dan tidak disentuh."
            ) % {"a": counts.get("add", 0), "c": counts.get("changed", 0), "u": counts.get("unchanged", 0)}
            + (" " + _("Penyimpanan berjalan di latar belakang dengan bilah kemajuan.")
               if self.commit_in_background(imp) else ""),
        }  # fmt: skip

    def check_message(self, counts: dict[str, int]) -> str:
        return f"{counts.get('add', 0)} baru, {counts.get('changed', 0)} berubah, {counts.get('unchanged', 0)} tetap"

    def done_message(self, counts: dict[str, int]) -> str:
        return _("Tersimpan: %(a)s baru, %(c)s berubah, %(u)s tetap.") % {
            "a": counts.get("added", 0), "c": counts.get("changed", 0), "u": counts.get("unchanged", 0)
        }  # fmt: skip

    def json(self, imp: Import) -> dict:
        counts, details = imp.counts, (imp.summary or {}).get("details", {})
        return {
            "added": counts.get("add", 0), "changed": counts.get("changed", 0),
            "unchanged": counts.get("unchanged", 0), "periode": details.get("periode"),
            "kind": details.get("kind", "cakupan"), "committed": imp.status == ImportStatus.COMMITTED,
        }  # fmt: skip


KIND_INSTANCE = VillageDataImportKind()
