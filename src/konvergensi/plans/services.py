"""Writes of the Aksi 2 plan. Each checks permission and the plan's stage, writes in one transaction
and audits. A frozen plan (stage "final" or later) is read-only: a change is a new version."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import plan as rules
from konvergensi_core.files import FileRejected, check_upload

from . import selectors
from .models import (
    STAGE_ORDER,
    Adjustment,
    Funding,
    Group,
    Plan,
    PlanRow,
    RowClass,
    Stage,
    StageRecord,
)

MAX_STAGE_FILE = 20 * 1024 * 1024

# Which Tabel 2.2 group a confirmed Aksi 1 recommendation starts in (ansit.RecommendationKind).
GROUP_OF_KIND = {
    "lokus": Group.ALOKASI,
    "program": Group.ALOKASI,
    "sumber_daya": Group.ALOKASI,
    "realokasi": Group.ALOKASI,
    "tahun_depan": Group.ALOKASI,
    "layanan": Group.LAYANAN,
    "koordinasi": Group.KOORDINASI,
}
ACTIVITY_MAX = 400
# Recommendation kinds about one indicator's coverage in the lokus (their rows reach where it is low).
INDICATOR_KINDS = frozenset({"program", "sumber_daya", "realokasi", "tahun_depan"})


class Conflict(concurrency.Conflict):
    message = gettext_lazy("Baris ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi.")


def _editable(plan: Plan) -> None:
    locks.require_open(plan.kabkota_id, plan.tahun, 2)
    if plan.frozen:
        raise ValidationError(
            _("Rencana versi %(n)s sudah final dan tidak dapat diubah. Buat versi baru untuk mengubahnya.")
            % {"n": plan.number}
        )
    if not selectors.is_latest(plan):
        raise ValidationError(_("Ini bukan versi terakhir rencana; ubah versi terakhir."))


# --- the plan --------------------------------------------------------------------------------------


def plan_seed(*, scope: Scope, kabkota: Region, tahun: int, by) -> tuple[Plan, int]:
    """The year's first plan, one draft row per confirmed Aksi 1 recommendation (grouped as Tabel 2.2,
    linked to its evidence; lokus recommendations reach the confirmed lokus desa) and one group-3 row
    per data gap noted by the analysis. Returns the plan and the number of rows seeded."""
    from konvergensi.ansit import selectors as ansit_selectors
    from konvergensi.ansit.models import DataGapNote, Recommendation, RecommendationStatus

    require(scope, Permission.PLAN_MANAGE, kabkota.kode)
    locks.require_open(kabkota.kode, tahun, 2)
    if Plan.objects.filter(kabkota=kabkota, tahun=tahun).exists():
        raise ValidationError(_("Rencana kegiatan %(tahun)s sudah ada.") % {"tahun": tahun})
    lokus = ansit_selectors.lokus_confirmed(kabkota.kode, tahun)
    lokus_desa = lokus.desa_codes() if lokus else []
    recs = Recommendation.objects.filter(
        kabkota=kabkota, tahun=tahun, status=RecommendationStatus.DIKONFIRMASI
    ).order_by("kind", "urutan", "id")
    with transaction.atomic():
        plan = Plan.objects.create(kabkota=kabkota, tahun=tahun, lokus_list=lokus, created_by=by)
        low, indicator_names = selectors.low_coverage(plan)
        low_in: dict[str, list[str]] = {}  # indicator → the lokus desa where its coverage is low
        for desa, codes in low.items():
            for code in codes:
                low_in.setdefault(code, []).append(desa)
        rows = []
        for i, rec in enumerate(recs):
            # A recommendation about one indicator ("program:U04") keeps it, and reaches the lokus desa
            # where that indicator is low, so the row answers the finding it came from.
            code = rec.source_key.split(":", 1)[1] if rec.source_key.count(":") == 1 else ""
            indicator = code if code in indicator_names else ""
            if rec.kind == "lokus":
                locations = list(lokus_desa)
            elif indicator and rec.kind in INDICATOR_KINDS:
                locations = [d for d in lokus_desa if d in low_in.get(indicator, ())]
            else:
                locations = []
            rows.append(
                PlanRow(
                    plan=plan,
                    group=GROUP_OF_KIND.get(rec.kind, Group.ALOKASI),
                    urutan=i,
                    masalah=rec.evidence,
                    rekomendasi=rec.text,
                    recommendation=rec,
                    evidence_link=rec.link,
                    activity=rec.text[:ACTIVITY_MAX],
                    indicator_code=indicator,
                    indicator=indicator_names.get(indicator, ""),
                    locations=locations,
                    updated_by=by,
                )
            )
        if lokus is not None:
            for j, note in enumerate(DataGapNote.objects.filter(analysis=lokus.analysis).order_by("id")):
                rows.append(
                    PlanRow(
                        plan=plan,
                        group=Group.DATA,
                        urutan=len(rows) + j,
                        masalah=note.text,
                        rekomendasi=_("Perbaiki data: %(note)s") % {"note": note.text},
                        evidence_link="",
                        activity=(_("Perbaikan %(kind)s") % {"kind": note.get_kind_display().lower()})[
                            :ACTIVITY_MAX
                        ],
                        updated_by=by,
                    )
                )
        PlanRow.objects.bulk_create(rows)
        StageRecord.objects.create(plan=plan, stage=Stage.DRAF, date=timezone.localdate(), recorded_by=by)
        audit(
            by=by,
            action="plan.seed",
            target=plan,
            region_kode=kabkota.kode,
            data={"tahun": tahun, "rows": len(rows), "lokus": len(lokus_desa)},
        )
    return plan, len(rows)


def next_stage(plan: Plan) -> str | None:
    i = STAGE_ORDER.index(plan.stage)
    return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None


def stage_record(
    *, scope: Scope, plan: Plan, stage: str, date: dt.date | None, notes: str = "", upload=None, by
) -> StageRecord:
    """Record that the plan reached its next stage (the guideline's order, one step at a time), with
    the date, notes and evidence. At "final" the plan freezes and is attached to Aksi 2."""
    require(scope, Permission.PLAN_MANAGE, plan.kabkota_id)
    locks.require_open(plan.kabkota_id, plan.tahun, 2)
    if not selectors.is_latest(plan):
        raise ValidationError(_("Ini bukan versi terakhir rencana."))
    expected = next_stage(plan)
    if stage != expected:
        raise ValidationError(
            _("Tahap berikutnya adalah „%(next)s”.") % {"next": Stage(expected).label}
            if expected
            else _("Rencana sudah sampai tahap terakhir.")
        )
    if date is None:
        raise ValidationError(_("Isi tanggal tahap ini."))
    if date > timezone.localdate():
        raise ValidationError(_("Tanggal tahap tidak boleh di masa depan."))
    if stage == Stage.FINAL:
        problems = [c for c in selectors.review(plan, selectors.rows_of(plan)).checks if c.code in BLOCKING]
        if not plan.rows.exists():
            raise ValidationError(_("Rencana belum berisi kegiatan."))
        if problems:
            raise ValidationError([_("Belum dapat difinalkan:")] + [c.message for c in problems[:10]])
    record = StageRecord(plan=plan, stage=stage, date=date, notes=notes.strip(), recorded_by=by)
    if upload is not None:
        try:
            check_upload(upload.name, upload.size, upload, MAX_STAGE_FILE)
        except FileRejected as exc:
            raise ValidationError(str(exc)) from exc
        record.original_name = upload.name[:200]
    with transaction.atomic():
        updated = Plan.objects.filter(pk=plan.pk, stage=plan.stage).update(
            stage=stage, version=plan.version + 1
        )
        if updated != 1:
            raise ValidationError(_("Tahap rencana baru saja diubah pengguna lain. Muat ulang halaman."))
        plan.stage = stage
        plan.version += 1
        if upload is not None:
            record.file.save(
                f"rencana-{plan.kabkota_id}-{plan.tahun}-v{plan.number}-{stage}-{upload.name}"[:150],
                upload,
                save=False,
            )
        record.save()
        audit(
            by=by,
            action="plan.stage",
            target=plan,
            region_kode=plan.kabkota_id,
            data={"stage": stage, "date": date.isoformat(), "version": plan.number},
        )
    if stage == Stage.FINAL:
        plan_attach(scope=scope, plan=plan, by=by, quiet=True)
    return record


# The checks that stop a plan from being final (the others are advice shown on the page).
BLOCKING = frozenset({"tanpa_opd", "tanpa_target", "tanpa_anggaran"})


def plan_attach(*, scope: Scope, plan: Plan, by, quiet: bool = False):
    """Attach the final plan (Tabel 2.2 and 2.3 as PDF) to the district's Aksi 2 of the year, through
    the aksi app's evidence service, and start Aksi 2. ``quiet``: when the cycle is not open yet, do
    nothing (the page offers the button later) instead of telling the user."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from konvergensi.aksi import selectors as aksi_selectors
    from konvergensi.aksi import services as aksi_services

    from . import documents

    require(scope, Permission.PLAN_MANAGE, plan.kabkota_id)
    if not plan.frozen:
        raise ValidationError(_("Hanya rencana yang sudah final yang dilampirkan ke Aksi 2."))
    siklus = aksi_selectors.siklus_get(scope=scope, kabkota_kode=plan.kabkota_id, tahun=plan.tahun)
    if siklus is None:
        if quiet:
            return None
        raise ValidationError(
            _("Siklus %(tahun)s belum dibuka. Buka siklus di Pantau Aksi dulu.") % {"tahun": plan.tahun}
        )
    aksi = siklus.aksi_set.get(nomor=2)
    content = documents.plan_pdf(plan)
    upload = SimpleUploadedFile(documents.filename(plan, "pdf"), content, "application/pdf")
    with transaction.atomic():
        aksi_services.work_started(
            kabkota_kode=plan.kabkota_id,
            tahun=plan.tahun,
            nomor=2,
            by=by,
            reason=_("Rencana kegiatan final dilampirkan dari Konvergensi."),
        )
        evidence = aksi_services.evidence_add(
            scope=scope,
            aksi=aksi,
            upload=upload,
            description=_("Rencana kegiatan versi %(n)s (Tabel 2.2 dan 2.3, dibuat Konvergensi)")
            % {"n": plan.number},
            by=by,
        )
        Plan.objects.filter(pk=plan.pk).update(evidence_id=evidence.pk)
        audit(
            by=by,
            action="plan.attach",
            target=plan,
            region_kode=plan.kabkota_id,
            data={"version": plan.number},
        )
    plan.evidence_id = evidence.pk
    return evidence


def plan_new_version(*, scope: Scope, plan: Plan, note: str, by) -> Plan:
    """A change after "final": a new draft version with the same rows (same keys), the old one kept."""
    require(scope, Permission.PLAN_MANAGE, plan.kabkota_id)
    locks.require_open(plan.kabkota_id, plan.tahun, 2)
    if not plan.frozen:
        raise ValidationError(_("Rencana ini belum final: ubah langsung barisnya."))
    if not selectors.is_latest(plan):
        raise ValidationError(_("Sudah ada versi yang lebih baru."))
    if not note.strip():
        raise ValidationError(_("Tulis alasan perubahan."))
    with transaction.atomic():
        number = (
            Plan.objects.filter(kabkota_id=plan.kabkota_id, tahun=plan.tahun).aggregate(m=Max("number"))["m"]
            or 0
        ) + 1
        new = Plan.objects.create(
            kabkota_id=plan.kabkota_id,
            tahun=plan.tahun,
            number=number,
            based_on=plan,
            lokus_list=plan.lokus_list,
            change_note=note.strip(),
            created_by=by,
        )
        rows = []
        for r in plan.rows.all():
            r.pk = None
            r.plan = new
            r.version = 1
            r.updated_by = by
            rows.append(r)
        PlanRow.objects.bulk_create(rows)
        StageRecord.objects.create(
            plan=new, stage=Stage.DRAF, date=timezone.localdate(), notes=note.strip(), recorded_by=by
        )
        audit(
            by=by,
            action="plan.version",
            target=new,
            region_kode=plan.kabkota_id,
            data={"version": number, "based_on": plan.number},
        )
    return new


# --- rows --------------------------------------------------------------------------------------------


def may_edit_row(scope: Scope, plan: Plan, row: PlanRow | None) -> bool:
    """Operator: every row; an OPD: its own rows (and new rows, which become its own)."""
    if plan.frozen:
        return False
    if has_permission(scope, Permission.PLAN_MANAGE, plan.kabkota_id):
        return True
    opd_id = scope.opd_id if row is None else row.opd_id
    return has_permission(scope, Permission.PLAN_EDIT, plan.kabkota_id, opd_id=opd_id)


def _budget(text) -> int | None:
    value = str(text or "").strip()
    if not value:
        return None
    parsed = rules.parse_rupiah(value)
    amount, reason = parsed if isinstance(parsed, tuple) else (parsed, None)
    if amount is None:
        raise ValidationError(
            reason or _("Anggaran „%(v)s” bukan angka Rupiah (contoh: 1.250.000.000).") % {"v": value}
        )
    return amount


def clean_row(data, *, scope: Scope, plan: Plan, row: PlanRow | None = None) -> dict:
    """The fields of a row from a form (a QueryDict or a dict of lists/strings), checked against the
    district: its OPD, its desa and kecamatan, the catalogue's indicators. Raises ValidationError with
    every problem."""
    from konvergensi.indicators.models import Indicator

    def one(name: str) -> str:
        value = data.get(name, "")
        return (value if isinstance(value, str) else "").strip()

    def many(name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        return [v.strip() for v in values if isinstance(v, str) and v.strip()]

    errors: list[str] = []
    out: dict = {}
    try:
        out["group"] = Group(int(one("group") or 0)).value
    except ValueError:
        errors.append(_("Pilih kelompok 1–4 (Tabel 2.2)."))
    out["activity"] = one("activity")[:ACTIVITY_MAX]
    if not out["activity"]:
        errors.append(_("Isi nama program/kegiatan."))
    out["masalah"] = one("masalah")
    out["rekomendasi"] = one("rekomendasi")
    code = rules.normalize_code(one("code"))
    if code and not rules.is_subkegiatan_code(code):
        errors.append(
            _(
                "Kode sub kegiatan „%(c)s” tidak berbentuk kode nomenklatur Kepmendagri (contoh 1.02.02.2.02.0016)."
            )
            % {"c": code}
        )
    out["code"] = code
    indicator_code = one("indicator_code")
    out["indicator_code"] = ""
    out["indicator"] = one("indicator")
    if indicator_code:
        ind = Indicator.objects.filter(kode=indicator_code).first()
        if ind is None:
            errors.append(_("Indikator „%(c)s” tidak ada di katalog.") % {"c": indicator_code})
        else:
            out["indicator_code"] = ind.kode
            out["indicator"] = out["indicator"] or ind.nama
    for name in ("baseline", "target", "unit"):
        out[name] = one(name)[:60]
    out["schedule"] = one("schedule")[:100]
    regions = selectors.places(plan.kabkota_id)
    locations = many("locations")
    extra = one("locations_other")
    if extra:
        resolve = selectors.resolver(plan.kabkota_id)
        for part in extra.split(";"):
            if part.strip():
                locations.append(resolve(part))
    unknown = [loc for loc in locations if loc not in regions]
    if unknown:
        errors.append(
            _("Lokasi bukan desa/kecamatan kabupaten ini: %(list)s") % {"list": ", ".join(unknown[:10])}
        )
    out["locations"] = list(dict.fromkeys(loc for loc in locations if loc in regions))
    try:
        out["budget"] = _budget(one("budget"))
    except ValidationError as exc:
        errors.extend(exc.messages)
    source = one("source")
    if source and source not in Funding.values:
        parsed = rules.parse_funding_source(source)
        source = parsed.value if parsed else ""
        if not parsed:
            errors.append(_("Sumber pendanaan tidak dikenal."))
    out["source"] = source
    row_class = one("row_class")
    if row_class and row_class not in RowClass.values:
        errors.append(_("Kelas kegiatan tidak dikenal."))
    out["row_class"] = row_class if row_class in RowClass.values else ""
    adjustments = [a for a in many("adjustments") if a in Adjustment.values]
    out["adjustments"] = adjustments if out["row_class"] == RowClass.DISESUAIKAN else []
    if out["row_class"] == RowClass.DISESUAIKAN and not adjustments:
        errors.append(
            _("Kegiatan yang disesuaikan: pilih apa yang disesuaikan (target, lokus, penyampaian, anggaran).")
        )
    opd_text = one("opd")
    opd = None
    if opd_text:
        opd = OPD.objects.filter(
            kabkota_id=plan.kabkota_id, pk=int(opd_text) if opd_text.isdigit() else 0
        ).first()
        if opd is None:
            errors.append(_("OPD tidak ada di kabupaten ini."))
    if not has_permission(scope, Permission.PLAN_MANAGE, plan.kabkota_id):
        # An OPD writes its own rows only: the row stays (or becomes) its own.
        opd = OPD.objects.filter(pk=scope.opd_id).first()
    out["opd"] = opd
    if errors:
        raise ValidationError(errors)
    return out


def row_add(*, scope: Scope, plan: Plan, data, by) -> PlanRow:
    if not may_edit_row(scope, plan, None):
        require(scope, Permission.PLAN_EDIT, plan.kabkota_id, opd_id=-1)  # 403
    _editable(plan)
    fields = clean_row(data, scope=scope, plan=plan)
    with transaction.atomic():
        last = plan.rows.filter(group=fields["group"]).aggregate(m=Max("urutan"))["m"]
        row = PlanRow.objects.create(plan=plan, urutan=(last or 0) + 1, updated_by=by, **fields)
        audit(
            by=by,
            action="plan.row.add",
            target=row,
            region_kode=plan.kabkota_id,
            data={"activity": row.activity[:80]},
        )
    return row


def row_update(*, scope: Scope, row: PlanRow, data, expected_version: int, by) -> PlanRow:
    plan = row.plan
    if not may_edit_row(scope, plan, row):
        require(scope, Permission.PLAN_EDIT, plan.kabkota_id, opd_id=-1)
    _editable(plan)
    fields = clean_row(data, scope=scope, plan=plan, row=row)
    changed = sorted(k for k, v in fields.items() if getattr(row, k) != v)
    with transaction.atomic():
        concurrency.compare_and_set(row, expected_version, conflict=Conflict, updated_by=by, **fields)
        audit(
            by=by,
            action="plan.row.update",
            target=row,
            region_kode=plan.kabkota_id,
            data={"changed": changed},
        )
    return row


def row_delete(*, scope: Scope, row: PlanRow, by) -> None:
    plan = row.plan
    if not may_edit_row(scope, plan, row):
        require(scope, Permission.PLAN_EDIT, plan.kabkota_id, opd_id=-1)
    _editable(plan)
    with transaction.atomic():
        audit(
            by=by,
            action="plan.row.delete",
            target=row,
            region_kode=plan.kabkota_id,
            data={"activity": row.activity[:80]},
        )
        row.delete()


def row_split(*, scope: Scope, row: PlanRow, by) -> PlanRow:
    """Split a row in two: the new row copies the activity (same recommendation and evidence) and
    takes the second half of its locations and of its budget; both are then edited separately."""
    plan = row.plan
    if not may_edit_row(scope, plan, row):
        require(scope, Permission.PLAN_EDIT, plan.kabkota_id, opd_id=-1)
    _editable(plan)
    half = len(row.locations) // 2
    keep_locs, give_locs = (
        (row.locations[: len(row.locations) - half], row.locations[len(row.locations) - half :])
        if half
        else (row.locations, row.locations)
    )
    keep_budget = give_budget = None
    if row.budget is not None:
        give_budget = row.budget // 2
        keep_budget = row.budget - give_budget
    with transaction.atomic():
        PlanRow.objects.filter(plan=plan, group=row.group, urutan__gt=row.urutan).update(
            urutan=F("urutan") + 1
        )
        twin = PlanRow.objects.create(
            plan=plan,
            group=row.group,
            urutan=row.urutan + 1,
            masalah=row.masalah,
            rekomendasi=row.rekomendasi,
            recommendation=row.recommendation,
            evidence_link=row.evidence_link,
            code=row.code,
            activity=row.activity,
            indicator_code=row.indicator_code,
            indicator=row.indicator,
            baseline=row.baseline,
            target=row.target,
            unit=row.unit,
            locations=list(give_locs),
            budget=give_budget,
            source=row.source,
            opd=row.opd,
            schedule=row.schedule,
            row_class=row.row_class,
            adjustments=list(row.adjustments),
            updated_by=by,
        )
        concurrency.compare_and_set(
            row, row.version, conflict=Conflict, locations=list(keep_locs), budget=keep_budget, updated_by=by
        )
        audit(
            by=by,
            action="plan.row.split",
            target=row,
            region_kode=plan.kabkota_id,
            data={"activity": row.activity[:80]},
        )
    return twin
