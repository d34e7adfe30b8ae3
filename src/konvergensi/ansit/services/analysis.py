"""The distribution analysis of a district (Gambar 1.2–1.4): creating it from the data sasaran, a
measurement round or an uploaded sheet, with its Aksi 6 notes, and the team's decision on it."""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.indicators.models import DataValue
from konvergensi.wilayah.models import Region
from konvergensi_core import datadesa
from konvergensi_core.ansit import Problem, coarse_coverage, data_gap_notes, has_errors
from konvergensi_core.ansit import recommendations as rules
from konvergensi_core.ansit.categories import DEFAULT_PREVALENCE_BANDS, PrevalenceBands
from konvergensi_core.ansit.hotspots import LEVEL_LABEL

from .. import selectors
from ..models import Analysis, DataGapNote, DataSource, Decision, InputSource, Level
from .base import FileProblems, compare_and_set
from .units import Figures, aggregate, desa_units, read_upload, round_figures, sasaran_figures, upload_units


def _check_common(*, tahun: int, periode: str, level: str, data_source: str, margin: float) -> None:
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
    found = [("sebaran", t) for t in data_gap_notes(analysis.level, analysis.data_source)]
    empty = [u for u in result.units if u.prevalence is None and u.cases is None]
    if empty:
        names = {u["kode"]: u.get("nama") or u["kode"] for u in analysis.units}
        text = _(
            "Data stunting tidak tersedia untuk %(n)s dari %(total)s %(level)s (%(names)s): "
            "Aksi 6 perlu melengkapi data ini; Dinas Kesehatan memasukkan pengukuran (Aksi 7) "
            "ke rencana aksinya bila belum ada."
        ) % {
            "n": len(empty),
            "total": len(result.units),
            "level": str(LEVEL_LABEL[analysis.level]).lower(),
            "names": rules.names_text([names[u.unit] for u in empty], 10),
        }
        found.append(("kosong", text))
    indicators = selectors.main_indicators(analysis.indicator_set)
    n_desa = len(selectors.kabkota_desa(analysis.kabkota_id))
    n_kec = Region.objects.filter(parent_id=analysis.kabkota_id, level="kecamatan").count()
    filled = defaultdict(int)  # values per indicator, counted by the database (not ~26,000 rows read)
    filled.update(
        DataValue.objects.filter(
            kabkota_id=analysis.kabkota_id, periode=analysis.periode, indicator__in=indicators
        )
        .values("indicator_id")
        .annotate(n=Count("id"))
        .values_list("indicator_id", "n")
    )
    none = [i.kode for i in indicators if not filled[i.pk]]
    coarse = coarse_coverage({i.kode: filled[i.pk] for i in indicators}, n_kecamatan=n_kec, n_desa=n_desa)
    coverage_notes = (
        (
            coarse,
            _(
                "Data cakupan %(codes)s periode %(periode)s hanya ada untuk sedikit desa per kecamatan "
                "(kemungkinan dilaporkan per puskesmas atau kecamatan): Aksi 6 perlu memprioritaskan "
                "data yang lebih rinci di tingkat desa/kelurahan."
            ),
        ),
        (
            none,
            _(
                "Data cakupan %(codes)s periode %(periode)s belum tersedia: OPD penanggung jawab "
                "memasukkan pengumpulan datanya ke rencana aksi OPD (catatan untuk Aksi 6)."
            ),
        ),
    )
    for codes, text in coverage_notes:
        if codes:
            found.append(("cakupan", text % {"codes": ", ".join(codes), "periode": analysis.periode}))
    return [
        DataGapNote(kabkota=analysis.kabkota, tahun=analysis.tahun, analysis=analysis, kind=kind, text=text)
        for kind, text in found
    ]


def _bands(prevalence_bands: dict[str, float] | None) -> dict[str, float]:
    """The prevalence categories chosen for the analysis; {} for the defaults."""
    if not prevalence_bands:
        return {}
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
    if chosen == DEFAULT_PREVALENCE_BANDS:
        return {}
    return {"sangat_tinggi": chosen.sangat_tinggi, "tinggi": chosen.tinggi, "rendah": chosen.rendah}


def _sasaran_input(kabkota: str, data_tahun: int, warnings: list[dict]) -> tuple[Figures, str]:
    """The desa figures of the data sasaran of the data year, and the label of that source."""
    figures, unverified = sasaran_figures(kabkota, data_tahun)
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
    return figures, _("Data sasaran desa %(tahun)s (balita stunting / balita diukur)") % {"tahun": data_tahun}


def _round_input(scope: Scope, kabkota: str, round_id: int | None) -> tuple[Figures, str]:
    """The desa figures of a measurement round of the district, and the label of that source."""
    from konvergensi.measurements.selectors import rounds_for

    rnd = rounds_for(scope=scope, kabkota=kabkota).filter(pk=round_id).first() if round_id else None
    if rnd is None:
        raise ValidationError({"round": _("Pilih putaran pengukuran kabupaten/kota ini.")})
    figures = round_figures(rnd.pk)
    if not figures:
        raise ValidationError({"round": _("Putaran ini belum berisi hasil pengukuran.")})
    return figures, _("Putaran pengukuran %(nama)s (anak stunting / anak dengan TB/U sah)") % {
        "nama": rnd.nama
    }


def _upload_table(upload, *, level: str, kabkota: str, warnings: list[dict]) -> tuple[list[dict], str]:
    """The units of an uploaded sheet and the label of that source; FileProblems when it has a
    blocking problem (its warnings go to ``warnings``)."""
    if upload is None:
        raise ValidationError({"file": _("Pilih berkas CSV atau Excel (.xlsx) yang akan diunggah.")})
    figures_by_unit, problems = read_upload(upload, level=level, kabkota=kabkota)
    if has_errors(problems):
        raise FileProblems(problems)
    warnings.extend(p.as_dict() for p in problems)
    units = upload_units(level, kabkota, figures_by_unit)
    return units, _("Berkas %(name)s") % {"name": (upload.name or "")[-120:]}


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
    locks.require_open(kabkota.kode, tahun, 1)
    if kabkota.level != "kabkota":
        raise ValidationError(_("Analisis situasi hanya untuk kabupaten/kota."))
    _check_common(tahun=tahun, periode=periode, level=level, data_source=data_source, margin=margin)
    if indicator_set not in ("2018", "2025"):
        raise ValidationError({"indicator_set": _("Pilih set indikator.")})
    bands = _bands(prevalence_bands)
    data_tahun = int(periode[:4])
    warnings: list[dict] = []
    if input_source == InputSource.UPLOAD:
        units, source_label = _upload_table(upload, level=level, kabkota=kabkota.kode, warnings=warnings)
        figures = sasaran_figures(kabkota.kode, data_tahun)[0] if level != Level.DESA else {}
        desa_label = _("Data sasaran desa %(tahun)s (berkas ini tidak per desa)") % {"tahun": data_tahun}
    elif input_source == InputSource.SASARAN:
        figures, source_label = _sasaran_input(kabkota.kode, data_tahun, warnings)
        units = aggregate(level, kabkota.kode, figures, warnings)
        desa_label = source_label
    elif input_source == InputSource.ROUND:
        figures, source_label = _round_input(scope, kabkota.kode, round_id)
        units = aggregate(level, kabkota.kode, figures, warnings)
        desa_label = source_label
    else:
        raise ValidationError({"input_source": _("Pilih asal data.")})
    # Above the desa level, the desa figures too (the lokus ranking works per desa).
    desa_table = desa_units(kabkota.kode, figures) if level != Level.DESA else []
    desa_label = desa_label if level != Level.DESA else ""
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
        desa_units=desa_table,
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
    locks.require_open(analysis.kabkota_id, analysis.tahun, 1)
    reason = (reason or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Pilih salah satu dari tiga opsi keputusan.")})
    computed = analysis.summary.get("recommendation")
    if decision != computed and not reason:
        raise ValidationError(
            {"reason": _("Keputusan berbeda dari rekomendasi perhitungan: tuliskan alasannya.")}
        )
    with transaction.atomic():
        compare_and_set(
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
