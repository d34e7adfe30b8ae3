"""Writes of the situation analysis. Each checks permission, validates, audits.

The analysis rules are ``konvergensi_core.ansit``'s; files are read by
``konvergensi_core.io.ansit_input``. Nothing is written when a file has a blocking problem.
"""

from __future__ import annotations

import math
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.indicators.models import DataSasaran, DataValue, SasaranStatus
from konvergensi.wilayah.models import Puskesmas, Region
from konvergensi_core import datadesa
from konvergensi_core.ansit import Problem, coarse_coverage, data_gap_notes, has_errors
from konvergensi_core.ansit import recommendations as rules
from konvergensi_core.ansit import units as unit_rules
from konvergensi_core.ansit.hotspots import LEVEL_LABEL
from konvergensi_core.io.ansit_input import read_hotspot_file

from . import selectors
from .models import (
    Analysis,
    AnsitDocument,
    DataGapNote,
    Decision,
    DocumentStatus,
    Frequency,
    InputSource,
    Level,
    LokusDesa,
    LokusList,
    LokusStatus,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Review,
    ReviewComment,
    ReviewKind,
    YesNo,
)
from .questions import fgd_questions

MAX_UPLOAD = 20 * 1024 * 1024


class Conflict(Exception):
    """Someone else saved the same object since it was read."""

    def __init__(self) -> None:
        super().__init__(_("Data ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi."))


class FileProblems(Exception):
    """An uploaded file that cannot be analysed: every problem, with row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_("Berkas bermasalah; tidak ada yang disimpan."))
        self.problems = problems


def _cas(model, obj, expected_version: int, **changes) -> None:
    """Compare-and-set: write ``changes`` only if the row is still at ``expected_version``."""
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=expected_version + 1, **changes
    )
    if updated != 1:
        raise Conflict()
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.version = expected_version + 1


# --- building the unit table -----------------------------------------------------------------


Figures = dict[str, tuple[float | None, float | None]]  # desa -> (cases, measured)


def _sasaran_figures(kabkota: str, tahun: int) -> tuple[Figures, int]:
    """Stunting cases and children measured per desa from the data sasaran of a year; and how many
    of those rows the camat has not verified yet."""
    out: Figures = {}
    unverified = 0
    rows = DataSasaran.objects.filter(desa__kode__startswith=kabkota + ".", tahun=tahun).values_list(
        "desa_id", "stunting", "balita_diukur", "status"
    )
    for desa, stunting, diukur, status in rows:
        if stunting is None and diukur is None:
            continue
        out[desa] = (stunting, diukur)
        unverified += status != SasaranStatus.DIVERIFIKASI
    return out, unverified


def _round_figures(round_id: int) -> Figures:
    from konvergensi.measurements.selectors import desa_stunting

    return {desa: (float(s), float(m)) for desa, (s, m) in desa_stunting(round_id=round_id).items() if desa}


def _desa_unit(d: Region, figures: Figures) -> dict:
    cases, measured = figures.get(d.kode, (None, None))
    return {"kode": d.kode, "nama": d.nama, "cases": cases, "measured": measured, "prevalence": None}


def _sum_unit(kode: str, nama: str, members: list[str], figures: Figures) -> dict:
    """A kecamatan or puskesmas area: the sums of its desa. When some desa have cases but no
    children measured, the prevalence is taken over the desa that have both and given explicitly."""
    p = unit_rules.pool(figures[d] for d in members if d in figures)
    return {
        "kode": kode,
        "nama": nama,
        "cases": p.cases,
        "measured": p.measured,
        "prevalence": p.prevalence,
        "desa": members,
    }


def _puskesmas_areas(kabkota: str) -> tuple[list[tuple[str, str, list[str]]], list[str]]:
    """(kode, nama, desa) of each puskesmas area; a desa served by several is counted in the first
    (by code) only. Also the desa no puskesmas serves."""
    taken: set[str] = set()
    areas = []
    for p in Puskesmas.objects.filter(kabkota_id=kabkota).order_by("kode").prefetch_related("desa"):
        members = sorted(d.kode for d in p.desa.all() if d.kode not in taken)
        taken.update(members)
        areas.append((p.kode, p.nama, members))
    unserved = [d.kode for d in selectors.district_desa(kabkota) if d.kode not in taken]
    return areas, unserved


def _aggregate(level: str, kabkota: str, figures: Figures, warnings: list[dict]) -> list[dict]:
    desa = selectors.district_desa(kabkota)
    if level == Level.DESA:
        return [_desa_unit(d, figures) for d in desa]
    if level == Level.KECAMATAN:
        by_kec: dict[str, list[str]] = defaultdict(list)
        for d in desa:
            by_kec[d.kode[:8]].append(d.kode)
        names = dict(Region.objects.filter(parent_id=kabkota, level="kecamatan").values_list("kode", "nama"))
        return [_sum_unit(k, names.get(k, k), by_kec[k], figures) for k in sorted(by_kec)]
    areas, unserved = _puskesmas_areas(kabkota)
    if not areas:
        raise ValidationError(
            _(
                "Belum ada puskesmas dengan wilayah kerjanya di kabupaten/kota ini. Tambahkan di Wilayah & OPD."
            )
        )
    lost = [d for d in unserved if d in figures]
    if lost:
        warnings.append(
            Problem(
                None,
                "",
                "",
                _(
                    "%(n)s desa berdata tidak termasuk wilayah kerja puskesmas mana pun; datanya tidak dihitung."
                )
                % {"n": len(lost)},
                "warning",
            ).as_dict()
        )
    return [_sum_unit(kode, nama, members, figures) for kode, nama, members in areas]


def _unit_lookup(level: str, kabkota: str) -> unit_rules.UnitLookup:
    """A district's units of one level, to match a file's labels (``konvergensi_core.ansit.units``)."""
    if level == Level.PUSKESMAS:
        found = [unit_rules.Unit(p.kode, p.nama) for p in Puskesmas.objects.filter(kabkota_id=kabkota)]
    else:
        qs = Region.objects.filter(level=level, kode__startswith=kabkota + ".")
        found = [unit_rules.Unit(r.kode, r.nama, (r.kode_angka,)) for r in qs]
    return unit_rules.UnitLookup(found, level=level)


def _read_upload(upload, *, level: str, kabkota: str) -> tuple[dict[str, dict], list[Problem]]:
    """Figures per unit code from an uploaded sheet, or every problem that blocks it."""
    name = upload.name or "berkas"
    suffix = Path(name).suffix.lower() or ".csv"
    if upload.size > MAX_UPLOAD:
        return {}, [Problem(None, "", "", _("Berkas terlalu besar; batasnya 20 MB."))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"unggahan{suffix[:6]}"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        data = read_hotspot_file(path, level=level)
    problems = list(data.problems)
    if not data.ok and not data.units:
        return {}, problems
    lookup = _unit_lookup(level, kabkota)
    unit_header = data.columns.get("unit", "unit")
    out: dict[str, dict] = {}
    for i, label in enumerate(data.units):
        row = data.rows[i] if i < len(data.rows) else None
        found = lookup.match(label)
        kode = found.kode
        if found.ambiguous:
            problems.append(
                Problem(
                    row,
                    unit_header,
                    label,
                    _("nama ini ada lebih dari satu di kabupaten/kota; tulis kodenya"),
                )
            )
            continue
        if kode is None:
            problems.append(
                Problem(row, unit_header, label, _("wilayah tidak dikenal di kabupaten/kota ini"))
            )
            continue
        if kode in out:
            problems.append(
                Problem(row, unit_header, label, _("wilayah yang sama sudah ada di baris sebelumnya"))
            )
            continue
        out[kode] = {
            "cases": data.cases[i] if data.cases is not None else None,
            "measured": data.measured[i] if data.measured is not None else None,
            "prevalence": data.prevalence[i] if data.prevalence is not None else None,
        }
    if not out and not has_errors(problems):
        problems.append(Problem(None, "", "", _("Berkas tidak berisi wilayah kabupaten/kota ini.")))
    return out, sorted(problems, key=lambda q: (q.row is not None, q.row or 0))


def _upload_units(level: str, kabkota: str, figures: dict[str, dict]) -> list[dict]:
    names = _unit_lookup(level, kabkota).names
    members: dict[str, list[str]] = {}
    if level == Level.PUSKESMAS:
        areas, _unserved = _puskesmas_areas(kabkota)
        members = {kode: m for kode, _n, m in areas}
    elif level == Level.KECAMATAN:
        for d in selectors.district_desa(kabkota):
            members.setdefault(d.kode[:8], []).append(d.kode)
    units = []
    for kode in sorted(names):
        f = figures.get(kode, {})
        unit = {
            "kode": kode,
            "nama": names[kode],
            "cases": f.get("cases"),
            "measured": f.get("measured"),
            "prevalence": f.get("prevalence"),
        }
        if level != Level.DESA:
            unit["desa"] = members.get(kode, [])
        units.append(unit)
    return units


# --- the analysis ----------------------------------------------------------------------------


def _check_common(*, tahun: int, periode: str, level: str, data_source: str, margin: float) -> None:
    from .models import DataSource

    errors = {}
    if not 2018 <= tahun <= 2100:
        errors["tahun"] = _("Tahun siklus tidak sah.")
    if not datadesa.PERIOD_RE.match(periode or ""):
        errors["periode"] = _("Periode data harus tahun (mis. 2026) atau semester (2026-S1, 2026-S2).")
    if level not in Level.values:
        errors["level"] = _("Pilih tingkat analisis: desa, kecamatan atau wilayah puskesmas.")
    if data_source not in DataSource.values:
        errors["data_source"] = _("Pilih jenis data stunting.")
    if not (isinstance(margin, int | float) and math.isfinite(margin) and 0 <= margin <= 5):
        errors["margin"] = _("Batas signifikan harus antara 0 dan 500 persen di atas rata-rata.")
    if errors:
        raise ValidationError(errors)


def _notes(analysis: Analysis, result) -> list[DataGapNote]:
    """The Aksi 6 notes of an analysis: the core's data-gap notes for its level and data source,
    units without data, and main indicators whose coverage is missing or stops at a few desa per
    kecamatan (probably reported per puskesmas or kecamatan)."""
    notes = [
        DataGapNote(kabkota=analysis.kabkota, tahun=analysis.tahun, analysis=analysis, kind="sebaran", text=t)
        for t in data_gap_notes(analysis.level, analysis.data_source)
    ]
    empty = [u for u in result.units if u.prevalence is None and u.cases is None]
    if empty:
        names = {u["kode"]: u.get("nama") or u["kode"] for u in analysis.units}
        notes.append(
            DataGapNote(
                kabkota=analysis.kabkota,
                tahun=analysis.tahun,
                analysis=analysis,
                kind="kosong",
                text=_(
                    "Data stunting tidak tersedia untuk %(n)s dari %(total)s %(level)s (%(names)s): "
                    "Aksi 6 perlu melengkapi data ini; Dinas Kesehatan memasukkan pengukuran (Aksi 7) "
                    "ke rencana aksinya bila belum ada."
                )
                % {
                    "n": len(empty),
                    "total": len(result.units),
                    "level": str(LEVEL_LABEL[analysis.level]).lower(),
                    "names": rules.names_text([names[u.unit] for u in empty], 10),
                },
            )
        )
    indicators = selectors.main_indicators(analysis.indicator_set)
    n_desa = len(selectors.district_desa(analysis.kabkota_id))
    n_kec = Region.objects.filter(parent_id=analysis.kabkota_id, level="kecamatan").count()
    filled = defaultdict(int)
    for ind_id in DataValue.objects.filter(
        kabkota_id=analysis.kabkota_id, periode=analysis.periode, indicator__in=indicators
    ).values_list("indicator_id", flat=True):
        filled[ind_id] += 1
    none = [i.kode for i in indicators if not filled[i.pk]]
    coarse = coarse_coverage({i.kode: filled[i.pk] for i in indicators}, n_kecamatan=n_kec, n_desa=n_desa)
    if coarse:
        notes.append(
            DataGapNote(
                kabkota=analysis.kabkota,
                tahun=analysis.tahun,
                analysis=analysis,
                kind="cakupan",
                text=_(
                    "Data cakupan %(codes)s periode %(periode)s hanya ada untuk sedikit desa per kecamatan "
                    "(kemungkinan dilaporkan per puskesmas atau kecamatan): Aksi 6 perlu memprioritaskan "
                    "data yang lebih rinci di tingkat desa/kelurahan."
                )
                % {"codes": ", ".join(coarse), "periode": analysis.periode},
            )
        )
    if none:
        notes.append(
            DataGapNote(
                kabkota=analysis.kabkota,
                tahun=analysis.tahun,
                analysis=analysis,
                kind="cakupan",
                text=_(
                    "Data cakupan %(codes)s periode %(periode)s belum tersedia: OPD penanggung jawab "
                    "memasukkan pengumpulan datanya ke rencana aksi OPD (catatan untuk Aksi 6)."
                )
                % {"codes": ", ".join(none), "periode": analysis.periode},
            )
        )
    return notes


def analysis_create(
    *,
    scope: Scope,
    kabkota: Region,
    tahun: int,
    periode: str,
    level: str,
    input_source: str,
    data_source: str,
    margin: float = 0.5,
    prevalence_bands: dict[str, float] | None = None,
    indicator_set: str = "2018",
    round_id: int | None = None,
    upload=None,
    by,
) -> Analysis:
    """Analyse the stunting distribution of a district (Gambar 1.2–1.4) from the data sasaran of
    the data year, a measurement round, or an uploaded sheet, at the chosen level; store the
    input table, the result at that moment and the Aksi 6 notes. Raises FileProblems (nothing saved)
    for a file with blocking problems, ValidationError for bad settings or no data at all."""
    require(scope, Permission.ANSIT_EDIT, kabkota.kode)
    if kabkota.level != "kabkota":
        raise ValidationError(_("Analisis situasi hanya untuk kabupaten/kota."))
    _check_common(tahun=tahun, periode=periode, level=level, data_source=data_source, margin=margin)
    if indicator_set not in ("2018", "2025"):
        raise ValidationError({"indicator_set": _("Pilih set indikator.")})
    bands: dict[str, float] = {}
    if prevalence_bands:
        from konvergensi_core.ansit.categories import DEFAULT_PREVALENCE_BANDS, PrevalenceBands

        try:
            chosen = PrevalenceBands(**{k: float(v) for k, v in prevalence_bands.items()})
        except (TypeError, ValueError):
            raise ValidationError(
                {
                    "prevalence_bands": _(
                        "Batas kategori prevalensi harus 0 ≤ Rendah ≤ Tinggi ≤ Sangat Tinggi ≤ 100."
                    )
                }
            ) from None
        if chosen != DEFAULT_PREVALENCE_BANDS:
            bands = {"sangat_tinggi": chosen.sangat_tinggi, "tinggi": chosen.tinggi, "rendah": chosen.rendah}
    data_tahun = int(periode[:4])
    warnings: list[dict] = []
    desa_units: list[dict] = []
    desa_label = ""
    if input_source == InputSource.SASARAN:
        figures, unverified = _sasaran_figures(kabkota.kode, data_tahun)
        if not figures:
            raise ValidationError(
                _(
                    "Belum ada data sasaran %(tahun)s berisi jumlah balita stunting. Isi data sasaran desa "
                    "dulu (Data desa › Data sasaran) atau unggah berkas."
                )
                % {"tahun": data_tahun}
            )
        if unverified:
            warnings.append(
                Problem(
                    None,
                    "",
                    "",
                    _("%(n)s desa memakai data sasaran yang belum diverifikasi camat.") % {"n": unverified},
                    "warning",
                ).as_dict()
            )
        source_label = _("Data sasaran desa %(tahun)s (balita stunting / balita diukur)") % {
            "tahun": data_tahun
        }
        units = _aggregate(level, kabkota.kode, figures, warnings)
        if level != Level.DESA:
            desa_units = [_desa_unit(d, figures) for d in selectors.district_desa(kabkota.kode)]
            desa_label = source_label
    elif input_source == InputSource.ROUND:
        from konvergensi.measurements.selectors import rounds_for

        rnd = rounds_for(scope=scope, kabkota=kabkota.kode).filter(pk=round_id).first() if round_id else None
        if rnd is None:
            raise ValidationError({"round": _("Pilih putaran pengukuran kabupaten/kota ini.")})
        figures = _round_figures(rnd.pk)
        if not figures:
            raise ValidationError({"round": _("Putaran ini belum berisi hasil pengukuran.")})
        source_label = _("Putaran pengukuran %(nama)s (anak stunting / anak dengan TB/U sah)") % {
            "nama": rnd.nama
        }
        units = _aggregate(level, kabkota.kode, figures, warnings)
        if level != Level.DESA:
            desa_units = [_desa_unit(d, figures) for d in selectors.district_desa(kabkota.kode)]
            desa_label = source_label
    elif input_source == InputSource.UPLOAD:
        if upload is None:
            raise ValidationError({"file": _("Pilih berkas CSV atau Excel (.xlsx) yang akan diunggah.")})
        figures_by_unit, problems = _read_upload(upload, level=level, kabkota=kabkota.kode)
        if has_errors(problems):
            raise FileProblems(problems)
        warnings.extend(p.as_dict() for p in problems)
        units = _upload_units(level, kabkota.kode, figures_by_unit)
        source_label = _("Berkas %(name)s") % {"name": (upload.name or "")[-120:]}
        if level != Level.DESA:
            figures, _unverified = _sasaran_figures(kabkota.kode, data_tahun)
            desa_units = [_desa_unit(d, figures) for d in selectors.district_desa(kabkota.kode)]
            desa_label = _("Data sasaran desa %(tahun)s (berkas ini tidak per desa)") % {"tahun": data_tahun}
    else:
        raise ValidationError({"input_source": _("Pilih asal data.")})
    round_id = round_id if input_source == InputSource.ROUND else None

    analysis = Analysis(
        kabkota=kabkota,
        tahun=tahun,
        periode=periode,
        level=level,
        input_source=input_source,
        data_source=data_source,
        round_id=round_id,
        source_label=source_label[:200],
        indicator_set=indicator_set,
        margin=Decimal(str(round(margin, 2))),
        prevalence_bands=bands,
        units=units,
        desa_units=desa_units,
        desa_units_label=desa_label[:200],
        warnings=warnings,
        created_by=by,
    )
    result = selectors.hotspot_result(analysis)
    if not any(u.prevalence is not None or u.cases is not None for u in result.units):
        raise ValidationError(_("Tidak ada satu pun wilayah dengan jumlah kasus atau prevalensi stunting."))
    warnings.extend(p.as_dict() for p in result.problems)
    summary = result.as_dict()
    summary.pop("units")
    summary["counts"] = result.counts()
    summary["with_data"] = sum(u.prevalence is not None or u.cases is not None for u in result.units)
    analysis.summary = summary
    with transaction.atomic():
        analysis.save()
        notes = _notes(analysis, result)
        DataGapNote.objects.bulk_create(notes)
        audit(
            by=by,
            action="ansit.analysis.create",
            target=analysis,
            region_kode=kabkota.kode,
            data={
                "tahun": tahun,
                "level": level,
                "source": input_source,
                "data_source": data_source,
                "margin": float(margin),
                "recommendation": summary["recommendation"],
                "units": len(units),
                "notes": len(notes),
            },
        )
    return analysis


def analysis_decide(
    *, scope: Scope, analysis: Analysis, decision: str, reason: str, expected_version: int, by
) -> Analysis:
    """The team confirms the computed recommendation or overrides it; an override needs a reason,
    which is kept (and audited) with the computed option it replaced."""
    require(scope, Permission.ANSIT_EDIT, analysis.kabkota_id)
    reason = (reason or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Pilih salah satu dari tiga opsi keputusan.")})
    computed = analysis.summary.get("recommendation")
    if decision != computed and not reason:
        raise ValidationError(
            {"reason": _("Keputusan berbeda dari rekomendasi perhitungan: tuliskan alasannya.")}
        )
    with transaction.atomic():
        _cas(
            Analysis,
            analysis,
            expected_version,
            decision=decision,
            decision_reason=reason[:4000],
            decided_by=by,
            decided_at=timezone.now(),
        )
        audit(
            by=by,
            action="ansit.analysis.decide",
            target=analysis,
            region_kode=analysis.kabkota_id,
            data={
                "computed": computed,
                "decision": decision,
                "override": decision != computed,
                "reason": reason,
            },
        )
    return analysis


# --- lokus -------------------------------------------------------------------------------------


def lokus_confirm(
    *, scope: Scope, analysis: Analysis, settings: selectors.LokusSettings, note: str = "", by
) -> LokusList:
    """Confirm the selected focus villages of an analysis as the district's list for the year; a
    list confirmed earlier is kept as replaced (history)."""
    require(scope, Permission.ANSIT_EDIT, analysis.kabkota_id)
    ranking = selectors.lokus_ranking(analysis=analysis, settings=settings)
    chosen = ranking.selected
    if not chosen:
        raise ValidationError(
            _(
                "Tidak ada desa terpilih dengan pengaturan ini. Ubah kelayakan atau jumlah lokus, lalu konfirmasi."
            )
        )
    try:
        return _lokus_write(analysis, settings, ranking, chosen, note, by)
    except IntegrityError as exc:  # another list was confirmed at the same moment
        raise Conflict() from exc


def _lokus_write(analysis, settings, ranking, chosen, note, by) -> LokusList:
    with transaction.atomic():
        previous = list(
            LokusList.objects.select_for_update().filter(
                kabkota_id=analysis.kabkota_id, tahun=analysis.tahun, status=LokusStatus.DIKONFIRMASI
            )
        )
        LokusList.objects.filter(pk__in=[p.pk for p in previous]).update(status=LokusStatus.DIGANTI)
        lokus = LokusList.objects.create(
            kabkota_id=analysis.kabkota_id,
            tahun=analysis.tahun,
            analysis=analysis,
            indicator_set=analysis.indicator_set,
            eligibility=settings.eligibility,
            method=settings.method,
            value=settings.value,
            cost=settings.cost,
            n_desa=len(ranking.desa),
            n_eligible=len(ranking.eligible),
            ranking=[
                d.as_dict() | {"coverage_count": d.coverage_count, "measured": d.measured}
                for d in ranking.desa
            ],
            note=(note or "").strip()[:4000],
            confirmed_by=by,
        )
        LokusDesa.objects.bulk_create(
            LokusDesa(
                lokus_list=lokus,
                desa_id=d.desa,
                rank=d.rank,
                prevalence=d.prevalence,
                cases=d.cases,
                low_coverage_count=d.low_coverage_count,
                coverage_count=d.coverage_count,
                prevalence_above_mean=d.criteria.prevalence_above_mean,
                cases_above_mean=d.criteria.cases_above_mean,
                low_coverage_majority=d.criteria.low_coverage_majority,
            )
            for d in chosen
        )
        audit(
            by=by,
            action="ansit.lokus.confirm",
            target=lokus,
            region_kode=analysis.kabkota_id,
            data={
                "analysis": analysis.pk,
                "eligibility": settings.eligibility,
                "method": settings.method,
                "value": settings.value,
                "cost": settings.cost,
                "desa": [d.desa for d in chosen],
                "replaces": [p.pk for p in previous],
            },
        )
    return lokus


# --- reviews -----------------------------------------------------------------------------------


@dataclass
class ReviewInput:
    judul: str
    opd_id: int | None = None
    tanggal: object = None
    peserta: str = ""
    answers: dict | None = None
    tingkat: str = ""
    penanggung_jawab: str = ""
    agenda: str = ""
    frekuensi: str = ""
    rencana_kerja: str = ""
    biaya_operasional: str = ""
    efektivitas: str = ""
    catatan: str = ""
    usulan: str = ""


def _clean_review(kind: str, data: ReviewInput, kabkota: str) -> dict:
    from konvergensi.wilayah.models import OPD

    from .models import Effectiveness

    errors = {}
    if not data.judul.strip():
        errors["judul"] = _("Tuliskan layanan atau nama forum yang direviu.")
    if data.opd_id is not None and not OPD.objects.filter(pk=data.opd_id, kabkota_id=kabkota).exists():
        errors["opd"] = _("OPD harus milik kabupaten/kota ini.")
    choices = {
        "frekuensi": Frequency.values,
        "rencana_kerja": YesNo.values,
        "biaya_operasional": YesNo.values,
        "efektivitas": Effectiveness.values,
    }
    for name, allowed in choices.items():
        value = getattr(data, name)
        if value and value not in allowed:
            errors[name] = _("Pilihan tidak sah.")
    answers = {}
    for q in fgd_questions(kind):
        raw = (data.answers or {}).get(q.key) or {}
        status = raw.get("status", "")
        if status and status not in YesNo.values:
            errors[q.key] = _("Pilihan tidak sah.")
        answers[q.key] = {"status": status, "catatan": (raw.get("catatan") or "").strip()[:2000]}
    if errors:
        raise ValidationError(errors)
    return {
        "judul": data.judul.strip()[:200],
        "opd_id": data.opd_id,
        "tanggal": data.tanggal,
        "peserta": data.peserta.strip()[:4000],
        "answers": answers,
        "tingkat": data.tingkat.strip()[:40],
        "penanggung_jawab": data.penanggung_jawab.strip()[:200],
        "agenda": data.agenda.strip()[:4000],
        "frekuensi": data.frekuensi,
        "rencana_kerja": data.rencana_kerja,
        "biaya_operasional": data.biaya_operasional,
        "efektivitas": data.efektivitas,
        "catatan": data.catatan.strip()[:8000],
        "usulan": data.usulan.strip()[:4000],
    }


def _may_edit_review(scope: Scope, review: Review) -> bool:
    if has_permission(scope, Permission.ANSIT_EDIT, review.kabkota_id):
        return True
    # OPD staff answer the reviews of their own agency (and those they opened).
    return has_permission(scope, Permission.ANSIT_REVIEW, review.kabkota_id) and (
        review.opd_id == scope.opd_id or review.created_by_id == scope.user_id
    )


def may_edit_review(scope: Scope, review: Review) -> bool:
    return _may_edit_review(scope, review)


def review_create(*, scope: Scope, kabkota: Region, tahun: int, kind: str, data: ReviewInput, by) -> Review:
    require(scope, Permission.ANSIT_REVIEW, kabkota.kode)
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": _("Pilih jenis reviu.")})
    if not 2018 <= tahun <= 2100:
        raise ValidationError({"tahun": _("Tahun siklus tidak sah.")})
    if not has_permission(scope, Permission.ANSIT_EDIT, kabkota.kode):
        data.opd_id = scope.opd_id  # an agency reviews its own services
    fields = _clean_review(kind, data, kabkota.kode)
    with transaction.atomic():
        review = Review.objects.create(
            kabkota=kabkota, tahun=tahun, kind=kind, created_by=by, updated_by=by, **fields
        )
        audit(
            by=by,
            action="ansit.review.create",
            target=review,
            region_kode=kabkota.kode,
            data={"kind": kind, "judul": review.judul},
        )
    return review


def review_update(*, scope: Scope, review: Review, data: ReviewInput, expected_version: int, by) -> Review:
    if not _may_edit_review(scope, review):
        raise PermissionDenied
    if not has_permission(scope, Permission.ANSIT_EDIT, review.kabkota_id):
        data.opd_id = review.opd_id
    fields = _clean_review(review.kind, data, review.kabkota_id)
    before = {
        k: getattr(review, k) for k in ("frekuensi", "rencana_kerja", "biaya_operasional", "efektivitas")
    }
    with transaction.atomic():
        _cas(Review, review, expected_version, updated_by=by, updated_at=timezone.now(), **fields)
        audit(
            by=by,
            action="ansit.review.update",
            target=review,
            region_kode=review.kabkota_id,
            data={"before": before, "answers": {k: v["status"] for k, v in fields["answers"].items()}},
        )
    return review


def review_comment_add(*, scope: Scope, review: Review, body: str, by) -> ReviewComment:
    require(scope, Permission.ANSIT_REVIEW, review.kabkota_id)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Komentar kosong.")})
    with transaction.atomic():
        comment = ReviewComment.objects.create(review=review, author=by, body=body[:4000])
        audit(by=by, action="ansit.review.comment", target=comment, region_kode=review.kabkota_id)
    return comment


# --- recommendations ---------------------------------------------------------------------------


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "j F Y") if value else ""


def evidence_for(*, kabkota: str, tahun: int) -> tuple[rules.Evidence, Analysis] | None:
    """The facts the recommendation rules work from: the current analysis and its confirmed
    decision, the confirmed lokus list, coverage, programmes and the reviews of the year."""
    from .models import Effectiveness
    from .questions import FGD_QUESTIONS

    lokus = selectors.lokus_confirmed(kabkota, tahun)
    analysis = (
        lokus.analysis
        if lokus
        else Analysis.objects.filter(kabkota_id=kabkota, tahun=tahun).order_by("-created_at", "-id").first()
    )
    if analysis is None:
        return None
    result = selectors.hotspot_result(analysis)
    names = {u["kode"]: u.get("nama") or u["kode"] for u in analysis.units}
    decision = analysis.decision or result.recommendation.value
    hotspot = rules.HotspotFacts(
        level_label=str(LEVEL_LABEL[analysis.level]),
        decision=decision,
        separate=tuple(names[k] for k in result.separate_analysis),
        special=tuple(names[k] for k in result.special_attention),
        mean_prevalence=result.mean_prevalence,
        prevalence_threshold=result.prevalence_threshold,
        mean_cases=result.mean_cases,
        cases_threshold=result.cases_threshold,
        margin=result.margin,
    )
    desa = selectors.district_desa(kabkota)
    cov = selectors.coverage(analysis=analysis)
    lokus_facts = None
    if lokus is not None:
        settings = selectors.LokusSettings(lokus.eligibility, lokus.method, lokus.value, lokus.cost)
        who = lokus.confirmed_by.get_full_name() if lokus.confirmed_by else ""
        lokus_facts = rules.LokusFacts(
            desa=tuple(lokus.desa_codes()),
            n_eligible=lokus.n_eligible,
            n_desa=lokus.n_desa,
            method_text=settings.method_text(),
            confirmed_text=f"{_date(lokus.confirmed_at)}" + (f" oleh {who}" if who else ""),
        )
    question_text = {q.key: str(q.text) for qs in FGD_QUESTIONS.values() for q in qs}
    reviews = []
    for r in Review.objects.filter(kabkota_id=kabkota, tahun=tahun).order_by("kind", "id"):
        reviews.append(
            rules.ReviewFacts(
                pk=r.pk,
                kind=r.kind,
                title=r.judul,
                date_text=formats.date_format(r.tanggal, "j F Y") if r.tanggal else "",
                answers={
                    k: (v.get("status", ""), v.get("catatan", "")) for k, v in (r.answers or {}).items()
                },
                question_text=question_text,
                tingkat=r.tingkat,
                owner=r.penanggung_jawab,
                frekuensi=r.frekuensi,
                frekuensi_label=str(Frequency(r.frekuensi).label) if r.frekuensi else "",
                rencana_kerja=r.rencana_kerja,
                biaya=r.biaya_operasional,
                efektivitas=r.efektivitas,
                efektivitas_label=str(Effectiveness(r.efektivitas).label) if r.efektivitas else "",
                proposal=r.usulan,
            )
        )
    return rules.Evidence(
        tahun=tahun,
        hotspot=hotspot,
        lokus=lokus_facts,
        coverage=cov.facts(),
        programmes=selectors.programmes(analysis=analysis, indicators=cov.indicators),
        desa=tuple(d.kode for d in desa),
        desa_names={d.kode: d.nama for d in desa},
        hotspot_desa=frozenset(selectors.hotspot_desa(analysis, result)),
        reviews=tuple(reviews),
    ), analysis


def _link(draft: rules.Draft, analysis: Analysis) -> str:
    if draft.target == "review" and draft.review_id:
        return reverse("ansit:review-detail", kwargs={"pk": draft.review_id})
    name = {
        "analysis": "ansit:analysis-detail",
        "coverage": "ansit:coverage",
        "programs": "ansit:coverage",
        "lokus": "ansit:lokus",
    }[draft.target]
    url = reverse(name, kwargs={"pk": analysis.pk})
    return url + (f"#{draft.anchor}" if draft.anchor else "")


def recommendations_generate(*, scope: Scope, kabkota: Region, tahun: int, by) -> dict[str, int]:
    """Draft the recommendations the evidence supports. A draft nobody touched is updated or, when
    its finding is gone, removed; an edited, confirmed or rejected recommendation is kept as is."""
    require(scope, Permission.ANSIT_EDIT, kabkota.kode)
    found = evidence_for(kabkota=kabkota.kode, tahun=tahun)
    if found is None:
        raise ValidationError(_("Buat analisis sebaran stunting tahun ini dulu."))
    evidence, analysis = found
    drafts = rules.recommendation_drafts(evidence)
    counts = {"added": 0, "updated": 0, "kept": 0, "removed": 0}
    with transaction.atomic():
        existing = {
            r.source_key: r
            for r in Recommendation.objects.select_for_update().filter(
                kabkota=kabkota, tahun=tahun, auto=True
            )
        }
        seen = set()
        for position, d in enumerate(drafts):
            seen.add(d.key)
            link = _link(d, analysis)
            rec = existing.get(d.key)
            if rec is None:
                Recommendation.objects.create(
                    kabkota=kabkota,
                    tahun=tahun,
                    kind=d.kind,
                    text=d.text,
                    evidence=d.evidence,
                    link=link,
                    source_key=d.key,
                    auto=True,
                    urutan=position,
                    created_by=by,
                    updated_by=by,
                )
                counts["added"] += 1
            elif rec.edited or rec.status != RecommendationStatus.DRAF:
                counts["kept"] += 1
            elif (rec.text, rec.evidence, rec.link, rec.urutan) != (d.text, d.evidence, link, position):
                Recommendation.objects.filter(pk=rec.pk).update(
                    text=d.text,
                    evidence=d.evidence,
                    link=link,
                    urutan=position,
                    updated_by=by,
                    version=rec.version + 1,
                )
                counts["updated"] += 1
        stale = [r.pk for k, r in existing.items() if k not in seen and not r.edited and r.status == "draf"]
        Recommendation.objects.filter(pk__in=stale).delete()
        counts["removed"] = len(stale)
        audit(
            by=by,
            action="ansit.recommendations.generate",
            region_kode=kabkota.kode,
            data={"tahun": tahun, "analysis": analysis.pk, **counts},
        )
    return counts


def recommendation_update(
    *, scope: Scope, rec: Recommendation, text: str, status: str, expected_version: int, by
) -> Recommendation:
    """Edit the text and/or confirm, reject or return a recommendation to draft."""
    require(scope, Permission.ANSIT_EDIT, rec.kabkota_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Teks rekomendasi tidak boleh kosong.")})
    if status not in RecommendationStatus.values:
        raise ValidationError({"status": _("Status tidak sah.")})
    changes = {"text": text[:4000], "status": status, "updated_by": by, "updated_at": timezone.now()}
    if text != rec.text:
        changes["edited"] = True
    if status == RecommendationStatus.DIKONFIRMASI and rec.status != status:
        changes |= {"confirmed_by": by, "confirmed_at": timezone.now()}
    before = {"text": rec.text, "status": rec.status}
    with transaction.atomic():
        _cas(Recommendation, rec, expected_version, **changes)
        audit(
            by=by,
            action="ansit.recommendation.update",
            target=rec,
            region_kode=rec.kabkota_id,
            data={"before": before, "after": {"text": rec.text, "status": rec.status}},
        )
    return rec


def recommendation_add(
    *, scope: Scope, kabkota: Region, tahun: int, kind: str, text: str, evidence: str = "", by
) -> Recommendation:
    require(scope, Permission.ANSIT_EDIT, kabkota.kode)
    text = (text or "").strip()
    if kind not in RecommendationKind.values:
        raise ValidationError({"kind": _("Pilih jenis rekomendasi.")})
    if not text:
        raise ValidationError({"text": _("Teks rekomendasi tidak boleh kosong.")})
    with transaction.atomic():
        rec = Recommendation.objects.create(
            kabkota=kabkota,
            tahun=tahun,
            kind=kind,
            text=text[:4000],
            evidence=(evidence or "").strip()[:4000],
            urutan=1000,
            created_by=by,
            updated_by=by,
        )
        audit(
            by=by,
            action="ansit.recommendation.add",
            target=rec,
            region_kode=kabkota.kode,
            data={"kind": kind},
        )
    return rec


# --- the document ------------------------------------------------------------------------------


def document_start(*, scope: Scope, analysis: Analysis, by) -> AnsitDocument:
    """Queue the situation-analysis document (PDF, DOCX, Excel annexes) of an analysis."""
    from konvergensi.jobs import services as job_services

    from .tasks import document_build

    require(scope, Permission.ANSIT_EDIT, analysis.kabkota_id)
    lokus = selectors.lokus_confirmed(analysis.kabkota_id, analysis.tahun)
    with transaction.atomic():
        doc = AnsitDocument.objects.create(
            kabkota_id=analysis.kabkota_id,
            tahun=analysis.tahun,
            analysis=analysis,
            lokus_list=lokus,
            created_by=by,
        )
        job = job_services.job_create(
            kind="ansit_document",
            title=_("Dokumen analisis situasi %(nama)s %(tahun)s")
            % {"nama": analysis.kabkota.nama, "tahun": analysis.tahun},
            region_kode=analysis.kabkota_id,
            params={
                "document": doc.pk,
                "next": reverse("ansit:documents", kwargs={"kode": analysis.kabkota_id})
                + f"?tahun={analysis.tahun}",
            },
            by=by,
        )
        AnsitDocument.objects.filter(pk=doc.pk).update(job=job)
        doc.job = job
        audit(by=by, action="ansit.document.start", target=doc, region_kode=analysis.kabkota_id)
        transaction.on_commit(lambda: document_build.enqueue(str(job.pk)))
    return doc


def document_attach(*, scope: Scope, document: AnsitDocument, by):
    """Attach the generated PDF as evidence of the district's Aksi 1 of the year, through the aksi
    app's evidence service (so its permission, file checks, status rules and audit all apply)."""
    from konvergensi.aksi import selectors as aksi_selectors
    from konvergensi.aksi import services as aksi_services

    require(scope, Permission.ANSIT_EDIT, document.kabkota_id)
    if document.status != DocumentStatus.SELESAI or not document.pdf:
        raise ValidationError(_("Dokumen belum selesai dibuat."))
    siklus = aksi_selectors.siklus_get(scope=scope, kabkota_kode=document.kabkota_id, tahun=document.tahun)
    if siklus is None:
        raise ValidationError(
            _("Siklus %(tahun)s belum dibuka. Buka siklus di Pantau Aksi dulu.") % {"tahun": document.tahun}
        )
    aksi = siklus.aksi_set.get(nomor=1)
    with document.pdf.open("rb") as fh:
        content = fh.read()
    upload = SimpleUploadedFile(document.filename("pdf"), content, "application/pdf")
    with transaction.atomic():
        # Submitting the analysis starts Aksi 1 (an audited move, with its reason), then attaches it.
        aksi_services.work_started(
            kabkota_kode=document.kabkota_id,
            tahun=document.tahun,
            nomor=1,
            by=by,
            reason=_("Dokumen analisis situasi dilampirkan dari Konvergensi."),
        )
        evidence = aksi_services.evidence_add(
            scope=scope,
            aksi=aksi,
            upload=upload,
            description=_("Dokumen analisis situasi (dibuat Konvergensi, %(date)s)")
            % {"date": _date(document.finished_at)},
            by=by,
        )
        AnsitDocument.objects.filter(pk=document.pk).update(evidence_id=evidence.pk)
    document.evidence_id = evidence.pk
    return evidence


def lokus_settings_of(lokus: LokusList) -> selectors.LokusSettings:
    return selectors.LokusSettings(lokus.eligibility, lokus.method, lokus.value, lokus.cost)
