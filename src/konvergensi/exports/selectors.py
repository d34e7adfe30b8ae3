"""Reads for the standard exports: what a district stores, handed to the pure builders.

Only public or aggregate figures leave: the coverage values (numerator ÷ denominator per desa and
period, no person behind them) and the current publications of published rounds (their suppressed
snapshots; a withdrawn publication or a draft round is never read). A suppressed cell (prevalence
null, or the unit hidden) is dropped by the builders.
"""

from __future__ import annotations

from django.utils import timezone

from konvergensi.indicators.models import DataValue, Indicator
from konvergensi.publication.models import Publication
from konvergensi.publication.selectors import current_publications
from konvergensi.wilayah.models import Region
from konvergensi_core.exports import dhis2, fhir


class NothingToExport(Exception):
    """The district has nothing for this export (one Indonesian sentence)."""


def _rows(pub: Publication) -> list[dict]:
    data = pub.data or {}
    rows = [data.get("district") or {}, *(data.get("kecamatan") or []), *(data.get("desa") or [])]
    return [r for r in rows if r.get("kode") and not r.get("hidden")]


def _publications(
    kabkota: str, *, year: int | None = None, round_name: str | None = None
) -> list[Publication]:
    qs = current_publications(kabkota=kabkota)
    if year is not None:
        qs = qs.filter(round__tanggal_mulai__year=year)
    if round_name is not None:
        qs = qs.filter(round__nama__iexact=round_name.strip())
    seen, out = set(), []
    for pub in qs:  # one per round: the newest current one
        if pub.round_id not in seen:
            seen.add(pub.round_id)
            out.append(pub)
    return sorted(out, key=lambda p: (p.round.kabkota_id, p.round.tanggal_mulai, p.round_id))


def dhis2_export(kabkota: str, *, year: int | None = None) -> dict:
    """The DHIS2 document of a district (see :mod:`konvergensi_core.exports.dhis2`)."""
    kab = Region.objects.get(kode=kabkota, level="kabkota")
    regions = Region.objects.filter(kode__startswith=kabkota + ".") | Region.objects.filter(
        kode__in=[kabkota, kabkota[:2]]
    )
    units = [dhis2.OrgUnit(r.kode, r.nama, r.level, r.parent_id) for r in regions]
    indicators = [dhis2.CatalogueIndicator(i.kode, i.nama, i.is_count) for i in Indicator.objects.all()]
    values = DataValue.objects.filter(kabkota_id=kabkota).select_related("indicator")
    if year is not None:
        values = values.filter(periode__startswith=str(year))
    coverage = [
        dhis2.CoverageValue(v.indicator.kode, v.desa_id, v.periode, v.numerator, v.denominator)
        for v in values.order_by("periode", "desa_id", "indicator__urutan")
    ]
    prevalence = [
        dhis2.PrevalenceValue(measure, row["kode"], pub.round.tanggal_mulai, row.get(f"{measure}_prevalence"))
        for pub in _publications(kabkota, year=year)
        for row in _rows(pub)
        for measure in dhis2.PREVALENCE
    ]
    if not coverage and not any(p.prevalence is not None for p in prevalence):
        when = f" tahun {year}" if year is not None else ""
        raise NothingToExport(f"{kab.nama} belum mempunyai nilai cakupan atau prevalensi terpublikasi{when}.")
    return dhis2.export(units, indicators, coverage, prevalence, kabkota=kabkota,
                        exported_at=timezone.now().isoformat(timespec="seconds"))  # fmt: skip


def _unit(row: dict) -> fhir.UnitFigures:
    keys = fhir.MEASURES.values()
    return fhir.UnitFigures(
        kode=row["kode"],
        nama=row.get("nama") or row["kode"],
        measured=row.get("measured"),
        counts={k: row.get(k) for k in keys},
        valid={k: row.get(f"{k}_n") for k in keys},
        prevalence={k: row.get(f"{k}_prevalence") for k in keys},
    )


def fhir_export(kabkota: str, *, round_name: str | None = None) -> dict:
    """A FHIR R4 Bundle of the district's published rounds (or the one named)."""
    kab = Region.objects.get(kode=kabkota, level="kabkota")
    pubs = _publications(kabkota, round_name=round_name)
    if not pubs:
        if round_name is not None:
            raise NothingToExport(f"{kab.nama} tidak mempunyai putaran terpublikasi bernama '{round_name}'.")
        raise NothingToExport(f"{kab.nama} belum mempunyai putaran pengukuran yang dipublikasikan.")
    rounds = [
        (
            fhir.RoundInfo(
                pub.round_id,
                pub.round.nama,
                pub.round.tanggal_mulai,
                pub.round.tanggal_selesai,
                pub.published_at.isoformat(timespec="seconds"),
            ),  # fmt: skip
            [_unit(row) for row in _rows(pub)],
        )
        for pub in pubs
    ]
    return fhir.bundle(rounds, kabkota=kabkota, kabkota_nama=kab.nama,
                       timestamp=timezone.now().isoformat(timespec="seconds"))  # fmt: skip


# One row per published unit and round; counts and prevalences as the publication shows them (null
# where it suppressed them). The columns and their meaning are listed in docs/exports.md.
OPENDATA_MEASURES = ("stunted", "severely_stunted", "wasted", "underweight", "overweight")


def opendata_rows(*, kabkota: str | None = None) -> list[dict]:
    """Every current publication of a published round (nationwide, or one district), flattened."""
    out = []
    for pub in _publications(kabkota):
        rnd = pub.round
        for r in _rows(pub):
            row = {"kabkota_kode": rnd.kabkota_id, "putaran": rnd.nama, "tanggal_mulai": rnd.tanggal_mulai,
                   "tanggal_selesai": rnd.tanggal_selesai, "kode": r["kode"], "nama": r.get("nama"),
                   "tingkat": r.get("level"), "diukur": r.get("measured")}  # fmt: skip
            for m in OPENDATA_MEASURES:
                row[m] = r.get(m)
                row[f"{m}_prevalensi"] = r.get(f"{m}_prevalence")
                row[f"{m}_ci_bawah"] = r.get(f"{m}_ci_low")
                row[f"{m}_ci_atas"] = r.get(f"{m}_ci_high")
            out.append(row)
    return out
